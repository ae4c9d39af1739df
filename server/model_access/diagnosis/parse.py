"""Raw error text → parsed facts.

Every shape a developer pastes (openai-python reprs, raw JSON, Node/Go/Java/.NET/Ruby/PHP
SDK messages, curl and HTTP logs, LangChain/LiteLLM/aider/Continue/Cursor/Codex output,
Azure bodies, tracebacks, chat-mangled quotes and wrapped lines) is handled the same way:
the text is windowed, long runs of one character are squashed, it is redacted and
normalized (smart quotes, escaped quotes, collapsed whitespace), and then read with
precompiled regular expressions. Nothing is ever evaluated.

Linear by construction: every repetition in a pattern is bounded or runs over a class that
its successor cannot match, so no pattern backtracks over a run; each pattern is gated by a
literal that must occur in the lower-cased text (a C-speed substring test), and the work per
candidate (status numbers, anchors) is capped. A megabyte of backslashes, quotes, braces or
repeated `key=` pairs costs what a megabyte of prose costs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol, cast

from ..endpoints import canonical_endpoint as _canonical
from ..redact import generation, redact
from ..textbytes import LastAscii

try:  # google-re2: a linear-time engine (no backtracking at all); benchmarks/bench_diagnosis.py
    import re2 as _re2  # shows it ~10× faster than `re` on the case-insensitive families.
except ImportError:  # pragma: no cover - wheels exist for every platform we support
    _re2 = None


class Match(Protocol):
    def group(self, index: int = 0, /) -> Any: ...
    def start(self, index: int = 0, /) -> int: ...
    def end(self, index: int = 0, /) -> int: ...
    def span(self, index: int = 0, /) -> tuple[int, int]: ...


class Pattern(Protocol):
    @property
    def pattern(self) -> str: ...
    def search(self, string: str, pos: int = ..., endpos: int = ..., /) -> Match | None: ...
    def finditer(self, string: str, pos: int = ..., endpos: int = ..., /) -> Iterator[Match]: ...


def linear(pattern: str, ignore_case: bool = False) -> Pattern:
    """A pattern for RE2 when it is installed (linear time by construction), else for `re`; the
    patterns given here use only the syntax both share (no look-arounds, no back-references)."""
    if _re2 is not None:
        options = _re2.Options()
        options.case_sensitive = not ignore_case
        return _RE2Pattern(_re2.compile(pattern, options))
    return cast(Pattern, re.compile(pattern, re.IGNORECASE if ignore_case else 0))


class _RE2Pattern:
    """An RE2 pattern whose `search` takes the first match of `finditer`: the binding's `search`
    is 1.5-4× slower than that on these patterns (measured with benchmarks/bench_diagnosis.py).

    On ASCII text (nearly every pasted error) both call the engine directly, as the binding itself
    would, minus its per-call work: character and byte offsets are the same, so there is nothing to
    translate, and the text is encoded once for all the patterns that read it. Other text goes
    through the binding."""

    __slots__ = ("_compiled", "_engine", "pattern")

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled
        # the binding's own RE2 object; its private names are checked, not assumed (a later
        # google-re2 may move them: then every search goes through the public binding)
        engine = getattr(compiled, "_regexp", None)
        self._engine: Any = engine if _UNANCHORED is not None and hasattr(engine, "Match") else None
        self.pattern: str = compiled.pattern

    def search(self, string: str, pos: int = 0, endpos: int | None = None) -> Match | None:
        if self._engine is None:
            return next(iter(self._compiled.finditer(string, pos, endpos)), None)
        if not string.isascii():
            if pos == 0 and endpos is None:  # nearly every search: the loop's first step, in place
                data = _utf8_bytes(string)
                spans = self._engine.Match(_UNANCHORED, data, 0, len(data))
                if spans[0] == _NULL_SPAN:
                    return None
                return _AsciiMatch(string, _char_spans(data, spans, {0: 0}, 0)[0], self._compiled)
            return next(self._utf8_matches(string, pos, endpos), None)
        # The first step of _ascii_matches, without a generator (most searches want one match).
        size = len(string)
        pos = max(0, min(pos, size))
        endpos = size if endpos is None else max(0, min(endpos, size))
        if pos > endpos:
            return None
        spans = self._engine.Match(_UNANCHORED, _ascii_bytes(string), pos, endpos)
        return None if spans[0][0] == -1 else _AsciiMatch(string, spans, self._compiled)

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None) -> Iterator[Match]:
        if self._engine is None:
            found: Iterator[Match] = self._compiled.finditer(string, pos, endpos)
            return found
        if not string.isascii():
            return self._utf8_matches(string, pos, endpos)
        return self._ascii_matches(string, pos, endpos)

    def _utf8_matches(self, string: str, pos: int | None, endpos: int | None) -> Iterator[Match]:
        """The binding's own loop for a text with other characters, the same offsets mapped the same
        way, but over UTF-8 encoded once for all the patterns that read the text (the binding encodes
        it again on every call)."""
        size = len(string)
        pos = 0 if pos is None else max(0, min(pos, size))
        endpos = size if endpos is None else max(0, min(endpos, size))
        if pos > endpos:
            return
        data = _utf8_bytes(string)
        encoded_pos = _CHARS_TO_BYTES(data, 0, pos)
        encoded_endpos = len(data) if endpos == size else encoded_pos + _CHARS_TO_BYTES(data, encoded_pos, endpos - pos)
        decoded = {0: 0}
        last = 0
        engine, unanchored = self._engine, _UNANCHORED
        while True:
            spans = engine.Match(unanchored, data, encoded_pos, encoded_endpos)
            if spans[0] == _NULL_SPAN:
                return
            char_spans, decoded, last = _char_spans(data, spans, decoded, last)
            yield _AsciiMatch(string, char_spans, self._compiled)
            if encoded_pos == encoded_endpos:
                return
            if encoded_pos == spans[0][1]:
                encoded_pos += _CHARS_TO_BYTES(data, encoded_pos, 1)
            else:
                encoded_pos = spans[0][1]

    def _ascii_matches(self, string: str, pos: int | None, endpos: int | None) -> Iterator[Match]:
        """The binding's own loop (re2/__init__.py `_Regexp._match`) for a text whose characters are
        bytes: the same positions, the same step past an empty match."""
        size = len(string)
        pos = 0 if pos is None else max(0, min(pos, size))
        endpos = size if endpos is None else max(0, min(endpos, size))
        if pos > endpos:
            return
        data = _ascii_bytes(string)  # not None: the caller checked `string.isascii()`
        engine, unanchored = self._engine, _UNANCHORED
        while True:
            spans = engine.Match(unanchored, data, pos, endpos)
            end = spans[0][1]
            if spans[0][0] == -1:
                return
            yield _AsciiMatch(string, spans, self._compiled)
            if pos == endpos:
                return
            pos = pos + 1 if pos == end else end


def _char_spans(
    data: bytes, spans: list[tuple[int, int]], decoded: dict[int, int], last: int
) -> tuple[list[tuple[int, int]], dict[int, int], int]:
    """A match's byte spans as character spans, counting characters from the last mapped offset on
    (the binding's own single pass); also the offsets now known and the last of them."""
    offsets = sorted({offset for span in spans for offset in span})
    if offsets[0] == -1:
        offsets = offsets[1:]
    decoded = {last: decoded[last]}
    for offset in offsets:
        decoded[offset] = decoded[last] + _BYTES_TO_CHARS(data, last, offset)
        last = offset
    return [span if span == _NULL_SPAN else (decoded[span[0]], decoded[span[1]]) for span in spans], decoded, last


_UNANCHORED: Any = getattr(getattr(_re2, "_Anchor", None), "UNANCHORED", None)
_ascii_bytes = LastAscii()  # a dozen patterns read the same paste (textbytes.py)
_NULL_SPAN = (-1, -1)
# The binding's offset helpers (characters ↔ UTF-8 bytes); without them every pattern uses the binding.
_CHARS_TO_BYTES: Any = getattr(getattr(_re2, "_re2", None), "CharLenToBytes", None)
_BYTES_TO_CHARS: Any = getattr(getattr(_re2, "_re2", None), "BytesToCharLen", None)
if _CHARS_TO_BYTES is None or _BYTES_TO_CHARS is None:  # pragma: no cover - a google-re2 that moved them
    _UNANCHORED = None


class _LastUtf8:
    """The last text's UTF-8 bytes (kept by identity; one tuple, replaced at once: thread-safe)."""

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last: tuple[str | None, bytes] = (None, b"")

    def __call__(self, text: str) -> bytes:
        seen, data = self._last
        if seen is not text:
            data = text.encode("utf-8")
            self._last = (text, data)
        return data


_utf8_bytes = _LastUtf8()


class _AsciiMatch:
    """A match in an ASCII text, read as the binding's `_Match` reads it (an unmatched group is
    None, its start and end -1)."""

    __slots__ = ("_compiled", "_spans", "_text")

    def __init__(self, text: str, spans: list[tuple[int, int]], compiled: Any) -> None:
        self._text, self._spans, self._compiled = text, spans, compiled

    def _index(self, group: int | str) -> int:
        if not isinstance(group, int):
            try:
                group = int(self._compiled.groupindex[group])
            except KeyError:
                raise IndexError("bad group name") from None
        if not 0 <= group < len(self._spans):
            raise IndexError("bad group index")
        return group

    def group(self, index: int = 0, /) -> Any:
        start, end = self._spans[self._index(index)]
        return None if start == -1 and end == -1 else self._text[start:end]

    def start(self, index: int = 0, /) -> int:
        return self._spans[self._index(index)][0]

    def end(self, index: int = 0, /) -> int:
        return self._spans[self._index(index)][1]

    def span(self, index: int = 0, /) -> tuple[int, int]:
        return self._spans[self._index(index)]


class GateScanner:
    """Which of many literal words occur in a text, in one pass (an RE2 set: one automaton for all
    words), or with one substring test per word without RE2. Words and text are lower-case."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(sorted(set(words)))
        self._set: Any = None
        self._match: Any = None
        if _re2 is not None and self.words:
            options = _re2.Options()
            options.case_sensitive = True
            gate_set = _re2.Set.SearchSet(options)
            for word in self.words:
                gate_set.Add(_re2.escape(word))
            gate_set.Compile()
            self._set = gate_set
            # The binding's own set, called with the encoded text as its `Match` would (checked, not
            # assumed: a later google-re2 may move it, then the public `Match` is used).
            inner: Any = getattr(gate_set, "_set", None)
            self._match = inner.Match if hasattr(inner, "Match") else None
        self._word = self.words.__getitem__

    def present(self, lower: str) -> frozenset[str]:
        if self._set is not None:
            if self._match is not None:
                return frozenset(map(self._word, self._match(lower.encode("utf-8")) or ()))
            return frozenset(map(self._word, self._set.Match(lower) or ()))
        return frozenset(w for w in self.words if w in lower)


_GATE_WORDS: set[str] = set()
_SCANNER: list[GateScanner] = []


def gates(*words: str) -> tuple[str, ...]:
    """Declare literal gates (lower-case); every declared word is found by one scan per text."""
    _GATE_WORDS.update(words)
    return words


def present_gates(lower: str) -> frozenset[str]:
    if not _SCANNER or len(_SCANNER[0].words) != len(_GATE_WORDS):
        _SCANNER[:] = [GateScanner(_GATE_WORDS)]
    return _SCANNER[0].present(lower)


HEAD = 16_384
TAIL = 65_536
_MAX_WINDOW = HEAD + TAIL

_WS = re.compile(r"\s")
# Smart quotes and no-break spaces, as plain ones: one C-speed `str.replace` per character that occurs
# (`str.translate` with a table looks every character of a non-ASCII text up in a dict, ~4× slower).
_QUOTES = (("“", '"'), ("”", '"'), ("„", '"'), ("‘", "'"), ("’", "'"), ("\u00a0", " "))
_BACKSLASHES = re.compile(r"\\{2,}")
_SPACES = re.compile(r"\s+")

# Secrets the shared policy does not know as such: masked keys ("sk-abc***xyz", "fa4e****fa4e",
# "kod-FAKE****FAKE") and whatever follows "Incorrect API key provided:".
_EXTRA_SECRETS = (
    re.compile(r"(?i)(?<=API key provided: )[^\s.,;]{1,300}"),
    re.compile(r"(?i)(?<=[\"']apikey[\"']: [\"'])[^\"']{1,300}"),
    re.compile(r"(?i)(?<=[\"']api_key[\"']: [\"'])[^\"']{1,300}"),
)
# A masked key is found by its run of stars (one linear scan), then widened by hand: a pattern
# starting with "[…]{0,64}" would retry 64 characters at every position of a long word.
_STARS = re.compile(r"\*{3,}")
_MASK_BODY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def scrub(text: str) -> str:
    """The shared redaction plus masked-key forms; used on the input and on every output string."""
    if len(text) <= _SCRUB_REMEMBERED:
        return _scrub_cached(text, generation())
    return _scrub(text)


# The strings a result is built from (evidence, fixes, summaries) repeat from one diagnosis to the
# next and are short; a pasted error seldom repeats (the server remembers whole answers for that).
# At most 16,384 strings of at most 512 characters (about 20 MB at worst on a long-running server,
# where texts of up to 4 KB could hold several times that).
_SCRUB_REMEMBERED = 512


@lru_cache(maxsize=16384)
def _scrub_cached(text: str, secrets: int) -> str:
    # `secrets` (the redaction's generation) is part of the key: a secret configured after a text
    # was first seen is scrubbed from it too.
    return _scrub(text)


# The shape of another provider's key, where the API echoes the refused key: which provider it
# belongs to is a fact worth keeping (the base URL is wrong, not the key) after the key is gone.
_FOREIGN_KEY = re.compile(
    r"(?i)(API key provided: |api key: )[`'\"]?(AIza|sk-or-v1-|sk-or-|sk-ant-|gsk_|xai-|pplx-|hf_|nvapi-|r8_)"
    r"[^\s.,;`'\"]{0,300}"
)
_FOREIGN_NAMES = {
    "aiza": "a Google AI",
    "sk-or-v1-": "an OpenRouter",
    "sk-or-": "an OpenRouter",
    "sk-ant-": "an Anthropic",
    "gsk_": "a Groq",
    "xai-": "an xAI",
    "pplx-": "a Perplexity",
    "hf_": "a Hugging Face",
    "nvapi-": "an NVIDIA",
    "r8_": "a Replicate",
}


def _foreign_key(match: re.Match[str]) -> str:
    return f"{match.group(1)}[REDACTED] [{_FOREIGN_NAMES[match.group(2).lower()]} key]"


# A refused key that is bare hex around its mask ("0a1b2c3d****9e8f"): OpenAI's keys start with
# "sk-"; 32-hex keys are Azure's (and some other providers'), so the key is for another host.
_HEX_KEY = re.compile(r"(?i)(API key provided: )[`'\"]?[0-9a-f]{4,12}\*{3,}[0-9a-f]{2,8}(?![\w*])")


def _hex_key(match: re.Match[str]) -> str:
    return f"{match.group(1)}[REDACTED] [a non-OpenAI (Azure-style hex) key]"


def _scrub(text: str) -> str:
    if "provided: " in text or "api key: " in text.lower():
        text = _FOREIGN_KEY.sub(_foreign_key, text)
        if "*" in text:
            text = _HEX_KEY.sub(_hex_key, text)
    text = redact(text)
    if "***" in text:
        text = _mask_stars(text)
    lower = text.lower()
    if "provided: " in lower or "apikey" in lower or "api_key" in lower:
        for pattern in _EXTRA_SECRETS:
            text = pattern.sub("[REDACTED]", text)
    return text


def _mask_stars(text: str) -> str:
    out: list[str] = []
    last = 0
    for match in _STARS.finditer(text):
        start, end = match.span()
        if start < last:
            continue
        floor = max(last, start - 64)
        while start > floor and text[start - 1] in _MASK_BODY:
            start -= 1
        ceiling = min(len(text), end + 300)
        while end < ceiling and (text[end] in _MASK_BODY or text[end] == "*"):
            end += 1
        out.append(text[last:start])
        out.append("[REDACTED]")
        last = end
    out.append(text[last:])
    return "".join(out)


_RUN = re.compile(r"(.)\1{63,}", re.DOTALL)


def _squash(match: re.Match[str]) -> str:
    return match.group(1) * 16


def window(text: str) -> str:
    """The first ~16 KB and the last ~64 KB (where the final error is), cut at whitespace, with
    every run of one character longer than 64 cut to 16 (rules, separators, padding)."""
    text = _window(text)
    # Linear (a failed attempt costs at most 64 steps) but ~20 ns a character, so only where long
    # input could make a run matter.
    return _RUN.sub(_squash, text) if len(text) > 4096 else text


def _window(text: str) -> str:
    if len(text) <= _MAX_WINDOW:
        return text
    head = text[:HEAD]
    cut = max(head.rfind(" "), head.rfind("\n"))
    if cut > HEAD // 2:
        head = head[:cut]
    tail = text[-TAIL:]
    match = _WS.search(tail, 0, 4096)
    if match:
        tail = tail[match.end() :]
    return head + "\n…\n" + tail


def looks_binary(text: str) -> bool:
    sample = text if len(text) <= 8192 else text[:4096] + text[-4096:]
    if not sample:
        return False
    bad = len(_CONTROL.findall(sample))
    return bad / len(sample) > 0.1


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


# ------------------------------------------------------------------ facts

# Ids copied from rendered pages carry Unicode hyphens (U+2010, U+2011): part of the id as written.
_HYPHENS = "\u2010\u2011"
_ID = r"[A-Za-z0-9~][A-Za-z0-9_.:/@<>\-" + _HYPHENS + r"]{0,150}"
_IDG = r"[A-Za-z0-9~][A-Za-z0-9_.:/@\-" + _HYPHENS + r"]{0,150}"
# A quoted id may be a local path (vLLM serves "/data/Qwen1.5-72B-Chat" under that name).
_QID = r"[A-Za-z0-9~/][A-Za-z0-9_.:/@<>\-" + _HYPHENS + r"]{0,150}"
_Q = r"[`'\"]?"

_STATUSES = frozenset(
    {400, 401, 402, 403, 404, 405, 408, 409, 410, 413, 415, 422, 429, 500, 502, 503, 504, 520, 522, 524, 529}
)
# Status numbers are found in one pass; each candidate is then ranked by the few characters
# around it (bounded slices, at most _MAX_NUMBERS candidates).
# (The look-behind after the first digit: `(?<![A-Za-z0-9_.])[45]`, written so that the engine can skip
# to the next 4 or 5 instead of trying every position.)
_NUMBER = re.compile(r"([45](?<![A-Za-z0-9_.][45])\d\d)(?![A-Za-z0-9_]|\.\d)")
# Chinese, Japanese and Korean write a status next to the words around it ("一直429了",
# "返回404错误"); a count ("500个", "400元") is not a status.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_CJK_COUNT = frozenset("个個元次条條秒字万萬千行页頁张張块塊位年月日号號岁歲分人台篇件円回枚")
_MAX_NUMBERS = 256
_BEFORE_KEYWORD = re.compile(
    r"(?i)(?:error code|status code|status_code|statuscode|http status|http/[\d.]{1,3}|http|status|error|"
    r"errore api|response code|openai error|chatgpt error|状态码|错误码|ステータスコード|ステータス|상태 코드|상태코드|"
    r"código de estado|código de status|code d'état|код ошибки|код состояния|statuscode|code|codigo|código|statut|fehler)"
    r"[\"']?\s?[:=：]?\s?[\"']?\(?\[?<?$"
)
# Every ASCII keyword of _BEFORE_KEYWORD holds one of these (lower-case): an ASCII text with none
# cannot match it.
_KEYWORD_WORDS = ("error", "status", "http", "code", "codigo", "statut", "fehler")
_BEFORE_METHOD = re.compile(r"(?:POST|GET|PUT|DELETE|PATCH) /\S{1,200} $")
_BEFORE_WEAK = re.compile(r"(?i)\b(?:a|with|returned|returns|got)\s$")
_AFTER_STOP = re.compile(r"\s(?:in|tokens?|of|and|or|ms|to|per|the)\b")
_AFTER_GOOD = re.compile(r"\s[A-Za-z{<\"'(]|:\s|\s?-\s|[\])>`]|$")
_STATUS_LEFT = frozenset(" >■:([{,|\"'`<：，、（")

_KEY_VALUE = r"[\"']?\s?(?:=>|:|=)\s?"
# (No optional character before the key word: it never changes what is captured, and without it the
# engine tries far fewer starting points.)
_CODE_PATTERNS = (
    re.compile(r"(?i)(?:error_?code|responseCode|code)" + _KEY_VALUE + r"[\"']?([A-Za-z][\w\-]{1,60})(?![\w.])"),
)
_KNOWN_CODE_WORDS = (
    "model_not_found",
    "insufficient_quota",
    "invalid_api_key",
    "rate_limit_exceeded",
    "context_length_exceeded",
    "unsupported_parameter",
    "unsupported_value",
    "DeploymentNotFound",
    "ModelDeprecated",
    "OperationNotSupported",
    "mismatched_organization",
    "unsupported_country_region_territory",
    "invalid_prompt",
    "model_not_supported",
    "invalid_access_program",
    "cyber_policy",
    "invalid_request_body",
    "invalid_value",
    "invalid_type",
    "billing_hard_limit_reached",
    "model_not_available",
    "invalid_organization",
    "missing_scope",
    "model_decommissioned",
)
_KNOWN_CODES = linear(r"\b(" + "|".join(_KNOWN_CODE_WORDS) + r")\b")
_KNOWN_CODE_GATES = gates(*(word.lower() for word in _KNOWN_CODE_WORDS))  # one must occur for a match
_TYPE = re.compile(r"(?i)[\"'\s{,]type" + _KEY_VALUE + r"(?:[\"']([a-z_]{3,60})[\"']|([a-z]{2,30}_[a-z_]{2,40})\b)")
_PARAM = re.compile(r"(?i)[\"'\s{,]param" + _KEY_VALUE + r"[\"']([^\"'\s]{1,80})[\"']")
_PARAM_LOG = re.compile(r"error_param=([\w.\[\]]{1,80})")
_PROJECT = re.compile(r"\bproj_[A-Za-z0-9]{24}|\bproj_[A-Za-z0-9]{3,40}")
_PROJECT_HEADER = re.compile(r"(?i)openai-project[\"']?\s?[:=]\s?[\"']?(proj_[A-Za-z0-9]{3,40})")
_ORG = re.compile(r"\borg-[A-Za-z0-9]{8,40}\b")
_ORG_HEADER = re.compile(r"(?i)openai-organization[\"']?\s?[:=]\s?[\"']?(org-[A-Za-z0-9]{8,40})")
_REQUEST_ID = linear(
    r"(?i)(?:x-request-id|request[ _-]?id|apim-request-id)[\"']?\s?(?::|=|is)?\s?[\"']?([A-Za-z0-9_\-]{8,80})"
)
_REQUEST_ID_AT = re.compile(_REQUEST_ID.pattern)  # tried at given positions only (see _request_id)
_REQUEST_WORDS = ("request-id", "request id", "request_id", "requestid")


def _request_id(flat: str, lower: str) -> Match | re.Match[str] | None:
    """`_REQUEST_ID.search(flat)`. In a printable ASCII text, the same pattern is tried only where a
    match can start: at "request" (any case), 2 characters before it ("x-") or 5 ("apim-"). (The
    linear engine's search is several times slower here: it extracts the id through the bounded
    repetition's 80 states; the pattern cannot backtrack beyond its bounds.)"""
    if not (flat.isascii() and flat.isprintable()):
        return _REQUEST_ID.search(flat)
    at = lower.find("request")
    while at != -1:
        for start in (at - 5, at - 2, at):
            if start >= 0:
                match = _REQUEST_ID_AT.match(flat, start)
                if match is not None:
                    return match
        at = lower.find("request", at + 7)
    return None


_REQ = re.compile(r"\breq_[A-Za-z0-9]{8,64}\b")

_MISSING_AFTER = r"\s(?:not\sfound|does\snot\sexist|doesn't\sexist|is\snot\s(?:found|available|supported))"
# Model ids named by the error itself, most specific first; each behind a literal gate that must
# occur in the lower-cased text. Phrasings of OpenAI and of compatible servers (vLLM, LM Studio,
# OpenRouter, LiteLLM, Ollama, Groq) and of the major languages.
# Linear by construction (RE2); the patterns use only syntax `re` shares (the rules test checks).
_MODEL_PATTERNS: tuple[tuple[tuple[str, ...], Pattern], ...] = tuple(
    (gates(*gate), linear(p))
    for gate, p in (
        # A LiteLLM proxy names the group the caller asked for ("Received Model Group=x"); the
        # upstream's own wording that follows names the id the proxy mapped it to, not the one sent.
        (("model group=",), r"(?i)\bModel\sGroup=(" + _IDG + r")"),
        # LiteLLM's key allowlist: "This key can only access models=[…]. Tried to access x" (the
        # listed ids are what the key may use, x is what was sent).
        (("tried to access",), r"(?i)\]\.\sTried\sto\saccess\s(" + _IDG + r")"),
        # AWS Bedrock echoes the id it refused: "Value 'x' at 'modelId' failed to satisfy
        # constraint", "Invocation of model ID x with on-demand throughput isn't supported".
        (("'modelid'",), r"(?i)\bValue\s'([A-Za-z0-9][\w.:/@\-]{0,150})'\sat\s'modelId'"),
        (("invocation of model id",), r"(?i)invocation\sof\smodel\sID\s(" + _IDG + r")\swith\b"),
        # Azure's deployment-time model descriptor: "The model 'Publisher: , Format: OpenAI,
        # Name: gpt-35-turbo, Version: 0613' has been deprecated" (also written without spaces).
        (("format:",), r"(?i)\bFormat:\s?OpenAI,\s?Name:\s?([A-Za-z0-9][\w.\-]{0,80})"),
        # tiktoken names the model it was asked to map: "Could not automatically map x to a tokeniser".
        (("to a tokeni",), r"(?i)could\snot\sautomatically\smap\s(" + _IDG + r")\sto\sa\stokeni[sz]er"),
        # FastChat's worker check: "Only chatglm2-6b allowed now, your model chatglm2-6b-32k".
        (("your model",), r"(?i)\ballowed\snow,\syour\smodel\s(" + _IDG + r")"),
        (
            ("access",),
            r"(?i)does\s?not\s?have\s?access\s?to\s?model\s?" + _Q + r"(" + _ID + r"?)" + _Q + r"(?:[\s\"',}]|$)",
        ),
        (("verified",), r"(?i)verified\sto\suse\sthe\smodel\s" + _Q + r"(" + _ID + r"?)" + _Q + r"(?:[\s.\"',]|$)"),
        (
            ("model",),
            r"(?i)the\s(?:request(?:ed)?\s)?model[:\s]\s?" + _Q + r"\s?(" + _QID + r"?)\s?" + _Q + r"\s?(?:has\sbeen\s"
            r"(?:deprecated|decommissioned|retired|shut\sdown)|does\s?not|doesn't|not\sfound|is\snot|was\snot|"
            r"is\s(?:deprecated|retired|unavailable|invalid|unknown)|no\slonger|"
            # xAI: "The model grok-2-image-1212 is an image model and is therefore not available on this endpoint"
            r"is\san?\s(?:image|embedding|audio|chat|completion|reasoning|vision)\smodel\sand)",
        ),
        (("model is not",), r"(?i)the\s" + _Q + r"(" + _ID + r"?)" + _Q + r"\smodel\sis\snot"),
        (("requested model",), r"(?i)requested\smodel,?\s?[`'\"](" + _ID + r"?)[`'\"]"),
        # "Model not found in the model list, uid: x" (the id comes after the list)
        (("uid",), r"(?i)model\snot\sfound[^.]{0,40}?\buid[:=]\s?(" + _IDG + r")"),
        # "Not found the model x or permission denied", "Model/deployment not found for: x"
        (("not found the model",), r"(?i)not\sfound\sthe\smodel\s" + _Q + r"(" + _IDG + r")"),
        (("not found for",), r"(?i)(?:model|deployment)\S{0,12}\snot\sfound\sfor:?\s" + _Q + r"(" + _IDG + r")"),
        # a quoted name with spaces: Model "local model" not found, The model `gpt-4o mini` does not exist
        *(
            (
                (f"model{colon} {q}",),
                r"(?i)\bmodel" + colon + " " + q + r"([A-Za-z0-9][^" + q + r"]{0,80}?)" + q + _MISSING_AFTER,
            )
            for q in ('"', "`", "'")
            for colon in ("", ":")
        ),
        (("not found",), r"(?i)model\snot\sfound[:\s]\s?" + _Q + r"(" + _ID + r"?)" + _Q + r"(?:[\s\"',]|$)"),
        (
            ("model",),
            r"(?i)\bmodel\s"
            + _Q
            + r"("
            + _ID
            + r"?)"
            + _Q
            + r"\s(?:is\snot|does\snot|doesn't|not\sfound|has\sbeen|was\snot|"
            r"is\s(?:deprecated|retired|unavailable|invalid|unknown)|no\slonger)",
        ),
        # "Model deepseek-v3.1 not exist." (Dify): an id-shaped word (digit, dash, dot or slash), not "does"
        (
            ("not exist",),
            r"(?i)\bmodel\s"
            + _Q
            + r"([A-Za-z0-9~][\w.:/@\-]{0,150}[\d.:/\-][\w.:/@\-]{0,150})"
            + _Q
            + r"\snot exists?\b",
        ),
        (("valid model",), r"(?i)" + _Q + r"(" + _ID + r"?)" + _Q + r"\sis\snot\sa\svalid\smodel"),
        (('model "',), r"(?i)model\s\"(" + _ID + r"?)\"\s(?:not\sfound|is\snot\sin)"),
        (("no endpoints found for",), r"(?i)no\sendpoints\sfound\sfor\s" + _Q + r"(" + _IDG + r")"),
        (("invalid model identifier",), r"(?i)invalid\smodel\sidentifier\s?[:\s]\s?[`'\"]?(" + _QID + r"?)[`'\"]"),
        (("model=",), r"(?i)(?:invalid\smodel\sname\spassed\sin|you\spassed(?:\sin)?)\smodel=[`'\"]?(" + _IDG + r")"),
        (("unknown model",), r"(?i)unknown\smodel[:\s]\s?[`'\"](" + _QID + r"?)[`'\"]"),
        (("unknown model:",), r"(?i)unknown\smodel:\s(" + _IDG + r")"),
        (("no such model",), r"(?i)no\ssuch\smodel[:\s]\s?" + _Q + r"(" + _IDG + r")"),
        (("invalid model",), r"(?i)invalid\smodel(?:\s(?:name|id))?[:\s]\s?[`'\"](" + _QID + r"?)[`'\"]"),
        # Anthropic's documented shape {"type":"not_found_error","message":"model: x"}, in either order
        (("not_found_error",), r"(?i)not_found_error[^{}]{0,40}?model:\s?(" + _IDG + r")"),
        (("not_found_error",), r"(?i)model:\s?(" + _IDG + r")\W{1,8}type\W{1,6}not_found_error"),
        (
            ("模型",),
            r"(?:不支持的模型|未找到模型|找不到模型|无效的模型)\s?[:：]?\s?[`'\"“「]?([A-Za-z0-9~][\w.:/@\-]{1,150})",
        ),
        # "使用模型x", "调用的模型: x": the id the report says it called
        (
            ("使用模型", "使用的模型", "调用模型", "调用的模型"),
            r"(?:使用模型|使用的模型|调用模型|调用的模型)\s?[:：]?\s?[`'\"“「]?([A-Za-z0-9~][\w.:/@\-]{1,150})",
        ),
        (("model name is not valid",), r"(?i)model\sname\sis\snot\svalid:\s(" + _IDG + r")"),
        (("model for team",), r"(?i)invalid\smodel\sfor\steam\s\S{1,80}:\s(" + _IDG + r")"),
        (("selected model",), r"(?i)selected\smodel\s\((" + _IDG + r")\)"),
        # "Fail to access model(x)": an id in parentheses right after the word
        *(((f"model{sp}(",), r"(?i)\bmodel" + sp + r"\((" + _IDG + r")\s?\)") for sp in ("", " ")),
        # Ollama's own advice names the id: "pull the model with `ollama pull x`"
        (("ollama pull", "ollama run"), r"(?i)\b(?:ollama pull|ollama run)\s(" + _IDG + r")"),
        (("not found (",), r"(?i)model\snot\sfound\s\((" + _IDG + r")\)"),
        (("unable to access",), r"(?i)unable\sto\saccess\s(?:non-serverless\s)?model\s" + _Q + r"(" + _IDG + r")"),
        (("activated the model",), r"(?i)activated\sthe\smodel\s" + _Q + r"(" + _IDG + r")"),
        # Gemini: "models/x is not found for API version v1beta", "This model models/x is no longer
        # available to new users".
        (("models/",), r"(?i)\b(models/[\w.:\-]{1,120})\sis\s(?:not\sfound|no\slonger\savailable)"),
        (("invalid model: ",), r"(?i)invalid\smodel:\s(" + _IDG + r")"),
        (
            ("does not support",),
            r"(?:^|[\s\"'`])"
            + _Q
            + r"("
            + _QID
            + r"?)"
            + _Q
            + r"\sdoes\snot\ssupport\s(?:tools|tool|thinking|reasoning|images?|vision|streaming|function|system|audio|"
            r"embeddings|chat|completions|the\s)",
        ),
        (("specified model",), r"(?i)specified\smodel,\s(" + _IDG + r")"),
        (("with model",), r"(?i)\bwith\smodel\s[`'\"](" + _QID + r"?)[`'\"]"),
        (
            ("request", "call"),
            r"(?i)\b(?:requests?|calls?)\sto\s[`'\"](" + _QID + r"?)[`'\"]\s(?:fail|return|give|error)",
        ),
        (
            ("rate limit", "too large"),
            r"(?i)(?:rate\slimit\sreached|request\stoo\slarge)\sfor\s(" + _ID + r"?)\sin\s",
        ),
        (("supported with",), r"(?i)is\snot\ssupported\swith\s(" + _ID + r"?)[.\s]{0,3}(?:\(|$|\")"),
        (("to model",), r"(?i)(?:^|\s)to\smodel\s" + _Q + r"(" + _ID + r"?)" + _Q + r"(?:[\s\"',]|$)"),
        (("for model",), r"(?i)for\smodel:?\s" + _Q + r"(" + _ID + r"?)" + _Q + r"(?:[\s\"',]|$)"),
        (
            ("find model",),
            r"(?i)(?:could\snot|couldn't|cannot|can't|failed\sto|unable\sto)\sfind\smodel\s" + _Q + r"(" + _IDG + r")",
        ),
        (("unsupported model",), r"(?i)unsupported\smodel[:\s]\s?" + _Q + r"(" + _IDG + r")"),
        (("supported model",), r"(?i)" + _Q + r"(" + _ID + r"?)" + _Q + r"\sis\snot\sa\ssupported\smodel"),
        (("not available",), r"(?i)\bmodel\s" + _Q + r"(" + _ID + r"?)" + _Q + r"\s(?:is\s)?not\savailable"),
        (
            ("requested model is not available",),
            r"(?i)requested\smodel\sis\snot\savailable:?\s" + _Q + r"(" + _IDG + r")",
        ),
        (("no model named",), r"(?i)no\smodel\snamed\s" + _Q + r"(" + _IDG + r")"),
        (
            ("model:",),
            r"(?i)\bmodel:\s" + _Q + r"(" + _ID + r"?)" + _Q + r"\s(?:not\sfound|does\snot\sexist|"
            r"is\snot\s(?:found|available|supported))",
        ),
        (("不可用",), r"模型不可用\s?[:：]\s?[`'\"“「]?([A-Za-z0-9~][\w.:/@\-]{1,150})"),
        # 模型 `x` 不存在 / 模型不存在: x / モデル x が見つかりません / el modelo x no existe /
        # o modelo x não existe / 모델 x을(를) 찾을 수 없습니다 / Modell x nicht gefunden /
        # le modèle x n'existe pas / модель x не найдена
        (
            ("模型", "モデル", "modelo", "모델", "modell", "modèle", "модель"),
            r"(?i)(?:模型|モデル|modelo|모델|modell|modèle|модель)\s?[:：]?\s?[`'\"“「]?([A-Za-z0-9~][\w.:/@\-]{1,150}?)"
            r"[`'\"”」]?\s?(?:不存在|未找到|找不到|无效|不可用|无可用渠道|無可用渠道|が見つかりません|は存在しません|no existe|no encontrado|"
            r"não existe|não encontrado|을 찾을 수 없|를 찾을 수 없|을\(를\) 찾을 수 없|이\(가\) 존재하지|nicht gefunden|"
            r"existiert nicht|wurde nicht gefunden|n'existe pas|est introuvable|n'a pas été trouvé|"
            r"introuvable|não foi encontrado|no fue encontrado|no se encontró|не найдена|не существует)",
        ),
        # "deepseek-reasoner does not support Function Calling": a capability named in any case (the
        # earlier "does not support" pattern reads lower-case ones); the id must look like one (a
        # digit, dash, dot or slash).
        (
            ("does not support",),
            r"(?i)(?:^|[\s\"'`])[`'\"]?([A-Za-z0-9~][\w.:/@\-]{0,150}[\d.:/\-][\w.:/@\-]{0,150})[`'\"]?"
            r"\sdoes\snot\ssupport\s(?:function\scalling|tool\scalling|tool\suse|tools|vision|images?)\b",
        ),
    )
)


def _needs(start: str, *words: str) -> tuple[int, tuple[str, ...]]:
    """A model pattern (the one whose source starts so) whose gate is a common word, and the words
    one of which its mandatory tail also needs: when none occurs the pattern cannot match."""
    [index] = [i for i, (_gate, pattern) in enumerate(_MODEL_PATTERNS) if pattern.pattern.startswith(start)]
    return index, gates(*words)


_TAILS = dict(
    (
        _needs(r"(?i)the\s(?:request", "has been", "does", "not found", "was not", "is ", "no longer"),
        _needs(
            r"(?i)\bmodel\s" + _Q + r"(" + _ID + r"?)" + _Q + r"\s(?:is\snot",
            "is ",
            "does not",
            "doesn't",
            "not found",
            "has been",
            "was not",
            "no longer",
        ),
        _needs(r"(?i)\b(?:requests?|calls?)\sto", " to '", ' to "', " to `"),
    )
)
# Per model pattern: words one of which must also occur (none: the gate alone decides).
_MODEL_ALSO: tuple[tuple[str, ...], ...] = tuple(_TAILS.get(i, ()) for i in range(len(_MODEL_PATTERNS)))
# Gate word → the model patterns it opens, so a text visits only the patterns one of its words opens
# (a handful of ~70), in the same order.
_MODEL_BY_GATE: dict[str, tuple[int, ...]] = {}
for _index, (_gate, _pattern) in enumerate(_MODEL_PATTERNS):
    for _word in _gate:
        _MODEL_BY_GATE[_word] = (*_MODEL_BY_GATE.get(_word, ()), _index)
_MODEL_GATE_WORDS = frozenset(_MODEL_BY_GATE)
# A model id in a labelled field ("Model: x", "model=x", an env or config key ending in _model such
# as "OPENAI_MODEL=x" or "llm_model: x"): taken as written even when the catalog
# does not know it, as long as it looks like an id (a digit, a dash or a slash).
_MODEL_LABEL = re.compile(
    r"(?i)(?:(?:(?<![\w-])[\"']?(?:(?:[a-z][a-z0-9]{0,24}(?:_[a-z0-9]{1,24}){0,3}_)?model(?:[\s_]?(?:name|id))?|deployment[\s_]?(?:name|id))[\"']?|模型(?:名称|名)?|モデル名?|모델)"
    r"\**\s?[:=|：]|--model[=\s]|(?<![\w-])model(?:\s(?:id|name))?\s(?:as|set\sto)\s)\s?\**\s?[`'\"]?(" + _IDG + r")"
)
# What every match of _MODEL_LABEL holds in an ASCII text: the label word, its separator and the first
# character of the id (the CJK labels cannot occur there). One linear search says whether the
# backtracking pattern can match at all, and where its first match can begin at the earliest: the
# label word starts at most _LABEL_REACH characters after the match (quote and a config key's
# prefix, `[a-z][a-z0-9]{0,24}(?:_[a-z0-9]{1,24}){0,3}_`).
_LABEL_CORE = linear(
    r"(?:(?:model(?:[\s_]?(?:name|id))?|deployment[\s_]?(?:name|id))[\"']?\**\s?[:=|：]|--model[=\s]|"
    r"model(?:\s(?:id|name))?\s(?:as|set\sto)\s)\s?\**\s?[`'\"]?[A-Za-z0-9~]",
    ignore_case=True,
)
_LABEL_REACH = 128


def _label_from(flat: str) -> int | None:
    """Where _MODEL_LABEL's search may start in `flat`, or None when it cannot match."""
    if not (flat.isascii() and flat.isprintable()):  # (then its only whitespace is the space)
        return 0
    core = _LABEL_CORE.search(flat)
    return None if core is None else max(0, core.start() - _LABEL_REACH)


_LABEL_SHAPE = re.compile(r"[\d/\-]")
# The AI SDK's (and similar) provider call names the model: openai('gpt-4o'), google("gemini-x").
_SDK_CALL = re.compile(
    r"\b(?:openai|google|anthropic|azure|groq|mistral|xai|deepseek|openrouter|ollama|bedrock|vertex|cohere)"
    r"(?:\.chat)?\(\s?['\"]([A-Za-z0-9][\w.:/@\-]{1,120})['\"]\s?[,)]"
)
# An issue template's heading with the value on its own line below ("### Model Used (optional)",
# blank line, "anthropic.claude-x-v1:0 (Cross-region inference)"): one id-shaped word.
_TEMPLATE_MODEL = re.compile(
    r"(?im)^[ \t#*]{0,6}(?:model(?: used| name| id)?|provider\s?/\s?model)(?: \(optional\))?\**:?[ \t]*\n"
    r"(?:[ \t]*\n){0,2}[ \t]{0,4}[`*]{0,2}([A-Za-z0-9][\w.:/@\-]{1,120})[`*]{0,2}(?:[ \t]{1,4}\([^()\n]{0,60}\))?[ \t]*$"
)


def _label_value(match: re.Match[str], value: str) -> bool:
    """A label's value is an id when it is shaped like one (a digit, dash or slash), or when the
    label assigns it (`model=sonnet`, a config line or a log's key=value): then any word is."""
    if _LABEL_SHAPE.search(value):
        return True
    label = match.group(0)[: match.start(1) - match.start(0)]
    return "=" in label and len(value) >= 3 and value.isascii() and value.isalpha()


# Model ids named around the error: configuration, calls, prose.
_MODEL_CONTEXT = tuple(
    re.compile(p)
    for p in (
        r"(?i)[\"']model[\"']\s?(?::|=>|=)\s?[\"'](" + _IDG + r")[\"']",
        r"(?i)\bmodel\s?=\s?[\"'](" + _IDG + r")[\"']",
        r"(?im)^[ \t│|>*\-↳]{0,12}model(?: in use| version)?\*{0,2}[ \t]{0,4}:[ \t]{0,4}\*{0,2}[ \t]{0,4}("
        + _IDG
        + r")"
        r"[ \t]{0,4}[.│|]?[ \t]{0,4}$",
        r"(?i)/(?:engines|deployments)/(" + _IDG + r")/",
        r"(?i)/v1/models/([A-Za-z0-9][\w.\-]{1,100})",
        r"(?i)\b(?:use|using|picked|selected|tried)\s(?:the\s)?(?:model[:\s]\s?)?(?:openai\s)?[`'\"]?(" + _IDG + r")",
        r"(?i)[`'\"](" + _IDG + r")[`'\"]",
        r"(?i)\bthe\s(" + _IDG + r")\smodel\b",
        r"(?i)(?:^|\s)(" + _IDG + r")\s(?:goes|causes|model)\b",
    )
)
# Per _MODEL_CONTEXT pattern, what each of its matches holds in a printable ASCII text (whose only
# whitespace is the space), lower-cased: one word of every group. None: no such test (multi-line).
_MODEL_CONTEXT_NEEDS: tuple[tuple[tuple[str, ...], ...] | None, ...] = (
    (('"model', "'model"), ('model"', "model'")),
    (("model=", "model ="),),
    None,
    (("/engines/", "/deployments/"),),
    (("/v1/models/",),),
    (("use ", "using ", "picked ", "selected ", "tried "),),
    (("`", "'", '"'),),
    (("the ",), (" model",)),
    ((" goes", " causes", " model"),),
)
# How every OpenAI model id starts (tests/test_diagnosis_rules.py checks the catalog against it):
# a text with none of these has no id for the context search to find, which spares the search.
_FAMILY_START = re.compile(
    r"(?<![a-z0-9])(?:gpt|text-|o\d|code-|sora|babbage|chat-|chatgpt|computer-use|dall|davinci|omni|tts|"
    r"ada(?![a-z])|codex|curie|whisper|ft:)"
)
# Whether _FAMILY_START occurs at all, in one linear search: the look-arounds written as characters
# (or the text's edge), and `\d` as Python reads it (any decimal digit).
_FAMILY_ANYWHERE = linear(
    r"(?:^|[^a-z0-9])(?:gpt|text-|o\p{Nd}|code-|sora|babbage|chat-|chatgpt|computer-use|dall|davinci|omni|tts|"
    r"ada(?:[^a-z]|$)|codex|curie|whisper|ft:)"
)
_SPACED_ID = re.compile(
    r"(?i)(?<![A-Za-z0-9_.\-])(gpt-\d(?:\.\d)?o?\s(?:turbo|mini|nano|instruct|preview))(?![A-Za-z0-9_\-])"
)
_GEMINI_METHOD = re.compile(
    r"/models/([A-Za-z0-9][\w.\-]{0,100}):(?:streamGenerateContent|generateContent|embedContent|batchEmbedContents)\b"
)
_PREFIXED_USED = re.compile(
    r"(?i)\b(?:using|with)\s(?:the\s)?(?:model\s)?[`'\"]?([A-Za-z][\w.\-]{1,30}/[\w.:/\-]{3,120})"
)


def _prefixed_from(flat: str) -> int | None:
    """Where _PREFIXED_USED's first match can start, or None when it cannot match: in a printable ASCII
    text (whose only whitespace is the space), at the first "using " or "with "."""
    if not (flat.isascii() and flat.isprintable()):
        return 0
    lower = flat.lower()
    found = [at for at in (lower.find("using "), lower.find("with ")) if at != -1]
    return min(found) if found else None


_MODEL_CONTEXT_FLAGS = tuple((p, bool(p.flags & re.MULTILINE)) for p in _MODEL_CONTEXT)
_ID_SHAPED = re.compile(
    r"^(?:ft:)?(?:gpt|o\d|text-|dall-e|whisper|tts|chatgpt|davinci|babbage|curie|codex|computer-use|omni|sora)[\w.\-]{0,80}$"
)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/\-]{1,80}")

# Endpoint evidence, most direct first.
_EP_MESSAGE = (
    (re.compile(r"(?i)not\ssupported\sin\sthe\sv1/completions"), "completions"),
    (re.compile(r"(?i)not\ssupported\sin\sthe\sv1/chat/completions"), "chat.completions"),
    (
        re.compile(r"(?i)only\ssupported\sin\sv1/responses\sand\snot\sin\s/?v1/chat/completions"),
        "chat.completions",
    ),
    (re.compile(r"(?i)/?v1/chat/completions\sis\snot\ssupported"), "chat.completions"),
    (
        re.compile(r"(?i)not\ssupported\swith\sthe\sResponses\sAPI|does\snot\ssupport\s(?:the\s)?Responses\sAPI"),
        "responses",
    ),
    (re.compile(r"(?i)Missing\sscopes?:\s?api\.responses"), "responses"),
    (re.compile(r"(?i)generate\sembeddings\sfrom\sthis\smodel"), "embeddings"),
)
# Per _EP_MESSAGE pattern, a lower-case phrase each of its matches holds in a printable ASCII text
# (whose only whitespace is the space): a pattern whose phrase is absent is not searched.
_EP_MESSAGE_WORDS = (
    "not supported in the v1/completions",
    "not supported in the v1/chat/completions",
    "only supported in v1/responses and not in ",
    "v1/chat/completions is not supported",
    "responses api",
    "missing scope",
    "generate embeddings from this model",
)
_EP_PATH = linear(
    r"(?i)(?:https?://[^\s/\"']{1,200})?(?:/\s?[\w.\-]{1,60}){0,6}?/v1((?:/[\w.\-]{1,80}){1,6})|"
    r"(?:POST|GET)\s((?:/[\w.\-]{1,80}){1,8})"
)
_EP_SDK = linear(
    r"(?:\b(?:client|openai|oai|aclient|async_client|openai_client|self\.client|self\._client)\.(?:beta\.)?"
    r"((?:chat\.completions|responses|embeddings|completions|images|moderations|audio\.\w{1,20}|fine_tuning\.jobs"
    r"|realtime)\.(?:create|acreate|generate|edit|parse|stream|connect))\s?\()|"
    r"\bopenai\.(ChatCompletion|Completion|Embedding|Image|FineTuningJob|Moderation|Audio)\.a?create\b|"
    r"OpenAI::(\w{1,20})\(\)->(\w{1,20})|"
    r"\bOpenAI(Chat|Responses|Completion|Embedding|Image)(?:Language|Embedding)?Model\b|"
    r"openai[/\\]resources[/\\]((?:chat[/\\]completions|responses|embeddings|completions|images|audio|moderations))[/\\]"
)
# One of these (case as written) occurs in every text _EP_SDK can match: a literal each branch needs.
_EP_SDK_WORDS = (
    "client.",
    "openai.",
    "oai.",
    "OpenAI::",
    "OpenAIChat",
    "OpenAIResponses",
    "OpenAICompletion",
    "OpenAIEmbedding",
    "OpenAIImage",
    "openai/resources",
    "openai\\resources",
)
_SDK_WORDS = {
    "ChatCompletion": "chat.completions",
    "Completion": "completions",
    "Embedding": "embeddings",
    "Image": "images.generate",
    "FineTuningJob": "fine_tuning.jobs",
    "Moderation": "moderations",
    "Audio": "audio.transcriptions",
    "Chat": "chat.completions",
    "Responses": "responses",
}

# Who answered: a compatible server's "not found" means "not served here", not an OpenAI
# account question. Literal markers, first match wins.
_PROVIDERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "azure",
        gates("openai.azure.com", "azure openai", "azureopenai", "deploymentnotfound", "api_type=azure", "azure_"),
    ),
    (
        "openrouter",
        gates(
            "openrouter",
        ),
    ),
    (
        "litellm",
        gates(
            "litellm",
        ),
    ),
    ("ollama", gates("ollama", "try pulling it first")),
    ("vllm", gates("vllm", "'object': 'error'", '"object": "error"', '"object":"error"')),
    ("lmstudio", gates("lm studio", "lmstudio", "lms load")),
    (
        "groq",
        gates(
            "groq",
        ),
    ),
    (
        "deepseek",
        gates(
            "deepseek.com",
        ),
    ),
    ("anthropic", gates("anthropic.com", "x-api-key")),
    ("gemini", gates("generativelanguage.googleapis", "gemini api")),
    ("openai", gates("api.openai.com", "platform.openai.com", "openai.com/", "help.openai.com")),
)

