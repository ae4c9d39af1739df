"""Parsed facts → one category with confidence, evidence and ranked alternatives.

Each rule is a precompiled pattern over the normalized text with a base confidence; the
strongest signal wins and the others become alternatives. Model-access rules outrank
neighbouring errors in the same paste (a model error followed by a quota error is about
the model). The ambiguous "does not exist or you do not have access" is resolved with the
catalog and, when given, live facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from ..catalog import Catalog, strip_provider
from ..results import ProjectPermissions
from ..vocab import Category
from .parse import _CODE_PATTERNS, Match, Parsed, Pattern, gates, linear, openai_shaped, present_gates


@dataclass(frozen=True)
class LiveFacts:
    """Facts from the configured key, injected so the core stays pure and testable."""

    listed: set[str] | frozenset[str] | None = None
    permissions: ProjectPermissions | None = None


@dataclass
class Classification:
    """What the text says: the category with its confidence and evidence (diagnosis/classify)."""

    category: Category
    confidence: float
    evidence: list[str]
    alternatives: list[tuple[Category, float]] = field(default_factory=list)
    lifecycle: str | None = None  # of the model, when the catalog knows it
    resolved: str | None = None  # catalog id the model resolves to
    checked_live: bool = False
    note: str = ""


_R = re.IGNORECASE

# Message families, written as meaning: each row is (category, confidence, gates, pattern,
# evidence label). A row is tried only when one of its gates (lower-case literals) occurs in the
# lower-cased text, so the table costs a handful of substring tests per text. Confidence is what
# the phrase alone proves: phrasings that only one cause produces are ≥ 0.8; phrasings shared
# by two causes stay below, and the facts table (status, exception class) never goes above 0.75.
# A client library's own table of models refuses the id before any request is sent: LlamaIndex
# and LiteLLM ("Unknown model", context-window tables), RubyLLM's ModelNotFoundError, NextChat's
# DEFAULT_MODELS, tiktoken's tokeniser map, Qwen Code's per-auth-type list, aider's "did you mean".
_CLIENT_TABLE_LABEL = "the client library's own model table"
# A web server's own 404 (an HTML page, Spring Boot's {timestamp, status, error, path} body): the
# path is missing, not the model.
_ROUTE_404_LABEL = "a plain 404 page, not an OpenAI error body: the base URL or path is wrong"
_CLIENT_TABLE = (
    r"Unknown context window size for model|ValueError: Unknown model|Model not in model_prices_and_context_window|"
    r"RubyLLM::ModelNotFoundError|not found in DEFAULT_MODELS|Could not automatically map \S{1,120} to a tokeni[sz]er|"
    r"Unknown encoding \S{1,120}\. Plugins found|is not available for auth type|"
    r"Unknown model \S{1,160}, did you mean one of these"
)
_FAMILIES: tuple[tuple[Category, float, tuple[str, ...], str, str], ...] = (
    # ---- Azure
    (
        "azure_deployment_not_found",
        0.97,
        ("deploymentnotfound", "deployment for this resource", "deployment for the resource"),
        r"DeploymentNotFound|API deployment for this resource does not exist|"
        r"API deployment for the resource does not exist",
        "Azure says the deployment does not exist",
    ),
    (
        "model_retired",
        0.95,
        ("modeldeprecated", "no longer available"),
        r"ModelDeprecated|deployment is deprecated and no longer available",
        "Azure says the deployment's model is retired (410)",
    ),
    (
        "wrong_endpoint",
        0.93,
        ("operationnotsupported", "operation does not work"),
        r"OperationNotSupported|operation does not work with the specified model",
        "Azure says the operation does not work with this model",
    ),
    # ---- Amazon Bedrock (documented ValidationException wordings)
    (
        "client_misconfigured",
        0.85,
        ("on-demand throughput",),
        r"on-demand throughput isn\S{1,3}t supported|on-demand throughput is not supported|"
        r"doesn\S{1,3}t support on-demand throughput|does not support on-demand throughput",
        "Bedrock serves this model only through an inference profile: call it by the profile id "
        "(us./eu./apac./global. prefix) or ARN, not the bare model id",
    ),
    (
        "unknown_model_name",
        0.8,
        ("at 'modelid' failed to satisfy",),
        r"at 'modelId' failed to satisfy constraint",
        "Bedrock says the model id is not a valid model id or ARN",
    ),
    # ---- retired (the provider says so, whatever the catalog knows)
    (
        "model_retired",
        0.85,
        ("no longer available",),
        r"\bmodel\s\S{1,120}\sis no longer available",
        "the provider says the model is no longer available (Gemini: retired, or closed to new users)",
    ),
    (
        "model_retired",
        0.93,
        ("decommissioned", "retired", "shut down", "sunset", "下线", "弃用", "停用", "廃止"),
        r"(?:has been|have been|is|was|are|were|has|have) decommissioned|model_decommissioned|model\S{0,3}\s[^.]{0,80}(?:has been|was) (?:retired|shut down|"
        r"sunset)|模型\S{0,80}(?:已下线|已弃用|已停用)|モデル\S{0,80}廃止",
        "the provider says the model has been retired",
    ),
    # ---- region
    (
        "region_not_supported",
        0.96,
        ("country", "region", "地区", "国家", "地域", "サポートされていない", "región", "região"),
        r"unsupported_country_region_territory|Country, region,? or territory not supported|"
        r"not (?:supported|available) in (?:this|your) (?:region|country)|不支持的(?:国家|地区)|(?:国家|地区)不受支持|"
        r"サポートされていない(?:国|地域)|país,? región|país,? região",
        "the API refuses requests from this country or region",
    ),
    # ---- verification
    (
        "organization_verification_required",
        0.96,
        ("verified", "verification", "verify your organization", "验证", "認証"),
        r"organizations? must be verified|verify your organization|organization verification|"
        r"组织(?:必须)?(?:经过)?验证|組織の認証",
        "the organization must be verified",
    ),
    # ---- scope
    (
        "key_permission_denied",
        0.95,
        ("scope", "insufficient permissions", "作用域", "范围", "スコープ", "범위", "permisos insuficientes"),
        r"Missing scopes?:|missing_scope|insufficient permissions for this operation|required scopes?\b|"
        r"缺少(?:作用域|范围|权限范围)|スコープが(?:不足|ありません)|권한 범위|permisos insuficientes",
        "the key lacks a required scope",
    ),
    # ---- project policy
    (
        "project_access_denied",
        0.95,
        ("project",),
        r"Project\s?[^\n]{0,60}?\s?does\s?not\s?have\s?access\s?to\s?model",
        "the project is not allowed to use the model",
    ),
    # ---- endpoint mismatch
    (
        "wrong_endpoint",
        0.95,
        ("chat model", "v1/responses", "responses api", "embeddings from", "legacy protocol", "v1/chat/completions is"),
        r"This is a chat model and not supported in the v1/completions|not a chat model and thus not supported|"
        r"only supported in /?v1/responses|not supported with the Responses API|does not support (?:the )?Responses API|"
        r"/?v1/chat/completions is not supported|Please use /?v1/responses|"
        r"not allowed to generate embeddings from this model|Unsupported legacy protocol",
        "the model does not serve the endpoint that was called",
    ),
    (
        "wrong_endpoint",
        0.85,
        ("does not support", "not supported on", "is not a", "不支持", "this endpoint", "the endpoint"),
        r"does not support (?:the )?(?:chat(?: completions?)?|completions?|embeddings?) (?:endpoint|api|operation)|"
        r"not supported (?:by|on|for) this endpoint|not supported (?:by|on|for) the endpoint|"
        r"(?:model )?is not supported on (?:the )?/?v1/|is not an? (?:chat|completions?|embeddings?) model|"
        r"(?:模型)?不支持(?:该|此)?(?:接口|端点|endpoint)",
        "the model does not serve the endpoint that was called",
    ),
    # ---- client configuration
    (
        "client_misconfigured",
        0.93,
        ("organization", "project"),
        r"mismatched_organization|OpenAI-Organization header should match|no such organization|"
        r"invalid_organization|No such project|OpenAI-Project header",
        "the organization or project header does not match the key",
    ),
    (
        "client_misconfigured",
        0.93,
        ("apiremovedinv1", "openai>=1.0.0", "openai migrate"),
        r"APIRemovedInV1|no longer supported in openai>=1\.0\.0|openai migrate",
        "code written for openai<1.0 runs on a newer SDK",
    ),
    (
        "client_misconfigured",
        0.9,
        ("invalid url",),
        r"Invalid URL \((?:POST|GET|PUT|DELETE) ",
        "the request went to a path the API does not have (base URL or path mistake)",
    ),
    (
        "client_misconfigured",
        0.8,
        ("<title>404 not found</title>", "path", "/v1/"),
        r"<title>404 Not Found</title>|[\"']error[\"']:\s?[\"']Not Found[\"'],\s?[\"']path[\"']|/v\d/v1/",
        _ROUTE_404_LABEL,
    ),
    (
        "client_misconfigured",
        0.88,
        ("llm provider not provided", "provide a valid openai model name"),
        r"LLM Provider NOT provided|Please provide a valid OpenAI model name",
        "the client library does not know how to route this model id (provider prefix or library version)",
    ),
    (
        "client_misconfigured",
        0.78,
        ("resource not found", "detail", "资源不存在"),
        r"\bResource not found\b|\"detail\":\s?\"Not Found\"|azure[^\n]{0,40}资源不存在",
        "a bare 404 from the host, not an API error body: the base URL, path, API version or deployment path is wrong",
    ),
    (
        "invalid_request",
        0.88,
        ("model=none", "model=null", "model=undefined", "items are not persisted"),
        r"model=None\b|model=null\b|model=undefined\b|Items are not persisted",
        "the request itself is incomplete (no model, or a reference to an item that was not stored)",
    ),
    (
        "client_misconfigured",
        0.93,
        ("provide a valid openai model name",),
        r"Please provide a valid OpenAI model name",
        "the client library does not know how to route this model id (provider prefix or library version)",
    ),
    # ---- account
    (
        "account_access_denied",
        0.9,
        ("codex with a chatgpt account", "list of available models"),
        r"not supported when using Codex with a ChatGPT account|is not in the list of available models",
        "the account cannot use this model",
    ),
    (
        # OpenRouter: the account's privacy settings (data policy, guardrails) exclude every provider
        # of the model; two phrasings, older and newer
        "account_access_denied",
        0.8,
        ("data policy", "guardrail restrictions"),
        r"No endpoints (?:found|available) matching your (?:data policy|guardrail restrictions)",
        "the account's privacy settings (data policy) exclude every provider of this model",
    ),
    # ---- unsupported parameter
    (
        "unsupported_parameter",
        0.9,
        (
            "unsupported",
            "not supported with",
            "hosted tool",
            "no endpoints found that support",
            "does not support",
            "parámetro",
            "不支持",
            "サポート",
            "no soportado",
            "não suportado",
            "nicht unterstützt",
            "non pris en charge",
            "не поддерживается",
        ),
        r"Unsupported parameter|Unsupported param:|Unsupported value|unsupported_parameter|unsupported_value|UnsupportedParams|"
        r"is not supported with this model|Hosted tool \S{1,60} is not supported with|"
        r"No endpoints found that support|does not support (?:tools|tool use|tool calling|function calling|images|"
        r"image input|vision|streaming|system messages?|temperature|logprobs)|"
        r"不支持(?:参数|该参数|此参数|工具|函数调用|图片)|パラメータ\S{0,20}サポートされていません|"
        r"parámetro no (?:soportado|compatible)|parâmetro não suportado|Parameter \S{0,40}(?:wird )?nicht unterstützt|"
        r"paramètre \S{0,40}non pris en charge|параметр \S{0,40}не поддерживается",
        "a parameter or value this model does not accept",
    ),
    # ---- context length
    (
        "context_length_exceeded",
        0.93,
        ("context", "prompt is too long", "上下文", "コンテキスト", "컨텍스트"),
        r"maximum context length|context_length_exceeded|context window|ContextWindowExceeded|prompt is too long|"
        r"exceeds the (?:model's )?(?:maximum )?context|上下文(?:长度|窗口)|コンテキスト長|컨텍스트 길이",
        "the request is longer than the model's context window",
    ),
    # ---- authentication
    (
        "invalid_api_key",
        0.92,
        (
            "api key",
            "api_key",
            "authentication",
            "auth credentials",
            "x-api-key",
            "apikey",
            "密钥",
            "令牌",
            "api キー",
            "subscription key",
            "deactivated",
            "terminated",
            "authorization header",
            "api-key",
            "キーが",
            "apiキー",
            "clave de api",
            "chave de api",
            "api 키",
            "api-schlüssel",
            "clé api",
            "ключ api",
        ),
        r"Incorrect API key provided|invalid_api_key|api_key client option must be set|"
        r"OPENAI_API_KEY environment variable|invalid subscription key|Invalid Authentication|"
        r"You didn't provide an API key|No API key provided|No auth credentials found|invalid x-api-key|"
        r"Authentication Fails|API key not valid|API key is invalid|invalid (?:\w{1,20} )?(?:api key|api_key|api-key|apikey)|"
        r"api key (?:might|may) (?:be )?invalid|Missing Authentication header|missing (?:the )?authorization header|"
        r"associated with a deactivated account|account_deactivated|access was terminated|access_terminated|"
        r"API ?密钥(?:无效|错误|不正确)|无效的(?:API ?密钥|令牌)|令牌(?:无效|已过期)|API ?キーが(?:無効|正しくありません)|"
        r"clave de API (?:no válida|inválida|incorrecta)|chave de API inválida|API 키가 (?:유효하지|잘못)|"
        r"ungültiger API-Schlüssel|clé API (?:invalide|incorrecte)|неверный ключ API|недействительный ключ API",
        "the API key is missing or wrong",
    ),
    # ---- quota and credits
    (
        "insufficient_quota",
        0.8,
        ("quota", "billing"),
        r"exceeded (?:your |the )?current quota|insufficient_quota|exceeded_current_quota|billing_hard_limit|billing_not_active|"
        r"account is not active, please check your billing|\binsufficient quota\b",
        "the account has no quota (billing) left",
    ),
    (
        "insufficient_quota",
        0.88,
        (
            "credit",
            "balance",
            "funds",
            "payment required",
            "budget",
            "余额",
            "额度",
            "欠费",
            "残高",
            "saldo",
            "crédit",
            "guthaben",
            "баланс",
            "недостаточно",
            "잔액",
        ),
        r"requires more credits|insufficient credits|(?:credit|account) balance is too low|insufficient (?:account )?"
        r"balance|insufficient funds|Payment Required|Budget has been exceeded|exceeded (?:your |the )?(?:monthly )?"
        r"budget|余额不足|额度(?:不足|已用完)|预扣费额度失败|剩余额度|欠费|残高不足|saldo insuficiente|crédit insuffisant|"
        r"Guthaben (?:reicht nicht|aufgebraucht)|недостаточно средств|баланс|잔액(?:이)? 부족",
        "the account has run out of credits or budget",
    ),
    # ---- rate limits
    (
        "rate_limited",
        0.88,
        ("rate limit", "rate_limit", "too large for", "too many requests"),
        r"Rate limit reached|rate_limit_exceeded|Request too large for \S{1,80} in organization|Too Many Requests",
        "the request hit a rate limit",
    ),
    (
        "rate_limited",
        0.8,
        (
            "rate limit",
            "rate-limit",
            "ratelimit",
            "频繁",
            "频率",
            "速率",
            "レート",
            "límite de",
            "limite de taxa",
            "요청 한도",
            "ratenlimit",
            "limite de débit",
            "лимит запросов",
        ),
        r"\brate limit|\brate-limit|\bratelimit(?:\b|ed\b|ing\b|s\b)|请求(?:过于|太)频繁|(?:频率|速率)限制|レート制限|límite de (?:velocidad|tasa|solicitudes)|"
        r"limite de taxa|요청 한도|Ratenlimit|limite de débit|лимит запросов",
        "the request hit a rate limit",
    ),
    (
        # OpenRouter's per-key spending cap (403 "Key limit exceeded (total limit)"): the key's own
        # budget is spent, whatever the account's balance
        "insufficient_quota",
        0.85,
        ("key limit exceeded",),
        r"\bKey limit exceeded\b",
        "the key's own spending limit is used up (raise it or use another key)",
    ),
    # ---- transport
    (
        "connection_error",
        0.82,
        (
            "connect",
            "econn",
            "etimedout",
            "enotfound",
            "timed out",
            "timeout",
            "fetch failed",
            "getaddrinfo",
            "max retries",
            "dial tcp",
            "i/o ",
            "und_err",
            "unknownhost",
            "no such host",
            "eai_again",
            "socket hang up",
            "certificate verify",
            "sslerror",
            "resolve host",
            "unreachable",
            "连接",
            "网络",
            "forcibly closed",
            "connection aborted",
            "error communicating",
            "接続",
            "tiempo de espera",
            "zeitüberschreitung",
            "délai d'attente",
            "время ожидания",
            "연결",
            "eof",
        ),
        # curl's own messages (CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_CONNECT) and Go's url.Error
        # for a connection closed before any answer (Post "https://…": EOF)
        r"Timeout was reached|Failed to connect to \S{1,100} port \d{1,5}|"
        r'(?:Post|Get) "https?://[^"\s]{1,200}": (?:unexpected )?EOF\b|'
        r"APIConnectionError|Connection error|ECONNREFUSED|ETIMEDOUT|\bENOTFOUND\b|ECONNRESET|EAI_AGAIN|Request timed out|"
        r"APITimeoutError|Failed to establish a new connection|fetch failed|getaddrinfo|Connection reset|"
        r"Max retries exceeded with url|ConnectTimeout|ReadTimeout|Connection timed out|Connection refused|"
        r"\bi/o timeout|dial tcp|UND_ERR_\w{2,30}|Connect Timeout Error|I/O error on (?:POST|GET|PUT) request|"
        r"SocketTimeoutException|UnknownHostException|ConnectException|no such host|socket hang up|"
        r"certificate verify failed|SSLError|Could not resolve host|Network is unreachable|"
        r"Connection to \S{1,100} timed out|forcibly closed by the remote host|ConnectionResetError|Connection aborted|"
        r"Error communicating with OpenAI|远程主机强迫关闭了一个现有的连接|连接(?:超时|失败|被拒绝)|网络(?:错误|异常)|接続(?:がタイムアウト|できません)|"
        r"tiempo de espera agotado|Zeitüberschreitung|délai d'attente dépassé|время ожидания истекло|연결(?:할 수 없|시간 초과)",
        "the client could not reach the server",
    ),
    # ---- server
    (
        "server_error",
        0.78,
        ("server", "bad gateway", "service unavailable", "gateway time", "overloa", "服务器", "retry your request"),
        r"server_error|server had an error|InternalServerError|Bad Gateway|Service Unavailable|"
        r"You can retry your request, or contact us|"
        r"Internal Server Error|Gateway Time-?out|is currently overloa|overloaded_error|\b(?:is|are) overloaded\b|服务器(?:错误|内部错误|繁忙)",
        "the server failed",
    ),
    # ---- malformed conversations and out-of-range values (roles, order, empty content)
    (
        "invalid_request",
        0.78,
        (
            "with role",
            "is not one of [",
            "must be a response to",
            "content blocks must",
            "valid role",
            "elements with the role",
            "valid range",
            "followed by tool messages",
        ),
        r"messages? with role \W?\w+\W? must be|must be a response to a prece+ding message|is not one of \[|"
        r"content blocks must contain|Please use a valid role|do not contain elements with the role|valid range\s+of|"
        r"must be followed by tool messages",
        "the request's messages or values are malformed (roles, order, empty content, a value out of range)",
    ),
    # ---- a fine-tuned model, said in words, that cannot be found
    (
        "fine_tune_scope",
        0.72,
        ("tuned", "tune", "tuning", "微调"),
        r"(?:fine[- _]?tuned|fine[- _]?tune|fine[- _]?tuning|微调)[^\n]{0,300}?(?:does\s?n[o']t exist|not found|do not have access|不存在)",
        "a fine-tuned model is not found: fine-tunes are visible only to the organization that trained them",
    ),
    (
        "fine_tune_scope",
        0.8,
        ("tuned model",),
        r"(?:permission to access|access to) tuned model",
        "a tuned model the caller may not use: tuned models are visible only to their owner (Gemini)",
    ),
    # ---- Google's generic NOT_FOUND (Gemini API, Gemini CLI, Vertex): most often the model named
    (
        "unknown_model_name",
        0.7,
        ("requested entity was not found",),
        r"(?:^|[^\w ])\s?Requested entity was not found",
        "Google says the requested entity was not found (most often the model id; also a project or location)",
    ),
    # ---- a server with no model by that name (no id read)
    (
        "unknown_model_name",
        0.75,
        ("no matching model", "unsupported model"),
        r"No matching model(?: found)?|Unsupported model\b",
        "the server has no model by that name",
    ),
    # ---- an input kind (images, audio, files) only some models take
    (
        "unsupported_parameter",
        0.78,
        ("only supported by certain models", "does not support image", "does not support audio"),
        r"is only supported by certain models|does not support image inputs?|does not support audio inputs?",
        "this model does not take that kind of input (images, audio)",
    ),
    # ---- a relay given an empty model name
    (
        "client_misconfigured",
        0.72,
        ("无可用渠道",),
        r"(?:对于|下)模型\s*无可用渠道",
        "the gateway received an empty model name (the client sends no model)",
    ),
    # ---- credit that expired
    (
        "insufficient_quota",
        0.78,
        ("expir", "caduc", "過期", "过期"),
        r"cr[ée]dits? (?:have |has |had )?expired|expir\w*\W{0,3}\s(?:mon |ma |mes |my |your |the )?cr[ée]dits?|"
        r"(?:额度|余额|赠金)\S{0,4}(?:已)?过期",
        "the account's credit has expired",
    ),
    # ---- other malformed requests
    (
        "invalid_request",
        0.72,
        (
            "parse the json",
            "invalid type",
            "invalid value",
            "invalid_request_body",
            "is not of type",
            "missing required",
            "additional properties",
        ),
        r"could not parse the JSON body|Invalid type for|Invalid value for|Invalid value:|invalid_request_body|"
        r"is not of type|Missing required parameter|Additional properties are not allowed",
        "the request body is malformed",
    ),
    # ---- a model of another kind sent to the chat endpoint (OpenRouter's and xAI's wordings)
    (
        "wrong_endpoint",
        0.85,
        ("is an embedding model", "is an image model", "is an audio model"),
        r"is an embedding model and (?:cannot be used with|is therefore not available on)|"
        r"is an image model and (?:cannot be used with|is therefore not available on)|"
        r"is an audio model and (?:cannot be used with|is therefore not available on)",
        "this model serves another endpoint (embeddings, images, audio), not the one called",
    ),
    # ---- the API's schema check of an enum value ("'' is not one of ['system', …] - 'messages.2.role'")
    (
        "invalid_request",
        0.8,
        ("is not one of [",),
        r"is not one of \[[^\]]{1,300}\] - '",
        "a field of the request body has a value the API does not take (a malformed body)",
    ),
    # ---- not a model-access problem at all
    (
        "unknown",
        0.6,
        ("flagged", "safety system", "invalid_prompt", "content_policy", "cyber_policy"),
        r"flagged as potentially violating|rejected as a result of our safety system|invalid_prompt|"
        r"content_policy_violation|cyber_policy",
        "the prompt was refused by the safety system (not a model-access problem)",
    ),
    # ---- more phrasings of the same meanings (compatible servers, gateways, relays, SDKs)
    (
        "unknown",
        0.8,
        ("contentpolicy", "responsibleaipolicy", "content_filter", "content management policy"),
        r"ContentPolicyViolation|ResponsibleAIPolicyViolation|content_filter|content management policy",
        "the prompt was refused by a content filter (not a model-access problem)",
    ),
    (
        "unsupported_parameter",
        0.85,
        ("does not support", "unrecognized request argument"),
        r"does not support (?:thinking|reasoning)",
        "a parameter or value this model does not accept",
    ),
    (
        "client_misconfigured",
        0.72,
        ("unrecognized request argument",),
        r"Unrecognized request argument supplied:\W{0,3}(?:tools|tool_choice|functions|function_call|"
        r"response_format|seed|logprobs|top_logprobs|stream_options|parallel_tool_calls|"
        r"max_completion_tokens|reasoning_effort|store|metadata|modalities|audio|prediction|dimensions)\b",
        "Azure's api-version in use predates this OpenAI request argument: use a newer api-version",
    ),
    (
        "unsupported_parameter",
        0.7,
        ("unrecognized request argument",),
        r"Unrecognized request argument supplied",
        "a request argument this model or API version does not accept",
    ),
    (
        "context_length_exceeded",
        0.9,
        ("too long", "exceeds limit", "max_model_len"),
        r"is too long to fit into the model|is too long and exceeds limit|max_model_len",
        "the request is longer than the model's context window",
    ),
    (
        "invalid_api_key",
        0.88,
        (
            "api key",
            "apikey",
            "api_key",
            "invalid user key",
            "proxy server token",
            "member of an organization",
            "invalid token (request id",
        ),
        r"API key (?:无效|無效|status invalid)|APIkey (?:无效|無效)|api_key_invalid|invalid user key|Invalid proxy server token|"
        r"Invalid Token \(request id|"
        r"must be a member of an organization to use the API|An API key is required",
        "the API key is missing or wrong",
    ),
    (
        "key_permission_denied",
        0.85,
        (
            "not allowed to access model",
            "not available for this api key",
            "key_model_access_denied",
            "not authorized to access the requested model",
            "无权使用模型",
            "無權使用模型",
            "无权访问模型",
            "无权使用该模型",
            "无权访问该模型",
            "not allowed for this",
            "is not allowed to",
            "无权",
            "has no access to model",
            "does not have access to model",
        ),
        r"Token not allowed to access model|not available for this API key|key_model_access_denied|"
        r"not authorized to access the requested model|(?:令牌|密钥|key)\S{0,4}(?:无权使用模型|無權使用模型)|"
        r"(?:令牌|密钥|key)\S{0,4}无权(?:使用|访问)(?:该|此)?模型|not allowed for this (?:API )?(?:key|token)|"
        r"(?:key|token) is not allowed to (?:use|access) (?:this |the )?model|"
        r"(?:key|token) has no access to model|(?:key|token) does not have access to model",
        "the key is not allowed to use this model (a restricted or virtual key)",
    ),
    (
        "account_access_denied",
        0.85,
        ("has not activated the model", "modelnotopen", "non-serverless model", "dedicated endpoint for the model"),
        r"has not activated the model|ModelNotOpen|Unable to access non-serverless model|"
        r"create and start a new dedicated endpoint for the model",
        "the account has not enabled this model with the provider",
    ),
    (
        "insufficient_quota",
        0.88,
        ("余额不足", "餘額不足", "balance is insufficient", "insufficient_user_quota"),
        r"余额不足|餘額不足|balance is insufficient|insufficient_user_quota",
        "the account has run out of credits or budget",
    ),
    (
        "client_misconfigured",
        0.8,
        ("cannot post /", "cannot get /", "404 page not found", "file not found", "specify a model"),
        r"Cannot POST /|Cannot GET /|404 page not found|404 Not Found\S{0,3} response: File Not Found|"
        r"Multiple models are loaded\. Please specify a model",
        "the request reached a server that does not serve this path or needs a model named (base URL or setup)",
    ),
    (
        "invalid_request",
        0.8,
        ("invalid model: ", "is required for", "inputrequired"),
        r"Invalid model: [\"',}]|InputRequired|\bis required for\b",
        "the request lacks a required field (an empty model, a required id)",
    ),
    (
        "unknown_model_name",
        0.86,
        (
            "incorrect model id",
            "模型名字錯誤",
            "模型名称错误",
            "无可用渠道",
            "無可用渠道",
            "no available channel",
            "沒有可用的管道",
        ),
        r"Incorrect model ID|模型名字錯誤|模型名称错误",
        "the gateway has no model by that name",
    ),
    (
        "unknown_model_name",
        0.72,
        ("无可用渠道", "無可用渠道", "no available channel", "沒有可用的管道"),
        r"无可用渠道|無可用渠道|no available channel|沒有可用的管道",
        "the gateway has no channel for this model in your group (a model name or a gateway setting)",
    ),
    # one-api/new-api relay the upstream's 429 as "the group's upstream load is saturated"
    (
        "rate_limited",
        0.8,
        ("负载已饱和",),
        r"负载已饱和",
        "the relay's upstream channel is rate limited (one-api/new-api: load saturated)",
    ),
    (
        "connection_error",
        0.8,
        ("network",),
        r"\bNetwork (?:Problem|error|failure)\b",
        "the client could not reach the server",
    ),
    (
        "account_access_denied",
        0.7,
        ("requested model is not supported",),
        r"The requested model is not supported",
        "the service does not offer this model to this account",
    ),
    (
        "insufficient_quota",
        0.88,
        ("cuota", "cota", "kontingent", "quota", "квот", "クォータ", "할당량", "配额"),
        r"excedido (?:tu|su) cuota|excedeu (?:sua|a sua) cota|Kontingent (?:überschritten|aufgebraucht)|"
        r"dépassé votre quota|превысили (?:текущую |вашу )?квоту|クォータを超え|할당량을 초과|超出(?:当前)?配额|配额(?:不足|已用完)",
        "the account has no quota (billing) left",
    ),
    # ---- phrasings of other providers and runtimes (Anthropic, Gemini, Bedrock, Go, .NET, Rust, PHP, Ruby)
    # Phrasings below were written from the providers' and runtimes' documented messages but no
    # development text has confirmed them yet: they answer, but below 0.8 (see calibration).
    (
        "invalid_api_key",
        0.78,
        ("expired", "bearer token", "令牌状态"),
        r"API key (?:has )?expired|key (?:has )?expired|invalid bearer token|bearer token is invalid|令牌状态不可用",
        "the API key is missing, expired or wrong",
    ),
    (
        "insufficient_quota",
        0.78,
        ("额度已用尽", "額度已用盡"),
        r"额度已用尽|額度已用盡",
        "the account has run out of credits or budget",
    ),
    (
        "rate_limited",
        0.75,
        ("resource_exhausted", "resource has been exhausted"),
        r"RESOURCE_EXHAUSTED|Resource has been exhausted",
        "the provider's per-minute or per-day quota is exhausted (usually a rate limit)",
    ),
    (
        "connection_error",
        0.82,
        (
            "certificate_verify_failed",
            "tunnel connection",
            "proxyerror",
            "proxy",
            "remote end closed",
            "remotedisconnected",
            "server disconnected",
            "peer closed",
            "deadline exceeded",
            "client.timeout",
            "sslhandshake",
            "httpclient.timeout",
            "taskcanceledexception",
            "error sending request",
            "operation timed out",
            "curl error",
            "connectionfailed",
            "opentimeout",
            "请求超时",
            "网络连接",
            "winerror 10061",
            "actively refused",
        ),
        r"CERTIFICATE_VERIFY_FAILED|ProxyError|Unable to connect to proxy|Tunnel connection failed|"
        r"Remote end closed connection|RemoteDisconnected|Server disconnected|peer closed connection|"
        r"context deadline exceeded|Client\.Timeout exceeded|SSLHandshakeException|HttpClient\.Timeout|"
        r"TaskCanceledException|error sending request for url|operation timed out|cURL error \d{1,3}|"
        r"ConnectionFailed|OpenTimeout|请求超时|网络连接(?:失败|异常|错误)|WinError 10061|"
        r"target machine actively refused it",
        "the client could not reach the server",
    ),
    (
        "server_error",
        0.78,
        ("upstream",),
        r"upstream connect error|upstream request timeout|no healthy upstream",
        "a gateway in front of the API failed (the request may not have reached a model)",
    ),
    # ---- the client's own version or configuration is too old or wrong for the call
    (
        "client_misconfigured",
        0.85,
        ("api version", "api-version", "api versions"),
        r"API version not supported|enabled only for api versions|api-version \S{1,40} is not supported|"
        r"unsupported api version|unsupported api-version|invalid api version|invalid api-version",
        "the API version the client sends does not serve this call (Azure api-version)",
    ),
    (
        "client_misconfigured",
        0.85,
        ("newer version",),
        r"requires a newer version of",
        "the client or local server is too old for this model",
    ),
    (
        "client_misconfigured",
        0.94,
        (
            "unknown context window",
            "valueerror: unknown model",
            "model_prices_and_context_window",
            "rubyllm::modelnotfounderror",
            "default_models",
            "could not automatically map",
            "unknown encoding",
            "not available for auth type",
            "did you mean one of these",
        ),
        _CLIENT_TABLE,
        "the client library's own model table does not know this id (no request was sent)",
    ),
    (
        "client_misconfigured",
        0.86,
        ("multiple models are loaded",),
        r"Multiple models are loaded\. Please specify a model",
        "the client sends no model and the local server (LM Studio) cannot choose one",
    ),
    # ---- a plan, a team or a key that may not use the model (clients and gateways say it)
    (
        "account_access_denied",
        0.9,
        ("your current plan",),
        r"does not work with your current plan or api key",
        "the plan or key in use cannot use this model",
    ),
    (
        "key_permission_denied",
        0.85,
        ("model for team",),
        r"Invalid model for team \S{1,80}:",
        "the key's team is not allowed to use this model (a gateway's virtual key)",
    ),
    # ---- Google's quota messages are its rate limits (per minute, per day, free tier)
    (
        "rate_limited",
        0.85,
        ("resource_exhausted", "free_tier", "perdayperproject", "perminuteperproject", "docs/rate-limits"),
        r"RESOURCE_EXHAUSTED|free_tier|PerDayPerProject|PerMinutePerProject|gemini-api/docs/rate-limits",
        "Google's quota for the model is used up for now (a per-minute or per-day limit)",
    ),
    # ---- malformed requests, in OpenAI's "Invalid 'param'" and "must provide" wordings
    (
        "invalid_request",
        0.75,
        ("invalid '", "must provide a model", "allowed string values for", "allowed values for"),
        r"Invalid '[\w.\[\]]{1,80}':|must provide a model parameter|allowed string values for '|allowed values for '",
        "the request body is malformed",
    ),
    # ---- the body's shape, as OpenAI, relays and FastAPI/pydantic servers word it
    (
        "invalid_request",
        0.85,
        ("' is invalid", "invalid schema for", "('body'", '["body"', "must be an array", "invalid messages"),
        r"'\$\.[\w.\[\]]{1,80}' is invalid|Invalid schema for (?:response_format|function)|"
        r"'loc': \('body'|\"loc\":\s?\[\"body\"|messages must be an array|Invalid messages array",
        "the request body does not have the shape the API expects (a field's type or schema)",
    ),
    # a tool's JSON schema the server rejects (OpenAI's context tuple, MCP hosts, jsonschema's wording)
    (
        "invalid_request",
        0.85,
        ("missing items", "invalid tool schema", "invalid tools structure", "failed validating"),
        r"array (?:schema|parameter) missing items|Invalid tool schema for|Invalid tools structure|"
        r"Failed validating '\w{1,40}' in schema",
        "a tool's parameter schema is invalid (an array without items, a name that breaks the pattern)",
    ),
    (
        "invalid_request",
        0.75,
        ("invalid input type", "'engine' parameter"),
        r"invalid input type|Must provide an 'engine' parameter to create",
        "the request body is malformed (an input of the wrong type, or no model/engine sent)",
    ),
    # ---- the client is set up for another service or another library version
    (
        "client_misconfigured",
        0.88,
        ("'deployment_id' parameter",),
        r"Must provide an 'engine' or 'deployment_id' parameter",
        "the client is set up for Azure (api_type azure) but passes model= instead of the deployment (engine=)",
    ),
    (
        "client_misconfigured",
        0.8,
        ("requested url was not found",),
        r"requested URL was not found on (?:the|this) server",
        "a web server's own 404 page: the base URL or path is wrong (not an API error body)",
    ),
    # ---- a token without the scope the call needs (OAuth, Google)
    (
        "key_permission_denied",
        0.85,
        ("insufficient authentication scopes", "access_token_scope_insufficient", "missing scopes"),
        r"insufficient authentication scopes|ACCESS_TOKEN_SCOPE_INSUFFICIENT|Missing scopes:",
        "the token or key lacks a scope this call needs",
    ),
    # ---- Ollama: its own routes answer 404 (or a missing manifest) when the model is not pulled
    (
        "unknown_model_name",
        0.6,
        ("/api/chat", "/api/generate"),
        r"404[^\n]{0,80}/api/chat\b|404[^\n]{0,80}/api/generate\b",
        "Ollama answers 404 on its chat routes when the model is not pulled",
    ),
    (
        "unknown_model_name",
        0.75,
        ("manifests/registry.ollama.ai",),
        r"manifests/registry\.ollama\.ai/\S{1,200}: no such file or directory",
        "Ollama has no manifest for the model: it is not pulled",
    ),
    (
        "azure_deployment_not_found",
        0.8,
        ("valid deployments",),
        r"No valid deployments to route to",
        "the endpoint has no deployment to route the request to",
    ),
    (
        "unknown_model_name",
        0.78,
        ("model identifier is invalid",),
        r"(?:provided )?model identifier is invalid",
        "the server does not serve a model by that name",
    ),
    # Ollama's capability errors name the operation the model does not serve ("\"x\" does not support
    # generate", "embedding models do not support chat"); tools and thinking are parameters (above).
    (
        "wrong_endpoint",
        0.85,
        ("does not support generate", "does not support chat", "do not support chat", "does not support insert"),
        r"does not support generate\b|does not support insert\b|does not support chat(?:\s?[.,;!\"')(]|$| completions?\b| endpoint)|"
        r"embedding models do not support chat",
        "the model does not serve the operation that was called (an embedding model used for chat or generate)",
    ),
    (
        "wrong_endpoint",
        0.78,
        ("does not support embeddings",),
        r"does not support embeddings",
        "the model does not serve the endpoint that was called",
    ),
    (
        "unsupported_parameter",
        0.78,
        (
            "is not supported in this model",
            "is not supported by this model",
            "is not supported for this model",
            "is not supported on this model",
            "is not supported maxtokens",
            "is allowed for this model",
            "extra inputs are not permitted",
        ),
        r"is not supported in this model|is not supported by this model|is not supported for this model|"
        r"is not supported on this model|this model is not supported MaxTokens|only [\d.]{1,6} is allowed for this model|"
        r"Extra inputs are not permitted",
        "a parameter or value this model (or server) does not accept",
    ),
    # OpenAI's "Unknown parameter: 'x'" (code unknown_parameter), the newer wording of Azure's
    # "Unrecognized request argument supplied": a top-level argument this endpoint or model does not
    # take is an unsupported parameter; a path inside the body ('messages[0].content[0].x') is a
    # malformed body.
    (
        "unsupported_parameter",
        0.85,
        ("unknown parameter",),
        r"Unknown parameter:\s?\\?['\"`][A-Za-z_]{1,40}\\?['\"`]",
        "a request argument this endpoint or model does not take (named in the error)",
    ),
    (
        "invalid_request",
        0.78,
        ("unknown parameter",),
        r"Unknown parameter:\s?\\?['\"`]\w{1,40}[.\[]",
        "the request body has a field the API does not have (a path inside the body)",
    ),
    (
        "region_not_supported",
        0.78,
        ("user location is not supported",),
        r"User location is not supported",
        "the API refuses requests from this country or region",
    ),
    (
        "key_permission_denied",
        0.78,
        ("to perform the requested operation",),
        r"(?:doesn't|does not) have (?:the )?permissions? to perform the requested operation",
        "the key lacks a permission the call needs",
    ),
    (
        "context_length_exceeded",
        0.9,
        ("maximum number of tokens", "input is too long", "reduce the length of the messages"),
        r"exceeds the maximum number of tokens|Input is too long for requested model|reduce the length of the messages",
        "the request is longer than the model's context window",
    ),
    # ---- "no access" and other meanings in the languages developers paste
    (
        "account_access_denied",
        0.75,
        ("acceso", "acesso", "zugriff", "accès", "доступа", "访问", "權限", "权限", "アクセス", "접근", "모델에"),
        r"no tienes? acceso al modelo|não (?:tem|possui) acesso ao modelo|keinen Zugriff auf (?:das )?Modell|"
        r"(?:n'avez|n'a) pas accès au modèle|нет доступа к модели|(?:无权|没有权限)访问(?:该|此)?模型|"
        r"(?:沒有|无)(?:权限|權限)使用(?:该|此|該)?模型|モデルへのアクセス権がありません|모델에 (?:접근|액세스)할 (?:수 없|권한이 없)",
        "the account (organization or project) cannot use this model",
    ),
    (
        "rate_limited",
        0.78,
        (
            "频率过高",
            "頻率過高",
            "zu viele anfragen",
            "trop de requêtes",
            "demasiadas solicitudes",
            "muitas solicitações",
            "слишком много запросов",
            "リクエストが多すぎ",
            "요청이 너무 많",
        ),
        r"(?:请求)?频率过高|(?:請求)?頻率過高|zu viele Anfragen|trop de requêtes|demasiadas solicitudes|"
        r"muitas solicitações|слишком много запросов|リクエストが多すぎ|요청이 너무 많",
        "the request hit a rate limit",
    ),
    (
        "context_length_exceeded",
        0.78,
        ("超出最大", "超过最大", "最大上下文", "最大"),
        r"(?:超出|超过)最大(?:token|令牌|长度|上下文)|最大上下文",
        "the request is longer than the model's context window",
    ),
    # ---- request-shape facts said by servers in their own words
    (
        "invalid_request",
        0.78,
        ("invalid json", "malformed json", "json decode error", "json parse error"),
        r"Invalid JSON(?: payload| body)?\b|malformed JSON|JSON decode error|JSON parse error",
        "the request body is not valid JSON",
    ),
    (
        "invalid_request",
        0.6,
        ("invalidparameter", "invalid_parameter"),
        r"\bInvalidParameter\b|invalid_parameter_error",
        "the server rejected a parameter of the request",
    ),
    (
        "unsupported_parameter",
        0.85,
        ("does not support",),
        r"does not support (?:the )?(?:parameter |param )?[`'\"]?[a-z]+_[a-z_]+",
        "a parameter this model does not accept (named in the error)",
    ),
    # ---- more servers' "no such model" and "no permission" (Bedrock, Hugging Face router, Anthropic)
    (
        "unknown_model_name",
        0.78,
        ("could not resolve the foundation model", "not supported by any provider"),
        r"Could not resolve the foundation model|is not supported by any provider",
        "the server does not serve a model by that name",
    ),
    (
        "key_permission_denied",
        0.78,
        ("permission to use the specified resource",),
        r"does not have permission to use the specified resource",
        "the key is not allowed to use this resource",
    ),
    # ---- an empty 404: the host has no such path (an API's own errors carry a body)
    (
        "client_misconfigured",
        0.6,
        ("(no body)",),
        r"\b404 status code \(no body\)",
        "a 404 with no body: the host has no such path (base URL or path)",
    ),
    # ---- not-found phrasings that name no id we could read (an id, when read, goes to the catalog)
    (
        "unknown_model_name",
        0.86,
        (
            "invalid model name passed",
            "no models loaded",
            "not a valid model id",
            "invalid model identifier",
            "no 'model_name' with this string",
            "no endpoints found for",
        ),
        r"Invalid model name passed|No models loaded|is not a valid model ID|Invalid model identifier|"
        r"no 'model_name' with this string|No endpoints found for (?:[^t]|t[^h])",
        "the server does not serve a model by that name",
    ),
    (
        "unknown_model_name",
        0.7,
        (
            "model",
            "模型",
            "モデル",
            "모델",
            "модель",
            "modèle",
            "modell",
            "modelo",
            "找不到",
            "無効な",
            "does not exist or you do not have access",
            "no se encontró el modelo",
            "not found the model",
            "find model",
            "find the model",
        ),
        r"model (?:does not exist|doesn't exist|not found|not exist|was not found|is not found)|no such model|unknown model|"
        r"model name is not valid|model:? \S{1,80} does not exist|"
        r"does not exist or you do not have access|invalid model (?:name|id|identifier)\b|model (?:name|id) is invalid|"
        r"not found the model|(?:can't|cannot|could not|couldn't|unable to) find (?:the )?model|"
        r"模型(?:不存在|未找到|无效)|找不到模型|無効なモデル|モデルが見つかりません|모델을 찾을 수 없|модель не найдена|"
        r"modelo (?:no existe|não existe|no encontrado|não encontrado)|Modell (?:existiert nicht|nicht gefunden)|"
        r"modèle (?:introuvable|n'existe pas)|no se encontró el modelo|modelo \S{1,80} (?:no fue|não foi) encontrado|"
        r"Modell \S{1,80} wurde nicht gefunden|modèle \S{1,80} (?:est introuvable|n'a pas été trouvé)",
        "the error says the model was not found, without naming it",
    ),
)
_NO_ROUTE_LABEL = "the host has no such route: the base URL or path is wrong"
_KEY_UNSET_LABEL = "the client reports its API key missing, empty or wrong, before any answer from the API"
_HTML_ANSWER_LABEL = "the server answered with an HTML page, not JSON (most often a base URL that serves a web page)"
_NO_OBJECT_LABEL = "the request names an object (assistant, thread, file…) this project does not have"
# ---- client stacks' own wordings (issue 13, the client-stack pass): each row is a kind seen in
# two or more development texts, or in one and a documented format (cited in the row's comment).
_STACK_FAMILIES: tuple[tuple[Category, float, tuple[str, ...], str, str], ...] = (
    # The installed client library lacks what the code calls: Python's AttributeError/ImportError,
    # Ruby's NoMethodError, JavaScript's TypeError, the JVM's linkage errors, PHP's and Go's
    # undefined names, each naming the openai package (an SDK version the code was not written
    # for, or a missing install).
    (
        "client_misconfigured",
        0.85,
        (
            "has no attribute",
            "no module named",
            "cannot import name",
            "undefined method",
            "is not a constructor",
            "please install openai",
            "nosuchmethoderror",
            "noclassdeffounderror",
            "classnotfoundexception",
            "call to undefined method openai",
            "undefined: openai.",
        ),
        r"module '[\w.]{0,40}openai[\w.]{0,40}' has no attribute|No module named '?[\w.]{0,40}openai|"
        r"cannot import name '\w{1,60}' from '?[\w.]{0,40}openai|undefined method [`']\w{1,60}' for (?:#<)?OpenAI\b|"
        r"\b(?:OpenAIApi|OpenAI)\W{0,3} is not a constructor|please install openai\b|"
        r"(?:NoSuchMethodError|NoClassDefFoundError|ClassNotFoundException):? '?[\w.$/]{0,80}openai|"
        r"Call to undefined method OpenAI\\|undefined: openai\.\w",
        "the installed client library does not have what the code calls (an SDK version or install mismatch)",
    ),
    # The client found no key to send (LangChain's "OPENAI_API_KEY is not set", an app's "API Key is
    # not provided", a relay's "Missing API key", LobeChat's "API Key 不正确或为空").
    (
        "invalid_api_key",
        0.85,
        (
            "not provided",
            "not set",
            "not configured",
            "key is missing",
            "key is required",
            "key is empty",
            "missing api",
            "key must be set",
            "key cannot be null",
            "key cannot be empty",
            "key must not be null",
            "key must not be empty",
            "不正确",
            "为空",
            "未设置",
            "未配置",
        ),
        r"API[ _-]?key (?:is )?(?:not provided|not set|not configured)\b|"
        r"API[ _-]?(?:key is missing|key is required|key is empty)|\bMissing API[ _-]?key|"
        r"API[ _-]?(?:key must be set|key cannot be null|key cannot be empty|key must not be null|key must not be empty)|"
        r"\bAPI ?Key ?(?:不正确|为空|未设置|未配置)",
        _KEY_UNSET_LABEL,
    ),
    # A host's own "no such route" (OpenAI's and Groq's "Unknown request URL", xAI's "No handler found
    # on route", Cloudflare's API code 7003/7000, Kong's documented "no Route matched", Spring's
    # NoResourceFoundException "No static resource …"): the path or base URL is wrong, whatever
    # type a relay wraps it in.
    (
        "client_misconfigured",
        0.9,
        (
            "unknown request url",
            "no handler found on route",
            "could not route to",
            "no route for that uri",
            "no route matched",
            "no static resource",
        ),
        r"Unknown request URL: (?:POST|GET|PUT|DELETE|PATCH) /|No handler found on route|Could not route to /|"
        r"No route for that URI|no Route matched with those values|No static resource \S",
        _NO_ROUTE_LABEL,
    ),
    # A 404 whose body is an HTML page (nginx, a web app, a proxy): a web server's page, not an API's
    # error body.
    (
        "client_misconfigured",
        0.75,
        ("<!doctype html", "<html"),
        r"\b404\b[^<]{0,80}(?:<!doctype html|<html)",
        _ROUTE_404_LABEL,
    ),
    # The answer was not JSON. Go's encoding/json ("invalid character '<' looking for beginning of
    # value") and V8's JSON.parse ("Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON") show
    # its first character: '<' is an HTML page (most often a base URL that serves a web page);
    # other text is a server's or proxy's plain-text failure. Neither is sure.
    (
        "client_misconfigured",
        0.65,
        ("looking for beginning of value", "unexpected token"),
        r"invalid character '(?:<|\\u003c)' looking for beginning of value|Unexpected token '?<'?(?:,| in JSON)",
        _HTML_ANSWER_LABEL,
    ),
    (
        "server_error",
        0.6,
        ("looking for beginning of value", "is not valid json", "expecting value: line 1 column 1"),
        r"invalid character '[A-Za-z]' looking for beginning of value|"
        r"Unexpected token '?[A-Za-z]'?, \"[^\"]{0,40}\"(?:\.\.\.)? is not valid JSON|"
        r"JSONDecodeError: Expecting value: line 1 column 1 \(char 0\)",
        "the server answered with text that is not JSON (an error page or a proxy's message)",
    ),
    # A Rust server (axum's JsonRejection, as DeepSeek and relays built on it answer) could not read
    # the request body: the body is malformed.
    (
        "invalid_request",
        0.85,
        ("failed to deserialize the json body", "failed to parse the request body"),
        r"Failed to deserialize the JSON body into the target type|Failed to parse the request body as JSON",
        "the server could not read the request body (a field of the wrong type or value, or broken JSON)",
    ),
    # gRPC's status string ("rpc error: code = Unavailable desc = …", grpc-go): a backend behind the
    # API server failed (LocalAI's model backends); transport words inside it are the server's.
    (
        "server_error",
        0.78,
        ("rpc error: code =",),
        r"rpc error: code = (?:Unavailable|Internal|DeadlineExceeded|Aborted|DataLoss)\b",
        "a backend behind the API server failed (a gRPC error the server passed on)",
    ),
    # gRPC's "code = Unknown": the backend said no more than that it failed, which is also what a
    # model file the server does not have, or a call the backend does not implement, looks like.
    (
        "server_error",
        0.55,
        ("rpc error: code =",),
        r"rpc error: code = Unknown\b",
        "a backend behind the API server failed without saying why (a gRPC error the server passed on)",
    ),
    # Azure RBAC: the Entra ID identity has no data-plane role on the resource (documented 401
    # PermissionDenied "Principal does not have access to API/Operation").
    (
        "key_permission_denied",
        0.85,
        ("principal does not have access", "lacks the required data action"),
        r"Principal does not have access to API/Operation|principal \S{1,120} lacks the required data action",
        "the signed-in identity has no role that allows this call (Azure: Cognitive Services OpenAI User)",
    ),
    # Azure API Management got no subscription key in the header it reads (its documented 401): the
    # client sends the key under another header (api-key, Authorization) or not at all.
    (
        "client_misconfigured",
        0.8,
        ("missing subscription key", "missing application credentials"),
        r"due to (?:a )?(?:missing subscription key|missing application credentials)",
        "an API gateway (Azure API Management) found no subscription key in the header it reads: "
        "send the key in the header the gateway expects",
    ),
    # OpenAI's "No assistant found with id 'asst_…'" (threads, runs, files, vector stores alike): an
    # object id this key's project does not have; another project's key is the other reading.
    (
        "invalid_request",
        0.7,
        ("found with id",),
        r"No (?:assistant|thread|run|file|vector store|message|batch|upload|response) found with id",
        _NO_OBJECT_LABEL,
    ),
    # A negative max_tokens is a remainder the client or server computed (context window minus the
    # prompt): the prompt alone fills the window. vLLM's SamplingParams check says "max_tokens must
    # be at least 1, got -53."; a value of 0 or 1 is only a bad setting.
    (
        "context_length_exceeded",
        0.78,
        ("must be at least 1, got -",),
        r"max_(?:completion_)?tokens must be at least 1, got -\d",
        "the prompt alone fills the context window (max_tokens came out negative)",
    ),
    # LangChain4j's tokenizer (jtokkit) refuses an id before any request, as tiktoken does:
    # OpenAiTokenizer's "Model '%s' is unknown to jtokkit".
    (
        "client_misconfigured",
        0.94,
        ("unknown to jtokkit",),
        r"is unknown to jtokkit",
        "the client library's own model table does not know this id (no request was sent)",
    ),
)
_FAMILIES = _FAMILIES + _STACK_FAMILIES
# Compiled for RE2 when installed (linear time; ~10× faster than `re` on these case-insensitive
# alternations), else for `re`: the families use only the syntax both engines share.
_RULES: tuple[tuple[Category, float, tuple[str, ...], Pattern, str], ...] = tuple(
    (cat, conf, gates(*words), linear(pattern, ignore_case=True), label)
    for cat, conf, words, pattern, label in _FAMILIES
)

# When no message family decides, the facts do: the runtime's exception class, then the HTTP
# status. Never above 0.75 — a status is shared by several causes.
_EXCEPTIONS: tuple[tuple[str, Category, float], ...] = (
    ("ContextWindowExceeded", "context_length_exceeded", 0.85),
    ("UnsupportedParams", "unsupported_parameter", 0.8),
    ("BudgetExceeded", "insufficient_quota", 0.75),
    ("ContentPolicyViolation", "unknown", 0.5),
    ("AuthenticationError", "invalid_api_key", 0.75),
    ("RateLimitError", "rate_limited", 0.6),
    ("APIConnectionError", "connection_error", 0.75),
    ("APITimeoutError", "connection_error", 0.75),
    ("Timeout", "connection_error", 0.7),
    ("ConnectError", "connection_error", 0.75),
    ("ConnectionError", "connection_error", 0.7),
    ("SocketException", "connection_error", 0.7),
    ("InternalServerError", "server_error", 0.7),
    ("ServiceUnavailable", "server_error", 0.7),
    ("PermissionDeniedError", "account_access_denied", 0.4),
    ("BadRequestError", "invalid_request", 0.4),
    ("UnprocessableEntityError", "invalid_request", 0.4),
)
_STATUS_TABLE: dict[int, tuple[Category, float, tuple[tuple[Category, float], ...]]] = {
    401: ("invalid_api_key", 0.7, (("key_permission_denied", 0.2),)),
    402: ("insufficient_quota", 0.75, ()),
    403: ("account_access_denied", 0.35, (("key_permission_denied", 0.3), ("region_not_supported", 0.2))),
    404: ("client_misconfigured", 0.35, (("unknown_model_name", 0.3),)),
    408: ("connection_error", 0.5, (("server_error", 0.3),)),
    413: ("context_length_exceeded", 0.45, (("invalid_request", 0.3),)),
    429: ("rate_limited", 0.6, (("insufficient_quota", 0.3),)),
    400: ("invalid_request", 0.4, (("unsupported_parameter", 0.2),)),
    422: ("invalid_request", 0.4, ()),
}
# An error page (a proxy's or Cloudflare's HTML) or an error line that ends at its status
# ("OpenAI API error: Error code: 400", "Request failed with status code 400"): no cause said.
_HTML_PAGE = linear(r"<html|<!doctype html|<title>|<body>", ignore_case=True)
_BARE_STATUS_LINE = linear(
    r"(?:error|failed)\b[^\n]{0,40}?[\s:(\[][45]\d\d(?:\s+(?:bad request|forbidden|\"bad request\"))?[\s\"'.)\]]*$",
    ignore_case=True,
)


# A relay's code for "the upstream answered with an error status" (one-api/new-api): no cause.
_WRAPPER_CODES = frozenset({"bad_response_status_code"})


def _says_nothing(parsed: Parsed) -> bool:
    """The text shows a 400 or 403 (or only a generic exception class) and no cause: an error page
    or a line that ends at its status. (A bare 404 is a path the server does not have: a route.)"""
    if parsed.status not in (400, 403, None):
        return False
    if _HTML_PAGE.search(parsed.text) or (parsed.error_code or "").lower() in _WRAPPER_CODES:
        return True
    # (a line without either word cannot match: a substring test spares the search)
    return any(
        _BARE_STATUS_LINE.search(line)
        for line in parsed.text.splitlines()
        if "error" in (lowered := line.lower()) or "failed" in lowered
    )


# Below this, the answer rests on a bare status or a generic exception class alone: unknown.
_OPAQUE_BELOW = 0.45
# Error codes and types that name their cause, whatever the message says.
_CODES: dict[str, tuple[Category, float]] = {
    "insufficient_quota": ("insufficient_quota", 0.95),
    "billing_hard_limit_reached": ("insufficient_quota", 0.93),
    "insufficient_user_quota": ("insufficient_quota", 0.93),
    "invalid_api_key": ("invalid_api_key", 0.95),
    "account_deactivated": ("invalid_api_key", 0.9),
    "rate_limit_exceeded": ("rate_limited", 0.93),
    "context_length_exceeded": ("context_length_exceeded", 0.95),
    "unsupported_parameter": ("unsupported_parameter", 0.93),
    "unsupported_value": ("unsupported_parameter", 0.93),
    "model_decommissioned": ("model_retired", 0.95),
    "deploymentnotfound": ("azure_deployment_not_found", 0.97),
    "unsupported_country_region_territory": ("region_not_supported", 0.97),
    "missing_scope": ("key_permission_denied", 0.95),
    "mismatched_organization": ("client_misconfigured", 0.93),
    "invalid_organization": ("client_misconfigured", 0.93),
    "operationnotsupported": ("wrong_endpoint", 0.93),
    "content_filter": ("unknown", 0.8),
    "server_error": ("server_error", 0.9),
    # Anthropic's (and compatible gateways') error types
    "rate_limit_error": ("rate_limited", 0.93),
    "authentication_error": ("invalid_api_key", 0.93),
    "overloaded_error": ("server_error", 0.9),
    "api_error": ("server_error", 0.7),
    "unknown_parameter": ("invalid_request", 0.6),  # the message says which kind (see the family rows)
    # the model's own tool call failed the server's validation: not a model-access problem
    "tool_use_failed": ("unknown", 0.75),
}
# Codes and types whose words name the cause ("exceeded_current_quota_error", "quota_exceeded").
_CODE_WORDS: tuple[tuple[str, Category, float], ...] = (
    ("quota", "insufficient_quota", 0.9),
    ("rate_limit", "rate_limited", 0.9),
    ("context_length", "context_length_exceeded", 0.9),
)
# Codes that decide only when no model id was read (a read id goes to the catalog first).
_CODES_WITHOUT_MODEL: dict[str, tuple[Category, float]] = {
    "model_not_found": ("unknown_model_name", 0.6),
    "invalid_model": ("unknown_model_name", 0.6),
    "unknown_model": ("unknown_model_name", 0.6),
    "model_not_exist": ("unknown_model_name", 0.6),
}


def _code_fact(fact: str, has_model: bool) -> tuple[Category, float] | None:
    """What an error code or type says by itself, if anything."""
    if not fact:
        return None
    found = _CODES.get(fact) or (None if has_model else _CODES_WITHOUT_MODEL.get(fact))
    if found is None:
        found = next(((cat, conf) for word, cat, conf in _CODE_WORDS if word in fact), None)
    return found


_NEIGHBOURS: tuple[Category, ...] = ("connection_error", "server_error", "rate_limited", "insufficient_quota")

# Servers that serve exactly the names they list (a miss there is a name the server lacks).
_SERVES_BY_NAME = frozenset({"openrouter", "litellm", "ollama", "vllm", "lmstudio"})

# Hosts that serve their own models, not OpenAI's (a proxy such as LiteLLM or OpenRouter may
# forward to OpenAI, whose lifecycle then applies): OpenAI's catalog does not say what they serve.
_OWN_MODELS = frozenset({"groq", "deepseek", "anthropic", "gemini", "ollama", "vllm", "lmstudio"})


def _with_alternative(
    alternatives: tuple[tuple[Category, float], ...], extra: tuple[Category, float]
) -> tuple[tuple[Category, float], ...]:
    """The alternatives with one more (or the same category at the higher of the two figures)."""
    out = tuple(a for a in alternatives if a[0] != extra[0])
    old = next((a[1] for a in alternatives if a[0] == extra[0]), 0.0)
    return (*out, (extra[0], max(old, extra[1])))


# Providers whose "not found" means "not served here": no OpenAI account question to ask.
_COMPATIBLE = frozenset(
    {"openrouter", "litellm", "ollama", "vllm", "lmstudio", "groq", "deepseek", "anthropic", "gemini"}
)

_MISSING_GATES = gates(
    "notexi",
    "doesnot",
    "nothave",
    "does not exi",
    "doesnotexi",
    "does not have access",
    "doesnothaveaccess",
    "not found",
    "not_found",
    "has been deprecated",
    "not a valid model",
    "not available for fine-tuning",
    "not supported when using",
    "no endpoints found for",
    "invalid model",
    "unknown model",
    "no such model",
    "not exist",
    "no matching model",
    "unsupported model",
    "not supported",
    "not yet supported",
    "not available",
    "unavailable",
    "不可用",
    "no model named",
    "may not exist",
    "模型",
    "モデル",
    "modelo",
    "모델",
    "modell",
    "modèle",
    "модель",
    "no se encontró",
)
_MODEL_MISSING = linear(
    r"does\s?not\s?exi|does\s?not\s?have\s?access|model[_ ]not[_ ]found|not\sfound|not_found_error|has been deprecated|"
    r"is not a valid model|not available for fine-tuning|is not supported when using|no endpoints found for|"
    r"invalid model (?:name|identifier)|invalid model: ?[\w/]|unknown model|no such model|not exist|"
    r"no matching model|unsupported model|model\W{1,3}[\w./:-]{1,80}\W{1,3}is not (?:not )?(?:yet )?supported(?:\s?[.,;!\"')(]|$)|"
    r"model\W{1,3}[\w./:-]{1,80}\W{0,3}\s(?:is )?(?:not available|unavailable)(?:\s?[.,;!\"')(]|$| for (?:your|this) (?:account|organization|project))|"
    r"不存在|未找到|找不到|不可用|no model named|requested model is not available|が見つかりません|は存在しません|no existe|no encontrado|não existe|não encontrado|"
    r"찾을 수 없|존재하지|nicht gefunden|existiert nicht|n'existe pas|introuvable|n'a pas été trouvé|не найдена|не существует|"
    r"não foi encontrado|no fue encontrado|no se encontró",
    ignore_case=True,
)
_NOT_EXIST = re.compile(r"does\s?not\s?exi", _R)
_DEPRECATED_MSG = re.compile(r"has been deprecated", _R)
_INVALID_ID_MSG = re.compile(
    r"is not a valid model ID|try pulling it first|no endpoints found for|Invalid model name passed|"
    r"Invalid model identifier|unknown model",
    _R,
)
# The same, in the wordings a server documents for its own list (OpenRouter, Ollama, LiteLLM, LM
# Studio): not the bare "unknown model" a client's table or a wrapper also says.
_SERVER_INVALID_ID_MSG = re.compile(
    r"is not a valid model ID|try pulling it first|no endpoints found for|Invalid model name passed|"
    r"Invalid model identifier",
    _R,
)
# "Not served here" said by a relay or compatible server: the id is not one it serves.
_NOT_SERVED = (
    r"no matching model|unsupported model|"
    r"model\W{1,3}[\w./:-]{1,80}\W{1,3}is not (?:not )?(?:yet )?supported(?:\s?[.,;!\"')(]|$)"
)
_NOT_SERVED_MSG = re.compile(_NOT_SERVED, _R)
# Wordings of one server's own model list (Ollama's documented "model 'x' not found"; the
# one-api/new-api relays' "对于模型 x 无可用渠道"; Anthropic-shaped servers' not_found_error): not
# OpenAI's "does not exist".
_SERVER_LIST_MSG = linear(
    r"(?:^|[^\w ])\s?model '[^'\s]{1,120}' not found|无可用渠道|無可用渠道|no available channel|沒有可用的管道|"
    r"not_found_error"
)
# A base URL on this machine: the server that answered is a local one, not OpenAI's API, so its
# own "not found" (not OpenAI's "does not exist or you do not have access") is "not served here".
_LOCAL_HOST = re.compile(r"https?://(?:127\.0\.0\.1|localhost|0\.0\.0\.0):\d{2,5}\b", _R)
_NOT_AVAILABLE_MSG = re.compile(
    r"模型\S{0,84}不可用|model\W{1,3}[\w./:-]{1,80}\W{0,3}\s(?:is )?(?:not available|unavailable)(?:\s?[.,;!\"')(]|$| for (?:your|this) (?:account|organization|project))",
    _R,
)
_FT_MSG = re.compile(r"not a valid model for your organization|not available for fine-tuning", _R)
_AZURE = re.compile(r"openai\.azure\.com|\bAzure\b|api_type\s?=\s?[\"']azure", _R)
_FOREIGN_KEY_SAID = re.compile(
    r"\[(an? (?:Google AI|OpenRouter|Anthropic|Groq|xAI|Perplexity|Hugging Face|NVIDIA|Replicate|"
    r"non-OpenAI \(Azure-style hex\))) key\]"
)
# Azure's OperationNotSupported for the chat operation, with the model it names.
_AZURE_CHAT_OP = re.compile(
    r"The chatCompletion operation does not work with the specified model, ([\w.:-]{1,80}?)\.?\s", _R
)
_OPENAI_KEY_MSG = re.compile(r"Incorrect API key provided", _R)
_TRUNC_PROJECT = re.compile(r"(?:^|\s)to model \S{1,120} \"?,?\s?\"?type", _R)


_BY_GATE: dict[str, tuple[int, ...]] = {}
for _index, _rule in enumerate(_RULES):
    for _word in _rule[2]:
        _BY_GATE[_word] = (*_BY_GATE.get(_word, ()), _index)


def _candidates(present: frozenset[str]) -> list[tuple[Category, float, tuple[str, ...], Pattern, str]]:
    """The rows whose gates occur in the text, in table order."""
    indexes = {i for word in present for i in _BY_GATE.get(word, ())}
    return [_RULES[i] for i in sorted(indexes)]


_TUNED_ENDPOINT = re.compile(r"(?:^|/)projects/[^/]+/locations/[^/]+/endpoints/\d+$")


def is_fine_tune(model: str) -> bool:
    """A fine-tuned model: OpenAI's ft: ids, legacy ``base:ft-org-date`` ids, and a Vertex
    endpoint resource (where tuned models are deployed)."""
    lowered = model.lower()
    return lowered.startswith("ft:") or ":ft-" in lowered or ".ft-" in lowered or bool(_TUNED_ENDPOINT.search(lowered))


_HYPHEN_MAP = str.maketrans({"\u2010": "-", "\u2011": "-"})  # ids copied from rendered pages


@lru_cache(maxsize=4096)
def _resolve(catalog: Catalog, today: date, model: str) -> tuple[str | None, str, str | None]:
    """(catalog id, match kind, lifecycle) for a model as written. `today` is part of the key: a
    long-running server's catalog moves on with the clock."""
    resolution = catalog.resolve(model.translate(_HYPHEN_MAP))
    record = resolution.record
    if record is None:
        return None, "none", None
    return record.id, resolution.match, catalog.lifecycle(record)


