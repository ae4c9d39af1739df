"""Replacement ranking: typo → intended id, retired/deprecated → official replacement,
wrong endpoint → a same-tier model that serves it.

Never suggests the input itself and never a shut-down model. Fuzzy matching (rapidfuzz) is
imported on first use so that it stays off the server's start-up path.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from .catalog import Catalog, ModelRecord, compact_key, generation_of
from .errors import check_model_id

if TYPE_CHECKING:  # pydantic loads where a model is built: a CLI scan needs only the replacement ids
    from .results import CatalogInfo, ReplacementAdvice, Suggestion

_ID_IN_TEXT = re.compile(r"[a-z][a-z0-9]*(?:[.\-][a-z0-9]+)+")
SOON_DAYS = 90  # "shuts down soon": every verdict says so, and a replacement skips past such an id
_CALL_CAN_MOVE = frozenset({"completions", "chat.completions", "responses", "batches"})
_NON_TEXT_FAMILIES = frozenset({"audio", "realtime", "image", "video", "moderation", "embedding"})


@dataclass(frozen=True)  # shared between callers by `_same_tier`'s memo: never changed in place
class _Candidate:
    record: ModelRecord
    score: float
    reason: str
    via: tuple[str, ...] = ()
    endpoint: str | None = None  # set when the call must move to this endpoint
    intended: bool = False  # the id the user most likely meant (a typo's target), not a replacement


def catalog_info(catalog: Catalog) -> CatalogInfo:
    from .results import CatalogInfo

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
    """Ranked replacements for `model` as written. `endpoint` must already be canonical.

    The API matches ids exactly, so an id that needs a prefix removed, its case changed or its
    spelling fixed is `unknown`, with the intended id first. Chains end at an active model; with
    an endpoint, only models that serve it are offered (or, where no current model serves it,
    a model on the endpoint that replaced it, marked with that endpoint). `accessible(id)` answers
    from live facts: False (the key's listing or the project's policy excludes it) drops the
    candidate, None means not checked.
    """
    from .results import ReplacementAdvice, Suggestion

    status, reason, rows = _advice(catalog, model, endpoint, limit, accessible)
    return ReplacementAdvice(
        model=model,
        status=status,  # type: ignore[arg-type]
        reason=reason,
        suggestions=[Suggestion(**row) for row in rows],
        catalog=catalog_info(catalog),
    )


def _advice(
    catalog: Catalog,
    model: str,
    endpoint: str | None,
    limit: int,
    accessible: Callable[[str], bool | None] | None,
) -> tuple[str, str, list[dict[str, Any]]]:
    """suggest_replacement's answer as plain values: status, reason and each suggestion's fields."""
    written = model
    if not written.strip():
        check_model_id(written)
    model = check_model_id(written)
    limit = max(1, min(limit, 50))
    resolution = catalog.resolve(model)
    record = resolution.record
    candidates: list[_Candidate] = []
    exactly = resolution.match == "exact" and not resolution.prefix and written == model

    if record is None:
        status = "unknown"
        note = catalog.not_api_ids.get(resolution.stripped) or catalog.not_api_ids.get(resolution.stripped.lower())
        reason = f"{written!r} is not an OpenAI model id" + (f": {note}" if note else ".")
        # A note on a known non-id names the real ids ("GPT-6 ids carry a tier (gpt-6-sol, …)").
        for rank, hint in enumerate(m for m in _ID_IN_TEXT.findall(note or "") if m in catalog):
            candidates.append(_Candidate(catalog.records[hint], 0.97 - 0.02 * rank, "a real id of that family"))
        candidates += _fuzzy(catalog, resolution.stripped)
    else:
        lifecycle = catalog.lifecycle(record)
        if resolution.match == "fine_tune":
            status = {"active": "known", "deprecated": "deprecated", "shutdown": "retired"}[lifecycle]
            reason = f"A fine-tune of {record.id}, which is {_lifecycle_phrase(catalog, record)}."
            if lifecycle != "active":
                reason += " Fine-tunes stop working when their base model shuts down: retrain on the replacement."
        elif exactly:
            status = {"active": "known", "deprecated": "deprecated", "shutdown": "retired"}[lifecycle]
            reason = f"{record.id} is {_lifecycle_phrase(catalog, record)}."
        else:
            # The id as written is not an id: the API matches ids exactly. The intended one is.
            status = "unknown"
            reason = f"{written!r} is not an exact id ({_match_words(resolution, written)}): the API matches "
            reason += f"ids exactly; meant: {record.id!r}"
            reason += f" ({_lifecycle_phrase(catalog, record)})." if lifecycle != "active" else "."
            if lifecycle != "shutdown":
                why = f"the id meant ({_match_words(resolution, written)})"
                candidates.append(_Candidate(record, 1.0, why, intended=True))
        if lifecycle != "active":
            for rank, repl in enumerate(catalog.replacement_chain(record)):
                why = "official replacement" if rank == 0 else "also named as a replacement"
                if record.replacement_source and record.replacement_source.startswith("our pick"):
                    why = "recommended replacement (OpenAI did not name one)"
                if record.replacement_note:
                    why += f", {record.replacement_note}"
                why += f" for {record.id}"
                candidates.append(_Candidate(repl, 0.95 - 0.05 * rank, why, (record.id,)))
        if endpoint is not None and endpoint not in record.endpoints:
            reason += f" It does not serve {endpoint}."
            candidates += _same_tier(catalog, record, endpoint)
        elif lifecycle != "active" and (exactly or lifecycle == "shutdown"):
            # Alternatives of the same tier for a model on its way out; a typo of a live id needs
            # only the id meant and its successor.
            candidates += _same_tier(catalog, record, endpoint, weight=0.6)

    candidates = _to_active(catalog, candidates)
    if endpoint is not None:
        candidates = _for_endpoint(catalog, record, candidates, endpoint)
    if accessible is not None:
        kept = [c for c in candidates if accessible(c.record.id) is not False]
        if candidates and not kept:
            # Everything the catalog would offer is excluded: offer what this caller can call instead.
            kept = _callable_instead(catalog, record, endpoint, accessible)
            reason += " The usual replacements are excluded by your key's listing or the project's model policy"
            reason += "; these are models you can call." if kept else "."
        candidates = kept
    suggestions = _finish(catalog, written, candidates, limit, accessible)
    if status == "known" and (endpoint is None or record is None or endpoint in record.endpoints):
        suggestions = []  # an active id on an endpoint it serves needs no replacement
        reason += " No replacement needed."
    if not suggestions and status == "unknown":
        reason += " No close id was found: call list_accessible_models to see the ids your key can call."
    return status, reason, suggestions


def meant_id(advice: ReplacementAdvice) -> str | None:
    """The id the written one most likely means (a typo's target), else the first suggestion."""
    for s in advice.suggestions:
        if s.reason.startswith(("the id meant", "closest id", "the id ")):
            return s.id
    return advice.suggestions[0].id if advice.suggestions else None


def needs_replacement(advice: ReplacementAdvice, endpoint: str | None, catalog: Catalog) -> bool:
    """Whether the id as written should be changed at all (shared by every tool's "first replacement")."""
    return _needs_replacement(advice.status, advice.model, endpoint, catalog)


def _needs_replacement(status: str, model: str, endpoint: str | None, catalog: Catalog) -> bool:
    if status != "known":
        return True
    record = catalog.get(model)
    return endpoint is not None and record is not None and endpoint not in record.endpoints


def first_replacement(
    catalog: Catalog,
    model: str,
    endpoint: str | None = None,
    accessible: Callable[[str], bool | None] | None = None,
) -> Suggestion | None:
    """The one replacement every tool names for `model` on `endpoint`, or None when none is needed."""
    advice = suggest_replacement(catalog, model, endpoint, limit=1, accessible=accessible)
    if not advice.suggestions or not needs_replacement(advice, endpoint, catalog):
        return None
    return advice.suggestions[0]


def first_replacement_id(
    catalog: Catalog,
    model: str,
    endpoint: str | None = None,
    accessible: Callable[[str], bool | None] | None = None,
) -> tuple[str, str | None] | None:
    """first_replacement's (id, endpoint), from the same ranking without building a pydantic model:
    what a CLI scan needs for each problem id (it never loads pydantic)."""
    status, _, rows = _advice(catalog, model, endpoint, 1, accessible)
    if not rows or not _needs_replacement(status, model, endpoint, catalog):
        return None
    return rows[0]["id"], rows[0]["endpoint"]


def _to_active(catalog: Catalog, candidates: list[_Candidate]) -> list[_Candidate]:
    """Follow each deprecated candidate's replacement chain to an active model, naming the path.

    The deprecated model stays on offer, ranked below the active end of its chain.
    """
    out: list[_Candidate] = []
    for cand in candidates:
        if catalog.lifecycle(cand.record) != "deprecated":
            out.append(cand)
            continue
        path = [cand.record]
        current = cand.record
        seen = {current.id}
        while catalog.lifecycle(current) != "active":
            chain = [r for r in catalog.replacement_chain(current) if r.id not in seen]
            if not chain:
                break
            current = chain[0]
            seen.add(current.id)
            path.append(current)
        if catalog.lifecycle(current) == "active" and current is not cand.record:
            steps = [*cand.via, *(_step(catalog, r) for r in path)]
            later = f"{cand.reason}; " + " → ".join(steps)
            soon = f"{cand.reason}; {_soon(catalog, cand.record)}"
            if cand.intended and not _within_soon(catalog, cand.record):
                # A typo of a deprecated id: the id meant first, then where it is going.
                out.append(_Candidate(cand.record, cand.score, soon, cand.via, intended=True))
                out.append(_Candidate(current, cand.score - 0.01, "successor: " + " → ".join(steps)))
            elif cand.intended:
                # The id meant shuts down within 90 days: its successor first, so that a fix does not
                # write an id the check gate flags at once; the id meant right after it.
                out.append(_Candidate(current, cand.score, f"successor of the id meant: {' → '.join(steps)}"))
                out.append(_Candidate(cand.record, cand.score - 0.01, soon, cand.via, intended=True))
            else:
                out.append(_Candidate(current, cand.score, later, cand.via))
                out.append(_Candidate(cand.record, cand.score - 0.1, soon))
        else:
            out.append(cand)
    return out


def _callable_instead(
    catalog: Catalog,
    record: ModelRecord | None,
    endpoint: str | None,
    accessible: Callable[[str], bool | None],
) -> list[_Candidate]:
    """Models this caller is known to be able to call that do the same job, closest first."""
    want = endpoint or (record.endpoints[0] if record is not None and record.endpoints else "responses")
    pool = [
        r
        for r in catalog.records.values()
        if accessible(r.id) is True
        and want in r.endpoints
        and catalog.lifecycle(r) != "shutdown"
        and (record is None or r.id != record.id)
    ]
    family = record.family if record is not None else None
    rank = record.tier_rank if record is not None else 2.0
    pool.sort(
        key=lambda r: (
            r.family != family,
            catalog.lifecycle(r) != "active",
            abs(r.tier_rank - rank),
            -generation_of(r.id),
            r.id,
        )
    )
    return [
        _Candidate(
            r,
            0.6 - 0.02 * i,
            f"a model you can call that serves {want}" + (f" ({_soon(catalog, r)})" if r.shutdown_date else ""),
        )
        for i, r in enumerate(pool[:4])
    ]


def _step(catalog: Catalog, record: ModelRecord) -> str:
    if catalog.lifecycle(record) == "deprecated":
        return f"{record.id} (deprecated, shuts down {record.shutdown_date})"
    return record.id


def _within_soon(catalog: Catalog, record: ModelRecord) -> bool:
    return record.shutdown_date is not None and (record.shutdown_date - catalog.today).days <= SOON_DAYS


def _soon(catalog: Catalog, record: ModelRecord) -> str:
    if record.shutdown_date is None:
        return "active"
    days = (record.shutdown_date - catalog.today).days
    return f"shuts down {record.shutdown_date} (in {days} days)"


def _for_endpoint(
    catalog: Catalog, record: ModelRecord | None, candidates: list[_Candidate], endpoint: str
) -> list[_Candidate]:
    """Only models that serve `endpoint`; where no current model serves it, the call must change."""
    serving = [c for c in candidates if endpoint in c.record.endpoints]
    if serving:
        return serving

    def serving_pool(lifecycle: str) -> list[ModelRecord]:
        return [
            r
            for r in catalog.records.values()
            if endpoint in r.endpoints
            and catalog.lifecycle(r) == lifecycle
            and r.alias_of is None
            and not r.gates_restricted
            and (record is None or r.id != record.id)
        ]

    pool = serving_pool("active")
    if not pool and endpoint not in _CALL_CAN_MOVE:
        # Fine-tuning and the like: nothing else does the job, so models still served until their
        # shutdown date are the honest answer.
        pool = sorted(serving_pool("deprecated"), key=lambda r: -(r.shutdown_date or catalog.today).toordinal())
    if pool:
        # Same kind of model for the endpoint (embeddings → text-embedding-*, images → image models …).
        pool.sort(key=lambda r: (r.snapshot_of is not None, -generation_of(r.id), r.id))
        return [
            _Candidate(
                r,
                0.7 - 0.02 * i,
                f"a current model that serves {endpoint}"
                if catalog.lifecycle(r) == "active"
                else f"serves {endpoint} until it shuts down on {r.shutdown_date} (no active model does)",
            )
            for i, r in enumerate(pool[:4])
        ]
    # Nothing current serves it (the legacy completions endpoint): keep the replacements, each
    # marked with the endpoint its call must move to.
    from .endpoints import recommended_endpoint

    moved = []
    for cand in candidates:
        target = recommended_endpoint(cand.record.endpoints)
        if target is not None:
            moved.append(
                _Candidate(
                    cand.record,
                    cand.score,
                    f"{cand.reason}; no current model serves {endpoint}, so the call must change to {target}",
                    cand.via,
                    target,
                )
            )
    return moved


def _lifecycle_phrase(catalog: Catalog, record: ModelRecord) -> str:
    lifecycle = catalog.lifecycle(record)
    if lifecycle == "active":
        return "active"
    if lifecycle == "deprecated":
        return f"deprecated and shuts down on {record.shutdown_date}"
    return f"shut down since {record.shutdown_date}"


def _match_words(resolution: object, written: str | None = None) -> str:
    match = getattr(resolution, "match", "")
    prefix = getattr(resolution, "prefix", "")
    if prefix:
        return f"without the provider prefix {prefix!r}"
    if written is not None and written != written.strip():
        return "without the surrounding whitespace"
    return {"case": "different letter case", "tolerant": "different punctuation"}.get(match, "closest spelling")


def _fuzzy(catalog: Catalog, text: str) -> list[_Candidate]:
    from rapidfuzz import fuzz, process

    key = compact_key(text)
    if not key:
        return []
    choices = {model_id: compact_key(model_id) for model_id in catalog.records}
    hits = process.extract(key, choices, scorer=fuzz.ratio, limit=12, score_cutoff=55)
    out: list[_Candidate] = []
    # An id cut short ("gpt-3.5", "gpt-4o-m") means the family it starts: its base id (the shortest
    # one it begins) outranks ids that merely look alike.
    extending = sorted((len(c), m) for m, c in choices.items() if len(key) >= 4 and c.startswith(key) and c != key)
    if extending:
        base = catalog.records[extending[0][1]]
        if catalog.lifecycle(base) == "shutdown":
            for repl in catalog.replacement_chain(base)[:1]:
                out.append(_Candidate(repl, 0.96, f"replaces {base.id} (shut down), which {text!r} abbreviates"))
        else:
            out.append(_Candidate(base, 0.96, f"the id {text!r} abbreviates", intended=True))
    for _, score, model_id in hits:
        record = catalog.records[model_id]
        # A shared prefix of the id is worth more than letters in the middle: gpt-4o-mni → gpt-4o-mini.
        bonus = 5.0 if key[:5] == choices[model_id][:5] else 0.0
        value = min(0.99, (score + bonus) / 100)
        if catalog.lifecycle(record) == "shutdown":
            for repl in catalog.replacement_chain(record):
                out.append(_Candidate(repl, value * 0.9, f"replaces {model_id} (shut down), the closest id"))
        else:
            # A deprecated closest id is followed to its successor by _to_active.
            out.append(_Candidate(record, value, f"closest id by spelling ({round(score)}% similar)", intended=True))
    return out


def _same_tier(catalog: Catalog, record: ModelRecord, endpoint: str | None, weight: float = 0.8) -> list[_Candidate]:
    """Active models of the same kind and tier (newest generation first) that serve `endpoint`.

    Remembered per catalog and day (a scan asks it for every retired id it meets, each time over the
    whole catalog); the candidates are never modified, so a fresh list of the same ones is returned."""
    today = catalog.today
    memo = _SAME_TIER.get(catalog)
    if memo is None or memo[0] != today:
        memo = (today, {})
        _SAME_TIER[catalog] = memo
    key = (record.id, endpoint, weight)  # within one catalog, the id decides every field of the record
    found = memo[1].get(key)
    if found is None:
        found = memo[1][key] = _same_tier_pool(catalog, record, endpoint, weight)
    return list(found)


# Per catalog: (the day the answers were computed for, {(record id, endpoint, weight): candidates}).
_SAME_TIER: weakref.WeakKeyDictionary[Catalog, tuple[date, dict[tuple[Any, ...], list[_Candidate]]]] = (
    weakref.WeakKeyDictionary()
)


def _same_tier_pool(catalog: Catalog, record: ModelRecord, endpoint: str | None, weight: float) -> list[_Candidate]:
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
        _Candidate(r, weight - 0.02 * i, f"current {r.tier or r.family} model for {want}")
        for i, r in enumerate(pool[:4])
    ]


def _finish(
    catalog: Catalog,
    written: str,
    candidates: Iterable[_Candidate],
    limit: int,
    accessible: Callable[[str], bool | None] | None,
) -> list[dict[str, Any]]:
    """The suggestions' fields, best first."""
    best: dict[str, _Candidate] = {}
    for cand in candidates:
        model_id = cand.record.id
        if model_id == written or catalog.lifecycle(cand.record) == "shutdown":
            continue
        if model_id not in best or cand.score > best[model_id].score:
            best[model_id] = cand
    access = {mid: (accessible(mid) if accessible else None) for mid in best}
    ordered = sorted(
        best.values(),
        key=lambda c: (access[c.record.id] is False, -c.score, -generation_of(c.record.id), c.record.id),
    )
    return [
        {
            "id": c.record.id,
            "reason": c.reason,
            "score": round(max(0.0, min(1.0, c.score)), 3),
            "lifecycle": catalog.lifecycle(c.record),
            "shutdown_date": c.record.shutdown_date.isoformat() if c.record.shutdown_date else None,
            "accessible": access[c.record.id],
            "endpoint": c.endpoint,
        }
        for c in ordered[:limit]
    ]
