"""Provider profiles: one small data entry per provider, so adding a provider is adding an entry.

Each profile says what a model id looks like there, whether its `GET /models` listing is the
whole truth of what can be called, what a "not found" means, where the user fixes it, and which
OpenAI catalog facts still apply. The judgment reads the profile; it never hard-codes a provider.
Chosen from the configuration: MODEL_ACCESS_PROVIDER names one explicitly; otherwise Azure
settings, then the base URL's host (and, on localhost, the port a local server uses by default).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urlparse

from .config import OPENAI_HOST

IdStyle = Literal["openai", "prefixed", "deployment", "local", "own"]
CatalogUse = Literal["all", "underlying", "none"]


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    ids: IdStyle  # how a model id looks there
    id_example: str
    listing_complete: bool  # GET /models lists everything the key can call (a missing id is not there)
    not_found: str  # what a "model not found" means there
    fix: str  # where the user fixes a missing model ({model} is the id as written)
    fix_url: str | None = None
    keys_url: str | None = None
    catalog: CatalogUse = "none"  # "all": OpenAI's ids; "underlying": OpenAI models behind a prefix
    openai_prefix: str = ""  # how OpenAI models are addressed there ("openai/")
    hosts: tuple[str, ...] = ()  # host names (or suffixes) that identify it
    ports: tuple[int, ...] = ()  # default ports of a local server
    default_endpoints: tuple[str, ...] = ("chat.completions",)  # for listed ids the catalog does not know
    retrieve: bool = False  # models.retrieve answers for single ids
    listing_authenticates: bool = True  # False: GET /models is public, so a listing proves nothing about the key
    policies: bool = False  # OpenAI project model policies apply (admin API)


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            name="openai",
            label="OpenAI",
            ids="openai",
            id_example="gpt-6-luna",
            listing_complete=False,  # roll-outs, access programs and project limits are not always reflected
            not_found="an id OpenAI does not know, or a model your organization or project cannot use",
            fix="check the id against list_accessible_models and the project's limits",
            fix_url="https://platform.openai.com/settings/organization/projects",
            keys_url="https://platform.openai.com/api-keys",
            catalog="all",
            hosts=(OPENAI_HOST,),
            default_endpoints=("chat.completions", "responses"),
            retrieve=True,
            policies=True,
        ),
        Profile(
            name="azure",
            label="Azure OpenAI",
            ids="deployment",
            id_example="my-gpt4o (a deployment name)",
            listing_complete=True,
            not_found="no deployment of that name exists on this resource (model= names a deployment, not a model)",
            fix="create a deployment named {model} in Azure AI Foundry (Deployments → Deploy model), or use an "
            "existing deployment's name",
            fix_url="https://ai.azure.com",
            keys_url="https://portal.azure.com",
            catalog="underlying",
            hosts=(".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"),
            default_endpoints=("chat.completions", "responses"),
        ),
        Profile(
            name="openrouter",
            label="OpenRouter",
            ids="prefixed",
            id_example="openai/gpt-6-luna",
            listing_complete=True,
            not_found="an id OpenRouter does not list: its ids carry the provider prefix (openai/…)",
            fix="use the id exactly as OpenRouter lists it (https://openrouter.ai/models), e.g. openai/{model}",
            fix_url="https://openrouter.ai/models",
            keys_url="https://openrouter.ai/settings/keys",
            catalog="underlying",
            openai_prefix="openai/",
            hosts=("openrouter.ai",),
            default_endpoints=("chat.completions", "responses"),
            listing_authenticates=False,
        ),
        Profile(
            name="litellm",
            label="LiteLLM proxy",
            ids="prefixed",
            id_example="azure/gpt-4o (a model_name of the proxy's model_list)",
            listing_complete=True,
            not_found="a model_name that is not in the proxy's model_list (or not allowed for this key)",
            fix="add {model} to the proxy's model_list (config.yaml), or use a model_name it lists",
            fix_url="https://docs.litellm.ai/docs/proxy/configs",
            catalog="underlying",
            openai_prefix="openai/",
            ports=(4000,),
            default_endpoints=("chat.completions", "responses", "embeddings"),
        ),
        Profile(
            name="ollama",
            label="Ollama",
            ids="local",
            id_example="llama3.1:8b",
            listing_complete=True,
            not_found="a model that is not pulled on this machine",
            fix="run `ollama pull {model}`, or pick one of your local models (ollama list)",
            fix_url="https://ollama.com/library",
            ports=(11434,),
            default_endpoints=("chat.completions", "completions", "responses", "embeddings"),
        ),
        Profile(
            name="vllm",
            label="vLLM",
            ids="local",
            id_example="meta-llama/Llama-3.1-8B-Instruct (the --served-model-name)",
            listing_complete=True,
            not_found="a name other than the server's --served-model-name (or --model path)",
            fix="use the name the server lists, or restart it with --served-model-name {model}",
            fix_url="https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
            ports=(8000,),
            default_endpoints=("chat.completions", "completions"),
        ),
        Profile(
            name="lmstudio",
            label="LM Studio",
            ids="local",
            id_example="qwen2.5-7b-instruct",
            listing_complete=True,
            not_found="a model key that is not downloaded (or not loaded) in LM Studio",
            fix="download or load {model} in LM Studio (lms get / lms load), or use a model key it lists",
            fix_url="https://lmstudio.ai/docs/cli",
            ports=(1234,),
            default_endpoints=("chat.completions", "completions", "embeddings"),
        ),
        Profile(
            name="groq",
            label="Groq",
            ids="own",
            id_example="llama-3.3-70b-versatile",
            listing_complete=True,
            not_found="an id Groq does not serve (or has decommissioned)",
            fix="use an id from Groq's model list (https://console.groq.com/docs/models)",
            fix_url="https://console.groq.com/docs/models",
            keys_url="https://console.groq.com/keys",
            hosts=("api.groq.com",),
            default_endpoints=("chat.completions", "responses"),
        ),
        Profile(
            name="together",
            label="Together AI",
            ids="own",
            id_example="meta-llama/Llama-3.3-70B-Instruct-Turbo",
            listing_complete=True,
            not_found="an id Together does not serve",
            fix="use an id from Together's model list (https://api.together.xyz/models)",
            fix_url="https://docs.together.ai/docs/serverless-models",
            hosts=("api.together.xyz", "api.together.ai"),
        ),
        Profile(
            name="compatible",
            label="an OpenAI-compatible server",
            ids="own",
            id_example="the ids its GET /models lists",
            listing_complete=True,
            not_found="an id this server does not serve",
            fix="use an id this server lists (list_accessible_models)",
        ),
    )
}
# No key: OpenAI's ids and catalog, without anything only a live key can check.
NONE = replace(
    PROFILES["openai"], name="none", label="no provider (catalog only)", hosts=(), retrieve=False, policies=False
)


def profile(name: str) -> Profile:
    return PROFILES.get(name) or (NONE if name == "none" else PROFILES["compatible"])


def detect(base_url: str | None, azure: bool, override: str | None = None) -> Profile:
    """The profile in effect for this configuration."""
    if override:
        return PROFILES[override]
    if azure:
        return PROFILES["azure"]
    if not base_url:
        return PROFILES["openai"]
    parsed = urlparse(base_url)
    host = (parsed.hostname or "").lower()
    for p in PROFILES.values():
        if any(host == h or (h.startswith(".") and host.endswith(h)) or host.endswith("." + h) for h in p.hosts):
            return p
    if host in ("localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal"):
        for p in PROFILES.values():
            if parsed.port in p.ports:
                return p
    return PROFILES["compatible"]


def underlying(p: Profile, written: str) -> str | None:
    """The OpenAI id behind a provider's id, where the catalog applies there."""
    if p.catalog == "all":
        return written
    if p.catalog != "underlying":
        return None
    if p.ids == "prefixed":
        if p.openai_prefix and written.startswith(p.openai_prefix):
            return written[len(p.openai_prefix) :]
        return None
    return written  # Azure: the deployment's model is found from the listing, see judgment


def addressed(p: Profile, openai_id: str) -> str:
    """How an OpenAI model is addressed at this provider."""
    return p.openai_prefix + openai_id if p.ids == "prefixed" else openai_id
