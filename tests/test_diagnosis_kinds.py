"""The diagnosis reads kinds of errors, not single sentences: one example per kind that the
rules were generalized for (issue 13, third pass). Each text is written in the shape real reports
have (the corpus in tests/data holds the real ones); the expectation is what the text proves."""

from __future__ import annotations

import pytest

from model_access.catalog import Catalog
from model_access.diagnosis import diagnose_offline


@pytest.mark.parametrize(
    ("text", "category", "model"),
    [
        # not-found in another word order, and the id it names
        (
            "Error code: 404 - {'error': {'message': 'Not found the model kimi-k9-preview or Permission denied', "
            "'type': 'resource_not_found_error'}}",
            "unknown_model_name",
            "kimi-k9-preview",
        ),
        ("Model/deployment not found for: qwen-max-2099", "unknown_model_name", "qwen-max-2099"),
        ("error: Model not found in the model list, uid: my-embedder-0", "unknown_model_name", "my-embedder-0"),
        ('404 {"error":{"message":"Model \\"local model\\" not found."}}', "unknown_model_name", "local model"),
        (
            "Fail to access model(acme/brainy-34b) using this api key. Error code: 404 - "
            "{'error': {'message': 'No endpoints found for this model.', 'code': 404}}",
            "unknown_model_name",
            "acme/brainy-34b",
        ),
        (
            "ValueError: Ollama call failed with status code 404. Maybe your model is not found and you should "
            "pull the model with `ollama pull tinyllm:3b`.",
            "unknown_model_name",
            "tinyllm:3b",
        ),
        # another provider's id quoted near a not-found that names none
        (
            "ERROR: ValidationException: The provided model identifier is invalid. "
            "The identifier sent is `acme.brainy-v2:0`.",
            "unknown_model_name",
            "acme.brainy-v2:0",
        ),
        # an id copied from a rendered page keeps its non-breaking hyphens
        (
            "Error code: 404 - {'error': {'message': 'Not found the model kimi\u2011k9\u2011preview or Permission "
            "denied'}}",
            "unknown_model_name",
            "kimi\u2011k9\u2011preview",
        ),
        # the not-found meaning in other languages, with the id
        ("Fehler: Modell acme-7b wurde nicht gefunden", "unknown_model_name", "acme-7b"),
        ("Erro: o modelo acme-7b não foi encontrado", "unknown_model_name", "acme-7b"),
    ],
)
def test_not_found_kinds_name_the_model(catalog: Catalog, text: str, category: str, model: str) -> None:
    result = diagnose_offline(catalog, text)
    assert result.category == category, result.evidence
    assert model in (result.facts.model or "") or model == result.facts.model


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # a code or type whose words name the cause, whatever else the text says
        (
            "openai.PermissionDeniedError: Error code: 403 - {'error': {'message': 'Your account is not active, "
            "organization exceeded current quota', 'type': 'exceeded_current_quota_error'}}",
            "insufficient_quota",
        ),
        # an error code that says the model is missing, with no id readable
        (
            '{"error": {"message": "nope", "type": "invalid_request_error", "code": "model_not_found"}}',
            "unknown_model_name",
        ),
        # a status that ends a sentence is still a status
        ("Request failed with status code 401.", "invalid_api_key"),
        # a refused key that is bare hex is another host's key: the base URL is wrong, not the key
        (
            "Incorrect API key provided: 0a1b2c3d********************9e8f. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            "client_misconfigured",
        ),
        # a model another provider has shut down
        (
            "404 models/gemini-1.0-pro is not found for API version v1beta, or is not supported for generateContent.",
            "model_retired",
        ),
        # a server naming a parameter it does not take, and a body it cannot parse
        (
            '{"error": {"code": "invalid_parameter_error", "message": "This model does not support enable_search."}}',
            "unsupported_parameter",
        ),
        ('{"error":{"message":"Invalid JSON payload: unexpected character","code":"400"}}', "invalid_request"),
    ],
)
def test_facts_and_meanings_decide(catalog: Catalog, text: str, category: str) -> None:
    assert diagnose_offline(catalog, text).category == category


def test_a_model_shut_down_elsewhere_is_said_with_doubt_not_certainty(catalog: Catalog) -> None:
    result = diagnose_offline(catalog, "404 models/gemini-pro is not found for API version v1beta")
    assert result.category == "model_retired"
    assert result.confidence < 0.8  # known, not said by the text


