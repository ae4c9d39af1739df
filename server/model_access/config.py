"""Typed configuration, read once from the environment by the entry points.

Uses the SDK's own variable names. Keys live only in `Secret` wrappers whose repr never
shows them; services receive this object and never read the environment themselves.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlparse

from .errors import ConfigError
from .redact import clip, public_url, register_secret  # clip: redact before truncating a quoted value

if TYPE_CHECKING:
    from .providers import Profile

Provider = Literal["openai", "azure", "compatible", "none"]

OPENAI_HOST = "api.openai.com"
OPENAI_BASE_URL = f"https://{OPENAI_HOST}/v1"


class Secret:
    """A credential. str() and repr() never reveal it; use .reveal() at the SDK boundary only."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register_secret(value)  # its literal value is redacted from every output from now on

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('[REDACTED]')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class Config:
    api_key: Secret | None = None
    base_url: str | None = None
    organization: str | None = None
    project: str | None = None
    admin_key: Secret | None = None
    azure_endpoint: str | None = None
    azure_api_key: Secret | None = None
    api_version: str | None = None
    timeout: float = 10.0
    max_retries: int = 2
    cache_ttl: float = 300.0
    concurrency: int = 32
    roots: tuple[Path, ...] = field(default_factory=tuple)
    today: date | None = None
    # MODEL_ACCESS_PROVIDER: say which provider a base URL is when its host does not tell
    # (a corporate gateway in front of api.openai.com, or the test emulator).
    provider_override: str | None = None  # a providers.PROFILES name
    # MODEL_ACCESS_ADMIN_BASE_URL: where the admin key may go instead of api.openai.com. Only an
    # explicit setting moves it: OPENAI_BASE_URL never does, so an admin key is never sent to
    # OpenRouter, a proxy or a local server by accident.
    admin_base_url: str | None = None
    # serve --http: seconds for a request head / body to arrive, and the connection cap.
    http_header_timeout: float = 10.0
    http_body_timeout: float = 30.0
    http_max_connections: int = 100
    work_budget: float = 30.0  # seconds of CPU work one step of a request may take

    @property
    def provider(self) -> Provider:
        if self.azure_endpoint and (self.azure_api_key or self.api_key):
            return "azure"
        if self.api_key:
            if self.provider_override:
                return "openai" if self.provider_override == "openai" else "compatible"
            if self.base_url and not _is_openai_host(self.base_url):
                return "compatible"
            return "openai"
        return "none"

    @property
    def profile(self) -> Profile:
        """The provider profile in effect (how ids look there, what a listing means, where to fix)."""
        from .providers import NONE, detect

        if self.provider == "none":
            return NONE
        return detect(self.base_url, self.provider == "azure", self.provider_override)

    @property
    def admin_url(self) -> str:
        """The only host the admin key is ever sent to."""
        return self.admin_base_url or OPENAI_BASE_URL

    @property
    def admin_unavailable(self) -> str | None:
        """Why the admin tools cannot be used, or None when they can."""
        if self.admin_key is None:
            return (
                "Reading or changing project model permissions needs an admin key: set OPENAI_ADMIN_KEY "
                "(Settings → Organization → Admin keys) in the server's environment. Without it, open the "
                "project's Limits page in the console."
            )
        if self.provider in ("azure", "compatible"):
            where = self.effective_base_url or "another provider"
            return (
                f"Project model permissions are an OpenAI platform feature, and the configured provider is "
                f"{where}, not api.openai.com: the admin key is only ever sent to OpenAI's API, so the admin "
                "tools are off. Azure deployments and other providers' model access are managed in their own consoles."
            )
        return None

    @property
    def has_key(self) -> bool:
        return self.provider != "none"

    @property
    def effective_base_url(self) -> str | None:
        if self.provider == "azure":
            return self.azure_endpoint
        if self.provider == "none":
            return self.base_url or None
        return self.base_url or OPENAI_BASE_URL

    @property
    def shown_base_url(self) -> str | None:
        """The base URL fit for output: credentials (`https://user:pass@host`) and secret query
        parameters removed."""
        return public_url(self.effective_base_url)

    def describe(self) -> dict[str, str | None]:
        """What is in effect, for results and `doctor` — never a key, never URL credentials."""
        return {
            "provider": self.provider,
            "base_url": self.shown_base_url,
            "organization": self.organization,
            "project": self.project,
            "admin_key": "set" if self.admin_key else "not set",
        }


def _is_openai_host(url: str) -> bool:
    return (urlparse(url).hostname or "").lower() == OPENAI_HOST