def classify(catalog: Catalog, parsed: Parsed, live: LiveFacts | None) -> Classification:
    flat = parsed.flat
    lower = parsed.lower or flat.lower()
    # 1. Message families (meaning), each behind its literal gates.
    present = parsed.present or present_gates(lower)
    hits: dict[Category, tuple[float, str]] = {}
    candidates = _candidates(present)
    for category, confidence, _words, pattern, label in candidates:
        if category == "unknown_model_name":
            continue  # the not-found phrasings wait for the model id (step 2)
        if category in hits and hits[category][0] >= confidence:
            continue
        match = pattern.search(flat)
        if match:
            hits[category] = (confidence, f"{label}: “{_snippet(flat, match)}”")
    code = (parsed.error_code or "").lower()
    param = parsed.param or ""
    if (
        "unsupported_parameter" not in hits
        and "not supported" in present
        and _REQUEST_ARGUMENT.fullmatch(param)
        and param not in _NOT_ARGUMENTS
    ):
        # The error's own param field names a request argument and the message says it is not
        # supported ("Function tools with reasoning_effort are not supported for <model>").
        hits["unsupported_parameter"] = (
            0.78,
            f"the error names the request argument {param!r} and says it is not supported",
        )
    refined = False
    if "incorrect api key" in lower and _AZURE.search(flat):
        hits["client_misconfigured"] = (0.94, "an Azure key was sent to api.openai.com (the key is refused there)")
        refined = True
    foreign = _FOREIGN_KEY_SAID.search(flat)
    if foreign:
        hits["client_misconfigured"] = (
            0.9,
            f"the refused key is {foreign.group(1)} key: it was sent to a host of another provider (base URL)",
        )
        refined = True
    # An error code or type in the body is a fact: it outranks the prose around it ("Invalid API
    # Key" said by an app whose body says insufficient_quota).
    for fact, label in ((code, "error code"), ((parsed.error_type or "").lower(), "error type")):
        by_code = _code_fact(fact, bool(parsed.model))
        if by_code is not None and (by_code[0] not in hits or hits[by_code[0]][0] < by_code[1]):
            hits[by_code[0]] = (by_code[1], f"{label} {fact}")
    _weigh_stack_readings(hits, parsed, present)

    model = parsed.model
    resolved = lifecycle = None
    match_kind = "none"
    if model:
        resolved, match_kind, lifecycle = _resolve(catalog, catalog.today, model)

    # 2. The ambiguous not-found family, resolved with the provider, the catalog and live facts.
    model_missing = _says_missing(parsed, model, present)
    client_table = hits.get("client_misconfigured", (0.0, ""))[1].startswith(_CLIENT_TABLE_LABEL)
    route_404 = hits.get("client_misconfigured", (0.0, ""))[1].startswith(_ROUTE_404_LABEL)
    if model_missing and (client_table or (route_404 and code != "model_not_found")):
        # The client's own model table refused the id: no server said the model is missing.
        model_missing = False
    if (
        "project_access_denied" not in hits
        and code == "model_not_found"
        and _TRUNC_PROJECT.search(flat)
        and not _NOT_EXIST.search(flat)
    ):
        hits["project_access_denied"] = (0.85, "a cut-off “does not have access to model” message with model_not_found")
        model_missing = False
    verdict_extra: Classification | None = None
    if model and (model_missing or (code == "model_not_found" and not hits)):
        verdict_extra = _resolve_missing(catalog, parsed, model, resolved, match_kind, lifecycle, live)
        if verdict_extra is not None:
            cat, conf = verdict_extra.category, verdict_extra.confidence
            if cat not in hits or hits[cat][0] < conf:
                hits[cat] = (conf, verdict_extra.evidence[0] if verdict_extra.evidence else "")
    if verdict_extra is None:
        # Not-found phrasings whose model id could not be read (or that no resolution settled).
        for category, confidence, _words, pattern, label in candidates:
            if category != "unknown_model_name":
                continue
            if category in hits and hits[category][0] >= confidence:
                continue
            match = pattern.search(flat)
            if match:
                hits[category] = (confidence, f"{label}: “{_snippet(flat, match)}”")

    azure_op = _AZURE_CHAT_OP.search(flat) if "wrong_endpoint" in hits else None
    if azure_op is not None:
        named = catalog.resolve(azure_op.group(1).translate(_HYPHEN_MAP)).record
        if named is not None and "chat.completions" in named.endpoints:
            # Azure says chat does not work with a chat model: not the endpoint as such (a retired
            # version, a deployment's settings) - say so, not surely.
            conf, evidence = hits["wrong_endpoint"]
            hits["wrong_endpoint"] = (min(conf, 0.7), evidence + f"; but {named.id} is a chat model")

    if route_404 and "path" in present:
        named_path = _ROUTE_404_OPERATION.search(flat)
        if named_path is not None:
            # The 404 page names the path it lacks, and that path is an API operation: the host
            # may serve the API but not this operation (a legacy completions call, embeddings at a
            # chat-only server), or the base URL is wrong. Either, not surely.
            conf, evidence = hits["client_misconfigured"]
            hits["client_misconfigured"] = (min(conf, 0.75), evidence)
            hits.setdefault(
                "wrong_endpoint",
                (0.6, f"the 404 page names the operation's path {named_path.group(1)!r}: the host may not serve it"),
            )
    if "invalid_api_key" in hits and not refined and "or wrong api endpoint" in lower:
        # Azure's 401 names two causes itself ("invalid subscription key or wrong API endpoint"):
        # the likelier one, not surely; the other stays in view.
        hits["invalid_api_key"] = (min(hits["invalid_api_key"][0], 0.78), hits["invalid_api_key"][1])
        hits.setdefault("client_misconfigured", (0.55, "the message also names a wrong API endpoint"))
    if refined and "invalid_api_key" in hits:
        # Not a conflict but a refinement: the key is valid, for another host.
        hits["invalid_api_key"] = (0.5, hits["invalid_api_key"][1])

    # A model-access answer outranks the transport, quota and server words pasted around it
    # ("OpenAI connection error: The model `x` does not exist…").
    if verdict_extra is not None and verdict_extra.confidence >= 0.8:
        for neighbour in _NEIGHBOURS:
            if neighbour in hits and neighbour != verdict_extra.category:
                conf, evidence = hits[neighbour]
                hits[neighbour] = (round(conf - 0.15, 3), evidence)

    # 3. No message decides: the facts do (exception class and status, the surer one wins; then a
    # bare code). Never above 0.75.
    fallback = _status_fallback(parsed.status, lifecycle)
    opaque = not hits
    if not hits:
        found = _by_exception(parsed.exception) if parsed.exception else None
        if found is not None:
            hits[found[0]] = (found[1], f"the runtime raised {parsed.exception}")
        for position, (cat, conf) in enumerate(fallback):
            if cat not in hits or hits[cat][0] < conf:
                why = "with no recognisable error message" if position == 0 else "is also used for this"
                hits[cat] = (conf, f"HTTP {parsed.status} {why}")
    if not hits and code:
        hits["invalid_request"] = (0.4, f"error code {code}")
    if opaque and hits and max(conf for conf, _ in hits.values()) < _OPAQUE_BELOW and _says_nothing(parsed):
        # Only a bare status (400, 403, 404), a generic exception class or a code that names no
        # cause: nothing in the text says why. An honest unknown, with what the status suggests.
        ranked_guesses = sorted(hits.items(), key=lambda kv: -kv[1][0])
        guesses = [(c, round(min(v[0], 0.3) * 0.8, 3)) for c, v in ranked_guesses]
        return Classification(
            "unknown",
            0.3,
            ["the text names no cause (an error page, a bare status or a wrapper's code)", ranked_guesses[0][1][1]],
            alternatives=guesses[:3],
            resolved=resolved,
            lifecycle=lifecycle,
        )
    if not hits:
        return Classification(
            "unknown",
            0.2,
            ["no recognisable OpenAI error in the text"],
            alternatives=fallback[:3],
            resolved=resolved,
            lifecycle=lifecycle,
        )

    ranked = _status_breaks_tie(sorted(hits.items(), key=lambda kv: -kv[1][0]), parsed.status)
    category, (confidence, evidence) = ranked[0]
    if len(ranked) > 1 and ranked[1][1][0] >= 0.75 and ranked[1][1][0] >= confidence - 0.15:
        # Two strong readings of the same text disagree: answer the likelier one, not surely.
        confidence = min(confidence, 0.75)
    if (
        confidence >= 0.8
        and code
        and parsed.status is None
        and not (verdict_extra is not None and verdict_extra.category == category)  # a message said it
        and _code_word_alone(parsed, category, candidates)
    ):
        # The code's name in a sentence ("it keeps saying invalid_api_key"), no status, no body and
        # no message of its own: a relay or app may reuse the word for another cause.
        confidence = 0.78
    evidence_list = [evidence] if evidence else []
    checked_live = False
    note = ""
    if verdict_extra is not None and verdict_extra.category == category:
        evidence_list = verdict_extra.evidence
        checked_live = verdict_extra.checked_live
        note = verdict_extra.note
    elif (
        category == "project_access_denied" and live is not None and live.permissions is not None and model and resolved
    ):
        # The project rule, confirmed with live permissions.
        checked_live = True
        allowed = _permitted(live.permissions, resolved, model)
        evidence_list.append(
            f"live project permissions ({live.permissions.mode}) "
            + ("exclude" if not allowed else "do not exclude")
            + f" {resolved}"
        )
    for label, value in (("status", parsed.status), ("code", parsed.error_code)):
        if value is not None:
            evidence_list.append(f"{label} {value}")
    if model and category not in _NON_MODEL:
        if resolved and resolved != model:
            evidence_list.append(f"model {model!r} matches catalog id {resolved} ({lifecycle})")
        elif resolved:
            evidence_list.append(f"catalog: {resolved} is {lifecycle}")
    alternatives = [(c, round(min(v[0], confidence) * 0.8, 3)) for c, v in ranked[1:4]]
    if verdict_extra is not None:
        for extra in verdict_extra.alternatives:
            if extra[0] != category and all(extra[0] != a[0] for a in alternatives):
                alternatives.append(extra)
    return Classification(
        category,
        round(confidence, 3),
        evidence_list,
        alternatives=sorted(alternatives, key=lambda a: -a[1])[:4],
        lifecycle=lifecycle,
        resolved=resolved,
        checked_live=checked_live,
        note=note,
    )


