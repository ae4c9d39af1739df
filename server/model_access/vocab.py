"""The fixed vocabularies of the contract (design.md), each defined once.

Plain `Literal` types (and, where code iterates them, their values as tuples), importable without pydantic: the catalog, the
scanner and the CLI's light paths use them, and `results.py` builds the output models on them.
"""

from __future__ import annotations

from typing import Literal, get_args

Lifecycle = Literal["active", "deprecated", "shutdown"]

# What scan_model_references reports about one reference (and `check --fail-on` accepts).
Problem = Literal["unknown", "retired", "deprecated", "wrong_endpoint", "not_accessible"]
PROBLEMS: tuple[Problem, ...] = get_args(Problem)

# check_model_access's answer.
Verdict = Literal[
    "accessible", "not_listed", "project_denied", "retired", "unknown_model", "wrong_endpoint", "unverifiable"
]

# diagnose_error's categories (the cause of a failed call); first those about a model: its id, its
# lifecycle, who may call it and where.
ModelCategory = Literal[
    "unknown_model_name",
    "model_retired",
    "project_access_denied",
    "account_access_denied",
    "organization_verification_required",
    "wrong_endpoint",
    "fine_tune_scope",
]
Category = Literal[
    ModelCategory,
    "invalid_api_key",
    "key_permission_denied",
    "insufficient_quota",
    "rate_limited",
    "context_length_exceeded",
    "unsupported_parameter",
    "invalid_request",
    "client_misconfigured",
    "azure_deployment_not_found",
    "region_not_supported",
    "connection_error",
    "server_error",
    "unknown",
]
CATEGORIES: tuple[Category, ...] = get_args(Category)
MODEL_CATEGORIES: frozenset[Category] = frozenset(get_args(ModelCategory))
