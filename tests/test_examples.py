"""Every client set-up example in the repo parses, has the right keys, and names a real command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from model_access.config import load_config

from .helpers import BIN, REPO

tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11+")

CLIENTS = REPO / "examples" / "clients"
JSON_EXAMPLES = {
    REPO / "claude_desktop_config.example.json": "mcpServers",
    CLIENTS / "claude-code.mcp.json": "mcpServers",
    CLIENTS / "cursor.mcp.json": "mcpServers",
    CLIENTS / "windsurf.mcp_config.json": "mcpServers",
    CLIENTS / "vscode.mcp.json": "servers",
    CLIENTS / "zed.settings.json": "context_servers",
}


def _check_entry(entry: dict[str, object]) -> None:
    command, args = entry["command"], entry.get("args", [])
    assert (command, args) in (("uvx", ["model-access-mcp"]), ("model-access-mcp", [])), entry
    env = entry.get("env", {})
    assert isinstance(env, dict) and "OPENAI_API_KEY" in env


@pytest.mark.parametrize("path", list(JSON_EXAMPLES), ids=lambda p: p.name)
def test_json_example_parses_and_starts_our_server(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    servers = data[JSON_EXAMPLES[path]]
    _check_entry(servers["model-access"])


def test_vscode_example_prompts_for_the_key_instead_of_storing_it():
    data = json.loads((CLIENTS / "vscode.mcp.json").read_text())
    entry = data["servers"]["model-access"]
    assert entry["type"] == "stdio"
    assert entry["env"]["OPENAI_API_KEY"] == "${input:openai-api-key}"
    key_input = next(i for i in data["inputs"] if i["id"] == "openai-api-key")
    assert key_input["type"] == "promptString" and key_input["password"] is True


def test_codex_example_forwards_the_key_and_sets_a_start_up_timeout():
    data = tomllib.loads((CLIENTS / "codex.config.toml").read_text())
    entry = data["mcp_servers"]["model-access"]
    _check_entry({**entry, "env": {"OPENAI_API_KEY": "forwarded"}})
    assert "OPENAI_API_KEY" in entry["env_vars"]
    assert entry["startup_timeout_sec"] >= 10


def test_registry_server_json_matches_the_package():
    data = json.loads((REPO / "server.json").read_text())
    assert data["$schema"].endswith("/2025-12-11/server.schema.json")
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    package = data["packages"][0]
    assert package["registryType"] == "pypi" and package["identifier"] == project["name"]
    assert data["version"] == package["version"] == project["version"]
    secrets = {v["name"] for v in package["environmentVariables"] if v["isSecret"]}
    assert secrets == {"OPENAI_API_KEY", "OPENAI_ADMIN_KEY", "AZURE_OPENAI_API_KEY"}
    assert f"mcp-name: {data['name']}" in (REPO / "README.md").read_text()


def test_the_commands_the_examples_name_exist_after_install():
    for name in ("model-access-mcp", "model-access"):
        assert (BIN / name).exists() or shutil.which(name), name


def test_unexpanded_placeholders_from_a_client_count_as_unset():
    config = load_config({"OPENAI_API_KEY": "${env:OPENAI_API_KEY}", "OPENAI_PROJECT_ID": "${input:x}"})
    assert config.api_key is None and config.project is None and config.provider == "none"
