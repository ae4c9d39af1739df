"""The message-family table: every phrasing is reachable through its literal gates, and the
table stays linear (no nested or unbounded repetition that could backtrack over a run)."""

from __future__ import annotations

import importlib
import re

# The modules, not the functions of the same name that the package exports.
rules = importlib.import_module("model_access.diagnosis.classify")
facts = importlib.import_module("model_access.diagnosis.parse")


def _alternatives(pattern: str) -> list[str]:
    out, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _group_end(pattern: str, i: int) -> int:
    """Index just past the group that opens at pattern[i]."""
    depth = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = pattern.index("]", i + 2) + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def _optional(pattern: str, i: int) -> bool:
    return i < len(pattern) and (pattern[i] in "?*" or pattern.startswith("{0", i))


def _gated(alternative: str, gates: tuple[str, ...]) -> bool:
    """Whether every text this alternative matches contains one of the gates (lower-cased, with
    whitespace as the flat text has it: one space). Mandatory literal runs and mandatory groups
    whose every branch is gated count; anything optional does not."""
    runs: list[str] = []
    run: list[str] = []
    i = 0
    while i < len(alternative):
        ch = alternative[i]
        if ch == "(":
            end = _group_end(alternative, i)
            body = alternative[i + 1 : end - 1]
            for lead in ("?:", "?i:", "?=", "?!", "?<=", "?<!"):
                if body.startswith(lead):
                    body = body[len(lead) :]
                    break
            runs.append("".join(run))
            run = []
            if not _optional(alternative, end) and all(_gated(b, gates) for b in _alternatives(body)):
                return True
            i = end
            continue
        if ch == "[":
            end = alternative.index("]", i + 2) + 1
            runs.append("".join(run))
            run = []
            i = end
            continue
        if ch == "\\" and i + 1 < len(alternative):
            nxt = alternative[i + 1]
            piece = " " if nxt == "s" else nxt if nxt in ".()[]-/{}*+?|\"'" else None
            step = 2
            if nxt == "b":
                i += 2
                continue
        elif ch in ".^$|+":
            piece, step = None, 1
        elif ch in "?*{":
            if run:
                run.pop()
            while i < len(alternative) and alternative[i] not in "}?*":
                i += 1
            i += 1
            runs.append("".join(run))
            run = []
            continue
        else:
            piece, step = ch, 1
        if piece is None or _optional(alternative, i + step):
            runs.append("".join(run))
            run = []
            i += step
            if piece is not None:
                while i < len(alternative) and alternative[i] not in "}?*":
                    i += 1
                i += 1
            continue
        run.append(piece.lower())
        i += step
    runs.append("".join(run))
    return any(gate in r for r in runs for gate in gates)


def test_every_phrasing_of_every_family_is_reachable_through_its_gates() -> None:
    unreachable = []
    for category, _confidence, gates, pattern, _label in rules._FAMILIES:
        for alternative in _alternatives(pattern):
            if not _gated(alternative, gates):
                unreachable.append(f"{category}: {alternative!r} has no gate")
    assert not unreachable, "\n".join(unreachable)


def test_every_model_phrasing_is_reachable_through_its_gates() -> None:
    unreachable = []
    for gates, pattern in facts._MODEL_PATTERNS:
        body = pattern.pattern.removeprefix("(?i)")
        for alternative in _alternatives(body):
            if not _gated(alternative, gates):
                unreachable.append(alternative)
    assert not unreachable, "\n".join(unreachable)


_NESTED = re.compile(r"\((?:[^()\\]|\\.)*[*+](?:[^()\\]|\\.)*\)[*+{]")


def test_no_pattern_nests_unbounded_repetition() -> None:
    patterns = [p.pattern for _c, _f, _g, p, _l in rules._RULES]
    patterns += [p.pattern for _g, p in facts._MODEL_PATTERNS]
    patterns += [p.pattern for p in facts._MODEL_CONTEXT]
    nested = [p for p in patterns if _NESTED.search(p)]
    assert not nested, nested


def test_every_catalog_id_starts_the_way_the_context_search_expects(catalog) -> None:  # type: ignore[no-untyped-def]
    missed = [model_id for model_id in catalog.ids() if not facts._FAMILY_START.match(model_id.lower())]
    assert not missed, missed


def test_both_engines_read_every_family_the_same_way() -> None:
    """The families run on RE2 when installed and on `re` otherwise: same verdicts either way."""
    import json
    from pathlib import Path

    data = Path(__file__).parent / "data"
    texts = [
        json.loads(line)["text"]
        for name in ("diagnosis_corpus.jsonl", "diagnosis_real.jsonl")
        if (data / name).exists()
        for line in (data / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    flats = [facts.normalize(facts.window(text))[1] for text in texts]
    patterns = [p for _c, _f, _g, p, _l in rules._RULES] + [rules._MODEL_MISSING]
    differ = []
    for pattern in patterns:
        stdlib = re.compile(pattern.pattern, re.IGNORECASE)
        for flat in flats:
            if bool(stdlib.search(flat)) != bool(pattern.search(flat)):
                differ.append(f"{pattern.pattern[:60]!r} on {flat[:80]!r}")
    assert not differ, differ[:5]
