# Drive an emulator that runs in another process (`python -m tests.emulator`) through its
# /_emulator/* control endpoints. Standard library only; ignores proxy settings, since the
# emulator is always local.
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from .server import RequestRecord


class RemoteControl:
    def __init__(self, control_url: str, *, timeout: float = 5.0) -> None:
        self.control_url = control_url.rstrip("/")
        self._timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _call(self, method: str, route: str, payload: dict[str, Any] | None = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(f"{self.control_url}/{route}", data=data, method=method)
        request.add_header("content-type", "application/json")
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{method} /{route}: {exc.code} {exc.read().decode(errors='replace')}") from exc

    def inject(
        self, kind: str, *, count: int = 1, seconds: float | None = None, path_prefix: str | None = None
    ) -> None:
        self._call("POST", "faults", {"kind": kind, "count": count, "seconds": seconds, "path_prefix": path_prefix})

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def requests(self) -> list[RequestRecord]:
        rows = self._call("GET", "requests")["requests"]
        return [RequestRecord(**row) for row in rows]

    def clear_log(self) -> None:
        self._call("DELETE", "requests")

    def reset(self) -> None:
        self._call("POST", "reset")

    def configure_org(self, org_id: str, **flags: bool | float) -> None:
        self._call("POST", f"organizations/{org_id}", dict(flags))

    def set_project_permissions(self, project_id: str, mode: str | None, model_ids: list[str] | None = None) -> None:
        if mode is None:
            self._call("DELETE", f"projects/{project_id}/model_permissions")
        else:
            self._call(
                "POST",
                f"projects/{project_id}/model_permissions",
                {"mode": mode, "model_ids": model_ids or []},
            )

    def describe(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "world")
        return result
