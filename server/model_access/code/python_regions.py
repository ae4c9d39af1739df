"""Python: parse only the statements around candidate lines, not the whole file.

`ast.parse` of a whole module was most of a cold scan's time (a 250 KB module for 3 ids). One linear
lexing pass (a compiled regex: string literals, comments, brackets, line starts) finds the logical
lines; the statement that holds a candidate line is cut out at its own indentation and parsed alone
(an indented one under an `if 1:` line), padded with newlines so its line numbers are the file's.
Whatever the lexer cannot vouch for (tabs in indentation, old Mac line ends, unbalanced brackets, a
region that does not parse) makes the caller parse the whole file, as before.
"""

from __future__ import annotations

import ast
import bisect
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

# Strings and comments are consumed whole, so the newlines inside a triple-quoted string and the
# brackets inside any literal are never seen (a prefix such as r or f changes nothing here: a quote
# after a backslash never ends a string). Each loop is "unrolled" (plain runs, then one special
# character) and can always end (closing quote or end of text): the engine never backtracks, so the
# pass is linear in the text. Every alternative starts with a literal character, which lets the
# engine skip the characters that cannot start one at C speed (4x faster than character classes).
_LEX = re.compile(
    r"""\"\"\"[^"\\]*(?:(?:\\[\s\S]?|"(?!""))[^"\\]*)*(?:\"\"\"|\Z)"""
    r"""|'''[^'\\]*(?:(?:\\[\s\S]?|'(?!''))[^'\\]*)*(?:'''|\Z)"""
    r"""|"[^"\\\n]*(?:\\[\s\S]?[^"\\\n]*)*"?"""
    r"""|'[^'\\\n]*(?:\\[\s\S]?[^'\\\n]*)*'?"""
    r"""|\#[^\n]*|\(|\[|\{|\)|\]|\}|\\\r?\n|\n[ ]*(?=[^\s#])"""
)
# Clauses that continue the compound statement above them at the same indentation.
_CLAUSE = re.compile(r"(?:elif|else|except|finally)\b")
_TAB_INDENT = re.compile(r"^ *[\t\f]", re.MULTILINE)
MIN_FILE = 8_000  # smaller files are parsed whole: one call costs less than the lexing
MAX_REGIONS = 64
MAX_SHARE = 0.7  # regions covering more of the file than this: parse it whole


@dataclass
class Logical:
    """Logical lines (outside brackets and strings): where each starts and its indentation."""

    starts: list[int]
    indents: list[int]


def logical_lines(text: str) -> Logical | None:
    """None when the text is not something the lexer can vouch for (the caller parses it whole)."""
    if _TAB_INDENT.search(text) or text.count("\r") != text.count("\r\n"):
        return None
    starts: list[int] = []
    indents: list[int] = []
    if text[:1] not in ("", " ", "\t", "\r", "\n", "\f", "#"):
        starts.append(0)
        indents.append(0)
    depth = 0
    for m in _LEX.finditer(text):
        at = m.start()
        char = text[at]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return None
        elif char == "\n" and depth == 0:
            starts.append(at + 1)
            indents.append(m.end() - at - 1)
    return Logical(starts, indents) if depth == 0 else None


def _is_clause(text: str, pos: int) -> bool:
    return _CLAUSE.match(text, pos) is not None


def statement_span(text: str, ll: Logical, i: int) -> tuple[int, int] | None:
    """(start, end) of the whole statement that logical line `i` belongs to, at its own indentation."""
    indent = ll.indents[i]
    while _is_clause(text, ll.starts[i] + indent):  # `else:` … belongs to the `if` above it
        i -= 1
        while i >= 0 and ll.indents[i] > indent:
            i -= 1
        if i < 0 or ll.indents[i] != indent:
            return None
    decorator = text.startswith("@", ll.starts[i] + indent)
    j = i + 1
    while j < len(ll.starts):
        if ll.indents[j] < indent:
            break
        if ll.indents[j] == indent:
            if not (decorator or _is_clause(text, ll.starts[j] + indent)):
                break
            decorator = text.startswith("@", ll.starts[j] + indent)
        j += 1
    return ll.starts[i], ll.starts[j] if j < len(ll.starts) else len(text)


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Distinct outermost spans (statements nest, they never partly overlap)."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(spans, key=lambda s: (s[0], -s[1])):
        if out and hi <= out[-1][1]:
            continue
        out.append((lo, hi))
    return out


def _parse_span(text: str, line: int, indent: int, lo: int, hi: int) -> list[ast.stmt] | None:
    if indent and line < 2:
        return None
    head = "\n" * (line - 2) + "if 1:\n" if indent else "\n" * (line - 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(head + text[lo:hi]).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


class Regions:
    """Parses the statements around given offsets of one file; None answers mean "parse it whole"."""

    def __init__(self, text: str, line_starts: list[int]) -> None:
        self.text = text
        self.line_starts = line_starts
        self.logical = logical_lines(text)

    def tree(self, offsets: Iterable[int]) -> ast.Module | None:
        ll = self.logical
        if ll is None or not ll.starts:
            return None
        spans = []
        for offset in offsets:
            i = bisect.bisect_right(ll.starts, offset) - 1
            span = statement_span(self.text, ll, i) if i >= 0 else None
            if span is None:
                return None
            spans.append(span)
        merged = _merge(spans)
        if len(merged) > MAX_REGIONS or sum(hi - lo for lo, hi in merged) > MAX_SHARE * len(self.text):
            return None
        body: list[ast.stmt] = []
        for lo, hi in merged:
            i = bisect.bisect_left(ll.starts, lo)
            line = bisect.bisect_right(self.line_starts, lo)
            parsed = _parse_span(self.text, line, ll.indents[i], lo, hi)
            if parsed is None:
                return None
            body.extend(parsed)
        return ast.Module(body=body, type_ignores=[])
