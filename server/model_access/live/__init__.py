"""The live layer: the caller's real account, through the real `openai` SDK (never hand-written HTTP).

`models.list()` (cached with a TTL), `models.retrieve()`, an opt-in minimal probe request, and
the admin API's project model permissions. Timeouts, bounded concurrency, retries only on
429/5xx (honouring Retry-After), and every failure turned into `LookupFailed` with a message
that names the cause. The `openai` SDK is imported here, on first use, never at start-up.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from ..config import Config
from ..console import GENERAL, limits_url
from ..endpoints import ENDPOINTS, parse_endpoint, recommended_endpoint
from ..errors import LookupFailed, NotAvailable, check_model_id
from ..redact import clip, redact
from ..results import AccessCheck, AccessibleModels, ModelEntry, ProjectPermissions

if TYPE_CHECKING:
    from ..catalog import Catalog

T = TypeVar("T")
MAX_RETRY_WAIT = 5.0
NEGATIVE_TTL = 5.0  # seconds a failed GET /models is remembered
OFFLINE_WAIT = 0.1  # the longest an offline tool waits for the live list before answering without it


@dataclass
class _Listing:
    models: list[Any]  # openai.types.Model
    fetched_at: str
    stamp: float


@dataclass
class _Failure:
    error: LookupFailed
    until: float  # time.monotonic() after which the failure is forgotten


@dataclass
class _Flight:
    """One GET /models in flight, shared by every caller that arrives while it runs."""

    done: anyio.Event
    listing: _Listing | None = None
    error: LookupFailed | None = None
    task: Any = None  # the asyncio task, kept referenced until it finishes


@dataclass
class ApiFailure:
    """What went wrong with one live call, for evidence and verdicts."""

    status: int | None
    code: str | None
    message: str


class LiveService:
    def __init__(self, config: Config, catalog: Callable[[], Catalog]) -> None:
        self.config = config
        self._catalog = catalog
        self._client: Any = None
        self._admin: Any = None
        self._listing: _Listing | None = None
        self._list_flight: _Flight | None = None
        self._list_failure: _Failure | None = None
        self._limit = anyio.Semaphore(max(1, config.concurrency))

    # ------------------------------------------------------------------ clients

    def _context(self) -> dict[str, str | None]:
        c = self.config
        return {
            "provider": c.provider,
            "base_url": c.shown_base_url,
            "organization": c.organization,
            "project": c.project,
        }

    def client(self) -> Any:
        if self._client is None:
            config = self.config
            if not config.has_key:
                raise NotAvailable(
                    "No API key is configured: set OPENAI_API_KEY (or AZURE_OPENAI_ENDPOINT and "
                    "AZURE_OPENAI_API_KEY) in the server's environment for live answers."
                )
            import openai

            client: Any
            if config.provider == "azure":
                key = config.azure_api_key or config.api_key
                assert key is not None
                client = openai.AsyncAzureOpenAI(
                    azure_endpoint=config.azure_endpoint or "",
                    api_key=key.reveal(),
                    api_version=config.api_version or "2024-10-21",
                    timeout=config.timeout,
                    max_retries=0,
                )
            else:
                assert config.api_key is not None
                client = openai.AsyncOpenAI(
                    api_key=config.api_key.reveal(),
                    base_url=config.effective_base_url,
                    timeout=config.timeout,
                    max_retries=0,
                )
            # Set explicitly: the SDK would otherwise read these from the environment itself.
            client.organization = config.organization
            client.project = config.project
            self._client = client
        return self._client

    def admin_client(self) -> Any:
        if self._admin is None:
            config = self.config
            if config.admin_key is None:
                raise NotAvailable(
                    "Reading or changing project model permissions needs an admin key: set OPENAI_ADMIN_KEY "
                    "(Settings → Organization → Admin keys) in the server's environment. Without it, open the "
                    "project's Limits page in the console."
                )
            import openai

            client = openai.AsyncOpenAI(
                admin_api_key=config.admin_key.reveal(),
                base_url=config.base_url or "https://api.openai.com/v1",
                timeout=config.timeout,
                max_retries=0,
            )
            client.organization = config.organization
            client.project = None
            self._admin = client
        return self._admin

    async def aclose(self) -> None:
        flight = self._list_flight
        if flight is not None and flight.task is not None:
            flight.task.cancel()
        for client in (self._client, self._admin):
            if client is not None:
                with contextlib.suppress(Exception):  # closing must never fail a request
                    await client.close()
        self._client = self._admin = None

    # ------------------------------------------------------------------ calls

    async def call(self, what: str, fn: Callable[[], Awaitable[T]], *, retry: bool = True) -> T:
        """Run one SDK call with bounded concurrency and retries on 429/5xx; raise LookupFailed.

        `retry=False` for a request that must be sent at most once (the paid probe): a 5xx after
        the request reached the model may still have been billed."""
        import openai

        attempts = 1 + max(0, self.config.max_retries) if retry else 1
        for attempt in range(attempts):
            try:
                async with self._limit:
                    return await fn()
            except (openai.RateLimitError, openai.InternalServerError) as exc:
                code = _code(exc)
                if attempt + 1 >= attempts or code == "insufficient_quota":
                    raise LookupFailed(describe_failure(what, exc, self.config), exc.status_code) from None
                await anyio.sleep(_retry_after(exc, attempt))
            except openai.APIStatusError as exc:
                if exc.status_code in (502, 503, 504) and attempt + 1 < attempts:
                    await anyio.sleep(_retry_after(exc, attempt))
                    continue
                raise LookupFailed(describe_failure(what, exc, self.config), exc.status_code) from None
            except Exception as exc:  # timeouts, refused connections, malformed bodies: all typed
                raise LookupFailed(describe_failure(what, exc, self.config)) from None
        raise LookupFailed(f"{what} failed")  # pragma: no cover - the loop always returns or raises

    # ------------------------------------------------------------------ models

    async def _list(self, refresh: bool) -> _Listing:
        """The key's model list: cached for the TTL, a failure remembered for a few seconds, and one
        request in flight at a time that every concurrent caller shares (no lock held while waiting)."""
        listing = self._listing
        if listing is not None and not refresh and self._fresh(listing):
            return listing
        if not refresh:  # an explicit refresh asks again (joining any request already in flight)
            self._raise_remembered_failure()
        self.client()  # NotAvailable (no key) is raised here, not inside the shared request
        flight = self._start_listing()
        await flight.done.wait()
        if flight.error is not None:
            raise LookupFailed(str(flight.error), flight.error.status)
        assert flight.listing is not None
        return flight.listing

    def _fresh(self, listing: _Listing) -> bool:
        return time.monotonic() - listing.stamp < self.config.cache_ttl

    def _raise_remembered_failure(self) -> None:
        failure = self._list_failure
        if failure is not None and time.monotonic() < failure.until:
            raise LookupFailed(str(failure.error), failure.error.status)

    def _start_listing(self) -> _Flight:
        """Join the GET /models in flight, or start one. It runs as its own task, so a caller that
        gives up (an offline tool's short wait, a cancelled request) does not cancel it for others."""
        flight = self._list_flight
        if flight is None:
            import asyncio

            flight = _Flight(anyio.Event())
            self._list_flight = flight
            flight.task = asyncio.get_running_loop().create_task(self._fetch_listing(flight))
        return flight

    async def _fetch_listing(self, flight: _Flight) -> None:
        client = self.client()

        async def fetch() -> list[Any]:
            page = await client.models.list()
            return list(page.data)

        try:
            models = await self.call("GET /models", fetch)
            self._listing = flight.listing = _Listing(models, _now(), time.monotonic())
            self._list_failure = None
        except LookupFailed as exc:
            flight.error = exc
            # Remember the failure briefly (never longer than a success is cached): N callers
            # during an outage fail fast instead of queueing N timeouts.
            remember = min(NEGATIVE_TTL, self.config.cache_ttl)
            if remember > 0:
                self._list_failure = _Failure(exc, time.monotonic() + remember)
        except BaseException:  # cancelled (server shutting down): waiters get a typed answer
            flight.error = LookupFailed("GET /models was interrupted; try again")
            raise
        finally:
            if self._list_flight is flight:
                self._list_flight = None
            flight.done.set()

    async def cached_ids(self, wait: float = OFFLINE_WAIT) -> tuple[set[str] | None, str | None]:
        """For tools that answer offline: the key's listed ids if already at hand (or arriving within
        `wait` seconds), else None and the reason. Never waits longer on the network."""
        if not self.config.has_key:
            return None, None
        listing = self._listing
        if listing is not None and self._fresh(listing):
            return {str(m.id) for m in listing.models}, None
        failure = self._list_failure
        if failure is not None and time.monotonic() < failure.until:
            return None, str(failure.error)
        try:
            self.client()
        except NotAvailable as exc:
            return None, str(exc)
        waiting_already = self._list_flight is not None  # the upstream is already being slow
        flight = self._start_listing()  # refresh in the background; a stale list still serves now
        if listing is not None:
            return {str(m.id) for m in listing.models}, None
        with anyio.move_on_after(0 if waiting_already else wait):
            await flight.done.wait()
        if flight.listing is not None:
            return {str(m.id) for m in flight.listing.models}, None
        if flight.error is not None:
            return None, str(flight.error)
        return None, "GET /models has not answered yet (still trying in the background)"

    async def list_models(
        self, endpoint: str | None, refresh: bool = False, provider: str = "auto"
    ) -> AccessibleModels:
        config = self.config
        if provider not in ("auto", config.provider):
            raise NotAvailable(
                f"provider={provider!r} was asked for, but the configured provider is {config.provider!r}."
            )
        listing = await self._list(refresh)
        catalog = self._catalog()
        entries: list[ModelEntry] = []
        unknown = 0
        for model in listing.models:
            model_id = str(model.id)
            resolution = catalog.resolve(model_id)
            record = resolution.record if resolution.match in ("exact", "fine_tune") else None
            live_date = getattr(model, "shutdown_date", None)
            shutdown = (
                str(live_date)
                if live_date
                else (record.shutdown_date.isoformat() if record and record.shutdown_date else None)
            )
            lifecycle: Any = None
            if shutdown:
                lifecycle = "shutdown" if shutdown <= catalog.today.isoformat() else "deprecated"
            elif record is not None:
                lifecycle = catalog.lifecycle(record)
            elif config.uses_openai_catalog:
                lifecycle = "active"
            served = list(record.endpoints) if record else []
            if endpoint is not None and record is not None and endpoint not in served:
                continue
            if endpoint is not None and record is None:
                continue
            unknown += record is None
            entries.append(
                ModelEntry(
                    id=model_id,
                    owned_by=getattr(model, "owned_by", None),
                    lifecycle=lifecycle,
                    shutdown_date=shutdown,
                    endpoints=served,
                    in_catalog=record is not None,
                )
            )
        warnings: list[str] = []
        if unknown:
            warnings.append(
                f"{unknown} listed ids are not in the catalog (fine-tunes, newer models, or another provider's "
                "ids): their endpoints are unknown."
            )
        if endpoint is not None:
            warnings.append(f"Filtered to models the catalog knows to serve {endpoint}.")
        if not config.uses_openai_catalog:
            warnings.append(
                f"Base URL {config.effective_base_url} is not api.openai.com: ids are that provider's, and the "
                "OpenAI catalog is used only for ids it knows."
            )
        ctx = self._context()
        return AccessibleModels(
            source="live",
            provider=str(ctx["provider"]),
            base_url=ctx["base_url"],
            organization=ctx["organization"],
            project=ctx["project"],
            fetched_at=listing.fetched_at,
            models=entries,
            count=len(entries),
            warnings=warnings,
        )

    async def listed_ids(self, wait: float | None = None) -> set[str] | None:
        """The key's listed ids. With `wait`, never waits longer than that on the network (offline
        tools): None when the list is not at hand."""
        if not self.config.has_key:
            return None
        if wait is not None:
            ids, _ = await self.cached_ids(wait)
            return ids
        listing = await self._list(False)
        return {str(m.id) for m in listing.models}

    # ------------------------------------------------------------------ permissions

    async def get_permissions(self, project_id: str | None) -> ProjectPermissions:
        pid = (project_id or self.config.project or "").strip()
        if not pid:
            raise NotAvailable(
                "No project id: pass project_id (proj_…) or set OPENAI_PROJECT_ID. It is shown in the error "
                "text ('Project `proj_…` does not have access…') and in the console's project settings."
            )
        if not pid.startswith("proj_") or len(pid) > 100:
            # clip() redacts before truncating: pid[:40] could cut a pasted key past recognition.
            raise LookupFailed(f"{clip(pid, 40)!r} is not a project id: they look like proj_abc123…")
        admin = self.admin_client()

        async def fetch() -> Any:
            return await admin.admin.organization.projects.model_permissions.retrieve(pid)

        try:
            policy = await self.call(f"GET /organization/projects/{pid}/model_permissions", fetch)
        except LookupFailed as exc:
            if exc.status == 404:
                return ProjectPermissions(project_id=pid, mode="none", model_ids=[], source="admin API (no policy)")
            raise
        ids = list(policy.api_model_ids)
        if policy.mode == "deny_list" and not ids:
            # An empty deny list restricts nothing: the API's way of saying "no policy".
            return ProjectPermissions(project_id=pid, mode="none", model_ids=[], source="admin API (empty deny list)")
        return ProjectPermissions(project_id=pid, mode=policy.mode, model_ids=ids, source="admin API")

    # ------------------------------------------------------------------ access check

    async def check_access(self, model: str, endpoint: str | None, probe: bool = False) -> AccessCheck:
        model = check_model_id(model)
        canonical = parse_endpoint(endpoint) if endpoint else None
        catalog = self._catalog()
        resolution = catalog.resolve(model)
        record = resolution.record
        target = record.id if record is not None and resolution.match != "fine_tune" else resolution.stripped
        evidence: list[str] = []
        if record is not None and target != model:
            evidence.append(f"{model!r} resolves to the catalog id {target!r} ({resolution.match} match).")
        config = self.config
        failures: list[str] = []

        retrieved: Any = None
        if config.has_key:
            client = self.client()
            try:

                async def get() -> Any:
                    return await client.models.retrieve(target)

                retrieved = await self.call(f"GET /models/{target}", get)
                date = getattr(retrieved, "shutdown_date", None)
                evidence.append(
                    f"models.retrieve({target!r}) found it (owned_by {getattr(retrieved, 'owned_by', '?')}"
                    + (f", shutdown_date {date}" if date else "")
                    + ")."
                )
            except LookupFailed as exc:
                text = str(exc)
                if exc.status == 404:
                    evidence.append(f"models.retrieve({target!r}) answered 404: not visible to this key.")
                else:
                    failures.append(text)
                    evidence.append(f"models.retrieve failed: {text}")

        listed: bool | None = None
        if config.has_key:
            try:
                ids = await self.listed_ids()
                listed = ids is not None and target in ids
                evidence.append(
                    f"{target!r} is {'in' if listed else 'not in'} this key's model list ({len(ids or ())} ids)."
                )
            except LookupFailed as exc:
                failures.append(str(exc))
                evidence.append(f"Listing models failed: {exc}")
        else:
            evidence.append("No API key is configured: only the catalog was consulted.")

        lifecycle = catalog.lifecycle(record) if record is not None else None
        live_shutdown = getattr(retrieved, "shutdown_date", None) if retrieved is not None else None
        if record is not None:
            evidence.append(
                f"Catalog (as of {catalog.as_of}): {record.id} is {lifecycle}"
                + (f", shutdown {record.shutdown_date}" if record.shutdown_date else "")
                + f"; serves {', '.join(record.endpoints)}."
            )
        elif config.uses_openai_catalog:
            evidence.append(f"{target!r} is not in the catalog of OpenAI model ids.")

        permissions: ProjectPermissions | None = None
        if config.admin_key is not None and config.project:
            try:
                permissions = await self.get_permissions(None)
                evidence.append(
                    f"Project {permissions.project_id} policy: {permissions.mode}"
                    + (f" [{', '.join(permissions.model_ids)}]" if permissions.model_ids else "")
                    + "."
                )
            except (LookupFailed, NotAvailable) as exc:
                evidence.append(f"Project permissions could not be read: {exc}")
        denied = permissions is not None and _excluded(permissions, target)

        probe_result: ApiFailure | bool | None = None
        if probe and config.has_key:
            probe_result = await self._probe(target, canonical, record, evidence)

        verdict = self._verdict(
            record=record,
            lifecycle=lifecycle,
            live_shutdown=str(live_shutdown) if live_shutdown else None,
            today=catalog.today.isoformat(),
            retrieved=retrieved is not None,
            listed=listed,
            denied=denied,
            endpoint=canonical,
            failures=failures,
            probe=probe_result,
            has_key=config.has_key,
        )
        ctx = self._context()
        return AccessCheck(
            model=model,
            resolved_model=target,
            endpoint=canonical,
            verdict=verdict,
            evidence=[redact(e) for e in evidence],
            project_permissions=permissions,
            next_steps=_next_steps(verdict, target, record, canonical, permissions, config),
            provider=str(ctx["provider"]),
            base_url=ctx["base_url"],
            organization=ctx["organization"],
            project=ctx["project"],
            checked_at=_now(),
        )

    @staticmethod
    def _verdict(
        *,
        record: Any,
        lifecycle: str | None,
        live_shutdown: str | None,
        today: str,
        retrieved: bool,
        listed: bool | None,
        denied: bool,
        endpoint: str | None,
        failures: list[str],
        probe: ApiFailure | bool | None,
        has_key: bool,
    ) -> Any:
        if lifecycle == "shutdown" or (live_shutdown is not None and live_shutdown <= today):
            return "retired"
        if isinstance(probe, ApiFailure):
            text = probe.message.lower()
            if "does not have access to model" in text:
                return "project_denied"
            if (
                "not a chat model" in text
                or "only supported in v1/responses" in text
                or "not supported with the responses api" in text
            ):
                return "wrong_endpoint"
        if denied:
            return "project_denied"
        if endpoint is not None and record is not None and endpoint not in record.endpoints:
            return "wrong_endpoint"
        if probe is True or retrieved or listed:
            return "accessible"
        if not has_key:
            # The catalog knows every OpenAI id: an id it lacks is unknown; a known one is unverifiable.
            return "unverifiable" if record is not None else "unknown_model"
        if failures and listed is None:
            return "unverifiable"
        if isinstance(probe, ApiFailure) and probe.status == 404 and record is None:
            return "unknown_model"
        if record is None:
            return "unknown_model"
        return "not_listed"

    async def _probe(
        self, model: str, endpoint: str | None, record: Any, evidence: list[str]
    ) -> ApiFailure | bool | None:
        served = list(record.endpoints) if record is not None else ["chat.completions"]
        target = endpoint or recommended_endpoint(served) or "chat.completions"
        client = self.client()
        calls: dict[str, Callable[[], Awaitable[Any]]] = {
            "chat.completions": lambda: client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": "ping"}], max_completion_tokens=16
            ),
            "responses": lambda: client.responses.create(model=model, input="ping", max_output_tokens=16),
            "embeddings": lambda: client.embeddings.create(model=model, input="ping"),
            "moderations": lambda: client.moderations.create(model=model, input="ping"),
        }
        if target not in calls:
            evidence.append(f"No probe sent: {target} has no request cheap enough to send as a check.")
            return None
        try:
            # Never retried: the probe may be billed, and a 5xx does not prove it was not.
            await self.call(f"probe {ENDPOINTS[target].http}", calls[target], retry=False)
        except LookupFailed as exc:
            evidence.append(f"Probe on {target} failed: {exc}")
            return ApiFailure(exc.status, None, str(exc))
        evidence.append(f"Probe on {target} succeeded: one minimal request was accepted.")
        return True