# A web server's 404 body that names the missing path, when the path ends in an API operation.
_ROUTE_404_OPERATION = linear(
    r"[\"']path[\"']:\s?[\"'](/[\w./-]{0,80}?/(?:chat/completions|completions|embeddings|responses|"
    r"audio/\w{1,20}|images/\w{1,20}|moderations))[\"']"
)


# The rate-limit rows' own words: with none of them, "Too Many Requests" (or n8n's "The service is
# receiving too many requests from you") is only the name of a 429, which OpenAI also sends for quota.
_RATE_GATES = frozenset(w for cat, _c, words, _p, _l in _FAMILIES if cat == "rate_limited" for w in words) - {
    "too many requests"
}
# "Invalid URL" naming a route the API serves as written: the path is right, so the host lacked it
# (a relay without this route) or failed for a while; not surely the client's path.
_SERVED_ROUTE_INVALID = linear(
    r"Invalid URL \((?:POST|GET) /v1/(?:chat/completions|completions|responses|embeddings|models|moderations|"
    r"images/generations|audio/speech|audio/transcriptions|audio/translations)\)"
)
_INVALID_URL_LABEL = "the request went to a path the API does not have"


def _weigh_stack_readings(hits: dict[Category, tuple[float, str]], parsed: Parsed, present: frozenset[str]) -> None:
    """Where a client stack's wrapper and the body inside it read two ways, the body's specific
    words decide (or the answer stays below 0.8, with the other reading in view)."""
    key_unset = hits.get("invalid_api_key")
    if key_unset is not None and key_unset[1].startswith(_KEY_UNSET_LABEL):
        # a client that had no key gets no answer from the API: with an answer (a status other than
        # an auth refusal) or another confident reading, the words are a warning printed beside the
        # error (often another service's key: "LANGSMITH_API_KEY is not set"), not its cause
        answered = parsed.status is not None and parsed.status not in (401, 403)
        if answered or any(c != "invalid_api_key" and v[0] >= 0.8 for c, v in hits.items()):
            hits["invalid_api_key"] = (min(key_unset[0], 0.4), key_unset[1])
    quota_and_rate = "insufficient_quota" in hits and "rate_limited" in hits
    quota_coded = "insufficient_quota" in (parsed.error_code, parsed.error_type)
    if quota_and_rate and "too many requests" in present and present.isdisjoint(_RATE_GATES):
        # a 429's name around a quota message: the quota is the cause
        conf, evidence = hits["rate_limited"]
        hits["rate_limited"] = (min(conf, 0.6), evidence)
        if parsed.provider != "openai" and not quota_coded:
            # Gemini words its per-minute limits the same way ("You exceeded your current quota"):
            # without OpenAI's own marks the quota reading is likelier, not sure
            conf, evidence = hits["insufficient_quota"]
            hits["insufficient_quota"] = (min(conf, 0.78), evidence)
    if "rpc error: code =" in present and "server_error" in hits and "connection_error" in hits:
        # a gRPC backend's failure passed on by the server: its transport words are the server's
        conf, evidence = hits["connection_error"]
        hits["connection_error"] = (min(conf, 0.6), evidence)
    if "invalid_request" in hits and hits["invalid_request"][1].startswith(_NO_OBJECT_LABEL):
        hits.setdefault(
            "client_misconfigured",
            (0.5, "the object may belong to another project: the key in use is another project's"),
        )
    said = hits.get("client_misconfigured")
    if said is None:
        return
    if said[1].startswith(_NO_ROUTE_LABEL) and parsed.status == 404 and "server_error" in hits:
        # a relay's type ("server_error") around a host's 404 for a missing route: the route decides
        conf, evidence = hits["server_error"]
        if evidence.startswith(("error type", "error code")):
            hits["server_error"] = (min(conf, 0.6), evidence)
    elif (
        said[1].startswith(_INVALID_URL_LABEL)
        and "invalid url" in present
        and _SERVED_ROUTE_INVALID.search(parsed.flat)
    ):
        hits["client_misconfigured"] = (min(said[0], 0.7), said[1] + "; but the path named is one the API serves")
        hits.setdefault(
            "server_error", (0.45, "a host that serves this path refused it (a relay without it, or a passing fault)")
        )
    elif said[1].startswith(_HTML_ANSWER_LABEL):
        if parsed.status in (401, 403) or (parsed.status or 0) >= 500:
            # a 401, 403 or 5xx page is a login wall's, a firewall's or a failing proxy's, not a web page at the base URL:
            # the status decides (or the text is an honest unknown)
            del hits["client_misconfigured"]
        else:
            hits.setdefault("server_error", (0.4, "an HTML page is also what a failing proxy answers"))


