"""The one redaction policy: API keys and tokens never leave the process.

Applied at every boundary — each tool result, resource, prompt, log record and CLI line —
so a key that a user pastes inside an error text, or that a server echoes back
("Incorrect API key provided: sk-proj-****abcd"), is replaced before anyone sees it.
Must never raise and must stay linear in the input size.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import re
import threading
from typing import Any, TypeVar, cast

REDACTED = "[REDACTED]"

# Each pattern either is the secret, or marks it with the group (?P<s>…) inside its context.
_PATTERNS: tuple[re.Pattern[str], ...] = (
    # OpenAI keys, all generations and masked forms: sk-…, sk-proj-…, sk-svcacct-…, sk-admin-…,
    # sk-None-…, sk-abc***xyz, sk-proj-****abcd. Anything after "sk-" that looks key-ish.
    re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-*.…]{3,}"),
    # Session tokens of the web console.
    re.compile(r"(?<![A-Za-z0-9])sess-[A-Za-z0-9_\-]{8,}"),
    # Bearer / Basic credentials in headers or logs.
    re.compile(r"(?i)\b(?:bearer|basic)\s{1,8}(?P<s>[A-Za-z0-9_\-.=:+/~*]{6,})"),
    # Header or assignment forms: api-key: …, api_key="…", OPENAI_API_KEY=…, Ocp-Apim-Subscription-Key: …
    re.compile(
        r"(?i)(?:api[-_ ]?key|apikey|subscription[-_]key|access[-_]token|secret|password|token)"
        # The look-ahead for a digit is bounded: unbounded, it rescans the rest of a long run at every
        # "key=" of "api_key=api_key=…" (quadratic).
        r"""[\"']?\s{0,8}[:=]\s{0,8}[\"']?(?P<s>(?!\[REDACTED)(?=[^\s\"',;}{)\]]{0,120}\d)[^\s\"',;}{)\]]{8,})"""
    ),
    # Azure OpenAI keys: 32 hex characters near the word "key", or 84-character base62 keys.
    re.compile(r"(?i)key[^\n]{0,40}?\b(?P<s>[0-9a-f]{32})\b"),
    re.compile(r"(?i)\b[0-9a-f]{32}\b(?=[^\n]{0,40}\bkey\b)"),
    re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{84}(?![A-Za-z0-9])"),
    # JWTs (ephemeral realtime keys, console tokens).
    re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{4,}"),
    # Ephemeral realtime client secrets.
    re.compile(r"(?<![A-Za-z0-9])ek_[A-Za-z0-9]{16,}"),
    # Other providers' keys, pasted into an error text sent to an OpenAI-compatible host: Groq
    # (gsk_), Google AI (AIza), xAI (xai-), Perplexity (pplx-), Hugging Face (hf_), NVIDIA (nvapi-),
    # Replicate (r8_). Lengths below their real ones, above a masked echo's or a code name's.
    re.compile(
        r"(?<![A-Za-z0-9])(?:gsk_[A-Za-z0-9]{20,}|AIza[0-9A-Za-z_\-]{30,}|xai-[A-Za-z0-9]{20,}|"
        r"pplx-[A-Za-z0-9]{20,}|hf_[A-Za-z0-9]{30,}|nvapi-[A-Za-z0-9_\-]{20,}|r8_[A-Za-z0-9]{30,})"
    ),
)


def _replace_secret(match: re.Match[str]) -> str:
    start, end = match.span("s")
    whole_start = match.start()
    text = match.group(0)
    return text[: start - whole_start] + REDACTED + text[end - whole_start :]


T = TypeVar("T")


# A pattern runs only when its literal occurs in the lower-cased text (None: always). The
# substring tests are C-speed and spare ordinary text — every tool result passes here — nearly
# all of the regex work.
_GATES: tuple[tuple[str, ...] | None, ...] = (
    ("sk-",),
    ("sess-",),
    ("bearer", "basic"),
    ("key", "token", "secret", "password"),
    ("key",),
    ("key",),
    None,
    ("eyj",),
    ("ek_",),
    ("gsk_", "aiza", "xai-", "pplx-", "hf_", "nvapi-", "r8_"),
)


# Any gate at all, in one scan: most strings of a result (ids, titles, dates) have none.
_ANY_GATE = re.compile("|".join(re.escape(word) for gate in _GATES if gate for word in gate))
_UNGATED_MIN = 84  # the shortest text the ungated pattern (84-character keys) can match


