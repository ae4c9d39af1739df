"""Parsed facts → one category with confidence, evidence and ranked alternatives.

Each rule is a precompiled pattern over the normalized text with a base confidence; the
strongest signal wins and the others become alternatives. Model-access rules outrank
neighbouring errors in the same paste (a model error followed by a quota error is about
the model). The ambiguous "does not exist or you do not have access" is resolved with the
catalog and, when given, live facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

from ..catalog import Catalog, strip_provider
from ..results import Category, ProjectPermissions
from .parse import Parsed


@dataclass(frozen=True)
class LiveFacts:
    """Facts from the configured key, injected so the core stays pure and testable."""

    listed: set[str] | frozenset[str] | None = None
    permissions: ProjectPermissions | None = None


@dataclass
class Verdict:
    category: Category
    confidence: float
    evidence: list[str]
    alternatives: list[tuple[Category, float]] = field(default_factory=list)
    lifecycle: str | None = None  # of the model, when the catalog knows it
    resolved: str | None = None  # catalog id the model resolves to
    checked_live: bool = False
    note: str = ""


_R = re.IGNORECASE
# (category, confidence, pattern, evidence label)
_RULES: tuple[tuple[Category, float, re.Pattern[str], str], ...] = tuple(
    (cast(Category, cat), conf, re.compile(pat, _R), label)
    for cat, conf, pat, label in (
        (
            "azure_deployment_not_found",
            0.97,
            r"DeploymentNotFound|API deployment for this resource does not exist",
            "Azure says the deployment does not exist",
        ),
        (
            "model_retired",
            0.95,
            r"ModelDeprecated|deployment is deprecated and no longer available",
            "Azure says the deployment's model is retired (410)",
        ),
        (
            "wrong_endpoint",
            0.93,
            r"OperationNotSupported|operation does not work with the specified model",
            "Azure says the operation does not work with this model",
        ),
        (
            "region_not_supported",
            0.96,
            r"unsupported_country_region_territory|Country, region,? or territory not supported|"
            r"not (?:supported|available) in (?:this|your) region",
            "the API refuses requests from this country or region",
        ),
        (
            "organization_verification_required",
            0.96,
            r"organization must be verified",
            "the organization must be verified",
        ),
        (
            "key_permission_denied",
            0.95,
            r"Missing scopes?:|insufficient permissions for this operation",
            "the key lacks a required scope",
        ),
        (
            "project_access_denied",
            0.95,
            r"Project\s*[^\n]{0,60}?\s*does\s*not\s*have\s*access\s*to\s*model",
            "the project is not allowed to use the model",
        ),
        (
            "wrong_endpoint",
            0.95,
            r"This is a chat model and not supported in the v1/completions|not a chat model and thus not supported|"
            r"only supported in /?v1/responses|not supported with the Responses API",
            "the model does not serve the endpoint that was called",
        ),
        (
            "client_misconfigured",
            0.93,
            r"mismatched_organization|OpenAI-Organization header should match|no such organization|"
            r"invalid_organization|No such project|OpenAI-Project header",
            "the organization or project header does not match the key",
        ),
        (
            "client_misconfigured",
            0.93,
            r"APIRemovedInV1|no longer supported in openai>=1\.0\.0|openai migrate",
            "code written for openai<1.0 runs on a newer SDK",
        ),
        (
            "client_misconfigured",
            0.9,
            r"Invalid URL \((?:POST|GET|PUT|DELETE) ",
            "the request went to a path the API does not have (base URL or path mistake)",
        ),
        (
            "client_misconfigured",
            0.8,
            r"<title>404 Not Found</title>|\"error\":\s*\"Not Found\",\s*\"path\"|/v\d/v1/",
            "a plain 404 page, not an OpenAI error body: the base URL is wrong",
        ),
        (
            "account_access_denied",
            0.9,
            r"not supported when using Codex with a ChatGPT account|is not in the list of available models",
            "the account cannot use this model",
        ),
        (
            "unsupported_parameter",
            0.9,
            r"Unsupported parameter|Unsupported value|unsupported_parameter|unsupported_value|"
            r"is not supported with this model|Hosted tool \S{1,60} is not supported with|model_not_supported",
            "a parameter or value this model does not accept",
        ),
        (
            "context_length_exceeded",
            0.93,
            r"maximum context length|context_length_exceeded|context window",
            "the request is longer than the model's context window",
        ),
        (
            "invalid_api_key",
            0.92,
            r"Incorrect API key provided|invalid_api_key|api_key client option must be set|"
            r"OPENAI_API_KEY environment variable|invalid subscription key|Invalid Authentication|"
            r"You didn't provide an API key|No API key provided",
            "the API key is missing or wrong",
        ),
        (
            "insufficient_quota",
            0.8,
            r"exceeded your current quota|insufficient_quota|billing_hard_limit",
            "the account has no quota (billing) left",
        ),
        (
            "rate_limited",
            0.88,
            r"Rate limit reached|rate_limit_exceeded|Request too large for \S{1,80} in organization|Too Many Requests",
            "the request hit a rate limit",
        ),
        (
            "connection_error",
            0.82,
            r"APIConnectionError|Connection error|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|Request timed out|"
            r"APITimeoutError|Failed to establish a new connection|fetch failed|getaddrinfo|Connection reset|"
            r"Max retries exceeded with url|ConnectTimeout|ReadTimeout",
            "the client could not reach the server",
        ),
        (
            "server_error",
            0.78,
            r"server_error|server had an error|InternalServerError|Bad Gateway|Service Unavailable|"
            r"Internal Server Error|Gateway Time-?out",
            "the server failed",
        ),
        (
            "invalid_request",
            0.72,
            r"could not parse the JSON body|Invalid type for|Invalid value for|Invalid value:|invalid_request_body|"
            r"is not of type|Missing required parameter|Additional properties are not allowed",
            "the request body is malformed",
        ),
        (
            "unknown",
            0.6,
            r"flagged as potentially violating|rejected as a result of our safety system|invalid_prompt|"
            r"content_policy_violation|cyber_policy",
            "the prompt was refused by the safety system (not a model-access problem)",
        ),
    )
)


def _alternatives(pattern: str) -> list[str]:
    out, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def keywords(pattern: str) -> tuple[str, ...] | None:
    """Lower-case literal prefixes, one per top-level alternative; None when one has none."""
    words: list[str] = []
    for alt in _alternatives(pattern):
        lit: list[str] = []
        i = 0
        while i < len(alt):
            ch = alt[i]
            if ch == "\\" and i + 1 < len(alt) and alt[i + 1] in ".()[]-/{}*+?":
                lit.append(alt[i + 1])
                i += 2
                continue
            if ch.isalnum() or ch in " _,'/:<>\"=-":
                lit.append(ch)
                i += 1
                continue
            if ch in "?*{" and lit:
                lit.pop()
            break
        word = "".join(lit).lower()
        if len(word) < 3:
            return None
        words.append(word)
    return tuple(words)


_KEYWORDS = tuple(keywords(rule[2].pattern) for rule in _RULES)

_MODEL_MISSING = re.compile(
    r"does\s*not\s*exi|does\s*not\s*have\s*access|model[_ ]not[_ ]found|not\s+found|has been deprecated|"
    r"is not a valid model|not available for fine-tuning|is not supported when using",
    _R,
)
_NOT_EXIST = re.compile(r"does\s*not\s*exi", _R)
_DEPRECATED_MSG = re.compile(r"has been deprecated", _R)
_INVALID_ID_MSG = re.compile(r"is not a valid model ID|try pulling it first", _R)
_FT_MSG = re.compile(r"not a valid model for your organization|not available for fine-tuning", _R)
_AZURE = re.compile(r"openai\.azure\.com|\bAzure\b|api_type\s*=\s*[\"']azure", _R)
_OPENAI_KEY_MSG = re.compile(r"Incorrect API key provided", _R)
_TRUNC_PROJECT = re.compile(r"(?:^|\s)to model \S{1,120} \"?,?\s*\"?type", _R)


def is_fine_tune(model: str) -> bool:
    lowered = model.lower()
    return lowered.startswith("ft:") or ":ft-" in lowered


@lru_cache(maxsize=4096)
def _resolve(catalog: Catalog, model: str) -> tuple[str | None, str, str | None]:
    """(catalog id, match kind, lifecycle) for a model as written."""
    resolution = catalog.resolve(model)
    record = resolution.record
    if record is None:
        return None, "none", None
    return record.id, resolution.match, catalog.lifecycle(record)


def classify(catalog: Catalog, parsed: Parsed, live: LiveFacts | None) -> Verdict:
    flat = parsed.flat
    lower = flat.lower()
    hits: dict[Category, tuple[float, str]] = {}
    for (category, confidence, pattern, label), words in zip(_RULES, _KEYWORDS, strict=True):
        if words is not None and not any(w in lower for w in words):
            continue
        match = pattern.search(flat)
        if match and (category not in hits or hits[category][0] < confidence):
            hits[category] = (confidence, f"{label}: “{_snippet(flat, match)}”")
    code = (parsed.error_code or "").lower()
    if _OPENAI_KEY_MSG.search(flat) and _AZURE.search(flat):
        hits["client_misconfigured"] = (0.94, "an Azure key was sent to api.openai.com (the key is refused there)")
    if code and code == "insufficient_quota":
        hits.setdefault("insufficient_quota", (0.9, "error code insufficient_quota"))

    model = parsed.model
    resolved = lifecycle = None
    match_kind = "none"
    if model:
        resolved, match_kind, lifecycle = _resolve(catalog, model)

    # The ambiguous not-found family.
    model_missing = bool(model and parsed.model_from_message and _MODEL_MISSING.search(flat))
    if (
        "project_access_denied" not in hits
        and code == "model_not_found"
        and _TRUNC_PROJECT.search(flat)
        and not _NOT_EXIST.search(flat)
    ):
        hits["project_access_denied"] = (0.85, "a cut-off “does not have access to model” message with model_not_found")
        model_missing = False
    verdict_extra: Verdict | None = None
    if model and (model_missing or (code == "model_not_found" and not hits)):
        verdict_extra = _resolve_missing(catalog, parsed, model, resolved, match_kind, lifecycle, live)
        if verdict_extra is not None:
            cat, conf = verdict_extra.category, verdict_extra.confidence
            if cat not in hits or hits[cat][0] < conf:
                hits[cat] = (conf, verdict_extra.evidence[0] if verdict_extra.evidence else "")

    if not hits and parsed.status:
        hits.update(_by_status(parsed.status))
    if not hits and code:
        hits["invalid_request"] = (0.4, f"error code {code}")
    if not hits:
        return Verdict(
            "unknown", 0.2, ["no recognisable OpenAI error in the text"], resolved=resolved, lifecycle=lifecycle
        )

    ranked = sorted(hits.items(), key=lambda kv: -kv[1][0])
    category, (confidence, evidence) = ranked[0]
    evidence_list = [evidence] if evidence else []
    checked_live = False
    note = ""
    if verdict_extra is not None and verdict_extra.category == category:
        evidence_list = verdict_extra.evidence
        checked_live = verdict_extra.checked_live
        note = verdict_extra.note
    elif (
        category == "project_access_denied" and live is not None and live.permissions is not None and model and resolved
    ):
        # The project rule, confirmed with live permissions.
        checked_live = True
        allowed = _permitted(live.permissions, resolved, model)
        evidence_list.append(
            f"live project permissions ({live.permissions.mode}) "
            + ("exclude" if not allowed else "do not exclude")
            + f" {resolved}"
        )
    for label, value in (("status", parsed.status), ("code", parsed.error_code)):
        if value is not None:
            evidence_list.append(f"{label} {value}")
    if model and category not in _NON_MODEL:
        if resolved and resolved != model:
            evidence_list.append(f"model {model!r} matches catalog id {resolved} ({lifecycle})")
        elif resolved:
            evidence_list.append(f"catalog: {resolved} is {lifecycle}")
    alternatives = [(c, round(min(v[0], confidence) * 0.8, 3)) for c, v in ranked[1:4]]
    if verdict_extra is not None:
        for alt in verdict_extra.alternatives:
            if alt[0] != category and all(alt[0] != a[0] for a in alternatives):
                alternatives.append(alt)
    return Verdict(
        category,
        round(confidence, 3),
        evidence_list,
        alternatives=sorted(alternatives, key=lambda a: -a[1])[:4],
        lifecycle=lifecycle,
        resolved=resolved,
        checked_live=checked_live,
        note=note,
    )


_NON_MODEL: frozenset[Category] = frozenset(
    {
        "invalid_api_key",
        "insufficient_quota",
        "rate_limited",
        "connection_error",
        "server_error",
        "region_not_supported",
        "invalid_request",
        "unknown",
    }
)


def _permitted(permissions: ProjectPermissions, resolved: str, model: str) -> bool:
    ids = set(permissions.model_ids)
    named = resolved in ids or model in ids or strip_provider(model)[0] in ids
    if permissions.mode == "allow_list":
        return named
    if permissions.mode == "deny_list":
        return not named
    return True


def _resolve_missing(
    catalog: Catalog,
    parsed: Parsed,
    model: str,
    resolved: str | None,
    match_kind: str,
    lifecycle: str | None,
    live: LiveFacts | None,
) -> Verdict | None:
    flat = parsed.flat
    said = f"the error names model {model!r}"
    if is_fine_tune(model):
        return Verdict(
            "fine_tune_scope",
            0.9,
            [
                f"{said}, a fine-tuned model: fine-tunes are visible only to the "
                "organization (and project) that trained them"
            ],
            alternatives=[("account_access_denied", 0.3), ("model_retired", 0.2)],
        )
    if _FT_MSG.search(flat):
        return Verdict("fine_tune_scope", 0.8, [f"{said}: not valid for fine-tuning or for this organization"])
    if _DEPRECATED_MSG.search(flat):
        return Verdict(
            "model_retired",
            0.95,
            [f"{said}: “has been deprecated” (shut down)"],
            alternatives=[("unknown_model_name", 0.1)],
        )
    listed = live.listed if live is not None else None
    permissions = live.permissions if live is not None else None
    in_list: bool | None = None
    if listed is not None:
        in_list = model in listed or (resolved is not None and resolved in listed)
    invalid_id = bool(_INVALID_ID_MSG.search(flat))

    if in_list:
        if permissions is not None and resolved and not _permitted(permissions, resolved, model):
            return Verdict(
                "project_access_denied",
                0.9,
                [f"{said}; your key lists it, but the project's model permissions ({permissions.mode}) exclude it"],
                alternatives=[("account_access_denied", 0.3)],
                checked_live=True,
            )
        return Verdict(
            "client_misconfigured",
            0.55,
            [
                f"{said}, yet the configured key lists it: the failing call likely used another key, "
                "organization, project, base URL or endpoint"
            ],
            alternatives=[("account_access_denied", 0.35), ("wrong_endpoint", 0.25)],
            checked_live=True,
        )
    if resolved is None or invalid_id or match_kind in ("case", "tolerant"):
        why = "is not an OpenAI model id" if resolved is None else f"is not an exact id (did you mean {resolved}?)"
        if invalid_id:
            why = "is not a valid model id for this provider"
        conf = 0.9 if resolved is None else 0.88
        alts: list[tuple[Category, float]] = [("account_access_denied", 0.15)]
        if in_list is False:
            conf = min(0.97, conf + 0.05)
        return Verdict(
            "unknown_model_name", conf, [f"{said}, which {why}"], alternatives=alts, checked_live=listed is not None
        )
    if lifecycle == "shutdown":
        return Verdict(
            "model_retired",
            0.92,
            [f"{said}; catalog: {resolved} is shut down"],
            alternatives=[("account_access_denied", 0.15)],
            checked_live=listed is not None,
        )
    # A current model the caller cannot use.
    if permissions is not None and not _permitted(permissions, resolved, model):
        return Verdict(
            "project_access_denied",
            0.93,
            [f"{said}; the project's model permissions ({permissions.mode}) exclude {resolved}"],
            alternatives=[("account_access_denied", 0.4)],
            checked_live=True,
        )
    if in_list is False:
        return Verdict(
            "account_access_denied",
            0.93,
            [f"{said}; {resolved} is a current model but is not listed for your key"],
            alternatives=[("project_access_denied", 0.4), ("organization_verification_required", 0.2)],
            checked_live=True,
        )
    return Verdict(
        "account_access_denied",
        0.82,
        [f"{said}; {resolved} is a current ({lifecycle}) model, so the key's organization or project cannot use it"],
        alternatives=[
            ("project_access_denied", 0.4),
            ("organization_verification_required", 0.2),
            ("unknown_model_name", 0.1),
        ],
    )


def _by_status(status: int) -> dict[Category, tuple[float, str]]:
    table: dict[int, tuple[Category, float]] = {
        401: ("invalid_api_key", 0.5),
        403: ("account_access_denied", 0.35),
        404: ("client_misconfigured", 0.35),
        429: ("rate_limited", 0.5),
        400: ("invalid_request", 0.4),
        422: ("invalid_request", 0.4),
    }
    if status >= 500:
        return {"server_error": (0.6, f"HTTP {status}")}
    if status in table:
        cat, conf = table[status]
        return {cat: (conf, f"HTTP {status} with no recognisable OpenAI error body")}
    return {}


def _snippet(flat: str, match: re.Match[str]) -> str:
    start = max(0, match.start() - 30)
    end = min(len(flat), match.end() + 50)
    text = flat[start:end].strip()
    return ("…" if start else "") + text + ("…" if end < len(flat) else "")