# Kinds generalized in the fourth pass (issue 13d), from a second fresh batch of real reports.
@pytest.mark.parametrize(
    ("text", "category", "model"),
    [
        # a gateway's "Model x not exist." (no "does"), and the id it names
        ("Run failed: Model acme-chat-v9 not exist.", "unknown_model_name", "acme-chat-v9"),
        # the id the command line ran, with Ollama's missing manifest
        (
            "$ ollama run tinyllm:3b\npulling manifest\nError: pull model manifest: file does not exist",
            "unknown_model_name",
            "tinyllm:3b",
        ),
        # a key=value log line names the model even when the id is a plain word
        (
            'provider=bedrock model=brainy\nProvider error: API error 400: {"message":"The provided model '
            'identifier is invalid."}',
            "unknown_model_name",
            "brainy",
        ),
        # "使用模型x": the id the report says it called
        ("使用模型acme/brainy-v2，但会报错：404 model not found", "unknown_model_name", "acme/brainy-v2"),
        # an issue template's heading names the model on the line below it
        (
            '"The provided model identifier is invalid." is shown.\n\n### Model Used (optional)\n\n'
            "acme.brainy-v2:0 (Cross-region inference)\n",
            "unknown_model_name",
            "acme.brainy-v2:0",
        ),
        # a client that names the id it rejects, and an SDK call that names the model
        (
            '{"error":"ERROR_BAD_MODEL_NAME","details":{"detail":"Model name is not valid: acme/brainy-9b:free"}}',
            "unknown_model_name",
            "acme/brainy-9b:free",
        ),
        # a bare 404 for a model the catalog knows is shut down
        ("sgpt --model gpt-4 'hello'\n  model = 'gpt-4'\n  response = <Response [404]>", "model_retired", "gpt-4"),
    ],
)
def test_fourth_pass_kinds_name_the_model(catalog: Catalog, text: str, category: str, model: str) -> None:
    result = diagnose_offline(catalog, text)
    assert result.category == category, result.evidence
    assert result.facts.model == model


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # the provider says the model is retired, in any voice
        ("Groq's Llama 9 is decommissioned: selecting it returns 404 (Not Found).", "model_retired"),
        ("Acme has decommissioned two of its model ids; both now return 404.", "model_retired"),
        # a server that is overloaded, however it words it
        ("503. The model is overloaded.", "server_error"),
        # the exception class is the client's mapping of a status; the message says what happened
        ("openai.error.RateLimitError: The server had an error while processing your request.", "server_error"),
        # the client's API version (Azure api-version) or version is too old for the call
        ('{"error":{"code":"BadRequest","message":"API version not supported"}}', "client_misconfigured"),
        ("Model {modelName} is enabled only for api versions 2024-12-01-preview and later", "client_misconfigured"),
        (
            "Error: pull model manifest: 412: The model you are attempting to pull requires a newer version of Ollama.",
            "client_misconfigured",
        ),
        # the client's own model table, before any request: not the server's list
        ("ValueError: Unknown context window size for model: acme/brainy-34b", "client_misconfigured"),
        # OpenAI's "Invalid 'param'" wording and the missing model parameter
        ("Invalid 'messages[3].tool_calls[0].id': string too long.", "invalid_request"),
        ("invalid_request_error: you must provide a model parameter", "invalid_request"),
        # an endpoint with no deployment to route to
        (
            "NotFoundError('No valid deployments to route to. Please check that the endpoint has at least one "
            "deployment with positive weight values')",
            "azure_deployment_not_found",
        ),
        # Ollama's own chat route answering 404: the model is not pulled
        (
            "httpx.HTTPStatusError: Client error '404 Not Found' for url 'http://localhost:11434/api/chat'",
            "unknown_model_name",
        ),
        # a client's "Connection error." around a local server's log that states the cause
        (
            "The following error occurred: Connection error.\n[ERROR] Multiple models are loaded. Please specify "
            "a model by providing a 'model' field.",
            "client_misconfigured",
        ),
        # a client's plan or a gateway team that may not use the model
        ("Invalid Model\nThe model acme-m9 does not work with your current plan or api key", "account_access_denied"),
        ("Invalid model for team dev-team: BIG_GROUP.  Valid models for team are: ['small']", "key_permission_denied"),
        # Google's quota words are its per-minute and per-day limits
        (
            '{"error": {"code": 429, "message": "You exceeded your current quota, please check your plan and billing '
            'details.", "status": "RESOURCE_EXHAUSTED", "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}}',
            "rate_limited",
        ),
        # the model's own tool call failed the server's check: not a model-access problem
        (
            '{"error":{"message":"Failed to call a function.","type":"invalid_request_error","code":"tool_use_failed"}}',
            "unknown",
        ),
        ("Only allowed string values for 'tool_choice' are none, auto, and required", "invalid_request"),
        # a status after a CJK colon is a status; "ResourceNotFound" is not a DNS failure
        ("模型都报错：400 status code (no body)。", "invalid_request"),
        ("Faraday::ResourceNotFound: the server responded with status 404", "client_misconfigured"),
        # the status decides between the two readings of "rate-limited or API key is invalid"
        ("status: 429, error: 'You are rate-limited Rate-limited or API key is invalid'", "rate_limited"),
    ],
)
def test_fourth_pass_facts_and_meanings_decide(catalog: Catalog, text: str, category: str) -> None:
    assert diagnose_offline(catalog, text).category == category


def test_a_bare_404_for_a_shut_down_model_is_said_with_doubt(catalog: Catalog) -> None:
    result = diagnose_offline(catalog, "model = 'gpt-4'\nresponse = <Response [404]>")
    assert result.category == "model_retired"
    assert result.confidence < 0.8  # the catalog knows it; the text does not say it


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # the body's shape, in OpenAI's "'$.field' is invalid", a strict schema, and FastAPI's loc
        ("400 - {'error': {'message': \"'$.input' is invalid. Please check the API reference.\"}}", "invalid_request"),
        (
            "Invalid schema for response_format 'answer': In context=(), 'required' is required to be supplied",
            "invalid_request",
        ),
        (
            "{'detail': [{'loc': ('body', 'messages', 0), 'msg': 'field required', 'type': 'value_error'}]}",
            "invalid_request",
        ),
        ('{"error":"Invalid messages array"}', "invalid_request"),
        ("Error code: 400 - {'error': {'message': 'invalid input type', 'type': 'api_error'}}", "invalid_request"),
        # the old SDK set up for Azure, called with model= instead of the deployment
        (
            "openai.error.InvalidRequestError: Must provide an 'engine' or 'deployment_id' parameter to create a "
            "<class 'openai.api_resources.chat_completion.ChatCompletion'>",
            "client_misconfigured",
        ),
        # a web framework's own 404 page: the path is wrong, not the model
        ("InvalidRequestError: The requested URL was not found on the server.", "client_misconfigured"),
        # a token without the scope the call needs
        (
            "403 Request had insufficient authentication scopes. reason: ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "key_permission_denied",
        ),
        (
            "HTTP 401: You have insufficient permissions for this operation. Missing scopes: model.request",
            "key_permission_denied",
        ),
        # the client library's price table, not the server, does not know the id
        (
            "Error: Model not in model_prices_and_context_window.json. You passed model=ollama/qwen9",
            "client_misconfigured",
        ),
    ],
)
def test_fifth_pass_facts_and_meanings_decide(catalog: Catalog, text: str, category: str) -> None:
    assert diagnose_offline(catalog, text).category == category


def test_a_local_server_that_does_not_serve_an_openai_id_is_not_an_account_question(catalog: Catalog) -> None:
    text = "unexpected status 404 Not Found: Model 'gpt-4o' not found\nbase_url = \"http://127.0.0.1:8000/v1\""
    result = diagnose_offline(catalog, text)
    assert result.category == "unknown_model_name"
    assert result.facts.model == "gpt-4o"
    # OpenAI's own wording through a local proxy is still OpenAI's answer about the account
    proxied = "http://localhost:4000/v1 -> The model `gpt-4o` does not exist or you do not have access to it."
    assert diagnose_offline(catalog, proxied).category != "unknown_model_name"


