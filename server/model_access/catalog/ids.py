"""Model ids as developers write them: provider prefixes, compact keys, generations, families.

Pure functions of the id text (no catalog data), shared by the catalog, the scanner and the judgment.
"""

from __future__ import annotations

import re

# Provider prefixes as developers write them, longest first.
PROVIDER_PREFIXES: tuple[str, ...] = (
    "openrouter/openai/",
    "litellm/openai/",
    "~openai/",
    "openai/",
    "azure/",
    "azure_ai/",
    "openai:",
    "azure:",
)
_OPENROUTER_SUFFIX = re.compile(r":(?:free|beta|extended|online|floor|nitro|thinking|batch)$")
_COMPACT_DROP = re.compile(r"[\s._\-]+")
_DATED = re.compile(r"^(?P<base>.+?)-(?P<date>\d{4}-\d{2}-\d{2}|\d{4})$")


def strip_provider(written: str) -> tuple[str, str]:
    text = written.strip().strip("`'\"“”‘’ ")
    lowered = text.lower()
    for prefix in PROVIDER_PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            if prefix.startswith(("openrouter", "~")):
                text = _OPENROUTER_SUFFIX.sub("", text)
            return text, prefix
    return text, ""


def compact_key(model_id: str) -> str:
    return _COMPACT_DROP.sub("", model_id.lower())


def generation_of(model_id: str) -> float:
    """A sortable 'how new' number derived from the id (higher is newer)."""
    match = re.match(r"^gpt-(\d+(?:\.\d+)?)", model_id)
    if match:
        return float(match.group(1))
    match = re.match(r"^o(\d)", model_id)
    if match:
        return 4.5 + int(match.group(1)) / 10  # o1..o4 sit between GPT-4o and GPT-5
    match = re.match(r"^gpt-(?:image|realtime|audio)-(\d+(?:\.\d+)?)", model_id)
    if match:
        return float(match.group(1))
    match = re.match(r"^text-embedding-(\d)", model_id)
    if match:
        return float(match.group(1))
    return 0.0


def dated_base(model_id: str) -> str | None:
    match = _DATED.match(model_id)
    return match.group("base") if match else None


def family_of(model_id: str) -> str:
    """Family name derived from an id; the overlay may override it."""
    rules: tuple[tuple[str, str], ...] = (
        (r"^ft:", "fine-tune"),
        (r"^(?:gpt-image|dall-e|chatgpt-image)", "image"),
        (r"^sora", "video"),
        (r"^(?:tts|whisper|gpt-4o(?:-mini)?-(?:tts|transcribe)|gpt-transcribe|gpt-live-transcribe)", "audio"),
        (r"(?:realtime|^gpt-live)", "realtime"),
        (r"^gpt-audio|audio-preview", "audio"),
        (r"embedding|^text-(?:similarity|search)|^code-search", "embedding"),
        (r"moderation", "moderation"),
        (r"^(?:text-|code-|davinci|curie|babbage|ada)", "legacy-completions"),
        (r"^o\d", "o-series"),
        (r"^gpt-3\.5", "gpt-3.5"),
        (r"^gpt-4o|^chatgpt-4o", "gpt-4o"),
        (r"^gpt-4\.1", "gpt-4.1"),
        (r"^gpt-4\.5", "gpt-4.5"),
        (r"^gpt-4", "gpt-4"),
        (r"^gpt-(\d+(?:\.\d+)?)", r"gpt-\1"),
    )
    for pattern, family in rules:
        match = re.search(pattern, model_id)
        if match:
            return match.expand(family) if "\\" in family else family
    return "other"
