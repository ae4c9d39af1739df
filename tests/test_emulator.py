# The OpenAI emulator, seen through the real `openai` SDK: every error body, status and
# fault must reach the SDK exactly as api.openai.com would deliver it.
from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from openai.types import Model
from openai.types.chat import ChatCompletionMessageParam

from tests.emulator import REVOKED_KEY, UNKNOWN_MODEL, Emulator, RemoteControl, default_world, fingerprint
from tests.emulator.fixtures import (
    ALLOW_LIST,
    ORG_ACME,
    ORG_INDIE,
    PROJ_ACME_ALLOW,
    PROJ_ACME_DEFAULT,
    PROJ_ACME_DENY,
    PROJ_INDIE,
)

ROOT = Path(__file__).resolve().parent.parent
HI: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hi"}]

ClientFactory = Callable[..., openai.OpenAI]


@pytest.fixture(scope="module")
def http() -> Iterator[openai.DefaultHttpxClient]:
    # One HTTP client for the module: building an SDK client's own costs ~0.1 s (TLS setup).
    with openai.DefaultHttpxClient() as shared:
        yield shared


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def sdk(emu: Emulator, http: openai.DefaultHttpxClient) -> ClientFactory:
    """sdk("alpha") → an SDK client using that fixture key; sdk(None, api_key=…) for any other."""

    def make(key_name: str | None = "alpha", **options: Any) -> openai.OpenAI:
        if key_name is not None and key_name.startswith("admin"):
            options.setdefault("admin_api_key", emu.key(key_name))
        elif key_name is not None:
            options.setdefault("api_key", emu.key(key_name))
        options.setdefault("max_retries", 0)
        return openai.OpenAI(base_url=emu.base_url, http_client=http, **options)

    return make


def chat(c: openai.OpenAI, model: str) -> Any:
    return c.chat.completions.create(model=model, messages=HI)


# --- the fixture world ------------------------------------------------------------------


def test_fixture_ids_and_keys_look_like_openai_ones() -> None:
    world = default_world()
    for org in world.organizations:
        assert re.fullmatch(r"org-[A-Za-z0-9]{24}", org.id)
        for project in org.projects:
            assert re.fullmatch(r"proj_[A-Za-z0-9]{24}", project.id)
    prefixes = {"project": "sk-proj-emu-", "service_account": "sk-svcacct-emu-", "admin": "sk-admin-emu-"}
    for key in world.keys:
        assert key.value.startswith(prefixes[key.kind])
        assert len(key.value) == (84 if key.kind == "admin" else 164)
        assert "NOTAREALKEY" in key.value
    assert len({k.value[-4:] for k in world.keys}) == len(world.keys)
    assert world.key(REVOKED_KEY) is None


# --- GET /v1/models ---------------------------------------------------------------------


def test_models_list_parses_into_sdk_models_with_shutdown_dates(sdk: ClientFactory) -> None:
    models = {m.id: m for m in sdk("alpha").models.list()}
    assert all(isinstance(m, Model) for m in models.values())
    assert models["gpt-4o"].shutdown_date == "2027-01-14"
    assert models["gpt-5"].shutdown_date == "2026-12-11"
    assert models["gpt-6.1-sol"].shutdown_date is None
    assert models["gpt-6.1-sol"].owned_by == "openai"
    assert "ft:gpt-4o-mini-2024-07-18:acme-labs::EmuFt001" in models
    for gone in ("gpt-4", "o1", "gpt-image-1", "dall-e-3", "gpt-4-32k"):  # shut down
        assert gone not in models
    assert "gpt-6-cyber" not in models  # gated for this organization


def test_lifecycle_follows_the_worlds_today_not_the_clock(emu: Emulator, sdk: ClientFactory) -> None:
    c = sdk("alpha")
    assert chat(c, "gpt-5").model == "gpt-5-2025-08-07"
    emu.configure(today=datetime.date(2026, 12, 12))
    assert "gpt-5" not in {m.id for m in c.models.list()}
    with pytest.raises(openai.NotFoundError) as exc:
        chat(c, "gpt-5")
    assert exc.value.body == {
        "message": "The model `gpt-5` has been deprecated",
        "type": "invalid_request_error",
        "code": "model_not_found",
    }


