"""Project model permissions: plan, confirm, write, read back (issue 3 builds it out)."""

from __future__ import annotations

from typing import Any

from ..errors import NotAvailable
from ..results import PermissionsChange


async def update_with_confirmation(
    state: Any, ctx: Any, project_id: str, allow: list[str], unblock: list[str], remove: bool, confirm: bool
) -> PermissionsChange:
    raise NotAvailable("update_project_model_permissions is not available yet in this version of model-access-mcp.")
