"""Properties of the one judgment over generated account states and model ids.

(a) no suggestion or "use this model" fix names a model that the known policy or listing excludes;
(b) every tool names the same first replacement for every catalog id on every endpoint;
(c) every "callable" claim carries live evidence;
(d) a verdict never contradicts a probe's outcome.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model_access import judgment
from model_access.catalog import Catalog
from model_access.config import load_config
from model_access.diagnosis import diagnose_offline
from model_access.endpoints import ENDPOINTS
from model_access.state import AppState
from model_access.suggest import first_replacement, suggest_replacement
from model_access.vocab import CATEGORIES as VOCAB_CATEGORIES

from .helpers import TODAY

IDS = sorted(__import__("model_access.catalog", fromlist=["load_catalog"]).load_catalog(TODAY).records)
ENDPOINT_NAMES = sorted(ENDPOINTS)
CATEGORIES: list[str] = list(VOCAB_CATEGORIES)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def mutated(draw: Any) -> str:
    base = draw(st.sampled_from(IDS))
    kind = draw(st.sampled_from(["exact", "upper", "prefix", "space", "typo", "junk"]))
    if kind == "upper":
        return base.upper()
    if kind == "prefix":
        return "openai/" + base
    if kind == "space":
        return f" {base} "
    if kind == "typo" and len(base) > 3:
        i = draw(st.integers(1, len(base) - 2))
        return base[:i] + base[i + 1 :]
    if kind == "junk":
        return draw(st.from_regex(r"[a-z]{2,6}-[0-9]{1,2}[a-z]{0,4}", fullmatch=True))
    return base


@st.composite
def account_facts(draw: Any, catalog: Catalog) -> judgment.Facts:
    written = mutated(draw)
    endpoint = draw(st.none() | st.sampled_from(ENDPOINT_NAMES))
    listing = judgment.Listing("not_checked")
    if draw(st.booleans()):
        listing = judgment.Listing("read", frozenset(draw(st.sets(st.sampled_from(IDS), max_size=60))))
    policy = judgment.Policy("no_admin_key")
    mode = draw(st.sampled_from(["none", "allow_list", "deny_list", "unknown"]))
    if mode in ("allow_list", "deny_list"):
        ids = tuple(sorted(draw(st.sets(st.sampled_from(IDS), max_size=30))))
        policy = judgment.Policy("read", "proj_x", mode=mode, model_ids=ids)
    elif mode == "none":
        policy = judgment.Policy("no_policy", "proj_x", detail="empty deny list")
    outcome = None
    if draw(st.booleans()):
        ok = draw(st.booleans())
        # A failed probe may also carry no recognisable category at all.
        category = None if ok else draw(st.none() | st.sampled_from(CATEGORIES))
        outcome = judgment.Outcome("probe", ok, category)  # type: ignore[arg-type]
    return judgment.offline_facts(catalog, written, endpoint, "openai", listing=listing, policy=policy, outcome=outcome)


@SETTINGS
@given(data=st.data())
def test_no_suggestion_names_a_model_the_known_facts_exclude(catalog: Catalog, data: Any) -> None:
    facts = data.draw(account_facts(catalog))
    decision = judgment.decide(facts)
    suggested = judgment.replacements(catalog, facts, limit=5)
    for suggestion in suggested:
        assert facts.policy.excludes(suggestion.id) is not True, (facts.written, suggestion.id)
        if facts.listing.state == "read":
            assert suggestion.id in facts.listing.ids, (facts.written, suggestion.id)
    for fix in judgment.fixes(decision, facts, suggested, admin_tools=True):
        for model_id in IDS:
            if f'model="{model_id}"' in (fix.code or "") and model_id != facts.written:
                assert facts.accessible(model_id) is not False, (fix.title, model_id)


@SETTINGS
@given(data=st.data())
def test_every_callable_claim_carries_live_evidence(catalog: Catalog, data: Any) -> None:
    facts = data.draw(account_facts(catalog))
    if judgment.decide(facts).verdict == "accessible":
        probe_ok = facts.outcome is not None and facts.outcome.source == "probe" and facts.outcome.ok
        assert probe_ok or facts.listed or facts.retrieval.state == "found"
    for suggestion in judgment.replacements(catalog, facts, limit=5):
        if suggestion.accessible is True:
            assert facts.listing.state == "read" and suggestion.id in facts.listing.ids


@SETTINGS
@given(data=st.data())
def test_a_verdict_never_contradicts_a_probe(catalog: Catalog, data: Any) -> None:
    facts = data.draw(account_facts(catalog))
    outcome = facts.outcome
    if outcome is None:
        return
    verdict = judgment.decide(facts).verdict
    if outcome.ok:
        assert verdict == "accessible"
    else:
        assert verdict != "accessible", (facts.written, outcome.category)


# ---------------------------------------------------------------------- (b) one first replacement


@pytest.fixture(scope="module")
def offline_state() -> AppState:
    return AppState(load_config({"MODEL_ACCESS_TODAY": TODAY.isoformat()}))


@pytest.mark.anyio
@pytest.mark.parametrize("endpoint", [None, *ENDPOINT_NAMES])
async def test_every_tool_names_the_same_first_replacement(
    catalog: Catalog, offline_state: AppState, endpoint: str | None, anyio_backend: str
) -> None:
    from model_access.code.scan import Judge

    code_judge = Judge(catalog, None)
    for model_id in IDS:
        expected = first_replacement(catalog, model_id, endpoint)
        want = expected.id if expected else None
        advice = suggest_replacement(catalog, model_id, endpoint, limit=5)
        assert (advice.suggestions[0].id if advice.suggestions else None) == want, ("suggest", model_id, endpoint)
        check = await offline_state.live.check_access(model_id, endpoint)
        assert (check.suggested_models[0] if check.suggested_models else None) == want, ("check", model_id, endpoint)
        diagnosis = diagnose_offline(
            catalog,
            f"Error code: 404 - The model `{model_id}` does not exist or you do not have access to it.",
            endpoint=endpoint,
        )
        if diagnosis.category in ("unknown_model_name", "model_retired", "account_access_denied", "wrong_endpoint"):
            first = diagnosis.suggested_models[0] if diagnosis.suggested_models else None
            assert first == want, ("diagnose", model_id, endpoint, diagnosis.category)
        fixed = code_judge.suggestion(model_id, endpoint)
        if want is not None and expected is not None and expected.endpoint is None:
            assert fixed == want, ("fix", model_id, endpoint)
