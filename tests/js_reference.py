"""The JavaScript tokenizer as it was before it took whitespace with the next token (and found
statement starts from their newline): the reference the current one must agree with, finding for finding.

JavaScript/TypeScript (and other C-like languages): a light tokenizer.

Strings, template literals without substitutions and object keys are literals; `//` and
`/* */` comments are comments; regex literals are skipped (a `/` where an operand may start).
The callee of the innermost open `(` gives the call; the `key:` or `name =` before a string its key.
"""

from __future__ import annotations

import bisect
import re

from model_access.code.calls import FAMILY_METHODS, endpoints_for_call
from model_access.code.extract import FileContext, scan_text_tokens
from model_access.code.ids import find_starts, iter_tokens

_TOKEN = re.compile(
    r"""(?P<lc>//[^\r\n]*)
    |(?P<bc>/\*.*?(?:\*/|\Z))
    |(?P<str>"(?:\\.|[^"\\\r\n])*"|'(?:\\.|[^'\\\r\n])*')
    |(?P<tpl>`(?:\\.|[^`\\])*`)
    |(?P<id>[A-Za-z_$][\w$]*)
    |(?P<num>\d[\w.]*)
    |(?P<ws>\s+)
    |(?P<p>.)""",
    re.VERBOSE | re.DOTALL,
)
_REGEX = re.compile(r"/(?:\\.|\[(?:\\.|[^\]\\\r\n])*\]|[^/\\\r\n\[])+/[a-z]*")
_KEY_AFTER = re.compile(r"[ \t]*\??:(?!:)")
_OPERAND_END_WORDS = frozenset({"this", "super", "null", "true", "false", "undefined"})
_KEYWORDS_BEFORE_EXPR = frozenset({"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "yield", "await"})  # fmt: skip
_FAMILY_SUFFIXES = tuple(f".{m}" for m in FAMILY_METHODS)
_AZURE_KEYS = frozenset({"deployment", "deploymentName", "azureDeployment", "deployment_name", "azure_deployment"})


def extract_js(fc: FileContext, text: str, regex_literals: bool = True) -> None:
    starts = list(find_starts(text, 0, len(text)))  # every candidate, one RE2 pass
    if not starts:
        return
    if len(text) <= _WINDOWED or text.count("\n", 0, _WHOLE_FILE) * _MINIFIED_LINE > _WHOLE_FILE:
        if len(text) <= _WINDOWED:
            _tokenize(fc, text, 0, len(text), regex_literals, starts)
            return
        # A readable file: tokenize only the top-level statements that hold a candidate. A line that
        # starts at column 0 with a word, `}` or a comment begins a statement with no bracket open.
        for lo, hi in _statements(text, starts):
            _tokenize(fc, text, lo, hi, regex_literals, starts)
        return
    # A minified bundle (big, with lines of thousands of characters): no tokenizer can start safely in
    # the middle of one, and tokenizing it whole costs seconds. Each candidate is read on its own: a
    # quoted id ("gpt-4o", with the `key:` before it) is a literal, anything else needs an exact id.
    for m in iter_tokens(text):
        start, end = m.start(), m.end()
        quote = text[start - 1 : start]
        if quote and quote in "\"'`" and text[end : end + 1] == quote:
            key = _KEY_BEFORE.search(text, max(0, start - 60), start - 1)
            fc.add(start, m.group(0), "code", "literal", key.group(1) if key else None)
        else:
            fc.add(start, m.group(0), "code", "text")


_KEY_BEFORE = re.compile(r"([A-Za-z_$][\w$]*)\s*:\s*$")
_TOP_LEVEL = re.compile(r"^(?=[A-Za-z_$@}]|//|/\*)", re.MULTILINE)
_WINDOWED = 16_000  # files above this are tokenized statement by statement
_WHOLE_FILE = 64_000
_MINIFIED_LINE = 400  # average characters per line above which a file reads as minified


def _statements(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """(start, end) of the top-level statements that hold a candidate, merged when adjacent."""
    tops = [m.start() for m in _TOP_LEVEL.finditer(text)]
    spans: list[tuple[int, int]] = []
    for p in starts:
        i = bisect.bisect_right(tops, p)
        lo = tops[i - 1] if i else 0
        hi = tops[i] if i < len(tops) else len(text)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans


def _holds(starts: list[int], lo: int, hi: int) -> bool:
    i = bisect.bisect_left(starts, lo)
    return i < len(starts) and starts[i] < hi


def _tokenize(fc: FileContext, text: str, start: int, end: int, regex_literals: bool, starts: list[int]) -> None:
    pos = start
    n = end
    prev = ""  # previous significant token text
    prev_kind = ""
    # stack of open brackets: (char, callee or None)
    stack: list[tuple[str, str | None]] = []
    chain: list[str] = []  # identifiers joined by dots just before the current position
    pending_key: str | None = None
    while pos < n:
        if (
            regex_literals
            and text[pos] == "/"
            and not text.startswith(("//", "/*"), pos)
            and _regex_allowed(prev, prev_kind)
        ):
            m = _REGEX.match(text, pos, n)
            if m:
                pos = m.end()
                prev, prev_kind = "/re/", "operand"
                continue
        m = _TOKEN.match(text, pos, n)
        if m is None:  # pragma: no cover - the last alternative matches any char
            break
        kind = m.lastgroup or "p"
        value = m.group(0)
        pos = m.end()
        if kind == "ws":
            continue
        if kind in ("lc", "bc"):
            if _holds(starts, m.start(), m.end()):
                scan_text_tokens(fc, text, m.start() + 2, m.end(), "comment")
            continue
        if kind in ("str", "tpl"):
            content = value[1:-1]
            if not (kind == "tpl" and "${" in content) and _holds(starts, m.start(), m.end()):
                _literal(fc, m.start() + 1, content, stack, pending_key, prev)
            prev, prev_kind = value, "operand"
            chain = []
            continue
        if kind == "id":
            if (
                prev in ("{", ",")
                and stack
                and stack[-1][0] == "{"
                and _KEY_AFTER.match(text, pos)
                and _holds(starts, m.start(), m.end())
            ):
                # An unquoted object key: `{ o3: 15, o1: 60 }` (exact catalog ids only).
                fc.add(m.start(), value, "code", "literal", None, None, (), strict=True)
            if prev == ".":
                chain.append(value)
            else:
                chain = [value]
            prev, prev_kind = value, "word"
            continue
        if kind == "num":
            prev, prev_kind = value, "operand"
            continue
        # punctuation
        if value in "([{":
            callee = ".".join(chain) if value == "(" and chain and prev_kind == "word" else None
            stack.append((value, callee))
            if len(stack) > 500:
                stack.pop(0)
            chain = []
        elif value in ")]}":
            if stack:
                stack.pop()
            chain = []
        elif value == ".":
            pass
        elif value in ":=" and prev_kind == "word" and chain:
            pending_key = chain[-1]
            prev, prev_kind = value, "punct"
            continue
        elif value == "?" and text.startswith("?.", pos - 1):
            pos += 1
            value = "."
        else:
            chain = []
        if value in ",;{}()[]":
            pending_key = None
        prev, prev_kind = value, "punct"


def _regex_allowed(prev: str, prev_kind: str) -> bool:
    if prev_kind == "operand":
        return False
    if prev_kind == "word":
        return prev in _KEYWORDS_BEFORE_EXPR
    return prev not in (")", "]", "}")


def _literal(
    fc: FileContext,
    start: int,
    content: str,
    stack: list[tuple[str, str | None]],
    pending_key: str | None,
    prev: str,
) -> None:
    call: str | None = None
    positional = False
    if stack:
        bracket, callee = stack[-1]
        if bracket == "(" and callee:
            positional = prev in ("(", ",")
            if positional and callee.rsplit(".", 1)[-1] in FAMILY_METHODS:
                return
            call = callee
        elif bracket == "{" and len(stack) > 1 and stack[-2][0] == "(":
            call = stack[-2][1]
        elif bracket == "[" and len(stack) > 1 and (stack[-2][1] or "").endswith(_FAMILY_SUFFIXES):
            return  # ["gpt-4", "o1"].some(p => x.startsWith(p)) style lists inside a test call
    key = None if positional else pending_key
    strict = key in _AZURE_KEYS or (fc.azure_file and key in ("deployment", "engine"))
    endpoints = endpoints_for_call(call, "model" if key == "model" else (None if positional else key)) if call else ()
    fc.add_literal(start, content, key, call, endpoints, strict, exact="\\" not in content)
