# Small siblings of the OpenAI emulator: one real HTTP server on 127.0.0.1 per OpenAI-compatible
# provider, speaking that provider's wire format for listing, a call, and its "model not found"
# error (shapes from the providers' documentation and public reports; see the project reference
# §8). Each keeps only what the tests need: a key, a list of ids (or, for Azure, deployments),
# and what a call for anything else answers.
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

Body = tuple[int, object]


def _openrouter_missing(model: str) -> Body:
    return 400, {"error": {"message": f"{model} is not a valid model ID", "code": 400}, "user_id": "user_emu"}


def _litellm_missing(model: str) -> Body:
    message = (
        f"{{'error': '/chat/completions: Invalid model name passed in model={model}. Call `/v1/models` to view "
        "available models for your key.'}"
    )
    return 400, {"error": {"message": message, "type": "None", "param": "None", "code": "400"}}


def _ollama_missing(model: str) -> Body:
    message = f'model "{model}" not found, try pulling it first'
    return 404, {"error": {"message": message, "type": "api_error", "param": None, "code": None}}


def _vllm_missing(model: str) -> Body:
    return 404, {
        "object": "error",
        "message": f"The model `{model}` does not exist.",
        "type": "NotFoundError",
        "param": None,
        "code": 404,
    }


def _lmstudio_missing(model: str) -> Body:
    message = f'Invalid model identifier "{model}". Please specify a valid downloaded model.'
    return 404, {
        "error": {"message": message, "type": "invalid_request_error", "param": "model", "code": "model_not_found"}
    }


def _groq_missing(model: str) -> Body:
    message = f"The model `{model}` does not exist or you do not have access to it."
    return 404, {"error": {"message": message, "type": "invalid_request_error", "code": "model_not_found"}}


def _azure_missing(_: str) -> Body:
    message = (
        "The API deployment for this resource does not exist. If you created the deployment within the last 5 "
        "minutes, please wait a moment and try again."
    )
    return 404, {"error": {"code": "DeploymentNotFound", "message": message}}


@dataclass
class ProviderSpec:
    name: str
    prefix: str  # the API root under the server, e.g. "/api/v1" for OpenRouter
    ids: list[str]
    missing: Callable[[str], Body]
    owned_by: str = "emu"
    deployments: dict[str, tuple[str, str]] = field(default_factory=dict)  # Azure: name → (model, version)
    key: str = "emu-provider-key-0001"

    def listing(self) -> object:
        now = int(time.time())
        if self.name == "openrouter":
            # OpenRouter's list: richer fields, no "object"/"owned_by".
            return {
                "data": [
                    {
                        "id": m,
                        "name": m,
                        "created": now,
                        "context_length": 400_000,
                        "pricing": {"prompt": "0.000001", "completion": "0.000004"},
                    }
                    for m in self.ids
                ]
            }
        if self.name == "vllm":
            return {
                "object": "list",
                "data": [
                    {"id": m, "object": "model", "created": now, "owned_by": "vllm", "root": m, "max_model_len": 32768}
                    for m in self.ids
                ],
            }
        return {
            "object": "list",
            "data": [{"id": m, "object": "model", "created": now, "owned_by": self.owned_by} for m in self.ids],
        }


