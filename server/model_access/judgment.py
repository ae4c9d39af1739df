"""The one judgment: the facts about one question, and one ordered table that turns them into an answer.

Every tool that states a verdict or a replacement asks here — `check_model_access`,
`diagnose_error`, `suggest_replacement`, scan/fix, `check` and `doctor` — so the same
question gets the same answer everywhere.

Facts are gathered once per question (`gather`): the id exactly as sent, the provider in
effect, the key's listing, `models.retrieve`, the project's model policy with its
provenance, the outcome of a real call (the probe, or the error the user pasted, parsed by
the diagnosis parser), and the catalog's lifecycle (a live `shutdown_date` wins). A fact
that was not checked is recorded as not checked, never assumed.

The decision table (`RULES`) is read top to bottom; the first rule whose condition holds
decides. In design.md's terms:

| # | rule                 | when                                                                  | verdict        | category                   |
|---|----------------------|-----------------------------------------------------------------------|----------------|----------------------------|
| 1 | call_succeeded       | a probe was accepted                                                  | accessible     | (the model is not the cause) |
| 2 | key_lacks_scope      | the call (or the listing) says a restricted key lacks a scope         | unverifiable   | key_permission_denied      |
| 3 | key_rejected         | the API rejected the key (401, not a scope), or the call says so      | unverifiable   | invalid_api_key            |
| 4 | call_stated          | the probe or the error states a cause beyond doubt (wrong endpoint,   | (by cause)     | (the call's category)      |
|   |                      | verification, project access, fine-tune scope, retired, quota …)      |                |                            |
| 5 | shut_down            | shut down: a live shutdown_date, or the catalog's date when the key   | retired        | model_retired              |
|   |                      | does not list it any more (Azure: Azure's own date)                   |                |                            |
| 6 | not_an_exact_id      | on OpenAI, the id as sent is not an id (prefix, case, spaces, dots)   | unknown_model  | unknown_model_name         |
| 7 | not_an_id            | on OpenAI, no catalog entry, not listed, not retrieved, nothing near  | unknown_model  | unknown_model_name         |
| 8 | provider_id          | the provider lists it under another spelling (prefix added/removed)   | unknown_model  | unknown_model_name         |
| 9 | no_deployment        | Azure: the resource has no deployment of that name                    | unknown_model  | azure_deployment_not_found |
|10 | foreign_fine_tune    | an ft: id the key neither lists nor retrieves, not excluded by policy | not_listed     | fine_tune_scope            |
|11 | hidden_beyond_policy | policy excludes it, but the listing ignores the policy and lacks it   | not_listed     | account_access_denied      |
|12 | project_policy       | the project's policy (read, or named by the API) excludes it          | project_denied | project_access_denied      |
|13 | call_refused         | the probe answered "does not exist / no access"                       | (by cause)     | (the call's category)      |
|14 | wrong_endpoint       | the catalog says the model does not serve the call's endpoint         | wrong_endpoint | wrong_endpoint             |
|15 | listed_but_refused   | the error says "does not exist / no access", yet this key lists it    | accessible     | client_misconfigured       |
|16 | probe_inconclusive   | the probe failed for a reason that is not about access                | unverifiable   | —                          |
|17 | listed_public        | listed by a provider whose list is public (it proves nothing of a key)| unverifiable   | —                          |
|18 | listed               | the key lists or retrieves the exact id                               | accessible     | (the model is not the cause) |
|19 | not_listed           | the listing was read, lacks a known OpenAI id, and is not the whole truth | not_listed | account_access_denied      |
|20 | unknown_id           | the listing was read and neither it nor the catalog has the id (or the | unknown_model | unknown_model_name         |
|   |                      | provider's listing is the whole truth)                                |                |                            |
|21 | lookup_failed        | the live look-ups failed                                              | unverifiable   | —                          |
|22 | catalog_only         | anything else: access could not be checked (no key, or no facts)      | unverifiable   | —                          |

A verdict never contradicts a real call: what a call states beyond doubt (rule 4) comes
before anything the catalog or a listing suggests, and `listed` never stands against a
failed probe. The ambiguous "does not exist or you do not have access" is what the facts
(rules 5–20) are for. "Listed" means visible in `GET /models`, which is evidence, not proof,
of being callable: the evidence says which. `tests/test_judgment.py` checks that this table
names every rule of `RULES`, in order.

Replacements (`replacements`) end at an active model that serves the call's endpoint and that
the caller is known (`accessible: true`) or said not yet known (`null`) to be able to call;
candidates that the read policy or listing excludes are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Literal

from . import providers
from .catalog import Catalog, ModelRecord, Resolution
from .console import API_KEYS, BILLING, GENERAL, limits_url
from .endpoints import ENDPOINTS, recommended_endpoint
from .results import Fix, ProjectPermissions, ReplacementAdvice, Suggestion
from .suggest import SOON_DAYS
from .vocab import Category, Verdict

if TYPE_CHECKING:
    from .config import Config
    from .live import LiveService
    from .providers import Profile
    from .state import AppState

ListingState = Literal["read", "failed", "not_checked"]
RetrievalState = Literal["found", "not_found", "failed", "not_checked"]
PolicyState = Literal[
    "read",  # the admin API returned the project's policy
    "no_policy",  # the project exists and has no model policy
    "project_not_found",  # 404: a mistyped project id, or an admin key of another organization
    "no_admin_key",
    "no_project",
    "other_provider",  # project policies are an OpenAI platform feature
    "failed",
    "not_checked",
]

# The categories a real call can state about the model itself (rule 9 takes them at their word).
_CALL_VERDICT: dict[str, Verdict] = {
    "project_access_denied": "project_denied",
    "model_retired": "retired",
    "wrong_endpoint": "wrong_endpoint",
    "organization_verification_required": "not_listed",
    "fine_tune_scope": "not_listed",
    "account_access_denied": "not_listed",
    "unknown_model_name": "unknown_model",
    "key_permission_denied": "unverifiable",
    "invalid_api_key": "unverifiable",
    "azure_deployment_not_found": "unknown_model",
    "insufficient_quota": "unverifiable",
    "rate_limited": "unverifiable",
    "server_error": "unverifiable",
    "connection_error": "unverifiable",
    "region_not_supported": "unverifiable",
}


# ---------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Listing:
    state: ListingState
    ids: frozenset[str] = frozenset()
    shutdown_dates: Mapping[str, str] = field(default_factory=dict)
    status: int | None = None
    detail: str = ""
    # Azure: deployment name → (underlying model, version or "") as the deployments API reports it.
    targets: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Retrieval:
    state: RetrievalState
    shutdown_date: str | None = None
    owned_by: str | None = None
    status: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Policy:
    state: PolicyState
    project_id: str | None = None
    mode: Literal["allow_list", "deny_list", "none"] = "none"
    model_ids: tuple[str, ...] = ()
    detail: str = ""

    def excludes(self, model_id: str) -> bool | None:
        """True/False when the policy is known; None when it is not."""
        if self.state == "no_policy":
            return False
        if self.state != "read":
            return None
        if self.mode == "allow_list":
            return model_id not in self.model_ids
        if self.mode == "deny_list":
            return model_id in self.model_ids
        return False

    def as_permissions(self) -> ProjectPermissions | None:
        if self.state == "read":
            return ProjectPermissions(
                project_id=self.project_id or "", mode=self.mode, model_ids=list(self.model_ids), source="admin API"
            )
        if self.state == "no_policy":
            return ProjectPermissions(
                project_id=self.project_id or "", mode="none", model_ids=[], source=f"admin API ({self.detail})"
            )
        return None


@dataclass(frozen=True)
class Outcome:
    """What a real call said: the probe's answer, or the error text the user pasted."""

    source: Literal["probe", "error"]
    ok: bool
    category: Category | None = None
    status: int | None = None
    detail: str = ""
    project_id: str | None = None