# The runtime's exception class or error code, when the text names one: the whole match (no capture
# groups: the engine then finds the match without tracking submatches, ~30% faster).
_EXCEPTION = linear(
    r"\b(?:(?:[a-z][\w]{0,40}\.){0,6}[A-Z][A-Za-z0-9]{1,60}(?:Error|Exception|Timeout|Failure))\b|"
    r"\b(?:E(?:CONNREFUSED|CONNRESET|TIMEDOUT|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH|PIPE)|"
    r"UND_ERR_[A-Z_]{2,30}|i/o timeout|dial tcp|no such host|connection refused|"
    r"Connection timed out|timed out|socket hang up|fetch failed)\b"
)
# What _EXCEPTION needs (case as written): a class name ends in one of the suffixes right after a
# letter or digit, and every code or phrase of its second branch holds one of the words.
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Timeout", "Failure")
_EXCEPTION_WORDS = (
    "ECONN",
    "ETIMEDOUT",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "EPIPE",
    "UND_ERR_",
    "i/o timeout",
    "dial tcp",
    "no such host",
    "connection refused",
    "timed out",
    "socket hang up",
    "fetch failed",
)
_MAX_EXCEPTIONS = 64


# The same condition as one linear search: a suffix right after an ASCII letter or digit, or a code word
# (the words hold no character the engine reads as syntax).
_EXCEPTION_NEEDS = linear("[A-Za-z0-9](?:" + "|".join(_EXCEPTION_SUFFIXES) + ")|" + "|".join(_EXCEPTION_WORDS))