def _float(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {clip(raw, 40)!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, got {value:g}")
    return value


def _value(env: Mapping[str, str], name: str) -> str | None:
    """A variable's value; empty, or a placeholder the MCP client did not expand (${…}), is unset."""
    value = (env.get(name) or "").strip()
    if not value or (value.startswith("${") and value.endswith("}")):
        return None
    return value


def _secret(env: Mapping[str, str], name: str) -> Secret | None:
    value = _value(env, name)
    return Secret(value) if value else None


def _url(env: Mapping[str, str], name: str) -> str | None:
    value = _value(env, name)
    if value is None:
        return None
    parsed = urlparse(value)
    # Credentials in the URL are secrets like a key: their literal values are redacted everywhere.
    register_secret(parsed.password)
    if parsed.username and parsed.password is None:
        register_secret(parsed.username)  # https://token@host
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"{name} must be an http(s) URL such as https://api.openai.com/v1, got {clip(public_url(value) or '', 80)!r}"
        )
    return value.rstrip("/")


def parse_roots(raw: str | None, extra: tuple[str, ...] = ()) -> tuple[Path, ...]:
    items = [p for p in (raw or "").split(os.pathsep) if p.strip()] + list(extra)
    roots: list[Path] = []
    for item in items:
        path = Path(item).expanduser()
        try:
            resolved = path.resolve(strict=True)
        except OSError:
            raise ConfigError(f"allowed root {item!r} does not exist (MODEL_ACCESS_ROOTS or --root)") from None
        if not resolved.is_dir():
            raise ConfigError(f"allowed root {item!r} is not a folder (MODEL_ACCESS_ROOTS or --root)")
        roots.append(resolved)
    if not roots:
        roots.append(Path.home().resolve())
    return tuple(dict.fromkeys(roots))


def load_config(env: Mapping[str, str] | None = None, roots: tuple[str, ...] = ()) -> Config:
    env = os.environ if env is None else env
    today = None
    raw_today = (env.get("MODEL_ACCESS_TODAY") or "").strip()
    if raw_today:
        try:
            today = date.fromisoformat(raw_today)
        except ValueError:
            raise ConfigError(
                f"MODEL_ACCESS_TODAY must be a date like 2026-11-23, got {clip(raw_today, 20)!r}"
            ) from None
    return Config(
        api_key=_secret(env, "OPENAI_API_KEY"),
        base_url=_url(env, "OPENAI_BASE_URL"),
        organization=_value(env, "OPENAI_ORG_ID") or _value(env, "OPENAI_ORGANIZATION"),
        project=_value(env, "OPENAI_PROJECT_ID"),
        admin_key=_secret(env, "OPENAI_ADMIN_KEY"),
        azure_endpoint=_url(env, "AZURE_OPENAI_ENDPOINT"),
        azure_api_key=_secret(env, "AZURE_OPENAI_API_KEY"),
        api_version=_value(env, "OPENAI_API_VERSION"),
        timeout=_float(env, "MODEL_ACCESS_TIMEOUT", 10.0, 0.1, 300.0),
        cache_ttl=_float(env, "MODEL_ACCESS_CACHE_TTL", 300.0, 0.0, 86400.0),
        max_retries=int(_float(env, "MODEL_ACCESS_MAX_RETRIES", 2, 0, 10)),
        concurrency=int(_float(env, "MODEL_ACCESS_CONCURRENCY", 32, 1, 64)),
        roots=parse_roots(env.get("MODEL_ACCESS_ROOTS"), roots),
        today=today,
        provider_override=_provider(env),
        admin_base_url=_url(env, "MODEL_ACCESS_ADMIN_BASE_URL"),
        http_header_timeout=_float(env, "MODEL_ACCESS_HTTP_HEADER_TIMEOUT", 10.0, 0.1, 600.0),
        http_body_timeout=_float(env, "MODEL_ACCESS_HTTP_BODY_TIMEOUT", 30.0, 0.1, 3600.0),
        http_max_connections=int(_float(env, "MODEL_ACCESS_HTTP_MAX_CONNECTIONS", 100, 1, 10000)),
        work_budget=_float(env, "MODEL_ACCESS_WORK_BUDGET", 30.0, 0.5, 3600.0),
    )


def _provider(env: Mapping[str, str]) -> str | None:
    from .providers import PROFILES

    value = (_value(env, "MODEL_ACCESS_PROVIDER") or "").lower()
    if not value or value == "auto":
        return None
    names = [n for n in PROFILES if n != "azure"]
    if value not in names:
        raise ConfigError(
            f"MODEL_ACCESS_PROVIDER must be auto or one of {', '.join(names)} (Azure is chosen by "
            f"AZURE_OPENAI_ENDPOINT), got {clip(value, 20)!r}"
        )
    return value
