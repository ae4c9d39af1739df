"""Error text → parsed facts → one category with evidence and fixes (issue 4 builds it out)."""

from __future__ import annotations

from typing import Any

from ..errors import NotAvailable
from ..results import Diagnosis


async def diagnose(
    state: Any, error: str, model: str | None = None, endpoint: str | None = None, live: bool = True
) -> Diagnosis:
    raise NotAvailable("diagnose_error is not available yet in this version of model-access-mcp.")