@pytest.mark.parametrize(
    ("text", "model"),
    [
        # an env or config key ending in _model names the id, before any id in the prose
        (
            "When I use gpt-4o it fails with 404 Invalid URL (POST /v1/chat/completions/chat/completions)\n"
            "In .env: SUMMARY_BASE_URL=https://api.openai.com/v1\nSUMMARY_MODEL=gpt-4o-2024-08-06",
            "gpt-4o-2024-08-06",
        ),
        ("llm_base_url: http://localhost:11434\nllm_model: ollama/qwen9\nError: Execution error", "ollama/qwen9"),
        # another provider's id with its prefix, which the report says it used
        (
            "I run the agent using acme/brainy-9b-mini and get: 400 Client specified an invalid argument",
            "acme/brainy-9b-mini",
        ),
        # an OpenAI id written with a space, glued to CJK text on both sides
        ("模型填gpt-3.5 turbo就报400 invalid model ID", "gpt-3.5 turbo"),
    ],
)
def test_fifth_pass_id_forms(catalog: Catalog, text: str, model: str) -> None:
    assert diagnose_offline(catalog, text).facts.model == model


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # OpenAI's "Unknown parameter": a top-level argument is one the endpoint or model does not take…
        (
            'Error: 400 {"error": {"message": "Unknown parameter: \'verbosity\'.", "type": "invalid_request_error", '
            '"param": "verbosity", "code": "unknown_parameter"}}',
            "unsupported_parameter",
        ),
        # …while a path inside the body is a malformed body
        (
            "Error code: 400 - {'error': {'message': \"Unknown parameter: 'messages[1].content[0].detail'.\", "
            "'type': 'invalid_request_error', 'code': 'unknown_parameter'}}",
            "invalid_request",
        ),
        # Ollama's capability errors: an embedding model used for chat or generate
        ('Error: 400 Bad Request: "all-minilm" does not support generate', "wrong_endpoint"),
        ("error: embedding models do not support chat", "wrong_endpoint"),
        # a tool whose parameter schema the server rejects, and a tool call left without its reply
        (
            "BadRequestError: Invalid schema for function 'list_files': In context=('properties', 'globs'), "
            "array schema missing items.",
            "invalid_request",
        ),
        ("Invalid tool schema for fs_batch_read: array parameter missing items", "invalid_request"),
        (
            '{"error": {"message": "An assistant message with \'tool_calls\' must be followed by tool messages '
            'responding to each \'tool_call_id\'.", "type": "invalid_request_error"}}',
            "invalid_request",
        ),
        # one-api/new-api relay an upstream 429 as "load saturated"
        (
            '{"error":{"message":"当前分组上游负载已饱和，请稍后再试 (request id: 1)","type":"new_api_error"}}',
            "rate_limited",
        ),
        # OpenAI's server-error wording, with no status around it
        (
            "An error occurred while processing your request. You can retry your request, or contact us through "
            "our help center at help.openai.com if the error persists.",
            "server_error",
        ),
        # more wordings of "this model does not take it": another provider, an SDK's own check, a fixed value
        ("API Error: 400 role 'system' is not supported on this model", "unsupported_parameter"),
        ("error: this model is not supported MaxTokens, please use MaxCompletionTokens", "unsupported_parameter"),
        (
            '400: {"message":"invalid temperature: only 1 is allowed for this model","type":"invalid_request_error"}',
            "unsupported_parameter",
        ),
        # the error's param field names a request argument and the message says it is not supported
        (
            '{"error": {"message": "Function tools with reasoning_effort are not supported for acme-9 in '
            '/v1/chat/completions.", "type": "invalid_request_error", "param": "reasoning_effort"}}',
            "unsupported_parameter",
        ),
        # a server that says which parameter it does not take outranks the 500 it wraps the answer in
        (
            "openai.InternalServerError: Error code: 500 - {'error': {'code': 500, 'message': 'Unsupported param: "
            "tools', 'type': 'server_error'}}",
            "unsupported_parameter",
        ),
        # a tuned model the caller may not use (Gemini's wording)
        (
            "[403 Forbidden] You do not have permission to access tuned model tunedModels/my-tuned-7",
            "fine_tune_scope",
        ),
        # a 5xx status means the server answered: a timeout among "overloaded" retries is the server's
        (
            'API Error (529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}) retrying… '
            "API Error (Request timed out.) retrying…",
            "server_error",
        ),
    ],
)
def test_sixth_pass_facts_and_meanings_decide(catalog: Catalog, text: str, category: str) -> None:
    assert diagnose_offline(catalog, text).category == category


def test_a_model_name_in_the_param_field_is_not_an_unsupported_argument(catalog: Catalog) -> None:
    text = (
        '{"error": {"message": "The model acme-9 is not supported.", "type": "invalid_request_error", '
        '"param": "model"}}'
    )
    assert diagnose_offline(catalog, text).category != "unsupported_parameter"


@pytest.mark.parametrize(
    ("text", "model"),
    [
        # a LiteLLM proxy's group is the id the caller sent; the upstream's wording names its mapping
        (
            'litellm.NotFoundError: AnthropicException - {"type":"error","error":{"type":"not_found_error",'
            '"message":"model: claude-x-9-latest"}}. Received Model Group=claude-x-9\n'
            "Available Model Group Fallbacks=None",
            "claude-x-9",
        ),
        # AWS Bedrock echoes the refused modelId, with its colon tags
        (
            "ValidationException: 1 validation error detected: Value 'acme.titan-v9:0:8k' at 'modelId' failed "
            "to satisfy constraint: Member must satisfy regular expression pattern: (arn:aws(-[^:]+)?:bedrock:)",
            "acme.titan-v9:0:8k",
        ),
        # ... and names the id it received, which beats the client's provider-prefixed config value
        (
            '{ "model": "amazon-bedrock/anthropic.claude-9-v1:0" }\n'
            "AI_APICallError: Invocation of model ID anthropic.claude-9-v1:0 with on-demand throughput isn’t "
            "supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
            "anthropic.claude-9-v1:0",
        ),
        # Azure's deployment-time model descriptor, with and without spaces
        (
            "ServiceModelDeprecated: The model 'Format:OpenAI,Name:gpt-35-turbo-16k,Version:0613' has been "
            "deprecated since 04/30/2025 00:00:00.",
            "gpt-35-turbo-16k",
        ),
        (
            "unexpected status 400 with error: ServiceModelDeprecated: The model 'Publisher: , Format: OpenAI, "
            "Name: gpt-4-32k, Version: 0613, Source: , SourceAccount: ' has been deprecated",
            "gpt-4-32k",
        ),
        # tiktoken names the model it was asked to map
        (
            "KeyError: 'Could not automatically map acme-chat-7b to a tokeniser. Please use "
            "`tiktoken.get_encoding` to explicitly get the tokeniser you expect.'",
            "acme-chat-7b",
        ),
        # FastChat's worker check names the id the request carried, after the one it serves
        (
            'Invalid response object from API: \'{"object":"error","message":"Only vicuna-7b allowed now, '
            'your model vicuna-13b-v1.5","code":40301}\' (HTTP response code was 400)',
            "vicuna-13b-v1.5",
        ),
        # xAI names the model a request sent to the wrong endpoint
        (
            "Error code: 400 - {'code': 'Client specified an invalid argument', 'error': 'The model acme-image-9 "
            "is an image model and is therefore not available on this endpoint. Please use a compatible "
            "endpoint such as https://api.x.ai/v1/images/generations.'}",
            "acme-image-9",
        ),
        # a log of attempts ends on the id the report is about; a wrapped line cut the first one short
        (
            "• Model changed to acme-codex-mini\n■ unexpected status 404 Not Found: "
            '{"error":{"message":"model \'acme-codex-mini\' not found","type":"api_error"}}\n'
            "• Model changed to acme-codex-9\n■ unexpected status 404 Not Found: "
            '{"error":{"message":"model \'acme-codex-9\' not found","type":"api_error"}}',
            "acme-codex-9",
        ),
        (
            "Falling back to HTTPS transport. unexpected status 404 Not Found: Model not\n  found gpt-5.4-c\n\n"
            "■ unexpected status 404 Not Found: Model not found gpt-5.4, url: https://example.com/responses",
            "gpt-5.4",
        ),
        # a Gemini REST path names the model when the words name none ...
        (
            'got status: 404 . {"status":404,"error":"Not Found","path":"/beta/models/gemini-9-pro:streamGenerateContent"}',
            "gemini-9-pro",
        ),
        # ... and the error's own words win over the path
        (
            'curl "https://generativelanguage.googleapis.com/v1beta/models/gemini-9-flash:generateContent"\n'
            '{"error": {"code": 404, "message": "This model models/gemini-9-flash is no longer available to new '
            'users.", "status": "NOT_FOUND"}}',
            "models/gemini-9-flash",
        ),
    ],
)
def test_sixth_pass_id_forms(catalog: Catalog, text: str, model: str) -> None:
    assert diagnose_offline(catalog, text).facts.model == model


