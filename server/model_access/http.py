"""`model-access serve --http`: streamable HTTP on loopback, with DNS-rebinding protection.

Binds 127.0.0.1 by default and refuses a non-loopback address unless `--allow-remote` is
given; validates Host and Origin on every request (the MCP specification's requirement for
local HTTP servers) and limits request bodies.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from typing import TYPE_CHECKING

from .config import ConfigError, load_config
from .redact import install_log_redaction, redact

if TYPE_CHECKING:
    from mcp.server.transport_security import TransportSecuritySettings

MAX_BODY = 1024 * 1024  # 1 MiB: an error text, a path, a mapping — nothing legitimate is larger


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


def serve_http(args: argparse.Namespace) -> int:
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
        config = load_config(roots=tuple(args.root))
    except ConfigError as exc:
        print(f"model-access: {redact(str(exc))}", file=sys.stderr)
        return 2
    from .mcp_server import create_server

    app = create_server(config)
    print(f"model-access: serving MCP on http://{args.host}:{args.port}/mcp", file=sys.stderr)
    app.run(
        "streamable-http",
        host=args.host,
        port=args.port,
        max_request_body_size=MAX_BODY,
        transport_security=security_settings(args.host, args.port, args.allowed_origin),
    )
    return 0
