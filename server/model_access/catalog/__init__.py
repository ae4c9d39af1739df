"""The model catalog: what is known about every OpenAI model id without a network.

A bundled snapshot (`snapshot.json`, built by `python -m model_access.catalog.build` from
the `openai` SDK's generated types plus the hand-kept `overlay.json`) is loaded on first
use, then ids that only the user's installed `openai` SDK knows are merged in, so a newer
SDK teaches the server new models. Lifecycle depends on "today", which is injected.
Never import this module's data at server start-up: loading happens on the first tool call.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal

Lifecycle = Literal["active", "deprecated", "shutdown"]
Origin = Literal["snapshot", "sdk"]

# Provider prefixes as developers write them, longest first.
PROVIDER_PREFIXES: tuple[str, ...] = (
    "openrouter/openai/",
    "litellm/openai/",
    "~openai/",
    "openai/",
    "azure/",
    "azure_ai/",
    "openai:",
    "azure:",
)
_OPENROUTER_SUFFIX = re.compile(r":(?:free|beta|extended|online|floor|nitro|thinking|batch)$")
_COMPACT_DROP = re.compile(r"[\s._\-]+")
_DATED = re.compile(r"^(?P<base>.+?)-(?P<date>\d{4}-\d{2}-\d{2}|\d{4})$")
_FINE_TUNE = re.compile(r"^ft:(?P<base>[a-z0-9][a-z0-9.\-]*?)(?::|$)")

TIER_RANK: dict[str, float] = {
    "astra": 4.0,
    "pro": 3.5,
    "sol": 3.0,
    "terra": 2.0,
    "mini": 2.0,
    "luna": 1.0,
    "nano": 1.0,
}


@dataclass(frozen=True)
class ModelRecord:
    id: str
    family: str
    endpoints: tuple[str, ...]
    shutdown_date: date | None = None
    replacements: tuple[str, ...] = ()
    replacement_note: str | None = None
    replacement_source: str | None = None
    gates: tuple[str, ...] = ()
    tier: str | None = None
    snapshot_of: str | None = None
    alias_of: str | None = None
    successor: str | None = None
    notes: tuple[str, ...] = ()
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)
    origin: Origin = "snapshot"

    def lifecycle(self, today: date) -> Lifecycle:
        if self.shutdown_date is None:
            return "active"
        return "shutdown" if self.shutdown_date <= today else "deprecated"

    @property
    def generation(self) -> float:
        return generation_of(self.id)

    @property
    def gates_restricted(self) -> bool:
        """Needs an access program (Daybreak, Rosalind), not just a verified organization."""
        return any(g.startswith(("daybreak_red", "daybreak_blue", "access_program")) for g in self.gates)

    @property
    def tier_rank(self) -> float:
        return TIER_RANK.get(self.tier or "", 2.0)


@dataclass(frozen=True)
class Resolution:
    """How an id as written maps to a catalog id."""

    written: str
    stripped: str  # after provider prefix / suffix removal
    prefix: str  # the provider prefix that was removed, "" if none
    record: ModelRecord | None
    match: Literal["exact", "case", "tolerant", "fine_tune", "none"]
    fine_tune_base: str | None = None


class Catalog:
    def __init__(
        self,
        records: Iterable[ModelRecord],
        *,
        as_of: date,
        built_with_openai: str | None,
        not_api_ids: dict[str, str],
        sources: dict[str, str],
        today: date | Callable[[], date],
        sdk_version: str | None = None,
        azure: dict[str, object] | None = None,
    ) -> None:
        self.records: dict[str, ModelRecord] = {r.id: r for r in records}
        self.as_of = as_of
        self.built_with_openai = built_with_openai
        self.sdk_version = sdk_version
        self.not_api_ids = not_api_ids
        self.sources = sources
        self._today = today  # a fixed date (tests, MODEL_ACCESS_TODAY) or a clock read at each use
        azure = azure or {}
        names, retirements, azure_src = azure.get("names"), azure.get("retirements"), azure.get("sources")
        self.azure_names: dict[str, str] = dict(names) if isinstance(names, dict) else {}
        self._azure_retirements: dict[str, dict[str, str]] = dict(retirements) if isinstance(retirements, dict) else {}
        self.azure_sources: tuple[str, ...] = tuple(str(x) for x in azure_src) if isinstance(azure_src, list) else ()
        self._compact: dict[str, list[str]] = {}
        for model_id in self.records:
            self._compact.setdefault(compact_key(model_id), []).append(model_id)
        self._lower = {model_id.lower(): model_id for model_id in self.records}

    @property
    def today(self) -> date:
        """The date lifecycle is judged on — read per use, so a long-running server moves on."""
        return self._today() if callable(self._today) else self._today

    def __contains__(self, model_id: object) -> bool:
        return model_id in self.records

    def __len__(self) -> int:
        return len(self.records)

    def get(self, model_id: str) -> ModelRecord | None:
        return self.records.get(model_id)

    def lifecycle(self, record: ModelRecord) -> Lifecycle:
        return record.lifecycle(self.today)

    def ids(self) -> list[str]:
        return list(self.records)

    def resolve(self, written: str) -> Resolution:
        """Tolerant id match: case, provider prefixes, dots vs dashes, missing hyphens, fine-tunes."""
        stripped, prefix = strip_provider(written)
        exact = self.records.get(stripped)
        if exact is not None:
            return Resolution(written, stripped, prefix, exact, "exact")
        tune = _FINE_TUNE.match(stripped)
        if tune:
            base = self.resolve(tune.group("base"))
            return Resolution(written, stripped, prefix, base.record, "fine_tune", tune.group("base"))
        lowered = self._lower.get(stripped.lower())
        if lowered is not None:
            return Resolution(written, stripped, prefix, self.records[lowered], "case")
        candidates = self._compact.get(compact_key(stripped), [])
        if len(candidates) == 1:
            return Resolution(written, stripped, prefix, self.records[candidates[0]], "tolerant")
        return Resolution(written, stripped, prefix, None, "none")

    def azure_retirement(self, model: str, version: str) -> tuple[date, str] | None:
        """Azure's own retirement date for a deployed model version, with its source; None when unknown."""
        versions = self._azure_retirements.get(model) or self._azure_retirements.get(self.azure_names.get(model, ""))
        if not versions or not version or version not in versions:
            return None
        return date.fromisoformat(versions[version]), "Azure's retirement table (" + ", ".join(self.azure_sources) + ")"

    def replacement_chain(self, record: ModelRecord) -> list[ModelRecord]:
        """Official replacements, following replaced-and-shut-down ones to a callable model."""
        out: list[ModelRecord] = []
        seen = {record.id}
        queue = list(record.replacements)
        while queue:
            candidate = self.records.get(queue.pop(0))
            if candidate is None or candidate.id in seen:
                continue
            seen.add(candidate.id)
            if self.lifecycle(candidate) == "shutdown":
                queue[:0] = list(candidate.replacements)
                continue
            out.append(candidate)
        return out

    def upcoming_shutdowns(self, within_days: int | None = None) -> list[ModelRecord]:
        out = [
            r
            for r in self.records.values()
            if r.shutdown_date is not None
            and r.shutdown_date > self.today
            and (within_days is None or (r.shutdown_date - self.today).days <= within_days)
        ]
        return sorted(out, key=lambda r: (r.shutdown_date or self.today, r.id))

    def counts(self) -> dict[str, int]:
        counts = {"active": 0, "deprecated": 0, "shutdown": 0}
        for record in self.records.values():
            counts[self.lifecycle(record)] += 1
        return counts