# A top-level request argument as the error's param field names it (not a path inside the body).
_REQUEST_ARGUMENT = re.compile(r"[a-z][a-z_]{1,40}")
_NOT_ARGUMENTS = frozenset({"model", "messages", "input", "prompt", "engine", "deployment_id"})


_NON_MODEL: frozenset[Category] = frozenset(
    {
        "invalid_api_key",
        "insufficient_quota",
        "rate_limited",
        "connection_error",
        "server_error",
        "region_not_supported",
        "invalid_request",
        "unknown",
    }
)


def _code_word_alone(
    parsed: Parsed, category: Category, candidates: list[tuple[Category, float, tuple[str, ...], Pattern, str]]
) -> bool:
    """The error code is only a word in prose: no `code: …` field, no type, and nothing of its
    category's phrasing once the code's own name is taken out."""
    code = parsed.error_code or ""
    if parsed.error_type or _in_code_field(parsed.flat):
        return False
    rest = parsed.flat.replace(code, " ")
    return not any(cat == category and pattern.search(rest) for cat, _c, _w, pattern, _l in candidates)


def _in_code_field(flat: str) -> bool:
    return "code" in flat.lower() and any(pattern.search(flat) for pattern in _CODE_PATTERNS)


def _says_missing(parsed: Parsed, model: str | None, present: frozenset[str]) -> bool:
    """The text says this model is missing: the id is the error's own (or a fine-tune's, which
    only its organization sees) and a not-found phrasing occurs."""
    return bool(
        model
        and (parsed.model_from_message or is_fine_tune(model))
        and not present.isdisjoint(_MISSING_GATES)
        and _MODEL_MISSING.search(parsed.flat)
    )