def test_allow_and_deny_lists_filter_the_list(sdk: ClientFactory) -> None:
    assert sorted(m.id for m in sdk("allow").models.list()) == sorted(ALLOW_LIST)
    denied = {m.id for m in sdk("deny").models.list()}
    assert "o3" not in denied
    assert "gpt-6.2-astra" not in denied
    assert "gpt-6.1-sol" in denied


def test_list_filtering_is_a_world_flag(emu: Emulator, sdk: ClientFactory) -> None:
    emu.configure(list_respects_permissions=False)
    c = sdk("allow")
    assert "gpt-6.1-sol" in {m.id for m in c.models.list()}
    assert c.models.retrieve("gpt-6.1-sol").id == "gpt-6.1-sol"
    with pytest.raises(openai.PermissionDeniedError):
        chat(c, "gpt-6.1-sol")


@pytest.mark.parametrize(
    ("key_name", "model"),
    [("alpha", UNKNOWN_MODEL), ("alpha", "gpt-4"), ("unverified", "gpt-6.2-astra"), ("allow", "gpt-6.1-sol")],
    ids=["unknown", "shut-down", "not-rolled-out-to-org", "outside-allow-list"],
)
def test_retrieving_an_invisible_model_is_404(sdk: ClientFactory, key_name: str, model: str) -> None:
    with pytest.raises(openai.NotFoundError) as exc:
        sdk(key_name).models.retrieve(model)
    assert exc.value.body == {
        "message": f"The model '{model}' does not exist",
        "type": "invalid_request_error",
        "param": "model",
        "code": "model_not_found",
    }


def test_retrieve_returns_one_model_even_with_colons_in_the_id(sdk: ClientFactory) -> None:
    model = sdk("alpha").models.retrieve("ft:gpt-4o-mini-2024-07-18:acme-labs::EmuFt001")
    assert model.owned_by == "acme-labs"
    assert model.shutdown_date == "2027-01-14"


def test_request_log_names_keys_by_fingerprint_only(emu: Emulator, sdk: ClientFactory) -> None:
    c = sdk("alpha")
    c.models.list()
    emu.clear_log()
    c.models.list()
    c.models.retrieve("gpt-4o")
    log = emu.requests
    assert [(r.method, r.path, r.status) for r in log] == [
        ("GET", "/v1/models", 200),
        ("GET", "/v1/models/gpt-4o", 200),
    ]
    assert log[0].key_fingerprint == fingerprint(emu.key("alpha"))
    assert emu.key("alpha") not in json.dumps([r.to_json() for r in log])


# --- authentication and headers ---------------------------------------------------------