# Short texts already redacted, and what they became: a result repeats the same fix texts, titles and
# ids call after call. Emptied whenever the configured secrets change (a generation number keeps a
# pass that began before the change from storing its answer).
_SEEN_MAX_TEXT = 512
_SEEN_MAX = 1024
# Stored for a text that redaction leaves as it is: the caller's own string is handed back, so that
# redact_obj sees the very object it passed and copies nothing.
_UNCHANGED = object()
_seen: dict[str, object] = {}  # text → what it became, or _UNCHANGED
_seen_generation = 0


def redact(text: str) -> str:
    if not text:
        return text
    if len(text) > _SEEN_MAX_TEXT:
        return _redact(text)
    known = _seen.get(text)
    if known is not None:
        return text if known is _UNCHANGED else cast(str, known)
    generation = _seen_generation
    out = _redact(text)
    with _LITERALS_LOCK:
        if generation == _seen_generation:
            if len(_seen) >= _SEEN_MAX:
                _seen.clear()
            _seen[text] = _UNCHANGED if out == text else out
    return out


def generation() -> int:
    """Changes whenever the configured secrets do: a cache of redacted output keys on it."""
    return _seen_generation


def _forget_seen() -> None:
    """Called with _LITERALS_LOCK held, whenever the configured secrets change."""
    global _seen_generation
    _seen_generation += 1
    _seen.clear()


def _redact(text: str) -> str:
    lower = text.lower()
    if len(text) < _UNGATED_MIN and not _ANY_GATE.search(lower):
        # No pattern can match, but a configured key's literal value, URL credentials or a secret
        # query parameter can still be there: those have no shape the gates know.
        return redact_side_doors(text)
    for pattern, gate in zip(_PATTERNS, _GATES, strict=True):
        if gate is not None and not any(word in lower for word in gate):
            continue
        if pattern is _ASSIGNMENT and len(text) <= _ASSIGNMENT_BY_WORD and text.isascii():
            text = _redact_assignments(text)
            continue
        if pattern is _LONG_KEY and not _may_hold_long_key(text):
            continue
        text = pattern.sub(_replace_secret if "s" in pattern.groupindex else REDACTED, text)
    return redact_side_doors(text)


# The header/assignment pattern starts with one of these words (any case); in an ASCII text of a
# screenful it is tried only where one occurs, instead of at every character (5-10× less work).
_ASSIGNMENT = _PATTERNS[3]
_ASSIGNMENT_WORDS = ("api", "subscription", "access", "secret", "password", "token")
_ASSIGNMENT_BY_WORD = 16 * 1024  # longer texts: one C-speed `sub` beats a Python loop over many words


# The 84-character keys: a run of 84 key characters starts before a multiple of 42 and covers the
# next 42 characters from there, so a text where no multiple of 42 starts such a stretch has none.
_LONG_KEY = _PATTERNS[6]
_HALF_KEY = re.compile(r"[A-Za-z0-9]{42}")


def _may_hold_long_key(text: str) -> bool:
    if len(text) > _ASSIGNMENT_BY_WORD:
        return True  # one C-speed `sub` beats a Python loop over thousands of positions
    match = _HALF_KEY.match
    return any(match(text, at) for at in range(0, len(text) - 41, 42))


def _redact_assignments(text: str) -> str:
    """`_ASSIGNMENT.sub(_replace_secret, text)` for an ASCII text: the same matches, left to right and
    not overlapping, tried only at the positions where a match can start."""
    lower = text.lower()
    starts: set[int] = set()
    for word in _ASSIGNMENT_WORDS:
        at = lower.find(word)
        while at != -1:
            starts.add(at)
            at = lower.find(word, at + 1)
    if not starts:
        return text
    out: list[str] = []
    last = 0
    for start in sorted(starts):
        if start < last:
            continue
        match = _ASSIGNMENT.match(text, start)
        if match is None:
            continue
        out.append(text[last:start])
        out.append(_replace_secret(match))
        last = match.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


# Longer than any secret the patterns know (84-character keys, JWTs of a few hundred): a window
# this much wider than what is shown never cuts a secret that reaches into what is shown.
_MARGIN = 2048