@dataclass(frozen=True)
class Facts:
    written: str  # the id exactly as sent
    endpoint: str | None
    provider: str  # "openai", "azure", "compatible" or "none" (no key)
    today: date
    record: ModelRecord | None  # the catalog entry of the id exactly as written
    near: Resolution  # the tolerant match: for suggestions, never for verdicts
    listing: Listing = Listing("not_checked")
    retrieval: Retrieval = Retrieval("not_checked")
    policy: Policy = Policy("not_checked")
    outcome: Outcome | None = None
    catalog_as_of: date | None = None
    # Azure's own retirement date of the deployed model (it differs from OpenAI's), with its source.
    provider_shutdown: tuple[date, str] | None = None
    provider_shutdown_unknown: bool = False
    notes: tuple[str, ...] = ()  # what was looked at and said nothing decisive (an unsent probe …)

    @property
    def has_key(self) -> bool:
        return self.provider != "none"

    @property
    def profile(self) -> Profile:
        return providers.profile(self.provider)

    @property
    def openai_ids(self) -> bool:
        """Whether ids are OpenAI's own, matched exactly (api.openai.com, or no key: the catalog)."""
        return self.provider in ("openai", "none")

    @property
    def provider_id_hint(self) -> str | None:
        """The id this provider lists for what was written (prefix added or removed), if any."""
        if self.listing.state != "read" or self.listed:
            return None
        ids = self.listing.ids
        written = self.written.strip()
        candidates = [self.profile.openai_prefix + written] if self.profile.openai_prefix else []
        if "/" in written:
            candidates.append(written.split("/", 1)[1])
        for candidate in candidates:
            if candidate in ids and candidate != self.written:
                return candidate
        tails = sorted(i for i in ids if i.endswith("/" + written))
        return tails[0] if len(tails) == 1 else None

    @property
    def listed(self) -> bool | None:
        return self.written in self.listing.ids if self.listing.state == "read" else None

    @property
    def fine_tune(self) -> bool:
        return self.written.startswith("ft:")

    @property
    def live_shutdown(self) -> tuple[str, str] | None:
        """(date, where it was read) from the live API, which wins over the catalog."""
        if self.retrieval.shutdown_date:
            return self.retrieval.shutdown_date, "models.retrieve"
        date_listed = self.listing.shutdown_dates.get(self.written)
        return (date_listed, "the key's model list") if date_listed else None

    @property
    def shutdown(self) -> tuple[date, str] | None:
        """The shutdown date in force and its source."""
        if self.provider == "azure":
            return self.provider_shutdown  # Azure retires on its own dates; OpenAI's do not apply
        live = self.live_shutdown
        if live is not None:
            try:
                return date.fromisoformat(live[0][:10]), live[1]
            except ValueError:
                pass
        record = self.record
        if record is None and self.fine_tune and self.near.record is not None:
            record = self.near.record  # a fine-tune stops with its base model
        if record is not None and record.shutdown_date is not None:
            as_of = f" as of {self.catalog_as_of}" if self.catalog_as_of else ""
            return record.shutdown_date, f"the catalog{as_of}"
        return None

    @property
    def shut_down(self) -> bool:
        when = self.shutdown
        return when is not None and when[0] <= self.today

    @property
    def listing_reflects_policy(self) -> bool | None:
        """Whether the key's listing is known to apply the project's policy (None: not known)."""
        if self.listing.state != "read" or self.policy.state != "read":
            return None
        return not any(self.policy.excludes(m) for m in self.listing.ids)

    @property
    def inexact(self) -> str | None:
        """Why the id as written is not an id on OpenAI's API, or None."""
        written = self.written
        if written != written.strip():
            return "it has spaces around it"
        if self.record is not None or self.listed:
            return None
        near = self.near
        if near.record is None or near.match == "fine_tune":
            return None
        if near.prefix:
            return f"the provider prefix {near.prefix!r} is not part of OpenAI ids"
        if near.match == "case":
            return "the letter case differs"
        return "the punctuation differs"

    def accessible(self, model_id: str) -> bool | None:
        """Can this caller call `model_id`, as far as the live facts tell? None: not checked."""
        if self.policy.excludes(model_id):
            return False
        if self.listing.state == "read":
            return model_id in self.listing.ids
        return None

    def evidence(self) -> list[str]:
        """Each fact, stated once, unknowns included."""
        return [
            *self._provider_evidence(),
            *self._lookup_evidence(),
            *self._catalog_evidence(),
            *self._policy_evidence(),
            *self._call_evidence(),
        ]

    def _provider_evidence(self) -> list[str]:
        """The provider, and on Azure what the deployment serves and when Azure retires it."""
        out: list[str] = []
        written, profile = self.written, self.profile
        if self.provider not in ("openai", "none"):
            truth = "its listing is the whole truth" if profile.listing_complete else "its listing may be partial"
            out.append(f"Provider: {profile.label} (ids look like {profile.id_example}; {truth}).")
        if self.provider == "azure" and written in self.listing.targets:
            model, version = self.listing.targets[written]
            out.append(f"Deployment {written!r} serves {model}" + (f" version {version}" if version else "") + ".")
            if self.provider_shutdown is not None:
                when, source = self.provider_shutdown
                out.append(f"Azure retires {model} {version or ''} on {when} (per {source}).".replace("  ", " "))
            elif self.provider_shutdown_unknown:
                out.append(
                    f"Azure's retirement date for {model} {version or ''} is not known to the catalog.".replace(
                        "  ", " "
                    )
                )
        return out

    def _lookup_evidence(self) -> list[str]:
        """What the key said: its listing and models.retrieve (or that there is no key)."""
        out: list[str] = []
        written = self.written
        if not self.has_key:
            out.append("No API key is configured: only the bundled catalog was consulted (access not checked).")
        listing = self.listing
        if listing.state == "read":
            out.append(
                f"{written!r} is {'in' if self.listed else 'not in'} this key's model list ({len(listing.ids)} ids)."
            )
        elif listing.state == "failed":
            out.append(f"Listing models failed: {listing.detail}")
        retrieval = self.retrieval
        if retrieval.state == "found":
            date_note = f", shutdown_date {retrieval.shutdown_date}" if retrieval.shutdown_date else ""
            out.append(f"models.retrieve({written!r}) found it (owned_by {retrieval.owned_by or '?'}{date_note}).")
        elif retrieval.state == "not_found":
            out.append(f"models.retrieve({written!r}) answered 404: not visible to this key.")
        elif retrieval.state == "failed":
            out.append(f"models.retrieve failed: {retrieval.detail}")
        return out

    def _catalog_evidence(self) -> list[str]:
        """What the catalog knows, and a live shutdown date that overrides it."""
        out: list[str] = []
        written, record, profile = self.written, self.record, self.profile
        if record is not None:
            lifecycle = record.lifecycle(self.today)
            out.append(
                f"Catalog (as of {self.catalog_as_of}): {record.id} is {lifecycle}"
                + (f", shutdown {record.shutdown_date}" if record.shutdown_date else "")
                + f"; serves {', '.join(record.endpoints) or 'no known endpoint'}."
            )
        elif self.openai_ids and not self.fine_tune:
            out.append(f"{written!r} is not an id in the catalog of OpenAI models.")
        elif profile.catalog == "none":
            out.append(f"OpenAI's catalog does not apply to {profile.label}'s ids: its listing decides.")
        live = self.live_shutdown
        if live is not None and (record is None or str(record.shutdown_date) != live[0][:10]):
            out.append(f"The live API gives shutdown_date {live[0]} ({live[1]}); it wins over the catalog.")
        return out

    def _policy_evidence(self) -> list[str]:
        """The project's model policy, with where it was (or was not) read."""
        out: list[str] = []
        policy = self.policy
        project = policy.project_id or "the project"
        out.append(
            {
                "read": f"Project {project} policy: {policy.mode} [{', '.join(policy.model_ids) or 'empty'}].",
                "no_policy": f"Project {project} has no model policy ({policy.detail}).",
                "project_not_found": f"Project policy unknown: the admin API answered 404 for {project} — a "
                "mistyped project id, or an admin key of another organization.",
                "no_admin_key": "Project policy not checked: no OPENAI_ADMIN_KEY.",
                "no_project": "Project policy not checked: no project id (OPENAI_PROJECT_ID, or one in the error).",
                "other_provider": "Project policy does not apply: project model policies are an OpenAI platform "
                "feature, not this provider's.",
                "failed": f"Project policy could not be read: {policy.detail}",
                "not_checked": "Project policy not checked.",
            }[policy.state]
        )
        if self.listing_reflects_policy is False:
            out.append("This key's model list includes models the project's policy excludes: the list ignores it.")
        return out

    def _call_evidence(self) -> list[str]:
        """Notes, and what a real call (the probe or the pasted error) said."""
        out: list[str] = []
        out.extend(self.notes)
        if self.shut_down and _listed(self) and self.live_shutdown is None and self.shutdown is not None:
            out.append(
                f"The catalog says {self.written} was shut down on {self.shutdown[0]}, but this key still "
                "lists it: the live answer wins (probe=true confirms a call)."
            )
        outcome = self.outcome
        if outcome is not None:
            what = "The probe" if outcome.source == "probe" else "The error"
            if outcome.ok:
                out.append(f"{what}: one minimal request was accepted.")
            elif outcome.category:
                status = f"HTTP {outcome.status}, " if outcome.status else ""
                out.append(f"{what} says {outcome.category} ({status}{outcome.detail[:200]})".rstrip() + ".")
        return out


