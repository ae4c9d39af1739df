"""Which endpoint a call site uses, from the call as written (SDK, LangChain, Vercel AI SDK)."""

from __future__ import annotations

from ..endpoints import parse_endpoint
from ..errors import UnknownEndpointError

# str methods / regex helpers whose string argument is a pattern, not an id in use.
FAMILY_METHODS = frozenset(
    {
        "startswith", "endswith", "removeprefix", "removesuffix", "find", "rfind", "index", "rindex", "count",
        "split", "rsplit", "partition", "strip", "lstrip", "rstrip", "search", "match", "fullmatch", "sub",
        "compile", "contains", "startsWith", "endsWith", "includes", "indexOf", "lastIndexOf", "test",
        "replace", "replaceAll", "HasPrefix", "HasSuffix", "Contains", "starts_with", "ends_with",
    }
)  # fmt: skip

_CLASSES: dict[str, tuple[str, ...]] = {
    "ChatOpenAI": ("chat.completions", "responses"),
    "AzureChatOpenAI": ("chat.completions", "responses"),
    "OpenAIEmbeddings": ("embeddings",),
    "AzureOpenAIEmbeddings": ("embeddings",),
    "OpenAIEmbedding": ("embeddings",),
}
# Vercel AI SDK provider functions.
_VERCEL: dict[str, tuple[str, ...]] = {
    "openai": ("responses", "chat.completions"),
    "openai.chat": ("chat.completions",),
    "openai.responses": ("responses",),
    "openai.completion": ("completions",),
    "openai.embedding": ("embeddings",),
    "openai.textEmbedding": ("embeddings",),
    "openai.textEmbeddingModel": ("embeddings",),
    "openai.image": ("images.generate",),
    "openai.imageModel": ("images.generate",),
    "openai.transcription": ("audio.transcriptions",),
    "openai.speech": ("audio.speech",),
}
_METHODS = ("create", "acreate", "stream", "parse", "generate")


def endpoints_for_call(call: str | None, key: str | None) -> tuple[str, ...]:
    """Endpoints the call can reach with this model argument; () when unknown."""
    if not call:
        return ()
    if key is None and call in _VERCEL:
        return _VERCEL[call]
    last = call.rsplit(".", 1)[-1]
    if last in _CLASSES and key in ("model", "model_name", None):
        return _CLASSES[last]
    if key not in ("model", "engine") or last not in _METHODS:
        return ()
    parts = call.replace("()", "").split(".")
    for i in range(len(parts) - 1):
        try:
            return (parse_endpoint(".".join(parts[i:])),)
        except UnknownEndpointError:
            continue
    return ()
