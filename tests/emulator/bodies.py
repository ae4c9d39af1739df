# Minimal success bodies in the shapes the openai SDK parses (ChatCompletion, Response,
# Completion, CreateEmbeddingResponse, ImagesResponse, ModerationCreateResponse), plus a
# few bytes of MP3 for speech. Content is fixed ("OK", zero vectors): only shape matters.
from __future__ import annotations

import base64
import struct
import uuid

from .world import ModelSpec, Project

_PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
# An ID3v2 header and one silent MPEG-1 Layer III frame header: enough to look like audio/mpeg.
SPEECH_BYTES = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 64

_MODERATION_CATEGORIES = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)


def _id(prefix: str) -> str:
    return f"{prefix}emu{uuid.uuid4().hex[:24]}"


def reported_model(spec: ModelSpec) -> str:
    return spec.alias_of or spec.id


def chat_completion(spec: ModelSpec, created: int) -> dict[str, object]:
    return {
        "id": _id("chatcmpl-"),
        "object": "chat.completion",
        "created": created,
        "model": reported_model(spec),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "OK", "refusal": None, "annotations": []},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 8, "completion_tokens": 1, "total_tokens": 9},
        "service_tier": "default",
        "system_fingerprint": None,
    }


def response(spec: ModelSpec, created: int) -> dict[str, object]:
    return {
        "id": _id("resp_"),
        "object": "response",
        "created_at": created,
        "status": "completed",
        "model": reported_model(spec),
        "output": [
            {
                "id": _id("msg_"),
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "OK", "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
        "usage": {
            "input_tokens": 8,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": 1,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 9,
        },
    }


def completion(spec: ModelSpec, created: int) -> dict[str, object]:
    return {
        "id": _id("cmpl-"),
        "object": "text_completion",
        "created": created,
        "model": reported_model(spec),
        "choices": [{"text": "OK", "index": 0, "logprobs": None, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 4, "completion_tokens": 1, "total_tokens": 5},
    }


def embeddings(spec: ModelSpec, request: dict[str, object]) -> dict[str, object]:
    raw_input = request.get("input")
    count = len(raw_input) if isinstance(raw_input, list) and raw_input else 1
    dims = request.get("dimensions")
    if not isinstance(dims, int) or dims <= 0:
        dims = 3072 if spec.id.endswith("-large") else 1536
    vector: object = [0.0] * dims
    if request.get("encoding_format") == "base64":
        # The SDK asks for base64 by default: little-endian float32, as OpenAI sends.
        vector = base64.b64encode(struct.pack(f"<{dims}f", *([0.0] * dims))).decode()
    return {
        "object": "list",
        "data": [{"object": "embedding", "index": i, "embedding": vector} for i in range(count)],
        "model": reported_model(spec),
        "usage": {"prompt_tokens": 4 * count, "total_tokens": 4 * count},
    }


def images(created: int) -> dict[str, object]:
    return {
        "created": created,
        "data": [{"b64_json": _PNG_1X1, "revised_prompt": None}],
        "usage": {
            "input_tokens": 8,
            "input_tokens_details": {"image_tokens": 0, "text_tokens": 8},
            "output_tokens": 272,
            "total_tokens": 280,
        },
    }


def moderation(spec: ModelSpec) -> dict[str, object]:
    return {
        "id": _id("modr-"),
        "model": reported_model(spec),
        "results": [
            {
                "flagged": False,
                "categories": dict.fromkeys(_MODERATION_CATEGORIES, False),
                "category_scores": dict.fromkeys(_MODERATION_CATEGORIES, 0.0),
                "category_applied_input_types": {c: ["text"] for c in _MODERATION_CATEGORIES},
            }
        ],
    }


def model_object(spec: ModelSpec) -> dict[str, object]:
    return {
        "id": spec.id,
        "object": "model",
        "created": spec.created,
        "owned_by": spec.owned_by,
        "shutdown_date": spec.shutdown_date,
    }


def project_object(project: Project) -> dict[str, object]:
    """GET /v1/organization/projects/{id}: the fields the SDK's `Project` type requires."""
    return {
        "id": project.id,
        "object": "organization.project",
        "name": project.name,
        "created_at": 1_700_000_000,
        "archived_at": None,
        "status": "active",
    }