# ---------------------------------------------------------------------- the decision table


@dataclass(frozen=True)
class Rule:
    name: str
    verdict: Verdict
    category: Category | None  # None: the model is not the cause (a diagnosis keeps the text's own)
    when: Callable[[Facts], bool]
    cause: Callable[[Facts], str]


def _failed_with(facts: Facts, *categories: str) -> bool:
    outcome = facts.outcome
    return outcome is not None and not outcome.ok and outcome.category in categories


def _status(facts: Facts, status: int) -> bool:
    return facts.listing.status == status or facts.retrieval.status == status


def _policy_excludes(facts: Facts) -> bool:
    if facts.policy.excludes(facts.written):
        return True
    # The API itself said so ("Project `proj_…` does not have access to model `…`").
    return _failed_with(facts, "project_access_denied") and facts.policy.state not in ("read", "no_policy")


def _hidden_beyond_policy(facts: Facts) -> bool:
    return bool(facts.policy.excludes(facts.written)) and facts.listing_reflects_policy is False and not facts.listed


def _scope_missing(facts: Facts) -> bool:
    return _MISSING_SCOPE.search(f"{facts.listing.detail} {facts.retrieval.detail}") is not None


# "Does not exist or you do not have access": what it means is for the facts to decide.
_AMBIGUOUS = ("unknown_model_name", "account_access_denied")


