"""Replacement ranking: typo → intended id, retired/deprecated → official replacement,
wrong endpoint → a same-tier model that serves it.

Never suggests the input itself and never a shut-down model. Fuzzy matching (rapidfuzz) is
imported on first use so that it stays off the server's start-up path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .catalog import Catalog, ModelRecord, compact_key, generation_of
from .errors import check_model_id
from .results import CatalogInfo, ReplacementAdvice, Suggestion

_ID_IN_TEXT = re.compile(r"[a-z][a-z0-9]*(?:[.\-][a-z0-9]+)+")
SOON_DAYS = 30
_NON_TEXT_FAMILIES = frozenset({"audio", "realtime", "image", "video", "moderation", "embedding"})


@dataclass
class _Candidate:
    record: ModelRecord
    score: float
    reason: str


def catalog_info(catalog: Catalog) -> CatalogInfo:
    return CatalogInfo(
        as_of=catalog.as_of.isoformat(),
        built_with_openai=catalog.built_with_openai,
        installed_openai=catalog.sdk_version,
        today=catalog.today.isoformat(),
    )


def suggest_replacement(
    catalog: Catalog,
    model: str,
    endpoint: str | None = None,
    limit: int = 5,
    accessible: Callable[[str], bool | None] | None = None,
) -> ReplacementAdvice:
    """Ranked replacements for `model`. `endpoint` must already be canonical.

    `accessible(id)` answers from live facts when a key is configured; candidates the key
    cannot call are ranked after those it can.
    """
    model = check_model_id(model)
    limit = max(1, min(limit, 50))
    resolution = catalog.resolve(model)
    record = resolution.record
    candidates: list[_Candidate] = []

    if record is None:
        status = "unknown"
        note = catalog.not_api_ids.get(resolution.stripped) or catalog.not_api_ids.get(resolution.stripped.lower())
        reason = f"{model!r} is not an OpenAI model id" + (f": {note}" if note else ".")
        # A note on a known non-id names the real ids ("GPT-6 ids carry a tier (gpt-6-sol, …)").
        for rank, hint in enumerate(m for m in _ID_IN_TEXT.findall(note or "") if m in catalog):
            candidates.append(_Candidate(catalog.records[hint], 0.97 - 0.02 * rank, "a real id of that family"))
        candidates += _fuzzy(catalog, resolution.stripped, endpoint)
    else:
        lifecycle = catalog.lifecycle(record)
        exactly = resolution.match == "exact"
        if resolution.match == "fine_tune":
            status = {"active": "known", "deprecated": "deprecated", "shutdown": "retired"}[lifecycle]
            reason = f"A fine-tune of {record.id}, which is {_lifecycle_phrase(catalog, record)}."
            if lifecycle != "active":
                reason += " Fine-tunes stop working when their base model shuts down: retrain on the replacement."
        elif exactly:
            status = {"active": "known", "deprecated": "deprecated", "shutdown": "retired"}[lifecycle]
            reason = f"{record.id} is {_lifecycle_phrase(catalog, record)}."
        else:
            # The id as written is not an id; the intended one is.
            status = "unknown"
            reason = f"{model!r} is not an exact OpenAI model id; it matches {record.id!r}"
            reason += f" ({_lifecycle_phrase(catalog, record)})." if lifecycle != "active" else "."
            if lifecycle != "shutdown":
                candidates.append(_Candidate(record, 1.0, f"the id you most likely meant ({_match_words(resolution)})"))
        if lifecycle != "active" or record.successor:
            for rank, repl in enumerate(catalog.replacement_chain(record)):
                why = "official replacement" if rank == 0 else "also named as a replacement"
                if record.replacement_source and record.replacement_source.startswith("our pick"):
                    why = "recommended replacement (OpenAI did not name one)"
                if record.replacement_note:
                    why += f", {record.replacement_note}"
                why += f" for {record.id}"
                score = 0.95 - 0.05 * rank
                candidates.append(_Candidate(repl, score, why))
                # A replacement that is itself deprecated: offer its own replacement right after it.
                # When that one shuts down within a month, its replacement goes first.
                if catalog.lifecycle(repl) == "deprecated" and repl.shutdown_date is not None:
                    imminent = (repl.shutdown_date - catalog.today).days <= SOON_DAYS
                    for later in catalog.replacement_chain(repl)[:1]:
                        note = f"replaces {repl.id}, which shuts down on {repl.shutdown_date}"
                        candidates.append(_Candidate(later, score + (0.01 if imminent else -0.02), note))
            if record.successor and record.successor in catalog:
                candidates.append(_Candidate(catalog.records[record.successor], 0.9, f"supersedes {record.id}"))
        if endpoint is not None and endpoint not in record.endpoints:
            reason += f" It does not serve {endpoint}."
            candidates += _same_tier(catalog, record, endpoint)
        elif lifecycle != "active":
            candidates += _same_tier(catalog, record, endpoint, weight=0.6)

    if endpoint is not None:
        candidates = [c for c in candidates if endpoint in c.record.endpoints] or candidates
    return ReplacementAdvice(
        model=model,
        status=status,  # type: ignore[arg-type]
        reason=reason,
        suggestions=_finish(catalog, model, resolution.stripped, candidates, limit, accessible),
        catalog=catalog_info(catalog),
    )


def _lifecycle_phrase(catalog: Catalog, record: ModelRecord) -> str:
    lifecycle = catalog.lifecycle(record)
    if lifecycle == "active":
        return "active"
    if lifecycle == "deprecated":
        return f"deprecated and shuts down on {record.shutdown_date}"
    return f"shut down since {record.shutdown_date}"


def _match_words(resolution: object) -> str:
    match = getattr(resolution, "match", "")
    prefix = getattr(resolution, "prefix", "")
    if prefix and match == "exact":
        return f"without the provider prefix {prefix!r}"
    return {"case": "different letter case", "tolerant": "different punctuation"}.get(match, "closest spelling")


def _fuzzy(catalog: Catalog, text: str, endpoint: str | None) -> list[_Candidate]:
    from rapidfuzz import fuzz, process

    key = compact_key(text)
    if not key:
        return []
    choices = {model_id: compact_key(model_id) for model_id in catalog.records}
    hits = process.extract(key, choices, scorer=fuzz.ratio, limit=12, score_cutoff=55)
    out: list[_Candidate] = []
    for _, score, model_id in hits:
        record = catalog.records[model_id]
        # A shared prefix of the id is worth more than letters in the middle: gpt-4o-mni → gpt-4o-mini.
        bonus = 5.0 if key[:5] == choices[model_id][:5] else 0.0
        value = min(0.99, (score + bonus) / 100)
        if catalog.lifecycle(record) == "shutdown":
            for repl in catalog.replacement_chain(record):
                out.append(_Candidate(repl, value * 0.9, f"replaces {model_id} (shut down), the closest id"))
        else:
            out.append(_Candidate(record, value, f"closest id by spelling ({round(score)}% similar)"))
    return out


def _same_tier(catalog: Catalog, record: ModelRecord, endpoint: str | None, weight: float = 0.8) -> list[_Candidate]:
    """Active models of the same kind and tier (newest generation first) that serve `endpoint`."""
    want = endpoint or (record.endpoints[0] if record.endpoints else None)
    if want is None:
        return []
    pool = [
        r
        for r in catalog.records.values()
        if want in r.endpoints
        and catalog.lifecycle(r) == "active"
        and r.id != record.id
        and r.snapshot_of is None
        and r.alias_of is None
        and not r.gates_restricted
        and (r.family == record.family or r.family not in _NON_TEXT_FAMILIES)
    ]
    pool.sort(key=lambda r: (abs(r.tier_rank - record.tier_rank), -generation_of(r.id), r.id))
    return [
        _Candidate(r, weight - 0.02 * i, f"a current {r.tier or r.family} model that serves {want}")
        for i, r in enumerate(pool[:4])
    ]


def _finish(
    catalog: Catalog,
    written: str,
    stripped: str,
    candidates: Iterable[_Candidate],
    limit: int,
    accessible: Callable[[str], bool | None] | None,
) -> list[Suggestion]:
    best: dict[str, _Candidate] = {}
    for cand in candidates:
        model_id = cand.record.id
        if model_id in (written, stripped) or catalog.lifecycle(cand.record) == "shutdown":
            continue
        if model_id not in best or cand.score > best[model_id].score:
            best[model_id] = cand
    access = {mid: (accessible(mid) if accessible else None) for mid in best}
    ordered = sorted(
        best.values(),
        key=lambda c: (access[c.record.id] is False, -c.score, -generation_of(c.record.id), c.record.id),
    )
    return [
        Suggestion(
            id=c.record.id,
            reason=c.reason,
            score=round(max(0.0, min(1.0, c.score)), 3),
            lifecycle=catalog.lifecycle(c.record),
            shutdown_date=c.record.shutdown_date.isoformat() if c.record.shutdown_date else None,
            accessible=access[c.record.id],
        )
        for c in ordered[:limit]
    ]