def _may_name_exception(flat: str) -> bool:
    """False when _EXCEPTION cannot match: no suffix follows a letter or digit and no code word
    occurs (one linear search, not a substring test per word)."""
    return _EXCEPTION_NEEDS.search(flat) is not None


_GENERIC_EXCEPTIONS = frozenset({"Error", "Exception", "ValueError", "TypeError", "RuntimeError", "HTTPError"})


@dataclass
class Parsed:
    """What the text says, before classification."""

    text: str  # bounded, redacted, quote-normalized (lines kept)
    flat: str  # the same with whitespace collapsed and escapes removed
    status: int | None = None
    error_code: str | None = None
    error_type: str | None = None
    param: str | None = None
    model: str | None = None  # exactly as written in the text (provider prefix and all)
    model_from_message: bool = False
    model_given: bool = False  # passed by the caller, not read from the text
    project_id: str | None = None
    organization_id: str | None = None
    request_id: str | None = None
    endpoint: str | None = None
    notes: list[str] = field(default_factory=list)
    lower: str = ""  # flat, lower-cased: the one text every literal gate reads
    provider: str | None = None  # who answered, when the text says (openrouter, vllm, azure…)
    present: frozenset[str] = frozenset()  # the declared gate words that occur in `lower`
    exception: str | None = None  # the runtime's exception class or error code (APIConnectionError…)


