"""Keys never leak: generated keys of every known shape, pushed through every output surface.

Hypothesis generates keys (OpenAI `sk-…` of every generation, masked forms, Azure 32-hex keys
next to the word "key", `Bearer` tokens, console `sess-…` tokens). Each key is embedded in
error texts, code files, emulator answers, tool arguments, prompts, resource URIs, CLI stdin
and log lines, and no output may contain the key — nor any 8-character fragment of its secret
part. The keys are generated once per surface (derandomized, so runs are reproducible), then
replayed through one in-process MCP client; one stdio session covers the server's own logs.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import logging
import random
import socket
import string
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from mcp import Client, MCPError, StdioServerParameters

from model_access.config import load_config
from model_access.diagnosis import diagnose_offline
from model_access.mcp_server import create_server
from model_access.redact import redact_handler

from .emulator import Emulator
from .emulator.errors import mask_key
from .helpers import TODAY, console_script, offline_env, summary_line

pytestmark = pytest.mark.anyio

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
TOKEN = ALNUM + "-_.~+/"
FRAGMENT = 8  # no run of this many characters of a secret may appear in any output

STATS = {"generated": 0, "leaked": 0, "checks": 0}


@dataclass(frozen=True)
class Secret:
    shape: str
    text: str  # how it appears in the input, with whatever context marks it (e.g. "api-key: …")
    secret: str  # the part that must never come out

    def fragments(self) -> Iterator[str]:
        s = self.secret
        if len(s) < FRAGMENT:
            yield s
            return
        for i in range(len(s) - FRAGMENT + 1):
            yield s[i : i + FRAGMENT]


def _body(seed: int, alphabet: str, length: int) -> str:
    # Random-looking bodies from a seed hypothesis controls: shrinking keeps them high-entropy,
    # so a fragment found in an output is a leak, not a coincidence ("00000000" in a timestamp).
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(length))


def _sk(prefix: str, lo: int, hi: int, alphabet: str = URLSAFE) -> st.SearchStrategy[Secret]:
    def build(seed: int, length: int) -> Secret:
        body = _body(seed, ALNUM, 1) + _body(seed + 1, alphabet, length - 1)
        return Secret(prefix.rstrip("-") or "sk", prefix + body, body)

    return st.builds(build, st.integers(0, 2**32), st.integers(lo, hi))


def _masked() -> st.SearchStrategy[Secret]:
    def classic(seed: int) -> Secret:
        head, tail = _body(seed, ALNUM, 3), _body(seed + 7, ALNUM, 3)
        return Secret("masked", f"sk-{head}***{tail}", f"{head}***{tail}")

    def project(seed: int, stars: int) -> Secret:
        tail = _body(seed, ALNUM, 4)
        return Secret("masked-proj", f"sk-proj-{'*' * stars}{tail}", f"{'*' * stars}{tail}")

    def emulator_style(seed: int) -> Secret:
        key = "sk-proj-" + _body(seed, URLSAFE, 156)
        masked = mask_key(key)
        return Secret("masked-emulator", masked, masked[3:])

    seeds = st.integers(0, 2**32)
    return st.one_of(
        st.builds(classic, seeds), st.builds(project, seeds, st.integers(4, 20)), st.builds(emulator_style, seeds)
    )


AZURE_CONTEXTS = ("api-key: {k}", "AZURE_OPENAI_API_KEY={k}", "Azure key {k}", "{k} (the resource key)", "key={k}")


def _azure() -> st.SearchStrategy[Secret]:
    def build(seed: int, where: int) -> Secret:
        key = _body(seed, "0123456789abcdef", 32)
        return Secret("azure", AZURE_CONTEXTS[where].format(k=key), key)

    return st.builds(build, st.integers(0, 2**32), st.integers(0, len(AZURE_CONTEXTS) - 1))


def _bearer() -> st.SearchStrategy[Secret]:
    def build(seed: int, length: int, word: str) -> Secret:
        token = _body(seed, ALNUM, 1) + _body(seed + 1, TOKEN, length - 1)
        return Secret("bearer", f"{word} {token}", token)

    return st.builds(build, st.integers(0, 2**32), st.integers(12, 120), st.sampled_from(["Bearer", "bearer"]))


def _sess() -> st.SearchStrategy[Secret]:
    def build(seed: int, length: int) -> Secret:
        body = _body(seed, ALNUM, length)
        return Secret("sess", f"sess-{body}", body)

    return st.builds(build, st.integers(0, 2**32), st.integers(20, 48))


SECRETS: st.SearchStrategy[Secret] = st.one_of(
    _sk("sk-", 48, 48, ALNUM),
    _sk("sk-proj-", 150, 170),
    _sk("sk-svcacct-", 120, 170),
    _sk("sk-admin-", 60, 170),
    _sk("sk-None-", 48, 60),
    _masked(),
    _azure(),
    _bearer(),
    _sess(),
)
# Keys that can be a configured OPENAI_API_KEY (an HTTP header value) or a model argument (≤ 200).
API_KEYS: st.SearchStrategy[Secret] = st.one_of(
    _sk("sk-", 48, 48, ALNUM), _sk("sk-proj-", 150, 170), _sk("sk-svcacct-", 120, 170), _sk("sk-admin-", 60, 170)
)

ERROR_TEMPLATES = (
    "Error code: 401 - {{'error': {{'message': 'Incorrect API key provided: {k}. You can find your API key at "
    "https://platform.openai.com/account/api-keys.', 'type': 'invalid_request_error', 'param': None, "
    "'code': 'invalid_api_key'}}}}",
    "openai.NotFoundError: Error code: 404 - {{'error': {{'message': 'The model `gpt-4-32k` does not exist or "
    "you do not have access to it.', 'type': 'invalid_request_error', 'param': None, 'code': 'model_not_found'}}}}"
    "\nrequest headers: Authorization: {k}",
    'curl https://api.openai.com/v1/chat/completions -H "Authorization: {k}" -d \'{{"model": "gpt4o"}}\'\n'
    '{{"error": {{"message": "The model `gpt4o` does not exist", "code": "model_not_found"}}}}',
    "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n    client = OpenAI(api_key='{k}')"
    "\nopenai.PermissionDeniedError: Error code: 403 - Project `proj_abc123` does not have access to model `o3`",
    "OPENAI_API_KEY={k}\nBadRequestError: Unsupported parameter: 'max_tokens' is not supported with this model.",
    "litellm.NotFoundError: AzureException - The API deployment for this resource does not exist. {k}",
)


def generate(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """`count` derandomized examples of `strategy` (hypothesis drives generation; we replay them)."""
    out: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        out.append(value)

    collect()
    STATS["generated"] += len(out)
    return out


def leaked(secrets: list[Secret], output: str) -> list[str]:
    STATS["checks"] += 1
    found = []
    for s in secrets:
        if s.secret in output or any(f in output for f in s.fragments()):
            found.append(f"{s.shape}: {s.text[:24]}…")
    STATS["leaked"] += len(found)
    return found


def dump(value: Any) -> str:
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    return json.dumps(value, ensure_ascii=False)


def config_for(tmp_path: Path, **extra: str) -> Any:
    return load_config(
        {"MODEL_ACCESS_TODAY": TODAY.isoformat(), "MODEL_ACCESS_ROOTS": str(tmp_path), "MODEL_ACCESS_CACHE_TTL": "0"}
        | extra
    )


# --------------------------------------------------------------------------- (a) error texts


async def test_keys_in_error_texts_never_come_back(tmp_path, catalog):
    secrets = generate(SECRETS, 120)
    async with Client(create_server(config_for(tmp_path))) as client:
        for i, s in enumerate(secrets):
            text = ERROR_TEMPLATES[i % len(ERROR_TEMPLATES)].format(k=s.text)
            offline = diagnose_offline(catalog, text)
            assert not leaked([s], offline.model_dump_json()), text
            result = await client.call_tool("diagnose_error", {"error": text, "live": False})
            assert not result.is_error
            assert not leaked([s], dump(result)), text
        # Many keys in one text, next to each other.
        crowd = "\n".join(ERROR_TEMPLATES[i % 6].format(k=s.text) for i, s in enumerate(secrets[:40]))
        assert not leaked(secrets[:40], dump(await client.call_tool("diagnose_error", {"error": crowd})))
        assert not leaked(secrets[:40], diagnose_offline(catalog, crowd).model_dump_json())


# --------------------------------------------------------------------------- (b) code files


def write_project(root: Path, secrets: list[Secret]) -> None:
    for i, s in enumerate(secrets):
        folder = root / f"svc{i % 4}"
        folder.mkdir(exist_ok=True)
        k = s.text
        match i % 5:
            case 0:
                (folder / f"app{i}.py").write_text(
                    f'import openai\nclient = openai.OpenAI(api_key="{k}")\n'
                    f'r = client.chat.completions.create(model="gpt-4-32k", messages=[])  # {k}\n'
                )
            case 1:
                (folder / f"cfg{i}.env").write_text(f"OPENAI_API_KEY={k}\nOPENAI_MODEL=gpt-4-32k # {k}\n")
                (folder / f".env.{i}").write_text(f"OPENAI_MODEL=gpt-4-32k\nAUTH={k}\n")
            case 2:
                (folder / f"cfg{i}.yaml").write_text(f'model: gpt-4-32k\napi_key: "{k}"\nnote: "{k} gpt-4-32k"\n')
            case 3:
                (folder / f"client{i}.ts").write_text(
                    f'const client = new OpenAI({{ apiKey: "{k}" }});\n'
                    f'await client.chat.completions.create({{ model: "gpt-4-32k", user: "{k}" }});\n'
                )
            case _:
                (folder / f"notes{i}.md").write_text(f"Call `gpt-4-32k` with `{k}` — or {k}.\n")
                (folder / f"data{i}.json").write_text(json.dumps({"model": "gpt-4-32k", "key": k}))


async def test_keys_in_scanned_code_never_come_back(tmp_path):
    secrets = generate(SECRETS, 60)
    project = tmp_path / "project"
    project.mkdir()
    write_project(project, secrets)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    async with Client(create_server(config_for(tmp_path))) as client:
        scan = await client.call_tool("scan_model_references", {"path": str(project)})
        assert not scan.is_error, scan
        assert scan.structured_content["references"], "the project must contain model ids"
        assert not leaked(secrets, dump(scan))
        for args in ({}, {"replacements": {"gpt-4-32k": "gpt-4o"}}):
            fix = await client.call_tool("fix_model_references", {"path": str(project), **args})
            assert not fix.is_error, fix
            assert "gpt-4-32k" in fix.structured_content["diff"]
            assert not leaked(secrets, dump(fix))
        for file in list(before)[:8]:  # one file at a time, as an assistant does
            one = await client.call_tool("scan_model_references", {"path": str(file)})
            assert not leaked(secrets, dump(one))
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


# --------------------------------------------------------------------------- (c) emulator answers


async def test_bad_keys_against_the_emulator_are_never_echoed(tmp_path):
    secrets = generate(API_KEYS, 8)
    with Emulator() as emu:
        for s in secrets:
            config = config_for(
                tmp_path, OPENAI_API_KEY=s.text, OPENAI_BASE_URL=emu.base_url, MODEL_ACCESS_MAX_RETRIES="0"
            )
            async with Client(create_server(config)) as client:
                listing = await client.call_tool("list_accessible_models", {})
                assert listing.is_error and "401" in dump(listing)
                check = await client.call_tool("check_model_access", {"model": "gpt-4o"})
                diag = await client.call_tool("diagnose_error", {"error": "The model `gpt-4o` does not exist"})
                for out in (listing, check, diag):
                    text = dump(out)
                    assert not leaked([s], text) and mask_key(s.text) not in text, text
        # The emulator really did echo the masked key: the redaction above had something to do.
        assert any(r.status == 401 for r in emu.requests)


# --------------------------------------------------------------------------- (d) arguments, prompts, resources


async def test_keys_in_arguments_prompts_and_resources_never_come_back(tmp_path):
    secrets = generate(API_KEYS, 25) + generate(SECRETS, 25)
    async with Client(create_server(config_for(tmp_path))) as client:
        for s in secrets:
            k = s.text
            model = k[:200]
            outputs: list[Any] = [
                await client.call_tool("suggest_replacement", {"model": model}),
                await client.call_tool("check_model_access", {"model": model}),
                await client.call_tool("check_endpoint_for_model", {"model": model, "endpoint": "chat.completions"}),
                await client.call_tool("check_endpoint_for_model", {"model": "gpt-4o", "endpoint": model}),
                await client.call_tool("diagnose_error", {"error": "model_not_found", "model": model}),
                await client.call_tool("list_accessible_models", {"endpoint": model}),
                await client.call_tool("scan_model_references", {"path": f"/nowhere/{k}"}),
                await client.call_tool("scan_model_references", {"path": str(tmp_path), "include": [k]}),
                await client.call_tool("fix_model_references", {"path": str(tmp_path), "replacements": {"x": k}}),
                await client.call_tool("get_project_model_permissions", {"project_id": k if len(k) <= 100 else "x"}),
                await client.get_prompt("troubleshoot_model_error", {"error": f"401 {k}", "path": f"/src/{k}"}),
            ]
            for uri in (f"catalog://models/{k}", f"catalog://models/openai/{k}"):
                try:
                    outputs.append(await client.read_resource(uri))
                except MCPError as exc:
                    outputs.append({"error": exc.error.message, "data": exc.error.data})
            try:
                outputs.append(await client.call_tool(model, {}))
            except MCPError as exc:
                outputs.append({"error": exc.error.message, "data": exc.error.data})
            for out in outputs:
                assert not leaked([s], dump(out)), dump(out)[:500]


# --------------------------------------------------------------------------- CLI output


def test_keys_on_cli_stdin_never_come_back(tmp_path):
    secrets = generate(SECRETS, 40)
    text = "\n".join(ERROR_TEMPLATES[i % len(ERROR_TEMPLATES)].format(k=s.text) for i, s in enumerate(secrets))
    for extra in (["--json"], ["--offline"]):
        done = subprocess.run(
            [console_script("model-access"), "diagnose", "-", *extra],
            input=text,
            capture_output=True,
            text=True,
            timeout=30,
            env=offline_env(MODEL_ACCESS_ROOTS=str(tmp_path)),
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip()
        assert not leaked(secrets, done.stdout + done.stderr)


# --------------------------------------------------------------------------- log lines


async def test_keys_never_reach_the_stdio_servers_log(tmp_path):
    """One stdio session as an editor launches it, with the SDK's debug logging on; stderr is kept."""
    secrets = generate(SECRETS, 30)
    key = generate(API_KEYS, 1)[0]
    log = tmp_path / "server.log"
    with Emulator() as emu:
        env = offline_env(
            OPENAI_API_KEY=key.text,
            OPENAI_BASE_URL=emu.base_url,
            OPENAI_LOG="debug",
            MODEL_ACCESS_MAX_RETRIES="0",
            MODEL_ACCESS_ROOTS=str(tmp_path),
        )
        script = console_script("model-access-mcp")
        params = StdioServerParameters(command="/bin/sh", args=["-c", f'exec "{script}" 2>"{log}"'], env=env)
        outputs: list[Any] = []
        async with Client(params) as client:
            outputs.append(await client.call_tool("list_accessible_models", {}))
            outputs.append(await client.call_tool("check_model_access", {"model": "gpt-4o", "probe": True}))
            for i, s in enumerate(secrets):
                text = ERROR_TEMPLATES[i % len(ERROR_TEMPLATES)].format(k=s.text)
                outputs.append(await client.call_tool("diagnose_error", {"error": text}))
            outputs.append(await client.call_tool("suggest_replacement", {"model": secrets[0].text[:200]}))
    logged = log.read_text(errors="replace")
    assert "HTTP" in logged or "Request" in logged, "the SDK's debug log should have said something"
    assert not leaked([key, *secrets], logged), logged[:2000]
    assert mask_key(key.text) not in logged
    assert not leaked([key, *secrets], "\n".join(dump(o) for o in outputs))


