# OpenAI's behaviour over a World: authentication, header checks, scopes, model lookup,
# project policy, wrong-endpoint and verification rules, quota and rate limits, and the
# admin model_permissions API. Pure request → Reply; the HTTP server and faults live in
# server.py. The order of checks follows what callers observe from OpenAI: the key first,
# then the model (exists → still alive → project may use it → right endpoint → verified),
# then billing and limits.
from __future__ import annotations

import calendar
import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

from . import bodies, errors
from .errors import Reply
from .world import (
    CHAT,
    COMPLETIONS,
    EMBEDDINGS,
    IMAGES,
    MODERATIONS,
    RESPONSES,
    SCOPE_MANAGEMENT_READ,
    SCOPE_MANAGEMENT_WRITE,
    SCOPE_MODEL_READ,
    SCOPE_MODEL_REQUEST,
    SPEECH,
    ApiKey,
    ModelPermissions,
    ModelSpec,
    Organization,
    Project,
    World,
)

INFERENCE_PATHS: dict[str, str] = {
    "/v1/chat/completions": CHAT,
    "/v1/responses": RESPONSES,
    "/v1/completions": COMPLETIONS,
    "/v1/embeddings": EMBEDDINGS,
    "/v1/images/generations": IMAGES,
    "/v1/audio/speech": SPEECH,
    "/v1/moderations": MODERATIONS,
}
_PERMISSIONS_PATH = re.compile(r"/v1/organization/projects/([^/]+)/model_permissions")
_RATE_LIMITS_PATH = re.compile(r"/v1/organization/projects/([^/]+)/rate_limits")
_PROJECT_PATH = re.compile(r"/v1/organization/projects/([^/]+)")
_MODES = ("allow_list", "deny_list")


@dataclass(frozen=True)
class Caller:
    key: ApiKey
    org: Organization
    project: Project | None


@dataclass(frozen=True)
class Outcome:
    reply: Reply
    model: str | None = None


