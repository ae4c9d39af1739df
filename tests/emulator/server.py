# The emulator as a real HTTP server on 127.0.0.1: one thread per connection, so a stalled
# request never holds up another. It logs every API request (with a key fingerprint, never
# the key), applies injected faults, and exposes /_emulator/* control endpoints so another
# process can drive it. Control requests are neither logged nor faulted.
from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import socket
import socketserver
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from . import errors
from .api import OpenAIApi, bearer_token, permissions_object
from .errors import Reply
from .faults import FAULT_HEADER, Fault, FaultQueue, make_fault, parse_fault_header
from .fixtures import default_world
from .world import ModelPermissions, PermissionMode, UnrestrictedPermissions, World

CONTROL_PREFIX = "/_emulator"
# Faults answered without consulting the world.
_IMMEDIATE: dict[str, Callable[[Fault], Reply]] = {
    "server_error": lambda _: errors.server_error(),
    "bad_gateway": lambda _: errors.bad_gateway(),
    "unavailable": lambda _: errors.overloaded(),
    "rate_limit": lambda fault: errors.rate_limited(None, None, fault.seconds),
}


def fingerprint(key: str) -> str:
    """How the request log names a key: stable, short, and not the key."""
    return "fp_" + hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    key_fingerprint: str | None
    status: int | None  # None: no response (connection dropped, or still stalled)
    model: str | None = None
    fault: str | None = None

    def to_json(self) -> dict[str, object]:
        return asdict(self)