def _call_stated(facts: Facts) -> bool:
    outcome = facts.outcome
    if outcome is None or outcome.ok or outcome.category is None:
        return False
    if outcome.category == "project_access_denied" and facts.inexact is not None:
        return False  # the id itself is wrong: fixing the policy for it cannot help
    return outcome.category in _CALL_VERDICT and outcome.category not in _AMBIGUOUS


def _probe_failed(facts: Facts) -> bool:
    """A probe was sent and failed for a reason the access rules above did not take."""
    outcome = facts.outcome
    return outcome is not None and outcome.source == "probe" and not outcome.ok


def _probe_reason(facts: Facts) -> str:
    outcome = facts.outcome
    if outcome is None:
        return ""
    return outcome.category or (outcome.detail[:120] or "no recognisable error")


def _call_refused(facts: Facts) -> bool:
    outcome = facts.outcome
    return outcome is not None and outcome.source == "probe" and not outcome.ok and outcome.category in _AMBIGUOUS


def _not_an_id(facts: Facts) -> bool:
    return (
        facts.openai_ids
        and facts.record is None
        and not facts.fine_tune
        and facts.near.record is None
        and facts.listed is not True
        and facts.retrieval.state != "found"
    )


def _wrong_endpoint(facts: Facts) -> bool:
    record = facts.record or (facts.near.record if facts.fine_tune else None)
    return facts.endpoint is not None and record is not None and facts.endpoint not in record.endpoints


def _listed(facts: Facts) -> bool:
    return bool(facts.listed) or facts.retrieval.state == "found"


def _not_listed(facts: Facts) -> bool:
    return facts.listing.state == "read" and facts.record is not None and not facts.profile.listing_complete


def _lookup_failed(facts: Facts) -> bool:
    return facts.has_key and facts.listing.state == "failed"


def _policy_cause(f: Facts) -> str:
    project = f.policy.project_id or (f.outcome.project_id if f.outcome else None) or "(unknown)"
    if f.policy.state != "read":
        return f"Project {project} does not have access to {f.written} (the API said so; its policy was not read)."
    if f.policy.mode == "deny_list":
        return f"Project {project}'s deny list blocks {f.written}."
    return f"Project {project}'s allow list does not include {f.written} (it allows {', '.join(f.policy.model_ids)})."


def _shutdown_cause(f: Facts) -> str:
    when = f.shutdown
    if when is None:
        return f"{f.written} has been shut down (the API said so) and accepts no requests."
    return f"{f.written} was shut down on {when[0]} (per {when[1]}) and accepts no requests."


