"""First-sight answers: each corpus batch diagnosed by the engine as it was just before the batch
landed (a record, not a test; it needs the repository's git history and `git` on PATH).

The corpus grew in batches, each appended to `diagnosis_real.jsonl` before any rule was written
against it. Running the parent commit's `server/` on a batch's rows gives the answers a user with a
never-seen text would have had: how often a confident answer (>= 0.8) is right on texts the rules
have not studied. The development part cannot tell this (its rules were fitted to it) and the test
part must stay unseen, so only rows of today's development part are run (`split.part_of`); the
test part's rows are never read here. Gold labels are today's (later relabels included).

    python tests/data/first_sight.py             # rewrites tests/data/first_sight.jsonl
    python tests/data/first_sight.py --summary   # precision of the confident answers per batch
    python tests/data/first_sight.py --summary --kinds   # ... per kind of evidence, text, answer

Each commit's `server/` is exported with `git archive` to a temporary directory and run with the
same interpreter (PYTHONPATH first, so the installed checkout is not imported); the engine's call
(`load_catalog(TODAY)`, `diagnose_offline`) is the one `evaluate.py` used at every batch's parent.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from io import BytesIO
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORPUS_PATH = "tests/data/diagnosis_real.jsonl"
OUT = HERE / "first_sight.jsonl"

# Run inside the old engine's process: one JSON row per line in, one answer per line out.
_RUNNER = r"""
import json, sys
from datetime import date
from model_access.catalog import load_catalog
from model_access.diagnosis import diagnose_offline
try:
    from model_access.diagnosis.parse import context_model, parse, scrub, window
except ImportError:
    parse = None
catalog = load_catalog(date(2026, 11, 23))
for line in sys.stdin:
    row = json.loads(line)
    result = diagnose_offline(catalog, row["text"])
    model = result.facts.model
    if parse is not None:
        parsed = parse(scrub(window(row["text"])))
        model = parsed.model or context_model(parsed.text, parsed.flat, lambda s: s if s in catalog else None)
    print(json.dumps({
        "id": row["id"], "category": result.category, "confidence": round(result.confidence, 3),
        "model": model, "evidence": [e[:200] for e in result.evidence[:2]],
        "alternatives": [[a.category, a.confidence] for a in result.alternatives],
        "status": result.facts.status, "code": result.facts.error_code,
    }, ensure_ascii=False), flush=True)
"""


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout


def corpus_ids(commit: str) -> set[str]:
    try:
        text = git("show", f"{commit}:{CORPUS_PATH}")
    except subprocess.CalledProcessError:
        return set()
    return {json.loads(line)["id"] for line in text.splitlines() if line.strip()}


def batches() -> list[tuple[str, str, list[str]]]:
    """(batch commit, parent commit, ids it adds), oldest first; merges only repeat a branch's batch."""
    seen: set[str] = set()
    out = []
    for commit in git("log", "--no-merges", "--reverse", "--format=%h", "--", CORPUS_PATH).split():
        parent = git("rev-parse", "--short", f"{commit}^1").strip()
        new = sorted(corpus_ids(commit) - corpus_ids(parent) - seen)
        seen.update(new)
        if new:
            out.append((commit, parent, new))
    return out


def dev_rows() -> dict[str, dict[str, Any]]:
    """Today's development rows by id (the test part's rows are dropped unread)."""
    sys.path.insert(0, str(HERE))
    from split import part_of, stored_parts

    parts = stored_parts()
    rows: dict[str, dict[str, Any]] = {}
    for line in (HERE / "diagnosis_real.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if part_of(str(row["source_group"]), parts) == "dev":
            rows[row["id"]] = row
    return rows


def run_engine(commit: str, rows: list[dict[str, Any]], workdir: Path) -> list[dict[str, Any]]:
    target = workdir / commit
    if not target.exists():
        archive = subprocess.run(["git", "archive", commit, "server"], cwd=REPO, capture_output=True, check=True).stdout
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            # our own repository's tree; the "data" filter (where this Python has it) refuses links
            # and paths that leave the target
            if hasattr(tarfile, "data_filter"):
                tar.extractall(target, filter="data")
            else:  # pragma: no cover - Pythons before the filter
                tar.extractall(target)
    env = {**os.environ, "PYTHONPATH": str(target / "server"), "PYTHONDONTWRITEBYTECODE": "1"}
    feed = "".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in rows)
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER], input=feed, env=env, capture_output=True, text=True, check=True, cwd=workdir
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def build() -> list[dict[str, Any]]:
    dev = dev_rows()
    records = []
    with tempfile.TemporaryDirectory(prefix="first-sight-") as tmp:
        for commit, parent, ids in batches():
            rows = [dev[i] for i in ids if i in dev]
            if not rows:
                continue
            print(f"{commit}: {len(rows)} dev rows of {len(ids)}, engine {parent}", file=sys.stderr)
            for row, answer in zip(rows, run_engine(parent, rows, Path(tmp)), strict=True):
                assert row["id"] == answer["id"]
                records.append(
                    {
                        "id": row["id"],
                        "batch": commit,
                        "engine": parent,
                        "answered": answer["category"],
                        "confidence": answer["confidence"],
                        "gold": row["category"],
                        "gold_model": row.get("model"),
                        "model": answer["model"],
                        "evidence": answer["evidence"],
                        "alternatives": answer["alternatives"],
                        "status": answer["status"],
                        "code": answer["code"],
                    }
                )
    return records