def normalize(text: str) -> tuple[str, str]:
    if not text.isascii():  # every character _QUOTES changes is outside ASCII
        for smart, plain in _QUOTES:
            if smart in text:
                text = text.replace(smart, plain)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: no engine can read them, and no error has them
            text = text.encode("utf-8", "replace").decode("utf-8")
    flat = text
    if "\\" in flat:
        # Escapes from JSON-in-a-string, in linear time: runs of backslashes become one, then \" \' \n.
        flat = _BACKSLASHES.sub(r"\\", flat)
        for escaped, plain in (('\\"', '"'), ("\\'", "'"), ("\\n", " "), ("\\r", " "), ("\\t", " ")):
            flat = flat.replace(escaped, plain)
    # One space for every run of whitespace (str.split's whitespace is re's \s), without a regex.
    flat = " ".join(flat.split())
    return text, flat


def parse(raw: str) -> Parsed:
    text, flat = normalize(raw)
    lower = flat.lower()
    parsed = Parsed(text=text, flat=flat, lower=lower, present=present_gates(lower))
    anchor = _anchor(lower, parsed.present)
    parsed.status = _status(flat, anchor)
    parsed.error_code = _code(flat, lower, parsed.present)
    if "type" in lower:
        match = _TYPE.search(flat)
        parsed.error_type = (match.group(1) or match.group(2)) if match else None
    if "param" in lower:
        parsed.param = _param(flat)
    parsed.model, parsed.model_from_message = _model(flat, parsed.present)
    if "proj_" in flat:
        parsed.project_id = _project(flat)
    if "org-" in flat:
        org = _ORG_HEADER.search(flat) or _ORG.search(flat)
        parsed.organization_id = (org.group(1) if org.re is _ORG_HEADER else org.group(0)) if org else None
    if "req_" in flat or any(w in lower for w in _REQUEST_WORDS):
        req = _request_id(flat, lower)
        if req and not req.group(1).isalpha():
            parsed.request_id = req.group(1)
        else:
            req2 = _REQ.search(flat)
            parsed.request_id = req2.group(0) if req2 else None
    parsed.endpoint = endpoint_in(flat, lower)
    parsed.provider = provider_in(lower, parsed.present)
    parsed.exception = exception_in(flat)
    return parsed