def clip(text: str, limit: int) -> str:
    """Redact, *then* shorten: cutting first can split a key (e.g. an Azure 32-hex key cut to 30
    characters) so that no pattern recognises the remaining, still secret, prefix. Only a margin
    past the limit is redacted, so echoing a megabyte costs what echoing the limit costs."""
    return redact(text[: limit + _MARGIN])[:limit]


def redact_window(text: str, head: int = 16_384, tail: int = 16_384) -> str:
    """The start and the end of a long text, redacted, with a marker where the middle was cut;
    for paths that echo input (prompts, messages) and need not echo all of it."""
    if len(text) <= head + tail + _MARGIN:
        return redact(text)
    start = redact(text[: head + _MARGIN])[:head]
    end = redact(text[-(tail + _MARGIN) :])[-tail:]
    return f"{start}\n… [{len(text) - head - tail} characters cut] …\n{end}"


def redact_obj(value: T) -> T:
    """Redact every string inside `value`: JSON-like data (dicts, their keys too, lists, tuples) and
    pydantic models (their fields). What a pass leaves unchanged is returned as it is, not copied,
    so redacting a large clean result allocates nothing."""
    return _walk(value, None)  # type: ignore[no-any-return]


class _OverBudget(Exception):
    pass


def redact_obj_within(value: T, limit: int) -> tuple[bool, T]:
    """(True, `redact_obj(value)`) when the strings inside `value` (dict keys too) add up to at most
    `limit` characters; else (False, `value`), after redacting no more than `limit` characters (the
    caller redacts a large value elsewhere). One walk for both the size check and the redaction."""
    try:
        return True, _walk(value, [limit])
    except _OverBudget:
        return False, value


_ATOMS = frozenset({int, float, bool, type(None)})  # values with no string inside, returned as they are


def _walk(value: Any, budget: list[int] | None) -> Any:
    kind = type(value)
    if kind is str or isinstance(value, str):
        return _leaf(value, budget)
    if kind in _ATOMS:
        return value
    if isinstance(value, dict):
        out: dict[Any, Any] | None = None  # a copy, begun at the first item that changes
        for index, (key, item) in enumerate(value.items()):
            # Strings and atoms, nearly every item of a result, are handled here without a call.
            if type(key) is str:
                if budget is not None:
                    budget[0] -= len(key)
                    if budget[0] < 0:
                        raise _OverBudget
                new_key = key if _seen.get(key) is _UNCHANGED else redact(key)
            else:
                new_key = _leaf(key, budget) if isinstance(key, str) else key
            kind = type(item)
            if kind is str:
                if budget is not None:
                    budget[0] -= len(item)
                    if budget[0] < 0:
                        raise _OverBudget
                new_item = item if _seen.get(item) is _UNCHANGED else redact(item)
            elif kind in _ATOMS:
                new_item = item
            else:
                new_item = _walk(item, budget)
            if out is None:
                if new_key is key and new_item is item:
                    continue
                out = dict(itertools.islice(value.items(), index))
            out[new_key] = new_item
        return value if out is None else out
    if isinstance(value, list | tuple):
        items: list[Any] | None = None
        for index, item in enumerate(value):
            kind = type(item)
            if kind is str:
                if budget is not None:
                    budget[0] -= len(item)
                    if budget[0] < 0:
                        raise _OverBudget
                new_item = item if _seen.get(item) is _UNCHANGED else redact(item)
            elif kind in _ATOMS:
                new_item = item
            else:
                new_item = _walk(item, budget)
            if items is None:
                if new_item is item:
                    continue
                items = list(value[:index])
            items.append(new_item)
        if items is None:
            return value
        return items if isinstance(value, list) else tuple(items)
    fields = getattr(type(value), "model_fields", None)  # a pydantic model, without importing pydantic
    if isinstance(fields, dict) and hasattr(value, "model_copy"):
        updates = {}
        for name in fields:
            current = getattr(value, name)
            new = _walk(current, budget)
            if new is not current:
                updates[name] = new
        return value.model_copy(update=updates) if updates else value
    return value


def _leaf(value: str, budget: list[int] | None) -> str:
    if budget is not None:
        budget[0] -= len(value)
        if budget[0] < 0:
            raise _OverBudget
    if _seen.get(value) is _UNCHANGED:  # the common case, without the call
        return value
    return redact(value)


