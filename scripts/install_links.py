"""One-click install links for VS Code and Cursor, printed as the README's Markdown.

    python scripts/install_links.py

Two forms: from the Git repository (works before any PyPI release: `uvx --from git+URL`) and from
PyPI (`uvx model-access-mcp`, once published). The README's links are this script's output; a test
keeps them in sync. The key is never in a link: VS Code prompts for it (stored in its secret
storage), Cursor reads it from the environment it was started in.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

NAME = "model-access"
GIT_URL = "git+https://github.com/model-access/model-access-mcp"
FORMS = {
    "git": ("uvx", ["--from", GIT_URL, "model-access-mcp"]),
    "pypi": ("uvx", ["model-access-mcp"]),
}
VSCODE_INPUTS = [
    {
        "type": "promptString",
        "id": "openai-api-key",
        "description": "OpenAI API key (sk-...), stored in VS Code's secret storage",
        "password": True,
    }
]


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def vscode_config(form: str) -> dict[str, object]:
    command, args = FORMS[form]
    return {"command": command, "args": args, "env": {"OPENAI_API_KEY": "${input:openai-api-key}"}}


def cursor_config(form: str) -> dict[str, object]:
    command, args = FORMS[form]
    return {"command": command, "args": args, "env": {"OPENAI_API_KEY": "${env:OPENAI_API_KEY}"}}


def vscode_link(form: str) -> str:
    """The https redirect (GitHub renders it; it opens VS Code's own vscode:mcp/install handler)."""
    return (
        f"https://insiders.vscode.dev/redirect/mcp/install?name={NAME}"
        f"&inputs={quote(_compact(VSCODE_INPUTS), safe='')}&config={quote(_compact(vscode_config(form)), safe='')}"
    )


def vscode_uri(form: str) -> str:
    """The direct handler URI, for pages that may link custom schemes."""
    return "vscode:mcp/install?" + quote(
        _compact({"name": NAME, **vscode_config(form), "inputs": VSCODE_INPUTS}), safe=""
    )


def cursor_link(form: str) -> str:
    encoded = base64.b64encode(_compact(cursor_config(form)).encode()).decode()
    return f"cursor://anysphere.cursor-deeplink/mcp/install?name={NAME}&config={quote(encoded, safe='')}"


def markdown() -> str:
    rows = [
        "| | VS Code | Cursor |",
        "|---|---|---|",
        f"| from GitHub (works today) | [Install]({vscode_link('git')}) | [Install]({cursor_link('git')}) |",
        f"| from PyPI (after the first release) | [Install]({vscode_link('pypi')}) | [Install]({cursor_link('pypi')}) |",
    ]
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown())
