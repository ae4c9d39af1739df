# Injected faults: what goes wrong, for how many requests, and on which paths. A fault is
# queued (the next N matching requests) or sent with one request in the
# `X-Emulator-Fault: kind[; seconds=N]` header.
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal, cast, get_args

FaultKind = Literal[
    "latency",  # answer normally after `seconds`
    "stall",  # say nothing for `seconds` (a client timeout fires first), then answer normally
    "server_error",  # 500 with OpenAI's JSON error body
    "bad_gateway",  # 502 with a Cloudflare HTML page
    "unavailable",  # 503 with OpenAI's JSON error body
    "rate_limit",  # 429 rate_limit_exceeded with Retry-After = `seconds`
    "malformed_json",  # 200, application/json, body cut in half
    "drop_connection",  # close the socket without any response
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
FAULT_HEADER = "x-emulator-fault"

DEFAULT_SECONDS: dict[str, float] = {"latency": 0.05, "stall": 30.0, "rate_limit": 1.0}


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    seconds: float = 0.0
    path_prefix: str | None = None  # e.g. "/v1/models"; None: every API path

    def matches(self, path: str) -> bool:
        return self.path_prefix is None or path.startswith(self.path_prefix)

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "seconds": self.seconds, "path_prefix": self.path_prefix}


def make_fault(kind: str, *, seconds: float | None = None, path_prefix: str | None = None) -> Fault:
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(FAULT_KINDS)}")
    if seconds is None:
        seconds = DEFAULT_SECONDS.get(kind, 0.0)
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    return Fault(cast(FaultKind, kind), float(seconds), path_prefix)


def parse_fault_header(value: str) -> Fault:
    """`stall; seconds=2` → Fault("stall", 2.0)."""
    kind, *params = (part.strip() for part in value.split(";"))
    seconds: float | None = None
    for param in params:
        name, _, raw = param.partition("=")
        if name.strip() == "seconds":
            seconds = float(raw)
    return make_fault(kind, seconds=seconds)


class FaultQueue:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[tuple[Fault, int]] = []

    def add(self, fault: Fault, count: int = 1) -> None:
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._queue.append((fault, count))

    def take(self, path: str) -> Fault | None:
        """The oldest fault matching `path`, used up by one."""
        with self._lock:
            for i, (fault, remaining) in enumerate(self._queue):
                if fault.matches(path):
                    if remaining <= 1:
                        del self._queue[i]
                    else:
                        self._queue[i] = (fault, remaining - 1)
                    return fault
        return None

    def pending(self) -> list[tuple[Fault, int]]:
        with self._lock:
            return list(self._queue)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
