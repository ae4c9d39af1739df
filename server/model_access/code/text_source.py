"""Config files (.env, YAML, JSON, TOML, INI) and languages without a dedicated reader."""

from __future__ import annotations

import re

from .extract import FileContext, scan_text_tokens
from .ids import iter_tokens

_KEY = re.compile(r"""^\s*(?:-\s+)?(?:export\s+)?["']?([\w.\-]+)["']?\s*[:=]""")
_BEFORE_OK = set("\"'`=:[,({") | {""}
_AFTER_OK = set("\"'`,]})#;") | {""}


def _comment_start(line: str, marks: str) -> int:
    """Offset of a comment on a config line (a mark at line start or after a space, outside quotes)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
        elif ch in marks and (i == 0 or line[i - 1] in " \t"):
            return i
    return -1


def extract_config(fc: FileContext, text: str, marks: str = "#;") -> None:
    lines = fc.lines(text)
    is_json = text.lstrip()[:1] in ("{", "[")
    for m in iter_tokens(text):
        line_no, col = lines.locate(m.start())
        line = lines.line_text(line_no)
        index = col - 1
        if not is_json:
            comment = _comment_start(line, marks)
            if 0 <= comment < index:
                fc.add(m.start(), m.group(0), "comment", "text")
                continue
        key_match = _KEY.match(line)
        key = key_match.group(1) if key_match and key_match.end() <= index else None
        before = line[:index].rstrip()[-1:]
        after = line[index + len(m.group(0)) :].lstrip()[:1]
        whole = before in _BEFORE_OK or line[:index].strip() in ("", "-")
        whole = whole and after in _AFTER_OK
        fc.add(m.start(), m.group(0), "config", "literal" if whole else "text", key)


def extract_generic(fc: FileContext, text: str, comment: str) -> None:
    """Quoted ids are code literals; ids after a comment mark are comments; others need an exact id."""
    lines = fc.lines(text)
    for m in iter_tokens(text):
        line_no, col = lines.locate(m.start())
        line = lines.line_text(line_no)
        index = col - 1
        mark = _comment_start(line, comment)
        if 0 <= mark < index:
            fc.add(m.start(), m.group(0), "comment", "text")
            continue
        before = line[index - 1 : index] if index else ""
        end = index + len(m.group(0))
        after = line[end : end + 1]
        if before and before in "\"'`" and after == before:
            key_match = _KEY.match(line)
            key = key_match.group(1) if key_match and key_match.end() <= index else None
            fc.add(m.start(), m.group(0), "code", "literal", key)
        else:
            fc.add(m.start(), m.group(0), "code", "text")


__all__ = ["extract_config", "extract_generic", "scan_text_tokens"]
