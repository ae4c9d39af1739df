"""The `model-access` command line: the same services as the MCP tools, for people and CI.

Every command takes `--json` (the tool's structured result). Output passes the redaction
policy; errors are one line on stderr with exit code 2 (bad input or configuration) and
`check` exits 1 when it finds problems.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from . import package_version
from .errors import ModelAccessError
from .redact import install_log_redaction, redact

# anyio, pydantic, the config and the catalog load in main(), after a re-scan of an unchanged tree
# has had its chance to be answered from the stored output (code/answer.py) without them.
if TYPE_CHECKING:
    from pydantic import BaseModel

    from .code.plain import PlainScan
    from .config import Config
    from .doctor import DoctorReport
    from .results import AccessCheck, AccessibleModels, Diagnosis, EndpointAdvice, FixResult, ReplacementAdvice
    from .state import AppState

    Shown = TypeVar("Shown", bound=BaseModel)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

EPILOG = """\
environment:
  OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID   live answers for your key
  OPENAI_ADMIN_KEY                      project model permissions (admin API)
  AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, OPENAI_API_VERSION      Azure OpenAI
  MODEL_ACCESS_ROOTS                    folders scan/fix may touch (default: your home folder)
Without a key every command answers from the bundled catalog and says so.

examples:
  model-access doctor                          health check: configuration, catalog, shutdowns
  model-access suggest gpt4o                   typo → gpt-4o, retired → official replacement
  model-access endpoint text-embedding-3-large chat.completions
  model-access models --endpoint embeddings --json
