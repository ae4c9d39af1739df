"""model-access-mcp: resolve OpenAI model_not_found errors from your editor (MCP server and CLI).

The package's modules, by layer: `catalog` (what OpenAI models exist, from the bundled snapshot and
the installed `openai` SDK), `providers` and `live` (the configured provider's own answers),
`judgment` (one verdict from the facts), `diagnosis` (error texts), `code` (model ids in source
files), then the front ends `cli` and `mcp_server` (with `tools`, `resources`, `boundary`).
"""

DISTRIBUTION = "model-access-mcp"


def package_version() -> str:
    """The installed distribution's version (looked up on call: importlib.metadata costs ~20 ms)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # running from a source tree
        return "0.0.0+source"
