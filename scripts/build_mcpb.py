"""Build the Claude Desktop bundle: dist/model-access-mcp-<version>-<platform>-py<X.Y>.mcpb.

    python scripts/build_mcpb.py [--out DIR] [--wheel PATH] [--deps pip|env]

An .mcpb is a zip with manifest.json (MCPB manifest 0.2, server type "python") at its root, the entry
point server/main.py and every dependency in server/lib. The project goes in from its wheel (built
here with `pip wheel --no-deps .` unless --wheel is given). Dependencies come either from the package
index through pip, pinned by .ci/constraints.txt (`--deps pip`, the default, what a release does), or
are copied from the environment running this script — the exact versions that were tested with, and
no network (`--deps env`). Native wheels (pydantic-core, rapidfuzz, jiter) make a bundle specific to
this platform and Python version, which the manifest's `compatibility` states: build one per target.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUNDLE = REPO / "bundle"
PROJECT = "model-access-mcp"


def _version() -> str:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^version = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise SystemExit("no version in pyproject.toml")
    return match.group(1)


def _dependencies() -> list[str]:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.MULTILINE | re.DOTALL)
    if not block:
        raise SystemExit("no dependencies in pyproject.toml")
    return re.findall(r'"([^"]+)"', block.group(1))


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args], check=True)


def _build_wheel(work: Path) -> Path:
    _pip("wheel", "-q", "--no-deps", "-w", str(work), str(REPO))
    return next(work.glob("model_access_mcp-*.whl"))


def _requirement(requirement: str, extras: frozenset[str] = frozenset()) -> tuple[str, frozenset[str]] | None:
    """(name, extras asked for) of a requirement line, or None when it belongs to an extra not asked for."""
    if ";" in requirement and "extra ==" in requirement:
        marker = requirement.split(";", 1)[1]
        if not any(re.search(rf"extra == ['\"]{re.escape(e)}['\"]", marker) for e in extras):
            return None
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(?:\[([^\]]*)\])?", requirement)
    if not match:
        return None
    asked = frozenset(e.strip() for e in (match.group(2) or "").split(",") if e.strip())
    return re.sub(r"[-_.]+", "-", match.group(1)).lower(), asked


def _copy_from_env(lib: Path) -> list[str]:
    """Copy the installed files of every runtime dependency (recursively, extras included) from here."""
    todo = [r for r in (_requirement(line) for line in _dependencies()) if r]
    seen: set[tuple[str, frozenset[str]]] = set()
    copied: set[str] = set()
    optional: set[str] = set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            if name in optional:
                continue  # a requirement whose environment marker excludes this Python
            raise
        if name not in copied:
            copied.add(name)
            for file in dist.files or []:
                source = Path(str(dist.locate_file(file)))
                parts = Path(str(file)).parts
                if ".." in parts or not source.is_file() or "__pycache__" in parts:
                    continue  # console scripts live outside site-packages; they are not needed here
                target = lib / Path(str(file))
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        for line in dist.requires or []:
            found = _requirement(line, extras)
            if found:
                todo.append(found)
                if ";" in line:
                    optional.add(found[0])
    return sorted(copied)


def _tools() -> list[dict[str, str]]:
    """Every tool (the admin ones included) with the first sentence of its description."""
    import anyio

    sys.path.insert(0, str(REPO / "server"))
    from model_access.config import load_config
    from model_access.mcp_server import create_server

    server = create_server(load_config({"OPENAI_ADMIN_KEY": "sk-admin-manifest"}))
    tools = anyio.run(server.list_tools)
    return [{"name": t.name, "description": (t.description or "").split(". ")[0].rstrip(".") + "."} for t in tools]


def manifest(version: str) -> dict[str, object]:
    text = (BUNDLE / "manifest.template.json").read_text(encoding="utf-8")
    data: dict[str, object] = json.loads(text.replace("{version}", version))
    data["tools"] = _tools()
    major, minor = sys.version_info[:2]
    data["compatibility"] = {
        "platforms": [sys.platform if sys.platform != "cygwin" else "win32"],
        "runtimes": {"python": f">={major}.{minor} <{major}.{minor + 1}"},
    }
    return data


def build(out: Path, wheel: Path | None = None, deps: str = "pip") -> Path:
    version = _version()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{PROJECT}-{version}-{sys.platform}-py{sys.version_info[0]}{sys.version_info[1]}.mcpb"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = work / "bundle"
        lib = root / "server" / "lib"
        lib.mkdir(parents=True)
        wheel = wheel or _build_wheel(work)
        _pip("install", "-q", "--no-compile", "--no-deps", "--target", str(lib), str(wheel))
        if deps == "env":
            _copy_from_env(lib)
        else:
            constraints = REPO / ".ci" / "constraints.txt"
            _pip("install", "-q", "--no-compile", "--target", str(lib), "-c", str(constraints), *_dependencies())
        shutil.rmtree(lib / "bin", ignore_errors=True)  # console scripts with this machine's paths
        shutil.copy2(BUNDLE / "main.py", root / "server" / "main.py")
        shutil.copy2(REPO / "README.md", root / "README.md")
        (root / "manifest.json").write_text(json.dumps(manifest(version), indent=2) + "\n", encoding="utf-8")
        tmp_zip = work / target.name
        with zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    archive.write(path, path.relative_to(root).as_posix())
        shutil.move(str(tmp_zip), target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="output folder (default: dist/)")
    parser.add_argument("--wheel", type=Path, help="use this project wheel instead of building one")
    parser.add_argument("--deps", choices=("pip", "env"), default="pip", help="where dependencies come from")
    args = parser.parse_args(argv)
    print(build(args.out, args.wheel, args.deps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
