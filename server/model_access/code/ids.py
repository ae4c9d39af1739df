"""What a model id looks like in text, and which written strings count as a reference.

One regex finds candidates (`TOKEN` in running text, `ID_FULL` for a whole literal); the
catalog then decides. Precision rules live here so every language applies the same ones.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from ..catalog import Catalog, Resolution
from ..textbytes import LastAscii

# Known provider prefixes, then any other `word/` (github/, litellm/, azure_openai/, bedrock/…): one or two
# levels. A prefix that is not a known provider needs an exact catalog id after it (Hugging Face repos).
_KNOWN_PREFIX = r"(?:openrouter/openai/|litellm/openai/|~openai/|openai/|azure_ai/|azure/|openai:|azure:)"
_PREFIX = r"(?:openrouter/openai/|litellm/openai/|~openai/|openai:|azure:|(?:[a-z][a-z0-9_.\-]{0,40}/){1,2})"
_FT = r"ft:[a-z0-9][\w.\-]*:[\w.:\-]*"
_NAMED = (
    r"(?:chat)?gpt-?[0-9][\w.\-]*"
    r"|gpt-(?:image|audio|realtime|live|transcribe|daybreak|rosalind)[\w.\-]*"
    r"|o[1-9](?:-[\w.\-]+)?"
    r"|text-(?:embedding|davinci|curie|babbage|ada|moderation|search|similarity)[\w.\-]*"
    r"|omni-moderation[\w.\-]*|dall-e-?[0-9][\w.\-]*|tts-1[\w.\-]*|whisper-1"
    r"|(?:davinci|babbage)-\d+|code-(?:davinci|cushman|search)[\w.\-]*|codex-mini[\w.\-]*"
    r"|computer-use-preview[\w.\-]*|sora-2[\w.\-]*|chatgpt-[\w.\-]+|chat-latest"
    r"|ada|babbage|curie|davinci"
)
_STEM = rf"(?:{_FT}|{_NAMED})"
_SUFFIX = r"(?::(?:free|beta|extended|online|floor|nitro|thinking|batch))?"
# Hugging Face organisations whose repos are named after OpenAI models (tokenizers, ports): not an id in use.
HF_ORGS = frozenset({"xenova", "openai-community", "hf-internal-testing", "onnx-community", "huggingface", "hf"})

#: A candidate inside running text (comments, prose, config lines, unknown languages).
TOKEN = re.compile(rf"(?<![\w./@:\-~])(?P<prefix>{_PREFIX})?(?P<id>{_STEM}){_SUFFIX}(?![\w/@\-]|[.:]\w)", re.IGNORECASE)
#: A whole string literal that is an id (with an optional provider prefix).
ID_FULL = re.compile(rf"(?P<prefix>{_PREFIX})?(?P<id>{_STEM}){_SUFFIX}", re.IGNORECASE)
#: The pre-filter: every id stem between word boundaries ("ada" but not "adapter"). Built from `_STEM`, the same source as TOKEN and
#: ID_FULL, so a file (or literal) the pre-filter drops can hold no id the extractors would accept.
#: Written in the syntax RE2 and `re` share (no look-behind) and run on raw bytes.
PREFILTER_TEXT = rf"\b(?:ft:|(?:{_NAMED})\b)"
_KNOWN = re.compile(_KNOWN_PREFIX, re.IGNORECASE)


def _compile_prefilter() -> Callable[[bytes], bool]:
    # The same pattern on two engines: `re` for strings of a few bytes (RE2's Python wrapper costs more
    # per call there), RE2 for everything longer: 0.8 µs against `re`'s 5 µs for 100 bytes, 2 µs against
    # 49 µs for 1 KB (the small files of site-packages: 6 ms against 88 ms).
    small = re.compile(PREFILTER_TEXT.encode(), re.IGNORECASE)
    try:
        import re2
    except ImportError:  # pragma: no cover - google-re2 is a dependency; `re` gives the same answers
        return lambda data: small.search(data) is not None
    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = 64 << 20
    fast = re2.compile(PREFILTER_TEXT.encode(), options)
    return lambda data: (small if len(data) < _RE2_FROM else fast).search(data) is not None


_RE2_FROM = 16  # bytes
_prefilter: Callable[[bytes], bool] | None = None


def has_candidate(data: bytes) -> bool:
    """Whether `data` may hold a model id (no false negatives against TOKEN / ID_FULL)."""
    global _prefilter
    if _prefilter is None:
        _prefilter = _compile_prefilter()
    return _prefilter(data)


_RUN = frozenset("./@:-~")
_text_finder: Any = None


def find_starts(text: str, start: int, end: int) -> Iterator[int]:
    global _text_finder
    if _text_finder is None:
        try:
            import re2

            options = re2.Options()
            options.case_sensitive = False
            options.max_mem = 64 << 20
            _text_finder = re2.compile(PREFILTER_TEXT, options)
        except ImportError:  # pragma: no cover - google-re2 is a dependency
            _text_finder = re.compile(PREFILTER_TEXT, re.IGNORECASE)
    if end < len(text) and (text[end].isalnum() or text[end] == "_"):
        # RE2 reads the character at `end` for the closing \b, where `re` (whose finditer this stands
        # for) treats `end` as the end of the text: "gpt-4" cut from "gpt-4o" is a candidate to `re`.
        text = text[:end]
    data = ascii_bytes(text)
    try:
        if data is None and isinstance(_text_finder, re.Pattern):  # pragma: no cover - without RE2
            starts = [m.start() for m in _text_finder.finditer(text, start, end)]
        elif data is None:
            starts = _utf8_starts(text, start, end)
        else:
            starts = [m.start() for m in _text_finder.finditer(data, start, end)]
    except UnicodeEncodeError:  # a lone surrogate (a stray byte, a notebook's escape): RE2 needs UTF-8
        starts = [m.start() for m in _text_fallback().finditer(text, start, end)]
    yield from starts


class _Utf8:
    """A non-ASCII text encoded once, with the byte offset of every 4096th character."""

    STEP = 4096

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8")  # UnicodeEncodeError on a lone surrogate: the caller's fallback
        marks = [0]
        for i in range(self.STEP, len(text), self.STEP):
            marks.append(marks[-1] + len(text[i - self.STEP : i].encode("utf-8")))
        self.marks = marks

    def byte_offset(self, char: int) -> int:
        i = min(char // self.STEP, len(self.marks) - 1)
        return self.marks[i] + len(self.text[i * self.STEP : char].encode("utf-8"))


_utf8_text: _Utf8 | None = None


def _utf8_starts(text: str, start: int, end: int) -> list[int]:
    """RE2 on the text's UTF-8 bytes, as its wrapper does for a str, without encoding the whole text
    again and mapping every offset back on each call: one encoding per text, offsets converted here.
    Every match starts at an ASCII character, so each byte offset is a character boundary."""
    global _utf8_text
    utf8 = _utf8_text
    if utf8 is None or utf8.text is not text:
        utf8 = _utf8_text = _Utf8(text)  # one object, replaced at once: safe between threads
    data = utf8.data
    first = utf8.byte_offset(start)
    last = utf8.byte_offset(end) if end < len(text) else len(data)
    out: list[int] = []
    byte_at, char_at = first, start
    for m in _text_finder.finditer(data, first, last):
        b = m.start()
        char_at += len(data[byte_at:b].decode("utf-8"))
        byte_at = b
        out.append(char_at)
    return out


@functools.lru_cache(maxsize=1)
def _text_fallback() -> re.Pattern[str]:
    return re.compile(PREFILTER_TEXT, re.IGNORECASE)


ascii_bytes = LastAscii()  # a scanned file's bytes when it is ASCII (textbytes.py)


_mention_finders: dict[str, Any] = {}


def mentions(text: str, words: tuple[str, ...]) -> list[bool]:
    """For each word (lower-case ASCII), whether it is in text.lower(), without lowering a big ASCII file:
    the word as written, else a case-insensitive RE2 search of its bytes (in ASCII, lowering maps A-Z
    only). Any other text is lowered once, as before."""
    data = ascii_bytes(text) if len(text) > 4096 else None
    lowered: str | None = None
    out = []
    for word in words:
        if word in text:
            out.append(True)
        elif data is None:
            if lowered is None:
                lowered = text.lower()
            out.append(word in lowered)
        else:
            out.append(_mention_finder(word).search(data) is not None)
    return out


def _mention_finder(word: str) -> Any:
    finder = _mention_finders.get(word)
    if finder is None:
        try:
            import re2

            options = re2.Options()
            options.case_sensitive = False
            finder = re2.compile(re.escape(word).encode(), options)
        except ImportError:  # pragma: no cover - google-re2 is a dependency
            finder = re.compile(re.escape(word).encode(), re.IGNORECASE)
        _mention_finders[word] = finder
    return finder


# Spans shorter than this are searched with `re` (TOKEN itself): RE2's per-call cost is higher there.
# In an ASCII text RE2 wins from about 100 characters (3 µs against 13 µs for 128, 16 against 204 for
# 2 KB); in any other text each RE2 call re-encodes the whole text, so `re` keeps spans up to 2 KB.
_RE2_SPAN_ASCII = 96
_RE2_SPAN = 2048


def iter_tokens(text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
    """TOKEN.finditer(text, start, end), ~6x faster: RE2 finds the stems, TOKEN confirms each one.

    A token can only begin where TOKEN's look-behind allows, i.e. at the start of the run of id-ish
    characters ([\\w./@:-~]) that ends at the stem: with a provider prefix there, else at the stem.
    """
    end = len(text) if end is None else end
    span = end - start
    if span < _RE2_SPAN_ASCII or (span < _RE2_SPAN and ascii_bytes(text) is None):
        yield from TOKEN.finditer(text, start, end)
        return
    yield from tokens_at(text, find_starts(text, start, end), start, end)


def tokens_at(text: str, starts: Iterable[int], start: int, end: int) -> Iterator[re.Match[str]]:
    """TOKEN's matches in text[start:end], given every candidate start there (find_starts's answer)."""
    last = start
    for p in starts:
        if p < last:
            continue
        q = p
        floor = max(start, p - 100)
        while q > floor and (text[q - 1].isalnum() or text[q - 1] in _RUN or text[q - 1] == "_"):
            q -= 1
        m = TOKEN.match(text, q, end) if q < p else None
        if m is None or m.start("id") != p:
            m = TOKEN.match(text, p, end) if q == p else None
        if m is not None:
            last = m.end()
            yield m


def known_prefix(prefix: str) -> bool:
    return not prefix or _KNOWN.fullmatch(prefix) is not None


# Ids that read as plain words: only a reference where a model is expected.
AMBIGUOUS = frozenset({"ada", "babbage", "curie", "davinci", "chat-latest"})
_SHORT_O = re.compile(r"^o[1-9]$")
# An unresolved string that is shaped like an OpenAI id is an intended (unknown) id.
LOOKS_LIKE = re.compile(
    r"(?:gpt-(?:[3-9]|image|audio|realtime|live|transcribe|daybreak|rosalind)|chatgpt-|o[1-9](?:-|$)|text-embedding-|text-davinci-"
    r"|dall-e-\d|tts-\d|whisper-\d|omni-moderation|text-moderation|codex-mini|computer-use|sora-\d)[a-z0-9.\-]*",
    re.IGNORECASE,
)
_FILE_LIKE = re.compile(r"\.[a-z]{2,}$", re.IGNORECASE)
MODELISH = re.compile(r"model|engine|deployment|llm", re.IGNORECASE)

Mode = Literal["literal", "text"]


@dataclass(frozen=True)
class Accepted:
    prefix: str  # provider prefix as written ("" if none)
    ident: str  # the id as written, without prefix or provider suffix
    resolution: Resolution


# classify() answers, per catalog: a tree repeats a few hundred ids thousands of times (the SDK's own lists).
_CLASSIFIED: weakref.WeakKeyDictionary[Catalog, dict[tuple[Any, ...], Accepted | None]] = weakref.WeakKeyDictionary()
_CLASSIFIED_MAX = 50_000  # answers kept per catalog (a long-running server scans many trees)


def classify(
    token: str,
    catalog: Catalog,
    mode: Mode,
    key: str | None = None,
    strict: bool = False,
    openai_file: bool = True,
) -> Accepted | None:
    """Whether `token` (a whole literal or a text token) is a model id in use (remembered per catalog)."""
    answers = _CLASSIFIED.get(catalog)
    if answers is None:
        answers = _CLASSIFIED.setdefault(catalog, {})
    question = (token, mode, key, strict, openai_file)
    if question in answers:
        return answers[question]
    if len(answers) >= _CLASSIFIED_MAX:
        answers.clear()
    answer = answers[question] = _classify(token, catalog, mode, key, strict, openai_file)
    return answer


def _classify(
    token: str,
    catalog: Catalog,
    mode: Mode,
    key: str | None,
    strict: bool,
    openai_file: bool,
) -> Accepted | None:
    m = ID_FULL.fullmatch(token)
    if m is None:
        return None
    prefix = m.group("prefix") or ""
    ident = m.group("id").rstrip(".-")
    if not ident or _FILE_LIKE.search(ident):
        return None
    if prefix and not known_prefix(prefix):
        # `github/gpt-4o`, `litellm/o3`: an exact id after any provider; never a Hugging Face repo.
        if prefix.split("/", 1)[0].lower() in HF_ORGS or prefix.endswith(("./", "-/")):
            return None
        strict = True
    lowered = ident.lower()
    if lowered.startswith("gpt-35-"):
        return None  # Azure's spelling of a model name (gpt-35-turbo), not an OpenAI id
    modelish = bool(key and MODELISH.search(key))
    if lowered in AMBIGUOUS and not modelish:
        return None
    res = catalog.resolve(ident)
    accepted = Accepted(prefix, ident, res)
    if ident.startswith("ft:"):
        return accepted if len(ident) > 4 else None
    if mode == "text":
        if res.match != "exact" or (_SHORT_O.match(lowered) and not (modelish or openai_file)):
            return None
        return accepted
    if strict:
        return accepted if res.match == "exact" else None
    if res.match == "exact":
        if _SHORT_O.match(lowered) and not (modelish or openai_file):
            return None
        return accepted
    if res.match in ("case", "tolerant"):
        # "O3" is a compiler flag, "GPT4" or "gpt4o" an intended id.
        if not (re.search(r"[-.]", ident) or lowered.startswith("gpt")):
            return None
        return accepted
    if LOOKS_LIKE.fullmatch(ident):
        # "gpt-3.5" or "gpt-4.5" alone is a family label unless a model is expected here.
        if not modelish and catalog_has_prefix(catalog, lowered):
            return None
        return accepted
    return None


_PREFIX_CACHE: dict[int, frozenset[str]] = {}


def catalog_has_prefix(catalog: Catalog, lowered: str) -> bool:
    """Whether `lowered` is a family stem of real ids ("gpt-3.5" of "gpt-3.5-turbo")."""
    stems = _PREFIX_CACHE.get(id(catalog))
    if stems is None:
        found: set[str] = set()
        for model_id in catalog.ids():
            for i, ch in enumerate(model_id):
                if ch in "-." and i:
                    found.add(model_id[:i].lower())
        stems = _PREFIX_CACHE[id(catalog)] = frozenset(found)
    return lowered in stems