def strip_provider(written: str) -> tuple[str, str]:
    text = written.strip().strip("`'\"“”‘’ ")
    lowered = text.lower()
    for prefix in PROVIDER_PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            if prefix.startswith(("openrouter", "~")):
                text = _OPENROUTER_SUFFIX.sub("", text)
            return text, prefix
    return text, ""


def compact_key(model_id: str) -> str:
    return _COMPACT_DROP.sub("", model_id.lower())


def fine_tune_base(model_id: str) -> str | None:
    match = _FINE_TUNE.match(model_id)
    return match.group("base") if match else None


def generation_of(model_id: str) -> float:
    """A sortable 'how new' number derived from the id (higher is newer)."""
    match = re.match(r"^gpt-(\d+(?:\.\d+)?)", model_id)
    if match:
        return float(match.group(1))
    match = re.match(r"^o(\d)", model_id)
    if match:
        return 4.5 + int(match.group(1)) / 10  # o1..o4 sit between GPT-4o and GPT-5
    match = re.match(r"^gpt-(?:image|realtime|audio)-(\d+(?:\.\d+)?)", model_id)
    if match:
        return float(match.group(1))
    match = re.match(r"^text-embedding-(\d)", model_id)
    if match:
        return float(match.group(1))
    return 0.0


def dated_base(model_id: str) -> str | None:
    match = _DATED.match(model_id)
    return match.group("base") if match else None


# ---------------------------------------------------------------- loading

_SNAPSHOT = "snapshot.json"
_lock = threading.Lock()
_cache: dict[tuple[str, str | None], Catalog] = {}