def test_a_url_template_placeholder_is_not_a_model_id(catalog: Catalog) -> None:
    text = (
        "ERROR 404 not found when calling "
        "https://gateway.example.com/v1/acct/gw/google-ai-studio/v1/models/{model}:{generative_ai_rest_resource}"
    )
    assert diagnose_offline(catalog, text).facts.model in (None, "")


# Seventh pass (issue 13h): kinds drawn from the studied corpus, each backed by texts from two or
# more sources or by a provider's or runtime's documented wording; examples written for the test.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        # a client library's own model table refuses the id before any request is sent
        (
            "app/agent.rb:12:in `chat': Unknown model: acme/brainy-9:online (RubyLLM::ModelNotFoundError)",
            "client_misconfigured",
        ),
        ("Uncaught (in promise) Error: Model acme-chat-7b not found in DEFAULT_MODELS array.", "client_misconfigured"),
        (
            "KeyError: 'Could not automatically map acme-turbo to a tokeniser. Please use "
            "`tiktoken.get_encoding` to explicitly get the tokeniser you expect.'",
            "client_misconfigured",
        ),
        (
            "ValueError: Unknown encoding acme-turbo. Plugins found: ['tiktoken_ext.openai_public']",
            "client_misconfigured",
        ),
        (
            "> /model acme-max\n  x Model 'acme-max' is not available for auth type 'openai'.\n"
            "  Available models for 'openai': acme-plus, acme-mini",
            "client_misconfigured",
        ),
        (
            "$ aider --model openrouter/acme/brainy-70b\nUnknown model openrouter/acme/brainy-70b, did you mean one "
            "of these?\n- openrouter/acme/brainy-13b",
            "client_misconfigured",
        ),
        # Bedrock: a model served only through an inference profile, in both documented wordings
        (
            "botocore.errorfactory.ValidationException: An error occurred (ValidationException) when calling the "
            "Converse operation: Invocation of model ID acme.brainy-9-v1:0 with on-demand throughput isn't "
            "supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
            "client_misconfigured",
        ),
        (
            "An error occurred (ValidationException) when calling the InvokeModel operation: The provided model "
            "doesn't support on-demand throughput.",
            "client_misconfigured",
        ),
        # Bedrock: the id does not even have the shape of a model id or ARN
        (
            "ValidationException: 1 validation error detected: Value 'acme.brainy:9:100k' at 'modelId' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: (arn:aws(-[^:]+)?:bedrock:.*)",
            "unknown_model_name",
        ),
        # Gemini: a model withdrawn (or closed to new users) says so
        (
            '{"error": {"code": 404, "message": "This model models/gemini-9-flash is no longer available to new '
            'users. Please update your code to use a newer model.", "status": "NOT_FOUND"}}',
            "model_retired",
        ),
        # a server's own list lacks the id, whatever OpenAI's lifecycle says about it (Ollama; relays)
        (
            'unexpected status 404 Not Found: {"error":{"message":"model \'gpt-4-32k\' not found",'
            '"type":"api_error","param":null,"code":null}}',
            "unknown_model_name",
        ),
        ("所有渠道均不可用：当前分组 vip 下对于模型 gpt-3.5-turbo-16k 无可用渠道", "unknown_model_name"),
        # Copilot's model_not_supported is about the plan, not a request argument
        (
            'API Error: 400 {"error":{"message":"The requested model is not supported.","code":"model_not_supported",'
            '"param":"model","type":"invalid_request_error"}}',
            "account_access_denied",
        ),
        # Windows' own wording of a refused connection
        (
            "httpx.ConnectError: [WinError 10061] No connection could be made because the target machine "
            "actively refused it",
            "connection_error",
        ),
        # a model of another kind sent to the chat endpoint
        (
            '{"error":{"message":"acme/embed-9b is an embedding model and cannot be used with the chat/completions '
            'endpoint. Use the /embeddings endpoint instead."}}',
            "wrong_endpoint",
        ),
        (
            "{'code': 'Client specified an invalid argument', 'error': 'The model acme-image-2 is an image model "
            "and is therefore not available on this endpoint.'}",
            "wrong_endpoint",
        ),
        # a relay's English "invalid token" (one-api/new-api), with no status in the paste
        ("错误名称: AI_APICallError 错误信息: Invalid Token (request id: 2026010100000000001abc)", "invalid_api_key"),
        # the API's enum check on a body field, even inside a client's "connection error" wrapper
        (
            'openai.APIConnectionError: 400 Bad Request {"error": {"message": "\'\' is not one of [\'system\', '
            "'assistant', 'user'] - 'messages.4.role'\", \"type\": \"invalid_request_error\"}}",
            "invalid_request",
        ),
        # Anthropic's not_found_error names the model after "model:", the message before or after the type,
        # and an Anthropic-shaped server's "not found" for an OpenAI id is "not served here"
        ('调用报错:"model: acme-glm-9","type":"not_found_error', "unknown_model_name"),
        (
            'litellm.NotFoundError: AnthropicException - {"type": "error", "error": {"type": "not_found_error",\n'
            '"message": "model: claude-2.1"}}',
            "model_retired",
        ),
        ('POST /v1/messages returns 404 {"type":"not_found_error","message":"model: gpt-4o"}', "unknown_model_name"),
        # Google's generic NOT_FOUND with no id in the body (Gemini CLI, a Gemini relay)
        (
            '[ERROR] stream failed (status=404): {"error": {"code": 404, "message": "Requested entity was not found.", '
            '"status": "NOT_FOUND"}}',
            "unknown_model_name",
        ),
    ],
)
def test_seventh_pass_kinds(catalog: Catalog, text: str, category: str) -> None:
    assert diagnose_offline(catalog, text).category == category