SPECS: dict[str, Callable[[], ProviderSpec]] = {
    "openrouter": lambda: ProviderSpec(
        "openrouter",
        "/api/v1",
        ["openai/gpt-6-luna", "openai/gpt-6.1-sol", "openai/gpt-5.6-sol-pro", "openai/gpt-4.1-mini"],
        _openrouter_missing,
    ),
    "litellm": lambda: ProviderSpec(
        "litellm", "/v1", ["azure/gpt-4o", "openai/gpt-6-luna", "claude-sonnet"], _litellm_missing, owned_by="openai"
    ),
    "ollama": lambda: ProviderSpec("ollama", "/v1", ["llama3.1:8b", "qwen2.5:7b"], _ollama_missing, owned_by="library"),
    "vllm": lambda: ProviderSpec("vllm", "/v1", ["meta-llama/Llama-3.1-8B-Instruct"], _vllm_missing),
    "lmstudio": lambda: ProviderSpec(
        "lmstudio", "/v1", ["qwen2.5-7b-instruct", "llama-3.2-3b-instruct"], _lmstudio_missing
    ),
    "groq": lambda: ProviderSpec(
        "groq", "/openai/v1", ["llama-3.3-70b-versatile", "openai/gpt-oss-120b"], _groq_missing, owned_by="Meta"
    ),
    "azure": lambda: ProviderSpec(
        "azure",
        "/openai",
        [],
        _azure_missing,
        deployments={"my-gpt4o": ("gpt-4o", "2024-08-06"), "chat35": ("gpt-35-turbo", "0125")},
    ),
}


class ProviderEmulator:
    """`with ProviderEmulator("ollama") as emu:` then point OPENAI_BASE_URL at `emu.base_url`."""

    def __init__(self, name: str) -> None:
        self.spec = SPECS[name]()
        self.requests: list[tuple[str, str]] = []
        spec = self.spec
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _send(self, status: int, payload: object) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorized(self) -> bool:
                bearer = self.headers.get("Authorization", "")
                return bearer == f"Bearer {spec.key}" or self.headers.get("api-key") == spec.key

            def _route(self, method: str) -> None:
                url = urlsplit(self.path)
                path = unquote(url.path)
                owner.requests.append((method, path))
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if not self._authorized():
                    self._send(401, {"error": {"message": "No auth credentials found", "code": 401}})
                    return
                if not path.startswith(spec.prefix):
                    self._send(404, {"error": {"message": f"no route {path}"}})
                    return
                rest = path[len(spec.prefix) :]
                if spec.name == "azure":
                    self._azure(method, rest, parse_qs(url.query), raw)
                    return
                if method == "GET" and rest == "/models":
                    self._send(200, spec.listing())
                    return
                if method == "POST" and rest in ("/chat/completions", "/responses", "/embeddings", "/completions"):
                    model = str(json.loads(raw or b"{}").get("model") or "")
                    if model in spec.ids:
                        self._send(200, _ok(model, rest))
                    else:
                        self._send(*spec.missing(model))
                    return
                self._send(404, {"error": {"message": f"no route {path}"}})

            def _azure(self, method: str, rest: str, query: dict[str, list[str]], raw: bytes) -> None:
                if "api-version" not in query:
                    self._send(404, {"error": {"code": "404", "message": "Resource not found"}})
                    return
                if method == "GET" and rest == "/deployments":
                    rows = [
                        {
                            "id": name,
                            "model": model,
                            "model_version": version,
                            "object": "deployment",
                            "status": "succeeded",
                        }
                        for name, (model, version) in spec.deployments.items()
                    ]
                    self._send(200, {"object": "list", "data": rows})
                    return
                parts = rest.strip("/").split("/", 2)
                if method == "POST" and len(parts) == 3 and parts[0] == "deployments":
                    name, operation = parts[1], "/" + parts[2]
                    if name in spec.deployments:
                        self._send(200, _ok(spec.deployments[name][0], operation))
                    else:
                        self._send(*spec.missing(name))
                    return
                self._send(404, {"error": {"code": "404", "message": "Resource not found"}})

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        return self.origin + self.spec.prefix

    def __enter__(self) -> ProviderEmulator:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _ok(model: str, operation: str) -> dict[str, object]:
    created = int(time.time())
    if operation == "/embeddings":
        return {
            "object": "list",
            "data": [{"object": "embedding", "index": 0, "embedding": [0.0, 0.1]}],
            "model": model,
        }
    if operation == "/responses":
        return {
            "id": "resp_emu",
            "object": "response",
            "created_at": created,
            "model": model,
            "status": "completed",
            "output": [],
        }
    return {
        "id": "chatcmpl-emu",
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "pong"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