# ---------------------------------------------------------------------- side doors
# Secrets that no shape-based pattern can know: the literal values of the configured keys (a
# compatible provider's `gsk_…` key echoed back, a key cut or masked by the provider), the
# credentials inside a URL (`https://user:pass@host`), and secret-looking query parameters
# (`/mcp?api_key=…`, `?token=…`) in access logs. Every pattern here has bounded quantifiers
# only, and the literal search is `str.find`, so the cost stays linear in the input.

_SECRET_LITERALS: dict[str, tuple[str, ...]] = {}  # secret → the needles that reveal it
_SECRET_MASKS: dict[str, re.Pattern[str]] = {}  # secret → its masked echoes
_LITERALS_LOCK = threading.Lock()
MIN_SECRET = 8  # shorter values would redact ordinary words

# Characters a key (or a provider's masked rendering of it) is made of: a hit is widened to them.
_KEYISH = re.compile(r"[A-Za-z0-9_\-*.…•~+/=]{0,512}")
_KEYISH_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-*.…•~+/=")

# scheme://userinfo@host — the whole userinfo goes (a token alone is as secret as user:pass).
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]{0,30}://)([^\s/?#@\"'<>]{1,512})@")
# ?name=value / &name=value with a secret-sounding name.
_QUERY_PARAM = re.compile(r"([?&;])([A-Za-z0-9_.\-]{1,64})=([^&#\s\"'<>]{1,4096})")
_SECRET_NAMES = re.compile(r"(?i)key|token|secret|passw|pwd|auth|credential|signature|\bsig\b|session|cookie|^code$")


def register_secret(value: str | None) -> None:
    """Remember a configured secret so that `redact()` removes its literal value (and its head or
    tail as a provider might echo them) wherever it appears."""
    if not value:
        return
    value = value.strip()
    if len(value) < MIN_SECRET:
        return
    needles = {value}
    if len(value) >= 20:
        # A provider that masks the middle still shows a head and a tail: the head past any
        # common prefix (sk-proj-, gsk_) and the last 8 characters are unique enough to match.
        cut = max(value.rfind("-", 0, 16), value.rfind("_", 0, 16)) + 1
        needles.add(value[: cut + 8])
        needles.add(value[-8:])
    # How providers echo a key they reject: the first 8 characters, a run of stars, maybe the
    # last 4 ("gsk_AbCd********wXyZ", OpenAI's own shape for any key). Bounded quantifiers only.
    masked = re.compile(
        re.escape(value[:8])
        + r"[*•…]{2,256}[A-Za-z0-9_\-]{0,8}|(?<![*•…])[*•…]{3,256}"
        + re.escape(value[-4:])
        + r"(?![A-Za-z0-9])"
    )
    with _LITERALS_LOCK:
        _SECRET_LITERALS[value] = tuple(sorted(needles, key=len, reverse=True))
        _SECRET_MASKS[value] = masked
        _forget_seen()


def forget_secrets() -> None:
    with _LITERALS_LOCK:
        _SECRET_LITERALS.clear()
        _SECRET_MASKS.clear()
        _forget_seen()


def redact_side_doors(text: str) -> str:
    """Configured secret literals, URL credentials and secret query parameters (linear time)."""
    if not text:
        return text
    scheme = text.find("://")
    # (before the literals: a redacted password must not hide the user name; every match has an "@"
    # after its "://")
    if scheme != -1 and text.find("@", scheme) != -1:
        text = _URL_CREDENTIALS.sub(lambda m: m.group(1) + REDACTED + "@", text)
    text = _redact_literals(text)
    if "=" in text and ("?" in text or "&" in text or ";" in text):
        text = _QUERY_PARAM.sub(_replace_query_value, text)
    return text


def _replace_query_value(match: re.Match[str]) -> str:
    name = match.group(2)
    if REDACTED in match.group(3) or not _SECRET_NAMES.search(name):
        return match.group(0)
    return f"{match.group(1)}{name}={REDACTED}"


