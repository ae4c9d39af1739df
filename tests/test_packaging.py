"""Installable today: the editor examples start the server from a clone, the .mcpb bundle and the wheel
serve tools/list, server.json is valid against the registry's schema, the install links are in sync."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from jsonschema import Draft7Validator
from mcp import Client, StdioServerParameters

from .helpers import REPO, offline_env

pytestmark = pytest.mark.anyio

tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11+")

CLIENTS = REPO / "examples" / "clients"
CLONE = "/path/to/model-access-mcp"
SCHEMA = REPO / "tests" / "data" / "registry" / "server.schema.json"
# sha256 of https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json as published.
SCHEMA_SHA256 = "3fba09590c99f61735d234822279f4223fab9e300c0a81e81c91ab62a4114de0"
CORE_TOOLS = {"diagnose_error", "check_model_access", "list_accessible_models", "suggest_replacement"}
SERVER_KEYS = {"mcpServers", "servers", "context_servers"}


def _entry(path: Path) -> dict[str, Any]:
    if path.suffix == ".toml":
        return dict(tomllib.loads(path.read_text())["mcp_servers"]["model-access"])
    data = json.loads(path.read_text())
    key = next(k for k in data if k in SERVER_KEYS)
    return dict(data[key]["model-access"])


def _variants(folder: str) -> list[Path]:
    return sorted((CLIENTS / folder).iterdir())


def _primary(variant: Path) -> Path:
    return (
        REPO / "claude_desktop_config.example.json"
        if variant.name == "claude_desktop_config.json"
        else CLIENTS / variant.name
    )


async def _tools_of(command: str, args: list[str], env: dict[str, str], cwd: Path | None = None) -> set[str]:
    params = StdioServerParameters(command=command, args=args, env=env, cwd=str(cwd) if cwd else None)
    async with Client(params) as session:
        return {t.name for t in (await session.list_tools()).tools}


# ------------------------------------------------------------------ server.json


def test_the_pinned_registry_schema_is_the_published_one():
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256


def test_server_json_is_valid_for_the_registry_and_lists_every_variable_the_server_reads():
    schema = json.loads(SCHEMA.read_text())
    server = json.loads((REPO / "server.json").read_text())
    assert server["$schema"] == schema["$id"]
    Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER).validate(server)
    assert server["repository"] == {"url": "https://github.com/model-access/model-access-mcp", "source": "github"}
    assert server["websiteUrl"].startswith("https://github.com/model-access/model-access-mcp")
    read = set(
        re.findall(
            r'"((?:OPENAI|AZURE_OPENAI|MODEL_ACCESS)_[A-Z_]+)"', (REPO / "server/model_access/config.py").read_text()
        )
    )
    listed = {v["name"] for v in server["packages"][0]["environmentVariables"]}
    assert read and read == listed


def test_an_invalid_server_json_is_caught_by_the_schema():
    schema = json.loads(SCHEMA.read_text())
    server = json.loads((REPO / "server.json").read_text())
    server["description"] = "x" * 101  # the registry caps descriptions at 100 characters
    assert list(Draft7Validator(schema).iter_errors(server))


# ------------------------------------------------------------------ editor examples


@pytest.mark.parametrize(
    "variant", _variants("from-clone") + _variants("from-git"), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_each_variant_is_its_published_example_with_another_command(variant: Path):
    primary, other = _entry(_primary(variant)), _entry(variant)
    assert {k: v for k, v in primary.items() if k not in ("command", "args")} == {
        k: v for k, v in other.items() if k not in ("command", "args")
    }
    if variant.parent.name == "from-git":
        assert (other["command"], other["args"]) == (
            "uvx",
            ["--from", "git+https://github.com/model-access/model-access-mcp", "model-access-mcp"],
        )
    else:
        assert other["command"] == f"{CLONE}/.venv/bin/model-access-mcp" and not other.get("args")


def _clone_command(entry: dict[str, Any]) -> str:
    command = str(entry["command"]).replace(CLONE, str(REPO))
    if not Path(command).exists():
        pytest.skip(f"this checkout has no {command} (create the venv as the README says)")
    return command


@pytest.mark.slow
@pytest.mark.parametrize("variant", _variants("from-clone"), ids=lambda p: p.name)
async def test_each_editor_example_starts_the_server_from_a_clone(variant: Path, tmp_path: Path):
    entry = _entry(variant)
    command = _clone_command(entry)
    env = offline_env(**{k: v for k, v in entry.get("env", {}).items() if not v.startswith(("sk-", "proj_"))})
    # Editors start servers from unpredictable folders (Claude Desktop uses /): so does this test.
    tools = await _tools_of(command, entry.get("args", []), env, cwd=tmp_path)
    assert tools >= CORE_TOOLS


@pytest.mark.slow
async def test_uvx_from_a_clone_starts_the_server():
    uvx = shutil.which("uvx")
    if uvx is None:
        pytest.skip("uvx is not installed here; the venv-script form above is tested instead")
    assert await _tools_of(uvx, ["--from", str(REPO), "model-access-mcp"], offline_env()) >= CORE_TOOLS


# ------------------------------------------------------------------ .mcpb bundle and wheel


def _substitute(value: str, bundle: Path, folder: Path) -> list[str]:
    """What Claude Desktop does to a manifest value: ${__dirname}, and user_config (a list expands)."""
    if value == "${user_config.allowed_folders}":
        return [str(folder)]
    value = value.replace("${__dirname}", str(bundle))
    return [re.sub(r"\$\{user_config\.[a-z_]+\}", "", value)]


def _install_bundle(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_mcpb.py"), "--out", str(tmp_path / "dist"), "--deps", "env"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    archive = Path(out.stdout.strip().splitlines()[-1])
    assert archive.suffix == ".mcpb"
    bundle = tmp_path / "installed"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(bundle)
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert (bundle / manifest["server"]["entry_point"]).is_file()
    (tmp_path / "project").mkdir()
    return bundle, manifest


def _imported_from(python: str, env: dict[str, str]) -> str:
    code = "import model_access, pydantic, mcp; print(model_access.__file__, pydantic.__file__)"
    return subprocess.run([python, "-s", "-c", code], env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
async def test_the_mcpb_bundle_builds_and_its_manifest_command_serves_tools(tmp_path: Path):
    bundle, manifest = _install_bundle(tmp_path)
    assert manifest["manifest_version"] == "0.2" and manifest["server"]["type"] == "python"
    config = manifest["user_config"]
    assert config["openai_api_key"]["type"] == "string" and config["openai_api_key"]["sensitive"] is True
    assert config["allowed_folders"]["type"] == "directory" and config["allowed_folders"]["multiple"] is True
    assert {t["name"] for t in manifest["tools"]} >= CORE_TOOLS

    allowed = tmp_path / "project"
    mcp = manifest["server"]["mcp_config"]
    args = [a for value in mcp["args"] for a in _substitute(value, bundle, allowed)]
    env = offline_env(**{k: _substitute(v, bundle, allowed)[0] for k, v in mcp["env"].items()})
    env.pop("PYTHONHOME", None)
    # The interpreter without this venv's packages: everything must come from the bundle's lib.
    python = getattr(sys, "_base_executable", sys.executable)
    where = _imported_from(python, env)
    assert where.count(str(bundle / "server" / "lib")) == 2, where
    params = StdioServerParameters(command=python, args=["-s", *args], env=env, cwd="/")
    async with Client(params) as session:
        tools = {t.name for t in (await session.list_tools()).tools}
        scan = await session.call_tool("scan_model_references", {"path": "."})
    assert tools >= CORE_TOOLS
    assert not scan.is_error and scan.structured_content["files_scanned"] == 0  # "." is the picked folder


def _fresh_venv_with_the_wheel(tmp_path: Path) -> Path:
    """A new venv with the project installed from its wheel only; returns its bin folder."""
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)], check=True, timeout=120)
    wheel = next(wheels.glob("model_access_mcp-*.whl"))
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True, timeout=60)
    bindir = fresh / ("Scripts" if os.name == "nt" else "bin")
    python = str(bindir / ("python.exe" if os.name == "nt" else "python"))
    subprocess.run([*pip, "--python", python, "install", "-q", "--no-deps", str(wheel)], check=True, timeout=120)
    # Dependencies: this venv's, pinned by the same constraints, reached through a .pth (pip --no-deps
    # keeps the test offline and fast); the project itself comes only from the wheel.
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "deps_from_test_venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    code = "import model_access; print(model_access.__file__)"
    where = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout
    assert where.startswith(site), where
    return bindir


@pytest.mark.slow
async def test_the_wheel_installed_into_a_fresh_venv_serves_tools(tmp_path: Path):
    bindir = _fresh_venv_with_the_wheel(tmp_path)
    params = StdioServerParameters(command=str(bindir / "model-access-mcp"), env=offline_env())
    async with Client(params) as session:
        info = session.server_info
        tools = {t.name for t in (await session.list_tools()).tools}
    assert tools >= CORE_TOOLS
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert info is not None and info.version == version  # from the wheel's metadata, not "+source"


# ------------------------------------------------------------------ install links and workflows


def _links() -> Any:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import install_links
    finally:
        sys.path.remove(str(REPO / "scripts"))
    return install_links


def test_the_readme_install_links_are_the_generators_and_decode_to_the_examples_command():
    links = _links()
    readme = (REPO / "README.md").read_text()
    assert links.markdown() in readme
    cursor = parse_qs(urlparse(links.cursor_link("git")).query)
    config = json.loads(base64.b64decode(cursor["config"][0]))
    assert (config["command"], config["args"]) == ("uvx", _entry(CLIENTS / "from-git" / "cursor.mcp.json")["args"])
    assert config["env"]["OPENAI_API_KEY"] == "${env:OPENAI_API_KEY}"
    vscode = parse_qs(urlparse(links.vscode_link("pypi")).query)
    assert json.loads(vscode["config"][0])["args"] == ["model-access-mcp"]
    assert json.loads(vscode["inputs"][0])[0]["password"] is True
    direct = json.loads(unquote(links.vscode_uri("git").split("?", 1)[1]))
    assert direct["name"] == "model-access" and direct["env"]["OPENAI_API_KEY"] == "${input:openai-api-key}"


def test_the_release_workflow_builds_checks_and_publishes_with_trusted_publishing():
    release = (REPO / ".github" / "workflows" / "release.yml").read_text()
    ci = (REPO / ".github" / "workflows" / "ci.yml").read_text()
    for needed in ("python -m build", "twine check --strict", "pypa/gh-action-pypi-publish", "id-token: write"):
        assert needed in release, needed
    assert "mcp-publisher login github-oidc" in release and "mcp-publisher publish" in release
    assert "scripts/build_mcpb.py" in release and "twine check --strict" in ci
    assert "secrets." not in release  # trusted publishing and OIDC: no stored token
