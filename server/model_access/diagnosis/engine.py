"""The diagnosis engine: error text → parsed facts → one category with evidence and ordered fixes.

`diagnose_offline` is the pure, synchronous core (catalog plus optional injected
`LiveFacts`); `diagnose` adds the configured key's live facts when asked to. No key, token
or masked key in the input appears in any output string: the input is scrubbed before
parsing and every output string is scrubbed again.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from functools import lru_cache, partial
from typing import TYPE_CHECKING, TypeVar

import anyio.to_thread

from .. import judgment, redact
from ..catalog import Catalog, strip_provider
from ..catalog.ids import family_of
from ..endpoints import parse_endpoint
from ..errors import InvalidInput, UnknownEndpointError
from ..providers import PROFILES, profile  # (judgment imports providers already: no start-up cost)
from ..results import Alternative, Diagnosis, ErrorFacts, Fix, Suggestion
from ..vocab import MODEL_CATEGORIES
from .classify import Classification, LiveFacts, classify
from .fixes import build
from .parse import Parsed, context_model, looks_binary, parse, scrub, window

if TYPE_CHECKING:
    from ..state import AppState

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
    provider: str = "none",
) -> Diagnosis:
    """Diagnose an error text with the catalog and (optionally) injected live facts. Never raises
    on odd input except `InvalidInput` for empty text or an unknown endpoint spelling."""
    prepared = _prepare(catalog, error, model, endpoint)
    if isinstance(prepared, Diagnosis):
        return prepared
    parsed, verdict = prepared
    live: judgment.Facts | None = None
    if live_facts is not None and parsed.model:
        listing = (
            judgment.Listing("read", frozenset(live_facts.listed))
            if live_facts.listed is not None
            else judgment.Listing("not_checked")
        )
        policy = judgment.Policy("not_checked")
        permissions = live_facts.permissions
        if permissions is not None:
            policy = (
                judgment.Policy("no_policy", permissions.project_id, detail=permissions.source)
                if permissions.mode == "none"
                else judgment.Policy(
                    "read", permissions.project_id, mode=permissions.mode, model_ids=tuple(permissions.model_ids)
                )
            )
        live = judgment.offline_facts(catalog, parsed.model, parsed.endpoint, provider, listing=listing, policy=policy)
    return _conclude(catalog, parsed, verdict, provider, live)


# Answers to short texts already diagnosed offline. An editor or an assistant asks about the same
# pasted error again and again; the offline answer is a function of the text, the two hints, the
# catalog and its `today`, and the configured secrets (every output string is scrubbed of them), so
# those make the key. 128 answers to texts of at most 4 KiB (the server's inline limit, which is the
# only caller): about 0.8 MB when full (tracemalloc).
ANSWERS_MAX = 128
ANSWER_TEXT_MAX = 4 * 1024
_answers: OrderedDict[tuple[object, ...], Diagnosis] = OrderedDict()
_answers_lock = threading.Lock()


def diagnose_remembered(
    catalog: Catalog, error: str, model: str | None = None, endpoint: str | None = None
) -> Diagnosis:
    """`diagnose_offline(catalog, error, model=model, endpoint=endpoint)`, remembered for short
    texts. The answer may be shared with earlier and later callers: never change it in place
    (`model_copy(update=...)` makes a changed copy)."""
    if len(error) > ANSWER_TEXT_MAX or (model is not None and len(model) > 256) or (endpoint and len(endpoint) > 256):
        return diagnose_offline(catalog, error, model=model, endpoint=endpoint)
    key = (catalog, catalog.today, redact.generation(), error, model, endpoint)
    with _answers_lock:
        answer = _answers.get(key)
        if answer is not None:
            _answers.move_to_end(key)
            return answer
    answer = diagnose_offline(catalog, error, model=model, endpoint=endpoint)
    # Stored only if nothing in the key moved meanwhile (midnight, a secret registered).
    if catalog.today == key[1] and redact.generation() == key[2]:
        with _answers_lock:
            _answers[key] = answer
            if len(_answers) > ANSWERS_MAX:
                _answers.popitem(last=False)
    return answer


def forget_answers() -> None:
    with _answers_lock:
        _answers.clear()


def _prepare(
    catalog: Catalog, error: str, model: str | None, endpoint: str | None
) -> tuple[Parsed, Classification] | Diagnosis:
    """Parse and classify the text alone (no live facts)."""
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
            Classification("unknown", 0.05, ["the text looks binary (control characters), not an error message"]),
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
        parsed.model_given = parsed.model is not None
    if canonical and not parsed.endpoint:
        parsed.endpoint = canonical
    return parsed, classify(catalog, parsed, None)


# Text categories the judgment may re-decide from the facts about the model.
_JUDGED: frozenset[str] = MODEL_CATEGORIES | {"client_misconfigured", "invalid_request"}
# Rules that may overrule a text category outside MODEL_CATEGORIES: the API's own "does not
# exist" for an id that is not an id (a provider prefix, other case) is about the id.
_ID_RULES = frozenset({"not_an_exact_id", "not_an_id", "provider_id", "unknown_id", "no_deployment"})
_JUDGMENT_FIXES = frozenset(
    {
        "azure_deployment_not_found",
        "unknown_model_name",
        "model_retired",
        "project_access_denied",
        "account_access_denied",
        "fine_tune_scope",
        "wrong_endpoint",
    }
)


def _conclude(
    catalog: Catalog,
    parsed: Parsed,
    verdict: Classification,
    provider: str,
    live: judgment.Facts | None,
    admin_tools: bool = False,
) -> Diagnosis:
    """The text's verdict, re-decided by the judgment where the model is the question."""
    answered_by = _answered_by(parsed, provider)
    if answered_by != provider:
        # The text says another provider answered: its ids and its fixes apply, and live facts
        # about the configured provider say nothing about that call.
        provider, live = answered_by, None
    if not parsed.model or verdict.category not in _JUDGED:
        ids = [s.id for s in _text_suggestions(catalog, verdict, parsed)] if provider in ("openai", "none") else []
        return _finish(verdict, parsed, _for_provider(build(catalog, verdict, parsed, ids), provider), ids)
    outcome = judgment.Outcome(
        "error", False, verdict.category, parsed.status, parsed.flat[:300], project_id=parsed.project_id
    )
    facts = judgment.offline_facts(
        catalog,
        parsed.model,
        parsed.endpoint,
        provider,
        outcome=outcome,
        listing=live.listing if live is not None else None,
        retrieval=live.retrieval if live is not None else None,
        policy=live.policy if live is not None else None,
    )
    checked_live = facts.listing.state == "read" or facts.policy.state in ("read", "no_policy")
    decision = judgment.decide(facts)
    text_category = verdict.category
    if decision.category is not None and decision.category != text_category:
        if _may_overrule(text_category, decision.rule, parsed, verdict.confidence) and (
            checked_live or decision.rule in _ID_RULES
        ):
            # Live facts decide. Without them only the id itself (a prefix, other case, no such id)
            # overrules the text's own reading, which already weighed the catalog.
            confidence = 0.95 if checked_live else max(0.85, verdict.confidence - 0.05)
            if not checked_live and not parsed.model_from_message and not parsed.model_given:
                confidence = 0.75  # the id was read around the error (a config line, a label), not in it
            elif not checked_live and _elsewhere_id(decision.rule, parsed):
                confidence = min(confidence, 0.75)  # OpenAI's catalog knows nothing of another provider's ids
            verdict = Classification(
                decision.category,
                confidence,
                [decision.cause, *verdict.evidence],
                alternatives=[(text_category, min(0.5, verdict.confidence)), *verdict.alternatives],
                resolved=verdict.resolved,
                checked_live=checked_live,
            )
    elif decision.category == text_category:
        # "The error states the cause" only repeats the text's own evidence.
        restates = decision.rule == "call_stated" or decision.cause in verdict.evidence
        evidence = verdict.evidence if restates else [decision.cause, *verdict.evidence]
        confidence = max(verdict.confidence, 0.95) if checked_live else verdict.confidence
        verdict = Classification(
            verdict.category,
            confidence,
            evidence,
            alternatives=verdict.alternatives,
            resolved=verdict.resolved,
            checked_live=checked_live or verdict.checked_live,
        )
    elif checked_live:
        verdict.evidence.insert(0, decision.cause)
        verdict.checked_live = True
    if facts.profile.catalog != "all":
        # The text classifier reads ids against OpenAI's catalog; at this provider its listing decides.
        verdict.evidence = [e for e in verdict.evidence if not _CATALOG_WORDS.search(e)]
    if live is not None:
        verdict.evidence.extend(e for e in facts.evidence() if "policy" in e.lower() or "model list" in e)
    category = verdict.category
    suggested: list[Suggestion] = []
    if (category in MODEL_CATEGORIES or category == "azure_deployment_not_found") and category not in (
        "organization_verification_required",
        "fine_tune_scope",
    ):
        suggested = _replacements(catalog, facts)
        if category == "wrong_endpoint":
            suggested = suggested[:3]
    note = judgment.soon_note(facts)
    if note:
        verdict.note = (verdict.note + " " + note).strip()
    if category in _JUDGMENT_FIXES and (category != "azure_deployment_not_found" or provider == "azure"):
        decided = judgment.Decision(decision.rule, decision.verdict, category, decision.cause)
        fixes = judgment.fixes(decided, facts, suggested, admin_tools=admin_tools)
    else:
        fixes = build(catalog, verdict, parsed, [s.id for s in suggested])
    meant = next((x.id for x in suggested if x.reason.startswith(("the id meant", "closest id", "the id "))), None)
    return _finish(verdict, parsed, _for_provider(fixes, provider), [s.id for s in suggested], meant=meant)


