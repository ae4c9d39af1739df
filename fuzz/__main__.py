"""Fuzz the diagnosis parser (`diagnose_offline`) and the code layer's per-file extraction
(`model_access.code.extract.extract`) for a bounded time, with hypothesis.

    .venv/bin/python -m fuzz --seconds 60            # both targets, half the time each
    .venv/bin/python -m fuzz --seconds 30 --target diagnose

A crash is any exception other than the typed `ModelAccessError`; a "slow" finding is one
example that took more than --slow seconds. Both are printed with a reproducer and make the
exit status 1. Not part of the pytest suite or .ci/run: it is open-ended by design.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from datetime import date
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from model_access.catalog import load_catalog
from model_access.diagnosis import diagnose_offline
from model_access.errors import ModelAccessError

TODAY = date(2026, 11, 23)

ERROR_TOKENS = [
    "Error code: 404 - ",
    "Error code: 401",
    "Error code: 429",
    "403",
    "{'error': {'message': '",
    "'}}",
    '{"error": {"message": "',
    '"}}',
    "The model `",
    "` does not exist or you do not have access to it.",
    "model_not_found",
    "insufficient_quota",
    "invalid_api_key",
    "Project `proj_abc123` does not have access to model",
    "gpt-4o",
    "gpt4o",
    "gpt-4-32k",
    "o3-pro",
    "text-embedding-3-large",
    "ft:gpt-4o-mini:acme::abc123",
    "openai/gpt-4.1",
    "azure/",
    "DeploymentNotFound",
    "This is not a chat model",
    "v1/responses",
    "/v1/completions",
    "Unsupported parameter: 'max_tokens'",
    "maximum context length is 8192 tokens",
    "Rate limit reached for",
    "sk-proj-",
    "sk-abc***xyz",
    "Bearer ",
    "api-key: ",
    "sess-",
    "org-",
    "req_",
    "\n",
    "\r\n",
    "\t",
    " ",
    "`",
    "'",
    '"',
    "\\",
    "\\n",
    '\\"',
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "…",
    "“",
    "”",
    "\u00a0",
    "\x00",
    "\ufffd",
    "\ud800",
    "Traceback (most recent call last):\n",
    '  File "app.py", line 3\n',
    "openai.NotFoundError: ",
    "HTTP/1.1 404",
    "<html><body>502 Bad Gateway</body></html>",
    "model=",
    "deployment_id=",
    "organization",
    "x" * 300,
    "9" * 40,
]
CODE_TOKENS = [
    'model="gpt-4o"',
    "model='gpt-4-32k'",
    "model=",
    '"gpt-4o"',
    "'o3'",
    "`gpt-4.1`",
    '"openai/gpt-4o"',
    "client.chat.completions.create(",
    "client.embeddings.create(",
    "client.responses.create(",
    "openai.ChatCompletion.create(",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "=",
    "\n",
    "\r",
    "\r\n",
    "\t",
    " ",
    "#",
    "//",
    "/*",
    "*/",
    '"""',
    "'''",
    'f"',
    "f'",
    "r'",
    'b"',
    "\\",
    "`",
    "${",
    "/",
    "/re/g",
    "MODEL = ",
    "const m = ",
    "model: ",
    "OPENAI_MODEL=",
    "- ",
    "---",
    "<!--",
    "-->",
    '"cells": [',
    '{"cell_type": "code", "source": [',
    '"model": "gpt-4o"',
    "import openai\n",
    "def f():\n    ",
    "if x:\n",
    "lambda: ",
    "@decorator\n",
    "async ",
    "await ",
    "\ufeff",
    "é",
    "\u2028",
    "\x00",
    "\ud83d",
    "gpt-4o-mini",
    "gpt4o",
    "text-davinci-003",
    "ft:gpt-3.5-turbo:org::id",
    "dall-e-3",
    "whisper-1",
    "o1-preview",
]
FILE_TYPES = ["python", "notebook", "js", "clike", "hash", "config", "prose"]


def soup(tokens: list[str]) -> st.SearchStrategy[str]:
    mixed = st.one_of(st.sampled_from(tokens), st.text(max_size=20))
    return st.one_of(st.lists(mixed, max_size=80).map("".join), st.text(max_size=2000))


class Findings:
    def __init__(self, slow: float) -> None:
        self.examples = 0
        self.crashes: list[tuple[str, str, str]] = []
        self.slow: list[tuple[str, float, str]] = []
        self.limit = slow

    def run(self, target: str, fn: Callable[[], Any], shown: str) -> None:
        self.examples += 1
        started = time.monotonic()
        try:
            fn()
        except ModelAccessError:
            pass  # a typed, documented refusal (e.g. empty text)
        except Exception:
            self.crashes.append((target, shown, traceback.format_exc(limit=6)))
        took = time.monotonic() - started
        if took > self.limit:
            self.slow.append((target, took, shown))


def batch(strategy: st.SearchStrategy[Any], body: Callable[[Any], None], examples: int) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(value: Any) -> None:
        body(value)

    run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="total fuzzing time (default 60)")
    parser.add_argument("--target", choices=["all", "diagnose", "extract"], default="all")
    parser.add_argument("--slow", type=float, default=2.0, help="seconds after which one example counts as slow")
    args = parser.parse_args(argv)

    from model_access.code.extract import extract

    catalog = load_catalog(TODAY)
    findings = Findings(args.slow)
    targets = ["diagnose", "extract"] if args.target == "all" else [args.target]
    per_target: dict[str, int] = {}

    def diagnose_body(text: str) -> None:
        findings.run("diagnose", lambda: diagnose_offline(catalog, text), repr(text[:300]))

    def extract_body(case: tuple[str, str]) -> None:
        ftype, text = case
        findings.run("extract", lambda: extract(text, ftype, catalog), f"{ftype}: {text[:300]!r}")

    plans: dict[str, tuple[st.SearchStrategy[Any], Callable[[Any], None]]] = {
        "diagnose": (soup(ERROR_TOKENS), diagnose_body),
        "extract": (st.tuples(st.sampled_from(FILE_TYPES), soup(CODE_TOKENS)), extract_body),
    }
    started = time.monotonic()
    for index, target in enumerate(targets):
        share = started + args.seconds * (index + 1) / len(targets)
        before = findings.examples
        strategy, body = plans[target]
        while time.monotonic() < share:
            batch(strategy, body, 200)
        per_target[target] = findings.examples - before

    elapsed = time.monotonic() - started
    counts = ", ".join(f"{t} {n}" for t, n in per_target.items())
    print(
        f"fuzz: {findings.examples} examples run in {elapsed:.0f} s ({counts}), "
        f"{len(findings.crashes)} crashes, {len(findings.slow)} slow (> {args.slow:g} s)"
    )
    for target, shown, tb in findings.crashes[:10]:
        print(f"\nCRASH in {target}: {shown}\n{tb}", file=sys.stderr)
    for target, took, shown in findings.slow[:10]:
        print(f"\nSLOW ({took:.1f} s) in {target}: {shown}", file=sys.stderr)
    return 1 if findings.crashes or findings.slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