RULES: tuple[Rule, ...] = (
    Rule(
        "call_succeeded",
        "accessible",
        None,
        lambda f: f.outcome is not None and f.outcome.source == "probe" and f.outcome.ok,
        lambda f: f"A real request to {f.written} was accepted.",
    ),
    Rule(
        "key_lacks_scope",
        "unverifiable",
        "key_permission_denied",
        lambda f: _failed_with(f, "key_permission_denied") or (_scope_missing(f) and f.outcome is None),
        lambda f: (
            "The key is a restricted key without the scope this call needs (e.g. model.request)."
            if f.outcome is not None
            else "The key lacks the scope to list models (api.model.read), so access cannot be read from the "
            "list; probe=true checks a real call (it needs model.request)."
        ),
    ),
    Rule(
        "key_rejected",
        "unverifiable",
        "invalid_api_key",
        lambda f: _failed_with(f, "invalid_api_key") or (_status(f, 401) and not _scope_missing(f)),
        lambda f: "The API rejected the key (401), so nothing about the model could be checked.",
    ),
    Rule(
        "call_stated",
        "unverifiable",  # replaced by the call's own verdict and category: see decide()
        None,
        _call_stated,
        lambda f: (
            f"The {'probe' if f.outcome and f.outcome.source == 'probe' else 'error'} states the cause: "
            f"{f.outcome.category if f.outcome else ''}."
        ),
    ),
    Rule(
        "shut_down",
        "retired",
        "model_retired",
        lambda f: f.shut_down and (f.live_shutdown is not None or not _listed(f)),
        _shutdown_cause,
    ),
    Rule(
        "not_an_exact_id",
        "unknown_model",
        "unknown_model_name",
        lambda f: f.openai_ids and f.inexact is not None,
        lambda f: f"{f.written!r} is not an exact model id ({f.inexact}); the API matches ids exactly.",
    ),
    Rule(
        "not_an_id",
        "unknown_model",
        "unknown_model_name",
        _not_an_id,
        lambda f: (
            f"{f.written!r} is not an OpenAI model id: the catalog does not know it"
            + (", and this key neither lists nor retrieves it" if f.listing.state == "read" else "")
            + "."
        ),
    ),
    Rule(
        "provider_id",
        "unknown_model",
        "unknown_model_name",
        lambda f: f.provider_id_hint is not None,
        lambda f: (
            f"{f.profile.label} lists this model as {f.provider_id_hint!r}, not {f.written!r}: it matches ids "
            "exactly, so the id must be written the way its listing has it."
        ),
    ),
    Rule(
        "no_deployment",
        "unknown_model",
        "azure_deployment_not_found",
        lambda f: (
            f.provider == "azure"
            and f.listed is not True
            and (f.listing.state == "read" or _failed_with(f, *_AMBIGUOUS, "azure_deployment_not_found"))
        ),
        lambda f: (
            f"On Azure OpenAI, model= names a deployment, and this resource has no deployment named "
            f"{f.written!r}"
            + (f" (it has {', '.join(sorted(f.listing.ids)) or 'none'})" if f.listing.state == "read" else "")
            + "."
        ),
    ),
    Rule(
        "foreign_fine_tune",
        "not_listed",
        "fine_tune_scope",
        lambda f: (
            f.fine_tune
            and f.listed is not True
            and f.retrieval.state != "found"
            and not f.policy.excludes(f.written)
            and (
                f.listing.state == "read"
                or f.retrieval.state == "not_found"
                or _failed_with(f, *_AMBIGUOUS, "fine_tune_scope")
            )
        ),
        lambda f: (
            f"The fine-tune {f.written} is not visible to this key: fine-tunes are private to the "
            "organization (and project) that trained them."
        ),
    ),
    Rule(
        "hidden_beyond_policy",
        "not_listed",
        "account_access_denied",
        _hidden_beyond_policy,
        lambda f: (
            f"The project's policy excludes {f.written}, but the key's list ignores that policy and still "
            "does not show it: the organization cannot use it, so changing the policy alone would not help."
        ),
    ),
    Rule(
        "project_policy",
        "project_denied",
        "project_access_denied",
        _policy_excludes,
        _policy_cause,
    ),
    Rule(
        "call_refused",
        "unverifiable",  # replaced by the call's own verdict and category: see decide()
        None,
        _call_refused,
        lambda f: (
            f"The {'probe' if f.outcome and f.outcome.source == 'probe' else 'call'} was refused "
            f"({f.outcome.category if f.outcome else ''})."
        ),
    ),
    Rule(
        "wrong_endpoint",
        "wrong_endpoint",
        "wrong_endpoint",
        _wrong_endpoint,
        lambda f: f"{f.written} does not serve {f.endpoint}.",
    ),
    Rule(
        "listed_but_refused",
        "accessible",
        "client_misconfigured",
        lambda f: _listed(f) and _failed_with(f, *_AMBIGUOUS),
        lambda f: (
            f"This key lists {f.written}, so the failing call most likely used another key, organization "
            "or project header, or base URL than the one configured here."
        ),
    ),
    Rule(
        "probe_inconclusive",
        "unverifiable",
        None,
        _probe_failed,
        lambda f: (
            f"The probe failed for a reason that is not about access ({_probe_reason(f)}), so it neither "
            "confirms nor rules out access."
        ),
    ),
    Rule(
        "listed_public",
        "unverifiable",
        None,
        lambda f: _listed(f) and not f.profile.listing_authenticates,
        lambda f: (
            f"{f.profile.label} lists {f.written}, but its model list is public: it shows the model is "
            "served, not that your key works (probe=true sends one request with your key)."
        ),
    ),
    Rule(
        "listed",
        "accessible",
        None,
        lambda f: _listed(f) and not _probe_failed(f) and f.profile.listing_authenticates,
        lambda f: (
            f"{f.written} is listed for this key"
            + (
                ""
                if f.policy.state in ("read", "no_policy")
                else "; the project's policy was not read, and a list may not reflect it (probe=true confirms)"
            )
            + "."
        ),
    ),
    Rule(
        "not_listed",
        "not_listed",
        "account_access_denied",
        _not_listed,
        lambda f: (
            f"{f.written} exists but this key's model list does not include it (staged roll-out, "
            "verification, an access program, or a project policy)."
        ),
    ),
    Rule(
        "unknown_id",
        "unknown_model",
        "unknown_model_name",
        lambda f: f.listing.state == "read" and not f.fine_tune and (f.record is None or f.profile.listing_complete),
        lambda f: (
            f"{f.written!r} is not a model id this key can see"
            + (
                f" at {f.profile.label}: {f.profile.not_found}."
                if f.profile.listing_complete
                else ", and the catalog does not know it."
            )
        ),
    ),
    Rule(
        "lookup_failed",
        "unverifiable",
        None,
        _lookup_failed,
        lambda f: f"The live look-ups failed: {f.listing.detail}",
    ),
    Rule(
        "catalog_only",
        "unverifiable",
        None,
        lambda f: True,
        lambda f: (
            "Access could not be checked"
            + (": no API key is configured." if not f.has_key else " from the facts available.")
        ),
    ),
)


@dataclass(frozen=True)
class Decision:
    rule: str
    verdict: Verdict
    category: Category | None
    cause: str


def decide(facts: Facts) -> Decision:
    for rule in RULES:
        if rule.when(facts):
            verdict, category = rule.verdict, rule.category
            if rule.name in ("call_stated", "call_refused") and facts.outcome is not None and facts.outcome.category:
                category = facts.outcome.category
                verdict = _CALL_VERDICT.get(category, "unverifiable")
            return Decision(rule.name, verdict, category, rule.cause(facts))
    raise AssertionError("the last rule always matches")  # pragma: no cover


# ---------------------------------------------------------------------- replacements


def replacements(catalog: Catalog, facts: Facts, limit: int = 5) -> list[Suggestion]:
    """Ranked replacements for the id as written, filtered by what this caller is known to be able to call."""

    return advice_for(catalog, facts, limit).suggestions


def advice_for(catalog: Catalog, facts: Facts, limit: int = 5) -> ReplacementAdvice:
    """suggest_replacement with this caller's live facts (when there are any) as the filter."""
    from .suggest import suggest_replacement

    if facts.provider not in ("openai", "none"):
        return _provider_advice(catalog, facts, limit)
    accessible = facts.accessible if _has_live_facts(facts) else None
    advice = suggest_replacement(catalog, facts.written, facts.endpoint, limit, accessible)
    if _has_live_facts(facts):
        advice.source = "live"
    return advice