def test_incorrect_key_is_401_and_echoes_it_masked(sdk: ClientFactory) -> None:
    with pytest.raises(openai.AuthenticationError) as exc:
        sdk(None, api_key=REVOKED_KEY).models.list()
    body = exc.value.body
    assert isinstance(body, dict)
    masked = "sk-proj-" + "*" * (len(REVOKED_KEY) - 12) + REVOKED_KEY[-4:]
    assert body == {
        "message": f"Incorrect API key provided: {masked}. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
    assert REVOKED_KEY not in str(exc.value)


def test_missing_key_is_401(sdk: ClientFactory) -> None:
    with pytest.raises(openai.AuthenticationError) as exc:
        sdk("alpha").models.list(extra_headers={"Authorization": openai.Omit()})
    assert isinstance(exc.value.body, dict)
    assert exc.value.body["message"].startswith("You didn't provide an API key.")
    assert exc.value.code is None


def test_admin_key_is_refused_outside_the_admin_api(emu: Emulator, sdk: ClientFactory) -> None:
    with pytest.raises(openai.AuthenticationError) as exc:
        chat(sdk(None, api_key=emu.key("admin")), "gpt-4o")
    assert exc.value.code == "invalid_api_key"


def test_service_account_key_calls_models(sdk: ClientFactory) -> None:
    assert chat(sdk("svcacct"), "gpt-6-luna").choices[0].message.content == "OK"


def test_organization_and_project_headers_must_match_the_key(sdk: ClientFactory) -> None:
    assert sdk("alpha", organization=ORG_ACME, project=PROJ_ACME_DEFAULT).models.list().data
    with pytest.raises(openai.AuthenticationError) as exc:
        sdk("alpha", organization=ORG_INDIE).models.list()
    assert exc.value.body == {
        "message": "OpenAI-Organization header should match organization for API key",
        "type": "invalid_request_error",
        "param": None,
        "code": "mismatched_organization",
    }
    with pytest.raises(openai.AuthenticationError) as exc:
        chat(sdk("alpha", project=PROJ_INDIE), "gpt-4o")
    assert exc.value.code == "mismatched_project"
    assert isinstance(exc.value.body, dict)
    assert exc.value.body["message"] == "OpenAI-Project header should match project for API key"


def test_restricted_keys_need_the_right_scope(sdk: ClientFactory) -> None:
    reader = sdk("restricted-read")
    assert reader.models.list().data
    with pytest.raises(openai.AuthenticationError) as exc:
        chat(reader, "gpt-4o")
    assert exc.value.body == {
        "message": "You have insufficient permissions for this operation. Missing scopes: model.request. "
        "Check that you have the correct role in your organization (Reader, Writer, Owner) and project "
        "(Member, Owner), and if you're using a restricted API key, that it has the necessary scopes.",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    caller = sdk("restricted-call")
    assert chat(caller, "gpt-4o").choices
    with pytest.raises(openai.AuthenticationError, match=r"Missing scopes: api\.model\.read"):
        caller.models.list()


# --- inference: model problems ------------------------------------------------------------


def test_project_policy_refusal_is_403_model_not_found(sdk: ClientFactory) -> None:
    with pytest.raises(openai.PermissionDeniedError) as exc:
        chat(sdk("deny"), "o3")
    assert exc.value.body == {
        "message": f"Project `{PROJ_ACME_DENY}` does not have access to model `o3`",
        "type": "invalid_request_error",
        "param": None,
        "code": "model_not_found",
    }
    with pytest.raises(openai.PermissionDeniedError, match=PROJ_ACME_ALLOW):
        sdk("allow").responses.create(model="gpt-4o", input="hi")
    assert chat(sdk("allow"), "gpt-4o-mini").choices


def test_shut_down_model_has_been_deprecated_on_every_endpoint(sdk: ClientFactory) -> None:
    c = sdk("alpha")
    for call in (
        lambda: chat(c, "gpt-4-32k"),
        lambda: c.responses.create(model="o1-pro", input="hi"),
        lambda: c.images.generate(model="dall-e-3", prompt="a cat"),
        lambda: c.moderations.create(model="text-moderation-latest", input="hi"),
    ):
        with pytest.raises(openai.NotFoundError, match="has been deprecated") as exc:
            call()
        assert exc.value.code == "model_not_found"


def test_unknown_model_differs_between_chat_and_responses(sdk: ClientFactory) -> None:
    c = sdk("alpha")
    with pytest.raises(openai.NotFoundError) as chat_exc:
        chat(c, UNKNOWN_MODEL)
    assert chat_exc.value.body == {
        "message": f"The model `{UNKNOWN_MODEL}` does not exist or you do not have access to it.",
        "type": "invalid_request_error",
        "param": None,
        "code": "model_not_found",
    }
    with pytest.raises(openai.BadRequestError) as resp_exc:
        c.responses.create(model=UNKNOWN_MODEL, input="hi")
    assert resp_exc.value.body == {
        "message": f"The requested model '{UNKNOWN_MODEL}' does not exist.",
        "type": "invalid_request_error",
        "param": "model",
        "code": "model_not_found",
    }


def test_model_not_rolled_out_to_the_org_looks_unknown(sdk: ClientFactory) -> None:
    with pytest.raises(openai.NotFoundError, match="does not exist or you do not have access"):
        chat(sdk("unverified"), "gpt-6.2-astra")
    assert chat(sdk("alpha"), "gpt-6.2-astra").choices


WRONG_ENDPOINT = [
    (
        "completions-chat-model",
        lambda c: c.completions.create(model="gpt-4o", prompt="hi"),
        openai.NotFoundError,
        "This is a chat model and not supported in the v1/completions endpoint. "
        "Did you mean to use v1/chat/completions?",
    ),
    (
        "chat-embedding-model",
        lambda c: chat(c, "text-embedding-3-small"),
        openai.NotFoundError,
        "This is not a chat model and thus not supported in the v1/chat/completions endpoint. "
        "Did you mean to use v1/completions?",
    ),
    (
        "chat-codex-model",
        lambda c: chat(c, "gpt-5.3-codex"),
        openai.NotFoundError,
        "This is not a chat model and thus not supported in the v1/chat/completions endpoint. "
        "Did you mean to use v1/completions?",
    ),
    (
        "chat-responses-only-model",
        lambda c: chat(c, "gpt-5.5-pro"),
        openai.NotFoundError,
        "This model is only supported in v1/responses and not in v1/chat/completions.",
    ),
    (
        "responses-image-model",
        lambda c: c.responses.create(model="gpt-image-2", input="hi"),
        openai.BadRequestError,
        "The requested model 'gpt-image-2' is not supported with the Responses API.",
    ),
    (
        "embeddings-chat-model",
        lambda c: c.embeddings.create(model="gpt-4o", input="hi"),
        openai.PermissionDeniedError,
        "You are not allowed to generate embeddings from this model",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), [w[1:] for w in WRONG_ENDPOINT], ids=[w[0] for w in WRONG_ENDPOINT]
)
def test_wrong_endpoint_messages_are_openais(
    sdk: ClientFactory, call: Callable[[openai.OpenAI], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as exc:
        call(sdk("alpha"))
    assert isinstance(exc.value, openai.APIStatusError)
    assert isinstance(exc.value.body, dict)
    assert exc.value.body["message"] == message
    assert exc.value.body["code"] is None


def test_other_endpoints_name_the_models_they_accept(sdk: ClientFactory) -> None:
    with pytest.raises(openai.BadRequestError) as exc:
        sdk("alpha").audio.speech.create(model="gpt-4o", voice="alloy", input="hi")
    assert exc.value.code == "invalid_value"
    assert exc.value.param == "model"
    assert exc.value.message.startswith("Error code: 400 - ")
    assert "Invalid value: 'gpt-4o'. Supported values are: 'tts-1', 'tts-1-hd', and 'gpt-4o-mini-tts'." in str(
        exc.value.body
    )


def test_unverified_org_must_verify_for_gated_models(emu: Emulator, sdk: ClientFactory) -> None:
    c = sdk("unverified")
    with pytest.raises(openai.NotFoundError) as exc:
        chat(c, "o3")
    assert exc.value.body == {
        "message": "Your organization must be verified to use the model `o3`. Please go to: "
        "https://platform.openai.com/settings/organization/general and click on Verify Organization. "
        "If you just verified, it can take up to 15 minutes for access to propagate.",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    with pytest.raises(openai.PermissionDeniedError, match="must be verified to use the model `gpt-image-2`"):
        c.images.generate(model="gpt-image-2", prompt="a cat")
    assert chat(c, "gpt-6-luna").choices  # ungated models are fine
    emu.configure_org(ORG_INDIE, verified=True)
    assert c.images.generate(model="gpt-image-2", prompt="a cat").data


# --- inference: billing and limits --------------------------------------------------------


def test_exhausted_quota_is_429_insufficient_quota_but_listing_works(sdk: ClientFactory) -> None:
    c = sdk("no-quota")
    assert c.models.list().data
    with pytest.raises(openai.RateLimitError) as exc:
        chat(c, "gpt-4o")
    assert exc.value.body == {
        "message": "You exceeded your current quota, please check your plan and billing details. For more "
        "information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
        "type": "insufficient_quota",
        "param": None,
        "code": "insufficient_quota",
    }


def test_rate_limited_org_gets_retry_after_and_ratelimit_headers(emu: Emulator, sdk: ClientFactory) -> None:
    with pytest.raises(openai.RateLimitError) as exc:
        chat(sdk("rate-limited"), "gpt-4o")
    assert exc.value.code == "rate_limit_exceeded"
    assert exc.value.type == "requests"
    assert "Rate limit reached for gpt-4o in organization org-EmuBusyRateLimited000004" in exc.value.message
    headers = exc.value.response.headers
    assert headers["retry-after"] == "20"
    assert headers["x-ratelimit-remaining-requests"] == "0"
    assert headers["x-ratelimit-reset-requests"] == "20s"
    assert headers["x-request-id"].startswith("req_")


# --- inference: success bodies -------------------------------------------------------------


def test_every_endpoint_answers_in_the_sdks_shapes(sdk: ClientFactory) -> None:
    c = sdk("alpha")
    completion = chat(c, "gpt-4o")
    assert (completion.object, completion.model, completion.choices[0].message.content) == (
        "chat.completion",
        "gpt-4o-2024-08-06",
        "OK",
    )
    response = c.responses.create(model="gpt-6.1-sol", input="hi")
    assert (response.object, response.output_text, response.status) == ("response", "OK", "completed")
    vectors = c.embeddings.create(model="text-embedding-3-small", input=["a", "b"])  # SDK asks for base64
    assert [len(d.embedding) for d in vectors.data] == [1536, 1536]
    floats = c.embeddings.create(model="text-embedding-3-large", input="a", encoding_format="float", dimensions=8)
    assert floats.data[0].embedding == [0.0] * 8
    image = c.images.generate(model="gpt-image-2.6-sunburst", prompt="a cat")
    assert image.data is not None
    assert base64.b64decode(image.data[0].b64_json or "").startswith(b"\x89PNG")
    moderation = c.moderations.create(input="hi")  # default model
    assert moderation.model == "omni-moderation-latest"
    assert moderation.results[0].flagged is False
    speech = c.audio.speech.create(model="tts-1", voice="alloy", input="hi")
    assert speech.response.headers["content-type"] == "audio/mpeg"
    assert speech.content.startswith(b"ID3")


def test_completions_succeed_in_a_world_that_still_serves_them() -> None:
    world = default_world()
    world.models = tuple(
        dataclasses.replace(m, shutdown_date=None) if m.id == "davinci-002" else m for m in world.models
    )
    with (
        Emulator(world) as emu,
        openai.OpenAI(api_key=emu.key("alpha"), base_url=emu.base_url, max_retries=0) as c,
    ):
        result = c.completions.create(model="davinci-002", prompt="hi")
    assert (result.object, result.choices[0].text) == ("text_completion", "OK")


def test_bad_requests_and_unknown_paths_answer_like_openai(sdk: ClientFactory) -> None:
    c = sdk("alpha")
    with pytest.raises(openai.BadRequestError, match="you must provide a model parameter"):
        c.post("/chat/completions", body={"messages": HI}, cast_to=object)
    with pytest.raises(openai.NotFoundError) as exc:
        c.get("/no/such/thing", cast_to=object)
    assert isinstance(exc.value.body, dict)
    assert exc.value.body["message"] == "Invalid URL (GET /v1/no/such/thing)"


# --- admin API: project model permissions --------------------------------------------------


def test_admin_permissions_round_trip_through_the_sdk(emu: Emulator, sdk: ClientFactory) -> None:
    admin = sdk("admin").admin.organization.projects.model_permissions
    current = admin.retrieve(PROJ_ACME_ALLOW)
    assert (current.object, current.mode, current.api_model_ids) == (
        "project.model_permissions",
        "allow_list",
        ALLOW_LIST,
    )
    unrestricted = admin.retrieve(PROJ_ACME_DEFAULT)
    assert (unrestricted.mode, unrestricted.api_model_ids) == ("deny_list", [])

    updated = admin.update(PROJ_ACME_DEFAULT, mode="allow_list", model_ids=["gpt-6-luna"])
    assert (updated.mode, updated.api_model_ids) == ("allow_list", ["gpt-6-luna"])
    assert admin.retrieve(PROJ_ACME_DEFAULT).api_model_ids == ["gpt-6-luna"]
    user = sdk("alpha")
    with pytest.raises(openai.PermissionDeniedError, match=PROJ_ACME_DEFAULT):
        chat(user, "gpt-4o")
    assert [m.id for m in user.models.list()] == ["gpt-6-luna"]

    deleted = admin.delete(PROJ_ACME_DEFAULT)
    assert (deleted.object, deleted.deleted) == ("project.model_permissions.deleted", True)
    assert emu.project_permissions(PROJ_ACME_DEFAULT) is None
    assert chat(user, "gpt-4o").choices


def test_admin_api_refuses_other_keys_and_scopes(emu: Emulator, sdk: ClientFactory) -> None:
    project_key = sdk(None, admin_api_key=emu.key("alpha"))
    with pytest.raises(openai.PermissionDeniedError) as exc:
        project_key.admin.organization.projects.model_permissions.retrieve(PROJ_ACME_ALLOW)
    # The admin API puts a bare string under "error".
    assert isinstance(exc.value.body, str)
    assert exc.value.body.startswith(
        "You have insufficient permissions for this operation. Missing scopes: api.management.read."
    )
    readonly = sdk("admin-readonly").admin.organization.projects.model_permissions
    assert readonly.retrieve(PROJ_ACME_ALLOW).mode == "allow_list"
    with pytest.raises(openai.PermissionDeniedError) as write:
        readonly.update(PROJ_ACME_ALLOW, mode="deny_list", model_ids=[])
    assert "Missing scopes: api.management.write." in str(write.value.body)
    with pytest.raises(openai.AuthenticationError):
        sdk("alpha").admin.organization.projects.model_permissions.retrieve(
            PROJ_ACME_ALLOW, extra_headers={"Authorization": f"Bearer {REVOKED_KEY}"}
        )


def test_admin_unknown_or_foreign_project_is_404(sdk: ClientFactory) -> None:
    with pytest.raises(openai.NotFoundError):
        sdk("admin").admin.organization.projects.model_permissions.retrieve("proj_EmuNoSuchProject00000000")
    with pytest.raises(openai.NotFoundError):
        sdk("admin-indie").admin.organization.projects.model_permissions.retrieve(PROJ_ACME_ALLOW)


def test_admin_update_validates_its_body(sdk: ClientFactory) -> None:
    admin = sdk("admin").admin.organization.projects.model_permissions
    with pytest.raises(openai.BadRequestError) as exc:
        admin.update(PROJ_ACME_ALLOW, mode="block_list", model_ids=["gpt-4o"])  # type: ignore[arg-type]
    assert (exc.value.param, exc.value.code) == ("mode", "invalid_value")


def test_unrestricted_project_can_answer_404_instead(emu: Emulator, sdk: ClientFactory) -> None:
    emu.configure(unrestricted_permissions="not_found")
    with pytest.raises(openai.NotFoundError):
        sdk("admin").admin.organization.projects.model_permissions.retrieve(PROJ_ACME_DEFAULT)


def test_project_rate_limits_page_through_the_sdk(sdk: ClientFactory) -> None:
    pages = sdk("admin").admin.organization.projects.rate_limits.list_rate_limits(PROJ_ACME_DEFAULT, limit=10)
    limits = list(pages)
    assert len(limits) > 10
    assert {r.object for r in limits} == {"project.rate_limit"}
    assert len({r.id for r in limits}) == len(limits)


# --- faults ---------------------------------------------------------------------------------


def _not_a_timeout(exc: BaseException) -> None:
    assert not isinstance(exc, openai.APITimeoutError)


def _json_decode_error(exc: BaseException) -> None:
    assert isinstance(exc, json.JSONDecodeError)


def _not_a_status(exc: BaseException) -> None:
    assert not isinstance(exc, openai.APIStatusError)


def _status(code: int) -> Callable[[BaseException], None]:
    def check(exc: BaseException) -> None:
        assert isinstance(exc, openai.APIStatusError)
        assert exc.status_code == code

    return check


FAULTS: list[tuple[str, float | None, type[BaseException], Callable[[BaseException], None]]] = [
    ("drop_connection", None, openai.APIConnectionError, _not_a_timeout),
    ("stall", 30.0, openai.APITimeoutError, _not_a_status),
    ("server_error", None, openai.InternalServerError, _status(500)),
    ("bad_gateway", None, openai.InternalServerError, _status(502)),
    ("unavailable", None, openai.InternalServerError, _status(503)),
    ("rate_limit", 0.05, openai.RateLimitError, _status(429)),
    ("malformed_json", None, json.JSONDecodeError, _json_decode_error),
]


@pytest.mark.parametrize(("kind", "seconds", "error", "check"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_reaches_the_sdk_and_the_next_call_succeeds(
    emu: Emulator,
    sdk: ClientFactory,
    kind: str,
    seconds: float | None,
    error: type[BaseException],
    check: Callable[[BaseException], None],
) -> None:
    c = sdk("alpha", timeout=0.5)
    emu.inject(kind, seconds=seconds)
    with pytest.raises(error) as exc:
        c.models.list()
    check(exc.value)
    assert c.models.list().data
    faulted, after = emu.requests
    assert faulted.fault == kind
    assert after.fault is None
    assert after.status == 200


def test_fault_bodies_are_what_proxies_and_openai_send(emu: Emulator, sdk: ClientFactory) -> None:
    c = sdk("alpha")
    emu.inject("bad_gateway")
    with pytest.raises(openai.InternalServerError) as html:
        c.models.list()
    assert html.value.response.headers["content-type"] == "text/html"
    assert "<h1>502 Bad Gateway</h1>" in str(html.value.body)
    emu.inject("server_error")
    with pytest.raises(openai.InternalServerError) as server:
        c.models.list()
    assert server.value.type == "server_error"
    emu.inject("rate_limit", seconds=0.05)
    with pytest.raises(openai.RateLimitError) as limited:
        c.models.list()
    assert limited.value.response.headers["retry-after"] == "0.05"


def test_sdk_retries_honour_retry_after(emu: Emulator, sdk: ClientFactory) -> None:
    emu.inject("rate_limit", count=2, seconds=0.05)
    started = time.monotonic()
    assert sdk("alpha", max_retries=2).models.list().data
    assert time.monotonic() - started < 0.5  # 2 × 0.05 s, not the SDK's own backoff of 0.5 s and up
    statuses = [(r.status, r.fault) for r in emu.requests]
    assert statuses == [(429, "rate_limit"), (429, "rate_limit"), (200, None)]


def test_latency_delays_the_answer_but_it_arrives(emu: Emulator, sdk: ClientFactory) -> None:
    c = sdk("alpha")
    emu.inject("latency", seconds=0.05)
    started = time.monotonic()
    assert c.models.list().data
    assert time.monotonic() - started >= 0.05


def test_faults_count_down_and_respect_their_path_prefix(emu: Emulator, sdk: ClientFactory) -> None:
    c = sdk("alpha")
    emu.inject("server_error", count=2, path_prefix="/v1/chat/completions")
    assert c.models.list().data
    for _ in range(2):
        with pytest.raises(openai.InternalServerError):
            chat(c, "gpt-4o")
    assert chat(c, "gpt-4o").choices
    assert emu.pending_faults == []


def test_a_fault_header_affects_only_its_own_request(sdk: ClientFactory) -> None:
    c = sdk("alpha")
    with pytest.raises(openai.InternalServerError):
        c.models.list(extra_headers={"X-Emulator-Fault": "unavailable"})
    with pytest.raises(openai.APITimeoutError):
        c.models.list(extra_headers={"X-Emulator-Fault": "stall; seconds=30"}, timeout=0.2)
    assert c.models.list().data


def test_a_stalled_request_blocks_nobody(emu: Emulator, sdk: ClientFactory) -> None:
    emu.inject("stall", seconds=30)
    outcome: list[BaseException] = []

    def stalled_call() -> None:
        try:
            sdk("alpha", timeout=5.0).models.list()
        except openai.APIConnectionError as exc:  # the stop below drops the stalled connection
            outcome.append(exc)

    worker = threading.Thread(target=stalled_call)
    worker.start()
    emu.wait_for_requests(1)
    assert chat(sdk("alpha"), "gpt-4o").choices
    stalled, answered = emu.requests
    assert (stalled.fault, stalled.status) == ("stall", None)
    assert answered.status == 200
    started = time.monotonic()
    emu.stop()  # ends the stall at once instead of waiting 30 s
    worker.join()
    assert time.monotonic() - started < 5
    assert len(outcome) == 1


def test_async_client_sees_the_same_emulator(emu: Emulator) -> None:
    async def run() -> list[str]:
        async with openai.AsyncOpenAI(api_key=emu.key("allow"), base_url=emu.base_url, max_retries=0) as c:
            return [m.id async for m in c.models.list()]

    assert sorted(asyncio.run(run())) == sorted(ALLOW_LIST)


# --- control from another process ----------------------------------------------------------


def test_control_endpoints_drive_the_emulator(emu: Emulator, sdk: ClientFactory) -> None:
    remote = RemoteControl(emu.control_url)
    c = sdk("unverified")
    remote.inject("server_error", path_prefix="/v1/models")
    with pytest.raises(openai.InternalServerError):
        c.models.list()
    assert [(r.path, r.status, r.fault) for r in remote.requests()] == [("/v1/models", 500, "server_error")]
    remote.clear_log()
    assert remote.requests() == []

    remote.configure_org(ORG_INDIE, verified=True)
    assert chat(c, "o3").choices
    remote.set_project_permissions(PROJ_INDIE, "deny_list", ["o3"])
    with pytest.raises(openai.PermissionDeniedError):
        chat(c, "o3")
    described = remote.describe()
    assert described["base_url"] == emu.base_url
    assert {k["name"] for k in described["keys"]} >= {"alpha", "admin", "restricted-read"}

    remote.reset()
    assert emu.project_permissions(PROJ_INDIE) is None
    indie = emu.world.organization(ORG_INDIE)
    assert indie is not None
    assert indie.verified is False
    with pytest.raises(RuntimeError, match="unknown fault kind"):
        remote.inject("meteor_strike")


def test_module_runs_by_hand_and_prints_base_url_and_keys(http: openai.DefaultHttpxClient) -> None:
    command = [sys.executable, "-m", "tests.emulator", "--port", "0"]
    with subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True) as proc:
        assert proc.stderr is not None
        try:
            base_url = re.search(r"OPENAI_BASE_URL=(\S+)", proc.stderr.readline())
            assert base_url is not None
            lines = [proc.stderr.readline().strip() for _ in range(4)]
            key = next(line for line in lines if line.startswith("sk-proj-emu-alpha-"))
            c = openai.OpenAI(api_key=key, base_url=base_url.group(1), max_retries=0, http_client=http)
            assert c.models.list().data
        finally:
            proc.send_signal(signal.SIGINT)  # Ctrl-C
            assert proc.wait(timeout=10) == 0
