"""The live layer: the caller's real account through the openai SDK (issue 3 builds it out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..config import Config
from ..errors import NotAvailable
from ..results import AccessCheck, AccessibleModels, ProjectPermissions

if TYPE_CHECKING:
    from ..catalog import Catalog

_NOT_YET = "{what} is not available yet in this version of model-access-mcp (the live layer is being built)."


class LiveService:
    def __init__(self, config: Config, catalog: Callable[[], Catalog]) -> None:
        self.config = config
        self._catalog = catalog

    async def list_models(
        self, endpoint: str | None, refresh: bool = False, provider: str = "auto"
    ) -> AccessibleModels:
        raise NotAvailable(_NOT_YET.format(what="The live model list"))

    async def listed_ids(self) -> set[str] | None:
        return None

    async def check_access(self, model: str, endpoint: str | None, probe: bool = False) -> AccessCheck:
        raise NotAvailable(_NOT_YET.format(what="check_model_access"))

    async def get_permissions(self, project_id: str | None) -> ProjectPermissions:
        raise NotAvailable(_NOT_YET.format(what="get_project_model_permissions"))

    async def aclose(self) -> None:
        return None