def _for_provider(fixes: list[Fix], provider: str) -> list[Fix]:
    """Another provider's error is fixed at that provider: no OpenAI console page, no switch to OpenAI."""
    if provider in ("openai", "none"):
        return fixes
    p = profile(provider)
    out: list[Fix] = []
    for fix in fixes:
        if (fix.url or "").startswith("https://platform.openai.com"):
            fix = fix.model_copy(update={"url": p.keys_url if "key" in fix.title.lower() else p.fix_url})
        if "api.openai.com" in (fix.code or "") or "api.openai.com" in fix.detail:
            continue
        out.append(fix)
    return out


_CATALOG_WORDS = re.compile(r"catalog|OpenAI model id|current \(|current model", re.IGNORECASE)


def _answered_by(parsed: Parsed, configured: str) -> str:
    """The provider whose answer the text is: the one it names, else the configured one."""
    named = parsed.provider
    if named and named in PROFILES and named != configured and named != "openai":
        return named
    return configured


def _may_overrule(text_category: str, rule: str, parsed: Parsed, confidence: float = 0.0) -> bool:
    """Whether the judgment's category replaces what the text itself says."""
    if rule in _ID_RULES:
        # An id that is not an id explains a "does not exist" (or a project refusal of that id),
        # not a message that states another cause ("not supported with a ChatGPT account", "does
        # not work with your current plan": a phrase only that cause produces, ≥ 0.9).
        if confidence >= 0.9 and text_category not in ("unknown_model_name", "project_access_denied"):
            return False
        return _says_not_found(parsed) or text_category == "project_access_denied"
    if rule == "shut_down":
        # OpenAI's lifecycle decides OpenAI's own ambiguous "does not exist" only; a relay's or a
        # proxy's "model not found" for an old name is about that server's list, not OpenAI's.
        return text_category in MODEL_CATEGORIES and _openai_not_found(parsed)
    return text_category in MODEL_CATEGORIES