"""


class _Printer:
    def __init__(self, as_json: bool, out: TextIO) -> None:
        self.as_json = as_json
        self.out = out

    def line(self, text: str = "") -> None:
        self.out.write(redact(text) + "\n")

    def result(self, model: Shown, render: Callable[[Shown], None]) -> None:
        if self.as_json:
            self.out.write(redact(model.model_dump_json(indent=2)) + "\n")
        else:
            render(model)


# ---------------------------------------------------------------------------- commands


async def _cmd_models(state: AppState, args: argparse.Namespace, p: _Printer) -> int:
    from .access import list_accessible_models

    result = await list_accessible_models(state, args.endpoint, args.refresh, args.provider)

    def render(r: AccessibleModels) -> None:
        p.line(f"source: {r.source}  provider: {r.provider}  as of: {r.fetched_at}  models: {r.count}")
        for warning in r.warnings:
            p.line(f"warning: {warning}")
        for m in r.models:
            when = f"  shuts down {m.shutdown_date}" if m.shutdown_date else ""
            p.line(f"  {m.id:<40} {m.lifecycle or '?':<11} {','.join(m.endpoints)}{when}")

    p.result(result, render)
    return EXIT_OK


async def _cmd_suggest(state: AppState, args: argparse.Namespace, p: _Printer) -> int:
    from .endpoints import parse_endpoint
    from .judgment import advise

    endpoint = parse_endpoint(args.endpoint) if args.endpoint else None
    live = state.live if state.config.has_key else None
    result = await advise(state.config, state.catalog, live, args.model, endpoint, args.limit)

    def render(r: ReplacementAdvice) -> None:
        p.line(f"{r.model}: {r.status} — {r.reason}")
        if not r.suggestions:
            p.line("  no replacement needed" if r.status == "known" else "  no suggestion")
        for s in r.suggestions:
            when = f", shuts down {s.shutdown_date}" if s.shutdown_date else ""
            p.line(f"  {s.id:<28} {s.score:.2f}  {s.reason} ({s.lifecycle}{when})")

    p.result(result, render)
    return EXIT_OK


async def _cmd_endpoint(state: AppState, args: argparse.Namespace, p: _Printer) -> int:
    from .endpoints import check_endpoint_for_model

    result = check_endpoint_for_model(state.catalog, args.model, args.endpoint)

    def render(r: EndpointAdvice) -> None:
        verdict = {True: "supported", False: "NOT supported", None: "unknown"}[r.supported]
        p.line(f"{r.model} on {r.endpoint}: {verdict}")
        p.line(f"  {r.explanation}")
        if r.sdk_call:
            p.line(f"  use: {r.sdk_call}")

    p.result(result, render)
    return EXIT_OK


async def _cmd_access(state: AppState, args: argparse.Namespace, p: _Printer) -> int:
    result = await state.live.check_access(args.model, args.endpoint, probe=args.probe)

    def render(r: AccessCheck) -> None:
        p.line(f"{r.model}: {r.verdict}")
        for e in r.evidence:
            p.line(f"  evidence: {e}")
        for s in r.next_steps:
            p.line(f"  next: {s}")

    p.result(result, render)
    return EXIT_OK


async def _cmd_diagnose(state: AppState, args: argparse.Namespace, p: _Printer) -> int:
    from .diagnosis import diagnose

    text = args.text
    if text is None or text == "-":
        if sys.stdin.isatty():
            p.line("Paste the error text, then press Ctrl-D:")
        text = sys.stdin.read()
    result = await diagnose(state, text, model=args.model, endpoint=args.endpoint, live=not args.offline)

    def render(r: Diagnosis) -> None:
        p.line(f"{r.category} ({r.confidence:.0%}): {r.summary}")
        p.line(f"  {r.explanation}")
        for e in r.evidence:
            p.line(f"  evidence: {e}")
        for i, f in enumerate(r.fixes, 1):
            p.line(f"  fix {i}: {f.title} — {f.detail}" + (f" ({f.url})" if f.url else ""))
            if f.code:
                p.line("      " + f.code.replace("\n", "\n      "))
        if r.suggested_models:
            p.line(f"  suggested models: {', '.join(r.suggested_models)}")
        p.line(f"  checked live: {'yes' if r.checked_live else 'no'}")

    p.result(result, render)
    return EXIT_OK


async def _cmd_scan(state: AppState, args: argparse.Namespace, p: _Printer) -> int:
    from .code import scan_for_cli

    scan = await scan_for_cli(state, args.path, args.include, args.exclude, args.hidden, args.no_ignore)
    return _print_scan(state, args, p, scan)


def _scan_without_loop(config: Config, args: argparse.Namespace, out: TextIO) -> int:
    """`scan` with no API key: nothing to await, so no event loop (asyncio and anyio stay unloaded).

    The same output and errors as run_command(_cmd_scan)."""
    from .code import plain_scan_for_cli_sync
    from .state import AppState

    printer = _Printer(args.json, out)
    state = AppState(config)
    # A one-shot scan makes many objects that live to its end and almost no reference cycles: the
    # cycle collector would only re-traverse them (5-10% of a cold scan's CPU; peak memory is the same).
    collecting = gc.isenabled()
    gc.disable()
    try:
        scan = plain_scan_for_cli_sync(state, args.path, args.include, args.exclude, args.hidden, args.no_ignore)
        return _print_plain_scan(state, args, printer, scan)
    except (ModelAccessError, OSError) as exc:
        return _print_error(printer, out, exc)
    except KeyboardInterrupt:
        return 130
    finally:
        if collecting:
            gc.enable()


def _print_scan(state: AppState, args: argparse.Namespace, p: _Printer, scan: Any) -> int:
    from .code.answer import remember
    from .code.report import redact_scan

    # Redacted string by string (each distinct string once): every field below is already clean.
    result = redact_scan(scan, redact)
    text = _scan_text(result, p.as_json)
    p.out.write(text)
    # Stored for the next identical command (code/answer.py), with the stats that a re-scan of the
    # unchanged tree reports (every file answered by the result cache), so both print the same.
    walked = result.stats.get("files_walked", 0)
    again = {**dict.fromkeys(result.stats, 0), "files_walked": walked, "cache_hits": walked}
    if result.stats and result.stats != again:
        remember(state, vars(args), lambda: _scan_text(result.model_copy(update={"stats": again}), p.as_json), EXIT_OK)
    else:
        remember(state, vars(args), text, EXIT_OK)
    return EXIT_OK


def _print_plain_scan(state: AppState, args: argparse.Namespace, p: _Printer, scan: PlainScan) -> int:
    """_print_scan's output and stored answer, rendered from plain rows (code/plain.py)."""
    from .code.answer import remember
    from .code.plain import rendered

    walked = scan.stats.get("files_walked", 0)
    again = {**dict.fromkeys(scan.stats, 0), "files_walked": walked, "cache_hits": walked}
    text, stored = rendered(scan, redact, p.as_json, again if scan.stats else scan.stats)
    p.out.write(text)
    remember(state, vars(args), stored, EXIT_OK)
    return EXIT_OK


