"""The MCP front end: nine tools, four resources, one prompt — thin adapters over the services.

`create_server(config)` builds the server from three modules: `tools` (the tools, each a plain
function), `resources` (the catalog resources, the prompt, completion) and `boundary` (the one
middleware every request and result passes: redaction, unknown tools, plain argument errors, slim
schemas). `main()` reads the environment once and serves stdio. Nothing heavy is imported here: the
`openai` SDK, rapidfuzz and the catalog file are loaded by the first tool call that needs them.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mcp.server import MCPServer

from . import mcp_shape, package_version, resources, tools
from .boundary import Boundary
from .config import Config, load_config
from .errors import ConfigError
from .redact import install_log_redaction, redact
from .state import AppState

SERVER_NAME = "model-access"


def create_server(config: Config) -> MCPServer[AppState]:
    # One state per server: resources, completions and every connection share the catalog and caches.
    state = AppState(config)

    @asynccontextmanager
    async def lifespan(_: MCPServer[AppState]) -> AsyncIterator[AppState]:
        try:
            yield state
        finally:
            await state.aclose()

    app: MCPServer[AppState] = MCPServer(
        SERVER_NAME,
        title="Model access for OpenAI",
        version=package_version(),
        instructions=mcp_shape.instructions(config),
        lifespan=lifespan,
    )
    offered = tools.register(app, config)
    sizes = resources.register(app, state)
    app.middleware.append(Boundary(offered, config.admin_unavailable, sizes))
    return app


def main(argv: list[str] | None = None) -> None:
    """Console script `model-access-mcp`: serve MCP over stdio."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="model-access-mcp",
        description="MCP server (stdio) that resolves OpenAI model_not_found errors. "
        "Configure with OPENAI_API_KEY, OPENAI_PROJECT_ID, OPENAI_ADMIN_KEY, OPENAI_BASE_URL, "
        "AZURE_OPENAI_ENDPOINT/AZURE_OPENAI_API_KEY; MODEL_ACCESS_ROOTS limits the folders it may read/write.",
    )
    parser.add_argument("--root", action="append", default=[], help="allowed folder for scan/fix (repeatable)")
    parser.add_argument("--version", action="version", version=package_version())
    args = parser.parse_args(argv)
    serve_stdio(tuple(args.root))


def serve_stdio(roots: tuple[str, ...] = ()) -> None:
    install_log_redaction()
    try:
        config = load_config(roots=roots)
    except ConfigError as exc:
        print(f"model-access-mcp: {redact(str(exc))}", file=sys.stderr)
        raise SystemExit(2) from None
    create_server(config).run()
