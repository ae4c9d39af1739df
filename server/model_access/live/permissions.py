"""Project model permissions: plan from the current policy, confirm, write, read back.

Never drops an id it was not asked to change. Writes only after the user confirms: through an
elicitation prompt where the client supports it, else only with `confirm=true`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from ..errors import InvalidInput, LookupFailed
from ..results import PermissionsChange, ProjectPermissions


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


def plan_change(
    current: ProjectPermissions, allow: list[str], unblock: list[str], remove_restriction: bool
) -> ProjectPermissions:
    """The policy after the change. `allow` and `unblock` both make models callable."""
    if not (allow or unblock or remove_restriction):
        raise InvalidInput("Nothing to change: pass allow=[…], unblock=[…] or remove_restriction=true.")
    wanted = list(dict.fromkeys([*allow, *unblock]))
    for model_id in wanted:
        if not model_id.strip() or len(model_id) > 200:
            from ..redact import clip  # redact before truncating (a cut key is not recognised)

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


async def update_with_confirmation(
    state: Any,
    ctx: Any,
    project_id: str,
    allow: list[str],
    unblock: list[str],
    remove: bool,
    confirm: bool,
    approval: Approval | None = None,
) -> PermissionsChange:
    live = state.live
    before = await live.get_permissions(project_id)
    after = plan_change(before, allow, unblock, remove)
    summary = describe(before, after)
    if after.mode == before.mode and after.model_ids == before.model_ids:
        return PermissionsChange(
            project_id=before.project_id,
            before=before,
            after=before,
            applied=False,
            message=f"Nothing to change: {summary}. The models asked for are already callable.",
        )
    approved = confirm or (approval is not None and approval.approve)
    if not approved:
        why = (
            "You declined the change."
            if approval is not None
            else "Not applied: confirm with the user, then call again with confirm=true."
        )
        return PermissionsChange(
            project_id=before.project_id, before=before, after=after, applied=False, message=f"Plan: {summary}. {why}"
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
        message=f"Applied: {summary}. Read back: {reread.mode} [{', '.join(reread.model_ids)}].",
    )
