"""Anticipated failures, each with a message a user or an assistant can act on.

The tree (every class lives here; the modules named raise them)::

    ModelAccessError                the base: anticipated, its message is safe to show (redacted)
    ├── InvalidInput                an argument is empty, too large or malformed
    │   ├── UnknownEndpointError    endpoints: a spelling that names no OpenAI endpoint
    │   └── GlobError               code.walk: an include/exclude glob that cannot be matched
    ├── ConfigError                 config: the environment contradicts itself (names the variable)
    ├── NotAvailable                needs what is not configured (a key, an admin key)
    ├── PathRefused                 a path is missing, or outside the allowed folders
    ├── LookupFailed                a live API call failed (status and the API's own error text)
    └── WorkError                   work: a step could not run to its end
        ├── WorkTimeout             it overran its time budget and was stopped
        └── Busy                    too much abandoned work is still running; refused, not queued

Each front end maps the tree once, at its edge: the MCP tools in `tools.py` (`ToolError`, an
`isError` result the model reads), the catalog resources in `resources.py` ("not found"), the CLI
in `cli.py` (exit code 2 with one line on stderr). Anything else is a bug: the SDK withholds its text from the wire
("Error executing tool …") and the CLI lets it crash with a traceback.
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


class UnknownEndpointError(InvalidInput):
    """The spelling names no OpenAI endpoint; the message lists the valid names."""


class GlobError(InvalidInput):
    """A malformed include/exclude glob (an unclosed or reversed character class, a dangling escape)."""


class ConfigError(ModelAccessError):
    """A configuration problem, stated in one line that names the variable to fix."""


class WorkError(ModelAccessError):
    """A step of a request could not run to its end; the server keeps serving."""


class WorkTimeout(WorkError):
    """A step of a request overran its time budget and was stopped; the server keeps serving."""


class Busy(WorkError):
    """Too much abandoned work is still running; the request is refused rather than queued."""


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