async def test_keys_never_reach_in_process_log_records(tmp_path, caplog):
    secrets = generate(SECRETS, 20)
    caplog.set_level("DEBUG")
    async with Client(create_server(config_for(tmp_path))) as client:
        for s in secrets:
            await client.call_tool("diagnose_error", {"error": ERROR_TEMPLATES[0].format(k=s.text)})
    ours = [r for r in caplog.records if r.name.startswith("model_access")]
    assert not leaked(secrets, "\n".join(r.getMessage() for r in ours))


# --------------------------------------------------------------------------- side doors


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_keys_in_an_http_url_never_reach_the_access_log(tmp_path):
    """`serve --http` logs every request line: a key in the query string must not be in it."""
    secrets = generate(API_KEYS, 6) + generate(SECRETS, 6)
    tokens = [_body(i, ALNUM, 40) for i in range(4)]
    port = _free_port()
    log = tmp_path / "http.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [console_script("model-access"), "serve", "--http", "--port", str(port)],
            env=offline_env(MODEL_ACCESS_ROOTS=str(tmp_path)),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            _wait_for_port(port, proc)
            queries = [f"api_key={urllib.parse.quote(s.text, safe='')}" for s in secrets]
            queries += [f"{name}={t}" for name, t in zip(("token", "access_token", "key", "sig"), tokens, strict=True)]
            for query in queries:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                    sock.sendall(f"GET /mcp?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
                    sock.recv(4096)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    logged = log.read_text(errors="replace")
    assert "uvicorn.access" in logged and "GET /mcp?" in logged  # the request lines were logged
    assert not leaked(secrets, urllib.parse.unquote(logged)), logged[:2000]
    for t in tokens:
        assert t not in logged


def _wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        assert proc.poll() is None, "the server exited"
        time.sleep(0.1)
    raise AssertionError("the server did not start")


def _url_credentials() -> list[tuple[str, str]]:
    return [(_body(seed, ALNUM, 10), _body(seed + 1, URLSAFE, 24)) for seed in range(3)]


async def test_base_url_credentials_never_come_back(tmp_path):
    """OPENAI_BASE_URL=https://user:pass@host: not in results, errors, doctor, nor logs."""
    with Emulator() as emu:
        for user, password in _url_credentials():
            with_creds = emu.base_url.replace("http://", f"http://{user}:{password}@")
            closed = f"http://{user}:{password}@127.0.0.1:{_free_port()}/v1"
            for base in (with_creds, closed):
                config = config_for(
                    tmp_path, OPENAI_API_KEY=emu.key("allow"), OPENAI_BASE_URL=base, MODEL_ACCESS_MAX_RETRIES="0"
                )
                async with Client(create_server(config)) as client:
                    outputs = [
                        await client.call_tool("list_accessible_models", {}),
                        await client.call_tool("check_model_access", {"model": "gpt-4o"}),
                    ]
                text = "\n".join(dump(o) for o in outputs)
                assert password not in text and f"{user}:" not in text, text[:1000]
                assert "127.0.0.1" in text  # the host is still named, only the credentials go
            done = await anyio.to_thread.run_sync(
                functools.partial(
                    subprocess.run,
                    [console_script("model-access"), "doctor", "--json", "--path", str(tmp_path)],
                    capture_output=True,
                    text=True,
                    timeout=60,
                    env=offline_env(OPENAI_API_KEY=emu.key("allow"), OPENAI_BASE_URL=with_creds, OPENAI_LOG="debug"),
                    check=False,
                )
            )
            assert done.stdout.strip(), done.stderr
            assert password not in done.stdout + done.stderr and f"{user}:" not in done.stdout + done.stderr


async def test_a_configured_key_of_another_shape_is_never_echoed(tmp_path):
    """A compatible provider's key (gsk_…) matches no OpenAI pattern: its literal value, and the
    masked forms a provider echoes, are redacted because it is the configured key."""
    keys = [f"gsk_{_body(seed, ALNUM, 52)}" for seed in range(4)]
    with Emulator() as emu:
        for key in keys:
            config = config_for(
                tmp_path, OPENAI_API_KEY=key, OPENAI_BASE_URL=emu.base_url, MODEL_ACCESS_MAX_RETRIES="0"
            )
            async with Client(create_server(config)) as client:
                listing = await client.call_tool("list_accessible_models", {})
                assert listing.is_error and "401" in dump(listing)
                pasted = await client.call_tool(
                    "diagnose_error", {"error": f"groq.AuthenticationError: 401 Invalid API Key: {key}"}
                )
                prompt = await client.get_prompt("troubleshoot_model_error", {"error": f"Invalid API Key {key}"})
            secret = Secret("gsk", key, key[4:])
            for out in (listing, pasted, prompt):
                text = dump(out)
                assert not leaked([secret], text) and mask_key(key) not in text, text[:1000]
        assert any(r.status == 401 for r in emu.requests)  # the emulator echoed the masked key


def test_tracebacks_are_redacted_after_they_are_formatted(tmp_path):
    """A filter runs before the handler formats the traceback (exc_text is still empty then):
    the formatted record, traceback included, must be redacted."""
    secrets = generate(API_KEYS, 5)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("model_access.test_traceback")
    logger.addHandler(handler)
    logger.propagate = False
    redact_handler(handler)
    try:
        for s in secrets:
            try:
                raise RuntimeError(f"upstream said: Incorrect API key provided: {s.text}")
            except RuntimeError:
                logger.exception("lookup failed")
            logger.error("stack", stack_info=True, extra={"key": s.text})
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "Traceback" in output and "RuntimeError" in output
    assert not leaked(secrets, output), output[:2000]


@summary_line
def _secrets_tally() -> str | None:
    if not STATS["generated"]:
        return None
    return f"secrets: {STATS['generated']} keys generated, {STATS['leaked']} leaked ({STATS['checks']} outputs checked)"