# ---------------------------------------------------------------------- helpers


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _excluded(permissions: ProjectPermissions, model: str) -> bool:
    if permissions.mode == "allow_list":
        return model not in permissions.model_ids
    if permissions.mode == "deny_list":
        return model in permissions.model_ids
    return False


def _code(exc: Any) -> str | None:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        code = body.get("code")
        return str(code) if code else None
    return None


def _retry_after(exc: Any, attempt: int) -> float:
    """Seconds to wait before retrying: the server's Retry-After(-ms) if given, else backoff; capped."""
    response = getattr(exc, "response", None)
    headers: Any = getattr(response, "headers", None) or {}
    wait = 0.25 * (2**attempt)
    try:
        if headers.get("retry-after-ms"):
            wait = float(headers["retry-after-ms"]) / 1000
        elif headers.get("retry-after"):
            wait = float(headers["retry-after"])
    except ValueError:  # an HTTP date or garbage: fall back to backoff
        pass
    return float(min(MAX_RETRY_WAIT, max(0.0, wait)))


def describe_failure(what: str, exc: BaseException, config: Config) -> str:
    """One line naming the cause of a failed live call (redacted)."""
    import openai

    where = config.shown_base_url or "the API"
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        body = exc.body if isinstance(exc.body, dict) else {}
        message = str(body.get("message") or exc.message or "")[:300]
        code = body.get("code")
        cause = {
            401: "the API key was rejected (check OPENAI_API_KEY, or OPENAI_ADMIN_KEY for admin calls)",
            403: "permission denied for this key or project",
            404: "not found",
            429: "insufficient quota" if code == "insufficient_quota" else "rate limited",
        }.get(status, "server error" if status >= 500 else "request rejected")
        detail = (
            f": {message}"
            if message and not message.lstrip().startswith("<")
            else (" (HTML error page)" if message else "")
        )
        return redact(f"{what} failed — {cause} (HTTP {status}{f', code {code}' if code else ''}){detail}")
    if isinstance(exc, openai.APITimeoutError):
        return f"{what} timed out after {config.timeout:g} s talking to {where}"
    if isinstance(exc, openai.APIConnectionError):
        root = exc.__cause__ or exc
        return redact(f"{what} failed — could not connect to {where} ({type(root).__name__}: {clip(str(root), 200)})")
    if isinstance(exc, openai.APIResponseValidationError) or "json" in type(exc).__name__.lower():
        return f"{what} failed — {where} returned a malformed (non-JSON or unexpected) body"
    return redact(f"{what} failed — {type(exc).__name__}: {clip(str(exc), 200)}")


