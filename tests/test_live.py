"""The live layer with the real openai SDK against the OpenAI emulator on 127.0.0.1 (no patching)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from model_access.config import load_config
from model_access.errors import LookupFailed, NotAvailable
from model_access.live.permissions import update_with_confirmation
from model_access.state import AppState

from .emulator import UNKNOWN_MODEL, Emulator
from .emulator.fixtures import ALLOW_LIST, DENY_LIST, PROJ_ACME_ALLOW, PROJ_ACME_DEFAULT, PROJ_ACME_DENY, REVOKED_KEY
from .helpers import TODAY, text_of

pytestmark = pytest.mark.anyio


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
async def state_for() -> AsyncIterator[Callable[..., AppState]]:
    """Make an AppState against the emulator; every state made is closed after the test."""
    made: list[AppState] = []

    def make(emu: Emulator, key: str | None, project: str | None = None, admin: bool = False, **extra: str) -> AppState:
        env = {
            "MODEL_ACCESS_TODAY": TODAY.isoformat(),
            "OPENAI_BASE_URL": emu.base_url,
            "MODEL_ACCESS_TIMEOUT": "2",
            "MODEL_ACCESS_MAX_RETRIES": "0",
            # The emulator stands in for api.openai.com: its ids are OpenAI's, and the admin key may go there.
            "MODEL_ACCESS_PROVIDER": "openai",
            "MODEL_ACCESS_ADMIN_BASE_URL": emu.base_url,
            **extra,
        }
        if key:
            env["OPENAI_API_KEY"] = key
        if project:
            env["OPENAI_PROJECT_ID"] = project
        if admin:
            env["OPENAI_ADMIN_KEY"] = emu.key("admin")
        state = AppState(load_config(env))
        made.append(state)
        return state

    yield make
    for state in made:
        await state.aclose()


def model_requests(emu: Emulator) -> int:
    return sum(1 for r in emu.requests if r.path.startswith("/v1/models"))


async def test_live_list_is_merged_with_the_catalog(emu, state_for):
    state = state_for(emu, emu.key("alpha"), PROJ_ACME_DEFAULT)
    result = await state.live.list_models(None)
    assert result.source == "live" and result.project == PROJ_ACME_DEFAULT
    assert result.base_url == emu.base_url and result.provider == "openai"  # MODEL_ACCESS_PROVIDER
    by_id = {m.id: m for m in result.models}
    assert by_id["gpt-4o"].shutdown_date == "2027-01-14" and by_id["gpt-4o"].lifecycle == "deprecated"
    assert by_id["gpt-6-luna"].in_catalog and "responses" in by_id["gpt-6-luna"].endpoints
    assert emu.key("alpha") not in result.model_dump_json()


async def test_a_second_list_within_the_ttl_makes_no_request(emu, state_for):
    state = state_for(emu, emu.key("alpha"))
    await state.live.list_models(None)
    assert model_requests(emu) == 1
    await state.live.list_models("chat.completions")
    assert model_requests(emu) == 1
    await state.live.list_models(None, refresh=True)
    assert model_requests(emu) == 2


async def test_the_project_allow_list_limits_the_live_list(emu, state_for):
    state = state_for(emu, emu.key("allow"), PROJ_ACME_ALLOW)
    ids = {m.id for m in (await state.live.list_models(None)).models}
    assert ids == set(ALLOW_LIST)


@pytest.mark.parametrize(
    ("key", "project", "admin", "model", "endpoint", "verdict"),
    [
        ("alpha", PROJ_ACME_DEFAULT, False, "gpt-6-luna", None, "accessible"),
        ("alpha", PROJ_ACME_DEFAULT, False, "gpt4o", None, "unknown_model"),  # the API matches ids exactly
        ("deny", PROJ_ACME_DENY, True, "o3", None, "project_denied"),
        ("allow", PROJ_ACME_ALLOW, True, "gpt-4.1", None, "project_denied"),
        ("allow", PROJ_ACME_ALLOW, False, "gpt-4.1", None, "not_listed"),
        ("alpha", PROJ_ACME_DEFAULT, False, "gpt-4-32k", None, "retired"),
        ("alpha", PROJ_ACME_DEFAULT, False, UNKNOWN_MODEL, None, "unknown_model"),
        ("alpha", PROJ_ACME_DEFAULT, False, "text-embedding-3-large", "chat.completions", "wrong_endpoint"),
    ],
)
async def test_each_verdict_of_check_model_access(emu, key, project, admin, model, endpoint, verdict, state_for):
    state = state_for(emu, emu.key(key), project, admin=admin)
    result = await state.live.check_access(model, endpoint)
    assert result.verdict == verdict, result.evidence
    assert result.evidence and result.next_steps
    assert emu.key(key) not in result.model_dump_json()


async def test_a_rejected_key_is_unverifiable_and_never_echoed(emu, state_for):
    state = state_for(emu, REVOKED_KEY)
    result = await state.live.check_access("gpt-6-luna", None)
    assert result.verdict == "unverifiable"
    text = result.model_dump_json()
    assert "401" in text and "rejected" in text
    assert REVOKED_KEY not in text and REVOKED_KEY[-4:] not in text


async def test_a_probe_reveals_the_project_block(emu, state_for):
    state = state_for(emu, emu.key("allow"), PROJ_ACME_ALLOW)
    result = await state.live.check_access("gpt-4.1", "chat.completions", probe=True)
    assert result.verdict == "project_denied" and result.category == "project_access_denied"
    assert any(e.startswith("The probe says project_access_denied") for e in result.evidence)
    posts = [r for r in emu.requests if r.method == "POST"]
    assert len(posts) == 1 and posts[0].path == "/v1/chat/completions"


async def test_read_plan_apply_and_reread_permissions(emu, state_for):
    state = state_for(emu, emu.key("allow"), PROJ_ACME_ALLOW, admin=True)
    current = await state.live.get_permissions(None)
    assert current.mode == "allow_list" and current.model_ids == ALLOW_LIST

    plan = await update_with_confirmation(state, None, PROJ_ACME_ALLOW, ["gpt-4.1"], [], False, confirm=False)
    assert not plan.applied and plan.after.model_ids == [*ALLOW_LIST, "gpt-4.1"]
    assert emu.project_permissions(PROJ_ACME_ALLOW).model_ids == ALLOW_LIST  # nothing written

    unbound = await update_with_confirmation(state, None, PROJ_ACME_ALLOW, ["gpt-4.1"], [], False, confirm=True)
    assert not unbound.applied and "plan_digest" in unbound.message  # confirm alone approves no plan

    done = await update_with_confirmation(
        state, None, PROJ_ACME_ALLOW, ["gpt-4.1"], [], False, confirm=True, plan_digest_arg=plan.plan_digest
    )
    assert done.applied and done.after.source == "admin API"
    assert done.after.model_ids == [*ALLOW_LIST, "gpt-4.1"]  # no id it was not asked to change is dropped
    assert list(emu.project_permissions(PROJ_ACME_ALLOW).model_ids) == [*ALLOW_LIST, "gpt-4.1"]


async def test_unblocking_removes_only_the_named_id_from_a_deny_list(emu, state_for):
    state = state_for(emu, emu.key("deny"), PROJ_ACME_DENY, admin=True)
    plan = await update_with_confirmation(state, None, PROJ_ACME_DENY, [], ["o3"], False, confirm=False)
    done = await update_with_confirmation(
        state, None, PROJ_ACME_DENY, [], ["o3"], False, confirm=True, plan_digest_arg=plan.plan_digest
    )
    assert done.applied and done.after.model_ids == [m for m in DENY_LIST if m != "o3"]
    plan = await update_with_confirmation(state, None, PROJ_ACME_DENY, [], [], True, confirm=False)
    removed = await update_with_confirmation(
        state, None, PROJ_ACME_DENY, [], [], True, confirm=True, plan_digest_arg=plan.plan_digest
    )
    assert removed.after.mode == "none"


async def test_permissions_need_an_admin_key(emu, state_for):
    state = state_for(emu, emu.key("alpha"), PROJ_ACME_DEFAULT)
    with pytest.raises(NotAvailable, match="OPENAI_ADMIN_KEY"):
        await state.live.get_permissions(None)


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("server_error", "HTTP 500"),
        ("bad_gateway", "HTTP 502"),
        ("unavailable", "HTTP 503"),
        ("malformed_json", "malformed"),
        ("drop_connection", "could not connect"),
        ("rate_limit", "rate limited"),
        ("stall", "timed out"),
    ],
)
async def test_every_fault_is_a_typed_answer_and_the_next_call_succeeds(emu, fault, words, state_for):
    state = state_for(emu, emu.key("alpha"), MODEL_ACCESS_TIMEOUT="0.5", MODEL_ACCESS_CACHE_TTL="0")
    emu.inject(fault, count=1, seconds=2.0 if fault == "stall" else None)
    with pytest.raises(LookupFailed) as info:
        await state.live.list_models(None)
    assert words in str(info.value)
    assert emu.key("alpha") not in str(info.value)
    again = await state.live.list_models(None)
    assert again.count > 0


async def test_429_and_5xx_are_retried_honouring_retry_after(emu, state_for):
    state = state_for(emu, emu.key("alpha"), MODEL_ACCESS_MAX_RETRIES="2")
    emu.inject("rate_limit", count=1, seconds=0.05)
    emu.inject("server_error", count=1)
    result = await state.live.list_models(None)
    assert result.count > 0
    assert model_requests(emu) == 3


async def test_quota_errors_are_not_retried(emu, state_for):
    state = state_for(emu, emu.key("no-quota"), MODEL_ACCESS_MAX_RETRIES="2")
    result = await state.live.check_access("gpt-6-luna", "chat.completions", probe=True)
    posts = [r for r in emu.requests if r.method == "POST"]
    assert len(posts) == 1
    assert any("insufficient_quota" in e for e in result.evidence)
    assert result.verdict == "unverifiable" and result.category == "insufficient_quota"


async def test_mcp_stdio_session_against_the_emulator(emu):
    from mcp import Client, StdioServerParameters

    from .helpers import console_script, offline_env

    env = offline_env(
        OPENAI_API_KEY=emu.key("allow"),
        OPENAI_BASE_URL=emu.base_url,
        OPENAI_PROJECT_ID=PROJ_ACME_ALLOW,
        OPENAI_ADMIN_KEY=emu.key("admin"),
        MODEL_ACCESS_MAX_RETRIES="0",
        MODEL_ACCESS_PROVIDER="openai",
        MODEL_ACCESS_ADMIN_BASE_URL=emu.base_url,
    )
    async with Client(StdioServerParameters(command=console_script("model-access-mcp"), env=env)) as session:
        listed = await session.call_tool("list_accessible_models", {})
        assert listed.structured_content["source"] == "live"
        assert {m["id"] for m in listed.structured_content["models"]} == set(ALLOW_LIST)
        check = await session.call_tool("check_model_access", {"model": "gpt-4.1"})
        assert check.structured_content["verdict"] == "project_denied"
        perms = await session.call_tool("get_project_model_permissions", {})
        assert perms.structured_content["mode"] == "allow_list"
        plan = await session.call_tool(
            "update_project_model_permissions", {"project_id": PROJ_ACME_ALLOW, "allow": ["gpt-4.1"]}
        )
        assert plan.structured_content["applied"] is False
        emu.inject("bad_gateway", count=1)
        failed = await session.call_tool("list_accessible_models", {"refresh": True})
        assert failed.is_error and "502" in text_of(failed)
        again = await session.call_tool("list_accessible_models", {"refresh": True})
        assert not again.is_error
        suggestion = await session.call_tool("suggest_replacement", {"model": "gpt-5"})
        accessible = {s["id"]: s["accessible"] for s in suggestion.structured_content["suggestions"]}
        assert set(accessible.values()) <= {True, False}
        everything = json.dumps([listed.model_dump(mode="json"), check.model_dump(mode="json")])
        for name in ("allow", "admin"):
            assert emu.key(name) not in everything


@pytest.mark.parametrize(
    ("mode", "answer", "applied"), [("auto", "accept", True), ("legacy", "accept", True), ("auto", "decline", False)]
)
async def test_the_change_is_written_only_after_the_user_accepts_the_elicitation(emu, mode, answer, applied, state_for):
    from mcp import Client
    from mcp.types import ElicitResult

    from model_access.mcp_server import create_server

    asked: list[str] = []

    async def on_elicit(context, params):
        asked.append(params.message)
        return ElicitResult(action=answer, content={"approve": True} if answer == "accept" else None)

    state = state_for(emu, emu.key("allow"), PROJ_ACME_ALLOW, admin=True)
    server = create_server(state.config)
    async with Client(server, mode=mode, elicitation_callback=on_elicit) as session:
        result = await session.call_tool(
            "update_project_model_permissions", {"project_id": PROJ_ACME_ALLOW, "allow": ["gpt-4.1"]}
        )
    assert not result.is_error, result.content
    assert len(asked) == 1 and "gpt-4.1" in asked[0] and "allow_list" in asked[0]
    assert result.structured_content["applied"] is applied
    written = list(emu.project_permissions(PROJ_ACME_ALLOW).model_ids)
    assert ("gpt-4.1" in written) is applied


async def test_without_elicitation_support_only_confirm_true_writes(emu, state_for):
    from mcp import Client

    from model_access.mcp_server import create_server

    state = state_for(emu, emu.key("allow"), PROJ_ACME_ALLOW, admin=True)
    async with Client(create_server(state.config)) as session:
        plan = await session.call_tool(
            "update_project_model_permissions", {"project_id": PROJ_ACME_ALLOW, "allow": ["gpt-4.1"]}
        )
        assert plan.structured_content["applied"] is False
        assert "confirm=true" in plan.structured_content["message"]
        assert "gpt-4.1" not in emu.project_permissions(PROJ_ACME_ALLOW).model_ids
        digest = plan.structured_content["plan_digest"]
        done = await session.call_tool(
            "update_project_model_permissions",
            {"project_id": PROJ_ACME_ALLOW, "allow": ["gpt-4.1"], "confirm": True, "plan_digest": digest},
        )
        assert done.structured_content["applied"] is True
        assert "gpt-4.1" in emu.project_permissions(PROJ_ACME_ALLOW).model_ids
