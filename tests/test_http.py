"""`model-access serve --http`: loopback by default, Host/Origin validation, body size limit."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from .conftest import console_script, offline_env

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [console_script("model-access"), "serve", "--http", "--port", str(port)],
        env=offline_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


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