# Where the error itself is said: status numbers near it are the error's, not a log's.
_ANCHOR_WORDS = gates(
    "does not exi",
    "does not have access",
    "doesnotexi",
    "doesnothaveaccess",
    "has been deprecated",
    "has been decommissioned",
    "not supported",
    "must be verified",
    "missing scopes",
    "exceeded your current quota",
    "rate limit reached",
    "maximum context length",
    "unsupported parameter",
    "unsupported value",
    "incorrect api key",
    "deploymentnotfound",
    "not a valid model",
    "invalid url",
    "not found",
    "country, region",
    "should match organization",
    "insufficient permissions",
    "server had an error",
    "invalid value",
    "invalid type",
    "could not parse",
    "request too large",
    "bad gateway",
    "no endpoints found",
    "invalid model",
    "credits",
    "no auth credentials",
    "timed out",
)


def _anchor(lower: str, present: frozenset[str]) -> int:
    best = len(lower)
    for word in present.intersection(_ANCHOR_WORDS):
        at = lower.find(word, 0, best)
        if at != -1:
            best = at
    return best


def _status(flat: str, anchor: int) -> int | None:
    best: tuple[float, int] | None = None
    seen = 0
    for match in _NUMBER.finditer(flat, max(0, anchor - 8000), min(len(flat), anchor + 4000)):
        value = int(match.group(1))
        if value not in _STATUSES:
            continue
        seen += 1
        if seen > _MAX_NUMBERS:
            break
        pos, end = match.span(1)
        rank = _status_rank(flat, pos, end)
        if rank is None:
            continue
        distance = anchor - pos if pos <= anchor else (pos - anchor) + 200
        score = distance + rank * 5 + (400 if rank == 4 else 0)
        if best is None or score < best[0]:
            best = (score, value)
    return best[1] if best else None