class OpenAIApi:
    def __init__(self, world: World) -> None:
        self.world = world
        self.lock = threading.RLock()

    def handle(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes) -> Outcome:
        with self.lock:
            return self._route(method, path, query, headers, body)

    # --- routing ------------------------------------------------------------------------

    def _route(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes) -> Outcome:
        if path == "/v1/models" and method == "GET":
            return self._with_caller(headers, admin=False, scope=SCOPE_MODEL_READ, then=self._list_models)
        if path.startswith("/v1/models/") and method == "GET":
            model_id = unquote(path.removeprefix("/v1/models/"))
            return self._with_caller(
                headers, admin=False, scope=SCOPE_MODEL_READ, then=lambda c: self._retrieve_model(c, model_id)
            )
        endpoint = INFERENCE_PATHS.get(path)
        if endpoint is not None and method == "POST":
            return self._with_caller(
                headers, admin=False, scope=SCOPE_MODEL_REQUEST, then=lambda c: self._infer(c, endpoint, body)
            )
        match = _PERMISSIONS_PATH.fullmatch(path)
        if match and method in ("GET", "POST", "DELETE"):
            project_id = unquote(match.group(1))
            scope = SCOPE_MANAGEMENT_READ if method == "GET" else SCOPE_MANAGEMENT_WRITE
            return self._with_caller(
                headers,
                admin=True,
                scope=scope,
                then=lambda c: self._permissions(c, method, project_id, body),
            )
        match = _PROJECT_PATH.fullmatch(path)
        if match and method == "GET":
            project_id = unquote(match.group(1))
            return self._with_caller(
                headers, admin=True, scope=SCOPE_MANAGEMENT_READ, then=lambda c: self._project(c, project_id)
            )
        match = _RATE_LIMITS_PATH.fullmatch(path)
        if match and method == "GET":
            project_id = unquote(match.group(1))
            return self._with_caller(
                headers,
                admin=True,
                scope=SCOPE_MANAGEMENT_READ,
                then=lambda c: self._rate_limits(c, project_id, query),
            )
        return Outcome(errors.invalid_url(method, path))

    def _with_caller(
        self,
        headers: Mapping[str, str],
        *,
        admin: bool,
        scope: str,
        then: Callable[[Caller], Outcome],
    ) -> Outcome:
        caller = self.authenticate(headers, admin=admin, scope=scope)
        if isinstance(caller, Reply):
            return Outcome(caller)
        if not caller.key.has_scope(scope):
            reply = errors.admin_missing_scope(scope) if admin else errors.missing_scope(scope)
            return Outcome(self._stamp(reply, caller))
        outcome = then(caller)
        return Outcome(self._stamp(outcome.reply, caller), outcome.model)

    # --- authentication -----------------------------------------------------------------

    def authenticate(self, headers: Mapping[str, str], *, admin: bool, scope: str) -> Caller | Reply:
        token = bearer_token(headers)
        if not token:
            return errors.missing_api_key()
        key = self.world.key(token)
        org = self.world.organization(key.org_id) if key is not None else None
        if key is None or org is None:
            return errors.invalid_api_key(token)
        if admin and key.kind != "admin":
            return errors.admin_missing_scope(scope)
        if not admin and key.kind == "admin":
            # "Admin API keys cannot be used for non-administration endpoints": OpenAI answers
            # them as it answers unknown keys.
            return errors.invalid_api_key(token)
        org_header = headers.get("openai-organization", "")
        if org_header and org_header != org.id:
            return errors.mismatched_organization()
        project: Project | None = None
        if key.project_id is not None:
            found = self.world.project(key.project_id)
            if found is None:
                return errors.invalid_api_key(token)
            project = found[1]
            project_header = headers.get("openai-project", "")
            if project_header and project_header != project.id:
                return errors.mismatched_project()
        return Caller(key, org, project)

    def _stamp(self, reply: Reply, caller: Caller) -> Reply:
        extra = {
            "openai-organization": caller.org.name,
            "openai-version": "2020-10-01",
            "openai-processing-ms": "7",
        }
        if caller.project is not None:
            extra["openai-project"] = caller.project.id
        return Reply(reply.status, reply.body, reply.content_type, {**extra, **reply.headers})

    # --- models -------------------------------------------------------------------------

    def _listed(self, caller: Caller) -> list[ModelSpec]:
        models = self.world.visible_models(caller.org)
        policy = caller.project.permissions if caller.project else None
        if policy is not None and self.world.list_respects_permissions:
            models = [m for m in models if policy.allows(m.id)]
        return models

    def _list_models(self, caller: Caller) -> Outcome:
        data = [bodies.model_object(m) for m in self._listed(caller)]
        return Outcome(errors.json_reply(200, {"object": "list", "data": data}))

    def _retrieve_model(self, caller: Caller, model_id: str) -> Outcome:
        spec = next((m for m in self._listed(caller) if m.id == model_id), None)
        if spec is None:
            return Outcome(errors.retrieve_not_found(model_id), model_id)
        return Outcome(errors.json_reply(200, bodies.model_object(spec)), model_id)

    # --- inference ----------------------------------------------------------------------

    def _infer(self, caller: Caller, endpoint: str, raw: bytes) -> Outcome:
        try:
            request = json.loads(raw or b"{}")
        except ValueError:
            return Outcome(errors.invalid_json_body())
        if not isinstance(request, dict):
            return Outcome(errors.invalid_json_body())
        if request.get("stream") is True:
            return Outcome(errors.cannot_stream())
        model = request.get("model")
        if model is None and endpoint == MODERATIONS:
            model = "omni-moderation-latest"
        if not isinstance(model, str) or not model:
            return Outcome(errors.missing_model())
        refusal = self._refuse(caller, endpoint, model)
        if refusal is not None:
            return Outcome(refusal, model)
        spec = self.world.model(model, caller.org)
        assert spec is not None
        return Outcome(self._success(endpoint, spec, request), model)

    def _refuse(self, caller: Caller, endpoint: str, model: str) -> Reply | None:
        spec = self.world.model(model, caller.org)
        if spec is None:
            return errors.responses_model_not_found(model) if endpoint == RESPONSES else errors.model_not_found(model)
        if self.world.lifecycle(spec) == "shutdown":
            return errors.model_shut_down(model)
        policy = caller.project.permissions if caller.project else None
        if caller.project is not None and policy is not None and not policy.allows(model):
            return errors.project_denied(caller.project.id, model)
        if endpoint not in spec.endpoints:
            return self._wrong_endpoint(endpoint, spec, caller.org)
        if spec.requires_verification and not caller.org.verified:
            return errors.verification_required(model, 403 if endpoint == IMAGES else 404)
        if caller.org.quota_exhausted:
            return errors.insufficient_quota()
        if caller.org.rate_limited:
            return errors.rate_limited(model, caller.org.id, caller.org.retry_after_seconds)
        return None

    def _wrong_endpoint(self, endpoint: str, spec: ModelSpec, org: Organization) -> Reply:
        if endpoint == CHAT:
            # Codex models answer "not a chat model" even though Responses serves them (§7.4b).
            if RESPONSES in spec.endpoints and "codex" not in spec.id:
                return errors.responses_only_model()
            return errors.not_a_chat_model()
        if endpoint == RESPONSES:
            return errors.not_supported_by_responses(spec.id)
        if endpoint == COMPLETIONS and (CHAT in spec.endpoints or RESPONSES in spec.endpoints):
            return errors.chat_model_on_completions()
        if endpoint == EMBEDDINGS:
            return errors.embeddings_not_allowed()
        supported = [m.id for m in self.world.visible_models(org) if endpoint in m.endpoints]
        return errors.invalid_model_value(spec.id, supported)

    def _success(self, endpoint: str, spec: ModelSpec, request: dict[str, object]) -> Reply:
        created = calendar.timegm(self.world.today.timetuple())
        headers = errors.rate_limit_headers(remaining_requests=499, reset_seconds=0.12)
        if endpoint == SPEECH:
            return Reply(200, bodies.SPEECH_BYTES, content_type="audio/mpeg", headers=headers)
        payload: dict[str, object]
        if endpoint == CHAT:
            payload = bodies.chat_completion(spec, created)
        elif endpoint == RESPONSES:
            payload = bodies.response(spec, created)
        elif endpoint == COMPLETIONS:
            payload = bodies.completion(spec, created)
        elif endpoint == EMBEDDINGS:
            payload = bodies.embeddings(spec, request)
        elif endpoint == IMAGES:
            payload = bodies.images(created)
        else:
            payload = bodies.moderation(spec)
        return errors.json_reply(200, payload, headers)

    # --- admin API ----------------------------------------------------------------------

    def _admin_project(self, caller: Caller, project_id: str) -> Project | None:
        found = self.world.project(project_id)
        if found is None or found[0].id != caller.org.id:
            return None
        return found[1]

    def _project(self, caller: Caller, project_id: str) -> Outcome:
        project = self._admin_project(caller, project_id)
        if project is None:
            return Outcome(errors.project_not_found(project_id))
        return Outcome(errors.json_reply(200, bodies.project_object(project)))

    def _permissions(self, caller: Caller, method: str, project_id: str, raw: bytes) -> Outcome:
        project = self._admin_project(caller, project_id)
        if project is None:
            return Outcome(errors.project_not_found(project_id))
        if method == "DELETE":
            project.permissions = None
            return Outcome(errors.json_reply(200, {"object": "project.model_permissions.deleted", "deleted": True}))
        if method == "POST":
            parsed = parse_permissions(raw)
            if isinstance(parsed, Reply):
                return Outcome(parsed)
            project.permissions = parsed
        if project.permissions is None:
            if self.world.unrestricted_permissions == "not_found":
                return Outcome(errors.permissions_not_found(project_id))
            return Outcome(errors.json_reply(200, permissions_object(ModelPermissions("deny_list", []))))
        return Outcome(errors.json_reply(200, permissions_object(project.permissions)))

    def _rate_limits(self, caller: Caller, project_id: str, query: str) -> Outcome:
        project = self._admin_project(caller, project_id)
        if project is None:
            return Outcome(errors.project_not_found(project_id))
        params = parse_qs(query)
        raw_limit = params.get("limit", ["100"])[0]
        if not raw_limit.isdigit():
            return Outcome(errors.invalid_type("limit", "an integer"))
        limit = int(raw_limit)
        after = params.get("after", [None])[0]
        rows = [
            {
                "object": "project.rate_limit",
                "id": f"rl-{m.id}",
                "model": m.id,
                "max_requests_per_1_minute": 500,
                "max_tokens_per_1_minute": 200_000,
            }
            for m in self.world.visible_models(caller.org)
        ]
        if after is not None:
            ids = [r["id"] for r in rows]
            rows = rows[ids.index(after) + 1 :] if after in ids else []
        page = rows[:limit]
        payload = {
            "object": "list",
            "data": page,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
            "has_more": len(rows) > limit,
        }
        return Outcome(errors.json_reply(200, payload))


def bearer_token(headers: Mapping[str, str]) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def permissions_object(permissions: ModelPermissions) -> dict[str, object]:
    return {
        "object": "project.model_permissions",
        "mode": permissions.mode,
        "model_ids": list(permissions.model_ids),
    }


def parse_permissions(raw: bytes) -> ModelPermissions | Reply:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return errors.invalid_json_body()
    if not isinstance(body, dict):
        return errors.invalid_json_body()
    mode = body.get("mode")
    if mode is None:
        return errors.missing_parameter("mode")
    if mode not in _MODES:
        return errors.invalid_value("mode", mode, _MODES)
    model_ids = body.get("model_ids")
    if model_ids is None:
        return errors.missing_parameter("model_ids")
    if not isinstance(model_ids, list) or not all(isinstance(m, str) for m in model_ids):
        return errors.invalid_type("model_ids", "an array of strings")
    return ModelPermissions(mode, list(model_ids))