def _provider_advice(catalog: Catalog, facts: Facts, limit: int) -> ReplacementAdvice:
    """Replacements in the provider's own ids: its listing is the truth where it is complete."""
    from rapidfuzz import fuzz, process

    from .suggest import catalog_info, suggest_replacement

    profile = facts.profile
    written = facts.written
    listing = facts.listing
    ranked: dict[str, tuple[float, str]] = {}

    def offer(model_id: str, score: float, reason: str) -> None:
        if model_id != written and (model_id not in ranked or ranked[model_id][0] < score):
            ranked[model_id] = (score, reason)

    if facts.listed:
        status, reason = "known", f"{written} is listed by {profile.label}. No replacement needed."
    elif listing.state == "read":
        status, reason = "unknown", f"{written!r} is not listed by {profile.label}: {profile.not_found}."
        if facts.provider_id_hint:
            offer(facts.provider_id_hint, 1.0, f"the id as {profile.label} lists it")
        if profile.name == "azure":
            wanted = {written, catalog.azure_names.get(written, written)}
            if facts.near.record is not None:
                wanted.add(facts.near.record.id)
            for name, (model, version) in sorted(listing.targets.items()):
                if model in wanted or catalog.azure_names.get(model) in wanted:
                    offer(name, 0.98, f"your deployment of {model}{' ' + version if version else ''}")
        elif profile.catalog == "underlying":
            base = providers.underlying(profile, written) or written
            if base in catalog or catalog.resolve(base).record is not None:
                advice = suggest_replacement(
                    catalog, base, facts.endpoint, limit, lambda m: providers.addressed(profile, m) in listing.ids
                )
                for i, s in enumerate(advice.suggestions):
                    offer(providers.addressed(profile, s.id), 0.9 - 0.02 * i, s.reason)
        key = written.lower()
        for model_id, score, _ in process.extract(
            # In sorted order: rapidfuzz keeps the input order among equal scores, and a set's order
            # changes from run to run (the same question must get the same answer).
            key,
            {m: m.lower() for m in sorted(listing.ids)},
            scorer=fuzz.WRatio,
            limit=limit,
        ):
            if score >= 60:
                offer(
                    model_id, min(0.89, score / 100 * 0.9), f"a listed id that looks like it ({round(score)}% similar)"
                )
        if not ranked and 0 < len(listing.ids) <= 3:
            # A server that serves a handful of models: they are the choice.
            for model_id in sorted(listing.ids):
                offer(model_id, 0.5, f"one of the {len(listing.ids)} ids this server serves")
    else:
        status = "unknown"
        reason = f"{profile.label}'s listing was not read, so its ids cannot be checked: call list_accessible_models."
    best = sorted(ranked.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit] if status != "known" else []
    suggestions = [
        Suggestion(
            id=model_id,
            reason=why,
            score=round(score, 3),
            lifecycle="active",
            accessible=True if listing.state == "read" and model_id in listing.ids else None,
        )
        for model_id, (score, why) in best
    ]
    if status == "unknown" and not suggestions:
        reason += " Call list_accessible_models to see the ids you can call there."
    return ReplacementAdvice(
        model=written,
        status=status,  # type: ignore[arg-type]
        reason=reason,
        suggestions=suggestions,
        source="live" if listing.state == "read" else "catalog",
        catalog=catalog_info(catalog),
    )


async def advise(
    config: Config, catalog: Catalog, service: LiveService | None, model: str, endpoint: str | None, limit: int = 5
) -> ReplacementAdvice:
    """suggest_replacement for this caller with its live facts gathered (the CLI's `suggest`); the MCP
    tool answers from the facts already at hand (gather_offline), never waiting on the network."""
    from .errors import check_model_id

    check_model_id(model)
    live = service if config.has_key else None
    facts = await gather(config, catalog, live, model, endpoint, retrieve=False)
    return advice_for(catalog, facts, limit)


async def gather_offline(state: AppState, model: str, endpoint: str | None) -> tuple[Facts, str | None]:
    """Facts for a tool that answers offline: only a listing already at hand, never a wait on the
    network (and no admin call). Returns the facts and, when live facts are missing, why."""
    from .errors import check_model_id

    check_model_id(model)
    config, catalog = state.config, state.catalog
    provider = config.profile.name
    policy = _policy_without_lookup(config, None) or Policy("not_checked", config.project, detail="not read offline")
    if not config.has_key:
        return offline_facts(catalog, model, endpoint, provider, policy=policy), None
    if provider == "azure":
        return offline_facts(
            catalog, model, endpoint, provider, policy=policy
        ), "Azure deployments are not read offline"
    ids, unavailable = await state.live.cached_ids()
    listing = Listing("read", frozenset(ids)) if ids is not None else Listing("not_checked", detail=unavailable or "")
    return offline_facts(catalog, model, endpoint, provider, listing=listing, policy=policy), unavailable


def _has_live_facts(facts: Facts) -> bool:
    return facts.listing.state == "read" or facts.policy.state in ("read", "no_policy")


# ---------------------------------------------------------------------- fixes


@dataclass
class _FixCase:
    """What the fixes of one model-level decision are made from, and the list they are added to."""

    decision: Decision
    facts: Facts
    suggested: list[Suggestion]
    admin_tools: bool
    out: list[Fix] = field(default_factory=list)

    @property
    def model(self) -> str:
        return self.facts.written

    @property
    def project(self) -> str | None:
        outcome = self.facts.outcome
        return self.facts.policy.project_id or (outcome.project_id if outcome else None)

    def add(self, fix: Fix) -> None:
        self.out.append(fix)

    def use(self, title: str, detail: str) -> None:
        """Suggest the best replacement, if there is one, saying whether the key can call it."""
        if not self.suggested:
            return
        best = self.suggested[0]
        checked = {True: "your key can call it", None: "access not checked", False: ""}[best.accessible]
        self.add(
            Fix(
                title=title.format(m=best.id),
                detail=detail + (f" ({checked})." if checked else "."),
                code=sdk_call(best.endpoint or self.facts.endpoint, best.id),
            )
        )


_LIST_IDS = "[m.id for m in client.models.list()]"


def _other_provider_fixes(case: _FixCase) -> None:
    profile, model = case.facts.profile, case.model
    case.use("Use {m}", f"{model!r} is not an id {profile.label} serves here; {case.decision.cause}")
    case.add(Fix(title=f"Fix it at {profile.label}", detail=profile.fix.format(model=model) + ".", url=profile.fix_url))
    case.add(
        Fix(
            title="List the ids you can call there",
            detail="Call list_accessible_models (it reads this provider's own listing).",
            code=_LIST_IDS,
        )
    )


