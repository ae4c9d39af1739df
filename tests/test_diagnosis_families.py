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
