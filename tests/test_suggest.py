from __future__ import annotations

import pytest

from model_access.errors import InvalidInput
from model_access.suggest import suggest_replacement


def test_typo_puts_the_intended_id_first(catalog):
    advice = suggest_replacement(catalog, "gpt4o")
    assert advice.status == "unknown"
    # gpt-4o is what was meant, but it shuts down within 90 days: its successor leads, gpt-4o follows.
    assert [s.id for s in advice.suggestions[:2]] == ["gpt-6-luna", "gpt-4o"]
    assert "successor of the id meant" in advice.suggestions[0].reason
    far = suggest_replacement(catalog, "gpt6-luna")  # an active id: the id meant, first
    assert far.suggestions[0].id == "gpt-6-luna"


@pytest.mark.parametrize(
    ("typo", "intended"),
    [
        ("gpt-4o-mni", "gpt-4o-mini"),
        ("gpt-5-mini-2025-08-7", "gpt-5-mini-2025-08-07"),
        ("GPT-4.1", "gpt-4.1"),
    ],
)
def test_spelling_mistakes_find_the_real_id(catalog, typo, intended):
    # These ids shut down within 90 days, so the id meant comes right after its active successor.
    ids = [s.id for s in suggest_replacement(catalog, typo).suggestions]
    assert ids.index(intended) == 1 and catalog.lifecycle(catalog.records[ids[0]]) == "active"


@pytest.mark.parametrize(
    ("retired", "replacement"),
    [
        ("gpt-4-32k", "gpt-6-luna"),  # via gpt-4o, itself deprecated: the chain ends at an active model
        ("text-davinci-003", "gpt-5.6-terra"),
        ("dall-e-3", "gpt-image-2.6-sunburst"),
        ("o1-preview", "gpt-6.1-sol"),
        ("gpt-3.5-turbo", "gpt-5.6-terra"),
    ],
)
def test_retired_model_gets_official_replacement(catalog, retired, replacement):
    advice = suggest_replacement(catalog, retired)
    assert advice.status == "retired"
    assert advice.suggestions[0].id == replacement


def test_deprecated_model_gets_its_announced_replacement(catalog):
    advice = suggest_replacement(catalog, "gpt-5")
    assert advice.status == "deprecated"
    assert [s.id for s in advice.suggestions[:2]] == ["gpt-6.1-sol", "gpt-5.6-sol"]


def test_wrong_endpoint_suggests_a_model_that_serves_it(catalog):
    advice = suggest_replacement(catalog, "gpt-5-pro", endpoint="chat.completions")
    assert advice.suggestions
    for suggestion in advice.suggestions:
        assert "chat.completions" in catalog.get(suggestion.id).endpoints


def test_never_suggests_the_input_or_a_shut_down_model(catalog):
    for model in (
        "gpt-4o",
        "gpt-4",
        "gpt-6-sol",
        "openai/gpt-4o",
        "gpt4o",
        "o1",
        "gpt-6",
        "gpt-3.5-turbo-instruct",
    ):
        advice = suggest_replacement(catalog, model, limit=20)
        for suggestion in advice.suggestions:
            assert suggestion.id != model
            assert suggestion.lifecycle != "shutdown", (model, suggestion.id)


def test_known_non_id_names_the_real_ids(catalog):
    ids = [s.id for s in suggest_replacement(catalog, "gpt-6").suggestions]
    assert ids[:3] == ["gpt-6-sol", "gpt-6-luna", "gpt-6-astra"]


def test_fine_tune_of_a_deprecated_base_is_flagged(catalog):
    advice = suggest_replacement(catalog, "ft:gpt-4o-mini-2024-07-18:acme:bot:abc123")
    assert advice.status == "deprecated"
    assert advice.suggestions[0].id == "gpt-6-luna"


def test_accessibility_ranks_callable_models_first(catalog):
    advice = suggest_replacement(catalog, "gpt-5", accessible=lambda m: m == "gpt-5.6-sol")
    assert advice.suggestions[0].id == "gpt-5.6-sol" and advice.suggestions[0].accessible is True
    assert all(s.accessible is False for s in advice.suggestions[1:])


@pytest.mark.parametrize("bad", ["", "   ", "x" * 1_000_000, "gpt-4o\x00"])
def test_bad_model_ids_are_refused_clearly(catalog, bad):
    with pytest.raises(InvalidInput):
        suggest_replacement(catalog, bad)


_SAME_ANSWER = """
import datetime, json
from model_access.catalog import load_catalog
from model_access.judgment import Listing, advice_for, offline_facts
catalog = load_catalog(datetime.date(2026, 12, 3))
# A provider listing with many ids that look alike: equal similarity scores must not be ordered by
# the set's iteration order, which changes with the hash seed.
listing = Listing("read", ids=frozenset(sorted(catalog.records)[::3]))
answers = []
for written in ("gpt-4o", "openai-chatgpt-3.5", "gpt-4o-mini", "o4"):
    facts = offline_facts(catalog, written, None, "openrouter", listing=listing)
    answers.append([s.id for s in advice_for(catalog, facts, 3).suggestions])
print(json.dumps(answers))
"""


def test_the_same_question_gets_the_same_suggestions_in_every_process():
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _SAME_ANSWER], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1, outputs


def test_the_plain_first_replacement_is_the_models_one(catalog):
    """The CLI's scan asks first_replacement_id (no pydantic model built): for every catalog id, its
    spelling variants, endpoints and listings, it names exactly first_replacement's id and endpoint."""
    from model_access.suggest import first_replacement, first_replacement_id

    listed = frozenset(sorted(catalog.records)[::3])
    checked = 0
    for model_id in sorted(catalog.records):
        for written in (model_id, model_id.upper(), model_id.replace("-", "")):
            for endpoint in (None, "chat.completions", "responses", "embeddings", "audio.speech", "images.generations"):
                for accessible in (None, lambda m: m in listed):
                    try:
                        full = first_replacement(catalog, written, endpoint, accessible)
                    except InvalidInput:
                        with pytest.raises(InvalidInput):
                            first_replacement_id(catalog, written, endpoint, accessible)
                        continue
                    expected = (full.id, full.endpoint) if full is not None else None
                    assert first_replacement_id(catalog, written, endpoint, accessible) == expected
                    checked += expected is not None
    assert checked > 100


def test_a_cli_scan_loads_no_pydantic(tmp_path):
    """A keyless CLI scan judges and prints from plain values: pydantic (~75 ms to import) never loads."""
    import subprocess
    import sys

    from .helpers import offline_env

    (tmp_path / "app.py").write_text('client.chat.completions.create(model="gpt-4-32k")\nx = "gpt4o"\n')
    probe = (
        "import sys\nfrom model_access import cli\nrc = cli.main(['scan', sys.argv[1], '--json'])\n"
        "print('pydantic' in sys.modules, file=sys.stderr)\n"
    )
    env = {**offline_env(), "MODEL_ACCESS_CACHE": "0"}
    proc = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, env=env)
    assert '"suggestion"' in proc.stdout and "gpt-4-32k" in proc.stdout
    assert proc.stderr.strip().splitlines()[-1] == "False"