def _status_rank(flat: str, pos: int, end: int) -> int | None:
    """How sure the characters around a 4xx/5xx number make it a status: 0 best, None not one."""
    before = flat[max(0, pos - 24) : pos]
    if (not before.isascii() or any(word in before.lower() for word in _KEYWORD_WORDS)) and _BEFORE_KEYWORD.search(
        before
    ):
        return 0
    after = flat[end : end + 16]
    left = flat[pos - 1] if pos else " "
    if left in _STATUS_LEFT and not _AFTER_STOP.match(after) and _AFTER_GOOD.match(after):
        return 1
    if "/" in flat[max(0, pos - 220) : pos] and _BEFORE_METHOD.search(flat, max(0, pos - 220), pos):
        return 3
    if _BEFORE_WEAK.search(before):
        return 4
    right = after[:1]
    if (_CJK.match(left) or _CJK.match(right)) and right not in _CJK_COUNT and (right == "" or not right.isdigit()):
        return 2
    return None


_NULLS = frozenset({"none", "null", "nil", "undefined"})


def _code_matches(flat: str, lower: str) -> Iterator[re.Match[str]]:
    """`_CODE_PATTERNS[0].finditer(flat)`. In an ASCII text the pattern is tried only where a match can
    start: at each "code" (any case), or 5, 6 or 8 characters before it ("errorcode", "error_code",
    "responsecode"), left to right and not overlapping, as finditer would."""
    [pattern] = _CODE_PATTERNS
    if not flat.isascii():
        yield from pattern.finditer(flat)
        return
    starts: set[int] = set()
    at = lower.find("code")
    while at != -1:
        starts.update((at - 8, at - 6, at - 5, at))
        at = lower.find("code", at + 1)
    last = 0
    for start in sorted(starts):
        if start < last:
            continue
        match = pattern.match(flat, start)
        if match is not None:
            yield match
            last = match.end()