def _scan_text(result: Any, as_json: bool) -> str:
    if as_json:
        return str(result.model_dump_json(indent=2)) + "\n"
    lines = []
    for ref in result.references:
        problem = f"  [{ref.problem}]" if ref.problem else ""
        hint = f" → {ref.suggestion}" if ref.suggestion else ""
        lines.append(f"{ref.file}:{ref.line}:{ref.column}: {ref.model}{problem}{hint}\n")
    tail = [f"{result.files_scanned} files scanned, {len(result.references)} references, counts: {result.counts}"]
    if result.skipped:
        shown = ", ".join(result.skipped[:5])
        tail.append(f"skipped: {len(result.skipped)} ({shown}{' …' if len(result.skipped) > 5 else ''})")
    if result.stats:
        tail.append("stats: " + ", ".join(f"{k} {v}" for k, v in result.stats.items()))
    return "".join(lines) + "".join(redact(line) + "\n" for line in tail)


async def _cmd_fix(state: AppState, args: argparse.Namespace, p: _Printer) -> int:
    from .code import fix_for_cli

    mapping = dict(item.split("=", 1) for item in args.replace) if args.replace else None
    result = await fix_for_cli(state, args.path, mapping, args.apply, getattr(args, "digest", None))

    def render(r: FixResult) -> None:
        p.out.write(redact(r.diff))
        verb = "applied to" if r.applied else "planned for"
        p.line(f"{len(r.edits)} edits {verb} {len(r.files_changed)} files (digest {r.digest})")
        for why in r.not_editable:
            p.line(f"not editable: {why}")
        if not r.applied and r.edits:
            p.line("run again with --apply to write them")

    p.result(result, render)
    return EXIT_OK


async def _cmd_check(state: AppState, args: argparse.Namespace, p: _Printer) -> int:
    import io

    from .code import CheckOptions, check_for_cli
    from .code.answer import remember

    buffer = io.StringIO()
    options = CheckOptions(
        path=args.path,
        include=args.include,
        exclude=args.exclude,
        hidden=args.hidden,
        no_ignore=args.no_ignore,
        fail_on=args.fail_on,
        within_days=args.within_days,
        format=args.format,
    )
    code: int = await check_for_cli(state, options, buffer)
    text = buffer.getvalue()
    p.out.write(text)
    if code in (EXIT_OK, EXIT_FINDINGS):
        remember(state, vars(args), text, code)
    return code


async def _cmd_doctor(state: AppState, args: argparse.Namespace, p: _Printer) -> int:
    from .doctor import doctor

    report = await doctor(state, args.path, live=not args.offline)

    def render(r: DoctorReport) -> None:
        for section in r.sections:
            p.line(f"{section.title}:")
            for item in section.lines:
                p.line(f"  {item}")
        p.line(f"status: {r.status}")

    p.result(report, render)
    return EXIT_OK if report.status != "error" else EXIT_FINDINGS


# ---------------------------------------------------------------------------- parser


class _VersionAction(argparse.Action):
    # The version is looked up only when asked: importlib.metadata costs ~20 ms on every other run.
    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        parser.exit(message=f"{package_version()}\n")