def _elsewhere_id(rule: str, parsed: Parsed) -> bool:
    """An id of no OpenAI family that another server, in its own words, did not find: "OpenAI's
    catalog does not know it" says nothing of why that server refused it (retired there, a typo,
    not served)."""
    return rule == "not_an_id" and family_of(parsed.model or "") == "other" and not _openai_not_found(parsed)


def _openai_not_found(parsed: Parsed) -> bool:
    flat = parsed.flat.lower()
    return parsed.error_code == "model_not_found" or "does not exist" in flat or "has been deprecated" in flat


def _says_not_found(parsed: Parsed) -> bool:
    """The text says the model was not found (not a page, a route or a file)."""
    flat = parsed.flat.lower()
    return parsed.error_code == "model_not_found" or _MODEL_NOT_FOUND.search(flat) is not None


_MODEL_NOT_FOUND = re.compile(
    r"does not exist|invalid model|not a valid model|deploymentnotfound|no endpoints found"
    r"|model[^.\n]{0,60}?not found|not found(?![^.\n]{0,8}path)[^.\n]{0,20}?model"
)  # a web framework's 404 body ({"error":"Not Found","path":"/v1/models/…"}) is a route, not a model


def _text_suggestions(catalog: Catalog, verdict: Classification, parsed: Parsed) -> list[Suggestion]:
    """Replacements for a diagnosis the judgment did not decide (the model is not the question)."""
    if not parsed.model or verdict.category not in MODEL_CATEGORIES:
        return []
    facts = judgment.offline_facts(catalog, parsed.model, parsed.endpoint, "none")
    return _replacements(catalog, facts)


