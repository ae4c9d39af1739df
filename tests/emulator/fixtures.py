# The default world: a few organizations, projects and keys, and the model list of the
# reference (docs ../shared/reference/openai-models.md §4) as of 2026-11-23. Every key here
# is fake: it only opens this emulator.
from __future__ import annotations

from .world import (
    BATCH,
    CHAT,
    COMPLETIONS,
    EMBEDDINGS,
    IMAGES,
    MODERATIONS,
    REALTIME,
    RESPONSES,
    SCOPE_MANAGEMENT_READ,
    SCOPE_MANAGEMENT_WRITE,
    SCOPE_MODEL_READ,
    SCOPE_MODEL_REQUEST,
    SPEECH,
    TRANSCRIPTIONS,
    ApiKey,
    KeyKind,
    ModelPermissions,
    ModelSpec,
    Organization,
    Project,
    World,
)

ORG_ACME = "org-EmuAcmeLabsVerified00001"  # verified, healthy
ORG_INDIE = "org-EmuIndieUnverified000002"  # not verified; no gpt-6.2-astra yet
ORG_BUDGET = "org-EmuBudgetNoQuota00000003"  # quota exhausted
ORG_BUSY = "org-EmuBusyRateLimited000004"  # rate limited

PROJ_ACME_DEFAULT = "proj_EmuAcmeDefault0000000001"  # no model policy
PROJ_ACME_ALLOW = "proj_EmuAcmeAllowList00000002"  # allow list
PROJ_ACME_DENY = "proj_EmuAcmeDenyList000000003"  # deny list
PROJ_INDIE = "proj_EmuIndieDefault000000004"
PROJ_BUDGET = "proj_EmuBudgetDefault00000005"
PROJ_BUSY = "proj_EmuBusyDefault0000000006"

ALLOW_LIST = ["gpt-4o-mini", "gpt-6-luna", "text-embedding-3-small", "omni-moderation-latest"]
DENY_LIST = ["gpt-6.2-astra", "o3", "gpt-image-2"]

UNKNOWN_MODEL = "gpt-6-mini"  # seen in the wild, never an OpenAI id


def fake_key(prefix: str, label: str, serial: int, length: int = 164) -> str:
    """A key shaped like OpenAI's (prefix, length, distinct last four) that says it is fake."""
    head = f"{prefix}emu-{label}-{serial:04d}-"
    tail = f"E{serial:03d}"
    filler = ("NOTAREALKEY" * length)[: max(0, length - len(head) - len(tail))]
    return head + filler + tail


# A well-formed key the emulator does not know, as if revoked.
REVOKED_KEY = fake_key("sk-proj-", "revoked", 99)


def _m(
    model_id: str,
    *endpoints: str,
    shutdown: str | None = None,
    verify: bool = False,
    alias_of: str | None = None,
    owned_by: str = "system",
    created: int = 1_700_000_000,
) -> ModelSpec:
    return ModelSpec(
        id=model_id,
        endpoints=frozenset(endpoints),
        shutdown_date=shutdown,
        requires_verification=verify,
        alias_of=alias_of,
        owned_by=owned_by,
        created=created,
    )


TEXT = (CHAT, RESPONSES, BATCH)
G6 = 1_790_000_000  # created, ≈ autumn 2026
G5 = 1_760_000_000
OLD = 1_700_000_000