def _walk_flags(c: argparse.ArgumentParser) -> None:
    # ripgrep's flags, same meaning: the walk follows rg's ignore rules.
    c.add_argument("--hidden", action="store_true", help="also scan hidden files and folders (never .git)")
    c.add_argument("--no-ignore", action="store_true", help="do not apply .gitignore, .ignore, .git/info/exclude")


def _doctor_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("--path", default=None, help="folder whose model ids to check (default: current folder)")
    c.add_argument("--offline", action="store_true", help="do not call the API even if a key is set")


def _diagnose_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("text", nargs="?", default=None, help="the error text, or - to read stdin (default)")
    c.add_argument("--model", default=None, help="the model id, if not in the text")
    c.add_argument("--endpoint", default=None, help="the endpoint called, if known")
    c.add_argument("--offline", action="store_true", help="catalog only; do not use the live key")


def _models_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("--endpoint", default=None, help="only models that serve this endpoint")
    c.add_argument("--refresh", action="store_true", help="bypass the cache")
    c.add_argument("--provider", default="auto", choices=["auto", "openai", "azure", "compatible", "catalog"])


def _access_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("model")
    c.add_argument("--endpoint", default=None)
    c.add_argument("--probe", action="store_true", help="send one minimal real request (may cost a fraction of a cent)")


def _suggest_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("model")
    c.add_argument("--endpoint", default=None, help="only suggest models that serve this endpoint")
    c.add_argument("--limit", type=int, default=5)


def _endpoint_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("model")
    c.add_argument("endpoint", help="any spelling: chat.completions, /v1/responses, client.embeddings.create …")


def _scan_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("path")
    c.add_argument("--include", action="append", default=None, help="glob to include (repeatable)")
    c.add_argument("--exclude", action="append", default=None, help="glob to exclude (repeatable)")
    _walk_flags(c)


def _fix_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("path")
    c.add_argument("--replace", action="append", default=None, metavar="OLD=NEW", help="explicit mapping (repeatable)")
    c.add_argument("--apply", action="store_true", help="write the changes (default: print the diff only)")
    c.add_argument("--digest", default=None, help="with --apply: write only if the plan still has this digest")


def _check_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("path")
    c.add_argument("--within-days", type=int, default=90, help="deprecated ids shutting down within N days fail (90)")
    c.add_argument("--fail-on", default="unknown,retired,deprecated", help="problems that fail the check")
    c.add_argument("--format", default="text", choices=["text", "json", "sarif", "github"])
    c.add_argument("--include", action="append", default=None)
    c.add_argument("--exclude", action="append", default=None)
    _walk_flags(c)


def _serve_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    c.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    c.add_argument("--port", type=int, default=8765)
    c.add_argument("--allow-remote", action="store_true", help="allow binding a non-loopback address")
    c.add_argument("--allowed-origin", action="append", default=[], help="extra Origin to accept (repeatable)")
    c.add_argument("--root", action="append", default=[], help="allowed folder for scan/fix (repeatable)")


