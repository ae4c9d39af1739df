"""`model-access serve --http` started as a real subprocess on 127.0.0.1, for the HTTP tests."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from .helpers import console_script


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def http_server(env: Mapping[str, str]) -> Iterator[int]:
    """Start the HTTP server with `env`, wait until it accepts connections, yield its port, stop it."""
    port = free_port()
    proc = subprocess.Popen(
        [console_script("model-access"), "serve", "--http", "--port", str(port)],
        env=dict(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # never a pipe: a chatty server would block on a full one
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                assert proc.poll() is None, f"model-access serve --http exited with {proc.returncode}"
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
