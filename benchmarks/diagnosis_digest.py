"""SHA-256 of every diagnosis answer, to show a speed change left the answers byte-identical.

    python -m benchmarks.diagnosis_digest

Hashes `diagnose_offline(...).model_dump_json()` for every text of tests/data/diagnosis_real.jsonl
and tests/data/diagnosis_corpus.jsonl (catalog as of 2026-11-23), and the `diagnose_error` tool's
result (structured content and text) for every 5th text through an in-process MCP session, twice,
so the second pass is answered from the server's memory. Run it before and after a change: the
three digests must match (a rule change changes them on purpose).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)


def texts() -> list[str]:
    out: list[str] = []
    for name in ("diagnosis_real.jsonl", "diagnosis_corpus.jsonl"):
        lines = (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()
        out += [json.loads(line)["text"] for line in lines if line.strip()]
    return out


def offline_digest(all_texts: list[str]) -> str:
    from model_access.catalog import load_catalog
    from model_access.diagnosis import diagnose_offline

    catalog = load_catalog(TODAY)
    digest = hashlib.sha256()
    for text in all_texts:
        digest.update(diagnose_offline(catalog, text).model_dump_json().encode())
        digest.update(b"\n")
    return digest.hexdigest()


async def _tool_digests(sample: list[str]) -> list[str]:
    from mcp import Client

    from model_access.config import load_config
    from model_access.mcp_server import create_server

    out = []
    async with Client(create_server(load_config({"MODEL_ACCESS_TODAY": TODAY.isoformat()}))) as client:
        for _ in range(2):
            digest = hashlib.sha256()
            for text in sample:
                result = await client.call_tool("diagnose_error", {"error": text, "live": False})
                digest.update(json.dumps(result.structured_content, sort_keys=True).encode())
                digest.update("".join(getattr(block, "text", "") for block in result.content).encode())
                digest.update(str(result.is_error).encode())
            out.append(digest.hexdigest())
    return out


def main() -> int:
    all_texts = texts()
    print(f"offline  {len(all_texts)} texts  {offline_digest(all_texts)}")
    sample = all_texts[::5]
    for i, value in enumerate(anyio.run(_tool_digests, sample)):
        print(f"tool #{i + 1}  {len(sample)} texts  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