# Each command: name, one-line help, an example, its arguments, and what runs it (None: serve).
_COMMANDS: tuple[
    tuple[str, str, str, Callable[[argparse.ArgumentParser], None], Callable[..., Awaitable[int]] | None], ...
] = (
    (
        "doctor",
        "one-shot health check: configuration, key, catalog age, shutdowns, ids in code",
        "model-access doctor --offline",
        _doctor_arguments,
        _cmd_doctor,
    ),
    (
        "diagnose",
        "explain a pasted OpenAI error: cause, evidence, fixes",
        "pbpaste | model-access diagnose -",
        _diagnose_arguments,
        _cmd_diagnose,
    ),
    (
        "models",
        "list the models your key can call (or the catalog without a key)",
        "model-access models --endpoint chat.completions",
        _models_arguments,
        _cmd_models,
    ),
    (
        "access",
        "can your key call this model? verdict with evidence",
        "model-access access gpt-4.1 --endpoint responses",
        _access_arguments,
        _cmd_access,
    ),
    (
        "suggest",
        "the right replacement for a model id (typo, retired, wrong endpoint)",
        "model-access suggest gpt-4-32k",
        _suggest_arguments,
        _cmd_suggest,
    ),
    (
        "endpoint",
        "does MODEL serve ENDPOINT? and which SDK call to use",
        "model-access endpoint gpt-5-pro /v1/chat/completions",
        _endpoint_arguments,
        _cmd_endpoint,
    ),
    ("scan", "find every OpenAI model id in a file or folder", "model-access scan .", _scan_arguments, _cmd_scan),
    (
        "fix",
        "replace problem model ids with a diff; --apply writes",
        "model-access fix src --apply",
        _fix_arguments,
        _cmd_fix,
    ),
    (
        "check",
        "CI gate: exit 1 when code uses unknown, retired or soon-shut-down ids",
        "model-access check . --format github",
        _check_arguments,
        _cmd_check,
    ),
    (
        "serve",
        "run the MCP server (stdio by default; --http for streamable HTTP on loopback)",
        "model-access serve --http --port 8765",
        _serve_arguments,
        None,
    ),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="model-access",
        description="Resolve OpenAI model_not_found errors: which models your key can call, why a call "
        "fails, the right replacement and endpoint, and every model id in your code.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text, example, arguments, run in _COMMANDS:
        c = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        c.add_argument("--json", action="store_true", help="print the structured result as JSON")
        arguments(c)
        c.set_defaults(run=run)
    return parser


def _serve(args: argparse.Namespace) -> int:
    if not args.http:
        from .mcp_server import serve_stdio

        serve_stdio(tuple(args.root))
        return EXIT_OK
    from .http import HttpOptions, serve_http

    return serve_http(
        HttpOptions(
            host=args.host,
            port=args.port,
            allow_remote=args.allow_remote,
            roots=tuple(args.root),
            allowed_origins=tuple(args.allowed_origin),
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    install_log_redaction()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    if args.command == "serve":
        return _serve(args)
    if args.command in ("scan", "check"):
        from .code.answer import stored_answer

        stored = stored_answer(vars(args), sys.stdout)
        if stored is not None:
            return stored
    from .config import load_config
    from .errors import ConfigError

    # A path named on the command line is the user's own choice: it is an allowed root for this run.
    # (The root restriction guards the MCP server, where an assistant picks the paths.)
    path = getattr(args, "path", None)
    extra_roots = (path,) if path and Path(path).expanduser().is_dir() else ()
    if path and Path(path).expanduser().is_file():
        extra_roots = (str(Path(path).expanduser().resolve().parent),)
    try:
        config = load_config(roots=extra_roots)
    except ConfigError as exc:
        print(f"model-access: {redact(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    if args.command == "scan" and not config.has_key:
        return _scan_without_loop(config, args, sys.stdout)
    return run_command(config, args.run, args, sys.stdout)


def run_command(
    config: Config,
    run: Callable[[AppState, argparse.Namespace, _Printer], Awaitable[int]],
    args: argparse.Namespace,
    out: TextIO,
) -> int:
    import anyio

    from .state import AppState

    printer = _Printer(getattr(args, "json", False), out)

    async def go() -> int:
        async with AppState(config) as state:
            return await run(state, args, printer)

    try:
        return anyio.run(go)
    except (ModelAccessError, OSError) as exc:  # OSError: a full disk, a vanished file …
        return _print_error(printer, out, exc)
    except KeyboardInterrupt:
        return 130


def _print_error(printer: _Printer, out: TextIO, exc: Exception) -> int:
    message = redact(str(exc))
    if printer.as_json:
        out.write(json.dumps({"error": message, "type": type(exc).__name__}) + "\n")
    print(f"model-access: {message}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
