"""Raw error text → parsed facts.

Every shape a developer pastes (openai-python reprs, raw JSON, Node/Go/Java/.NET/Ruby/PHP
SDK messages, curl and HTTP logs, LangChain/LiteLLM/aider/Continue/Cursor/Codex output,
Azure bodies, tracebacks, chat-mangled quotes and wrapped lines) is handled the same way:
the text is bounded, redacted, normalized (smart quotes, escaped quotes, collapsed
whitespace) and then read with precompiled, bounded regular expressions. Nothing is ever
evaluated, and no pattern can backtrack catastrophically (every repetition is bounded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..endpoints import canonical_endpoint as _canonical
from ..redact import redact

HEAD = 16_384
TAIL = 65_536
_MAX_WINDOW = HEAD + TAIL

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "`": "`", "\u00a0": " "})
_ESCAPED_QUOTE = re.compile(r"\\+([\"'])")
_ESCAPED_NL = re.compile(r"\\[nrt]")
_SPACES = re.compile(r"\s+")

# Secrets the shared policy does not know as such: masked keys ("sk-abc***xyz", "fa4e****fa4e",
# "kod-FAKE****FAKE") and whatever follows "Incorrect API key provided:".
_EXTRA_SECRETS = (
    re.compile(r"(?i)(?<=API key provided: )[^\s.,;]{1,300}"),
    re.compile(r"[A-Za-z0-9_\-]{0,64}\*{3,}[A-Za-z0-9_\-*]{0,300}"),
    re.compile(r"(?i)(?<=[\"']apikey[\"']: [\"'])[^\"']{1,300}"),
    re.compile(r"(?i)(?<=[\"']api_key[\"']: [\"'])[^\"']{1,300}"),
)


def scrub(text: str) -> str:
    """The shared redaction plus masked-key forms; used on the input and on every output string."""
    if len(text) <= 4096:
        return _scrub_cached(text)
    return _scrub(text)


@lru_cache(maxsize=16384)
def _scrub_cached(text: str) -> str:
    return _scrub(text)


def _scrub(text: str) -> str:
    text = redact(text)
    if "*" in text or "provided" in text or "pi" in text.lower():
        for pattern in _EXTRA_SECRETS:
            text = pattern.sub("[REDACTED]", text)
    return text


def window(text: str) -> str:
    """The first ~16 KB and the last ~64 KB (where the final error is), cut at whitespace."""
    if len(text) <= _MAX_WINDOW:
        return text
    head = text[:HEAD]
    cut = max(head.rfind(" "), head.rfind("\n"))
    if cut > HEAD // 2:
        head = head[:cut]
    tail = text[-TAIL:]
    match = re.search(r"\s", tail[:4096])
    if match:
        tail = tail[match.end() :]
    return head + "\n…\n" + tail


def looks_binary(text: str) -> bool:
    sample = text[:4096] + text[-4096:]
    if not sample:
        return False
    bad = len(_CONTROL.findall(sample))
    return bad / len(sample) > 0.1


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


# ------------------------------------------------------------------ facts

_ID = r"[A-Za-z0-9~][\w.:/@<>\-]{0,150}"
_IDG = r"[A-Za-z0-9~][\w.:/@\-]{0,150}"
_Q = r"[`'\"]?"

_STATUSES = frozenset(
    {400, 401, 402, 403, 404, 405, 408, 409, 410, 413, 415, 422, 429, 500, 502, 503, 504, 520, 522, 524, 529}
)
_STATUS_PATTERNS = (
    re.compile(
        r"(?i)(?:error code|status code|status_code|statuscode|http status|http|status|error|errore api|"
        r"response code|openai error|chatgpt error|状态码|错误码)\s*[:=]?\s*\(?\[?([45]\d\d)\b"
    ),
    re.compile(
        r"(?:^|[\s>■:(\[{,|\"'])([45]\d\d)(?!\s+(?:in|tokens?|of|and|or|ms|to|per|the)\b)"
        r"(?=\s+[A-Za-z{<\"'(]|:\s|\s*-\s|\])"
    ),
    re.compile(r"(?i)[\"']?(?:status|statusCode|code)[\"']?\s*[:=]\s*([45]\d\d)\b"),
    re.compile(r"(?:POST|GET)\s+/\S{1,200}\s+([45]\d\d)\b"),
    re.compile(r"(?i)\b(?:a|with)\s+([45]\d\d)\b"),
)

_KEY_VALUE = r"[\"']?\s*(?:=>|:|=)\s*"
_CODE_PATTERNS = (
    re.compile(
        r"(?i)[\"'\[{(\s,]?(?:error_?code|responseCode|code)" + _KEY_VALUE + r"[\"']?([A-Za-z][\w\-]{1,60})(?![\w.])"
    ),
)
_KNOWN_CODES = re.compile(
    r"\b(model_not_found|insufficient_quota|invalid_api_key|rate_limit_exceeded|context_length_exceeded|"
    r"unsupported_parameter|unsupported_value|DeploymentNotFound|ModelDeprecated|OperationNotSupported|"
    r"mismatched_organization|unsupported_country_region_territory|invalid_prompt|model_not_supported|"
    r"invalid_access_program|cyber_policy|invalid_request_body|invalid_value|invalid_type|billing_hard_limit_reached|"
    r"model_not_available|invalid_organization|missing_scope)\b"
)
_TYPE = re.compile(r"(?i)[\"'\s{,]type" + _KEY_VALUE + r"[\"']([a-z_]{3,60})[\"']")
_PARAM = re.compile(r"(?i)[\"'\s{,]param" + _KEY_VALUE + r"[\"']([^\"'\s]{1,80})[\"']")
_PARAM_LOG = re.compile(r"error_param=([\w.\[\]]{1,80})")
_PROJECT = re.compile(r"\bproj_[A-Za-z0-9]{24}|\bproj_[A-Za-z0-9]{3,40}")
_PROJECT_HEADER = re.compile(r"(?i)openai-project[\"']?\s*[:=]\s*[\"']?(proj_[A-Za-z0-9]{3,40})")
_ORG = re.compile(r"\borg-[A-Za-z0-9]{8,40}\b")
_ORG_HEADER = re.compile(r"(?i)openai-organization[\"']?\s*[:=]\s*[\"']?(org-[A-Za-z0-9]{8,40})")
_REQUEST_ID = re.compile(
    r"(?i)(?:x-request-id|request[ _-]?id|apim-request-id)[\"']?\s*(?::|=|is)?\s*[\"']?([A-Za-z0-9_\-]{8,80})"
)
_REQ = re.compile(r"\breq_[A-Za-z0-9]{8,64}\b")

# Model ids named by the error itself, most specific first.
_MODEL_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"(?i)does\s*not\s*have\s*access\s*to\s*model\s*" + _Q + r"(" + _ID + r"?)" + _Q + r"(?=[\s\"',}]|$)",
        r"(?i)verified\s+to\s+use\s+the\s+model\s+" + _Q + r"(" + _ID + r"?)" + _Q + r"(?=[\s.\"',]|$)",
        r"(?i)the\s+model[:\s]\s*" + _Q + r"\s*(" + _ID + r"?)\s*" + _Q + r"\s*(?:has\s+been\s+deprecated|does\s*not"
        r"|not\s+found|is\s+not|was\s+not)",
        r"(?i)the\s+" + _Q + r"(" + _ID + r"?)" + _Q + r"\s+model\s+is\s+not",
        r"(?i)requested\s+model,?\s*[`'\"](" + _ID + r"?)[`'\"]",
        r"(?i)model\s+not\s+found[:\s]\s*" + _Q + r"(" + _ID + r"?)" + _Q + r"(?=[\s\"',]|$)",
        r"(?i)\bmodel\s+" + _Q + r"(" + _ID + r"?)" + _Q + r"\s+(?:is\s+not|does\s+not|not\s+found|has\s+been)",
        r"(?i)" + _Q + r"(" + _ID + r"?)" + _Q + r"\s+is\s+not\s+a\s+valid\s+model",
        r"(?i)model\s+\"(" + _ID + r"?)\"\s+(?:not\s+found|is\s+not\s+in)",
        r"(?i)(?:rate\s+limit\s+reached|request\s+too\s+large)\s+for\s+(" + _ID + r"?)\s+in\s",
        r"(?i)is\s+not\s+supported\s+with\s+(" + _ID + r"?)[.\s]*(?:\(|$|\")",
        r"(?i)(?:^|\s)to\s+model\s+" + _Q + r"(" + _ID + r"?)" + _Q + r"(?=[\s\"',]|$)",
        r"(?i)for\s+model\s+" + _Q + r"(" + _ID + r"?)" + _Q + r"(?=[\s\"',]|$)",
    )
)
# Model ids named around the error: configuration, calls, prose.
_MODEL_CONTEXT = tuple(
    re.compile(p)
    for p in (
        r"(?i)[\"']model[\"']\s*(?::|=>|=)\s*[\"'](" + _IDG + r")[\"']",
        r"(?i)\bmodel\s*=\s*[\"'](" + _IDG + r")[\"']",
        r"(?im)^[\s│|>*\-↳]*model(?: in use| version)?\**\s*:\s*\**\s*(" + _IDG + r")\s*[.│|]?\s*$",
        r"(?i)/(?:engines|deployments)/(" + _IDG + r")/",
        r"(?i)\b(?:use|using|picked|selected|tried)\s+(?:the\s+)?(?:model[:\s]\s*)?(?:openai\s+)?[`'\"]?("
        + _IDG
        + r")",
        r"(?i)[`'\"](" + _IDG + r")[`'\"]",
        r"(?i)\bthe\s+(" + _IDG + r")\s+model\b",
        r"(?i)(?:^|\s)(" + _IDG + r")\s+(?:goes|causes|model)\b",
    )
)
_ID_SHAPED = re.compile(
    r"^(?:gpt|o\d|text-|dall-e|whisper|tts|chatgpt|davinci|babbage|curie|codex|computer-use|omni|sora)[\w.\-]{0,80}$"
)
_TOKEN = re.compile(r"[A-Za-z0-9][\w.:/\-]{1,80}")

# Endpoint evidence, most direct first.
_EP_MESSAGE = (
    (re.compile(r"(?i)not\s+supported\s+in\s+the\s+v1/completions"), "completions"),
    (re.compile(r"(?i)not\s+supported\s+in\s+the\s+v1/chat/completions"), "chat.completions"),
    (
        re.compile(r"(?i)only\s+supported\s+in\s+v1/responses\s+and\s+not\s+in\s+/?v1/chat/completions"),
        "chat.completions",
    ),
    (re.compile(r"(?i)not\s+supported\s+with\s+the\s+Responses\s+API"), "responses"),
    (re.compile(r"(?i)Missing\s+scopes?:\s*api\.responses"), "responses"),
)
_EP_PATH = re.compile(
    r"(?i)(?:https?://[^\s/\"']{1,200})?(?:/\s?[\w.\-]{1,60}){0,6}?/v1((?:/[\w.\-]{1,80}){1,6})|"
    r"(?:POST|GET)\s+((?:/[\w.\-]{1,80}){1,8})"
)
_EP_SDK = re.compile(
    r"(?:\b(?:client|openai|oai|aclient|async_client|openai_client|self\.client|self\._client)\.(?:beta\.)?"
    r"((?:chat\.completions|responses|embeddings|completions|images|moderations|audio\.\w{1,20}|fine_tuning\.jobs"
    r"|realtime)\.(?:create|acreate|generate|edit|parse|stream|connect))\s*\()|"
    r"\bopenai\.(ChatCompletion|Completion|Embedding|Image|FineTuningJob|Moderation|Audio)\.a?create\b|"
    r"OpenAI::(\w{1,20})\(\)->(\w{1,20})|"
    r"\bOpenAI(Chat|Responses|Completion|Embedding|Image)(?:Language|Embedding)?Model\b|"
    r"openai[/\\]resources[/\\]((?:chat[/\\]completions|responses|embeddings|completions|images|audio|moderations))[/\\]"
)
_SDK_WORDS = {
    "ChatCompletion": "chat.completions",
    "Completion": "completions",
    "Embedding": "embeddings",
    "Image": "images.generate",
    "FineTuningJob": "fine_tuning.jobs",
    "Moderation": "moderations",
    "Audio": "audio.transcriptions",
    "Chat": "chat.completions",
    "Responses": "responses",
}


@dataclass
class Parsed:
    """What the text says, before classification."""

    text: str  # bounded, redacted, quote-normalized (lines kept)
    flat: str  # the same with whitespace collapsed and escapes removed
    status: int | None = None
    error_code: str | None = None
    error_type: str | None = None
    param: str | None = None
    model: str | None = None
    model_from_message: bool = False
    project_id: str | None = None
    organization_id: str | None = None
    request_id: str | None = None
    endpoint: str | None = None
    notes: list[str] = field(default_factory=list)


def normalize(text: str) -> tuple[str, str]:
    text = text.translate(_QUOTES)
    flat = _ESCAPED_NL.sub(" ", text)
    flat = _ESCAPED_QUOTE.sub(r"\1", flat)
    flat = _SPACES.sub(" ", flat)
    return text, flat


def parse(raw: str) -> Parsed:
    text, flat = normalize(raw)
    parsed = Parsed(text=text, flat=flat)
    anchor = _anchor(flat)
    parsed.status = _status(flat, anchor)
    parsed.error_code = _code(flat)
    match = _TYPE.search(flat)
    parsed.error_type = match.group(1) if match else None
    parsed.param = _param(flat)
    parsed.model, parsed.model_from_message = _model(text, flat)
    parsed.project_id = _project(flat)
    org = _ORG_HEADER.search(flat) or _ORG.search(flat)
    parsed.organization_id = (org.group(1) if org.re is _ORG_HEADER else org.group(0)) if org else None
    req = _REQUEST_ID.search(flat)
    if req and not req.group(1).isalpha():
        parsed.request_id = req.group(1)
    else:
        req2 = _REQ.search(flat)
        parsed.request_id = req2.group(0) if req2 else None
    parsed.endpoint = endpoint_in(flat)
    return parsed


_ANCHORS = re.compile(
    r"(?i)does\s*not\s*(?:exi|have access)|has been deprecated|not supported|must be verified|Missing scopes|"
    r"exceeded your current quota|Rate limit reached|maximum context length|Unsupported (?:parameter|value)|"
    r"Incorrect API key|DeploymentNotFound|not a valid model|Invalid URL|not found|Country, region|"
    r"should match organization|insufficient permissions|server had an error|Invalid (?:value|type)|"
    r"could not parse|Request too large|Bad Gateway|Not Found"
)


def _anchor(flat: str) -> int:
    match = _ANCHORS.search(flat)
    return match.start() if match else len(flat)


def _status(flat: str, anchor: int) -> int | None:
    best: tuple[float, int] | None = None
    for rank, pattern in enumerate(_STATUS_PATTERNS):
        for match in pattern.finditer(flat, 0, min(len(flat), anchor + 4000)):
            value = int(match.group(1))
            if value not in _STATUSES:
                continue
            pos = match.start(1)
            distance = anchor - pos if pos <= anchor else (pos - anchor) + 200
            score = distance + rank * 5 + (400 if rank == 4 else 0)
            if best is None or score < best[0]:
                best = (score, value)
    return best[1] if best else None


_NULLS = frozenset({"none", "null", "nil", "undefined"})


def _code(flat: str) -> str | None:
    for pattern in _CODE_PATTERNS:
        for match in pattern.finditer(flat):
            value = match.group(1)
            if value.lower() in _NULLS or value.isdigit():
                continue
            if value.lower() in ("invalid_request_error", "error", "system"):
                continue
            return value.rstrip(".")
    known = _KNOWN_CODES.search(flat)
    if known:
        before = flat[max(0, known.start() - 12) : known.start()].lower()
        if "type" not in before:
            return known.group(1)
    return None


def _param(flat: str) -> str | None:
    match = _PARAM.search(flat) or _PARAM_LOG.search(flat)
    if match and match.group(1).lower() not in _NULLS:
        return match.group(1)
    return None


def _project(flat: str) -> str | None:
    match = _PROJECT_HEADER.search(flat)
    if match:
        return match.group(1)
    match = _PROJECT.search(flat)
    return match.group(0) if match else None


_TRAIL = "\"'`.,;:)]}>!?"


def _clean_id(value: str, quoted: bool) -> str:
    value = value.strip()
    if not quoted:
        value = value.rstrip(_TRAIL) if not value.endswith(">") else value
    return value.strip("`'\"")


def _model(text: str, flat: str) -> tuple[str | None, bool]:
    for pattern in _MODEL_PATTERNS:
        match = pattern.search(flat)
        if match:
            raw = match.group(1)
            quoted = match.end(1) < len(flat) and flat[match.end(1) : match.end(1) + 1] in "`'\""
            value = _clean_id(raw, quoted)
            if value and _plausible_id(value):
                return value, True
    return None, False


def context_model(text: str, flat: str, is_known: object) -> str | None:
    """A model id named around the error (config, call, prose) that the catalog knows."""
    check = is_known if callable(is_known) else (lambda _s: False)
    for pattern in _MODEL_CONTEXT:
        for source in (text, flat) if pattern.flags & re.MULTILINE else (flat,):
            for match in pattern.finditer(source):
                value = _clean_id(match.group(1), False)
                known = check(value)
                if known:
                    return str(known)
                if _ID_SHAPED.match(value) and any(ch.isdigit() for ch in value):
                    return value
    for match in _TOKEN.finditer(flat):
        known = check(_clean_id(match.group(0), False))
        if known:
            return str(known)
    return None


def _plausible_id(value: str) -> bool:
    if len(value) > 150 or len(value) < 2:
        return False
    lowered = value.lower()
    return lowered not in {"the", "model", "this", "that", "it", "a", "an", "is", "you", "your"}


def endpoint_in(flat: str) -> str | None:
    for pattern, name in _EP_MESSAGE:
        if pattern.search(flat):
            return name
    for match in _EP_PATH.finditer(flat):
        path = match.group(1) or match.group(2) or ""
        found = endpoint_from_path(path)
        if found:
            return found
    found = None
    for match in _EP_SDK.finditer(flat):
        if match.group(1):
            found = _canonical(match.group(1))
        elif match.group(2):
            found = _SDK_WORDS.get(match.group(2))
        elif match.group(3):
            found = _canonical(f"{match.group(3)}.{match.group(4)}")
            if found is None and match.group(3).lower() == "images":
                found = "images.generate"
        elif match.group(5):
            found = _SDK_WORDS.get(match.group(5))
        elif match.group(6):
            found = _canonical(match.group(6).replace("\\", "/"))
        if found:
            return found
    return None


def endpoint_from_path(path: str) -> str | None:
    parts = [p for p in path.replace(" ", "").split("/") if p and p != "v1"]
    if not parts or parts[0] in ("models", "organization", "files", "uploads"):
        return None
    # Longest known suffix wins: /v1/engines/x/embeddings, /v1/chat/completions/chat/completions.
    for size in (3, 2, 1):
        if len(parts) >= size:
            found = _canonical("/" + "/".join(parts[-size:]))
            if found and not (size == 1 and parts[-1] == "completions" and len(parts) > 1 and parts[-2] == "chat"):
                return found
    return None
