"""`model-access serve --http`: loopback by default, Host/Origin validation, body size limit."""

from __future__ import annotations

import contextlib
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from .helpers import offline_env
from .servers import http_server

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with http_server(offline_env()) as port:
        yield f"http://127.0.0.1:{port}/mcp"


def post(url: str, body: bytes, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def test_a_local_client_is_served(server):
    status, text = post(server, json.dumps(INIT).encode(), Origin="http://127.0.0.1")
    assert status == 200 and "model-access" in text


def test_a_foreign_origin_is_refused(server):
    status, _ = post(server, json.dumps(INIT).encode(), Origin="http://evil.example")
    assert status == 403


def test_a_foreign_host_header_is_refused(server):
    status, _ = post(server, json.dumps(INIT).encode(), Host="attacker.example:80")
    assert status == 421


def test_an_oversized_body_is_refused(server):
    # A raw socket: the server answers 413 as soon as the declared length is too large, and may
    # close before a client like urllib has finished sending (a broken pipe, not an answer).
    port = int(server.rsplit(":", 1)[1].split("/")[0])
    size = 2 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
            b"Accept: application/json, text/event-stream\r\nContent-Length: %d\r\n\r\n" % (port, size)
        )
        with contextlib.suppress(OSError):
            sock.sendall(b'{"x": "' + b"a" * 65536)
        head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 413")


# --------------------------------------------------------------------------- slow and hostile clients

HEADER_TIMEOUT = 1.0
BODY_TIMEOUT = 1.0
MAX_CONNECTIONS = 20


@pytest.fixture(scope="module")
def guarded() -> Iterator[int]:
    env = offline_env(
        MODEL_ACCESS_HTTP_HEADER_TIMEOUT=str(HEADER_TIMEOUT),
        MODEL_ACCESS_HTTP_BODY_TIMEOUT=str(BODY_TIMEOUT),
        MODEL_ACCESS_HTTP_MAX_CONNECTIONS=str(MAX_CONNECTIONS),
    )
    with http_server(env) as port:
        time.sleep(HEADER_TIMEOUT + 0.2)  # let the probing connection above be reaped
        yield port


def closed_by_server(sock: socket.socket, deadline: float) -> bool:
    """True once the server has closed the connection (EOF or reset) before `deadline`."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        sock.settimeout(remaining)
        try:
            data = sock.recv(4096)
        except TimeoutError:
            return False
        except OSError:
            return True
        if not data:
            return True


def test_half_open_connections_are_capped_and_timed_out(guarded):
    """Slowloris: 3x the cap of connections that never finish their request head."""
    socks = []
    try:
        for _ in range(3 * MAX_CONNECTIONS):
            sock = socket.create_connection(("127.0.0.1", guarded), timeout=5)
            sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the rest
            socks.append(sock)
        start = time.monotonic()
        over_cap = sum(closed_by_server(s, start + 0.5) for s in socks[MAX_CONNECTIONS:])
        timed_out = sum(closed_by_server(s, start + HEADER_TIMEOUT + 4) for s in socks[:MAX_CONNECTIONS])
    finally:
        for sock in socks:
            sock.close()
    assert over_cap == 2 * MAX_CONNECTIONS  # beyond the cap: closed at once
    assert timed_out == MAX_CONNECTIONS  # within it: closed when the header timeout ran out
    status, text = post(f"http://127.0.0.1:{guarded}/mcp", json.dumps(INIT).encode(), Origin="http://127.0.0.1")
    assert status == 200 and "model-access" in text


def test_a_body_that_never_finishes_is_cut_off(guarded):
    with socket.create_connection(("127.0.0.1", guarded), timeout=5) as sock:
        sock.sendall(
            b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"jsonrpc"' % guarded
        )
        assert closed_by_server(sock, time.monotonic() + BODY_TIMEOUT + 4)


@pytest.mark.parametrize(
    "body",
    [
        b'{"jsonrpc": "2.0", "id": 1, "method": "MARKER-sk-proj-abcdefgh12345678',  # not JSON
        b'{"MARKER": "sk-proj-abcdefgh12345678", "id": [1, 2]}',  # JSON, not JSON-RPC
    ],
)
def test_error_bodies_never_echo_the_request(server, body):
    status, text = post(server, body, Origin="http://127.0.0.1")
    assert status == 400
    assert "MARKER" not in text and "abcdefgh" not in text
    assert "not echoed" in text
