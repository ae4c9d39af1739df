"""Error text → parsed facts → one category with evidence and ordered fixes.

`diagnose_offline` is the pure, synchronous core (catalog plus optional injected
`LiveFacts`); `diagnose` adds the configured key's live facts when asked to. No key, token
or masked key in the input appears in any output string: the input is scrubbed before
parsing and every output string is scrubbed again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

import anyio.to_thread

from ..catalog import Catalog, strip_provider
from ..endpoints import UnknownEndpointError, parse_endpoint
from ..errors import InvalidInput, ModelAccessError
from ..results import Alternative, Diagnosis, ErrorFacts, Fix
from .classify import LiveFacts, Verdict, classify
from .fixes import MODEL_CATEGORIES, build, suggestions
from .parse import Parsed, context_model, looks_binary, parse, scrub, window

__all__ = ["LiveFacts", "diagnose", "diagnose_offline"]

_EMPTY = (
    "error is empty: paste the full error text — the HTTP status and the JSON body "
    "({'error': {'message', 'type', 'param', 'code'}}) or the exception line and traceback."
)

_SUMMARY: dict[str, str] = {
    "unknown_model_name": "{m} is not a model id the API knows",
    "model_retired": "{m} has been shut down",
    "project_access_denied": "The project is not allowed to use {m}",
    "account_access_denied": "Your key's organization/project cannot use {m}",
    "organization_verification_required": "Your organization must be verified to use {m}",
    "wrong_endpoint": "{m} is not served by the endpoint that was called",
    "fine_tune_scope": "The fine-tuned model {m} is not visible to this key",
    "invalid_api_key": "The API key is missing or invalid",
    "key_permission_denied": "The API key lacks a required permission scope",
    "insufficient_quota": "The account has run out of quota (billing)",
    "rate_limited": "The request hit a rate limit",
    "context_length_exceeded": "The request exceeds the model's context window",
    "unsupported_parameter": "A parameter or value is not supported by {m}",
    "invalid_request": "The request body is malformed",
    "client_misconfigured": "The client is misconfigured (base URL, organization/project header, SDK or key type)",
    "azure_deployment_not_found": "The Azure deployment does not exist",
    "region_not_supported": "The API is not available from this country or region",
    "connection_error": "The client could not connect to the API",
    "server_error": "The API had a server-side error",
    "unknown": "No known model-access cause was recognised",
}

_EXPLAIN: dict[str, str] = {
    "unknown_model_name": "The API answers 'does not exist' for ids it does not know; the id is misspelled, "
    "belongs to another provider, or was never an OpenAI model.",
    "model_retired": "Shut-down models answer model_not_found (or 'has been deprecated'); no key can call them. "
    "Switch to the replacement.",
    "project_access_denied": "The model exists, but the project's model allow/deny list (Project → Limits → Model "
    "usage) excludes it. The code is model_not_found even though the model exists.",
    "account_access_denied": "The model exists and is current, so 'does not exist or you do not have access' means "
    "your organization or project cannot use it (staged roll-out, access program, project restriction, or a key "
    "from another organization).",
    "organization_verification_required": "Some models (and streaming or reasoning summaries) need a verified "
    "organization.",
    "wrong_endpoint": "Each model serves specific endpoints; the call went to one it does not serve.",
    "fine_tune_scope": "Fine-tuned models are private to the organization (and project) that trained them, and "
    "stop working when their base model shuts down.",
    "invalid_api_key": "The key is missing, mistyped, revoked, or belongs to another provider.",
    "key_permission_denied": "A restricted key must carry the scope the call needs (e.g. model.request, "
    "api.responses.write).",
    "insufficient_quota": "This 429 is about billing, not speed: retrying does not help until credit is added.",
    "rate_limited": "Requests or tokens per minute exceeded the limits of the organization's usage tier.",
    "context_length_exceeded": "Prompt plus requested output are longer than the model accepts.",
    "unsupported_parameter": "Reasoning models reject some classic parameters (max_tokens, temperature, system role…).",
    "invalid_request": "The request is not shaped the way the API expects.",
    "client_misconfigured": "The request never reached a valid OpenAI endpoint with matching credentials.",
    "azure_deployment_not_found": "On Azure OpenAI, model= names your deployment, which must exist on the resource.",
    "region_not_supported": "OpenAI blocks requests from unsupported countries and regions.",
    "connection_error": "No HTTP response was received; this is a network or base-URL problem, not a model one.",
    "server_error": "A 5xx error from the server; retrying with backoff usually works.",
    "unknown": "The text does not contain a recognisable OpenAI API error.",
}


def diagnose_offline(
    catalog: Catalog,
    error: str,
    model: str | None = None,
    endpoint: str | None = None,
    live_facts: LiveFacts | None = None,
) -> Diagnosis:
    """Diagnose an error text with the catalog and (optionally) injected live facts. Never raises
    on odd input except `InvalidInput` for empty text or an unknown endpoint spelling."""
    if error is None or not error.strip():
        raise InvalidInput(_EMPTY)
    canonical: str | None = None
    if endpoint:
        try:
            canonical = parse_endpoint(endpoint)
        except UnknownEndpointError as exc:
            raise InvalidInput(str(exc)) from None
    text = scrub(window(error))
    if looks_binary(text):
        return _finish(
            Verdict("unknown", 0.05, ["the text looks binary (control characters), not an error message"]),
            Parsed(text="", flat=""),
            [],
            [],
            summary="The text looks like binary data, not an error message",
        )
    parsed = parse(text)
    if parsed.model is None:
        parsed.model = context_model(parsed.text, parsed.flat, lambda s: _known(catalog, s))

    if parsed.model is None and model:
        parsed.model = model.strip()[:200] or None
        parsed.model_from_message = False
    if parsed.model:
        parsed.model = _tidy_model(catalog, parsed.model)
    if canonical and not parsed.endpoint:
        parsed.endpoint = canonical
    verdict = classify(catalog, parsed, live_facts)
    suggested = suggestions(catalog, verdict, parsed, live_facts)
    fixes = build(catalog, verdict, parsed, suggested)
    return _finish(verdict, parsed, fixes, suggested)


@lru_cache(maxsize=65536)
def _known(catalog: Catalog, written: str) -> str | None:
    """The id as written (minus provider prefix) when the catalog knows it exactly."""
    if not written or len(written) > 120:
        return None
    stripped, _ = strip_provider(written)
    if stripped in catalog:
        return stripped
    if "/" in stripped:
        last = stripped.rsplit("/", 1)[1]
        if last in catalog:
            return last
    return None


def _tidy_model(catalog: Catalog, written: str) -> str:
    stripped, _ = strip_provider(written)
    if "/" in stripped and not stripped.startswith("ft:"):
        last = stripped.rsplit("/", 1)[1]
        if catalog.resolve(last).record is not None:
            return last
    return stripped or written


def _finish(
    verdict: Verdict,
    parsed: Parsed,
    fixes: list[Fix],
    suggested: list[str],
    summary: str | None = None,
) -> Diagnosis:
    model = parsed.model
    label = model or "the model"
    if summary is None:
        summary = _SUMMARY[verdict.category].format(m=label)
        if verdict.category == "unknown_model_name" and suggested:
            summary += f" (did you mean {suggested[0]}?)"
        elif verdict.category == "model_retired" and suggested:
            summary += f"; use {suggested[0]}"
    explanation = _EXPLAIN[verdict.category]
    if verdict.note:
        explanation += " " + verdict.note
    if not verdict.checked_live and verdict.category in MODEL_CATEGORIES:
        explanation += " (Decided from the bundled catalog, without live facts from your key.)"
    facts = ErrorFacts(
        status=parsed.status,
        error_code=_s(parsed.error_code),
        error_type=_s(parsed.error_type),
        model=_s(model),
        project_id=_s(parsed.project_id),
        organization_id=_s(parsed.organization_id),
        request_id=_s(parsed.request_id),
        endpoint=parsed.endpoint,
        param=_s(parsed.param),
    )
    return Diagnosis(
        category=verdict.category,
        confidence=max(0.0, min(1.0, verdict.confidence)),
        summary=scrub(summary),
        explanation=scrub(explanation),
        facts=facts,
        evidence=[scrub(e)[:400] for e in verdict.evidence if e],
        fixes=[
            Fix(
                title=scrub(f.title),
                detail=scrub(f.detail),
                url=f.url,
                code=scrub(f.code) if f.code else None,
            )
            for f in fixes
        ],
        alternatives=[Alternative(category=c, confidence=max(0.0, min(1.0, p))) for c, p in verdict.alternatives],
        suggested_models=[scrub(m) for m in suggested],
        checked_live=verdict.checked_live,
    )


def _s(value: str | None) -> str | None:
    return scrub(value) if value else None


_LIVE_CATEGORIES = frozenset(
    {"unknown_model_name", "model_retired", "project_access_denied", "account_access_denied", "fine_tune_scope"}
)


async def diagnose(
    state: Any, error: str, model: str | None = None, endpoint: str | None = None, live: bool = True
) -> Diagnosis:
    """Diagnose with the catalog, then confirm model-access causes with the key's live facts."""
    catalog: Catalog = state.catalog
    first = await _off_loop(partial(diagnose_offline, catalog, error, model=model, endpoint=endpoint), error)
    if not live or not state.config.has_key or first.category not in _LIVE_CATEGORIES or not first.facts.model:
        return first
    listed: set[str] | None = None
    permissions = None
    try:
        listed = await state.live.listed_ids()
    except ModelAccessError:
        listed = None
    project = first.facts.project_id or state.config.project
    if project:
        try:
            permissions = await state.live.get_permissions(project)
        except ModelAccessError:
            permissions = None
    if listed is None and permissions is None:
        return first
    facts = LiveFacts(listed=listed, permissions=permissions)
    return await _off_loop(
        partial(diagnose_offline, catalog, error, model=model, endpoint=endpoint, live_facts=facts), error
    )


async def _off_loop(work: Callable[[], Diagnosis], error: str) -> Diagnosis:
    """A long paste is diagnosed in a worker thread, so that it never stalls the other calls; a
    screenful (a fraction of a millisecond) runs in place, where the thread hop would cost more."""
    if len(error) <= 16_384:
        return work()
    return await anyio.to_thread.run_sync(work)