def test_openai_own_not_found_for_a_shut_down_model_stays_retired(catalog: Catalog) -> None:
    # The server-list wordings above must not take OpenAI's own message for a retired id.
    text = (
        "openai.NotFoundError: Error code: 404 - {'error': {'message': 'The model `gpt-4-32k` does not exist or you "
        "do not have access to it.', 'type': 'invalid_request_error', 'code': 'model_not_found'}}"
    )
    found = diagnose_offline(catalog, text)
    assert found.category == "model_retired" and found.confidence >= 0.8


def test_a_client_table_refusal_is_not_read_as_a_server_not_found(catalog: Catalog) -> None:
    found = diagnose_offline(catalog, 'RubyLLM::ModelNotFoundError: Unknown model: "acme-sonnet-9".')
    # no server said the id is missing, so no "not found" reading competes with the client's table
    assert found.category == "client_misconfigured" and found.confidence >= 0.8


def test_a_current_id_not_found_in_other_words_is_not_a_sure_account_answer(catalog: Catalog) -> None:
    # A client's own check or a relay says "not found" for a current OpenAI id: the account is the
    # likeliest reading, not a sure one (an old client that does not know the id says the same).
    found = diagnose_offline(catalog, "Error: Base model gpt-4o-mini not found")
    assert found.confidence < 0.8
    # OpenAI's own wording for a current id stays a confident account answer.
    own = diagnose_offline(
        catalog,
        "Error code: 404 - {'error': {'message': 'The model `gpt-4o` does not exist or you do not have access to "
        "it.', 'type': 'invalid_request_error', 'code': 'model_not_found'}}",
    )
    assert own.category == "account_access_denied" and own.confidence >= 0.8


def test_xais_route_not_found_is_not_read_as_googles_entity_not_found(catalog: Catalog) -> None:
    text = (
        "XaiException - Error code: 404 - {'code': 'Some requested entity was not found', 'error': 'No handler "
        "found on route. Please double check the URL and the HTTP method.'}"
    )
    assert diagnose_offline(catalog, text).category != "unknown_model_name"


def test_azure_chat_operation_refused_for_a_chat_model_is_not_a_sure_endpoint_answer(catalog: Catalog) -> None:
    # Azure's OperationNotSupported for chat names a model that serves chat: the endpoint is not
    # the likely cause (a retired model version is), so the endpoint reading is not sure.
    chat = diagnose_offline(
        catalog,
        "AzureException - The chatCompletion operation does not work with the specified model, gpt-35-turbo. "
        "Please choose different model and try again.",
    )
    assert chat.confidence < 0.8
    # For an embedding model the endpoint reading stays sure.
    embed = diagnose_offline(
        catalog,
        "{'code': 'OperationNotSupported', 'message': 'The chatCompletion operation does not work with the "
        "specified model, text-embedding-3-large. Please choose different model and try again.'}",
    )
    assert embed.category == "wrong_endpoint" and embed.confidence >= 0.8


@pytest.mark.parametrize(
    ("text", "model"),
    [
        # LiteLLM's key allowlist lists what the key may use; the id sent follows "Tried to access"
        (
            'API Error: 401 {"error":{"message":"key not allowed to access model. This key can only access '
            'models=[\'acme-small\', \'acme-large-v2\']. Tried to access acme-medium-9","type":"key_model_access_denied"}}',
            "acme-medium-9",
        ),
        # RAGFlow pads the id inside its "Fail to access … model(x )" wrapper
        (
            "Fail to access embedding model(acme/embed-large-v9 ) using this api key.Error code: 500 - "
            "{'code': 20402, 'message': 'Model not found.'}",
            "acme/embed-large-v9",
        ),
    ],
)
def test_seventh_pass_id_forms(catalog: Catalog, text: str, model: str) -> None:
    assert diagnose_offline(catalog, text).facts.model == model


def test_the_old_sdks_you_tried_to_access_is_not_a_model_id(catalog: Catalog) -> None:
    text = "APIRemovedInV1: You tried to access openai.ChatCompletion, but this is no longer supported in openai>=1.0.0"
    assert diagnose_offline(catalog, text).facts.model in (None, "")


def test_a_web_frameworks_404_body_names_a_route_not_a_missing_model(catalog: Catalog) -> None:
    # a Spring-style error body: the path holds a model id, yet nothing said the model was not found
    text = (
        "proxy error: upstream answered 404 "
        '{"timestamp":1760000000000,"status":404,"error":"Not Found",'
        '"path":"/v1beta/models/gemini-1.5-flash:generateContent"}'
    )
    assert diagnose_offline(catalog, text).category == "client_misconfigured"


def test_another_providers_refusal_of_its_own_id_is_not_confidently_an_unknown_id(catalog: Catalog) -> None:
    # OpenAI's catalog not knowing a Perplexity-style id says nothing of why Perplexity refused it
    text = (
        "Error code: 400 - {'error': {'message': \"Invalid model 'sonar-huge-online-v2'. Permitted models can "
        "be found in the documentation.\", 'type': 'invalid_model', 'code': 400}}"
    )
    assert diagnose_offline(catalog, text).confidence < 0.8
    # OpenAI's own wording for an id no OpenAI family has keeps its reading
    ours = (
        "Error code: 404 - {'error': {'message': 'The model `acme-chat-9` does not exist or you do not have "
        "access to it.', 'type': 'invalid_request_error', 'param': None, 'code': 'model_not_found'}}"
    )
    assert diagnose_offline(catalog, ours).category == "unknown_model_name"


@pytest.mark.parametrize(
    "text",
    [
        # an error line that ends at its status: nothing names a cause
        "myapp: chat failed: OpenAI API error: Error code: 400",
        "AxiosError: Request failed with status code 403",
        'llm call error: 400 "bad request"',
        # a proxy's or Cloudflare's HTML page instead of an API body
        "PermissionDeniedError: 403 <html><head><title>403 Forbidden</title></head><body>"
        "<center><h1>403 Forbidden</h1></center><hr><center>cloudflare</center></body></html>",
        "openai.PermissionDeniedError: <!DOCTYPE html><html><head><title>Just a moment...</title></head></html>",
        # a relay's wrapper code that only says the upstream status was bad
        'status 400, response: {"error":{"message":"upstream_failed","type":"x","code":"bad_response_status_code"}}',
    ],
)
def test_an_opaque_400_or_403_is_an_honest_unknown(catalog: Catalog, text: str) -> None:
    result = diagnose_offline(catalog, text)
    assert result.category == "unknown", result.evidence
    assert result.confidence < 0.5
    # what the status alone suggests stays in view
    assert {a.category for a in result.alternatives} & {"invalid_request", "account_access_denied"}
    assert all(a.confidence <= result.confidence for a in result.alternatives)


