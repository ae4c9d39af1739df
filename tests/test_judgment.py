"""One judgment for every answer: each case of issue 11 through a real MCP client session.

The emulator on 127.0.0.1 stands in for api.openai.com (MODEL_ACCESS_PROVIDER=openai), with the
real `openai` SDK on the server's side and a real `mcp.Client` on the assistant's side.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
from mcp import Client

from model_access.config import OPENAI_BASE_URL, load_config
from model_access.mcp_server import create_server

from .emulator import REVOKED_KEY, Emulator, default_world
from .emulator.fixtures import ACME_FINE_TUNE, ORG_ACME, PROJ_ACME_ALLOW, PROJ_ACME_DEFAULT, PROJ_ACME_DENY
from .helpers import TODAY

pytestmark = pytest.mark.anyio


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


def env_for(emu: Emulator, key: str | None, project: str | None = None, admin: str | None = None) -> dict[str, str]:
    env = {
        "MODEL_ACCESS_TODAY": TODAY.isoformat(),
        "OPENAI_BASE_URL": emu.base_url,
        "MODEL_ACCESS_PROVIDER": "openai",
        "MODEL_ACCESS_ADMIN_BASE_URL": emu.base_url,
        "MODEL_ACCESS_TIMEOUT": "2",
        "MODEL_ACCESS_MAX_RETRIES": "0",
    }
    if key:
        env["OPENAI_API_KEY"] = key
    if project:
        env["OPENAI_PROJECT_ID"] = project
    if admin:
        env["OPENAI_ADMIN_KEY"] = admin
    return env


@asynccontextmanager
async def session(env: dict[str, str]) -> AsyncIterator[Client]:
    async with Client(create_server(load_config(env))) as client:
        yield client


async def call(client: Client, tool: str, **args: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


def not_found(model: str) -> str:
    body = {
        "message": f"The model `{model}` does not exist or you do not have access to it.",
        "code": "model_not_found",
    }
    return f"openai.NotFoundError: Error code: 404 - {{'error': {json.dumps(body)}}}"


# ---------------------------------------------------------------------- exact ids


@pytest.mark.parametrize("written", ["gpt4.1-mini", "GPT-4.1-mini", "openai/gpt-4.1-mini"])
async def test_a_live_key_does_not_hide_a_typo_case_or_prefix(emu: Emulator, written: str) -> None:
    async with session(env_for(emu, emu.key("alpha"), PROJ_ACME_DEFAULT)) as client:
        check = await call(client, "check_model_access", model=written)
    assert check["verdict"] == "unknown_model" and check["category"] == "unknown_model_name"
    assert check["model"] == written
    # gpt-4.1-mini is the id meant; it shuts down within 90 days, so its active successor leads.
    assert check["suggested_models"][:2] == ["gpt-6-luna", "gpt-4.1-mini"]


async def test_the_api_404_for_a_prefixed_id_is_about_the_id_and_keeps_it_as_written(emu: Emulator) -> None:
    async with session(env_for(emu, emu.key("alpha"), PROJ_ACME_DEFAULT)) as client:
        result = await call(client, "diagnose_error", error=not_found("openai/gpt-4.1-mini"))
    assert result["category"] == "unknown_model_name"
    assert result["facts"]["model"] == "openai/gpt-4.1-mini"
    assert result["suggested_models"][:2] == ["gpt-6-luna", "gpt-4.1-mini"]
    assert "did you mean gpt-4.1-mini?" in result["summary"]


# ---------------------------------------------------------------------- project policies


async def test_a_typo_in_an_allow_list_project_is_unknown_not_denied(emu: Emulator) -> None:
    env = env_for(emu, emu.key("allow"), PROJ_ACME_ALLOW, admin=emu.key("admin"))
    async with session(env) as client:
        check = await call(client, "check_model_access", model="gpt-4o-mimi")
    assert check["verdict"] == "unknown_model"
    assert check["suggested_models"][:2] == ["gpt-6-luna", "gpt-4o-mini"]  # both allowed by the project
    assert not any("allow" in step.lower() and "gpt-4o-mimi" in step for step in check["next_steps"])


async def test_a_model_the_organization_cannot_see_is_not_listed_rather_than_denied(emu: Emulator) -> None:
    world = default_world()
    acme = next(o for o in world.organizations if o.id == ORG_ACME)
    acme.unavailable_models = acme.unavailable_models | {"gpt-4o"}
    world.list_respects_permissions = False  # the list shows what the allow list excludes: it ignores the policy
    with Emulator(world) as emulator:
        env = env_for(emulator, emulator.key("allow"), PROJ_ACME_ALLOW, admin=emulator.key("admin"))
        async with session(env) as client:
            check = await call(client, "check_model_access", model="gpt-4o")
    assert check["verdict"] == "not_listed" and check["category"] == "account_access_denied"
    assert check["rule"] == "hidden_beyond_policy"
    assert not any("update_project_model_permissions" in step for step in check["next_steps"])


async def test_a_project_denial_offers_only_what_the_allow_list_holds(emu: Emulator) -> None:
    emu.set_project_permissions(PROJ_ACME_ALLOW, "allow_list", ["gpt-4.1-mini", "text-embedding-3-small"])
    emu.configure(list_respects_permissions=False)  # the key lists gpt-6-luna although the policy excludes it
    error = (
        "openai.PermissionDeniedError: Error code: 403 - {'error': {'message': 'Project `"
        + PROJ_ACME_ALLOW
        + "` does not have access to model `gpt-4.1`', 'type': 'invalid_request_error', 'code': 'model_not_found'}}"
    )
    env = env_for(emu, emu.key("allow"), PROJ_ACME_ALLOW, admin=emu.key("admin"))
    async with session(env) as client:
        result = await call(client, "diagnose_error", error=error)
    assert result["category"] == "project_access_denied"
    assert result["suggested_models"][0] == "gpt-4.1-mini"
    assert "gpt-6-luna" not in result["suggested_models"]
    offers = [f for f in result["fixes"] if f["title"].startswith("Or use a model the project allows")]
    assert offers and "gpt-4.1-mini" in offers[0]["title"] and "your key can call it" in offers[0]["detail"]


async def test_without_live_facts_an_offer_says_access_was_not_checked() -> None:
    env = {"MODEL_ACCESS_TODAY": TODAY.isoformat()}
    error = "Error code: 403 - Project `proj_abc` does not have access to model `gpt-4.1`"
    async with session(env) as client:
        result = await call(client, "diagnose_error", error=error)
    assert result["category"] == "project_access_denied"
    offers = [f for f in result["fixes"] if f["title"].startswith("Or use")]
    assert offers and "access not checked" in offers[0]["detail"]
    assert not any("your key can call" in f["detail"] for f in result["fixes"])


async def test_a_deny_list_project_is_told_to_unblock(emu: Emulator) -> None:
    env = env_for(emu, emu.key("deny"), PROJ_ACME_DENY, admin=emu.key("admin"))
    async with session(env) as client:
        check = await call(client, "check_model_access", model="gpt-6.2-astra")
    assert check["verdict"] == "project_denied" and check["policy_source"] == "read"
    assert any(step.startswith("Unblock gpt-6.2-astra") for step in check["next_steps"])
    assert any("unblock=[" in step for step in check["next_steps"])
    assert not any("allow=[" in step for step in check["next_steps"])


async def test_a_fine_tune_of_another_organization_gets_no_allow_list_advice(emu: Emulator) -> None:
    async with session(env_for(emu, emu.key("unverified"))) as client:
        check = await call(client, "check_model_access", model=ACME_FINE_TUNE.id)
        diagnosis = await call(client, "diagnose_error", error=not_found(ACME_FINE_TUNE.id))
    assert check["verdict"] == "not_listed" and check["category"] == "fine_tune_scope"
    assert not any("allow" in step.lower() for step in check["next_steps"])
    assert diagnosis["category"] == "fine_tune_scope"


# ---------------------------------------------------------------------- probes and keys


async def test_a_probe_refused_for_verification_is_not_accessible(emu: Emulator) -> None:
    async with session(env_for(emu, emu.key("unverified"))) as client:
        check = await call(client, "check_model_access", model="o3", probe=True)
    assert check["verdict"] != "accessible"
    assert check["category"] == "organization_verification_required"


async def test_a_probe_refused_for_a_missing_scope_is_not_accessible(emu: Emulator) -> None:
    async with session(env_for(emu, emu.key("restricted-read"), PROJ_ACME_DEFAULT)) as client:
        check = await call(client, "check_model_access", model="gpt-6-luna", probe=True)
    assert check["verdict"] == "unverifiable" and check["category"] == "key_permission_denied"


async def test_an_invalid_key_with_a_valid_admin_key_is_an_invalid_key(emu: Emulator) -> None:
    env = env_for(emu, REVOKED_KEY, PROJ_ACME_ALLOW, admin=emu.key("admin"))
    async with session(env) as client:
        check = await call(client, "check_model_access", model="gpt-4.1")
    assert check["verdict"] == "unverifiable" and check["category"] == "invalid_api_key"


@pytest.mark.parametrize(
    ("project", "admin"),
    [("proj_EmuAcmeAllowLizt0000002", "admin"), (PROJ_ACME_ALLOW, "admin-indie")],
    ids=["mistyped project id", "admin key of another organization"],
)
async def test_an_admin_api_404_is_an_unknown_policy_never_no_restriction(
    emu: Emulator, project: str, admin: str
) -> None:
    env = env_for(emu, emu.key("allow"), project, admin=emu.key(admin))
    async with session(env) as client:
        check = await call(client, "check_model_access", model="gpt-6.1-sol")
        permissions = await client.call_tool("get_project_model_permissions", {})
    assert check["policy_source"] == "project_not_found" and check.get("project_permissions") is None
    assert permissions.is_error and "not found" in str(permissions.content)


async def test_a_project_without_a_policy_reads_as_none(emu: Emulator) -> None:
    emu.configure(unrestricted_permissions="not_found")  # the admin API answers 404 for "no policy"
    env = env_for(emu, emu.key("alpha"), PROJ_ACME_DEFAULT, admin=emu.key("admin"))
    async with session(env) as client:
        permissions = await call(client, "get_project_model_permissions")
    assert permissions["mode"] == "none"


# ---------------------------------------------------------------------- one replacement everywhere


async def test_every_tool_names_the_same_replacement_for_a_retired_model() -> None:
    env = {"MODEL_ACCESS_TODAY": TODAY.isoformat()}
    async with session(env) as client:
        suggestion = await call(client, "suggest_replacement", model="gpt-4-32k")
        diagnosis = await call(client, "diagnose_error", error=not_found("gpt-4-32k"))
        check = await call(client, "check_model_access", model="gpt-4-32k")
    assert suggestion["suggestions"][0]["id"] == "gpt-6-luna"
    assert "gpt-4o (deprecated, shuts down 2027-01-14)" in suggestion["suggestions"][0]["reason"]
    assert diagnosis["suggested_models"][0] == "gpt-6-luna"
    assert check["verdict"] == "retired" and check["suggested_models"][0] == "gpt-6-luna"


async def test_replacements_follow_the_endpoint_of_the_call() -> None:
    env = {"MODEL_ACCESS_TODAY": TODAY.isoformat()}
    async with session(env) as client:
        embeddings = await call(client, "suggest_replacement", model="gpt-6.1-sol", endpoint="embeddings")
        legacy = await call(client, "suggest_replacement", model="gpt-3.5-turbo-instruct", endpoint="completions")
        prefixed = await call(client, "suggest_replacement", model="openai/gpt-6.1-sol")
    assert embeddings["suggestions"] and all(s["id"].startswith("text-embedding-") for s in embeddings["suggestions"])
    assert legacy["suggestions"][0]["endpoint"] == "responses"  # no current model serves /v1/completions
    assert prefixed["status"] == "unknown" and prefixed["suggestions"][0]["id"] == "gpt-6.1-sol"


async def test_a_verdict_for_a_model_shutting_down_within_90_days_says_so(emu: Emulator) -> None:
    async with session(env_for(emu, emu.key("alpha"), PROJ_ACME_DEFAULT)) as client:
        check = await call(client, "check_model_access", model="gpt-4.1-mini")
    assert check["verdict"] == "accessible"
    assert any("shuts down on 2027-01-14 (in 52 days" in e for e in check["evidence"])
    assert check["suggested_models"] and check["suggested_models"][0] == "gpt-6-luna"


# ---------------------------------------------------------------------- permission writes


async def test_permission_writes_normalise_ids_and_refuse_unknown_or_retired_ones(emu: Emulator) -> None:
    env = env_for(emu, emu.key("allow"), PROJ_ACME_ALLOW, admin=emu.key("admin"))
    async with session(env) as client:
        typo = await client.call_tool(
            "update_project_model_permissions", {"project_id": PROJ_ACME_ALLOW, "allow": ["gpt-4o-mimi"]}
        )
        retired = await client.call_tool(
            "update_project_model_permissions", {"project_id": PROJ_ACME_ALLOW, "allow": ["gpt-4-32k"]}
        )
        plan = await call(
            client,
            "update_project_model_permissions",
            project_id=PROJ_ACME_ALLOW,
            allow=["openai/gpt-4.1", " gpt-5.4 ", "GPT-6.1-SOL"],
        )
    assert typo.is_error and "gpt-4o-mini" in str(typo.content)
    assert retired.is_error and "shut down" in str(retired.content)
    assert plan["applied"] is False
    added = [m for m in plan["after"]["model_ids"] if m not in plan["before"]["model_ids"]]
    assert added == ["gpt-4.1", "gpt-5.4", "gpt-6.1-sol"]
    assert "gpt-4.1" not in allowed_ids(emu)


async def test_confirm_true_does_not_skip_the_question_when_the_client_can_ask(emu: Emulator) -> None:
    from mcp.types import ElicitResult

    asked: list[str] = []

    async def decline(context: Any, params: Any) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="decline")

    env = env_for(emu, emu.key("allow"), PROJ_ACME_ALLOW, admin=emu.key("admin"))
    async with Client(create_server(load_config(env)), elicitation_callback=decline) as client:
        result = await client.call_tool(
            "update_project_model_permissions", {"project_id": PROJ_ACME_ALLOW, "allow": ["gpt-4.1"], "confirm": True}
        )
    assert len(asked) == 1 and "plan " in asked[0]
    assert result.structured_content is not None and result.structured_content["applied"] is False
    assert "gpt-4.1" not in allowed_ids(emu)


async def test_a_write_is_refused_when_the_policy_changed_after_the_plan(emu: Emulator) -> None:
    env = env_for(emu, emu.key("allow"), PROJ_ACME_ALLOW, admin=emu.key("admin"))
    async with session(env) as client:
        plan = await call(client, "update_project_model_permissions", project_id=PROJ_ACME_ALLOW, allow=["gpt-4.1"])
        emu.set_project_permissions(PROJ_ACME_ALLOW, "allow_list", ["gpt-6-luna"])  # someone else edits it
        late = await call(
            client,
            "update_project_model_permissions",
            project_id=PROJ_ACME_ALLOW,
            allow=["gpt-4.1"],
            confirm=True,
            plan_digest=plan["plan_digest"],
        )
    assert late["applied"] is False and "plan" in late["message"].lower()
    assert list(allowed_ids(emu)) == ["gpt-6-luna"]


async def test_no_diagnosis_tells_the_assistant_to_pass_confirm(emu: Emulator) -> None:
    error = f"Error code: 403 - Project `{PROJ_ACME_ALLOW}` does not have access to model `gpt-4.1`"
    env = env_for(emu, emu.key("allow"), PROJ_ACME_ALLOW, admin=emu.key("admin"))
    async with session(env) as client:
        result = await call(client, "diagnose_error", error=error)
        check = await call(client, "check_model_access", model="gpt-4.1")
    assert result["category"] == "project_access_denied"
    text = json.dumps([result, check])
    assert "confirm" not in text.replace("confirmation", "")


# ---------------------------------------------------------------------- the admin key's host


async def test_the_admin_key_never_follows_a_compatible_base_url(emu: Emulator) -> None:
    env = {
        "MODEL_ACCESS_TODAY": TODAY.isoformat(),
        "OPENAI_BASE_URL": emu.base_url,  # host is 127.0.0.1: another provider, as OpenRouter would be
        "OPENAI_API_KEY": emu.key("allow"),
        "OPENAI_PROJECT_ID": PROJ_ACME_ALLOW,
        "OPENAI_ADMIN_KEY": emu.key("admin"),
        "MODEL_ACCESS_MAX_RETRIES": "0",
    }
    async with session(env) as client:
        result = await client.call_tool("get_project_model_permissions", {})
    assert result.is_error and "only ever sent to OpenAI" in str(result.content)
    assert not any("/organization/" in r.path for r in emu.requests)


def test_the_admin_key_goes_to_openai_unless_explicitly_redirected() -> None:
    config = load_config({"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": "https://gateway.example/v1"})
    assert config.admin_url == OPENAI_BASE_URL
    moved = load_config({"MODEL_ACCESS_ADMIN_BASE_URL": "http://127.0.0.1:9/v1"})
    assert moved.admin_url == "http://127.0.0.1:9/v1"


# ---------------------------------------------------------------------- review follow-ups


async def test_an_unsent_probe_leaves_a_listed_model_accessible(emu: Emulator) -> None:
    async with session(env_for(emu, emu.key("alpha"), PROJ_ACME_DEFAULT)) as client:
        check = await call(client, "check_model_access", model="whisper-1", endpoint="audio.transcriptions", probe=True)
    assert check["verdict"] == "accessible"
    assert any(e.startswith("No probe sent: audio.transcriptions") for e in check["evidence"])
    assert not any(r.method == "POST" for r in emu.requests)


async def test_a_key_that_cannot_list_models_is_checked_by_the_probe(emu: Emulator) -> None:
    async with session(env_for(emu, emu.key("restricted-call"), PROJ_ACME_DEFAULT)) as client:
        unprobed = await call(client, "check_model_access", model="gpt-6-luna")
        probed = await call(client, "check_model_access", model="gpt-6-luna", probe=True)
    assert unprobed["verdict"] == "unverifiable" and unprobed["category"] == "key_permission_denied"
    assert "api.model.read" in unprobed["evidence"][0]
    assert probed["verdict"] == "accessible" and probed["rule"] == "call_succeeded"


async def test_a_model_the_key_still_lists_is_not_called_retired_from_the_catalog_alone() -> None:
    world = default_world()
    # A postponed shutdown: the API still serves gpt-4-32k and gives no shutdown_date; the catalog's has passed.
    world.models = tuple(replace(m, shutdown_date=None) if m.id == "gpt-4-32k" else m for m in world.models)
    with Emulator(world) as emulator:
        async with session(env_for(emulator, emulator.key("alpha"), PROJ_ACME_DEFAULT)) as client:
            check = await call(client, "check_model_access", model="gpt-4-32k")
    assert check["verdict"] == "accessible"
    assert any("but this key still lists it" in e for e in check["evidence"])


async def test_an_own_fine_tune_blocked_by_the_deny_list_is_a_project_matter(emu: Emulator) -> None:
    emu.set_project_permissions(PROJ_ACME_DENY, "deny_list", [ACME_FINE_TUNE.id])
    env = env_for(emu, emu.key("deny"), PROJ_ACME_DENY, admin=emu.key("admin"))
    async with session(env) as client:
        check = await call(client, "check_model_access", model=ACME_FINE_TUNE.id)
        plan = await call(
            client, "update_project_model_permissions", project_id=PROJ_ACME_DENY, unblock=[ACME_FINE_TUNE.id]
        )
    assert check["verdict"] == "project_denied" and check["category"] == "project_access_denied"
    assert any(step.startswith(f"Unblock {ACME_FINE_TUNE.id}") for step in check["next_steps"])
    assert plan["after"]["model_ids"] == [] and plan["applied"] is False


def test_the_documented_table_names_every_rule_in_order() -> None:
    from model_access import judgment

    doc = judgment.__doc__ or ""
    rows = [
        line.split("|")[2].strip() for line in doc.splitlines() if line.startswith("|") and line.split("|")[2].strip()
    ]
    documented = [name for name in rows if name not in ("rule", "-" * len(name)) and not name.startswith("-")]
    assert documented == [rule.name for rule in judgment.RULES]


def allowed_ids(emu: Emulator) -> list[str]:
    """The emulated allow-list project's model ids (it always has a policy)."""
    permissions = emu.project_permissions(PROJ_ACME_ALLOW)
    assert permissions is not None
    return list(permissions.model_ids)