def _code(flat: str, lower: str, present: frozenset[str]) -> str | None:
    if "code" in lower:
        for match in _code_matches(flat, lower):
            value = match.group(1)
            if value.lower() in _NULLS or value.isdigit():
                continue
            if value.lower() in ("invalid_request_error", "error", "system"):
                continue
            return value.rstrip(".")
    if not present.isdisjoint(_KNOWN_CODE_GATES):
        known = _KNOWN_CODES.search(flat)
        if known:
            before = flat[max(0, known.start() - 12) : known.start()].lower()
            if "type" not in before:
                return str(known.group(1))
    return None


def _param(flat: str) -> str | None:
    match = _PARAM.search(flat) or _PARAM_LOG.search(flat)
    if match and match.group(1).lower() not in _NULLS:
        return match.group(1)
    return None


def _project(flat: str) -> str | None:
    match = _PROJECT_HEADER.search(flat)
    if match:
        return match.group(1)
    match = _PROJECT.search(flat)
    return match.group(0) if match else None


_TRAIL = "\"'`.,;:)]}>!?"


def _clean_id(value: str, quoted: bool) -> str:
    value = value.strip()
    if not quoted:
        value = value.rstrip(_TRAIL) if not value.endswith(">") else value
    value = value.strip("`'\"").rstrip(",")
    # An id never ends in one full stop: "No endpoints found for x:free." ends a sentence (an
    # ellipsis, "ft:gpt-3.5-turbo-0613...", is kept as written).
    if value.endswith(".") and not value.endswith(".."):
        value = value[:-1]
    # Vertex names a model the user named shortly by its publisher resource path
    # ("projects/p/locations/l/publishers/google/models/gemini-2.0-flash").
    if value.startswith("projects/") and "/publishers/" in value:
        publisher = _PUBLISHER_MODEL.match(value)
        if publisher:
            value = publisher.group(1)
    return value


_PUBLISHER_MODEL = re.compile(r"projects/[^/]+/locations/[^/]+/publishers/[^/]+/models/([^/]+)$")


def _model(flat: str, present: frozenset[str]) -> tuple[str | None, bool]:
    """The id the error names. When one phrasing names several ids (a log of attempts, or a
    wrapped line cut off before the full one), the last is the one the report ends on."""
    opened = present & _MODEL_GATE_WORDS
    if not opened:
        return None, False
    indices = (
        _MODEL_BY_GATE[next(iter(opened))]
        if len(opened) == 1
        else sorted({i for word in opened for i in _MODEL_BY_GATE[word]})
    )
    for index in indices:
        also = _MODEL_ALSO[index]
        if also and present.isdisjoint(also):
            continue
        pattern = _MODEL_PATTERNS[index][1]
        last: str | None = None
        for count, match in enumerate(pattern.finditer(flat)):
            if count >= 16:
                break
            raw = match.group(1)
            quoted = match.end(1) < len(flat) and flat[match.end(1) : match.end(1) + 1] in "`'\""
            value = _clean_id(raw, quoted)
            if value and _plausible_id(value):
                last = value
        if last is not None:
            return last, True
    return None, False


_DETAILS_MODEL = re.compile(r"(?m)^\**Model\**:[ \t]{1,4}([^\n]{1,60}?)[ \t]*\n\**Provider\**:[ \t]")


