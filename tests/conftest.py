"""Shared fixtures. "Today" is pinned so that lifecycle assertions do not drift with the clock."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from mcp import Client

from model_access.catalog import Catalog, load_catalog
from model_access.config import Config, load_config
from model_access.mcp_server import create_server

TODAY = date(2026, 11, 23)
REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True, scope="session")
def _scan_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    # The scan's result cache goes to a temporary folder, not the user's ~/.cache.
    os.environ["MODEL_ACCESS_CACHE_DIR"] = str(tmp_path_factory.mktemp("scan-cache"))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(TODAY)


def offline_env(**extra: str) -> dict[str, str]:
    """The environment of a server with no key: nothing of the developer's own leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "AZURE_OPENAI", "MODEL_ACCESS"))}
    env["MODEL_ACCESS_TODAY"] = TODAY.isoformat()
    env.update(extra)
    return env


@pytest.fixture
def offline_config(tmp_path: Path) -> Config:
    return load_config({"MODEL_ACCESS_TODAY": TODAY.isoformat(), "MODEL_ACCESS_ROOTS": str(tmp_path)})


@pytest.fixture
async def client(offline_config: Config) -> AsyncIterator[Client]:
    async with Client(create_server(offline_config)) as session:
        yield session


def console_script(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else name
