"""Shared fixtures (plain helpers are in helpers.py). "Today" is pinned: see helpers.TODAY."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from mcp import Client

from model_access.catalog import Catalog, load_catalog
from model_access.config import Config, load_config
from model_access.mcp_server import create_server

from .helpers import SUMMARY_LINES, TODAY


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


@pytest.fixture
def offline_config(tmp_path: Path) -> Config:
    return load_config({"MODEL_ACCESS_TODAY": TODAY.isoformat(), "MODEL_ACCESS_ROOTS": str(tmp_path)})


@pytest.fixture
async def client(offline_config: Config) -> AsyncIterator[Client]:
    async with Client(create_server(offline_config)) as session:
        yield session


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in SUMMARY_LINES:
        text = line()
        if text:
            terminalreporter.write_line(text)