def test_a_400_or_403_with_a_cause_after_the_status_keeps_it(catalog: Catalog) -> None:
    said = "Error: 403 Forbidden: this model requires a paid plan, upgrade for access"
    assert diagnose_offline(catalog, said).category != "unknown"
    # a template's "Status Code: 400" line does not hide the message below it
    templated = "Status Code: 400\n400 ValidationException: messages: text content blocks must be non-empty"
    assert diagnose_offline(catalog, templated).category == "invalid_request"


def test_a_bare_404_stays_a_route_problem(catalog: Catalog) -> None:
    # a path the host does not have (base URL), not an unknown
    result = diagnose_offline(catalog, "Failed to fetch models: Request failed with status code 404")
    assert result.category == "client_misconfigured"


def test_spring_boots_single_quoted_404_body_is_a_route_not_a_missing_model(catalog: Catalog) -> None:
    text = (
        "litellm.NotFoundError: OpenAIException - Error code: 404 - {'timestamp': '2025-01-02T03:04:05.000+00:00', "
        "'status': 404, 'error': 'Not Found', 'path': '/v9/completions'}\nReceived Model Group=acme-chat-4"
    )
    assert diagnose_offline(catalog, text).category == "client_misconfigured"


def test_azures_key_or_endpoint_401_names_two_causes(catalog: Catalog) -> None:
    text = (
        "Status: 401 (PermissionDenied) Access denied due to invalid subscription key or wrong API endpoint. "
        "Make sure to provide a valid key for an active subscription and use a correct regional API endpoint."
    )
    result = diagnose_offline(catalog, text)
    assert result.category == "invalid_api_key"
    assert result.confidence < 0.8
    assert "client_misconfigured" in {a.category for a in result.alternatives}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # the quota family in its short phrasing
        ('Error shown: "Insufficient quota. Please check your plan and billing, then retry."', "insufficient_quota"),
        # curl's own transport messages (as an engine's HTTP module logs them)
        ("HttpModule: request failed, libcurl error: 28 (Timeout was reached)", "connection_error"),
        ("curl: (7) Failed to connect to api.example.com port 443 after 2104 ms: Couldn't connect", "connection_error"),
        # Go's url.Error for a connection closed before any answer
        ('request error: Post "https://api.example.com/v1/responses": EOF', "connection_error"),
        ('Get "https://api.example.com/v1/models": unexpected EOF', "connection_error"),
    ],
)
def test_quota_and_transport_phrasings(catalog: Catalog, text: str, category: str) -> None:
    assert diagnose_offline(catalog, text).category == category


@pytest.mark.parametrize(
    "text",
    [
        "Error code: 404 - {'error': {'message': 'No endpoints available matching your guardrail restrictions and "
        "data policy. Configure: https://openrouter.ai/settings/privacy', 'code': 404}}",
        "No endpoints found matching your data policy (Free model publication). Configure: https://openrouter.ai/settings/privacy",
    ],
)
def test_openrouters_privacy_settings_refusal_is_the_accounts(catalog: Catalog, text: str) -> None:
    assert diagnose_offline(catalog, text).category == "account_access_denied"


def test_a_server_calling_a_current_openai_id_invalid_is_not_a_sure_unknown_id(catalog: Catalog) -> None:
    # the id is one OpenAI serves today: that host's list lacks it, or the client sent it there
    text = 'upstream said: {"error":{"message":"unknown model \'gpt-4.1\'","code":"invalid_prompt"}}'
    result = diagnose_offline(catalog, text)
    assert result.category == "unknown_model_name"
    assert result.confidence < 0.8
    assert "client_misconfigured" in {a.category for a in result.alternatives}
    # an id no catalog knows reads as unknown, but a bare "unknown model" is not a server's verdict
    # on its own list (tests/test_diagnosis_calibration.py: calibrated on first-sight answers)
    typo = 'upstream said: {"error":{"message":"unknown model \'gpt-4.1-turbo-max\'","code":"invalid_prompt"}}'
    result = diagnose_offline(catalog, typo)
    assert result.category == "unknown_model_name"
    assert result.confidence > diagnose_offline(catalog, text).confidence


def test_a_code_named_only_in_a_sentence_is_not_sure(catalog: Catalog) -> None:
    # no status, no body, no message: an app or relay may reuse the word for another cause
    said = "I just created a key and the plugin keeps showing invalid_api_key, never worked once"
    result = diagnose_offline(catalog, said)
    assert result.category == "invalid_api_key"
    assert result.confidence < 0.8
    # the code in a body's field, or with its own message, stays sure
    field = '{"error": {"code": "invalid_api_key", "message": "bad key"}}'
    assert diagnose_offline(catalog, field).confidence >= 0.8
    with_message = "Error: insufficient_quota: You exceeded your current quota, please check your plan"
    assert diagnose_offline(catalog, with_message).confidence >= 0.8


@pytest.mark.parametrize(
    "text",
    [
        "litellm.AuthenticationError: AuthenticationError: OpenAIException - UNAUTHENTICATED",
        "litellm.AuthenticationError: AuthenticationError: GroqException",
    ],
)
def test_litellms_provider_wrapper_name_does_not_hide_the_mapped_error(catalog: Catalog, text: str) -> None:
    # litellm names the mapped class first and the provider's wrapper ("<Provider>Exception - …") last
    assert diagnose_offline(catalog, text).category == "invalid_api_key"


@pytest.mark.parametrize(
    "text",
    [
        "403 Key limit exceeded. Manage it using https://openrouter.ai/keys",
        'chat failed: {"ok":false,"error":"Key limit exceeded (total limit). Manage it using the key settings"}',
    ],
)
def test_a_keys_own_spending_cap_is_quota(catalog: Catalog, text: str) -> None:
    assert diagnose_offline(catalog, text).category == "insufficient_quota"


# ---- the client-stack pass: kinds seen in Java, Go, .NET, Ruby, Rust and agent/gateway reports


@pytest.mark.parametrize(
    "text",
    [
        "ImportError: cannot import name 'OpenAI' from 'openai' (/usr/lib/python3.11/site-packages/openai/__init__.py)",
        "ModuleNotFoundError: No module named 'langchain_openai'",
        "AttributeError: module 'openai' has no attribute 'ChatCompletion'",
        "NoMethodError: undefined method `chat' for #<OpenAI::Client:0x000055d5c>",
        "TypeError: OpenAIApi is not a constructor\n    at Object.<anonymous> (/app/index.js:4:16)",
        "java.lang.NoSuchMethodError: 'com.theokanning.openai.completion.chat.ChatCompletionRequest$Builder "
        "com.theokanning.openai.completion.chat.ChatCompletionRequest$Builder.tools(java.util.List)'",
        "PHP Fatal error:  Uncaught Error: Call to undefined method OpenAI\\Client::responses() in /app/src/Chat.php:12",
        "./main.go:18:22: undefined: openai.GPT4o",
    ],
)
def test_a_client_library_without_what_the_code_calls_is_the_clients_setup(catalog: Catalog, text: str) -> None:
    result = diagnose_offline(catalog, text)
    assert result.category == "client_misconfigured", result.evidence


