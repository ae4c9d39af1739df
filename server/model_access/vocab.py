"""The fixed vocabularies of the contract (design.md), each defined once.

Plain `Literal` types with their values as tuples, importable without pydantic: the catalog, the
scanner and the CLI's light paths use them, and `results.py` builds the output models on them.
"""

from __future__ import annotations

from typing import Literal, get_args

Lifecycle = Literal["active", "deprecated", "shutdown"]
LIFECYCLES: tuple[Lifecycle, ...] = get_args(Lifecycle)

# What scan_model_references reports about one reference (and `check --fail-on` accepts).
Problem = Literal["unknown", "retired", "deprecated", "wrong_endpoint", "not_accessible"]
PROBLEMS: tuple[Problem, ...] = get_args(Problem)

# check_model_access's answer.
Verdict = Literal[
    "accessible", "not_listed", "project_denied", "retired", "unknown_model", "wrong_endpoint", "unverifiable"
]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
