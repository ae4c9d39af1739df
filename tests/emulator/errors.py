# OpenAI's error replies, word for word where the reference (§5–§7) or public fixtures
# record them. Where nothing was captured the wording follows OpenAI's generic request
# validator ("Invalid value: …", "Missing required parameter: …"); such spots say so.
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_KEYS_URL = "https://platform.openai.com/account/api-keys"
_VERIFY_URL = "https://platform.openai.com/settings/organization/general"
_ROLES_HINT = (
    "Check that you have the correct role in your organization (Reader, Writer, Owner) and project "
    "(Member, Owner), and if you're using a restricted API key, that it has the necessary scopes."
)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


def json_reply(status: int, payload: object, headers: Mapping[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(payload).encode(), headers=dict(headers or {}))


def error(
    status: int,
    message: str,
    *,
    type: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
    with_param: bool = True,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    inner: dict[str, object] = {"message": message, "type": type}
    if with_param:
        inner["param"] = param
    inner["code"] = code
    return json_reply(status, {"error": inner}, headers)


def mask_key(key: str) -> str:
    # OpenAI quotes the first eight characters and the last four, starring the rest.
    if len(key) <= 12:
        return "*" * len(key)
    return key[:8] + "*" * (len(key) - 12) + key[-4:]


def quote_list(values: Iterable[str]) -> str:
    quoted = [f"'{v}'" for v in values]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + f", and {quoted[-1]}"


# --- authentication -------------------------------------------------------------------


def missing_api_key() -> Reply:
    return error(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header "
        "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank "
        "username) if you're accessing the API from your browser and are prompted for a username and "
        f"password. You can obtain an API key from {_KEYS_URL}.",
    )


def invalid_api_key(key: str) -> Reply:
    return error(
        401,
        f"Incorrect API key provided: {mask_key(key)}. You can find your API key at {_KEYS_URL}.",
        code="invalid_api_key",
    )


def mismatched_organization() -> Reply:
    return error(
        401,
        "OpenAI-Organization header should match organization for API key",
        code="mismatched_organization",
    )


def mismatched_project() -> Reply:
    return error(401, "OpenAI-Project header should match project for API key", code="mismatched_project")


def missing_scope(scope: str) -> Reply:
    # Observed as 401 with an {"error": {...}} object for model.request and api.model.read.
    return error(401, f"You have insufficient permissions for this operation. Missing scopes: {scope}. {_ROLES_HINT}")


def admin_missing_scope(scope: str) -> Reply:
    # The admin API answers non-admin keys with 403 and a bare string under "error".
    hint = _ROLES_HINT.replace("(Member, Owner)", "(Viewer, Member, Owner)")
    message = f"You have insufficient permissions for this operation. Missing scopes: {scope}. {hint}"
    return json_reply(403, {"error": message})


# --- models ---------------------------------------------------------------------------


def model_not_found(model: str) -> Reply:
    """§7.1: Chat Completions and most endpoints."""
    return error(404, f"The model `{model}` does not exist or you do not have access to it.", code="model_not_found")


def responses_model_not_found(model: str) -> Reply:
    """§7.2: the Responses API variant."""
    return error(400, f"The requested model '{model}' does not exist.", param="model", code="model_not_found")


def retrieve_not_found(model: str) -> Reply:
    """§6: GET /v1/models/{id}."""
    return error(404, f"The model '{model}' does not exist", param="model", code="model_not_found")


def project_denied(project_id: str, model: str) -> Reply:
    """§7.3."""
    return error(403, f"Project `{project_id}` does not have access to model `{model}`", code="model_not_found")


def model_shut_down(model: str) -> Reply:
    """§7.5 (the recorded body carries no `param`)."""
    return error(404, f"The model `{model}` has been deprecated", code="model_not_found", with_param=False)


def chat_model_on_completions() -> Reply:
    """§7.4a."""
    return error(
        404,
        "This is a chat model and not supported in the v1/completions endpoint. "
        "Did you mean to use v1/chat/completions?",
        param="model",
    )


def not_a_chat_model() -> Reply:
    """§7.4b."""
    return error(
        404,
        "This is not a chat model and thus not supported in the v1/chat/completions endpoint. "
        "Did you mean to use v1/completions?",
        param="model",
    )


def responses_only_model() -> Reply:
    """§7.4c (seen as 400 and as 404; 404 chosen, like a and b)."""
    return error(404, "This model is only supported in v1/responses and not in v1/chat/completions.", param="model")


def not_supported_by_responses(model: str) -> Reply:
    """§7.4d."""
    return error(400, f"The requested model '{model}' is not supported with the Responses API.", param="model")


def embeddings_not_allowed() -> Reply:
    return error(403, "You are not allowed to generate embeddings from this model")


def invalid_model_value(model: str, supported: Iterable[str]) -> Reply:
    # Not captured for images/speech/moderations/completions: OpenAI's enum-validator wording.
    return error(
        400,
        f"Invalid value: '{model}'. Supported values are: {quote_list(supported)}.",
        param="model",
        code="invalid_value",
    )


def verification_required(model: str, status: int) -> Reply:
    """§7.6: 404 on chat/responses, 403 on images; `code` varies in the wild, so none."""
    return error(
        status,
        f"Your organization must be verified to use the model `{model}`. Please go to: {_VERIFY_URL} and "
        "click on Verify Organization. If you just verified, it can take up to 15 minutes for access to "
        "propagate.",
    )


# --- billing and limits ---------------------------------------------------------------


def insufficient_quota() -> Reply:
    return error(
        429,
        "You exceeded your current quota, please check your plan and billing details. For more information "
        "on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
        type="insufficient_quota",
        code="insufficient_quota",
    )


def duration(seconds: float) -> str:
    """OpenAI's compact durations: `20s`, `1.5s`, `120ms`."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    return f"{seconds:g}s"


def rate_limit_headers(*, remaining_requests: int, reset_seconds: float) -> dict[str, str]:
    return {
        "x-ratelimit-limit-requests": "500",
        "x-ratelimit-remaining-requests": str(remaining_requests),
        "x-ratelimit-reset-requests": duration(reset_seconds),
        "x-ratelimit-limit-tokens": "200000",
        "x-ratelimit-remaining-tokens": "199990" if remaining_requests else "0",
        "x-ratelimit-reset-tokens": duration(reset_seconds) if not remaining_requests else "3ms",
    }


def rate_limited(model: str | None, org_id: str | None, retry_after: float) -> Reply:
    if model and org_id:
        message = (
            f"Rate limit reached for {model} in organization {org_id} on requests per min (RPM): "
            f"Limit 500, Used 500, Requested 1. Please try again in {duration(retry_after)}. "
            "Visit https://platform.openai.com/account/rate-limits to learn more."
        )
    else:
        message = (
            f"Rate limit reached for requests. Please try again in {duration(retry_after)}. "
            "Visit https://platform.openai.com/account/rate-limits to learn more."
        )
    headers = {
        "retry-after": f"{retry_after:g}",
        **rate_limit_headers(remaining_requests=0, reset_seconds=retry_after),
    }
    return error(429, message, type="requests", code="rate_limit_exceeded", headers=headers)


# --- server side ----------------------------------------------------------------------


def server_error() -> Reply:
    return error(
        500,
        "The server had an error while processing your request. Sorry about that!",
        type="server_error",
    )


def bad_gateway() -> Reply:
    html = (
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    return Reply(502, html.encode(), content_type="text/html")


def overloaded() -> Reply:
    return error(503, "The server is overloaded or not ready yet.", type="server_error")


# --- requests -------------------------------------------------------------------------


def invalid_url(method: str, path: str) -> Reply:
    return error(404, f"Invalid URL ({method} {path})")


def invalid_json_body() -> Reply:
    return error(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
        "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
        "valid JSON. If you have trouble figuring out how to fix this, please contact us through our "
        "help center at help.openai.com.)",
    )


def cannot_stream() -> Reply:
    # The emulator's own limitation, said plainly rather than answering JSON to an SSE reader.
    return error(400, "This OpenAI emulator does not stream; call without stream=True.", param="stream")


def missing_model() -> Reply:
    return error(400, "you must provide a model parameter")


def missing_parameter(name: str) -> Reply:
    return error(400, f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter")


def invalid_value(name: str, value: object, supported: Iterable[str]) -> Reply:
    return error(
        400,
        f"Invalid value: '{value}'. Supported values are: {quote_list(supported)}.",
        param=name,
        code="invalid_value",
    )


def invalid_type(name: str, expected: str) -> Reply:
    return error(400, f"Invalid type for '{name}': expected {expected}.", param=name, code="invalid_type")


def project_not_found(project_id: str) -> Reply:
    # Not captured from OpenAI; the status is what matters to callers.
    return error(404, f"Project with ID '{project_id}' not found.")


def permissions_not_found(project_id: str) -> Reply:
    # Only with World.unrestricted_permissions == "not_found"; wording is the emulator's own.
    return error(404, f"No model permissions are configured for project '{project_id}'.")
