"""Project model permissions: plan from the current policy, confirm, write, read back.

Never drops an id it was not asked to change. Writes only after the user confirms: through an
elicitation prompt where the client supports it, else only with `confirm=true`.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from ..catalog import strip_provider
from ..errors import InvalidInput, LookupFailed
from ..redact import clip
from ..results import PermissionsChange, ProjectPermissions

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..state import AppState


class Approval(BaseModel):
    approve: bool = Field(description="Apply this change to the project's model permissions?")


def approval_from(decision: Any) -> Approval | None:
    """The user's answer to the elicitation, whatever shape the SDK injected; None if not asked."""
    if decision is None:
        return None
    if isinstance(decision, Approval):
        return decision
    action = getattr(decision, "action", None)
    data = getattr(decision, "data", None)
    if action == "accept" and isinstance(data, Approval):
        return data
    if action in ("decline", "cancel"):
        return Approval(approve=False)
    return None  # nothing was asked


def normalize_ids(
    catalog: Catalog, listed: frozenset[str] | None, ids: list[str], in_policy: frozenset[str] = frozenset()
) -> list[str]:
    """Each id as the API spells it; refuse anything that is not a current model id.

    Whitespace, letter case and a provider prefix are fixed when that leaves exactly one known id
    (from the catalog or the key's listing); an unknown or shut-down id is refused with the
    closest real id, so a policy never gains an id that can match nothing.
    """
    from ..suggest import meant_id, suggest_replacement

    out: list[str] = []
    problems: list[str] = []
    # Known: the catalog, the key's listing, and the ids the policy already names (a denied id, or a
    # model newer than the catalog, may be hidden from the listing by that very policy).
    known = set(catalog.records) | set(listed or ()) | set(in_policy)
    lowered = {m.lower(): m for m in known}
    for raw in ids:
        text = raw.strip()
        if not text or len(text) > 200 or any(ord(c) < 32 for c in text):
            problems.append(f"{clip(raw, 40)!r} is not a model id")  # clip redacts before truncating
            continue
        stripped, _ = strip_provider(text)
        if text.startswith("ft:") and _FINE_TUNE_ID.fullmatch(text):
            out.append(text)  # a fine-tune id is exact by construction; the listing may hide it
            continue
        exact = next((c for c in (text, stripped) if c in known), None) or lowered.get(stripped.lower())
        if exact is None:
            meant = meant_id(suggest_replacement(catalog, text, limit=3))
            hint = f"; did you mean {meant!r}?" if meant else ""
            problems.append(f"{clip(text, 60)!r} is not a model id this key or the catalog knows{hint}")
            continue
        record = catalog.get(exact)
        if record is not None and catalog.lifecycle(record) == "shutdown":
            advice = suggest_replacement(catalog, exact, limit=1)
            hint = f"; its replacement is {advice.suggestions[0].id!r}" if advice.suggestions else ""
            problems.append(f"{exact} was shut down on {record.shutdown_date}: allowing it cannot help{hint}")
            continue
        out.append(exact)
    if problems:
        raise InvalidInput("Nothing was changed: " + "; ".join(problems) + ".")
    return list(dict.fromkeys(out))


_FINE_TUNE_ID = re.compile(r"ft:[a-z0-9][a-z0-9.\-]*:[A-Za-z0-9_.\-]*:[A-Za-z0-9_.\-]*:[A-Za-z0-9_\-]+")


def plan_digest(before: ProjectPermissions, after: ProjectPermissions) -> str:
    """A short digest of exactly the change shown: the write happens only for the same digest."""
    shown = {
        "project": before.project_id,
        "before": [before.mode, sorted(before.model_ids)],
        "after": [after.mode, after.model_ids],
    }
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:16]


def plan_change(
    current: ProjectPermissions, allow: list[str], unblock: list[str], remove_restriction: bool
) -> ProjectPermissions:
    """The policy after the change. `allow` and `unblock` both make models callable."""
    if not (allow or unblock or remove_restriction):
        raise InvalidInput("Nothing to change: pass allow=[…], unblock=[…] or remove_restriction=true.")
    wanted = list(dict.fromkeys([*allow, *unblock]))
    for model_id in wanted:
        if not model_id.strip() or len(model_id) > 200:
            raise InvalidInput(f"{clip(model_id, 40)!r} is not a model id")
    if remove_restriction:
        return ProjectPermissions(project_id=current.project_id, mode="none", model_ids=[], source="plan")
    ids = list(current.model_ids)
    if current.mode == "allow_list":
        ids += [m for m in wanted if m not in ids]
    elif current.mode == "deny_list":
        ids = [m for m in ids if m not in wanted]
    return ProjectPermissions(project_id=current.project_id, mode=current.mode, model_ids=ids, source="plan")


def describe(before: ProjectPermissions, after: ProjectPermissions) -> str:
    def show(p: ProjectPermissions) -> str:
        return "no restriction" if p.mode == "none" else f"{p.mode} [{', '.join(p.model_ids) or 'empty'}]"

    return f"Project {before.project_id}: {show(before)} → {show(after)}"