def _next_steps(
    verdict: str,
    model: str,
    record: Any,
    endpoint: str | None,
    permissions: ProjectPermissions | None,
    config: Config,
) -> list[str]:
    project = permissions.project_id if permissions else config.project
    limits = limits_url(project)
    if verdict == "accessible":
        return [f"{model} is callable with this key; if a call still fails, run diagnose_error on its error text."]
    if verdict == "retired":
        return [f"{model} is shut down: call suggest_replacement, then fix_model_references to change the code."]
    if verdict == "project_denied":
        steps = [f"Project {project or '(unknown)'} excludes {model}: add it in the console ({limits}, Model usage)."]
        if config.admin_key is not None:
            steps.append(f"Or call update_project_model_permissions(project_id={project!r}, allow=[{model!r}]).")
        steps.append("Or use a model the project allows (list_accessible_models).")
        return steps
    if verdict == "wrong_endpoint":
        served = ", ".join(record.endpoints) if record is not None else "another endpoint"
        return [
            f"{model} does not serve {endpoint}; it serves {served}. Call check_endpoint_for_model for the SDK call."
        ]
    if verdict == "unknown_model":
        return [f"{model!r} is not a model id this provider knows: call suggest_replacement for the intended id."]
    if verdict == "not_listed":
        return [
            f"{model} exists but this key/project does not list it: check the project's model allow/deny list "
            f"({limits}), organization verification ({GENERAL}), "
            "or whether the model is still rolling out to your organization.",
            "Call check_model_access with probe=true to send one minimal request (may cost a fraction of a cent).",
        ]
    return [
        "The key could not be checked: set OPENAI_API_KEY (and OPENAI_PROJECT_ID) in the server's environment, "
        "or fix the lookup failure shown in the evidence, then call check_model_access again."
    ]
