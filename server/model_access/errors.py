"""Anticipated failures of the services, each with a message a user or assistant can act on.

Front ends map `ModelAccessError` to an MCP tool error (`ToolError`) or a CLI exit code;
anything else is a bug and is allowed to crash the call (its text never reaches the wire).
"""

from __future__ import annotations


class ModelAccessError(Exception):
    """Base of every anticipated failure."""


class InvalidInput(ModelAccessError):
    """An argument is empty, too large, or malformed."""


class NotAvailable(ModelAccessError):
    """The capability needs something that is not configured (a key, an admin key)."""


class PathRefused(ModelAccessError):
    """A path is missing, or outside the allowed roots."""


class LookupFailed(ModelAccessError):
    """A live lookup failed; the message names the cause (timeout, 401, 5xx …).

    `status` is the HTTP status when the API answered, None for timeouts and connection faults.
    """

    def __init__(self, message: str, status: int | None = None, api_error: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        # The API's own error text (message and code), redacted, for the diagnosis parser.
        self.api_error = api_error


MAX_MODEL_ID = 200


def check_model_id(model: str) -> str:
    text = model.strip()
    if not text:
        raise InvalidInput("model is empty: pass a model id such as 'gpt-6-luna'")
    if len(text) > MAX_MODEL_ID:
        raise InvalidInput(
            f"model is {len(text):,} characters long; a model id is at most {MAX_MODEL_ID}. "
            "Pass just the id, e.g. 'gpt-4o' (to analyse a whole error text, use diagnose_error)."
        )
    if any(ord(c) < 32 for c in text):
        raise InvalidInput("model contains control characters; pass just the id, e.g. 'gpt-4o'")
    return text
