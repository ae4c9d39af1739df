"""The speed shortcuts of the redaction and the parser answer exactly what the plain searches answer.

Each shortcut tries a pattern only where a match can start (or skips it when a necessary word is
absent); if one ever missed a position, a key would stay in an answer or a fact would change. The
texts are built from the pieces the patterns care about, in any order and case.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from model_access import redact
from model_access.diagnosis import parse

_SETTINGS = settings(deadline=None, max_examples=300)


def _texts(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), min_size=1, max_size=24).map("".join)


_KEYISH = [
    "api", "API", "key", "Key", "-", "_", " ", "apikey", "subscription", "access", "token", "Token", "secret",
    "password", ":", "=", '"', "'", "abc", "1234", "x1y2z3w4", "[REDACTED]", ",", ";", "}", "\n", "\t", "9",
    "a" * 41, "B" * 42, "c" * 84, "https://", "user:pw", "@", "host", "/", "é",
    "token: x1y2z3w4", "api_key=abc12345678", "Token=1234abcd5678", "access_token: 'x1y2z3w4'",
    "password = 'abcdefgh1'", "SECRET:9999999999", "Ocp-Apim-Subscription-Key: 0123456789abcdef",
    "https://me:pa55word@example.com/v1", "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6",
]  # fmt: skip


@_SETTINGS
@given(_texts(_KEYISH))
def test_assignment_keys_are_redacted_where_the_plain_pattern_redacts_them(text: str) -> None:
    if text.isascii():
        assert redact._redact_assignments(text) == redact._ASSIGNMENT.sub(redact._replace_secret, text)
    if redact._LONG_KEY.search(text):
        assert redact._may_hold_long_key(text)
    assert redact._redact(text) == _plain_redact(text)


def _plain_redact(text: str) -> str:
    """The redaction as one `sub` per gated pattern, the way it read before the shortcuts."""
    lower = text.lower()
    for pattern, gate in zip(redact._PATTERNS, redact._GATES, strict=True):
        if gate is not None and not any(word in lower for word in gate):
            continue
        text = pattern.sub(redact._replace_secret if "s" in pattern.groupindex else redact.REDACTED, text)
    if "://" in text:
        text = redact._URL_CREDENTIALS.sub(lambda m: m.group(1) + redact.REDACTED + "@", text)
    text = redact._redact_literals(text)
    if "=" in text and ("?" in text or "&" in text or ";" in text):
        text = redact._QUERY_PARAM.sub(redact._replace_query_value, text)
    return text


_FACTS = [
    "code", "Code", "error_code", "errorCode", "responseCode", "response", "error", ":", "=", "=>", " ", "'",
    '"', "x", "abc1234567", "request id ", "x-request-id: ", "apim-request-id", "REQUEST_ID=", "req_abcdefgh12",
    "model", "Model: ", "OPENAI_MODEL=", "--model ", "deployment_name: ", "gpt-4o", "the ", "é", "模型", "ı",
    "ValueError", "ECONNRESET", "timed out", "Error", "Exception", "404", "/", "-", "\n",
    "code: model_not_found ", "'code': 'invalid_api_key', ", "error_code=rate_limit_exceeded ", "code: null ",
    "responseCode: 404 ", "errorCode => quota_exceeded ", "x-request-id: req_0123456789abcdef ",
    "Request ID: 9f1e2d3c4b5a ", "apim-request-id: 0a1b2c3d-4e5f ", "model: gpt-4o-mini ", "The model `gpt-4o` ",
    "openai.APIConnectionError: Connection error. ", "ConnectTimeout ", "dial tcp 1.2.3.4:443: i/o timeout ",
    '"model": "gpt-4o" ', "model='o3' ", "/deployments/my-gpt/ ", "/v1/models/gpt-4o ", "using gpt-4.1 ",
    "the gpt-4o model ", "gpt-5 goes ", "`o4-mini` ",
]  # fmt: skip


@_SETTINGS
@given(_texts(_FACTS))
def test_fact_searches_find_what_the_plain_searches_find(raw: str) -> None:
    _text, flat = parse.normalize(raw)
    lower = flat.lower()
    [code] = parse._CODE_PATTERNS
    assert [m.span(1) for m in parse._code_matches(flat, lower)] == [m.span(1) for m in code.finditer(flat)]
    fast, plain = parse._request_id(flat, lower), parse._REQUEST_ID.search(flat)
    assert (fast and fast.group(1)) == (plain and plain.group(1))
    start = parse._label_from(flat)
    first = next(parse._MODEL_LABEL.finditer(flat), None)
    assert (first is None) if start is None else (first is None or first.start() >= start)
    if flat.isascii() and flat.isprintable():
        for (pattern, _multiline), needs in zip(parse._MODEL_CONTEXT_FLAGS, parse._MODEL_CONTEXT_NEEDS, strict=True):
            if needs is not None and pattern.search(flat):
                assert all(any(word in lower for word in group) for group in needs)
    assert parse._may_name_exception(flat) == _suffix_or_word(flat)
    if parse._EXCEPTION.search(flat):
        assert parse._may_name_exception(flat)


def _suffix_or_word(flat: str) -> bool:
    """The exception pre-test as substring tests."""
    if any(word in flat for word in parse._EXCEPTION_WORDS):
        return True
    return any(flat[i - 1].isascii() and flat[i - 1].isalnum() for s in parse._EXCEPTION_SUFFIXES
               for i in range(1, len(flat)) if flat.startswith(s, i))  # fmt: skip


@_SETTINGS
@given(_texts(_FACTS))
def test_linear_searches_on_non_ascii_text_match_the_bindings_own(raw: str) -> None:
    text = "é" + raw
    for pattern in (parse._REQUEST_ID, parse._EXCEPTION, parse._TROUBLE, *(p for _g, p in parse._MODEL_PATTERNS)):
        compiled = pattern._compiled  # type: ignore[attr-defined]
        groups = range(compiled.groups + 1)
        ours = [[m.span(i) for i in groups] for m in pattern.finditer(text)]
        assert ours == [[m.span(i) for i in groups] for m in compiled.finditer(text)]
        first = pattern.search(text)
        assert (first and first.span()) == (ours[0][0] if ours else None)
