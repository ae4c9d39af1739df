"""Ordered fixes (console pages, exact code changes, replacement models) for each category."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..catalog import Catalog
from ..console import API_KEYS, BILLING, COUNTRIES, GENERAL, STATUS, limits_url
from ..endpoints import ENDPOINTS, recommended_endpoint
from ..errors import ModelAccessError
from ..judgment import fine_tune_fixes
from ..results import Fix
from ..suggest import suggest_replacement
from ..vocab import MODEL_CATEGORIES, Category
from .classify import Classification, LiveFacts
from .parse import Parsed


def sdk_call(endpoint: str | None, model: str) -> str:
    name = endpoint if endpoint is not None and endpoint in ENDPOINTS else "responses"
    return ENDPOINTS[name].sdk_call.replace("model=...", f'model="{model}"', 1)


@lru_cache(maxsize=2048)
def _suggest(
    catalog: Catalog, today: date, model: str, endpoint: str | None, listed: frozenset[str] | None
) -> tuple[str, ...]:
    # `today` is part of the key: a long-running server's catalog moves on with the clock.
    accessible: Callable[[str], bool | None] | None = None
    if listed is not None:
        frozen = listed

        def accessible(mid: str) -> bool | None:
            return mid in frozen

    try:
        advice = suggest_replacement(catalog, model, endpoint, limit=5, accessible=accessible)
    except ModelAccessError:  # a malformed id must never break a diagnosis
        return ()
    return tuple(s.id for s in advice.suggestions)


def suggestions(catalog: Catalog, verdict: Classification, parsed: Parsed, live: LiveFacts | None) -> list[str]:
    if verdict.category not in MODEL_CATEGORIES or not parsed.model:
        return []
    if verdict.category in ("organization_verification_required", "fine_tune_scope"):
        return []
    listed = frozenset(live.listed) if live is not None and live.listed is not None else None
    model = verdict.resolved if verdict.category == "wrong_endpoint" and verdict.resolved else parsed.model
    endpoint = parsed.endpoint
    if verdict.category == "wrong_endpoint":
        # Models that serve the endpoint that was called; the fix may also be to change the call.
        return list(_suggest(catalog, catalog.today, model, endpoint, listed))[:3]
    found = list(_suggest(catalog, catalog.today, model, endpoint, listed))
    if listed is not None:
        found = [m for m in found if m in listed] or found
    return found[:5]


@dataclass(frozen=True)
class _Case:
    """What the fixes of one diagnosis are made from."""

    catalog: Catalog
    verdict: Classification
    parsed: Parsed
    suggested: list[str]

    @property
    def model(self) -> str:
        return self.parsed.model or "MODEL"

    @property
    def best(self) -> str | None:
        return self.suggested[0] if self.suggested else None

    @property
    def endpoint(self) -> str | None:
        return self.parsed.endpoint

    def use(self, words: Callable[[str], tuple[str, str]]) -> list[Fix]:
        """A fix that switches to the best suggestion (none without one); `words(id)` gives its title
        and detail."""
        if self.best is None:
            return []
        title, detail = words(self.best)
        return [Fix(title=title, detail=detail, code=sdk_call(self.endpoint, self.best))]


def _unknown_model_name(case: _Case) -> list[Fix]:
    fixes: list[Fix] = []
    add = fixes.append
    suggested = case.suggested
    model = case.model
    fixes += case.use(
        lambda m: (
            f"Use a real model id: {m}",
            f"{model!r} is not a model id the API knows. Closest real ids: {', '.join(suggested[:3])}.",
        )
    )
    add(
        Fix(
            title="List the ids your key can call",
            detail="Compare against the exact ids the API returns.",
            code="[m.id for m in client.models.list()]",
        )
    )
    add(
        Fix(
            title="Check the provider and base URL",
            detail="Ids of other providers (Groq, OpenRouter, Ollama…) only work against that provider's base URL.",
        )
    )
    return fixes


def _model_retired(case: _Case) -> list[Fix]:
    fixes: list[Fix] = []
    add = fixes.append
    model = case.model
    fixes += case.use(
        lambda m: (
            f"Switch to {m}",
            f"{model} is shut down and no longer accepts requests; {m} is the recommended replacement.",
        )
    )
    add(
        Fix(
            title="Find every place the old id is used",
            detail="Run `model-access scan .` (or scan_model_references) and fix them with `model-access fix . --apply`.",
        )
    )
    return fixes


def _project_access_denied(case: _Case) -> list[Fix]:
    fixes: list[Fix] = []
    add = fixes.append
    parsed = case.parsed
    model = case.model
    add(
        Fix(
            title="Allow the model in the project's limits",
            detail=f"An organization owner can allow {model} under Project → Limits → Model usage.",
            url=limits_url(parsed.project_id),
        )
    )
    add(
        Fix(
            title="Or change the allow-list with an admin key",
            detail="update_project_model_permissions shows the plan and changes it only after the user approves.",
            code=f'update_project_model_permissions(project_id="{parsed.project_id or "proj_..."}", allow=["{model}"])',
        )
    )
    fixes += case.use(lambda m: (f"Or use a model the project allows: {m}", "A model your key can call."))
    return fixes


def _account_access_denied(case: _Case) -> list[Fix]:
    fixes: list[Fix] = []
    add = fixes.append
    parsed = case.parsed
    add(
        Fix(
            title="Check which models your key can call",
            detail="List models with the same key; if the model is missing, your organization or project has "
            "no access (staged roll-out, tier, project restriction).",
            code="[m.id for m in client.models.list()]",
        )
    )
    add(
        Fix(
            title="Check the project's model limits",
            detail="A project allow-list can hide the model.",
            url=limits_url(parsed.project_id),
        )
    )
    add(
        Fix(
            title="Check the key's organization and project",
            detail="Make sure the key belongs to the organization/project that has access.",
            url=API_KEYS,
        )
    )
    fixes += case.use(lambda m: (f"Or use {m}", "A current model that serves the same endpoint."))
    return fixes


def _wrong_endpoint(case: _Case) -> list[Fix]:
    fixes: list[Fix] = []
    add = fixes.append
    catalog = case.catalog
    verdict = case.verdict
    model = case.model
    endpoint = case.endpoint
    record = catalog.get(verdict.resolved) if verdict.resolved else None
    target = recommended_endpoint(record.endpoints) if record else None
    if target is None and endpoint == "chat.completions":
        target = "responses"
    if target is None and endpoint == "completions":
        target = "chat.completions"
    if target and target in ENDPOINTS:
        add(
            Fix(
                title=f"Call {target} instead of {endpoint or 'this endpoint'}",
                detail=f"{model} is served by {ENDPOINTS[target].http}.",
                code=sdk_call(target, model),
            )
        )
    fixes += case.use(lambda m: (f"Or keep the call and use {m}", f"{m} serves {endpoint or 'that endpoint'}."))
    return fixes


def _fine_tune_scope(case: _Case) -> list[Fix]:
    return list(fine_tune_fixes())


def _rate_limited(case: _Case) -> list[Fix]:
    fixes: list[Fix] = []
    add = fixes.append
    parsed = case.parsed
    add(
        Fix(
            title="Retry with exponential backoff",
            detail="The SDK retries 429s; raise max_retries.",
            code="client = OpenAI(max_retries=5)",
        )
    )
    add(
        Fix(
            title="Check the project's rate limits",
            detail="Limits depend on the usage tier.",
            url=limits_url(parsed.project_id),
        )
    )
    return fixes


def _unsupported_parameter(case: _Case) -> list[Fix]:
    fixes: list[Fix] = []
    add = fixes.append
    parsed = case.parsed
    param = (parsed.param or "").lower()
    flat = parsed.flat
    if "max_tokens" in param or "max_completion_tokens" in flat:
        add(
            Fix(
                title="Use max_completion_tokens instead of max_tokens",
                detail="Reasoning models (o-series, GPT-5.x, GPT-6.x) take max_completion_tokens on Chat "
                "Completions (max_output_tokens on Responses).",
                code="max_tokens=1000 → max_completion_tokens=1000",
            )
        )
    elif "temperature" in param or "'temperature'" in flat:
        add(
            Fix(
                title="Remove temperature (or set it to 1)",
                detail="This model only supports the default temperature.",
                code="# drop temperature=...",
            )
        )
    elif "role" in flat and "system" in flat:
        add(
            Fix(
                title="Use the developer role",
                detail="This model does not accept system messages.",
                code='{"role": "developer", "content": ...}',
            )
        )
    else:
        add(
            Fix(
                title=f"Remove or change {parsed.param or 'the unsupported parameter'}",
                detail="This model does not accept it; check the model's supported parameters.",
            )
        )
    return fixes


def _invalid_request(case: _Case) -> list[Fix]:
    fixes: list[Fix] = []
    add = fixes.append
    parsed = case.parsed
    add(
        Fix(
            title=f"Fix the request body{' at ' + parsed.param if parsed.param else ''}",
            detail="The API rejected the shape of the request; check types and required fields.",
        )
    )
    return fixes


def _client_misconfigured(case: _Case) -> list[Fix]:
    fixes: list[Fix] = []
    add = fixes.append
    parsed = case.parsed
    flat = parsed.flat.lower()
    if "organization" in flat or "project" in flat:
        add(
            Fix(
                title="Remove or correct the organization/project header",
                detail="Unset OPENAI_ORG_ID / OPENAI_PROJECT_ID or set them to the key's own ids.",
                url=API_KEYS,
            )
        )
    if "openai>=1.0.0" in flat or "apiremovedinv1" in flat or "openai migrate" in flat:
        add(
            Fix(
                title="Migrate to the openai>=1.0 client",
                detail="Run `openai migrate`, or pin openai==0.28.",
                code="client.chat.completions.create(model=..., messages=[...])",
            )
        )
    if "azure" in flat:
        add(
            Fix(
                title="Use the Azure client for an Azure key",
                detail="Azure keys only work at your resource.",
                code='AzureOpenAI(azure_endpoint="https://<resource>.openai.azure.com", api_version="2024-10-21")',
            )
        )
    add(
        Fix(
            title="Check the base URL",
            detail="It must end in /v1 and not include the endpoint path.",
            code='OpenAI(base_url="https://api.openai.com/v1")',
        )
    )
    return fixes


# Categories whose fixes depend on the case (the model, the suggestions, the parsed text).
_FIXES: dict[Category, Callable[[_Case], list[Fix]]] = {
    "unknown_model_name": _unknown_model_name,
    "model_retired": _model_retired,
    "project_access_denied": _project_access_denied,
    "account_access_denied": _account_access_denied,
    "wrong_endpoint": _wrong_endpoint,
    "fine_tune_scope": _fine_tune_scope,
    "rate_limited": _rate_limited,
    "unsupported_parameter": _unsupported_parameter,
    "invalid_request": _invalid_request,
    "client_misconfigured": _client_misconfigured,
}


# Categories whose fixes depend on nothing but the category, first to last.
_STATIC_FIXES: dict[Category, tuple[Fix, ...]] = {
    "organization_verification_required": (
        Fix(
            title="Verify your organization",
            detail="Click Verify Organization; access can take up to 15 minutes to propagate.",
            url=GENERAL,
        ),
        Fix(
            title="Meanwhile, turn off streaming or reasoning summaries",
            detail="Unverified organizations can often call the model without stream=True / reasoning summaries.",
            code="stream=False",
        ),
    ),
    "invalid_api_key": (
        Fix(
            title="Create or copy a valid API key",
            detail="Set it as OPENAI_API_KEY; never paste it in issues.",
            url=API_KEYS,
            code='export OPENAI_API_KEY="sk-..."',
        ),
        Fix(
            title="Check the base URL",
            detail="A key for another provider (or Azure) is refused by api.openai.com, and vice versa.",
        ),
    ),
    "key_permission_denied": (
        Fix(
            title="Give the restricted key the missing scope",
            detail="Edit the key's permissions (e.g. Model capabilities → Write for model.request / "
            "api.responses.write), or use a key with All permissions.",
            url=API_KEYS,
        ),
    ),
    "insufficient_quota": (
        Fix(
            title="Add credit or raise the budget",
            detail="The organization has no quota left; new keys do not help.",
            url=BILLING,
        ),
    ),
    "context_length_exceeded": (
        Fix(title="Shorten the input", detail="Trim history, chunk documents or summarise before sending."),
        Fix(title="Or use a model with a larger context window", detail="e.g. a current GPT-5.x/6.x model."),
    ),
    "azure_deployment_not_found": (
        Fix(
            title="Use your deployment name as the model",
            detail="On Azure, model= is the deployment name you "
            "created, not the OpenAI model id; new deployments take a few minutes.",
            code='client.chat.completions.create(model="<your-deployment-name>", messages=[...])',
        ),
        Fix(
            title="Check the endpoint and api-version",
            detail="The deployment must exist on this resource.",
            code='AzureOpenAI(azure_endpoint="https://<resource>.openai.azure.com", api_version="2024-10-21")',
        ),
    ),
    "region_not_supported": (
        Fix(
            title="Call from a supported country or region",
            detail="The API refuses requests from unsupported locations (including proxies and servers there).",
            url=COUNTRIES,
        ),
    ),
    "connection_error": (
        Fix(
            title="Check network, proxy and base URL",
            detail="The client never got an HTTP answer: DNS, "
            "firewall, proxy (HTTPS_PROXY) or a local server that is not running.",
            code='OpenAI(base_url="https://api.openai.com/v1", timeout=60, max_retries=3)',
        ),
    ),
    "server_error": (
        Fix(title="Retry later with backoff", detail="A server-side failure; check the status page.", url=STATUS),
    ),
}
_UNKNOWN_FIXES: tuple[Fix, ...] = (
    Fix(
        title="Paste the full error",
        detail="Include the HTTP status and the JSON error body "
        "(message, type, code), e.g. from `except openai.APIStatusError as e: print(e.status_code, e.body)`.",
    ),
)


def build(catalog: Catalog, verdict: Classification, parsed: Parsed, suggested: list[str]) -> list[Fix]:
    """The ordered fixes for a diagnosis (the first is what to do first)."""
    made = _FIXES.get(verdict.category)
    if made is not None:
        return made(_Case(catalog, verdict, parsed, suggested))
    # Copies: a caller may edit the fixes it is given.
    return [fix.model_copy() for fix in _STATIC_FIXES.get(verdict.category, _UNKNOWN_FIXES)]
