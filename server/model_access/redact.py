"""The one redaction policy: API keys and tokens never leave the process.

Applied at every boundary — each tool result, resource, prompt, log record and CLI line —
so a key that a user pastes inside an error text, or that a server echoes back
("Incorrect API key provided: sk-proj-****abcd"), is replaced before anyone sees it.
Must never raise and must stay linear in the input size.
"""

from __future__ import annotations

import logging
import re
from typing import Any, TypeVar

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
)


# Any gate at all, in one scan: most strings of a result (ids, titles, dates) have none.
_ANY_GATE = re.compile("|".join(re.escape(word) for gate in _GATES if gate for word in gate))
_UNGATED_MIN = 84  # the shortest text the ungated pattern (84-character keys) can match


def redact(text: str) -> str:
    if not text:
        return text
    lower = text.lower()
    if len(text) < _UNGATED_MIN and not _ANY_GATE.search(lower):
        return text
    for pattern, gate in zip(_PATTERNS, _GATES, strict=True):
        if gate is not None and not any(word in lower for word in gate):
            continue
        text = pattern.sub(_replace_secret if "s" in pattern.groupindex else REDACTED, text)
    return text


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
    """Redact every string inside JSON-like data (dicts, lists, tuples, strings)."""
    return _walk(value)  # type: ignore[no-any-return]


def _walk(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {(_walk(k) if isinstance(k, str) else k): _walk(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_walk(v) for v in value)
    return value


class RedactingFilter(logging.Filter):
    """Logging filter that redacts the formatted message (and drops raw args)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_log_redaction() -> None:
    """Logs go to stderr (stdout belongs to MCP), redacted, for this package and the SDKs we use."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        existing.addFilter(RedactingFilter())
    if not root.handlers:
        root.addHandler(handler)
    for name in ("mcp", "openai", "httpx", "httpx2", "model_access", "uvicorn"):
        logging.getLogger(name).addFilter(RedactingFilter())