def _permitted(permissions: ProjectPermissions, resolved: str, model: str) -> bool:
    ids = set(permissions.model_ids)
    named = resolved in ids or model in ids or strip_provider(model)[0] in ids
    if permissions.mode == "allow_list":
        return named
    if permissions.mode == "deny_list":
        return not named
    return True


# What the not-found family means once the id, the catalog and live facts are weighed: each
# outcome is (category, confidence, evidence, alternatives, checked live: "no" / "yes" / "if
# listed"). _missing_outcome picks the row; the confidence of an id that is not an id is adjusted.
_MISSING_OUTCOMES: dict[str, tuple[Category, float, str, tuple[tuple[Category, float], ...], str]] = {
    "fine_tune_id": (
        "fine_tune_scope",
        0.9,
        "{said}, a fine-tuned model: fine-tunes are visible only to the organization (and project) that trained them",
        (("account_access_denied", 0.3), ("model_retired", 0.2)),
        "no",
    ),
    "fine_tune_msg": ("fine_tune_scope", 0.8, "{said}: not valid for fine-tuning or for this organization", (), "no"),
    "deprecated": (
        "model_retired",
        0.95,
        "{said}: “has been deprecated” (shut down)",
        (("unknown_model_name", 0.1),),
        "no",
    ),
    "listed_but_excluded": (
        "project_access_denied",
        0.9,
        "{said}; your key lists it, but the project's model permissions ({mode}) exclude it",
        (("account_access_denied", 0.3),),
        "yes",
    ),
    "listed": (
        "client_misconfigured",
        0.55,
        "{said}, yet the configured key lists it: the failing call likely used another key, "
        "organization, project, base URL or endpoint",
        (("account_access_denied", 0.35), ("wrong_endpoint", 0.25)),
        "yes",
    ),
    "retired_elsewhere": ("model_retired", 0.75, "{said}: {why}", (("unknown_model_name", 0.4),), "no"),
    "not_an_id": ("unknown_model_name", 0.9, "{said}, which {why}", (("account_access_denied", 0.15),), "if listed"),
    # Another provider's id: the catalog cannot tell a typo from that provider's retired model or
    # from a client that builds the wrong path, so say so.
    "another_providers_id": (
        "unknown_model_name",
        0.75,
        "{said}, which {why}",
        (("model_retired", 0.2), ("client_misconfigured", 0.15)),
        "if listed",
    ),
    "shut_down": (
        "model_retired",
        0.92,
        "{said}; catalog: {resolved} is shut down",
        (("account_access_denied", 0.15),),
        "if listed",
    ),
    # "Model x is not supported / unsupported model": a relay or compatible server that does not
    # serve this id (the id is fine elsewhere). "Model x is not available" is the account's or the
    # server's: say which is likelier, not surely.
    "not_served": (
        "unknown_model_name",
        0.75,
        "{said}: the server says it does not serve it (a relay or compatible server's model list)",
        (("account_access_denied", 0.3), ("client_misconfigured", 0.2)),
        "if listed",
    ),
    "not_available": (
        "account_access_denied",
        0.7,
        "{said}: “not available” for this caller; {resolved} is a current ({lifecycle}) model",
        (("unknown_model_name", 0.35), ("project_access_denied", 0.3)),
        "if listed",
    ),
    "excluded": (
        "project_access_denied",
        0.93,
        "{said}; the project's model permissions ({mode}) exclude {resolved}",
        (("account_access_denied", 0.4),),
        "yes",
    ),
    "not_listed": (
        "account_access_denied",
        0.93,
        "{said}; {resolved} is a current model but is not listed for your key",
        (("project_access_denied", 0.4), ("organization_verification_required", 0.2)),
        "yes",
    ),
    # A current model the caller cannot use.
    "current": (
        "account_access_denied",
        0.82,
        "{said}; {resolved} is a current ({lifecycle}) model, so the key's organization or project cannot use it",
        (("project_access_denied", 0.4), ("organization_verification_required", 0.2), ("unknown_model_name", 0.1)),
        "no",
    ),
}