def context_model(text: str, flat: str, is_known: object) -> str | None:
    """A model id named around the error (config, call, prose) that the catalog knows."""
    check = is_known if callable(is_known) else (lambda _s: False)
    # An app's error-details block names the model on its own line above the provider
    # ("Model: DeepSeek Chat" / "Provider: deepseek"): the model as the user chose it.
    if "Provider:" in text:
        block = _DETAILS_MODEL.search(text)
        if block:
            return block.group(1).strip("*` ")
    if "model" in flat.lower() or "模型" in flat or "モデル" in flat or "모델" in flat:
        start = _label_from(flat)
        for count, match in enumerate(_MODEL_LABEL.finditer(flat, start or 0) if start is not None else ()):
            if count >= 64:
                break
            value = _clean_id(match.group(1), False)
            if _plausible_id(value) and value.lower() not in _NULLS and _label_value(match, value):
                return value
    if "model" in text.lower():
        header = _TEMPLATE_MODEL.search(text)
        if header:
            value = _clean_id(header.group(1), False)
            if _plausible_id(value) and _LABEL_SHAPE.search(value):
                return value
    if "('" in flat or '("' in flat:
        call = _SDK_CALL.search(flat)
        if call and _LABEL_SHAPE.search(call.group(1)):
            return call.group(1)
    if "/" in flat:
        # Another provider's id, written with its provider prefix, that the report says it used
        # ("using xai/grok-3-mini", "Processing with Groq/meta-llama/llama-4-…").
        start = _prefixed_from(flat)
        used = _PREFIXED_USED.search(flat, start) if start is not None else None
        name = _clean_id(used.group(1), False) if used else ""
        tail = name.split("/", 1)[-1]
        if "-" in tail and any(ch.isdigit() for ch in tail) and "//" not in name:
            return name
    if not _FAMILY_ANYWHERE.search(flat.lower()):
        # No word starts like an OpenAI model id: only another provider's quoted id can be it.
        return _last_resort(flat)
    seen: set[str] = set()  # a paste repeats its words; each is looked up once
    plain = flat.isascii() and flat.isprintable()
    lower = flat.lower()
    for (pattern, multiline), needs in zip(_MODEL_CONTEXT_FLAGS, _MODEL_CONTEXT_NEEDS, strict=True):
        if plain and needs is not None and not all(any(word in lower for word in group) for group in needs):
            continue  # a word every match holds is absent
        for source in (text, flat) if multiline else (flat,):
            for count, match in enumerate(pattern.finditer(source)):
                if count >= 512:
                    break
                value = _clean_id(match.group(1), False)
                if value in seen:
                    continue
                seen.add(value)
                known = check(value)
                if known:
                    return str(known)
                if _ID_SHAPED.match(value) and any(ch.isdigit() for ch in value):
                    return value
    for count, match in enumerate(_TOKEN.finditer(flat)):
        if count >= 4096:
            break
        value = match.group(0)
        if value in seen:
            continue
        seen.add(value)
        known = check(_clean_id(value, False))
        if known:
            return str(known)
    # No id as written: an OpenAI id written with a space for its dash ("gpt-3.5 turbo").
    spaced = _SPACED_ID.search(flat)
    if spaced:
        return spaced.group(1)
    return _last_resort(flat)


def _last_resort(flat: str) -> str | None:
    """Another provider's quoted id near the word "model", else the model a Gemini REST path
    called (".../models/gemini-2.5-pro:streamGenerateContent"): what the error's own words name
    comes first, the URL only when they name none."""
    quoted = _quoted_id(flat)
    if quoted is not None or "Content" not in flat:
        return quoted
    rest = _GEMINI_METHOD.search(flat)
    return rest.group(1) if rest else None


# When the error says a model is missing or invalid but names none we could read, another
# provider's id quoted nearby ("`anthropic.claude-opus-4-6-v1:0`", "(claude-sonnet-4-6)") is it:
# quoted, id-shaped (a letter first, a digit, a separator), not a path, URL, file, key or version.
_TROUBLE = linear(
    r"model[^.\n]{0,80}?(?:not found|does not exist|doesn't exist|not exist|invalid|identifier|not available)|"
    r"(?:invalid|unknown|no such) model|not found the model",
    ignore_case=True,
)
_TROUBLE_WORDS = ("not found", "exist", "invalid", "identifier", "not available", "unknown model", "no such model")
_QUOTED_TOKEN = re.compile(r"[`'\"(]([A-Za-z][\w.:/@\-]{2,100})[`'\")]")
_NOT_MODEL_TOKEN = re.compile(
    r"(?i)^(?:https?:|www\.|req_|org-|proj_|sk-|v?\d)|//|\.(?:py|js|ts|json|md|txt|ya?ml|html?|go|rs|java|log|png|jpe?g|sh)$"
)


# Another provider's id quoted right next to the word "model" ("the `x` model", "model 'x'").
_MODEL_QUOTED = linear(
    # (Claude Code marks a long-context variant with a suffix: "claude-sonnet-4-5[1m]")
    r"\bmodel:?\s[`'\"(]([A-Za-z][\w.:/@\-]{2,100}(?:\[\d{1,4}[km]\])?)[`'\")]|"
    r"[`'\"]([A-Za-z][\w.:/@\-]{2,100}(?:\[\d{1,4}[km]\])?)[`'\"]\smodel\b|"
    r"\bmodel:?\s([A-Za-z][\w.@\-]{0,60}[/:][\w.:/@\-]{1,80})",
    ignore_case=True,
)


def _id_token(value: str) -> bool:
    return (
        any(ch.isdigit() for ch in value)
        and any(ch in "-.:/" for ch in value)
        and not _NOT_MODEL_TOKEN.search(value)
        and _plausible_id(value)
    )


def _quoted_id(flat: str) -> str | None:
    lower = flat.lower()
    if "model" not in lower:
        return None
    if "model " in lower or "model:" in lower or " model" in lower:
        for count, match in enumerate(_MODEL_QUOTED.finditer(flat)):
            if count >= 64:
                break
            value = str(match.group(1) or match.group(2) or match.group(3)).rstrip(".:")
            if _id_token(value):
                return value
    if not any(word in lower for word in _TROUBLE_WORDS) or not _TROUBLE.search(flat):
        return None
    for count, token in enumerate(_QUOTED_TOKEN.finditer(flat)):
        if count >= 256:
            break
        value = token.group(1).rstrip(".:")
        if _id_token(value):
            return value
    return None


def openai_shaped(model: str) -> bool:
    """Whether an id starts the way OpenAI's ids do (after any provider prefix)."""
    return bool(_FAMILY_START.match(model.rsplit("/", 1)[-1].lower()))


def _plausible_id(value: str) -> bool:
    if len(value) > 150 or len(value) < 2:
        return False
    lowered = value.lower()
    return lowered not in _NOT_IDS


_NOT_IDS = frozenset(
    {
        "and",
        "or",
        "with",
        "for",
        "not",
        "but",
        "which",
        "name",
        "specified",
        "requested",
        "selected",
        "the",
        "model",
        "this",
        "that",
        "it",
        "a",
        "an",
        "is",
        "you",
        "your",
        "has",
        "was",
        "none",
        "null",
        "undefined",
        "nil",
        # words a phrasing can catch instead of an id ("model not found in …", "model identifier is …")
        "in",
        "on",
        "at",
        "by",
        "of",
        "to",
        "from",
        "please",
        "identifier",
        "id",
        "list",
        "found",
        "exist",
        "available",
        "supported",
        "provided",
        "given",
        "valid",
        "invalid",
        "any",
        "no",
        "deployment",
        "version",
    }
)


def provider_in(lower: str, present: frozenset[str] | None = None) -> str | None:
    present = present_gates(lower) if present is None else present
    for name, markers in _PROVIDERS:
        if not present.isdisjoint(markers):
            return name
    return None


def exception_in(flat: str) -> str | None:
    """The most specific exception class or transport code named (the last specific one wins:
    wrappers name the cause last, as in "APIConnectionError … caused by ConnectTimeout")."""
    found: str | None = None
    if not _may_name_exception(flat):
        return None
    for count, match in enumerate(_EXCEPTION.finditer(flat)):
        if count >= _MAX_EXCEPTIONS:
            break
        name = str(match.group(0))
        short = name.rsplit(".", 1)[-1]
        if short in _GENERIC_EXCEPTIONS and found is not None:
            continue
        if (
            found is not None
            and short.endswith("Exception")
            and flat[match.end() : match.end() + 4].strip()[:1] in ("-", "")
        ):
            # litellm's "<MappedError>: <MappedError>: OpenAIException - <message>": the provider's
            # wrapper name, not a cause; the mapped class before it is the one raised
            continue
        found = name
    return found


def endpoint_in(flat: str, lower: str | None = None) -> str | None:
    lower = flat.lower() if lower is None else lower
    if "support" in lower or "scope" in lower or "embeddings" in lower:
        plain = flat.isascii() and flat.isprintable()  # its only whitespace is the space
        for (pattern, name), word in zip(_EP_MESSAGE, _EP_MESSAGE_WORDS, strict=True):
            if (not plain or word in lower) and pattern.search(flat):
                return name
    if "/v1" in lower or "post /" in lower or "get /" in lower:  # what _EP_PATH's two branches need
        for count, match in enumerate(_EP_PATH.finditer(flat)):
            if count >= 256:
                break
            path = match.group(1) or match.group(2) or ""
            found = endpoint_from_path(path)
            if found:
                return found
    if "openai" not in lower and "client" not in lower and "oai" not in lower:
        return None
    if not any(word in flat for word in _EP_SDK_WORDS):
        return None
    found = None
    for count, match in enumerate(_EP_SDK.finditer(flat)):
        if count >= 256:
            break
        if match.group(1):
            found = _canonical(match.group(1))
        elif match.group(2):
            found = _SDK_WORDS.get(match.group(2))
        elif match.group(3):
            found = _canonical(f"{match.group(3)}.{match.group(4)}")
            if found is None and match.group(3).lower() == "images":
                found = "images.generate"
        elif match.group(5):
            found = _SDK_WORDS.get(match.group(5))
        elif match.group(6):
            found = _canonical(match.group(6).replace("\\", "/"))
        if found:
            return found
    return None


def endpoint_from_path(path: str) -> str | None:
    parts = [p for p in path.replace(" ", "").split("/") if p and p != "v1"]
    if not parts or parts[0] in ("models", "organization", "files", "uploads"):
        return None
    # Longest known suffix wins: /v1/engines/x/embeddings, /v1/chat/completions/chat/completions.
    for size in (3, 2, 1):
        if len(parts) >= size:
            found = _canonical("/" + "/".join(parts[-size:]))
            if found and not (size == 1 and parts[-1] == "completions" and len(parts) > 1 and parts[-2] == "chat"):
                return found
    return None
