"""The catalog's records and the questions asked of them (lifecycle, tolerant id match, chains)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from ..vocab import Lifecycle
from .ids import compact_key, generation_of, strip_provider

Origin = Literal["snapshot", "sdk"]
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
            return Resolution(written, stripped, prefix, base.record, "fine_tune")
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