def _resolve_missing(
    catalog: Catalog,
    parsed: Parsed,
    model: str,
    resolved: str | None,
    match_kind: str,
    lifecycle: str | None,
    live: LiveFacts | None,
) -> Classification | None:
    listed = live.listed if live is not None else None
    permissions = live.permissions if live is not None else None
    in_list: bool | None = None
    if listed is not None:
        in_list = model in listed or (resolved is not None and resolved in listed)
    key, why = _missing_outcome(parsed, model, resolved, match_kind, lifecycle, permissions, in_list)
    category, confidence, evidence, alternatives, checked = _MISSING_OUTCOMES[key]
    if key in ("not_an_id", "another_providers_id"):
        confidence = confidence if resolved is None else 0.88
        if in_list is False:
            confidence = min(0.97, confidence + 0.05)
    if (
        key in ("current", "shut_down")
        and (parsed.error_code or "") != "model_not_found"
        and not _NOT_EXIST.search(parsed.flat)
        and not _DEPRECATED_MSG.search(parsed.flat)
    ):
        # A catalog id "not found" in words that are not OpenAI's own (a client's check, a relay,
        # Codex's "Model not found x", a server's "model 'x' not found"): what OpenAI's lifecycle
        # says is likelier, not sure; that server's own list may lack the id.
        confidence = min(confidence, 0.75)
        alternatives = _with_alternative(alternatives, ("unknown_model_name", 0.4))
    if (
        key == "not_an_id"
        and resolved is None
        and in_list is None
        and parsed.provider not in _SERVES_BY_NAME
        and not _SERVER_INVALID_ID_MSG.search(parsed.flat)
    ):
        # An id in OpenAI's own family form that the catalog does not know, refused in OpenAI's
        # words: a typo, a model newer than the catalog, another host's model under an OpenAI-style
        # name (open Whisper at Groq), or a cut-off line's id. Unknown likeliest, not surely
        # (first-sight answers of this kind: 10 of 13 right). A server that serves exactly the
        # names it lists (Ollama, vLLM, OpenRouter…) decides by its own list and stays sure, as
        # does a server's documented "not a valid id" (29 of 29); a bare "unknown model" is any
        # client's or wrapper's word (0 of 2).
        confidence = min(confidence, 0.78)
        alternatives = _with_alternative(
            _with_alternative(alternatives, ("account_access_denied", 0.3)), ("model_retired", 0.2)
        )
    if key in ("shut_down", "current") and parsed.provider in _OWN_MODELS and in_list is None:
        # The text names a host that serves its own models (Groq, DeepSeek, Ollama…): OpenAI's
        # lifecycle of an OpenAI id says nothing of that host's list (first sight: 0 of 1).
        confidence = min(confidence, 0.75)
        alternatives = _with_alternative(alternatives, ("unknown_model_name", 0.5))
    said = f"the error names model {model!r}"
    mode = permissions.mode if permissions is not None else ""
    return Classification(
        category,
        confidence,
        [evidence.format(said=said, why=why, resolved=resolved, lifecycle=lifecycle, mode=mode)],
        alternatives=sorted(alternatives, key=lambda a: -a[1]),
        checked_live=checked == "yes" or (checked == "if listed" and listed is not None),
    )