def _redact_literals(text: str) -> str:
    if not _SECRET_LITERALS:  # none configured (a registration racing this call is seen by the next)
        return text
    with _LITERALS_LOCK:
        needles = [n for group in _SECRET_LITERALS.values() for n in group]
        masks = list(_SECRET_MASKS.values())
    if not needles:
        return text
    if "*" in text or "•" in text or "…" in text:
        for mask in masks:
            text = mask.sub(REDACTED, text)
    for needle in needles:
        if needle not in text:
            continue
        out: list[str] = []
        pos = 0
        while True:
            hit = text.find(needle, pos)
            if hit < 0:
                break
            # Widen to the whole key-ish token around the hit (a masked key, a prefix added by
            # the provider), scanning at most 512 characters each way.
            start = hit
            floor = max(pos, hit - 512)
            while start > floor and text[start - 1] in _KEYISH_CHARS:
                start -= 1
            end = hit + len(needle)
            widened = _KEYISH.match(text, end)
            if widened is not None:
                end = widened.end()
            out.append(text[pos:start])
            out.append(REDACTED)
            pos = end
        out.append(text[pos:])
        text = "".join(out)
    return text


def public_url(url: str | None) -> str | None:
    """A URL fit for output: credentials and secret query parameters removed."""
    if not url:
        return url
    return redact_side_doors(url)


_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-*.…+/=~:")


def window(text: str, limit: int = 64 * 1024) -> str:
    """The head and tail of a huge text with a marker between, taken *before* redaction so that
    redacting costs at most `limit` characters. Each cut is moved to a character that cannot be
    inside a key (searching up to 1 KB; keys are far shorter), so no key is cut in two and left
    unrecognisable to the redaction patterns."""
    if len(text) <= limit:
        return text
    head_end = _boundary_back(text, limit // 4)
    tail_start = _boundary_forward(text, len(text) - (limit - limit // 4))
    if tail_start <= head_end:
        return text
    return f"{text[:head_end]}\n[… {tail_start - head_end:,} characters not shown …]\n{text[tail_start:]}"


def _boundary_back(text: str, at: int) -> int:
    for i in range(at, max(0, at - 1024), -1):
        if text[i - 1] not in _KEY_CHARS:
            return i
    return max(0, at - 1024)


def _boundary_forward(text: str, at: int) -> int:
    for i in range(at, min(len(text), at + 1024)):
        if text[i] not in _KEY_CHARS:
            return i
    return min(len(text), at + 1024)


LOG_WINDOW = 8 * 1024  # characters of one log message that are kept (and so redacted)


class RedactingFormatter(logging.Formatter):
    """Formats a record (message, traceback, stack) and redacts the finished text.

    A filter runs before formatting, when `exc_text` is still empty, so a traceback would be
    printed unredacted; redacting the formatted output covers it, and every other field."""

    def format(self, record: logging.LogRecord) -> str:
        try:
            return redact(super().format(record))
        except Exception:  # logging must never fail a request
            return redact(str(getattr(record, "msg", "")))

    def formatException(self, ei: Any) -> str:
        return redact(super().formatException(ei))


class RedactingFilter(logging.Filter):
    """Logging filter that redacts the formatted message (and drops raw args)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            message = str(record.msg)
        # A megabyte-long message (an SDK logging the URI it could not route) is windowed first:
        # redacting it whole would hold the event loop.
        record.msg = redact(window(message, LOG_WINDOW))
        record.args = None
        if record.exc_info and not record.exc_text:
            # Format the traceback now, redacted, so that a handler with a plain Formatter (which
            # reuses exc_text) never prints it raw.
            with contextlib.suppress(Exception):
                record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_log_redaction() -> None:
    """Logs go to stderr (stdout belongs to MCP), redacted, for this package and the SDKs we use."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        redact_handler(existing)
    if not root.handlers:
        root.addHandler(handler)
    for name in ("mcp", "openai", "httpx", "httpx2", "model_access", "uvicorn", "uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
        for existing in list(logger.handlers):
            redact_handler(existing)


def redact_handler(handler: logging.Handler) -> None:
    """Make one handler redact: a filter on the record and a formatter over the finished text."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
    current = handler.formatter
    if not isinstance(current, RedactingFormatter):
        handler.setFormatter(_wrap_formatter(current))


def _wrap_formatter(inner: logging.Formatter | None) -> logging.Formatter:
    if inner is None:
        return RedactingFormatter()
    wrapped = inner

    class _Wrapped(RedactingFormatter):
        def format(self, record: logging.LogRecord) -> str:
            try:
                return redact(wrapped.format(record))
            except Exception:  # logging must never fail a request
                return redact(str(getattr(record, "msg", "")))

    return _Wrapped()