def _unknown_model_fixes(case: _FixCase) -> None:
    case.use("Use the exact id: {m}", f"{case.model!r} is not a model id here; {case.decision.cause}")
    case.add(
        Fix(
            title="List the ids your key can call",
            detail="Call list_accessible_models, or compare against the exact ids the API returns.",
            code=_LIST_IDS,
        )
    )


def _retired_fixes(case: _FixCase) -> None:
    case.use("Switch to {m}", f"{case.model} is shut down; this is its replacement")
    case.add(
        Fix(
            title="Find every place the old id is used",
            detail="Run scan_model_references (or `model-access scan .`), then fix_model_references.",
        )
    )


def _project_denied_fixes(case: _FixCase) -> None:
    model, project = case.model, case.project
    deny = case.facts.policy.mode == "deny_list"
    verb = "Unblock" if deny else "Allow"
    case.add(
        Fix(
            title=f"{verb} {model} in the project's limits",
            detail=f"An organization owner can {verb.lower()} {model} under Project → Limits → Model usage.",
            url=limits_url(project),
        )
    )
    if case.admin_tools and project:
        arg = "unblock" if deny else "allow"
        case.add(
            Fix(
                title="Or change the policy with the admin tool (the user is asked to approve)",
                detail="update_project_model_permissions shows the plan and changes it only after approval.",
                code=f'update_project_model_permissions(project_id="{project}", {arg}=["{model}"])',
            )
        )
    case.use("Or use a model the project allows: {m}", "A model the project's policy does not exclude")


def _account_denied_fixes(case: _FixCase) -> None:
    case.add(
        Fix(
            title="Check which models your key can call",
            detail="list_accessible_models shows them; a model missing there is not available to your "
            "organization or project (staged roll-out, verification, access program, project policy).",
            code=_LIST_IDS,
        )
    )
    if case.decision.rule != "hidden_beyond_policy":
        case.add(
            Fix(
                title="Check the project's model limits",
                detail="A project policy can hide it.",
                url=limits_url(case.project),
            )
        )
    case.add(Fix(title="Check the organization's verification", detail="Some models need it.", url=GENERAL))
    case.use("Or use {m}", "A current model for the same call")


def _wrong_endpoint_fixes(case: _FixCase) -> None:
    facts = case.facts
    record = facts.record or facts.near.record
    target = recommended_endpoint(record.endpoints) if record else None
    if target and target in ENDPOINTS:
        case.add(
            Fix(
                title=f"Call {target} instead of {facts.endpoint or 'this endpoint'}",
                detail=f"{case.model} is served by {ENDPOINTS[target].http}.",
                code=sdk_call(target, case.model),
            )
        )
    case.use("Or keep the call and use {m}", f"It serves {facts.endpoint or 'that endpoint'}")


def _static(*fixes: Fix) -> Callable[[_FixCase], None]:
    def add_all(case: _FixCase) -> None:
        case.out.extend(fix.model_copy() for fix in fixes)

    return add_all


# The fixes of each model-level category, first to last (a category not here has none of its own).
_MODEL_FIXES: dict[str, Callable[[_FixCase], None]] = {
    "unknown_model_name": _unknown_model_fixes,
    "model_retired": _retired_fixes,
    "project_access_denied": _project_denied_fixes,
    "account_access_denied": _account_denied_fixes,
    "fine_tune_scope": lambda case: case.out.extend(fine_tune_fixes()),
    "wrong_endpoint": _wrong_endpoint_fixes,
    "organization_verification_required": _static(
        Fix(title="Verify your organization", detail="Settings → Organization → General.", url=GENERAL)
    ),
    "key_permission_denied": _static(
        Fix(
            title="Give the restricted key the missing scope",
            detail="Edit the key's permissions (Model capabilities → Write for model.request), or use a key "
            "with All permissions.",
            url=API_KEYS,
        )
    ),
    "invalid_api_key": _static(
        Fix(
            title="Set a valid API key",
            detail="The key was rejected: create or copy one and set OPENAI_API_KEY in the server's environment.",
            url=API_KEYS,
        )
    ),
    "insufficient_quota": _static(
        Fix(title="Add credit or raise the budget", detail="The organization has no quota left.", url=BILLING)
    ),
}
# On another provider, these categories are fixed at that provider.
_AT_PROVIDER = ("unknown_model_name", "account_access_denied", "azure_deployment_not_found")


def fixes(decision: Decision, facts: Facts, suggested: list[Suggestion], *, admin_tools: bool) -> list[Fix]:
    """Ordered fixes for a model-level decision (shared by check_model_access and diagnose_error)."""
    case = _FixCase(decision, facts, suggested, admin_tools)
    if facts.provider not in ("openai", "none") and decision.category in _AT_PROVIDER:
        _other_provider_fixes(case)
    elif decision.category in _MODEL_FIXES:
        _MODEL_FIXES[decision.category](case)
    return case.out


def fine_tune_fixes() -> list[Fix]:
    """A fine-tune another organization (or project) trained: the same fixes from every tool."""
    return [
        Fix(
            title="Use a key of the organization and project that trained the fine-tune",
            detail="Fine-tuned models are private to their organization (and project).",
            url=API_KEYS,
        ),
        Fix(
            title="List the fine-tunes your key can see",
            detail="Copy the exact ft:… id from here.",
            code='[m.id for m in client.models.list() if m.id.startswith("ft:")]',
        ),
    ]