@pytest.mark.parametrize(
    "text",
    [
        # an attribute missing on a value (the app read an error as a response), or another package
        "AttributeError: 'NoneType' object has no attribute 'choices'",
        "AttributeError: module 'numpy' has no attribute 'float'",
    ],
)
def test_an_attribute_error_that_does_not_name_the_sdk_is_not_a_setup_answer(catalog: Catalog, text: str) -> None:
    result = diagnose_offline(catalog, text)
    assert result.category != "client_misconfigured" or result.confidence < 0.8


@pytest.mark.parametrize(
    "text",
    [
        "Error: GROQ_API_KEY is not set",
        "java.lang.IllegalArgumentException: OpenAI API key must be set. Use the connection property: "
        "spring.ai.openai.api-key",
        "System.ArgumentException: apiKey cannot be null or empty. (Parameter 'apiKey')",
        "Missing API key for provider 'mistral'. Add it in Settings",
        "The API key is missing: open the extension settings and paste one",
        "请求失败：API Key 为空，请在设置中填写后重试",
    ],
)
def test_a_key_the_client_never_had_is_a_key_problem(catalog: Catalog, text: str) -> None:
    assert diagnose_offline(catalog, text).category == "invalid_api_key"


def test_a_set_key_that_hits_a_rate_limit_is_not_a_key_problem(catalog: Catalog) -> None:
    text = "429 Too Many Requests: Rate limit reached for gpt-4o in organization org-abc on tokens per min"
    assert diagnose_offline(catalog, text).category == "rate_limited"
    assert diagnose_offline(catalog, "warning: the cache key is not set, using defaults").category != "invalid_api_key"


@pytest.mark.parametrize(
    "text",
    [
        "404 Unknown request URL: GET /v1/model. Please check the URL for typos",
        'HTTP 404: {"message":"no Route matched with those values"}',
        'Not Found: {"success":false,"errors":[{"code":7000,"message":"No route for that URI"}]}',
        'HTTP 404 {"timestamp":"2025-02-01T10:00:00","status":404,"error":"Not Found","message":"No static resource '
        'v1/chat/completions."}',
        # a relay's type around the host's 404: the route decides
        '404 {"error":{"message":"Unknown request URL: POST /api/chat/completions. Please check the URL",'
        '"type":"server_error"}}',
    ],
)
def test_a_hosts_no_such_route_is_the_base_url(catalog: Catalog, text: str) -> None:
    result = diagnose_offline(catalog, text)
    assert result.category == "client_misconfigured", result.evidence
    assert result.confidence >= 0.8


def test_a_server_error_type_without_route_words_stays_a_server_error(catalog: Catalog) -> None:
    text = '500 {"error":{"message":"upstream failed","type":"server_error"}}'
    assert diagnose_offline(catalog, text).category == "server_error"


def test_a_404_html_page_is_a_route_and_a_502_page_is_not(catalog: Catalog) -> None:
    # (the model named around it is shut down: the page still says the path is missing, not the model)
    page = 'model: text-davinci-003\nrequest failed: 404 <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>'
    assert diagnose_offline(catalog, page).category == "client_misconfigured"
    bad_gateway = "502 <!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>"
    assert diagnose_offline(catalog, bad_gateway).category == "server_error"


@pytest.mark.parametrize(
    ("text", "category", "other"),
    [
        (
            "channel test failed: invalid character '<' looking for beginning of value",
            "client_misconfigured",
            "server_error",
        ),
        (
            "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
            "client_misconfigured",
            "server_error",
        ),
        ("SyntaxError: Unexpected token 'I', \"Internal s\"... is not valid JSON", "server_error", None),
    ],
)
def test_an_answer_that_is_not_json_is_read_by_its_first_character_not_surely(
    catalog: Catalog, text: str, category: str, other: str | None
) -> None:
    result = diagnose_offline(catalog, text)
    assert result.category == category, result.evidence
    assert result.confidence < 0.8
    if other:
        assert other in {a.category for a in result.alternatives}


def test_an_html_answer_with_a_403_or_5xx_is_not_read_as_a_base_url(catalog: Catalog) -> None:
    # a firewall's 403 page: the status alone speaks, weakly
    blocked = diagnose_offline(
        catalog, "403 Forbidden: SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON"
    )
    assert blocked.category != "client_misconfigured"
    assert blocked.confidence < 0.5
    # a failing proxy's 502 page
    failing = diagnose_offline(catalog, "502: invalid character '<' looking for beginning of value")
    assert failing.category == "server_error"


def test_a_rust_servers_body_rejection_is_a_malformed_request(catalog: Catalog) -> None:
    text = (
        '400 {"error":{"message":"Failed to deserialize the JSON body into the target type: tools[0].type: '
        'unknown variant `web_search`, expected `function` at line 1 column 210"}}'
    )
    assert diagnose_offline(catalog, text).category == "invalid_request"
    # the client failing to read a server's answer is not the request's body
    answer = "Failed to parse models response as JSON. Error: missing field `object` at line 1 column 96"
    result = diagnose_offline(catalog, answer)
    assert result.category != "invalid_request" or result.confidence < 0.8


def test_a_grpc_backend_failure_passed_on_by_the_server_is_the_servers(catalog: Catalog) -> None:
    text = (
        'level=error msg="rpc error: code = Unavailable desc = connection error: desc = \\"transport: Error while '
        'dialing: dial unix /tmp/backend.sock: connect: connection refused\\""'
    )
    result = diagnose_offline(catalog, text)
    assert result.category == "server_error"
    assert "connection_error" in {a.category for a in result.alternatives}
    # the client's own dial is the client's connection
    assert (
        diagnose_offline(catalog, "dial tcp 10.0.0.5:443: connect: connection refused").category == "connection_error"
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"error":{"code":"PermissionDenied","message":"Principal does not have access to API/Operation."}}',
        "Azure.RequestFailedException: Status: 401 (PermissionDenied) The principal `0f1e2d3c-aaaa-bbbb-cccc-"
        "1234567890ab` lacks the required data action `Microsoft.CognitiveServices/accounts/OpenAI/deployments/"
        "chat/completions/action` to perform `POST /openai/deployments/{deployment-id}/chat/completions` operation.",
    ],
)
def test_an_identity_without_the_role_is_a_permission_not_a_bad_key(catalog: Catalog, text: str) -> None:
    assert diagnose_offline(catalog, text).category == "key_permission_denied"


def test_an_api_gateway_without_its_subscription_key_header_is_the_clients_setup(catalog: Catalog) -> None:
    missing = (
        '{ "statusCode": 401, "message": "Access denied due to missing subscription key. Make sure to include '
        'subscription key when making requests to an API." }'
    )
    assert diagnose_offline(catalog, missing).category == "client_misconfigured"
    # a key that was sent and refused is the key
    invalid = '{ "statusCode": 401, "message": "Access denied due to invalid subscription key." }'
    assert diagnose_offline(catalog, invalid).category == "invalid_api_key"