def _missing_outcome(
    parsed: Parsed,
    model: str,
    resolved: str | None,
    match_kind: str,
    lifecycle: str | None,
    permissions: ProjectPermissions | None,
    in_list: bool | None,
) -> tuple[str, str]:
    """Which row of _MISSING_OUTCOMES the facts select (and why an id is not one, when it is not)."""
    flat = parsed.flat
    if is_fine_tune(model):
        return "fine_tune_id", ""
    if _FT_MSG.search(flat):
        return "fine_tune_msg", ""
    if _DEPRECATED_MSG.search(flat):
        return "deprecated", ""
    if in_list:
        excluded = permissions is not None and resolved and not _permitted(permissions, resolved, model)
        return ("listed_but_excluded" if excluded else "listed"), ""
    retired = _retired_elsewhere(model) if resolved is None else None
    if retired:
        return "retired_elsewhere", retired
    invalid_id = bool(_INVALID_ID_MSG.search(flat))
    if invalid_id and resolved is not None and match_kind == "exact" and lifecycle != "shutdown":
        # A server calls an id OpenAI serves today invalid: that server's own list lacks it (a
        # compatible host, or a client that sent its default id there), not a misspelt id.
        return "not_served", ""
    if resolved is None or invalid_id or match_kind in ("case", "tolerant"):
        why = "is not an OpenAI model id" if resolved is None else f"is not an exact id (did you mean {resolved}?)"
        if invalid_id:
            why = "is not a valid model id for this provider"
        elsewhere = resolved is None and not openai_shaped(model) and parsed.provider not in _SERVES_BY_NAME
        return ("another_providers_id" if elsewhere else "not_an_id"), why
    if _SERVER_LIST_MSG.search(flat):
        # Ollama's "model 'x' not found" and a relay's "no channel for model x": that server's own
        # list lacks the id, whatever OpenAI's lifecycle says about it.
        return "not_served", ""
    if lifecycle == "shutdown":
        return "shut_down", ""
    if not _NOT_EXIST.search(flat):
        if _NOT_SERVED_MSG.search(flat) or _LOCAL_HOST.search(flat):
            return "not_served", ""
        if _NOT_AVAILABLE_MSG.search(flat):
            return "not_available", ""
    if permissions is not None and resolved and not _permitted(permissions, resolved, model):
        return "excluded", ""
    return ("not_listed" if in_list is False else "current"), ""