def _replacements(catalog: Catalog, facts: judgment.Facts) -> list[Suggestion]:
    """judgment.replacements, remembered where nothing but the catalog and the id decides them
    (OpenAI's ids, no live facts): the same id is diagnosed again and again."""
    live = facts.listing.state == "read" or facts.policy.state in ("read", "no_policy")
    if live or facts.provider not in ("openai", "none") or len(facts.written) > 200:
        return judgment.replacements(catalog, facts, limit=5)
    return list(_offline_replacements(catalog, catalog.today, facts.written, facts.endpoint, facts.provider))


@lru_cache(maxsize=4096)
def _offline_replacements(
    catalog: Catalog, today: date, written: str, endpoint: str | None, provider: str
) -> tuple[Suggestion, ...]:
    # `today` is part of the key: a long-running server's catalog moves on with the clock.
    facts = judgment.offline_facts(catalog, written, endpoint, provider)
    return tuple(judgment.replacements(catalog, facts, limit=5))


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


def _finish(
    verdict: Classification,
    parsed: Parsed,
    fixes: list[Fix],
    suggested: list[str],
    summary: str | None = None,
    meant: str | None = None,
) -> Diagnosis:
    model = parsed.model
    label = model or "the model"
    if summary is None:
        summary = _SUMMARY[verdict.category].format(m=label)
        if verdict.category == "unknown_model_name" and meant and suggested and meant != suggested[0]:
            summary += f" (did you mean {meant}? It shuts down soon: use {suggested[0]})"
        elif verdict.category == "unknown_model_name" and suggested:
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
        fixes=[_scrubbed_fix(f) for f in fixes],
        alternatives=[Alternative(category=c, confidence=max(0.0, min(1.0, p))) for c, p in verdict.alternatives],
        suggested_models=[scrub(m) for m in suggested],
        checked_live=verdict.checked_live,
    )


def _scrubbed_fix(fix: Fix) -> Fix:
    """The fix with its texts scrubbed: the same object when scrubbing changes none of them (most
    fixes are the engine's own words), a new one otherwise."""
    title, detail = scrub(fix.title), scrub(fix.detail)
    code = scrub(fix.code) if fix.code else None
    if type(fix) is Fix and title == fix.title and detail == fix.detail and code == fix.code:
        return fix
    return Fix(title=title, detail=detail, url=fix.url, code=code)


def _s(value: str | None) -> str | None:
    return scrub(value) if value else None


async def diagnose(
    state: AppState, error: str, model: str | None = None, endpoint: str | None = None, live: bool = True
) -> Diagnosis:
    """Diagnose with the catalog, then decide model-access causes with the key's live facts."""
    catalog: Catalog = state.catalog
    config = state.config
    prepared = await _off_loop(partial(_prepare, catalog, error, model, endpoint), error)
    if isinstance(prepared, Diagnosis):
        return prepared
    parsed, verdict = prepared
    admin_tools = config.admin_unavailable is None
    facts: judgment.Facts | None = None
    same_provider = _answered_by(parsed, config.profile.name) == config.profile.name
    if live and config.has_key and same_provider and parsed.model and verdict.category in _JUDGED:
        facts = await judgment.gather(
            config, catalog, state.live, parsed.model, parsed.endpoint, project_id=parsed.project_id
        )
    return _conclude(catalog, parsed, verdict, config.profile.name, facts, admin_tools=admin_tools)


_T = TypeVar("_T")


async def _off_loop(work: Callable[[], _T], error: str) -> _T:
    """A long paste is parsed in a worker thread, so that it never stalls the other calls; a
    screenful (a fraction of a millisecond) runs in place, where the thread hop would cost more."""
    if len(error) <= 16_384:
        return work()
    return await anyio.to_thread.run_sync(work)