MODELS: tuple[ModelSpec, ...] = (
    # GPT-6 generation (active)
    _m("gpt-6.2-astra", *TEXT, owned_by="openai", created=G6),
    _m("gpt-6.2-sol", *TEXT, owned_by="openai", created=G6),
    _m("gpt-6.1-sol", *TEXT, owned_by="openai", created=G6),
    _m("gpt-6.1-terra", *TEXT, owned_by="openai", created=G6),
    _m("gpt-6-astra", CHAT, RESPONSES, owned_by="openai", created=G6),
    _m("gpt-6-sol", CHAT, RESPONSES, owned_by="openai", created=G6),
    _m("gpt-6-luna", *TEXT, owned_by="openai", created=G6),
    _m("gpt-6-cyber", RESPONSES, owned_by="openai", created=G6),
    _m("gpt-6-rosalind", RESPONSES, owned_by="openai", created=G6),
    _m("gpt-6.2-astra-law", RESPONSES, owned_by="openai", created=G6),
    # GPT-5.6 (active)
    _m("gpt-5.6-sol", *TEXT, owned_by="openai", created=G5),
    _m("gpt-5.6", *TEXT, alias_of="gpt-5.6-sol", owned_by="openai", created=G5),
    _m("gpt-5.6-terra", *TEXT, owned_by="openai", created=G5),
    _m("gpt-5.6-luna", *TEXT, owned_by="openai", created=G5),
    _m("gpt-5.6-cyber", RESPONSES, owned_by="openai", created=G5),
    _m("gpt-daybreak-blue-latest", RESPONSES, alias_of="gpt-5.6-sol", owned_by="openai", created=G5),
    _m("gpt-daybreak-red-latest", RESPONSES, alias_of="gpt-5.6-cyber", owned_by="openai", created=G5),
    # GPT-5.5 … 5.2
    _m("gpt-5.5", *TEXT, alias_of="gpt-5.5-2026-04-23", created=G5),
    _m("gpt-5.5-2026-04-23", *TEXT, created=G5),
    _m("gpt-5.5-pro", RESPONSES, created=G5),
    _m("gpt-5.5-cyber-preview", RESPONSES, shutdown="2027-02-01", created=G5),
    _m("gpt-5.4", *TEXT, created=G5),
    _m("gpt-5.4-mini", *TEXT, created=G5),
    _m("gpt-5.4-nano", *TEXT, shutdown="2027-04-01", created=G5),
    _m("gpt-5.3-codex", RESPONSES, shutdown="2027-04-01", created=G5),
    _m("gpt-5.3-chat-latest", CHAT, RESPONSES, shutdown="2026-08-10", created=G5),
    _m("gpt-5.2", *TEXT, created=G5),
    _m("gpt-5.2-pro", RESPONSES, created=G5),
    _m("gpt-5.2-chat-latest", CHAT, RESPONSES, shutdown="2026-08-10", created=G5),
    _m("gpt-5.2-codex", RESPONSES, shutdown="2026-07-23", created=G5),
    _m("chat-latest", CHAT, RESPONSES, created=G5),
    # GPT-5.1 and GPT-5
    _m("gpt-5.1", CHAT, RESPONSES, shutdown="2027-04-01", created=G5),
    _m("gpt-5.1-codex", RESPONSES, shutdown="2026-07-23", created=G5),
    _m("gpt-5", *TEXT, shutdown="2026-12-11", alias_of="gpt-5-2025-08-07", created=G5),
    _m("gpt-5-2025-08-07", *TEXT, shutdown="2026-12-11", created=G5),
    _m("gpt-5-mini", *TEXT, shutdown="2026-12-11", created=G5),
    _m("gpt-5-nano", *TEXT, shutdown="2026-12-11", created=G5),
    _m("gpt-5-pro", RESPONSES, shutdown="2026-12-11", created=G5),
    _m("gpt-5-chat-latest", CHAT, RESPONSES, shutdown="2026-07-23", created=G5),
    _m("gpt-5-codex", RESPONSES, shutdown="2026-07-23", created=G5),
    # o-series
    _m("o3", *TEXT, shutdown="2026-12-11", verify=True, alias_of="o3-2025-04-16"),
    _m("o3-2025-04-16", *TEXT, shutdown="2026-12-11", verify=True),
    _m("o3-pro", RESPONSES, shutdown="2026-12-11", verify=True),
    _m("o4-mini", CHAT, RESPONSES, shutdown="2026-10-23"),
    _m("o3-mini", CHAT, RESPONSES, shutdown="2026-10-23"),
    _m("o1", CHAT, RESPONSES, shutdown="2026-10-23"),
    _m("o1-pro", RESPONSES, shutdown="2026-10-23"),
    _m("o1-mini", CHAT, shutdown="2025-10-27"),
    # GPT-4.1 / 4o / 4 / 3.5
    _m("gpt-4.1", *TEXT, shutdown="2027-01-14", alias_of="gpt-4.1-2025-04-14"),
    _m("gpt-4.1-2025-04-14", *TEXT, shutdown="2027-01-14"),
    _m("gpt-4.1-mini", *TEXT, shutdown="2027-01-14"),
    _m("gpt-4.1-nano", CHAT, RESPONSES, shutdown="2026-10-23"),
    _m("gpt-4o", *TEXT, shutdown="2027-01-14", alias_of="gpt-4o-2024-08-06"),
    _m("gpt-4o-2024-08-06", *TEXT, shutdown="2027-01-14"),
    _m("gpt-4o-2024-11-20", *TEXT, shutdown="2027-01-14"),
    _m("gpt-4o-2024-05-13", CHAT, RESPONSES, shutdown="2026-10-23"),
    _m("gpt-4o-mini", *TEXT, shutdown="2027-01-14", alias_of="gpt-4o-mini-2024-07-18"),
    _m("gpt-4o-mini-2024-07-18", *TEXT, shutdown="2027-01-14"),
    _m("chatgpt-4o-latest", CHAT, shutdown="2026-02-17"),
    _m("gpt-4o-search-preview", CHAT, shutdown="2026-07-23"),
    _m("gpt-4", CHAT, RESPONSES, shutdown="2026-10-23"),
    _m("gpt-4-turbo", CHAT, RESPONSES, shutdown="2026-10-23"),
    _m("gpt-4-32k", CHAT, shutdown="2025-06-06"),
    _m("gpt-3.5-turbo", CHAT, RESPONSES, shutdown="2026-10-23"),
    _m("computer-use-preview", RESPONSES, shutdown="2026-07-23"),
    # Legacy completions: none left alive
    _m("gpt-3.5-turbo-instruct", COMPLETIONS, shutdown="2026-09-28"),
    _m("davinci-002", COMPLETIONS, shutdown="2026-09-28"),
    _m("babbage-002", COMPLETIONS, shutdown="2026-09-28"),
    # Images (GPT image models need a verified organization)
    _m("gpt-image-2.6-sunburst", IMAGES, verify=True, created=G6),
    _m("gpt-image-2.6-flare", IMAGES, verify=True, created=G6),
    _m("gpt-image-2.5-sunburst", IMAGES, verify=True, created=G6),
    _m("gpt-image-2.5-flare", IMAGES, verify=True, created=G6),
    _m("gpt-image-2", IMAGES, verify=True, created=G5),
    _m("gpt-image-1.5", IMAGES, shutdown="2026-12-01", verify=True, created=G5),
    _m("gpt-image-1-mini", IMAGES, shutdown="2026-12-01", verify=True, created=G5),
    _m("chatgpt-image-latest", IMAGES, shutdown="2026-12-01", created=G5),
    _m("gpt-image-1", IMAGES, shutdown="2026-10-23", verify=True),
    _m("dall-e-3", IMAGES, shutdown="2026-05-12"),
    _m("dall-e-2", IMAGES, shutdown="2026-05-12"),
    # Audio and realtime
    _m("gpt-transcribe", TRANSCRIPTIONS, created=G5),
    _m("whisper-1", TRANSCRIPTIONS, shutdown="2027-02-26", owned_by="openai-internal"),
    _m("gpt-4o-transcribe", TRANSCRIPTIONS, shutdown="2027-02-26"),
    _m("tts-1", SPEECH, shutdown="2027-01-06", owned_by="openai-internal"),
    _m("tts-1-hd", SPEECH, shutdown="2027-01-06"),
    _m("gpt-4o-mini-tts", SPEECH, shutdown="2027-01-06"),
    _m("gpt-audio", CHAT, shutdown="2027-01-20"),
    _m("gpt-realtime-2.1", REALTIME, created=G5),
    _m("gpt-realtime", REALTIME, shutdown="2027-01-20"),
    # Embeddings and moderation
    _m("text-embedding-3-large", EMBEDDINGS, BATCH),
    _m("text-embedding-3-small", EMBEDDINGS, BATCH),
    _m("text-embedding-ada-002", EMBEDDINGS, BATCH, owned_by="openai-internal"),
    _m("omni-moderation-latest", MODERATIONS),
    _m("omni-moderation-2024-09-26", MODERATIONS),
    _m("text-moderation-latest", MODERATIONS, shutdown="2025-10-27"),
)