def next_steps(decision: Decision, facts: Facts, suggested: list[Suggestion], *, admin_tools: bool) -> list[str]:
    """check_model_access's next steps: the same fixes as a diagnosis, as sentences."""
    steps: list[str] = []
    if decision.verdict == "accessible":
        steps.append(
            f"{facts.written} is callable with this key; if a call still fails, run diagnose_error on its error text."
        )
        when = facts.shutdown
        if when is not None and 0 <= (when[0] - facts.today).days <= SOON_DAYS and suggested:
            steps.append(f"It shuts down on {when[0]}: plan the move to {suggested[0].id}.")
        return steps
    for fix in fixes(decision, facts, suggested, admin_tools=admin_tools):
        line = f"{fix.title}: {fix.detail}"
        if fix.url:
            line += f" ({fix.url})"
        if fix.code:
            line += f" — {fix.code}"
        steps.append(line)
    if decision.rule == "not_listed":
        steps.append(
            "Call check_model_access with probe=true to send one minimal request (may cost a fraction of a cent)."
        )
    if decision.verdict == "unverifiable" and not steps:
        steps.append(
            "Set OPENAI_API_KEY (and OPENAI_PROJECT_ID) in the server's environment, or fix the look-up failure "
            "in the evidence, then call check_model_access again."
        )
    if decision.verdict == "unknown_model" and not suggested:
        steps.append("Call list_accessible_models to see the ids your key can call.")
    return steps


def sdk_call(endpoint: str | None, model: str) -> str:
    name = endpoint if endpoint in ENDPOINTS else "responses"
    return ENDPOINTS[name or "responses"].sdk_call.replace("model=...", f'model="{model}"', 1)


def soon_note(facts: Facts) -> str | None:
    """'shuts down on … (in N days)' when within 90 days, for any verdict."""
    when = facts.shutdown
    if when is None:
        return None
    days = (when[0] - facts.today).days
    if 0 < days <= SOON_DAYS:
        return f"{facts.written} shuts down on {when[0]} (in {days} days, per {when[1]})."
    return None


# ---------------------------------------------------------------------- gathering


def offline_facts(
    catalog: Catalog,
    written: str,
    endpoint: str | None,
    provider: str,
    *,
    outcome: Outcome | None = None,
    listing: Listing | None = None,
    policy: Policy | None = None,
    retrieval: Retrieval | None = None,
) -> Facts:
    """The facts as far as they are known, with the catalog read through the provider's profile."""
    listing = listing or Listing("not_checked")
    profile = providers.profile(provider)
    underlying = providers.underlying(profile, written)
    provider_shutdown: tuple[date, str] | None = None
    unknown = False
    if provider == "azure":
        target = listing.targets.get(written)
        underlying = catalog.azure_names.get(target[0], target[0]) if target else None
        if target is not None:
            provider_shutdown = catalog.azure_retirement(target[0], target[1])
            unknown = provider_shutdown is None
    record = catalog.get(underlying) if underlying else None
    return Facts(
        written=written,
        endpoint=endpoint,
        provider=provider,
        today=catalog.today,
        record=record,
        near=catalog.resolve(underlying or written),
        listing=listing,
        retrieval=retrieval or Retrieval("not_checked"),
        policy=policy or Policy("not_checked"),
        outcome=outcome,
        catalog_as_of=catalog.as_of,
        provider_shutdown=provider_shutdown,
        provider_shutdown_unknown=unknown,
    )


async def gather(
    config: Config,
    catalog: Catalog,
    service: LiveService | None,
    written: str,
    endpoint: str | None,
    *,
    probe: bool = False,
    project_id: str | None = None,
    outcome: Outcome | None = None,
    retrieve: bool = True,
) -> Facts:
    """The facts for one question, each looked up at most once. `service=None`: catalog only."""
    from .errors import LookupFailed

    provider = config.profile.name
    known_policy = _policy_without_lookup(config, project_id)
    if service is None or not config.has_key:
        policy = known_policy or Policy("not_checked", project_id or config.project)
        return offline_facts(catalog, written, endpoint, provider, outcome=outcome, policy=policy)
    listing: Listing
    try:
        if provider == "azure":
            deployments = await service.deployments()
            listing = Listing("read", frozenset(deployments), targets=deployments)
        else:
            models = (await service.listing()).models
            listing = Listing(
                "read",
                frozenset(str(m.id) for m in models),
                {str(m.id): str(d) for m in models if (d := getattr(m, "shutdown_date", None))},
            )
    except LookupFailed as exc:
        listing = Listing("failed", status=exc.status, detail=str(exc))
    retrieval = Retrieval("not_checked")
    unreachable = listing.state == "failed" and listing.status is None  # a timeout or no connection
    # A 401 that names a missing scope is a restricted key, not a rejected one: keep asking.
    rejected = listing.status == 401 and not _MISSING_SCOPE.search(listing.detail)
    if retrieve and config.profile.retrieve and not rejected and not unreachable and written.strip() == written:
        retrieval = await service.retrieve(written)
    policy = known_policy or await service.read_policy(project_id or config.project or "")
    facts = offline_facts(
        catalog, written, endpoint, provider, outcome=outcome, listing=listing, policy=policy, retrieval=retrieval
    )
    if probe and not rejected:
        sent = await service.probe(written, endpoint, facts.record or facts.near.record)
        # A string: nothing cheap enough to send; it is said, and the verdict is decided without it.
        facts = replace(facts, notes=(*facts.notes, sent)) if isinstance(sent, str) else replace(facts, outcome=sent)
    return facts


_MISSING_SCOPE = re.compile(r"missing scope|insufficient permissions", re.IGNORECASE)


def _policy_without_lookup(config: Config, project_id: str | None) -> Policy | None:
    """The policy's provenance when it cannot or need not be read."""
    project = project_id or config.project
    if config.provider in ("azure", "compatible"):
        return Policy("other_provider", project)
    if config.admin_key is None:
        return Policy("no_admin_key", project)
    if not project:
        return Policy("no_project")
    return None


def outcome_from_error(catalog: Catalog, status: int | None, text: str, source: Literal["probe", "error"]) -> Outcome:
    """Parse a failed call's error with the diagnosis's own parser and classifier."""
    from .diagnosis.classify import classify
    from .diagnosis.parse import parse, scrub, window

    parsed = parse(scrub(window(text)))
    if parsed.status is None:
        parsed.status = status
    verdict = classify(catalog, parsed, None)
    return Outcome(
        source,
        False,
        verdict.category,
        parsed.status,
        detail=parsed.flat[:300],
        project_id=parsed.project_id,
    )