class Emulator:
    def __init__(self, world: World | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._initial = (world if world is not None else default_world()).copy()
        self._api = OpenAIApi(self._initial.copy())
        self._faults = FaultQueue()
        self._log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self._log_changed = threading.Condition(self._log_lock)
        self._log_generation = 0
        self._stopping = threading.Event()
        self._server = _Server((host, port), self)
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> Emulator:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="openai-emulator",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.close_connections()
        self._server.server_close()

    def wait(self) -> None:
        """Block until stopped (lets Ctrl-C through)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    @property
    def control_url(self) -> str:
        return f"{self.origin}{CONTROL_PREFIX}"

    # --- the world ----------------------------------------------------------------------

    @property
    def world(self) -> World:
        """The live world; read it freely, change it through the methods below."""
        return self._api.world

    def key(self, name: str) -> str:
        return self.world.key_named(name).value

    fingerprint = staticmethod(fingerprint)

    def configure(
        self,
        *,
        today: datetime.date | None = None,
        list_respects_permissions: bool | None = None,
        unrestricted_permissions: UnrestrictedPermissions | None = None,
    ) -> None:
        with self._api.lock:
            world = self._api.world
            if today is not None:
                world.today = today
            if list_respects_permissions is not None:
                world.list_respects_permissions = list_respects_permissions
            if unrestricted_permissions is not None:
                if unrestricted_permissions not in ("empty_deny_list", "not_found"):
                    raise ValueError(f"unknown unrestricted_permissions {unrestricted_permissions!r}")
                world.unrestricted_permissions = unrestricted_permissions

    def configure_org(
        self,
        org_id: str,
        *,
        verified: bool | None = None,
        quota_exhausted: bool | None = None,
        rate_limited: bool | None = None,
        retry_after_seconds: float | None = None,
    ) -> None:
        with self._api.lock:
            org = self._api.world.organization(org_id)
            if org is None:
                raise KeyError(f"no organization {org_id}")
            if verified is not None:
                org.verified = verified
            if quota_exhausted is not None:
                org.quota_exhausted = quota_exhausted
            if rate_limited is not None:
                org.rate_limited = rate_limited
            if retry_after_seconds is not None:
                org.retry_after_seconds = retry_after_seconds

    def set_project_permissions(
        self, project_id: str, mode: PermissionMode | None, model_ids: Sequence[str] = ()
    ) -> None:
        """Set (or with mode=None remove) a project's model policy, bypassing the admin API."""
        if mode is not None and mode not in ("allow_list", "deny_list"):
            raise ValueError(f"unknown mode {mode!r}")
        with self._api.lock:
            found = self._api.world.project(project_id)
            if found is None:
                raise KeyError(f"no project {project_id}")
            found[1].permissions = None if mode is None else ModelPermissions(mode, list(model_ids))

    def project_permissions(self, project_id: str) -> ModelPermissions | None:
        with self._api.lock:
            found = self._api.world.project(project_id)
            if found is None:
                raise KeyError(f"no project {project_id}")
            permissions = found[1].permissions
            return None if permissions is None else ModelPermissions(permissions.mode, list(permissions.model_ids))

    def describe(self) -> dict[str, object]:
        """The world as JSON (keys included: they are fake)."""
        with self._api.lock:
            world = self._api.world
            return {
                "base_url": self.base_url,
                "today": world.today.isoformat(),
                "list_respects_permissions": world.list_respects_permissions,
                "unrestricted_permissions": world.unrestricted_permissions,
                "organizations": [
                    {
                        "id": org.id,
                        "name": org.name,
                        "verified": org.verified,
                        "quota_exhausted": org.quota_exhausted,
                        "rate_limited": org.rate_limited,
                        "projects": [
                            {
                                "id": p.id,
                                "name": p.name,
                                "permissions": None if p.permissions is None else permissions_object(p.permissions),
                            }
                            for p in org.projects
                        ],
                    }
                    for org in world.organizations
                ],
                "keys": [
                    {
                        "name": k.name,
                        "kind": k.kind,
                        "org_id": k.org_id,
                        "project_id": k.project_id,
                        "scopes": None if k.scopes is None else sorted(k.scopes),
                        "purpose": k.purpose,
                        "value": k.value,
                        "fingerprint": fingerprint(k.value),
                    }
                    for k in world.keys
                ],
            }

    def reset(self) -> None:
        """Back to the starting world, with no faults queued and an empty log."""
        with self._api.lock:
            self._api.world = self._initial.copy()
        self._faults.clear()
        self.clear_log()

    # --- faults and the log -------------------------------------------------------------

    def inject(
        self, kind: str, *, count: int = 1, seconds: float | None = None, path_prefix: str | None = None
    ) -> Fault:
        """Queue `kind` for the next `count` API requests whose path starts with `path_prefix`."""
        fault = make_fault(kind, seconds=seconds, path_prefix=path_prefix)
        self._faults.add(fault, count)
        return fault

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def pending_faults(self) -> list[tuple[Fault, int]]:
        return self._faults.pending()

    @property
    def requests(self) -> list[RequestRecord]:
        with self._log_lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._log_changed:
            self._log.clear()
            self._log_generation += 1
            self._log_changed.notify_all()

    def wait_for_requests(self, count: int, *, timeout: float = 5.0) -> list[RequestRecord]:
        """Block until the log holds `count` requests (arrived, maybe not yet answered)."""
        with self._log_changed:
            if not self._log_changed.wait_for(lambda: len(self._log) >= count, timeout):
                raise TimeoutError(f"{len(self._log)} of {count} requests after {timeout} s")
            return list(self._log)

    def _log_start(self, record: RequestRecord) -> tuple[int, int]:
        with self._log_changed:
            self._log.append(record)
            self._log_changed.notify_all()
            return self._log_generation, len(self._log) - 1

    def _log_finish(self, slot: tuple[int, int], record: RequestRecord) -> None:
        with self._log_changed:
            generation, index = slot
            # After a clear_log() in between, the record is simply gone.
            if generation == self._log_generation:
                self._log[index] = record
                self._log_changed.notify_all()

    # --- serving ------------------------------------------------------------------------

    def _serve(self, handler: _Handler, method: str, path: str, query: str, body: bytes) -> None:
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            _send(handler, self._control(method, path, body))
            return
        headers = {name.lower(): value for name, value in handler.headers.items()}
        token = bearer_token(headers)
        record = RequestRecord(method, path, fingerprint(token) if token else None, None)
        try:
            fault = parse_fault_header(headers[FAULT_HEADER]) if FAULT_HEADER in headers else None
        except ValueError as exc:
            _send(handler, errors.json_reply(400, {"error": f"bad {FAULT_HEADER} header: {exc}"}))
            return
        fault = fault or self._faults.take(path)
        record = replace(record, fault=fault.kind if fault else None)
        # Logged on arrival, so a test sees the request even while it stalls; completed
        # before the reply is written, so the log is current when the client returns.
        slot = self._log_start(record)

        if fault is not None:
            if fault.kind in ("latency", "stall") and self._stopping.wait(fault.seconds):
                _drop(handler)
                return
            if fault.kind == "drop_connection":
                _drop(handler)
                return
            if fault.kind in _IMMEDIATE:
                reply = _IMMEDIATE[fault.kind](fault)
                self._log_finish(slot, replace(record, status=reply.status))
                _send(handler, reply)
                return

        outcome = self._api.handle(method, path, query, headers, body)
        reply = outcome.reply
        if fault is not None and fault.kind == "malformed_json":
            reply = _truncated(reply)
        self._log_finish(slot, replace(record, status=reply.status, model=outcome.model))
        _send(handler, reply)

    def _control(self, method: str, path: str, body: bytes) -> Reply:
        route = path.removeprefix(CONTROL_PREFIX).strip("/")
        try:
            payload = json.loads(body) if body.strip() else {}
            if not isinstance(payload, dict):
                raise ValueError("the body must be a JSON object")
            return self._control_route(method, route, payload)
        except (ValueError, KeyError, TypeError) as exc:
            return errors.json_reply(400, {"error": str(exc)})

    def _control_route(self, method: str, route: str, payload: dict[str, Any]) -> Reply:
        ok = errors.json_reply(200, {"ok": True})
        parts = [unquote(p) for p in route.split("/")]
        if route == "requests" and method == "GET":
            return errors.json_reply(200, {"requests": [r.to_json() for r in self.requests]})
        if route == "requests" and method == "DELETE":
            self.clear_log()
            return ok
        if route == "faults" and method == "GET":
            pending = [{**f.to_json(), "remaining": n} for f, n in self.pending_faults]
            return errors.json_reply(200, {"faults": pending})
        if route == "faults" and method == "POST":
            fault = self.inject(
                str(payload["kind"]),
                count=int(payload.get("count", 1)),
                seconds=None if payload.get("seconds") is None else float(payload["seconds"]),
                path_prefix=payload.get("path_prefix"),
            )
            return errors.json_reply(201, {"fault": fault.to_json(), "count": int(payload.get("count", 1))})
        if route == "faults" and method == "DELETE":
            self.clear_faults()
            return ok
        if route == "reset" and method == "POST":
            self.reset()
            return ok
        if route == "world" and method == "GET":
            return errors.json_reply(200, self.describe())
        if route == "world" and method == "POST":
            today = payload.get("today")
            self.configure(
                today=datetime.date.fromisoformat(today) if today else None,
                list_respects_permissions=payload.get("list_respects_permissions"),
                unrestricted_permissions=payload.get("unrestricted_permissions"),
            )
            return ok
        if len(parts) == 2 and parts[0] == "organizations" and method == "POST":
            self.configure_org(parts[1], **payload)
            return ok
        if len(parts) == 3 and parts[0] == "projects" and parts[2] == "model_permissions":
            if method == "POST":
                self.set_project_permissions(parts[1], payload.get("mode"), payload.get("model_ids", []))
                return ok
            if method == "DELETE":
                self.set_project_permissions(parts[1], None)
                return ok
        return errors.json_reply(404, {"error": f"no control endpoint {method} {CONTROL_PREFIX}/{route}"})


def _truncated(reply: Reply) -> Reply:
    body = reply.body if reply.content_type == "application/json" else b'{"object": "list", "data": [{"id": "x"}]}'
    return Reply(200, body[: max(1, len(body) // 2)], "application/json", reply.headers)


def _send(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
    try:
        handler.send_response(reply.status)
        handler.send_header("content-type", reply.content_type)
        handler.send_header("content-length", str(len(reply.body)))
        handler.send_header("x-request-id", f"req_{uuid.uuid4().hex}")
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(reply.body)
        handler.wfile.flush()
    except OSError:
        # The client gave up (timeout) before we answered.
        handler.close_connection = True


def _drop(handler: BaseHTTPRequestHandler) -> None:
    handler.close_connection = True
    with contextlib.suppress(OSError):
        handler.connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive, as with api.openai.com: the SDK reuses pooled connections.
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle plus delayed ACK
        # adds ~40 ms to every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _dispatch(self, method: str) -> None:
        declared = self.headers.get("content-length") or "0"
        length = int(declared) if declared.isdigit() else 0
        body = self.rfile.read(length) if length > 0 else b""
        target = urlsplit(self.path)
        self.server.emulator._serve(self, method, target.path, target.query, body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for a stalled request

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name (getfqdn), which can take seconds.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.discard(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
