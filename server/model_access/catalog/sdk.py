"""Read model ids and announced shutdowns from the installed `openai` SDK's source.

The SDK is generated from OpenAI's API spec: its `Literal[...]` model types list the
ids each endpoint accepts, and their "Deprecated values" docstrings carry the
announced shutdown dates. We parse the source files with `ast` instead of importing
them, so reading costs milliseconds and never imports the SDK (start-up stays fast).
Used twice: by the maintainer build of the bundled snapshot, and at run time to merge
ids that only a newer installed SDK knows.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

# (file relative to the `openai` package, endpoints its model ids are accepted on).
# Module-level type aliases: every Literal in the alias is a model id. Params files:
# only the Literal inside the `model` field.
SDK_MODEL_SOURCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("types/shared/chat_model.py", ("chat.completions", "responses")),
    ("types/shared/responses_model.py", ("responses",)),
    ("types/image_model.py", ("images.generate", "images.edit")),
    ("types/audio_model.py", ("audio.transcriptions",)),
    ("types/audio/speech_model.py", ("audio.speech",)),
    ("types/embedding_model.py", ("embeddings",)),
    ("types/moderation_model.py", ("moderations",)),
    ("types/video_model.py", ("videos",)),
    ("types/completion_create_params.py", ("completions",)),
    ("types/realtime/realtime_session_create_request.py", ("realtime",)),
    ("types/realtime/audio_transcription.py", ("realtime",)),
    ("types/live/session_config.py", ("live",)),
    ("types/fine_tuning/job_create_params.py", ("fine_tuning.jobs",)),
)

# Files whose docstrings carry a fuller "Deprecated values" list than the type modules.
SDK_DEPRECATION_SOURCES: tuple[str, ...] = ("types/responses/response_compact_params.py",)

_ALIAS_NAMES = {
    "ChatModel",
    "ResponsesModel",
    "ImageModel",
    "AudioModel",
    "SpeechModel",
    "EmbeddingModel",
    "ModerationModel",
    "VideoModel",
}
_ISO_DATE = re.compile(r"\b(20\d\d-\d\d-\d\d)\b")
_LONG_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(\d{1,2}),\s+(20\d\d)\b"
)
_QUOTED = re.compile(r'"([^"\s]+)"')


@dataclass
class SdkModel:
    """What the SDK says about one model id."""

    id: str
    endpoints: set[str] = field(default_factory=set)
    shutdown_date: date | None = None
    not_a_model: bool = False
    note: str | None = None
    files: set[str] = field(default_factory=set)


def find_sdk_dir() -> Path | None:
    """The installed `openai` package folder, located without importing it."""
    spec = importlib.util.find_spec("openai")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def sdk_version(sdk_dir: Path) -> str | None:
    text = _read(sdk_dir / "_version.py")
    match = re.search(r"__version__\s*=\s*[\"']([^\"']+)", text or "")
    return match.group(1) if match else None


def read_sdk_models(sdk_dir: Path) -> dict[str, SdkModel]:
    """Every model id the SDK's generated types list, with endpoints and shutdown dates."""
    models: dict[str, SdkModel] = {}
    deprecations: list[tuple[str, str]] = []  # (file, docstring)
    for rel, endpoints in SDK_MODEL_SOURCES:
        source = _read(sdk_dir / rel)
        if source is None:
            continue
        for ids, doc in _model_literals(source):
            for model_id in ids:
                entry = models.setdefault(model_id, SdkModel(model_id))
                entry.endpoints.update(endpoints)
                entry.files.add(rel)
            if doc:
                deprecations.append((rel, doc))
    for rel in SDK_DEPRECATION_SOURCES:
        source = _read(sdk_dir / rel)
        if source and "Deprecated values" in source:
            deprecations.append((rel, source))
    for rel, doc in deprecations:
        for ids, when, not_a_model, note in parse_deprecated_values(doc):
            for model_id in ids:
                found = models.get(model_id)
                if found is None:
                    continue
                entry = found
                entry.files.add(rel)
                if not_a_model:
                    entry.not_a_model = True
                    entry.note = note
                elif when and (entry.shutdown_date is None or when < entry.shutdown_date):
                    entry.shutdown_date = when
                    entry.note = note
    return models


def parse_deprecated_values(doc: str) -> list[tuple[list[str], date | None, bool, str]]:
    """Bullets of a "Deprecated values:" block → (ids, shutdown date, not-a-model flag, text)."""
    start = doc.find("Deprecated values:")
    if start < 0:
        return []
    block = doc[start + len("Deprecated values:") :]
    end = block.find('"""')
    if end >= 0:
        block = block[:end]
    bullets = re.split(r"\n\s*-\s+", "\n" + block)
    out: list[tuple[list[str], date | None, bool, str]] = []
    for bullet in bullets:
        text = " ".join(bullet.split())
        if not text or ":" not in text:
            continue
        head, _, tail = text.partition(":")
        ids = _QUOTED.findall(head)
        if not ids:
            continue
        not_a_model = "not a supported model id" in tail.lower()
        out.append((ids, _first_date(tail), not_a_model, tail.strip()))
    return out


def _first_date(text: str) -> date | None:
    iso = _ISO_DATE.search(text)
    if iso:
        return date.fromisoformat(iso.group(1))
    long = _LONG_DATE.search(text)
    if long:
        return datetime.strptime(" ".join(long.groups()), "%B %d %Y").date()
    return None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _model_literals(source: str) -> list[tuple[list[str], str | None]]:
    """(ids in a model Literal, the docstring right after it) for each model declaration."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[tuple[list[str], str | None]] = []
    for body in _bodies(tree):
        for index, node in enumerate(body):
            target, value = _assignment(node)
            if target is None or value is None:
                continue
            if target not in _ALIAS_NAMES and target != "model":
                continue
            ids = _literal_strings(value)
            if not ids:
                continue
            doc = None
            if index + 1 < len(body):
                nxt = body[index + 1]
                if (
                    isinstance(nxt, ast.Expr)
                    and isinstance(nxt.value, ast.Constant)
                    and isinstance(nxt.value.value, str)
                ):
                    doc = nxt.value.value
            found.append((ids, doc))
    return found


def _bodies(tree: ast.Module) -> list[list[ast.stmt]]:
    bodies: list[list[ast.stmt]] = [tree.body]
    bodies.extend(node.body for node in ast.walk(tree) if isinstance(node, ast.ClassDef))
    return bodies


def _assignment(node: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        name = node.target.id
        # `ChatModel: TypeAlias = Literal[...]` keeps the ids in the value,
        # `model: Union[str, Literal[...]]` in the annotation.
        return name, node.value if name in _ALIAS_NAMES else node.annotation
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id, node.value
    return None, None


def _literal_strings(expr: ast.expr) -> list[str]:
    ids: list[str] = []
    for node in ast.walk(expr):
        if isinstance(node, ast.Subscript) and _is_literal(node.value):
            for const in ast.walk(node.slice):
                if isinstance(const, ast.Constant) and isinstance(const.value, str):
                    ids.append(const.value)
    return list(dict.fromkeys(ids))


def _is_literal(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "Literal") or (
        isinstance(node, ast.Attribute) and node.attr == "Literal"
    )
