"""What a failed live call means, in one line: the cause, the status, the API's own words (redacted)."""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..redact import clip, redact

MAX_RETRY_WAIT = 5.0  # seconds: the longest wait before a retry, whatever Retry-After says


def error_code(exc: BaseException) -> str | None:
    """The `code` of an API error body (insufficient_quota, model_not_found …), if any."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        code = body.get("code")
        return str(code) if code else None
    return None


def retry_after(exc: BaseException, attempt: int, cap: float = MAX_RETRY_WAIT) -> float:
    """Seconds to wait before retrying: the server's Retry-After(-ms) if given, else backoff; capped."""
    response = getattr(exc, "response", None)
    headers: Any = getattr(response, "headers", None) or {}
    wait = 0.25 * (2**attempt)
    try:
        if headers.get("retry-after-ms"):
            wait = float(headers["retry-after-ms"]) / 1000
        elif headers.get("retry-after"):
            wait = float(headers["retry-after"])
    except ValueError:  # an HTTP date or garbage: fall back to backoff
        pass
    return float(min(cap, max(0.0, wait)))


def api_error_text(exc: BaseException) -> str | None:
    """The API's error body as the SDK prints it, redacted: what the diagnosis parser reads."""
    body = getattr(exc, "body", None)
    status = getattr(exc, "status_code", None)
    if isinstance(body, dict):
        return redact(f"Error code: {status} - {{'error': {clip(str(body), 1500)}}}")
    message = getattr(exc, "message", None)
    return redact(f"Error code: {status} - {clip(str(message), 1500)}") if message else None


def describe_failure(what: str, exc: BaseException, config: Config) -> str:
    """One line naming the cause of a failed live call (redacted)."""
    import openai

    where = config.shown_base_url or "the API"
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        body = exc.body if isinstance(exc.body, dict) else {}
        message = str(body.get("message") or exc.message or "")[:300]
        code = body.get("code")
        cause = {
            401: "the API key was rejected (check OPENAI_API_KEY, or OPENAI_ADMIN_KEY for admin calls)",
            403: "permission denied for this key or project",
            404: "not found",
            429: "insufficient quota" if code == "insufficient_quota" else "rate limited",
        }.get(status, "server error" if status >= 500 else "request rejected")
        detail = (
            f": {message}"
            if message and not message.lstrip().startswith("<")
            else (" (HTML error page)" if message else "")
        )
        return redact(f"{what} failed — {cause} (HTTP {status}{f', code {code}' if code else ''}){detail}")
    if isinstance(exc, openai.APITimeoutError):
        return f"{what} timed out after {config.timeout:g} s talking to {where}"
    if isinstance(exc, openai.APIConnectionError):
        root = exc.__cause__ or exc
        return redact(f"{what} failed — could not connect to {where} ({type(root).__name__}: {clip(str(root), 200)})")
    if isinstance(exc, openai.APIResponseValidationError) or "json" in type(exc).__name__.lower():
        return f"{what} failed — {where} returned a malformed (non-JSON or unexpected) body"
    return redact(f"{what} failed — {type(exc).__name__}: {clip(str(exc), 200)}")