# Other providers' models that are shut down (their own deprecation pages), by id as written
# after any "models/" or provider prefix: a "not found" for one of these is a retirement. Below
# 0.8: the text does not say it, the knowledge does.
_RETIRED_ELSEWHERE: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"gemini-(?:pro|pro-vision|ultra|1\.0-[\w.-]+|1\.5-[\w.-]+)", _R),
        "Google shut down the Gemini 1.0 and 1.5 models",
    ),
    (re.compile(r"(?:text|chat|code|codechat)-bison(?:-\d+)?|embedding-gecko-\d+", _R), "Google shut down PaLM 2"),
    (
        re.compile(
            r"claude-(?:instant-1(?:\.\d)?|1(?:\.\d)?|2(?:\.[01])?|3-(?:sonnet|opus)-2024\d{4}|3-5-sonnet-\d{8})", _R
        ),
        "Anthropic retired this Claude model",
    ),
)


def _retired_elsewhere(model: str) -> str | None:
    """Why another provider's model id is known to be shut down, if it is."""
    bare = model.rsplit("/", 1)[-1]
    return next((why for pattern, why in _RETIRED_ELSEWHERE if pattern.fullmatch(bare)), None)


# A body that says "rate-limited or the API key is invalid" reads both ways; the status was
# chosen by the server for one of them.
_TIE_BY_STATUS: dict[int, Category] = {429: "rate_limited", 401: "invalid_api_key"}
_TIED: frozenset[Category] = frozenset({"rate_limited", "invalid_api_key"})


_TRANSPORT_OR_SERVER: frozenset[Category] = frozenset({"connection_error", "server_error"})


def _status_breaks_tie(
    ranked: list[tuple[Category, tuple[float, str]]], status: int | None
) -> list[tuple[Category, tuple[float, str]]]:
    """The status decides between a rate limit and a bad key when the words name both, and between
    a transport failure and a server failure: a 5xx status means the server answered."""
    wanted = _TIE_BY_STATUS.get(status or 0)
    tied = _TIED
    if wanted is None and status is not None and 500 <= status <= 599 and status != 504:
        wanted, tied = "server_error", _TRANSPORT_OR_SERVER
    if (
        wanted is None
        and status is not None
        and 400 <= status <= 499
        and status != 408
        and len(ranked) > 1
        and ranked[0][0] == "connection_error"
    ):
        # A 4xx status means the server answered: a client's "connection error" wrapper around it
        # ("APIConnectionError: 400 Bad Request {…}") loses a near-tie to what the body says.
        wanted, tied = ranked[1][0], frozenset({"connection_error", ranked[1][0]})
    if wanted is None or len(ranked) < 2 or {ranked[0][0], ranked[1][0]} != tied or ranked[0][0] == wanted:
        return ranked
    if ranked[1][1][0] < ranked[0][1][0] - 0.15:
        return ranked
    return [ranked[1], ranked[0], *ranked[2:]]


def _status_fallback(status: int | None, lifecycle: str | None) -> list[tuple[Category, float]]:
    """What the status alone suggests, likeliest first (with the model's lifecycle when known)."""
    by_status = _by_status(status) if status else None
    if by_status is None:
        return []
    cat, conf, alts = by_status
    if lifecycle == "shutdown" and status in (404, 410):
        # A bare 404 for a model the catalog says is shut down: the model is gone.
        return [("model_retired", 0.6), (cat, conf), *alts]
    return [(cat, conf), *alts]


def _by_status(status: int) -> tuple[Category, float, tuple[tuple[Category, float], ...]] | None:
    if status >= 500:
        return ("server_error", 0.65, (("connection_error", 0.2),))
    return _STATUS_TABLE.get(status)


def _by_exception(name: str) -> tuple[Category, float] | None:
    for marker, category, confidence in _EXCEPTIONS:
        if marker in name:
            return category, confidence
    lowered = name.lower()
    if lowered.startswith(
        ("econn", "etimedout", "enotfound", "eai_again", "und_err", "ehostunreach", "enetunreach")
    ) or (
        lowered
        in (
            "i/o timeout",
            "dial tcp",
            "no such host",
            "connection refused",
            "connection timed out",
            "socket hang up",
            "fetch failed",
            "timed out",
        )
    ):
        return "connection_error", 0.75
    return None


def _snippet(flat: str, match: Match) -> str:
    start = max(0, match.start() - 30)
    end = min(len(flat), match.end() + 50)
    text = flat[start:end].strip()
    return ("…" if start else "") + text + ("…" if end < len(flat) else "")
