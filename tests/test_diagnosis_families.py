"""Message families, written as meaning: the phrasings of other runtimes, other providers and other
languages that developers paste, each read to the same cause — and model ids read exactly as
written, provider prefix and all."""

from __future__ import annotations

import pytest

from model_access.catalog import Catalog
from model_access.diagnosis import diagnose_offline
from model_access.diagnosis.parse import parse

CASES = [
    # status and error facts decide when the message is a gateway's own words
    (
        '402 {"error":{"message":"This request requires more credits, or fewer max_tokens.","code":402}}',
        "insufficient_quota",
    ),
    ('401 {"error":{"message":"No auth credentials found","code":401}}', "invalid_api_key"),
    ("HTTP/1.1 429 Too Many Requests\nx-proxy: envoy", "rate_limited"),
    ("Error code: 503 - upstream connect error or disconnect/reset before headers", "server_error"),
    # transport, in the words of each runtime
    (
        "org.springframework.web.client.ResourceAccessException: I/O error on POST request for "
        '"https://api.openai.com/v1/chat/completions": Connection timed out: connect',
        "connection_error",
    ),
    ('Post "https://api.openai.com/v1/chat/completions": dial tcp 104.18.6.192:443: i/o timeout', "connection_error"),
    (
        "TypeError: fetch failed\n  cause: ConnectTimeoutError: Connect Timeout Error (UND_ERR_CONNECT_TIMEOUT)",
        "connection_error",
    ),
    (
        "httpcore.ConnectTimeout: Connection to api.openai.com timed out. (connect timeout=600)",
        "connection_error",
    ),
    ("System.Net.Http.HttpRequestException: No such host is known. (api.openai.com:443)", "connection_error"),
    # compatible servers' not-found
    (
        "Error code: 404 - {'object': 'error', 'message': 'The model `llama-3-70b` does not exist.', 'code': 404}",
        "unknown_model_name",
    ),
    (
        '{"error":"Invalid model identifier \\"qwen2.5-7b-instruct\\". Please specify a valid downloaded model."}',
        "unknown_model_name",
    ),
    ('404 {"error":{"message":"No endpoints found for meta-llama/llama-3-8b:free.","code":404}}', "unknown_model_name"),
    ("litellm.BadRequestError: Invalid model name passed in model=gpt-4o-mini-fast", "unknown_model_name"),
    ('ollama: model "llama3.3:70b" not found, try pulling it first', "unknown_model_name"),
    # endpoint mismatches, phrased differently
    ("You are not allowed to generate embeddings from this model", "wrong_endpoint"),
    ("Error: 400 This model does not support Responses API", "wrong_endpoint"),
    ("Unsupported legacy protocol: /v1/chat/completions is not supported. Please use /v1/responses", "wrong_endpoint"),
    # other providers' own words
    ('{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}', "invalid_api_key"),
    (
        '{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}',
        "rate_limited",
    ),
    ('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', "server_error"),
    (
        "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
        "insufficient_quota",
    ),
    ("400 API key not valid. Please pass a valid API key. [reason: API_KEY_INVALID]", "invalid_api_key"),
    ("400 User location is not supported for the API use.", "region_not_supported"),
    ("ValidationException: The provided model identifier is invalid.", "unknown_model_name"),
    (
        "The input token count (1204332) exceeds the maximum number of tokens allowed (1048576).",
        "context_length_exceeded",
    ),
    (
        "Error code: 400 - {'error': {'message': \"Unknown parameter: 'response_format.schema'.\", 'code': 'unknown_parameter'}}",
        "invalid_request",
    ),
    # other runtimes' transport failures
    ("requests.exceptions.SSLError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", "connection_error"),
    (
        'Post "https://api.openai.com/v1/responses": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
        "connection_error",
    ),
    (
        "System.Threading.Tasks.TaskCanceledException: The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.",
        "connection_error",
    ),
    (
        'reqwest::Error { kind: Request, url: "https://api.openai.com/v1/chat/completions", source: hyper::Error(Connect) } error sending request for url',
        "connection_error",
    ),
    (
        "GuzzleHttp\\Exception\\ConnectException: cURL error 28: Operation timed out after 30001 milliseconds",
        "connection_error",
    ),
    ("Faraday::ConnectionFailed: Failed to open TCP connection to api.openai.com:443", "connection_error"),
    ("http.client.RemoteDisconnected: Remote end closed connection without response", "connection_error"),
    # the major languages developers paste in
    ("错误：缺少作用域：model.request。请检查 API 密钥的权限。", "key_permission_denied"),
    ("请求失败：余额不足，请充值后再试", "insufficient_quota"),
    ("错误：模型 gpt-4o-mni 不存在", "unknown_model_name"),
    ("API 密钥无效，请检查后重试", "invalid_api_key"),
    ("请求过于频繁，请稍后再试 (429)", "rate_limited"),
    ("エラー: APIキーが無効です", "invalid_api_key"),
    ("エラー: モデル gpt-4o-mni が見つかりません", "unknown_model_name"),
    ("エラー: レート制限に達しました。しばらくしてから再試行してください。", "rate_limited"),
    (
        '{"error": {"message": "Has excedido tu cuota actual, revisa tu plan y los detalles de facturación."}}',
        "insufficient_quota",
    ),
    ("Error: el modelo gpt-4o-mni no existe", "unknown_model_name"),
    ("Error: clave de API no válida", "invalid_api_key"),
    ("Erro: você excedeu sua cota atual, verifique seu plano e detalhes de cobrança", "insufficient_quota"),
    ("Erro: o modelo gpt-4o-mni não existe", "unknown_model_name"),
    ("Erro: chave de API inválida", "invalid_api_key"),
    ("오류: 모델 gpt-4o-mni을 찾을 수 없습니다", "unknown_model_name"),
    ("오류: API 키가 유효하지 않습니다", "invalid_api_key"),
    ("Fehler: Sie haben Ihr aktuelles Kontingent überschritten", "insufficient_quota"),
    ("Fehler: Modell gpt-4o-mni nicht gefunden", "unknown_model_name"),
    ("Fehler: ungültiger API-Schlüssel", "invalid_api_key"),
    ("Erreur : vous avez dépassé votre quota actuel", "insufficient_quota"),
    ("Erreur : le modèle gpt-4o-mni n'existe pas", "unknown_model_name"),
    ("Erreur : clé API invalide", "invalid_api_key"),
    ("Ошибка: вы превысили текущую квоту", "insufficient_quota"),
    ("Ошибка: модель gpt-4o-mni не найдена", "unknown_model_name"),
    ("Ошибка: неверный ключ API", "invalid_api_key"),
    ("错误：您无权访问该模型", "account_access_denied"),
    ("Error: no tienes acceso al modelo solicitado", "account_access_denied"),
    ("Fehler: Sie haben keinen Zugriff auf das Modell", "account_access_denied"),
    ("错误：请求频率过高，请稍后再试", "rate_limited"),
    ("Fehler: zu viele Anfragen, bitte später erneut versuchen", "rate_limited"),
    ("错误：输入超出最大token限制", "context_length_exceeded"),
    ("Error: tiempo de espera agotado al conectar con api.openai.com", "connection_error"),
    ("エラー: 接続がタイムアウトしました", "connection_error"),
]


