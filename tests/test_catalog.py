from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from model_access.catalog import compact_key, load_catalog, snapshot_data
from model_access.catalog.sdk import find_sdk_dir, read_sdk_models, sdk_version
from model_access.endpoints import ENDPOINTS

from .helpers import TODAY


def test_snapshot_knows_every_model_id_of_the_sdk_it_was_built_from(catalog):
    sdk_dir = find_sdk_dir()
    assert sdk_dir is not None
    installed = sdk_version(sdk_dir)
    if installed != catalog.built_with_openai:
        pytest.skip(f"installed openai {installed} differs from the snapshot's {catalog.built_with_openai}")
    data = snapshot_data()
    models, not_api = data["models"], data["not_api_ids"]
    assert isinstance(models, list) and isinstance(not_api, dict)
    snapshot_ids = {m["id"] for m in models} | set(not_api)
    missing = sorted(set(read_sdk_models(sdk_dir)) - snapshot_ids)
    assert missing == [], f"rebuild the catalog (python -m model_access.catalog.build): {missing}"


def test_snapshot_file_is_what_the_build_script_produces():
    result = subprocess.run(
        [sys.executable, "-m", "model_access.catalog.build", "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_an_id_only_a_newer_sdk_knows_is_merged_at_run_time(tmp_path: Path):
    real = find_sdk_dir()
    assert real is not None
    fake = tmp_path / "openai"
    shutil.copytree(real / "types", fake / "types")
    (fake / "_version.py").write_text('__version__ = "99.0.0"\n')
    chat_model = fake / "types/shared/chat_model.py"
    chat_model.write_text(chat_model.read_text().replace('"gpt-6-astra",', '"gpt-6-astra",\n    "gpt-7-nova",', 1))
    merged = load_catalog(TODAY, sdk_dir=fake)
    record = merged.get("gpt-7-nova")
    assert record is not None and record.origin == "sdk"
    assert set(record.endpoints) == {"chat.completions", "responses"}
    assert merged.lifecycle(record) == "active"
    assert merged.sdk_version == "99.0.0"
    assert "gpt-7-nova" not in load_catalog(TODAY, sdk_dir=False)


def test_lifecycle_follows_today_not_the_build_date(catalog):
    gpt5 = catalog.get("gpt-5")
    assert gpt5 is not None and str(gpt5.shutdown_date) == "2026-12-11"
    assert gpt5.lifecycle(TODAY) == "deprecated"
    assert gpt5.lifecycle(date(2026, 12, 11)) == "shutdown"


@pytest.mark.parametrize(
    ("model", "lifecycle", "replacement"),
    [
        ("gpt-4-32k", "shutdown", "gpt-4o"),
        ("text-davinci-003", "shutdown", "gpt-3.5-turbo-instruct"),
        ("code-davinci-002", "shutdown", "gpt-3.5-turbo-instruct"),
        ("gpt-4-vision-preview", "shutdown", "gpt-4o"),
        ("dall-e-3", "shutdown", "gpt-image-2.6-sunburst"),
        ("gpt-5", "deprecated", "gpt-6.1-sol"),
        ("gpt-4o", "deprecated", "gpt-6-luna"),
        ("o3", "deprecated", "gpt-6.1-sol"),
        ("gpt-6-luna", "active", None),
    ],
)
def test_catalog_facts_match_the_reference(catalog, model, lifecycle, replacement):
    record = catalog.get(model)
    assert record is not None
    assert catalog.lifecycle(record) == lifecycle
    assert (record.replacements[0] if record.replacements else None) == replacement
    assert record.sources, "every record says where its facts came from"


def test_every_endpoint_and_replacement_in_the_catalog_is_known(catalog):
    for record in catalog.records.values():
        assert set(record.endpoints) <= set(ENDPOINTS), record.id
        for replacement in record.replacements:
            assert replacement in catalog, (record.id, replacement)


def test_tolerant_keys_do_not_collide_between_ids(catalog):
    seen: dict[str, str] = {}
    for model_id in catalog.ids():
        key = compact_key(model_id)
        assert key not in seen, (model_id, seen.get(key))
        seen[key] = model_id


@pytest.mark.parametrize(
    ("written", "expected", "match"),
    [
        ("gpt4o", "gpt-4o", "tolerant"),
        ("GPT-4o", "gpt-4o", "case"),
        ("openai/gpt-4.1", "gpt-4.1", "exact"),
        ("openrouter/openai/gpt-6-luna:free", "gpt-6-luna", "exact"),
        ("azure/gpt-4o-mini", "gpt-4o-mini", "exact"),
        ("gpt-4-1", "gpt-4.1", "tolerant"),
        ("gpt-4o-20241120", "gpt-4o-2024-11-20", "tolerant"),
        ("ft:gpt-4o-mini-2024-07-18:acme:support:9xYz", "gpt-4o-mini-2024-07-18", "fine_tune"),
    ],
)
def test_ids_are_resolved_tolerantly(catalog, written, expected, match):
    resolution = catalog.resolve(written)
    assert resolution.record is not None and resolution.record.id == expected
    assert resolution.match == match


def test_non_ids_are_not_resolved(catalog):
    for written in ("gpt-6", "claude-3-opus", "gpt2", "llama3.2:latest"):
        assert catalog.resolve(written).record is None
    assert "gpt-6" in catalog.not_api_ids


def test_the_clock_is_read_anew_after_midnight(monkeypatch):
    """system_today answers from its last reading within one local day only: a server running past
    midnight (or whose clock is set back) judges lifecycles on the new date, as date.today() does."""
    import time
    from datetime import datetime, timedelta

    from model_access.catalog import system_today

    day = date(2031, 3, 14)
    midnight = datetime.combine(day + timedelta(days=1), datetime.min.time()).timestamp()
    for now in (midnight - 0.5, midnight - 0.1, midnight + 0.1, midnight + 86400.5, midnight - 3600, midnight + 5):
        monkeypatch.setattr(time, "time", lambda now=now: now)
        assert system_today() == date.fromtimestamp(now)
    monkeypatch.undo()
    assert system_today() == date.today()


def test_same_tier_alternatives_follow_the_day_a_catalog_judges_on():
    """Suggestions are remembered per catalog, but a catalog on a clock answers on each day exactly as
    a catalog built for that day does (models that shut down in between leave the list)."""
    from model_access.suggest import suggest_replacement

    days = iter([date(2025, 6, 1), date(2027, 6, 1)])
    current = [next(days)]
    moving = load_catalog(lambda: current[0])

    def ids(catalog, day):
        return [s.id for s in suggest_replacement(catalog, "ada", endpoint="audio.speech").suggestions]

    before = ids(moving, current[0])
    assert before == ids(load_catalog(date(2025, 6, 1)), None)
    current[0] = next(days)
    after = ids(moving, current[0])
    assert after == ids(load_catalog(date(2027, 6, 1)), None)
    assert before != after
