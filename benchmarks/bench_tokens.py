"""Tokens an assistant pays for this server: the tool list, and the text of typical results.

`python -m benchmarks.bench_tokens [--json PATH] [--save-baseline]`

Counts with a real tokenizer: o200k_base (GPT-4o / GPT-5 family) from `bpe-openai`, a package that
ships the OpenAI vocabularies inside its binary (tiktoken itself downloads its BPE file at run time,
which this machine cannot). Install it next to the project: `.venv/bin/pip install bpe-openai==0.1.4`.
Without it, the figures fall back to ceil(characters / 4) and every row says "approx".

What is counted, all in-process through a real `mcp.Client` session:
- `tools/list`: the JSON of every tool (name, title, description, input and output schema,
  annotations) as a client receives it, compact, plus the server instructions; without and with
  OPENAI_ADMIN_KEY (no API key in either: admin tools are the difference).
- typical results: the text content block(s) of one call, which is what most clients hand the model
  (structured content is counted beside it for reference): a 404 and a 403 diagnosis, a suggestion,
  the model list without a key, a scan of 400 files and the fix plan for them; the catalog resource.

`benchmarks/tokens_before.json` holds the figures of the commit before the shaping (issue 15);
every run prints the ratio to it.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

import anyio

HERE = Path(__file__).resolve().parent
BEFORE = HERE / "tokens_before.json"

DIAG_404 = (
    "Error code: 404 - {'error': {'message': 'The model `gpt-4-32k` does not exist or you do not have access "
    "to it.', 'type': 'invalid_request_error', 'param': None, 'code': 'model_not_found'}}"
)
DIAG_403 = (
    "openai.PermissionDeniedError: Error code: 403 - {'error': {'message': 'Project `proj_9KoeXdtHe0YQJbsF2FQAKmzl`"
    " does not have access to model `gpt-4o-mini`', 'type': 'invalid_request_error', 'param': None, "
    "'code': 'model_not_found'}}"
)
SCAN_FILES = 400
SCAN_IDS = ["gpt-4o", "gpt-4-32k", "gpt-4o-mini", "text-davinci-003", "gpt-4.1", "gpt4o", "o1-preview", "gpt-5"]


def _counter() -> tuple[str, Any]:
    try:
        import bpe_openai

        enc = bpe_openai.get_encoding("o200k_base")
        return "o200k_base (bpe-openai)", lambda text: len(enc.encode(text))
    except ImportError:
        return "approx chars/4", lambda text: math.ceil(len(text) / 4)


def _make_scan_tree(root: Path) -> None:
    for i in range(SCAN_FILES):
        folder = root / f"pkg{i // 40}"
        folder.mkdir(exist_ok=True)
        a, b = SCAN_IDS[i % len(SCAN_IDS)], SCAN_IDS[(i * 3 + 1) % len(SCAN_IDS)]
        (folder / f"mod{i}.py").write_text(
            "from openai import OpenAI\n\nclient = OpenAI()\n\n\n"
            f"def ask{i}(q):\n    return client.chat.completions.create(model={a!r}, messages=[q])\n\n\n"
            f"DEFAULT_MODEL = {b!r}\n",
            encoding="utf-8",
        )


async def _measure(count: Any, env: dict[str, str], root: Path) -> dict[str, Any]:
    from mcp import Client

    from model_access.config import load_config
    from model_access.mcp_server import create_server

    out: dict[str, Any] = {}
    server = create_server(load_config({**env, "MODEL_ACCESS_ROOTS": str(root), "MODEL_ACCESS_TODAY": "2026-11-23"}))
    async with Client(server) as client:
        tools = (await client.list_tools()).tools
        dumped = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]
        text = json.dumps(dumped, separators=(",", ":"), ensure_ascii=False)
        out["tools"] = len(tools)
        out["tools_list"] = count(text)
        out["output_schemas"] = count(json.dumps([d.get("outputSchema") for d in dumped], separators=(",", ":")))
        instructions = getattr(server, "instructions", None) or ""
        out["instructions"] = count(instructions)
        out["titles_in_schemas"] = text.count('"title":')
        out["null_unions"] = text.count('{"type":"null"}')
        if "OPENAI_ADMIN_KEY" in env:
            return out

        calls = {
            "diagnose_404": ("diagnose_error", {"error": DIAG_404}),
            "diagnose_403": ("diagnose_error", {"error": DIAG_403}),
            "suggest_gpt4o": ("suggest_replacement", {"model": "gpt4o"}),
            "suggest_unknown": ("suggest_replacement", {"model": "zz-not-a-model"}),
            "models_no_key": ("list_accessible_models", {}),
            "scan_400_files": ("scan_model_references", {"path": str(root)}),
            "fix_400_files": ("fix_model_references", {"path": str(root)}),
        }
        for name, (tool, args) in calls.items():
            result = await client.call_tool(tool, args)
            assert not result.is_error, (name, result.content)
            text = "".join(getattr(block, "text", "") for block in result.content)
            out[name] = count(text)
            out[name + "_structured"] = count(json.dumps(result.structured_content, separators=(",", ":")))
        resource = await client.read_resource("catalog://models")
        out["catalog_resource"] = count("".join(getattr(c, "text", "") for c in resource.contents))
    return out


def run() -> dict[str, Any]:
    name, count = _counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _make_scan_tree(root)
        no_admin = anyio.run(_measure, count, {}, root)
        admin = anyio.run(_measure, count, {"OPENAI_ADMIN_KEY": "sk-admin-benchmark0000000000"}, root)
    return {"tokenizer": name, "no_admin_key": no_admin, "admin_key": admin}


def _report(now: dict[str, Any], before: dict[str, Any] | None) -> str:
    lines = [f"tokenizer: {now['tokenizer']}", "", f"{'figure':<34} {'before':>8} {'now':>8} {'ratio':>6}"]
    for section in ("no_admin_key", "admin_key"):
        for key, value in now[section].items():
            if not isinstance(value, int) or key in ("tools",) or key.endswith("_structured"):
                continue
            old = (before or {}).get(section, {}).get(key)
            ratio = f"{value / old:.2f}" if isinstance(old, int) and old else ""
            label = f"{section}: {key}"
            lines.append(f"{label:<34} {old if old is not None else '':>8} {value:>8} {ratio:>6}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_tokens", description=__doc__)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--save-baseline", action="store_true", help=f"write {BEFORE.name} (the 'before')")
    args = parser.parse_args(argv)
    now = run()
    before = json.loads(BEFORE.read_text()) if BEFORE.exists() and not args.save_baseline else None
    print(_report(now, before))
    if args.save_baseline:
        BEFORE.write_text(json.dumps(now, indent=1) + "\n")
    if args.json:
        args.json.write_text(json.dumps(now, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
