"""Result models of the tool contract (design.md). Field names are fixed: assistants read them.

These pydantic models become each MCP tool's output schema and structured content, and the
CLI prints them with `--json`. Services build them; front ends only pass them through.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .vocab import Category, Lifecycle, Problem, Verdict

Source = Literal["live", "catalog", "sdk"]


class CatalogInfo(BaseModel):
    as_of: str = Field(description="Date the bundled catalog snapshot was built from its sources.")
    built_with_openai: str | None = Field(description="openai SDK version the snapshot was built from.")
    installed_openai: str | None = Field(description="openai SDK version installed here (its new ids are merged).")
    today: str = Field(description="The date lifecycle decisions were made for.")


# ------------------------------------------------------------------ list_accessible_models


class ModelEntry(BaseModel):
    id: str
    owned_by: str | None = None
    lifecycle: Lifecycle | None = Field(description="null when the catalog does not know the id (non-OpenAI models).")
    shutdown_date: str | None = None
    endpoints: list[str] = Field(default_factory=list)
    in_catalog: bool


class AccessibleModels(BaseModel):
    source: Literal["live", "catalog"]
    provider: str
    base_url: str | None
    organization: str | None = None
    project: str | None = None
    fetched_at: str = Field(description="When the live list was fetched, or the catalog's as_of date.")
    models: list[ModelEntry]
    count: int
    warnings: list[str] = Field(default_factory=list)
    total: int | None = Field(default=None, description="Models matching before `limit`; more than count = cut.")


# ------------------------------------------------------------------ suggest_replacement


class Suggestion(BaseModel):
    id: str
    reason: str
    score: float = Field(ge=0, le=1)
    lifecycle: Lifecycle
    shutdown_date: str | None = None
    accessible: bool | None = Field(description="Callable by this key (listed, policy allows); null: not checked.")
    endpoint: str | None = Field(default=None, description="The endpoint the call must move to, if any.")


class ReplacementAdvice(BaseModel):
    model: str = Field(description="The id as given.")
    status: Literal["known", "deprecated", "retired", "unknown"]
    reason: str
    suggestions: list[Suggestion]
    source: Source = "catalog"
    catalog: CatalogInfo


# ------------------------------------------------------------------ check_endpoint_for_model


class EndpointAdvice(BaseModel):
    model: str
    endpoint: str = Field(description="Canonical name of the endpoint asked about.")
    supported: bool | None = Field(description="null when the model is not in the catalog.")
    supported_endpoints: list[str]
    recommended_endpoint: str | None
    sdk_call: str | None = Field(description="The openai-python call for the recommended endpoint.")
    explanation: str
    source: Source = "catalog"
    catalog: CatalogInfo


# ------------------------------------------------------------------ check_model_access


class ProjectPermissions(BaseModel):
    project_id: str
    mode: Literal["allow_list", "deny_list", "none"]
    model_ids: list[str]
    source: str = Field(description="Where the policy was read: the admin API, or 'unavailable' with why.")


class AccessCheck(BaseModel):
    model: str
    resolved_model: str | None = Field(default=None, description="Closest catalog id (not the verdict).")
    endpoint: str | None = None
    verdict: Verdict
    category: str | None = Field(default=None, description="The cause, as diagnose_error names it.")
    rule: str = Field(default="", description="The deciding rule.")
    evidence: list[str]
    project_permissions: ProjectPermissions | None = None
    policy_source: str = Field(default="not_checked", description="Where the project policy came from.")
    suggested_models: list[str] = Field(default_factory=list)
    next_steps: list[str]
    provider: str
    base_url: str | None = None
    organization: str | None = None
    project: str | None = None
    checked_at: str


class PermissionsChange(BaseModel):
    project_id: str
    before: ProjectPermissions
    after: ProjectPermissions
    applied: bool
    message: str
    plan_digest: str | None = None


# ------------------------------------------------------------------ diagnose_error


class ErrorFacts(BaseModel):
    status: int | None = None
    error_code: str | None = None
    error_type: str | None = None
    model: str | None = None
    project_id: str | None = None
    organization_id: str | None = None
    request_id: str | None = None
    endpoint: str | None = None
    param: str | None = None


class Fix(BaseModel):
    title: str
    detail: str
    url: str | None = None
    code: str | None = None


class Alternative(BaseModel):
    category: Category
    confidence: float = Field(ge=0, le=1)


class Diagnosis(BaseModel):
    category: Category
    confidence: float = Field(ge=0, le=1)
    summary: str
    explanation: str
    facts: ErrorFacts
    evidence: list[str]
    fixes: list[Fix]
    alternatives: list[Alternative]
    suggested_models: list[str]
    checked_live: bool


# ------------------------------------------------------------------ scan / fix


class Reference(BaseModel):
    file: str
    line: int = Field(ge=1)
    column: int = Field(ge=1)
    model: str
    kind: Literal["code", "config", "comment", "prose"]
    call: str | None = None
    lifecycle: Lifecycle | None = None
    problem: Problem | None = None
    shutdown_date: str | None = None
    suggestion: str | None = None


class FileCount(BaseModel):
    file: str
    references: int
    problems: int


class ScanSummary(BaseModel):
    """What an assistant reads first: totals by problem and the files with the most problems."""

    references: int
    problems: dict[str, int]
    top_files: list[FileCount]
    shown: int  # references in this result (after problems_only, cursor and limit)
    next_cursor: str | None = None  # pass as `cursor` for the next page; None on the last page


class ScanResult(BaseModel):
    summary: ScanSummary | None = None
    references: list[Reference]
    files_scanned: int
    counts: dict[str, int]
    skipped: list[str] = Field(default_factory=list)
    # files_walked, prefiltered_away (read, no candidate, never parsed), parsed, cache_hits, streamed
    stats: dict[str, int] = Field(default_factory=dict)


class Edit(BaseModel):
    file: str
    line: int
    column: int
    old: str
    new: str


class FixResult(BaseModel):
    diff: str
    edits: list[Edit]
    applied: bool
    files_changed: list[str]
    # SHA-256 of this plan (file hashes + edits): pass it back with apply=true to write exactly this diff.
    digest: str | None = None
    not_editable: list[str] = Field(default_factory=list)