ACME_FINE_TUNE = _m(
    "ft:gpt-4o-mini-2024-07-18:acme-labs::EmuFt001",
    CHAT,
    RESPONSES,
    shutdown="2027-01-14",
    owned_by="acme-labs",
    created=G5,
)

GATED = frozenset({"gpt-6-cyber", "gpt-5.6-cyber", "gpt-daybreak-red-latest"})


def _key(
    name: str,
    kind: KeyKind,
    serial: int,
    org: str,
    project: str | None,
    purpose: str,
    scopes: set[str] | None = None,
) -> ApiKey:
    prefix = {"project": "sk-proj-", "service_account": "sk-svcacct-", "admin": "sk-admin-"}[kind]
    return ApiKey(
        name=name,
        value=fake_key(prefix, name, serial, length=84 if kind == "admin" else 164),
        kind=kind,
        org_id=org,
        project_id=project,
        scopes=frozenset(scopes) if scopes is not None else None,
        purpose=purpose,
    )


def default_world() -> World:
    organizations = [
        Organization(
            id=ORG_ACME,
            name="acme-labs",
            verified=True,
            unavailable_models=GATED,
            fine_tuned_models=(ACME_FINE_TUNE,),
            projects=[
                Project(PROJ_ACME_DEFAULT, "Default project"),
                Project(PROJ_ACME_ALLOW, "Allow-listed app", ModelPermissions("allow_list", list(ALLOW_LIST))),
                Project(PROJ_ACME_DENY, "Deny-listed app", ModelPermissions("deny_list", list(DENY_LIST))),
            ],
        ),
        Organization(
            id=ORG_INDIE,
            name="indie-dev",
            verified=False,
            unavailable_models=GATED | {"gpt-6.2-astra", "gpt-daybreak-blue-latest"},
            projects=[Project(PROJ_INDIE, "Default project")],
        ),
        Organization(
            id=ORG_BUDGET,
            name="budget-co",
            quota_exhausted=True,
            unavailable_models=GATED,
            projects=[Project(PROJ_BUDGET, "Default project")],
        ),
        Organization(
            id=ORG_BUSY,
            name="busy-co",
            rate_limited=True,
            unavailable_models=GATED,
            projects=[Project(PROJ_BUSY, "Default project")],
        ),
    ]
    keys = [
        _key(
            "alpha",
            "project",
            1,
            ORG_ACME,
            PROJ_ACME_DEFAULT,
            "verified org, no model policy: the happy path",
        ),
        _key("allow", "project", 2, ORG_ACME, PROJ_ACME_ALLOW, f"project allow list: {', '.join(ALLOW_LIST)}"),
        _key("deny", "project", 3, ORG_ACME, PROJ_ACME_DENY, f"project deny list: {', '.join(DENY_LIST)}"),
        _key("svcacct", "service_account", 4, ORG_ACME, PROJ_ACME_DEFAULT, "service account, default project"),
        _key(
            "restricted-read",
            "project",
            5,
            ORG_ACME,
            PROJ_ACME_DEFAULT,
            "restricted key: may list models, may not call them (no model.request)",
            scopes={SCOPE_MODEL_READ},
        ),
        _key(
            "restricted-call",
            "project",
            6,
            ORG_ACME,
            PROJ_ACME_DEFAULT,
            "restricted key: may call models, may not list them (no api.model.read)",
            scopes={SCOPE_MODEL_REQUEST},
        ),
        _key("unverified", "project", 7, ORG_INDIE, PROJ_INDIE, "unverified org; gpt-6.2-astra not rolled out"),
        _key("no-quota", "project", 8, ORG_BUDGET, PROJ_BUDGET, "org quota exhausted (429 insufficient_quota)"),
        _key("rate-limited", "project", 9, ORG_BUSY, PROJ_BUSY, "org rate limited (429 rate_limit_exceeded)"),
        _key(
            "admin",
            "admin",
            10,
            ORG_ACME,
            None,
            "admin key for acme-labs: read and write project model permissions",
            scopes={SCOPE_MANAGEMENT_READ, SCOPE_MANAGEMENT_WRITE},
        ),
        _key(
            "admin-readonly",
            "admin",
            11,
            ORG_ACME,
            None,
            "admin key for acme-labs without api.management.write",
            scopes={SCOPE_MANAGEMENT_READ},
        ),
        _key(
            "admin-indie",
            "admin",
            12,
            ORG_INDIE,
            None,
            "admin key of another org: acme projects answer 404",
            scopes={SCOPE_MANAGEMENT_READ, SCOPE_MANAGEMENT_WRITE},
        ),
    ]
    return World(models=MODELS, organizations=organizations, keys=keys)
