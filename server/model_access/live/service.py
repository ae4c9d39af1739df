"""The live service: one configured provider and key, asked through the real `openai` SDK.

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
from ..endpoints import ENDPOINTS, parse_endpoint, recommended_endpoint
from ..errors import LookupFailed, NotAvailable, check_model_id
from ..judgment import Outcome, Policy, PolicyState, Retrieval
from ..providers import underlying
from ..redact import clip, redact
from ..results import AccessCheck, AccessibleModels, ModelEntry, ProjectPermissions
from ..vocab import Lifecycle
from .failures import api_error_text, describe_failure, error_code, retry_after

if TYPE_CHECKING:
    from openai import AsyncOpenAI
    from openai.types import Model

    from ..catalog import Catalog, ModelRecord
    from ..providers import Profile

T = TypeVar("T")
NEGATIVE_TTL = 5.0  # seconds a failed GET /models is remembered
OFFLINE_WAIT = 0.1  # the longest an offline tool waits for the live list before answering without it


@dataclass
class _Listing:
    models: list[Model]
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


class LiveService:
    def __init__(self, config: Config, catalog: Callable[[], Catalog]) -> None:
        self.config = config
        self._catalog = catalog
        self._client: AsyncOpenAI | None = None
        self._admin: AsyncOpenAI | None = None
        self._listing: _Listing | None = None
        self._list_flight: _Flight | None = None
        self._list_failure: _Failure | None = None
        self._limit = anyio.Semaphore(max(1, config.concurrency))

    # ------------------------------------------------------------------ clients

    def _context(self) -> dict[str, str | None]:
        c = self.config
        return {
            "provider": c.profile.name,
            "base_url": c.shown_base_url,
            "organization": c.organization,
            "project": c.project,
        }

    def client(self) -> AsyncOpenAI:
        if self._client is None:
            config = self.config
            key = (config.azure_api_key or config.api_key) if config.provider == "azure" else config.api_key
            if key is None or not config.has_key:
                raise NotAvailable(
                    "No API key is configured: set OPENAI_API_KEY (or AZURE_OPENAI_ENDPOINT and "
                    "AZURE_OPENAI_API_KEY) in the server's environment for live answers."
                )
            import openai

            client: AsyncOpenAI
            if config.provider == "azure":
                client = openai.AsyncAzureOpenAI(
                    azure_endpoint=config.azure_endpoint or "",
                    api_key=key.reveal(),
                    api_version=config.api_version or "2024-10-21",
                    timeout=config.timeout,
                    max_retries=0,
                )
            else:
                client = openai.AsyncOpenAI(
                    api_key=key.reveal(),
                    base_url=config.effective_base_url,
                    timeout=config.timeout,
                    max_retries=0,
                )
            # Set explicitly: the SDK would otherwise read these from the environment itself.
            client.organization = config.organization
            client.project = config.project
            self._client = client
        return self._client

    def admin_client(self) -> AsyncOpenAI:
        if self._admin is None:
            config = self.config
            why = config.admin_unavailable
            if why is not None or config.admin_key is None:
                raise NotAvailable(why or "no admin key")
            import openai

            client = openai.AsyncOpenAI(
                admin_api_key=config.admin_key.reveal(),
                # Never OPENAI_BASE_URL: the admin key goes to OpenAI's API host (or an explicit override) only.
                base_url=config.admin_url,
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
                code = error_code(exc)
                if attempt + 1 >= attempts or code == "insufficient_quota":
                    raise LookupFailed(
                        describe_failure(what, exc, self.config), exc.status_code, api_error_text(exc)
                    ) from None
                await anyio.sleep(retry_after(exc, attempt))
            except openai.APIStatusError as exc:
                if exc.status_code in (502, 503, 504) and attempt + 1 < attempts:
                    await anyio.sleep(retry_after(exc, attempt))
                    continue
                raise LookupFailed(
                    describe_failure(what, exc, self.config), exc.status_code, api_error_text(exc)
                ) from None
            except Exception as exc:  # timeouts, refused connections, malformed bodies: all typed
                raise LookupFailed(describe_failure(what, exc, self.config)) from None
        raise LookupFailed(f"{what} failed")  # pragma: no cover - the loop always returns or raises

    # ------------------------------------------------------------------ models

    async def listing(self, refresh: bool = False) -> _Listing:
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
        if flight.listing is None:  # the flight ended without a list: its error says why
            error = flight.error or LookupFailed("GET /models ended without an answer; try again")
            raise LookupFailed(str(error), error.status)
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

        async def fetch() -> list[Model]:
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

    async def deployments(self) -> dict[str, tuple[str, str]]:
        """Azure: deployment name → (model, version), through the SDK's own request method."""
        client = self.client()

        async def fetch() -> Any:
            # The data-plane deployments list (api-version 2022-12-01); the SDK sends the key and builds the URL.
            return await client.get("/deployments", cast_to=object, options={"params": {"api-version": "2022-12-01"}})

        body = await self.call("GET /deployments", fetch)
        rows = body.get("data") if isinstance(body, dict) else None
        if not isinstance(rows, list):  # an unchecked fact is unknown, never "no deployments"
            raise LookupFailed("GET /deployments answered a body without a deployments list (data[])")
        out: dict[str, tuple[str, str]] = {}
        for row in rows:
            if isinstance(row, dict) and isinstance(row.get("id"), str):
                model = row.get("model")
                version = row.get("model_version") or row.get("version") or ""
                if isinstance(model, dict):  # newer shapes: {"model": {"name": …, "version": …}}
                    version = model.get("version") or version
                    model = model.get("name")
                out[row["id"]] = (str(model or ""), str(version or ""))
        return out

    async def list_models(
        self, endpoint: str | None, refresh: bool = False, provider: str = "auto"
    ) -> AccessibleModels:
        config = self.config
        profile = config.profile
        if provider not in ("auto", config.provider, profile.name):
            raise NotAvailable(f"provider={provider!r} was asked for, but the configured provider is {profile.name!r}.")
        catalog = self._catalog()
        if profile.name == "azure":
            fetched_at, rows = _now(), await self._deployment_rows(catalog)
        else:
            listing = await self.listing(refresh)
            fetched_at, rows = listing.fetched_at, _listing_rows(catalog, profile, listing.models)
        entries = [_entry(catalog, profile, row) for row in rows]
        entries = [e for e in entries if endpoint is None or endpoint in e.endpoints]
        ctx = self._context()
        return AccessibleModels(
            source="live",
            provider=str(ctx["provider"]),
            base_url=ctx["base_url"],
            organization=ctx["organization"],
            project=ctx["project"],
            fetched_at=fetched_at,
            models=entries,
            count=len(entries),
            warnings=_listing_warnings(config, entries, endpoint),
        )

    async def _deployment_rows(self, catalog: Catalog) -> list[_Row]:
        """Azure: one row per deployment, with the deployed model's record and Azure's retirement date."""
        rows = []
        for name, (deployed, version) in sorted((await self.deployments()).items()):
            record = catalog.get(catalog.azure_names.get(deployed, deployed))
            retires = catalog.azure_retirement(deployed, version)
            rows.append(
                _Row(name, f"{deployed} {version}".strip(), retires[0].isoformat() if retires else None, record)
            )
        return rows

    async def listed_ids(self, wait: float | None = None) -> set[str] | None:
        """The key's listed ids. With `wait`, never waits longer than that on the network (offline
        tools): None when the list is not at hand."""
        if not self.config.has_key:
            return None
        if wait is not None:
            ids, _ = await self.cached_ids(wait)
            return ids
        listing = await self.listing(False)
        return {str(m.id) for m in listing.models}

    async def retrieve(self, model_id: str) -> Retrieval:
        """models.retrieve for the id exactly as written; never raises."""
        client = self.client()

        async def get() -> Any:
            return await client.models.retrieve(model_id)

        try:
            found = await self.call(f"GET /models/{model_id}", get)
        except LookupFailed as exc:
            if exc.status == 404:
                return Retrieval("not_found", status=404)
            return Retrieval("failed", status=exc.status, detail=str(exc))
        date = getattr(found, "shutdown_date", None)
        return Retrieval("found", shutdown_date=str(date) if date else None, owned_by=getattr(found, "owned_by", None))

    # ------------------------------------------------------------------ permissions

    async def read_policy(self, project_id: str) -> Policy:
        """The project's model policy with its provenance; never raises for an API answer."""
        pid = project_id.strip()
        if not pid:
            return Policy("no_project")
        why = self.config.admin_unavailable
        if why is not None:
            state: PolicyState = "no_admin_key" if self.config.admin_key is None else "other_provider"
            return Policy(state, pid, detail=why)
        if not pid.startswith("proj_") or len(pid) > 100:
            return Policy("project_not_found", clip(pid, 40), detail="not a project id (they look like proj_…)")
        admin = self.admin_client()
        permissions = admin.admin.organization.projects.model_permissions

        async def fetch() -> Any:
            return await permissions.retrieve(pid)

        try:
            policy = await self.call(f"GET /organization/projects/{pid}/model_permissions", fetch)
        except LookupFailed as exc:
            if exc.status != 404:
                return Policy("failed", pid, detail=str(exc))
            # 404 means "no policy" only if the project itself exists in this admin key's organization.
            try:
                await self.call(
                    f"GET /organization/projects/{pid}", lambda: admin.admin.organization.projects.retrieve(pid)
                )
            except LookupFailed as again:
                if again.status == 404:
                    return Policy(
                        "project_not_found",
                        pid,
                        detail=f"the admin API does not know {pid}: a mistyped project id, or an admin key of "
                        "another organization",
                    )
                return Policy("failed", pid, detail=str(again))
            return Policy("no_policy", pid, detail="the project exists and has no model policy")
        if getattr(policy, "mode", None) not in ("allow_list", "deny_list"):
            mode = getattr(policy, "mode", None)
            return Policy("failed", pid, detail=f"the admin API answered an unknown policy mode {mode!r}")
        ids = tuple(str(m) for m in (getattr(policy, "api_model_ids", None) or ()) if m)
        if policy.mode == "deny_list" and not ids:
            # An empty deny list restricts nothing: the API's way of saying "no policy".
            return Policy("no_policy", pid, detail="empty deny list")
        return Policy("read", pid, mode=policy.mode, model_ids=ids)

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
        policy = await self.read_policy(pid)
        if policy.state in ("no_admin_key", "other_provider"):
            raise NotAvailable(policy.detail)
        if policy.state == "project_not_found":
            raise LookupFailed(
                f"Project {pid} was not found by the admin API: check the project id (Settings → Projects), and "
                "that OPENAI_ADMIN_KEY belongs to the organization that owns it.",
                404,
            )
        if policy.state == "failed":
            raise LookupFailed(policy.detail)
        permissions = policy.as_permissions()
        if permissions is None:  # pragma: no cover - every other state is handled above
            raise LookupFailed(f"the policy of {pid} could not be read")
        return permissions

    # ------------------------------------------------------------------ access check

    async def check_access(self, model: str, endpoint: str | None, probe: bool = False) -> AccessCheck:
        from ..judgment import decide, gather, next_steps, replacements, soon_note

        written = check_model_written(model)
        canonical = parse_endpoint(endpoint) if endpoint else None
        facts = await gather(self.config, self._catalog(), self, written, canonical, probe=probe)
        decision = decide(facts)
        catalog = self._catalog()
        suggested = replacements(catalog, facts, limit=3) if decision.verdict != "accessible" else []
        if decision.verdict == "accessible" and soon_note(facts):
            suggested = replacements(catalog, facts, limit=3)
        evidence = [decision.cause, *facts.evidence()]
        note = soon_note(facts)
        if note:
            evidence.append(note)
        ctx = self._context()
        return AccessCheck(
            model=written,
            resolved_model=facts.near.record.id if facts.near.record is not None else None,
            endpoint=canonical,
            verdict=decision.verdict,
            category=decision.category,
            rule=decision.rule,
            evidence=[redact(e) for e in evidence],
            project_permissions=facts.policy.as_permissions(),
            policy_source=facts.policy.state,
            suggested_models=[s.id for s in suggested],
            next_steps=[
                redact(s)
                for s in next_steps(decision, facts, suggested, admin_tools=self.config.admin_unavailable is None)
            ],
            provider=str(ctx["provider"]),
            base_url=ctx["base_url"],
            organization=ctx["organization"],
            project=ctx["project"],
            checked_at=_now(),
        )

    async def probe(self, model: str, endpoint: str | None, record: ModelRecord | None) -> Outcome | str:
        """One minimal real request, never retried (it may cost money); the answer parsed by the diagnosis."""
        from ..judgment import outcome_from_error

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
            return f"No probe sent: {target} has no request cheap enough to send as a check."
        try:
            # Never retried: the probe may be billed, and a 5xx does not prove it was not.
            await self.call(f"probe {ENDPOINTS[target].http}", calls[target], retry=False)
        except LookupFailed as exc:
            return outcome_from_error(self._catalog(), exc.status, exc.api_error or str(exc), "probe")
        return Outcome("probe", True, detail=f"{target} accepted one minimal request")


