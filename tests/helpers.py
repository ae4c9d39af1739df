"""Plain helpers shared by the tests (fixtures live in conftest.py, which imports these)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 23)  # pinned, so lifecycle assertions do not drift with the clock
REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# Lines printed at the end of the run (pytest_terminal_summary in conftest.py): tallies that a
# module gathers over its tests, such as how many hostile inputs were tried.
SUMMARY_LINES: list[Callable[[], str | None]] = []


def summary_line(line: Callable[[], str | None]) -> Callable[[], str | None]:
    """Register a function whose line (None: nothing to say) is printed after the run."""
    SUMMARY_LINES.append(line)
    return line


def offline_env(**extra: str) -> dict[str, str]:
    """The environment of a server with no key: nothing of the developer's own leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "AZURE_OPENAI", "MODEL_ACCESS"))}
    env["MODEL_ACCESS_TODAY"] = TODAY.isoformat()
    env.update(extra)
    return env


def console_script(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else name


def text_of(result: Any) -> str:
    """The text blocks of a tool result, joined (a result may also carry other kinds of content)."""
    from mcp.types import TextContent

    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))