def snapshot_data() -> dict[str, object]:
    text = resources.files(__package__).joinpath(_SNAPSHOT).read_text(encoding="utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def record_from_json(item: dict[str, object], origin: Origin = "snapshot") -> ModelRecord:
    def tup(key: str) -> tuple[str, ...]:
        value = item.get(key) or []
        assert isinstance(value, list)
        return tuple(str(v) for v in value)

    def opt(key: str) -> str | None:
        value = item.get(key)
        return None if value is None else str(value)

    shutdown = opt("shutdown_date")
    raw_sources = item.get("sources") or {}
    assert isinstance(raw_sources, dict)
    return ModelRecord(
        id=str(item["id"]),
        family=str(item.get("family") or "other"),
        endpoints=tup("endpoints"),
        shutdown_date=date.fromisoformat(shutdown) if shutdown else None,
        replacements=tup("replacements"),
        replacement_note=opt("replacement_note"),
        replacement_source=opt("replacement_source"),
        gates=tup("gates"),
        tier=opt("tier"),
        snapshot_of=opt("snapshot_of"),
        alias_of=opt("alias_of"),
        successor=opt("successor"),
        notes=tup("notes"),
        sources={str(k): tuple(str(x) for x in v) for k, v in raw_sources.items()},
        origin=origin,
    )


def system_today() -> date:
    """The clock a long-running server reads at each lifecycle decision (one stable function, so
    that the catalog is cached once for it)."""
    return date.today()


def load_catalog(
    today: date | Callable[[], date] | None = None, sdk_dir: Path | Literal[False] | None = None
) -> Catalog:
    """The bundled snapshot merged with the installed SDK's ids (cached per day and SDK folder).

    `sdk_dir=None` finds the installed `openai` package; `False` skips the merge. `today` may be a
    callable (the clock), read at each lifecycle decision: the file is parsed once, not daily.
    """
    from datetime import date as _date

    from . import sdk

    when: date | Callable[[], date] = today or _date.today()
    folder: Path | None
    if sdk_dir is False:
        folder = None
    elif sdk_dir is None:
        folder = sdk.find_sdk_dir()
    else:
        folder = sdk_dir
    key = (when.isoformat() if isinstance(when, date) else f"clock:{id(when)}", str(folder) if folder else None)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        data = snapshot_data()
        items = data["models"]
        assert isinstance(items, list)
        records = {r.id: r for r in (record_from_json(item) for item in items)}
        not_api = dict(data.get("not_api_ids") or {})  # type: ignore[call-overload]
        installed_version = None
        if folder is not None:
            installed_version = sdk.sdk_version(folder)
            for model_id, fact in sdk.read_sdk_models(folder).items():
                if model_id in records or model_id in not_api:
                    continue
                if fact.not_a_model:
                    not_api[model_id] = fact.note or "Not a supported model id."
                    continue
                records[model_id] = ModelRecord(
                    id=model_id,
                    family=family_of(model_id),
                    endpoints=tuple(sorted(fact.endpoints)),
                    shutdown_date=fact.shutdown_date,
                    snapshot_of=None,
                    sources={"id": tuple(f"sdk:{f}" for f in sorted(fact.files))},
                    origin="sdk",
                )
        catalog = Catalog(
            records.values(),
            as_of=date.fromisoformat(str(data["as_of"])),
            built_with_openai=str(data.get("built_with_openai") or "") or None,
            not_api_ids=not_api,
            sources=dict(data.get("sources") or {}),  # type: ignore[call-overload]
            today=when,
            sdk_version=installed_version,
            azure=dict(data.get("azure") or {}),  # type: ignore[call-overload]
        )
        _cache[key] = catalog
        return catalog


def family_of(model_id: str) -> str:
    """Family name derived from an id; the overlay may override it."""
    rules: tuple[tuple[str, str], ...] = (
        (r"^ft:", "fine-tune"),
        (r"^(?:gpt-image|dall-e|chatgpt-image)", "image"),
        (r"^sora", "video"),
        (r"^(?:tts|whisper|gpt-4o(?:-mini)?-(?:tts|transcribe)|gpt-transcribe|gpt-live-transcribe)", "audio"),
        (r"(?:realtime|^gpt-live)", "realtime"),
        (r"^gpt-audio|audio-preview", "audio"),
        (r"embedding|^text-(?:similarity|search)|^code-search", "embedding"),
        (r"moderation", "moderation"),
        (r"^(?:text-|code-|davinci|curie|babbage|ada)", "legacy-completions"),
        (r"^o\d", "o-series"),
        (r"^gpt-3\.5", "gpt-3.5"),
        (r"^gpt-4o|^chatgpt-4o", "gpt-4o"),
        (r"^gpt-4\.1", "gpt-4.1"),
        (r"^gpt-4\.5", "gpt-4.5"),
        (r"^gpt-4", "gpt-4"),
        (r"^gpt-(\d+(?:\.\d+)?)", r"gpt-\1"),
    )
    for pattern, family in rules:
        match = re.search(pattern, model_id)
        if match:
            return match.expand(family) if "\\" in family else family
    return "other"