def check_model_written(model: str) -> str:
    """Validate an id without changing it: the id as sent is what the API matches."""
    check_model_id(model)
    return model


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class _Row:
    """One listed model (or Azure deployment) before it becomes a ModelEntry."""

    id: str
    owned_by: str | None
    live_shutdown: str | None  # the provider's own shutdown date, if it gave one
    record: ModelRecord | None  # the catalog entry it is (or serves), if known


def _listing_rows(catalog: Catalog, profile: Profile, models: list[Model]) -> list[_Row]:
    rows = []
    for model in models:
        model_id = str(model.id)
        under = underlying(profile, model_id)
        resolution = catalog.resolve(under) if under else None
        record = resolution.record if resolution and resolution.match in ("exact", "fine_tune") else None
        live_date = getattr(model, "shutdown_date", None)
        rows.append(_Row(model_id, getattr(model, "owned_by", None), str(live_date) if live_date else None, record))
    return rows


def _entry(catalog: Catalog, profile: Profile, row: _Row) -> ModelEntry:
    """A listed model with its lifecycle and endpoints: the provider's own date first, then the catalog's
    (never on Azure, whose dates are its own)."""
    record = row.record
    shutdown = row.live_shutdown
    if shutdown is None and record is not None and record.shutdown_date and profile.name != "azure":
        shutdown = record.shutdown_date.isoformat()
    lifecycle: Lifecycle | None = None
    if shutdown:
        lifecycle = "shutdown" if shutdown <= catalog.today.isoformat() else "deprecated"
    elif record is not None:
        lifecycle = "active" if profile.name == "azure" else catalog.lifecycle(record)
    elif profile.catalog == "all":
        lifecycle = "active"
    return ModelEntry(
        id=row.id,
        owned_by=row.owned_by,
        lifecycle=lifecycle,
        shutdown_date=shutdown,
        endpoints=list(record.endpoints) if record else list(profile.default_endpoints),
        in_catalog=record is not None,
    )


def _listing_warnings(config: Config, entries: list[ModelEntry], endpoint: str | None) -> list[str]:
    profile = config.profile
    warnings: list[str] = []
    unknown = sum(1 for e in entries if not e.in_catalog)
    if unknown and profile.catalog != "none":
        warnings.append(
            f"{unknown} listed ids are not in the catalog (fine-tunes, newer models, or another provider's "
            f"ids): their endpoints are taken to be {', '.join(profile.default_endpoints)}."
        )
    if endpoint is not None:
        warnings.append(f"Filtered to models that serve {endpoint}.")
    if profile.name not in ("openai", "none"):
        truth = "its listing is the whole truth of what you can call" if profile.listing_complete else ""
        warnings.append(
            f"Provider: {profile.label} at {config.effective_base_url}; ids look like {profile.id_example}"
            + (f", and {truth}" if truth else "")
            + "."
        )
    if profile.name == "azure":
        warnings.append("These are the resource's deployments: model= takes a deployment name, not a model id.")
    return warnings