@pytest.mark.parametrize(("text", "category"), CASES, ids=[f"{c}-{i}" for i, (_, c) in enumerate(CASES)])
def test_each_phrasing_is_read_to_its_cause(catalog: Catalog, text: str, category: str) -> None:
    assert diagnose_offline(catalog, text).category == category


MODEL_IDS = [
    (
        "Error code: 404 - {'object': 'error', 'message': 'The model `/data/Qwen1.5-72B-Chat` does not exist.'}",
        "/data/Qwen1.5-72B-Chat",
    ),
    ('Invalid model identifier "lmstudio-community/qwen2.5-7b-instruct"', "lmstudio-community/qwen2.5-7b-instruct"),
    ("No endpoints found for openai/gpt-4o-mini:free.", "openai/gpt-4o-mini:free"),
    ("400: {'error': 'Invalid model name passed in model=openai/gpt-4o. Call `/v1/models` to view'}", "openai/gpt-4o"),
    ('model "llama3.1:8b" not found, try pulling it first', "llama3.1:8b"),
    ("The model `openai/gpt-4.1` does not exist or you do not have access to it.", "openai/gpt-4.1"),
    (
        '{"type":"error","error":{"type":"not_found_error","message":"model: claude-3-5-sonnet-2024"}}',
        "claude-3-5-sonnet-2024",
    ),
    ("Invalid model 'sonar-huge'. Permitted models can be found in the documentation.", "sonar-huge"),
    ("错误：不支持的模型：deepseek-v4-chat", "deepseek-v4-chat"),
    ("Could not find model 'mistral-large-2411' in the registry", "mistral-large-2411"),
    ("ValueError: Unsupported model: gpt-4o-realtime-mini", "gpt-4o-realtime-mini"),
    ("Error: model `qwen3-coder:30b` is not available on this server", "qwen3-coder:30b"),
]


@pytest.mark.parametrize(("text", "model"), MODEL_IDS)
def test_the_model_id_is_kept_exactly_as_written(text: str, model: str) -> None:
    assert parse(text).model == model


def test_when_the_facts_do_not_decide_the_answer_is_an_honest_unknown(catalog: Catalog) -> None:
    result = diagnose_offline(catalog, "something went wrong while calling the assistant, please try again")
    assert result.category == "unknown"
    assert result.confidence < 0.5


def test_a_bare_status_gives_a_low_confidence_answer_with_alternatives(catalog: Catalog) -> None:
    result = diagnose_offline(catalog, "request failed with status code 403")
    assert result.confidence < 0.5
    assert result.alternatives


@pytest.mark.parametrize(
    ("key", "who"),
    [("AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW", "Google AI"), ("sk-or-v1-" + "0a1b2c3d" * 8, "OpenRouter")],
)
def test_another_providers_key_sent_to_openai_is_a_base_url_mistake(catalog: Catalog, key: str, who: str) -> None:
    text = f"openai.AuthenticationError: Error code: 401 - Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys."
    result = diagnose_offline(catalog, text)
    assert result.category == "client_misconfigured"
    assert who in result.evidence[0]
    out = result.model_dump_json()
    assert key not in out and key[4:14] not in out
