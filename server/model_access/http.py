"""`model-access serve --http`: streamable HTTP on loopback, with DNS-rebinding protection.

Binds 127.0.0.1 by default and refuses a non-loopback address unless `--allow-remote` is
given; validates Host and Origin on every request (the MCP specification's requirement for
local HTTP servers) and limits request bodies. Slow or idle clients cannot pin resources: the
request head must arrive within a header timeout and the body within a body timeout, idle
keep-alive connections close, headers are capped in size, and connections beyond a cap are
closed at once. Everything written goes through the redaction boundary: the access log (a URL
may carry `?api_key=…`), tracebacks, and 4xx bodies, which never echo the request.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import sys
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .config import Config, load_config
from .errors import ConfigError
from .redact import install_log_redaction, redact

if TYPE_CHECKING:
    from mcp.server.transport_security import TransportSecuritySettings

MAX_BODY = 1024 * 1024  # 1 MiB: an error text, a path, a mapping — nothing legitimate is larger
MAX_HEADERS = 16 * 1024  # bytes of request line + headers (h11's incomplete-event limit)
KEEP_ALIVE = 5.0  # seconds an idle keep-alive connection stays open

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def security_settings(host: str, port: int, extra_origins: list[str]) -> TransportSecuritySettings:
    from mcp.server.transport_security import TransportSecuritySettings

    names = ["127.0.0.1", "localhost", "[::1]"]
    if not is_loopback(host) and host not in ("0.0.0.0", "::"):
        names.append(host)
    hosts = [f"{n}:{port}" for n in names] + names
    origins = [f"http://{n}:{port}" for n in names] + [f"http://{n}" for n in names] + list(extra_origins)
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins)


@dataclass(frozen=True)
class HttpOptions:
    """Where and how to serve (the flags of `model-access serve --http`)."""

    host: str = "127.0.0.1"
    port: int = 8765
    allow_remote: bool = False
    roots: Sequence[str] = ()
    allowed_origins: Sequence[str] = field(default_factory=tuple)


def serve_http(args: HttpOptions) -> int:
    install_log_redaction()
    if not is_loopback(args.host) and not args.allow_remote:
        print(
            f"model-access: refusing to bind {args.host}: it is not a loopback address, and this server "
            "can read your OpenAI account. Use --host 127.0.0.1 (the default), or add --allow-remote if you "
            "really mean to expose it (put authentication in front of it).",
            file=sys.stderr,
        )
        return 2
    if not 0 < args.port < 65536:
        print(f"model-access: --port must be between 1 and 65535, got {args.port}", file=sys.stderr)
        return 2
    try:
        config = load_config(roots=tuple(args.roots))
    except ConfigError as exc:
        print(f"model-access: {redact(str(exc))}", file=sys.stderr)
        return 2
    import uvicorn

    from .mcp_server import create_server

    server = create_server(config)
    app = QuietErrors(
        server.streamable_http_app(
            max_request_body_size=MAX_BODY,
            transport_security=security_settings(args.host, args.port, list(args.allowed_origins)),
            host=args.host,
        )
    )
    uv_config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        http=guarded_protocol(config),
        timeout_keep_alive=int(KEEP_ALIVE),
        limit_concurrency=config.http_max_connections + 1,  # ours closes the excess first
        h11_max_incomplete_event_size=MAX_HEADERS,
        server_header=False,
        log_config=None,  # our handler, redacted; uvicorn's own formatters would bypass the filter
    )
    for name in ("uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).setLevel(logging.INFO)
    install_log_redaction()
    print(f"model-access: serving MCP on http://{args.host}:{args.port}/mcp", file=sys.stderr)
    uvicorn.Server(uv_config).run()
    return 0


def guarded_protocol(config: Config) -> type[Any]:
    """uvicorn's h11 protocol with a connection cap and header/body read deadlines.

    uvicorn times out only idle keep-alive connections: a client that sends its request head
    (or body) a byte at a time holds a socket and a descriptor for ever, and limit_concurrency
    answers 503 only once a whole request head has arrived. Here a connection over the cap is
    closed on arrival, and one whose head or body is not complete in time is closed."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    header_timeout = config.http_header_timeout
    body_timeout = config.http_body_timeout
    cap = config.http_max_connections

    class GuardedH11Protocol(H11Protocol):  # type: ignore[misc]
        _deadline: Any = None
        _phase: str = ""

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            if len(self.connections) > cap:
                logging.getLogger("uvicorn.error").warning("Connection cap (%d) reached; closing a connection", cap)
                transport.close()
                return
            self._arm("head", header_timeout)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._follow()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._disarm()  # idle now: uvicorn's keep-alive timeout takes over

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _follow(self) -> None:
            state = self.conn.their_state
            if state is h11.IDLE:
                if self._phase != "head":  # bytes of a new request head: the clock starts
                    self._arm("head", header_timeout)
            elif state is h11.SEND_BODY:
                if self._phase != "body":
                    self._arm("body", body_timeout)
            else:
                self._disarm()

        def _arm(self, phase: str, seconds: float) -> None:
            self._disarm()
            self._phase = phase
            self._deadline = self.loop.call_later(seconds, self._expired)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._deadline = None
            self._phase = ""

        def _expired(self) -> None:
            phase = self._phase
            self._deadline = None
            self._phase = ""
            if not self.transport.is_closing():
                logging.getLogger("uvicorn.error").info("Closing a connection: request %s too slow", phase)
                self.transport.close()

    return GuardedH11Protocol


class QuietErrors:
    """ASGI middleware: 4xx bodies never echo the request.

    The SDK answers a malformed body with "Parse error: <parser message>" or "Validation error:
    <pydantic message>", and both quote the input. The message is replaced by its first words
    and a fixed explanation; any other 4xx body is windowed and redacted."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def __getattr__(self, name: str) -> Any:  # lifespan, router… of the wrapped Starlette app
        return getattr(self.app, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def guarded_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and 400 <= int(message.get("status", 200)) < 500:
                start = message
                return
            if start is not None and message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))
                if message.get("more_body"):
                    return
                body = quiet_body(b"".join(chunks))
                headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, guarded_send)


_FIXED = {
    "Parse error": "Parse error: the request body is not valid JSON (its content is not echoed).",
    "Validation error": "Validation error: the request is not a valid JSON-RPC message (its content is not echoed).",
}


def quiet_body(body: bytes) -> bytes:
    text = body[:4096].decode("utf-8", "replace")
    try:
        data = json.loads(body)
    except ValueError:
        return redact(text[:300]).encode()
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        message = error["message"]
        head = message.split(":", 1)[0]
        error["message"] = _FIXED.get(head) or redact(message[:300])
        error.pop("data", None)
        return json.dumps(data).encode()
    return redact(text[:300]).encode()
