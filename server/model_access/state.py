"""Shared state of one server or CLI run: the config, the catalog and (later) live clients.

Everything heavy is created on first use, not at construction: the server answers
`tools/list` before the catalog file is parsed or the `openai` SDK is imported.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from .catalog import Catalog, load_catalog, system_today
from .config import Config

if TYPE_CHECKING:
    from .code.walk import WalkResult
    from .live import LiveService


class AppState:
    def __init__(self, config: Config) -> None:
        self.config = config
        self._catalog: Catalog | None = None
        self._live: LiveService | None = None
        self._lock = threading.Lock()
        # The file list the last CLI scan walked (code/answer.py stores the answer against it).
        self.last_walk: WalkResult | None = None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            with self._lock:
                if self._catalog is None:
                    # A pinned date (MODEL_ACCESS_TODAY) stays; otherwise the clock is read per request.
                    self._catalog = load_catalog(self.config.today or system_today)
        return self._catalog

    @property
    def live(self) -> LiveService:
        """The live layer (imports the openai SDK on first use)."""
        if self._live is None:
            with self._lock:
                if self._live is None:
                    from .live import LiveService

                    self._live = LiveService(self.config, lambda: self.catalog)
        return self._live

    async def __aenter__(self) -> AppState:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        live, self._live = self._live, None
        if live is not None:
            await live.aclose()
