"""diagnose_error: corpus accuracy, hard cases, the ambiguous message, live facts, redaction."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from model_access.catalog import Catalog
from model_access.config import load_config
from model_access.diagnosis import LiveFacts, diagnose, diagnose_offline
from model_access.errors import InvalidInput
from model_access.results import ProjectPermissions
from model_access.state import AppState

from .emulator import Emulator
from .helpers import TODAY

CORPUS = Path(__file__).parent / "data" / "diagnosis_corpus.jsonl"
_KEYISH = re.compile(r"(?:sk-|kod-)[\w\-*.…]{3,}|[\w\-]{2,}\*{3,}[\w*]*|Bearer \S+")


def _rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_corpus_accuracy_is_high_for_categories_and_model_ids(catalog: Catalog) -> None:
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    models_ok = models_total = 0
    misses: list[str] = []
    for row in _rows():
        expected = row["expected"]
        result = diagnose_offline(catalog, row["text"])
        ok = result.category == expected["category"]
        per[expected["category"]][0] += ok
        per[expected["category"]][1] += 1
        if not ok:
            misses.append(f"{row['id']}: {result.category} != {expected['category']}")
        if expected["model"]:
            models_total += 1
            models_ok += result.facts.model == expected["model"]
        if row.get("has_key"):
            out = result.model_dump_json()
            for fragment in _KEYISH.findall(row["text"]):
                assert fragment not in out, (row["id"], fragment)
                assert fragment[:8] not in out, (row["id"], fragment[:8])
    for category, (good, total) in sorted(per.items()):
        print(f"{category:36} {good}/{total}")
    overall = sum(g for g, _ in per.values()) / sum(t for _, t in per.values())
    print(f"overall {overall:.3f}, model ids {models_ok}/{models_total}", *misses, sep="\n")
    assert overall >= 0.95
    assert models_ok / models_total >= 0.98


def test_a_python_repr_of_a_project_restriction_gives_every_fact(catalog: Catalog) -> None:
    text = (
        "openai.PermissionDeniedError: Error code: 403 - {'error': {'message': 'Project `proj_9KoeXdtHe0YQJbsF2FQAKmzl`"
        " does not have access to model `gpt-4o-mini`', 'type': 'invalid_request_error', 'param': None, "
        "'code': 'model_not_found'}}"
    )
    result = diagnose_offline(catalog, text)
    assert result.category == "project_access_denied"
    facts = result.facts
    assert (facts.status, facts.error_code, facts.model, facts.project_id) == (
        403,
        "model_not_found",
        "gpt-4o-mini",
        "proj_9KoeXdtHe0YQJbsF2FQAKmzl",
    )
    assert result.fixes[0].url == "https://platform.openai.com/settings/proj_9KoeXdtHe0YQJbsF2FQAKmzl/limits"


def test_a_mangled_project_message_without_spaces_still_yields_the_project_and_model(catalog: Catalog) -> None:
    text = "Error code: 403 - {'error': {'message': 'Project proj_2VxSRsTQaqjx5PDs2D0LEpindoes not have access to modelgpt-4o`', 'code': 'model_not_found'}}"
    result = diagnose_offline(catalog, text)
    assert result.category == "project_access_denied"
    assert result.facts.project_id == "proj_2VxSRsTQaqjx5PDs2D0LEpin"
    assert result.facts.model == "gpt-4o"


def test_lost_backticks_and_wrapped_lines_still_name_the_model(catalog: Catalog) -> None:
    text = 'ChatGPT error 404: {\n"error": {\n"message": "The model \ngpt-4\n does not exist or you do not have access to it.",\n"code": "model_not_found"}}'
    result = diagnose_offline(catalog, text)
    assert result.category == "model_retired"
    assert result.facts.model == "gpt-4"
    assert result.facts.status == 404
    assert result.suggested_models


def test_smart_quotes_are_understood(catalog: Catalog) -> None:
    text = "Error: { “error”: { “message”: “You exceeded your current quota, please check your plan.”, “type”: “insufficient_quota”}}"
    result = diagnose_offline(catalog, text)
    assert result.category == "insufficient_quota"
    assert result.suggested_models == []
    assert result.fixes[0].url == "https://platform.openai.com/settings/organization/billing/overview"


def test_a_model_error_followed_by_a_quota_error_is_about_the_model(catalog: Catalog) -> None:
    text = (
        "model_not_found The model `gpt-4o` does not exist or you do not have access to it.\n"
        "insufficient_quota You exceeded your current quota, please check your plan and billing details."
    )
    assert diagnose_offline(catalog, text).category == "account_access_denied"


def test_the_endpoint_comes_from_the_traceback_sdk_call(catalog: Catalog) -> None:
    text = (
        '  File "app.py", line 3, in main\n    response = client.chat.completions.create(\n'
        "openai.NotFoundError: Error code: 404 - {'error': {'message': 'The model `o3-mini` does not exist or you do "
        "not have access to it.', 'type': 'invalid_request_error', 'param': None, 'code': 'model_not_found'}}"
    )
    result = diagnose_offline(catalog, text)
    assert result.facts.endpoint == "chat.completions"
    assert result.category == "model_retired"
    assert result.fixes[0].code and "client.chat.completions.create(model=" in result.fixes[0].code


def test_a_responses_only_model_on_chat_completions_is_a_wrong_endpoint(catalog: Catalog) -> None:
    text = 'Model: gpt-5.5-pro\n{ "error": { "message": "This model is only supported in v1/responses and not in /v1/chat/completions.", "param": "model", "code": null } }'
    result = diagnose_offline(catalog, text)
    assert result.category == "wrong_endpoint"
    assert result.facts.endpoint == "chat.completions"
    assert any(f.code and f.code.startswith("client.responses.create(") for f in result.fixes)


def test_max_tokens_gets_the_exact_code_change(catalog: Catalog) -> None:
    text = "Error code: 400 - {'error': {'message': \"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.\", 'param': 'max_tokens', 'code': 'unsupported_parameter'}}"
    result = diagnose_offline(catalog, text)
    assert result.category == "unsupported_parameter"
    assert result.fixes[0].code and "max_completion_tokens" in result.fixes[0].code


def test_azure_deployment_and_retired_deployment_are_told_apart(catalog: Catalog) -> None:
    missing = "Error code: 404 - {'error': {'code': 'DeploymentNotFound', 'message': 'The API deployment for this resource does not exist.'}}"
    retired = "Error code: 410 - {'error': {'code': 410, 'message': 'The model associated with the deployment is deprecated and no longer available for use.', 'responseCode': 'ModelDeprecated'}}"
    assert diagnose_offline(catalog, missing).category == "azure_deployment_not_found"
    result = diagnose_offline(catalog, retired)
    assert result.category == "model_retired"
    assert result.facts.status == 410


def test_keys_of_every_shape_never_reach_the_output(catalog: Catalog) -> None:
    keys = [
        "sk-proj-abcDEF1234567890abcdEFGHijklMNOPqrstUVWX",
        "sk-svcacct-ZZZZ1234567890abcdefghijklmnop",
        "sk-admin-QQQQ1234567890abcdefghijklmnop",
        "sk-abc***************************xyz9",
        "0123456789abcdef0123456789abcdef",
    ]
    for key in keys:
        text = (
            f"curl -H 'Authorization: Bearer {key}' -H 'api-key: {key}' https://api.openai.com/v1/chat/completions\n"
            f"401 Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys."
        )
        out = diagnose_offline(catalog, text).model_dump_json()
        assert key not in out
        assert key[:12] not in out


def test_empty_text_asks_for_the_error(catalog: Catalog) -> None:
    with pytest.raises(InvalidInput, match="paste"):
        diagnose_offline(catalog, "   \n ")


def test_binary_garbage_is_unknown_with_a_clear_summary(catalog: Catalog) -> None:
    result = diagnose_offline(catalog, "\x00\x01\x02\xff" * 5000)
    assert result.category == "unknown"
    assert "binary" in result.summary


# ---------------------------------------------------------------- the ambiguous message

AMBIGUOUS = "Error code: 404 - {{'error': {{'message': 'The model `{m}` does not exist or you do not have access to it.', 'type': 'invalid_request_error', 'param': None, 'code': 'model_not_found'}}}}"


def test_the_ambiguous_message_with_a_typo_is_an_unknown_model_name(catalog: Catalog) -> None:
    result = diagnose_offline(catalog, AMBIGUOUS.format(m="gpt-4o-mni"))
    assert result.category == "unknown_model_name"
    assert "gpt-4o-mini" in result.suggested_models


def test_the_ambiguous_message_with_a_shut_down_model_is_retired(catalog: Catalog) -> None:
    result = diagnose_offline(catalog, AMBIGUOUS.format(m="gpt-4-turbo"))
    assert result.category == "model_retired"
    assert result.suggested_models and result.suggested_models[0] != "gpt-4-turbo"


def test_the_ambiguous_message_with_a_current_model_is_account_access(catalog: Catalog) -> None:
    result = diagnose_offline(catalog, AMBIGUOUS.format(m="gpt-6-luna"))
    assert result.category == "account_access_denied"
    assert result.checked_live is False


# ---------------------------------------------------------------- live facts


def test_live_list_without_the_model_confirms_account_access(catalog: Catalog) -> None:
    facts = LiveFacts(listed={"gpt-6.1-sol", "gpt-5.6-sol"}, permissions=None)
    result = diagnose_offline(catalog, AMBIGUOUS.format(m="gpt-6-luna"), live_facts=facts)
    assert result.category == "account_access_denied"
    assert result.checked_live is True
    assert result.confidence >= 0.9


def test_live_permissions_that_exclude_the_model_mean_project_access(catalog: Catalog) -> None:
    permissions = ProjectPermissions(project_id="proj_x", mode="allow_list", model_ids=["gpt-6.1-sol"], source="admin")
    facts = LiveFacts(listed={"gpt-6.1-sol"}, permissions=permissions)
    result = diagnose_offline(catalog, AMBIGUOUS.format(m="gpt-6-luna"), live_facts=facts)
    assert result.category == "project_access_denied"
    assert result.checked_live is True


def test_a_model_the_key_lists_but_still_fails_points_elsewhere(catalog: Catalog) -> None:
    facts = LiveFacts(listed={"gpt-6-luna"}, permissions=None)
    result = diagnose_offline(catalog, AMBIGUOUS.format(m="gpt-6-luna"), live_facts=facts)
    assert result.category not in ("account_access_denied", "unknown_model_name")
    assert result.checked_live is True


def test_replacements_prefer_models_the_key_can_call(catalog: Catalog) -> None:
    offline = diagnose_offline(catalog, AMBIGUOUS.format(m="gpt-4-turbo"))
    callable_one = offline.suggested_models[-1]
    facts = LiveFacts(listed={callable_one}, permissions=None)
    result = diagnose_offline(catalog, AMBIGUOUS.format(m="gpt-4-turbo"), live_facts=facts)
    assert result.category == "model_retired"
    assert result.suggested_models == [callable_one]


def _live_state(base_url: str, key: str) -> AppState:
    return AppState(
        load_config(
            {
                "MODEL_ACCESS_TODAY": TODAY.isoformat(),
                "OPENAI_API_KEY": key,
                "OPENAI_BASE_URL": base_url,
                "MODEL_ACCESS_PROVIDER": "openai",
                "MODEL_ACCESS_TIMEOUT": "1",
                "MODEL_ACCESS_MAX_RETRIES": "0",
            }
        )
    )


@pytest.mark.anyio
async def test_diagnose_uses_live_facts_when_a_key_is_configured(anyio_backend: str) -> None:
    with Emulator() as emu:
        async with _live_state(emu.base_url, emu.key("allow")) as state:
            result = await diagnose(state, AMBIGUOUS.format(m="gpt-6.1-sol"))
            assert result.checked_live is True
            assert result.category == "account_access_denied"
            assert any("not in this key's model list" in e for e in result.evidence)
            offline = await diagnose(state, AMBIGUOUS.format(m="gpt-6.1-sol"), live=False)
            assert offline.checked_live is False


@pytest.mark.anyio
async def test_diagnose_carries_on_offline_when_the_live_layer_fails(anyio_backend: str) -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    async with _live_state("http://127.0.0.1:9/v1", "sk-test-not-a-real-key-1234567890") as state:
        result = await diagnose(state, AMBIGUOUS.format(m="gpt-6-luna"))
    assert result.category == "account_access_denied"
    assert result.checked_live is False


@pytest.mark.anyio
async def test_diagnose_without_a_key_stays_offline(catalog: Catalog, anyio_backend: str) -> None:
    state = AppState(load_config({"MODEL_ACCESS_TODAY": TODAY.isoformat()}))
    result = await diagnose(state, AMBIGUOUS.format(m="gpt-6-luna"))
    assert result.checked_live is False
