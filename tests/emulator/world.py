# The emulator's picture of OpenAI: organizations own projects, keys belong to a project
# (or, for admin keys, to an organization), models have endpoints and a lifecycle.
# Plain data plus lookups; no HTTP here. Lifecycle is derived from `World.today`, never
# from the real clock, so tests stay deterministic.
from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass
from typing import Literal

# Endpoint names, as the emulator routes them.
CHAT = "chat.completions"
RESPONSES = "responses"
COMPLETIONS = "completions"
EMBEDDINGS = "embeddings"
IMAGES = "images"
SPEECH = "audio.speech"
TRANSCRIPTIONS = "audio.transcriptions"
MODERATIONS = "moderations"
REALTIME = "realtime"
BATCH = "batch"

# Scopes as OpenAI names them in "Missing scopes: …" messages.
SCOPE_MODEL_REQUEST = "model.request"
SCOPE_MODEL_READ = "api.model.read"
SCOPE_MANAGEMENT_READ = "api.management.read"
SCOPE_MANAGEMENT_WRITE = "api.management.write"

KeyKind = Literal["project", "service_account", "admin"]
PermissionMode = Literal["allow_list", "deny_list"]
Lifecycle = Literal["active", "deprecated", "shutdown"]
UnrestrictedPermissions = Literal["empty_deny_list", "not_found"]


@dataclass(frozen=True)
class ModelSpec:
    id: str
    endpoints: frozenset[str]
    shutdown_date: str | None = None  # YYYY-MM-DD; before World.today means shut down
    owned_by: str = "system"
    created: int = 1_700_000_000
    requires_verification: bool = False
    alias_of: str | None = None  # the snapshot a success body reports as `model`


@dataclass
class ModelPermissions:
    mode: PermissionMode
    model_ids: list[str]

    def allows(self, model_id: str) -> bool:
        # Exact ids: whether an allow-listed alias also admits its snapshots is unconfirmed.
        listed = model_id in self.model_ids
        return listed if self.mode == "allow_list" else not listed


@dataclass
class Project:
    id: str
    name: str
    permissions: ModelPermissions | None = None


@dataclass
class Organization:
    id: str
    name: str  # echoed in the `openai-organization` response header, as OpenAI does
    projects: list[Project]
    verified: bool = True
    quota_exhausted: bool = False
    rate_limited: bool = False
    retry_after_seconds: float = 20.0
    # Models that exist but this organization cannot see (staged roll-outs, access programs).
    unavailable_models: frozenset[str] = frozenset()
    fine_tuned_models: tuple[ModelSpec, ...] = ()


@dataclass(frozen=True)
class ApiKey:
    name: str
    value: str
    kind: KeyKind
    org_id: str
    project_id: str | None  # None for admin keys
    scopes: frozenset[str] | None = None  # None: unrestricted; a set: a restricted key's grants
    purpose: str = ""

    @property
    def restricted(self) -> bool:
        return self.scopes is not None

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes


@dataclass
class World:
    models: tuple[ModelSpec, ...]
    organizations: list[Organization]
    keys: list[ApiKey]
    today: datetime.date = datetime.date(2026, 11, 23)
    # Whether GET /v1/models hides models a project's allow/deny list blocks. Unconfirmed
    # for real OpenAI (reference §5), so tests can flip it.
    list_respects_permissions: bool = True
    # What GET …/model_permissions answers for a project without a policy: the SDK type only
    # knows allow_list/deny_list, so either an empty deny list or a 404.
    unrestricted_permissions: UnrestrictedPermissions = "empty_deny_list"

    def copy(self) -> World:
        return copy.deepcopy(self)

    def key(self, value: str) -> ApiKey | None:
        return next((k for k in self.keys if k.value == value), None)

    def key_named(self, name: str) -> ApiKey:
        for k in self.keys:
            if k.name == name:
                return k
        raise KeyError(name)

    def organization(self, org_id: str) -> Organization | None:
        return next((o for o in self.organizations if o.id == org_id), None)

    def project(self, project_id: str) -> tuple[Organization, Project] | None:
        for org in self.organizations:
            for project in org.projects:
                if project.id == project_id:
                    return org, project
        return None

    def model(self, model_id: str, org: Organization | None = None) -> ModelSpec | None:
        """The model as `org` sees it: None when unknown or unavailable to that organization."""
        if org is not None:
            if model_id in org.unavailable_models:
                return None
            for ft in org.fine_tuned_models:
                if ft.id == model_id:
                    return ft
        return next((m for m in self.models if m.id == model_id), None)

    def lifecycle(self, model: ModelSpec) -> Lifecycle:
        if model.shutdown_date is None:
            return "active"
        if datetime.date.fromisoformat(model.shutdown_date) < self.today:
            return "shutdown"
        return "deprecated"

    def visible_models(self, org: Organization) -> list[ModelSpec]:
        candidates = [*self.models, *org.fine_tuned_models]
        return [m for m in candidates if m.id not in org.unavailable_models and self.lifecycle(m) != "shutdown"]
