"""Python: string literals located with `ast` (exact spans), with the call and keyword they flow into.

Comments are the `#` text outside every string span; docstrings (string statements) are comments.
"""

from __future__ import annotations

import ast
import bisect
import re
import warnings

from .calls import FAMILY_METHODS, endpoints_for_call
from .extract import FileContext, Found, Lines, scan_text_tokens
from .ids import MODELISH, has_candidate, iter_tokens
from .python_regions import MIN_FILE as MIN_REGION_FILE
from .python_regions import Regions

_QUOTE = re.compile(r"([rRbBuUfF]{0,2})('''|\"\"\"|'|\")")
_PIECE_HINT = re.compile(r"gpt-?['\"{]", re.IGNORECASE)
_AZURE_KEYS = frozenset({"azure_deployment", "deployment_name", "deployment_id", "deployment"})


def dotted(node: ast.AST) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(dotted(node.func) + "()")
    else:
        parts.append("…")
    return ".".join(reversed(parts))


def _target_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


class _Py:
    def __init__(self, fc: FileContext, text: str, tree: ast.AST, lines: Lines, tokens: list[re.Match[str]]) -> None:
        self.fc = fc
        self.text = text
        self.lines = lines
        self.tree = tree
        self.tokens = tokens
        self.parents: dict[int, ast.AST] = {}
        self.spans: list[tuple[int, int]] = []
        self.assigned: dict[str, list[tuple[ast.AST, int]]] = {}
        self.assigns: list[ast.Assign] = []

    def offset(self, lineno: int, byte_col: int) -> int:
        line = self.lines.line_text(lineno)
        if line.isascii():
            return self.lines.offset(lineno, byte_col)
        return self.lines.offset(
            lineno, len(line.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", "replace"))
        )

    def run(self, wanted: list[int]) -> None:
        """`wanted`: the lines that hold a candidate (see wanted_lines), sorted."""

        def relevant(lo: int, hi: int) -> bool:
            i = bisect.bisect_left(wanted, lo)
            return i < len(wanted) and wanted[i] <= hi

        strings: list[ast.AST] = []
        stack: list[ast.AST] = [self.tree]
        while stack:
            holder = stack.pop()
            for child in ast.iter_child_nodes(holder):
                lo = getattr(child, "lineno", None)
                decorators = getattr(child, "decorator_list", None)
                if lo is not None and decorators:
                    lo = min([lo, *(d.lineno for d in decorators)])  # decorators sit above the `def` line
                if lo is not None and not relevant(lo, getattr(child, "end_lineno", None) or lo):
                    continue
                self.parents[id(child)] = holder
                if isinstance(child, ast.Assign):
                    self.assigns.append(child)
                if isinstance(child, ast.JoinedStr) or (
                    isinstance(child, ast.Constant) and isinstance(child.value, str)
                ):
                    strings.append(child)
                stack.append(child)
        strings.sort(key=lambda n: (n.lineno, n.col_offset))  # type: ignore[attr-defined]
        consumed: set[int] = set()
        for node in strings:
            parent = self.parents.get(id(node))
            if isinstance(parent, (ast.JoinedStr, ast.FormattedValue)):
                continue  # a piece of an f-string: handled with the f-string
            start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
            end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
            self.spans.append((start, end))
            if isinstance(parent, ast.Expr):
                scan_text_tokens(self.fc, self.text, start, end, "comment")  # docstring
                continue
            if id(node) in consumed:
                continue
            if not isinstance(parent, ast.BinOp) and not has_candidate(self._value(node).encode("utf-8", "replace")):
                continue
            self._literal(node, start, consumed)
        self._comments()

    @staticmethod
    def _value(node: ast.AST) -> str:
        if isinstance(node, ast.Constant):
            return str(node.value)
        if isinstance(node, ast.JoinedStr):
            return "".join(_literal_piece(v) or "\0" for v in node.values)
        return ""

    def _literal(self, node: ast.AST, start: int, consumed: set[int]) -> None:
        # "gpt-" + "4o": the whole concatenation, reported at its first piece.
        top = node
        parent = self.parents.get(id(node))
        while isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add):
            top, parent = parent, self.parents.get(id(parent))
        if top is not node:
            pieces = _concat_pieces(top)
            if pieces is None:
                if not has_candidate(self._value(node).encode("utf-8", "replace")):
                    return
            else:
                first, joined = pieces
                for piece in _walk_pieces(top):
                    consumed.add(id(piece))
                if first is not node:
                    return
                self._report(top, start, joined, fixable=False)
                return
        if isinstance(node, ast.JoinedStr):
            value = self._value(node)
            if "\0" in value:
                return
            self._report(node, start, value, fixable=False)
            return
        if not isinstance(node, ast.Constant):  # the caller passes string constants and f-strings only
            return
        value = str(node.value)
        m = _QUOTE.match(self.text, start)
        if m is None or "b" in m.group(1).lower():
            return
        content = m.end()
        close = content + len(value)
        exact = self.text.startswith(value, content) and self.text.startswith(m.group(2), close)
        self._report(node, content, value, fixable=exact)

    def _report(self, node: ast.AST, content: int, value: str, fixable: bool) -> None:
        if not fixable:
            m = _QUOTE.match(self.text, content)
            if m is not None:
                content = m.end()
        skip, key, call = self._context(node)
        if skip:
            return
        strict = key in _AZURE_KEYS or (self.fc.azure_file and key == "engine")
        endpoints = endpoints_for_call(call, key) if call else ()
        self.fc.add_literal(content, value, key, call, endpoints, strict, fixable)

    def _context(self, node: ast.AST) -> tuple[bool, str | None, str | None]:
        """(family check → skip, keyword/variable name, call as written)."""
        parent = self.parents.get(id(node))
        child = node
        if isinstance(parent, (ast.Tuple, ast.List, ast.Set)):
            child, parent = parent, self.parents.get(id(parent))
        if isinstance(parent, ast.Call):
            name = dotted(parent.func)
            if any(a is child for a in parent.args):
                if name.rsplit(".", 1)[-1] in FAMILY_METHODS:
                    return True, None, None
                return False, None, name
            return False, None, None
        if isinstance(parent, ast.keyword):
            call = self.parents.get(id(parent))
            return False, parent.arg, dotted(call.func) if isinstance(call, ast.Call) else None
        if isinstance(parent, ast.Compare):
            if parent.left is child and any(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops):
                return True, None, None  # "gpt-4" in model: a family test
            other = parent.left if parent.left is not child else (parent.comparators[0] if parent.comparators else None)
            return False, _target_name(other) if other is not None else None, None
        if isinstance(parent, (ast.Assign, ast.AnnAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            assigned_to = next((n for n in map(_target_name, targets) if n), None)
            return False, assigned_to, None
        if isinstance(parent, ast.Dict):
            for k, v in zip(parent.keys, parent.values, strict=False):
                if v is child and isinstance(k, ast.Constant) and isinstance(k.value, str):
                    return False, k.value, None
            return False, None, None
        if isinstance(parent, ast.arguments):
            names = [a.arg for a in parent.posonlyargs + parent.args]
            for arg_name, default in zip(names[len(names) - len(parent.defaults) :], parent.defaults, strict=False):
                if default is child:
                    return False, arg_name, None
            for kwarg, kw_default in zip(parent.kwonlyargs, parent.kw_defaults, strict=False):
                if kw_default is child:
                    return False, kwarg.arg, None
        return False, None, None

    def _comments(self) -> None:
        """Ids after a `#` that is outside every string literal."""
        self.spans.sort()
        starts = [a for a, _ in self.spans]

        def in_string(offset: int) -> bool:
            i = bisect.bisect_right(starts, offset) - 1
            return i >= 0 and self.spans[i][0] <= offset < self.spans[i][1]

        for m in self.tokens:
            if in_string(m.start()):
                continue
            line, _ = self.lines.locate(m.start())
            line_start = self.lines.starts[line - 1]
            hash_at = self.text.find("#", line_start, m.start())
            while hash_at >= 0 and in_string(hash_at):
                hash_at = self.text.find("#", hash_at + 1, m.start())
            if hash_at >= 0:
                self.fc.add(m.start(), m.group(0), "comment", "text")


def _literal_piece(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.FormattedValue) and node.conversion == -1 and node.format_spec is None:
        return _literal_piece(node.value)
    if isinstance(node, ast.JoinedStr):
        parts = [_literal_piece(v) for v in node.values]
        return None if any(p is None for p in parts) else "".join(p or "" for p in parts)
    return None


def _walk_pieces(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp):
        return _walk_pieces(node.left) + _walk_pieces(node.right)
    return [node]


def _concat_pieces(top: ast.AST) -> tuple[ast.AST, str] | None:
    pieces = _walk_pieces(top)
    values = [_literal_piece(p) for p in pieces]
    if any(v is None for v in values):
        return None
    return pieces[0], "".join(v or "" for v in values)


def _parse(text: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def wanted_lines(text: str, lines: Lines, tokens: list[re.Match[str]]) -> list[int]:
    """The lines to read: those with a candidate token or a piece of a concatenated id."""
    starts = lines.starts  # the line of an offset: how many lines start at or before it
    found = {bisect.bisect_right(starts, m.start()) for m in tokens}
    found.update(bisect.bisect_right(starts, m.start()) for m in _PIECE_HINT.finditer(text))
    return sorted(found)


def extract_python(fc: FileContext, text: str) -> bool:
    """False when the text does not parse as Python (the caller falls back to a generic scan).

    A big file is parsed only in the statements around its candidate lines (python_regions)."""
    lines = fc.lines(text)
    tokens = list(iter_tokens(text))
    wanted = wanted_lines(text, lines, tokens)
    if not wanted:
        return True  # nothing a parse could report
    regions = Regions(text, lines.starts) if len(text) >= MIN_REGION_FILE else None
    tree = regions.tree(lines.starts[n - 1] for n in wanted) if regions is not None else None
    if tree is None:
        regions = None
        tree = _parse(text)
        if tree is None:
            return False
    py = _Py(fc, text, tree, lines, tokens)
    py.run(wanted)
    # MODEL = "gpt-4o" … create(model=MODEL): the literal gets the call it flows into.
    by_start = {f.start: f for f in fc.found if f.kind == "code"}
    if by_start:
        _flow(py, by_start, regions)
    return True


def _flow(py: _Py, by_start: dict[int, Found], regions: Regions | None) -> None:
    assigned: dict[str, Found] = {}
    # Only assignments on lines with an id were visited (and can hold one): no second walk of the tree.
    for node in py.assigns:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    m = _QUOTE.match(py.text, py.offset(node.value.lineno, node.value.col_offset))
                    if m is None:
                        continue
                    found = by_start.get(m.end())
                    if found is None:
                        found = next((f for s, f in by_start.items() if m.end() <= s <= m.end() + 20), None)
                    if found is not None:
                        assigned[target.id] = found
    if not assigned:
        return
    names = "|".join(re.escape(n) for n in assigned)
    if not re.search(rf"=\s*(?:{names})\b", py.text):
        return  # no keyword argument names one of them: no call to find
    if regions is None:
        uses = _uses(py.tree, assigned)
    else:
        # Parsed in regions: read the statements that mention a name. The whole tree's walk order
        # picks the first call; if the calls disagree, that order is needed: parse the whole file.
        tree = regions.tree(m.start() for m in re.finditer(rf"\b(?:{names})\b", py.text))
        found_uses = _uses(tree, assigned) if tree is not None else None
        if found_uses is None or not _agree(found_uses, assigned):
            whole = _parse(py.text)
            found_uses = _uses(whole, assigned) if whole is not None else {}
        uses = found_uses
    for name, pairs in uses.items():
        found = assigned[name]
        if found.call is None:
            found.call, arg = pairs[0]
            found.endpoints = endpoints_for_call(found.call, arg)


def _agree(uses: dict[str, list[tuple[str, str]]], assigned: dict[str, Found]) -> bool:
    """Whether every literal would get the same call whichever use came first."""
    per_found: dict[int, set[tuple[str, str]]] = {}
    for name, pairs in uses.items():
        per_found.setdefault(id(assigned[name]), set()).update(pairs)
    return all(len(pairs) == 1 for pairs in per_found.values())


def _uses(tree: ast.AST, assigned: dict[str, Found]) -> dict[str, list[tuple[str, str]]]:
    """Per assigned name, (call as written, keyword) of each call passing it to a model keyword, in walk order."""
    uses: dict[str, list[tuple[str, str]]] = {}
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        for kw in call.keywords:
            if isinstance(kw.value, ast.Name) and kw.arg and MODELISH.search(kw.arg) and kw.value.id in assigned:
                uses.setdefault(kw.value.id, []).append((dotted(call.func), kw.arg))
    return uses