def summary(records: list[dict[str, Any]], threshold: float = 0.8) -> str:
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in records:
        cell = per[r["batch"]]
        cell[2] += 1
        if r["confidence"] >= threshold:
            cell[0] += r["answered"] == r["gold"]
            cell[1] += 1
    lines = ["| batch | rows | confident | right | precision |", "|---|---|---|---|---|"]
    for batch, (good, total, rows) in per.items():
        lines.append(f"| {batch} | {rows} | {total} | {good} | {good / total if total else 0:.3f} |")
    good = sum(v[0] for v in per.values())
    total = sum(v[1] for v in per.values())
    lines.append(f"| all | {len(records)} | {total} | {good} | {good / total if total else 0:.3f} |")
    return "\n".join(lines)


_BODY_FIELD = re.compile(r"""["']?(?:code|type)["']?\s*[:=]""")
_OPENAI_WORDING = re.compile(
    r"does not exist or you do not have access|Incorrect API key provided|exceeded your current quota|"
    r"The model `|model_not_found|invalid_request_error",
    re.IGNORECASE,
)
_PROVIDER_LABEL = re.compile(r"(?:Azure|Bedrock|Gemini|OpenRouter|Anthropic|Ollama|LiteLLM|vLLM|Groq|the provider) ")


def kind(record: dict[str, Any], text: str) -> str:
    """What made the old engine answer as it did, read from its first piece of evidence."""
    evidence = record["evidence"][0] if record["evidence"] else ""
    joined = " ".join(record["evidence"])
    if evidence.startswith(("error code", "error type", "code ")):
        return "error code/type in a body" if _BODY_FIELD.search(text) else "error code named in prose"
    if "the runtime raised" in evidence:
        return "exception class only"
    if "not a valid model id" in joined:
        return "not-found, the server calls the id invalid"
    if "not an OpenAI model id" in joined:
        return "not-found, an id OpenAI's catalog does not know"
    if "shut down" in joined or "current (" in joined or "has been deprecated" in joined:
        return "not-found, OpenAI's lifecycle of the id decides"
    if "the error names model" in joined or "not an exact" in joined:
        return "not-found, other id facts (fine-tune, case, served list)"
    if evidence.startswith(("HTTP ", "status ")) or not evidence:
        return "status only"
    if "“" in evidence:
        return "a provider's own message" if _PROVIDER_LABEL.match(evidence) else "a message family"
    return "other (refused key's shape, id punctuation)"


def context(row: dict[str, Any]) -> list[str]:
    """The kinds of text around the evidence (from the row's labels: provider, language)."""
    provider, language = row.get("provider"), row.get("language")
    out = []
    if provider not in ("openai", "azure") and _OPENAI_WORDING.search(row["text"]):
        out.append("a non-OpenAI provider using OpenAI wording")
    if provider in ("other", "litellm", "openrouter"):
        out.append("a relay, proxy or wrapper")
    if provider == "other" and language == "zh":
        out.append("a Chinese relay")
    if language != "en":
        out.append("not English")
    return out or ["OpenAI or Azure, in English"]


def kinds(records: list[dict[str, Any]], threshold: float = 0.8) -> str:
    """Precision of the confident first-sight answers per kind of evidence, per kind of text and
    per answered category (the texts are today's development rows)."""
    dev = dev_rows()
    tables: dict[str, dict[str, list[Any]]] = {"evidence": {}, "text": {}, "answered": {}}
    for r in records:
        if r["confidence"] < threshold:
            continue
        row = dev[r["id"]]
        keys = {"evidence": [kind(r, row["text"])], "text": context(row), "answered": [r["answered"]]}
        for table, names in keys.items():
            for name in names:
                cell = tables[table].setdefault(name, [0, 0, []])
                cell[1] += 1
                if r["answered"] == r["gold"]:
                    cell[0] += 1
                else:
                    cell[2].append(r["id"])
    lines = []
    for table, cells in tables.items():
        lines += ["", f"| {table} | right | confident | precision | wrong |", "|---|---|---|---|---|"]
        for name, (good, total, wrong) in sorted(cells.items(), key=lambda kv: (kv[1][0] / kv[1][1], -kv[1][1])):
            lines.append(f"| {name} | {good} | {total} | {good / total:.3f} | {' '.join(wrong)} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--summary", action="store_true", help="print the stored record's precision per batch")
    parser.add_argument("--kinds", action="store_true", help="and per kind of evidence, of text, of answer")
    args = parser.parse_args()
    if not args.summary:
        records = build()
        OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    records = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(summary(records))
    if args.kinds:
        print(kinds(records))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
