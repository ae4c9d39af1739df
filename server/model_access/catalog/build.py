"""Maintainer script: rebuild the bundled `snapshot.json` from the SDK and the overlay.

    python -m model_access.catalog.build            # write snapshot.json next to this file
    python -m model_access.catalog.build --check    # exit 1 if the snapshot is out of date

Reads (a) the installed `openai` SDK's generated model types and their "Deprecated values"
docstrings and (b) `overlay.json`, the hand-kept facts the SDK lacks. Overlay facts win
over SDK facts; every fact records where it came from. Refreshing the catalog is a
deliberate step: run this after bumping the pinned `openai` version in `.ci/constraints.txt`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from model_access.catalog import dated_base, family_of
from model_access.catalog.sdk import find_sdk_dir, read_sdk_models, sdk_version
from model_access.endpoints import ENDPOINTS

HERE = Path(__file__).resolve().parent


def build(sdk_dir: Path, overlay: dict[str, Any]) -> dict[str, Any]:
    sdk_models = read_sdk_models(sdk_dir)
    models: dict[str, dict[str, Any]] = {}
    not_api: dict[str, str] = dict(overlay.get("not_api_ids", {}))

    for model_id, fact in sdk_models.items():
        if fact.not_a_model:
            not_api.setdefault(model_id, fact.note or "Not a supported model id.")
            continue
        files = [f"sdk:{f}" for f in sorted(fact.files)]
        entry: dict[str, Any] = {
            "id": model_id,
            "family": family_of(model_id),
            "endpoints": sorted(fact.endpoints),
            "sources": {"id": files, "endpoints": files},
        }
        if fact.shutdown_date:
            entry["shutdown_date"] = fact.shutdown_date.isoformat()
            entry["sources"]["shutdown_date"] = files
        models[model_id] = entry

    for group in overlay["groups"]:
        src = [f"overlay:{key.strip()}" for key in group["source"].split(",")]
        for model_id in group["ids"]:
            if model_id in not_api:
                raise SystemExit(f"overlay: {model_id} is listed both as a model and as not an API id")
            existing = models.get(model_id)
            if existing is not None:
                entry = existing
            else:
                if "endpoints" not in group:
                    raise SystemExit(f"overlay: {model_id} is not in the SDK, so its group needs 'endpoints'")
                entry = {"id": model_id, "family": family_of(model_id), "sources": {"id": src}}
                models[model_id] = entry
            sources = entry["sources"]
            for key in ("family", "tier", "alias_of", "successor", "replacement_note", "replacement_source"):
                if key in group:
                    entry[key] = group[key]
            if "endpoints" in group:
                entry["endpoints"] = list(group["endpoints"])
                sources["endpoints"] = src
            if "shutdown_date" in group:
                entry["shutdown_date"] = group["shutdown_date"]
                sources["shutdown_date"] = src
            if "replacements" in group:
                entry["replacements"] = list(group["replacements"])
                sources["replacements"] = src
            if "gates" in group:
                entry["gates"] = list(group["gates"])
                sources["gates"] = src
            if "note" in group:
                entry["notes"] = [*entry.get("notes", []), group["note"]]

    for model_id, entry in models.items():
        base = dated_base(model_id)
        if base and base in models and base != model_id:
            entry["snapshot_of"] = base
        for endpoint in entry["endpoints"]:
            if endpoint not in ENDPOINTS:
                raise SystemExit(f"{model_id}: unknown endpoint {endpoint!r}")
        for replacement in entry.get("replacements", []):
            if replacement not in models:
                raise SystemExit(f"{model_id}: replacement {replacement!r} is not in the catalog")

    ordered = [models[k] for k in sorted(models)]
    return {
        "as_of": overlay["as_of"],
        "built_with_openai": sdk_version(sdk_dir),
        "sources": overlay["sources"],
        "not_api_ids": dict(sorted(not_api.items())),
        "azure": _azure(overlay.get("azure") or {}, models),
        "models": ordered,
    }


def _azure(section: dict[str, Any], models: dict[str, Any]) -> dict[str, Any]:
    """Azure's own retirement dates and spellings, checked against the catalog's ids."""
    names = dict(section.get("names", {}))
    for azure_name, openai_id in names.items():
        if openai_id not in models:
            raise SystemExit(f"azure: {azure_name} maps to {openai_id!r}, which is not in the catalog")
    retirements = {m: dict(v) for m, v in section.get("retirements", {}).items()}
    for model_id in retirements:
        if model_id not in models and model_id not in names:
            raise SystemExit(f"azure: retirement for unknown model {model_id!r}")
    src = [f"overlay:{key.strip()}" for key in str(section.get("source", "")).split(",") if key.strip()]
    return {"names": names, "retirements": retirements, "sources": src}


def render(snapshot: dict[str, Any]) -> str:
    return json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild the bundled model catalog snapshot.")
    parser.add_argument("--check", action="store_true", help="exit 1 if snapshot.json is out of date")
    args = parser.parse_args(argv)
    sdk_dir = find_sdk_dir()
    if sdk_dir is None:
        print("the openai package is not installed", file=sys.stderr)
        return 2
    overlay = json.loads((HERE / "overlay.json").read_text(encoding="utf-8"))
    text = render(build(sdk_dir, overlay))
    target = HERE / "snapshot.json"
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print("snapshot.json is out of date: run python -m model_access.catalog.build", file=sys.stderr)
            return 1
        print("snapshot.json is up to date")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({len(json.loads(text)['models'])} models)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
