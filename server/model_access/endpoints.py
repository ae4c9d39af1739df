"""OpenAI endpoints: canonical names, every spelling developers use, and the SDK call for each.

A developer says "/v1/chat/completions", "chat.completions", "client.chat.completions.create"
or the pre-1.0 "openai.ChatCompletion.create": all name one endpoint. This module turns any
of them into the canonical name and never guesses: an unknown spelling is an error that
lists the valid names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import UnknownEndpointError

if TYPE_CHECKING:
    from .catalog import Catalog
    from .results import EndpointAdvice  # imported where it is built: a code scan reads this module without pydantic


@dataclass(frozen=True)
class Endpoint:
    name: str
    http: str
    sdk_call: str
    description: str


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "responses",
            "POST /v1/responses",
            "client.responses.create(model=..., input=...)",
            "Responses API",
        ),
        Endpoint(
            "chat.completions",
            "POST /v1/chat/completions",
            "client.chat.completions.create(model=..., messages=[...])",
            "Chat Completions",
        ),
        Endpoint(
            "completions",
            "POST /v1/completions",
            "client.completions.create(model=..., prompt=...)",
            "legacy text completions",
        ),
        Endpoint(
            "embeddings",
            "POST /v1/embeddings",
            "client.embeddings.create(model=..., input=...)",
            "embeddings",
        ),
        Endpoint(
            "images.generate",
            "POST /v1/images/generations",
            "client.images.generate(model=..., prompt=...)",
            "image generation",
        ),
        Endpoint(
            "images.edit",
            "POST /v1/images/edits",
            "client.images.edit(model=..., image=..., prompt=...)",
            "image editing",
        ),
        Endpoint(
            "images.variations",
            "POST /v1/images/variations",
            "client.images.create_variation(model=..., image=...)",
            "image variations (retired: no longer accepts requests)",
        ),
        Endpoint(
            "audio.transcriptions",
            "POST /v1/audio/transcriptions",
            "client.audio.transcriptions.create(model=..., file=...)",
            "speech to text",
        ),
        Endpoint(
            "audio.translations",
            "POST /v1/audio/translations",
            "client.audio.translations.create(model=..., file=...)",
            "audio translation to English (deprecated endpoint)",
        ),
        Endpoint(
            "audio.speech",
            "POST /v1/audio/speech",
            "client.audio.speech.create(model=..., voice=..., input=...)",
            "text to speech",
        ),
        Endpoint(
            "moderations",
            "POST /v1/moderations",
            "client.moderations.create(model=..., input=...)",
            "moderation",
        ),
        Endpoint(
            "realtime",
            "WebSocket /v1/realtime",
            "client.realtime.connect(model=...)",
            "Realtime API (speech to speech)",
        ),
        Endpoint(
            "live",
            "/v1/live/sessions",
            "client.live.connect(...)",
            "Live sessions (model in the session config)",
        ),
        Endpoint(
            "videos",
            "POST /v1/videos",
            "client.videos.create(model=..., prompt=...)",
            "video (Sora, shut down)",
        ),
        Endpoint(
            "batches",
            "POST /v1/batches",
            "client.batches.create(input_file_id=..., endpoint=..., completion_window='24h')",
            "Batch API",
        ),
        Endpoint(
            "fine_tuning.jobs",
            "POST /v1/fine_tuning/jobs",
            "client.fine_tuning.jobs.create(model=..., training_file=...)",
            "fine-tuning",
        ),
        Endpoint(
            "decisions",
            "POST /v1/decisions",
            "client.decisions.create(model=..., input=..., questions=[...])",
            "Decisions API",
        ),
    )
}

# Pre-1.0 SDK class names and other spellings that are not derivable by normalizing.
_ALIASES: dict[str, str] = {
    "chatcompletion": "chat.completions",
    "chatcompletions": "chat.completions",
    "chat": "chat.completions",
    "chat.completion": "chat.completions",
    "completion": "completions",
    "text.completions": "completions",
    "embedding": "embeddings",
    "image": "images.generate",
    "images": "images.generate",
    "image.create": "images.generate",
    "images.generations": "images.generate",
    "images.generation": "images.generate",
    "image.create_edit": "images.edit",
    "images.edits": "images.edit",
    "image.create_variation": "images.variations",
    "images.create_variation": "images.variations",
    "moderation": "moderations",
    "audio.transcribe": "audio.transcriptions",
    "audio.transcription": "audio.transcriptions",
    "transcriptions": "audio.transcriptions",
    "transcription": "audio.transcriptions",
    "speech-to-text": "audio.transcriptions",
    "stt": "audio.transcriptions",
    "audio.translate": "audio.translations",
    "audio.translation": "audio.translations",
    "translations": "audio.translations",
    "speech": "audio.speech",
    "tts": "audio.speech",
    "text-to-speech": "audio.speech",
    "realtime.connect": "realtime",
    "realtime.calls": "realtime",
    "realtime.client_secrets": "realtime",
    "realtime.translations": "realtime",
    "beta.realtime": "realtime",
    "live.sessions": "live",
    "video": "videos",
    "batch": "batches",
    "fine_tuning": "fine_tuning.jobs",
    "fine-tuning": "fine_tuning.jobs",
    "fine_tunes": "fine_tuning.jobs",
    "finetuning": "fine_tuning.jobs",
    "fine_tuning.job": "fine_tuning.jobs",
    "fine-tuning.jobs": "fine_tuning.jobs",
    "response": "responses",
    "decision": "decisions",
}

_PREFIXES = (
    "await ",
    "https://api.openai.com",
    "http://api.openai.com",
    "api.openai.com",
)
_LEADING_OBJECTS = re.compile(
    r"^(?:self\.)?(?:async_?client|aclient|client|openai|oai|ai|sdk|llm)\.(?:beta\.)?", re.IGNORECASE
)
_METHOD_SUFFIX = re.compile(r"\.(?:create|acreate|stream|parse|generate|edit|connect|with_raw_response)$")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def parse_endpoint(spelling: str) -> str:
    """Canonical endpoint name for any common spelling; raises UnknownEndpointError."""
    found = canonical_endpoint(spelling)
    if found is None:
        from .redact import clip  # redact before truncating: a cut key is no longer recognised

        shown = spelling if len(spelling) <= 80 else clip(spelling, 77) + "..."
        raise UnknownEndpointError(
            f"Unknown endpoint {shown!r}. Use one of: {', '.join(ENDPOINTS)} "
            "(spellings such as '/v1/chat/completions', 'client.chat.completions.create' "
            "or 'openai.ChatCompletion.create' work too)."
        )
    return found


def canonical_endpoint(spelling: str) -> str | None:
    """Canonical endpoint name for a spelling, or None (never raises)."""
    text = spelling.strip().strip("`'\"")
    if not text or len(text) > 200:
        return None
    for method in ("POST ", "GET ", "post ", "get "):
        if text.startswith(method):
            text = text[len(method) :].strip()
    for prefix in _PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    text = text.split("?", 1)[0].rstrip("()").strip()
    if "/" in text:
        # An HTTP path: /v1/chat/completions, v1/images/generations, /openai/deployments/x/embeddings.
        parts = [p for p in text.split("/") if p and p != "v1"]
        if "deployments" in parts:
            index = parts.index("deployments")
            parts = parts[index + 2 :]
        text = ".".join(parts)
    if text in ENDPOINTS:
        return text
    # Pre-1.0 class spellings: openai.ChatCompletion.create → chatcompletion.
    text = _LEADING_OBJECTS.sub("", text)
    text = _LEADING_OBJECTS.sub("", text)
    # Try the spelling as is before dropping a method name: "images.edit" is an endpoint.
    for _ in range(3):
        found = _lookup(text)
        if found is not None:
            return found
        stripped = _METHOD_SUFFIX.sub("", text)
        if stripped == text:
            break
        text = stripped
    return None


def _lookup(text: str) -> str | None:
    snake = _CAMEL.sub("_", text).lower().replace(" ", ".")
    for candidate in (text.lower(), snake, snake.replace("_", ""), text.lower().replace(" ", "")):
        if candidate in ENDPOINTS:
            return candidate
        if candidate in _ALIASES:
            return _ALIASES[candidate]
    return None


# Preference when a model serves several endpoints: the recommended one comes first.
_PREFERENCE = (
    "responses",
    "chat.completions",
    "embeddings",
    "images.generate",
    "images.edit",
    "audio.transcriptions",
    "audio.speech",
    "realtime",
    "live",
    "moderations",
    "decisions",
    "audio.translations",
    "completions",
    "batches",
    "fine_tuning.jobs",
    "videos",
    "images.variations",
)


def recommended_endpoint(endpoints: tuple[str, ...] | list[str], asked: str | None = None) -> str | None:
    """The endpoint to use: the one asked about if served, else the best served one."""
    if asked is not None and asked in endpoints:
        return asked
    # Chat-completions callers keep their call shape when the model serves it; otherwise responses.
    for name in _PREFERENCE:
        if name in endpoints:
            return name
    return None


def check_endpoint_for_model(catalog: Catalog, model: str, endpoint: str) -> EndpointAdvice:
    from .errors import check_model_id
    from .results import EndpointAdvice
    from .suggest import catalog_info

    model = check_model_id(model)
    canonical = parse_endpoint(endpoint)
    resolution = catalog.resolve(model)
    record = resolution.record
    info = catalog_info(catalog)
    if record is None:
        return EndpointAdvice(
            model=model,
            endpoint=canonical,
            supported=None,
            supported_endpoints=[],
            recommended_endpoint=None,
            sdk_call=None,
            explanation=(
                f"{model!r} is not in the catalog, so its endpoints are unknown. "
                "Call suggest_replacement to find the intended id, or check_model_access to ask the API."
            ),
            catalog=info,
        )
    served = list(record.endpoints)
    supported = canonical in served
    recommended = recommended_endpoint(served, canonical)
    sdk_call = ENDPOINTS[recommended].sdk_call if recommended else None
    name = record.id if resolution.match == "exact" else f"{model!r} (catalog id {record.id})"
    lifecycle = catalog.lifecycle(record)
    if supported:
        explanation = f"{name} serves {canonical} ({ENDPOINTS[canonical].http})."
    else:
        explanation = f"{name} does not serve {canonical}; it serves {', '.join(served) or 'no endpoint'}."
        if recommended:
            explanation += f" Use {recommended}: {ENDPOINTS[recommended].sdk_call}."
        if canonical == "chat.completions" and served == ["responses"]:
            explanation += " It is a Responses-only model: the API answers 'only supported in v1/responses'."
        if canonical == "completions":
            explanation += " No current OpenAI model serves the legacy /v1/completions endpoint."
    if lifecycle == "shutdown":
        explanation += f" Note: {record.id} was shut down on {record.shutdown_date}; call suggest_replacement."
    elif lifecycle == "deprecated":
        explanation += f" Note: {record.id} shuts down on {record.shutdown_date}."
    return EndpointAdvice(
        model=model,
        endpoint=canonical,
        supported=supported,
        supported_endpoints=served,
        recommended_endpoint=recommended,
        sdk_call=sdk_call,
        explanation=explanation,
        catalog=info,
    )