def test_an_object_id_not_found_is_a_request_problem_not_surely(catalog: Catalog) -> None:
    result = diagnose_offline(catalog, "Error: 404 No thread found with id 'thread_abc123'.")
    assert result.category == "invalid_request"
    assert result.confidence < 0.8
    assert "client_misconfigured" in {a.category for a in result.alternatives}
    model = diagnose_offline(catalog, "404 The model `gpt-9-ultra` does not exist")
    assert model.category == "unknown_model_name"


def test_a_java_tokenizer_refusing_an_id_is_the_clients_table(catalog: Catalog) -> None:
    text = "java.lang.IllegalArgumentException: Model 'acme-local-7b' is unknown to jtokkit"
    assert diagnose_offline(catalog, text).category == "client_misconfigured"
    served = "404 The model `acme-local-7b` does not exist"
    assert diagnose_offline(catalog, served).category != "client_misconfigured"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # a client's name for any 429 around the quota message: the quota is the cause
        (
            "NodeApiError: The service is receiving too many requests from you. You exceeded your current quota, "
            "please check your plan and billing details.",
            "insufficient_quota",
        ),
        ("HTTP 429 Too Many Requests: insufficient credits for this request", "insufficient_quota"),
        # a rate limit said in words stays one; Google's quota messages are its rate limits
        ("429 Too Many Requests: Rate limit reached for gpt-4o-mini on requests per min", "rate_limited"),
        (
            "got status: 429 Too Many Requests. You exceeded your current quota. For more information on this "
            "error, head to: https://ai.google.dev/gemini-api/docs/rate-limits",
            "rate_limited",
        ),
    ],
)
def test_a_429s_name_does_not_hide_the_quota_said_inside_it(catalog: Catalog, text: str, category: str) -> None:
    assert diagnose_offline(catalog, text).category == category


def test_a_quota_message_under_a_429s_name_is_sure_only_with_openais_marks(catalog: Catalog) -> None:
    said = (
        "The service is receiving too many requests from you. You exceeded your current quota, please check your "
        "plan and billing details."
    )
    bare = diagnose_offline(catalog, said)
    assert bare.category == "insufficient_quota"
    assert bare.confidence < 0.8  # Gemini words its rate limits the same way
    openai = diagnose_offline(catalog, said + " Read the docs: https://platform.openai.com/docs/guides/error-codes")
    assert openai.category == "insufficient_quota"
    assert openai.confidence >= 0.8


def test_an_invalid_url_naming_a_path_the_api_serves_is_not_sure(catalog: Catalog) -> None:
    served = "openai.NotFoundError: Error code: 404 - {'error': {'message': 'Invalid URL (POST /v1/chat/completions)'}}"
    result = diagnose_offline(catalog, served)
    assert result.category == "client_misconfigured"
    assert result.confidence < 0.8
    assert "server_error" in {a.category for a in result.alternatives}
    doubled = "{'error': {'message': 'Invalid URL (POST /v1/chat/completions/chat/completions)'}}"
    assert diagnose_offline(catalog, doubled).confidence >= 0.8


def test_a_negative_max_tokens_is_a_full_context_window(catalog: Catalog) -> None:
    text = '400 {"object":"error","message":"max_tokens must be at least 1, got -1204.","type":"BadRequestError"}'
    assert diagnose_offline(catalog, text).category == "context_length_exceeded"
    zero = '400 {"object":"error","message":"max_tokens must be at least 1, got 0.","type":"BadRequestError"}'
    assert diagnose_offline(catalog, zero).category != "context_length_exceeded"


def test_a_capability_named_in_title_case_still_names_the_model(catalog: Catalog) -> None:
    text = "Error code: 400 - {'error': {'message': 'acme-r1-distill does not support Function Calling'}}"
    result = diagnose_offline(catalog, text)
    assert result.category == "unsupported_parameter"
    assert result.facts.model == "acme-r1-distill"
    plain = diagnose_offline(catalog, "Error code: 400 - {'error': {'message': 'This model does not support Tools'}}")
    assert plain.facts.model is None


def test_another_services_key_warning_beside_the_error_does_not_decide(catalog: Catalog) -> None:
    # Agent tools print "LANGSMITH_API_KEY is not set" above the real error: an answer from the API
    # means a key was sent, so the warning is not the cause.
    context = (
        "LANGSMITH_API_KEY is not set\nError code: 400 - {'error': {'message': \"This model's maximum "
        "context length is 8192 tokens. However, your messages resulted in 9000 tokens.\", 'type': "
        "'invalid_request_error', 'param': 'messages', 'code': 'context_length_exceeded'}}"
    )
    result = diagnose_offline(catalog, context)
    assert (result.category, result.confidence >= 0.8) == ("context_length_exceeded", True)
    access = (
        "Tavily API key is not set\nError code: 404 - {'error': {'message': 'The model `gpt-4.1` does not "
        "exist or you do not have access to it.', 'type': 'invalid_request_error', 'code': 'model_not_found'}}"
    )
    assert diagnose_offline(catalog, access).category != "invalid_api_key"
    # with nothing else said, or the API's own refusal, the missing key is the cause
    for alone in ("Error: OPENAI_API_KEY is not set", '401 {"error": "API key not provided"}', "API Key 不正确或为空"):
        result = diagnose_offline(catalog, alone)
        assert (result.category, result.confidence >= 0.8) == ("invalid_api_key", True), alone


def test_a_grpc_failure_that_says_only_unknown_is_not_sure(catalog: Catalog) -> None:
    # a model file the server lacks looks the same: the answer stays well below a sure one
    vague = "rpc error: code = Unknown desc = stat /build/models/gpt-4: no such file or directory"
    assert diagnose_offline(catalog, vague).confidence <= 0.6
    down = "rpc error: code = Unavailable desc = connection refused"
    assert diagnose_offline(catalog, down).category == "server_error"


def test_a_quota_code_under_a_429_name_stays_sure(catalog: Catalog) -> None:
    text = (
        "429 Too Many Requests: {'error': {'message': 'You exceeded your current quota, please check your "
        "plan and billing details.', 'type': 'insufficient_quota', 'code': 'insufficient_quota'}}"
    )
    result = diagnose_offline(catalog, text)
    assert (result.category, result.confidence >= 0.8) == ("insufficient_quota", True)


def test_a_401_html_answer_is_a_login_wall_not_a_base_url(catalog: Catalog) -> None:
    text = "status 401: invalid character '<' looking for beginning of value"
    assert diagnose_offline(catalog, text).category != "client_misconfigured"
    plain = "invalid character '<' looking for beginning of value"
    assert diagnose_offline(catalog, plain).category == "client_misconfigured"