async def write(live: Any, after: ProjectPermissions) -> None:
    admin = live.admin_client()
    permissions = admin.admin.organization.projects.model_permissions
    pid = after.project_id
    if after.mode == "none":
        await live.call(f"DELETE /organization/projects/{pid}/model_permissions", lambda: permissions.delete(pid))
    else:
        mode: Literal["allow_list", "deny_list"] = after.mode  # type: ignore[assignment]
        await live.call(
            f"POST /organization/projects/{pid}/model_permissions",
            lambda: permissions.update(pid, mode=mode, model_ids=after.model_ids),
        )


async def plan_for(state: AppState, project_id: str, allow: list[str], unblock: list[str], remove: bool) -> Plan:
    """Read the current policy and compute the change, with ids validated and normalised."""
    live = state.live
    listed: frozenset[str] | None = None
    if state.config.has_key:
        try:
            listed = frozenset(str(m.id) for m in (await live.listing()).models)
        except LookupFailed:
            listed = None
    catalog = state.catalog
    before = await live.get_permissions(project_id)
    named = frozenset(before.model_ids)
    allow = normalize_ids(catalog, listed, allow, named)
    unblock = normalize_ids(catalog, listed, unblock, named)
    after = plan_change(before, allow, unblock, remove)
    return Plan(before, after, plan_digest(before, after))


def _can_ask(ctx: object) -> bool:
    capabilities = getattr(ctx, "client_capabilities", None) if ctx is not None else None
    return capabilities is not None and getattr(capabilities, "elicitation", None) is not None


class Plan:
    def __init__(self, before: ProjectPermissions, after: ProjectPermissions, digest: str) -> None:
        self.before = before
        self.after = after
        self.digest = digest

    @property
    def changes(self) -> bool:
        return (self.after.mode, self.after.model_ids) != (self.before.mode, self.before.model_ids)

    def question(self) -> str:
        return f"{describe(self.before, self.after)} (plan {self.digest}). Apply this change?"


def _refusal(
    plan: Plan,
    approval: Approval | None,
    asked_digest: str | None,
    confirm: bool,
    can_ask: bool,
    plan_digest_arg: str | None,
) -> str | None:
    """Why this plan may not be written now (None: the user approved exactly this plan)."""
    summary = describe(plan.before, plan.after)
    if approval is not None:
        if not approval.approve:
            return f"Plan: {summary}. You declined the change."
        if asked_digest != plan.digest:
            return (
                f"Not applied: the policy changed after you were asked. The plan is now: {summary} "
                f"(plan {plan.digest}); call again to be asked about this one."
            )
        return None
    if confirm and can_ask:
        # The client can ask, yet nobody was asked (the plan could not be shown): confirm=true
        # never stands in for a question that could have been put to the user.
        return (
            f"Not applied: this client can ask the user, and no question was put (plan {plan.digest}). Call "
            "again without confirm to have the user asked."
        )
    if not confirm:
        return (
            f"Plan: {summary} (plan {plan.digest}). Not applied: show this plan to the user; only if they "
            f"approve, call again with confirm=true and plan_digest={plan.digest!r}."
        )
    if plan_digest_arg != plan.digest:
        why = "no plan_digest was given" if not plan_digest_arg else "the plan differs from the one approved"
        return (
            f"Not applied: {why}. The plan is: {summary} (plan {plan.digest}); after the user approves "
            f"exactly this plan, call again with confirm=true and plan_digest={plan.digest!r}."
        )
    return None


async def update_with_confirmation(
    state: AppState,
    ctx: object,
    project_id: str,
    allow: list[str],
    unblock: list[str],
    remove: bool,
    confirm: bool,
    approval: Approval | None = None,
    *,
    asked_digest: str | None = None,
    plan_digest_arg: str | None = None,
) -> PermissionsChange:
    """Plan; write only what the user approved, and only if the policy is still what they saw.

    `approval`/`asked_digest`: the user's answer to the question that showed the plan with that
    digest (clients that can be asked). `confirm` + `plan_digest_arg`: the fallback for clients
    that cannot ask — the assistant passes back the digest of the plan it showed the user.
    """
    live = state.live
    plan = await plan_for(state, project_id, allow, unblock, remove)
    before, after = plan.before, plan.after
    summary = describe(before, after)

    def unapplied(after: ProjectPermissions, message: str) -> PermissionsChange:
        return PermissionsChange(
            project_id=before.project_id,
            before=before,
            after=after,
            applied=False,
            message=message,
            plan_digest=plan.digest,
        )

    if not plan.changes:
        return unapplied(before, f"Nothing to change: {summary}. The models asked for are already callable.")
    refused = _refusal(plan, approval, asked_digest, confirm, _can_ask(ctx), plan_digest_arg)
    if refused is not None:
        return unapplied(after, refused)
    # Read once more right before writing: a policy someone changed meanwhile is never overwritten.
    current = await live.get_permissions(before.project_id)
    if (current.mode, current.model_ids) != (before.mode, before.model_ids):
        return unapplied(
            after,
            f"Not applied: the project's policy changed since the plan was made (now {current.mode} "
            f"[{', '.join(current.model_ids)}]). Plan again and ask the user about the new plan.",
        )
    await write(live, after)
    try:
        reread = await live.get_permissions(before.project_id)
    except LookupFailed as exc:
        reread = after.model_copy(update={"source": f"written; read-back failed: {exc}"})
    return PermissionsChange(
        project_id=before.project_id,
        before=before,
        after=reread,
        applied=True,
        plan_digest=plan.digest,
        message=f"Applied: {summary}. Read back: {reread.mode} [{', '.join(reread.model_ids)}].",
    )
