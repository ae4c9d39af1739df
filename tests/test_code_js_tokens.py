"""The JavaScript tokenizer finds exactly what its plainer predecessor (tests/js_reference.py) found.

The current one takes whitespace with the next token and finds statement starts from their newline;
every finding (offset, id, kind, call, endpoints, key) must stay the same on regex literals, division,
template literals, comments, JSX, object keys, optional chaining, minified bundles and token soup.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model_access.catalog import Catalog
from model_access.code import js_source
from model_access.code.extract import FileContext

from . import js_reference

SOURCES = {
    "regex and division": (
        'const a = x / 2 / y; const r = /gpt-4o["/]/g.test(s); const m = "gpt-4o";\n'
        'if (ok) /o3/.exec(s); return /gpt-4/i; a = b\n/ "gpt-4.1" /g; c = (d) / "o1" / 2;\n'
        "let q = arr[0] / 'o3-mini'; typeof /x/; z = }/ 'gpt-4o' /;\n"
    ),
    "templates": (
        "const t = `gpt-4o`; const u = `a ${`gpt-4o-mini ${x}`} b`; call({ model: `o3` });\n"
        "const v = `${model ?? 'gpt-4.1'}`; const w = `unterminated gpt-4o\n"
    ),
    "comments": (
        "// uses gpt-4o for chat\n/* o1-preview was retired, see gpt-4-32k */ x = 1;\n"
        "foo(/* gpt-4 */ 'gpt-3.5-turbo', // o3\n 'o1'); /* unterminated gpt-4o"
    ),
    "jsx": (
        'export const App = () => <Select model="gpt-4o" onChange={e => set(e.target.value)}>\n'
        "  <Option value='o3-mini'>o3 mini</Option>{/* gpt-4 */}</Select>;\n"
        "const frac = <div>{a / b}</div>; const re = <p>{x ? /gpt/ : 'gpt-4.1'}</p>;\n"
    ),
    "calls and keys": (
        "const client = new OpenAI();\nawait client.chat.completions.create({ model: 'gpt-4o', messages });\n"
        "openai?.images.generate({ model: \"dall-e-2\" }); client ?. embeddings . create({model:'text-embedding-ada-002'})\n"
        "const limits = { o3: 15, o1: 60, 'gpt-4o': 1 }; deployment = 'gpt-4'; let x = {\n  model:\n  'o1-mini' }\n"
        'models.filter(m => m.startsWith(\'gpt-4\')); ["gpt-4", "o1"].some(p => id.startsWith(p));\n'
        "a ? .5 : 'gpt-4o'; b?.5:'o3'; num = 1.5e3 / 'gpt-4o'.length; x = 1..toString() / 'o3';\n"
    ),
    "odd characters": (
        "const é = 'gpt-4o'; ٣ / 'o3' / 2; const s = \"gpt-4o\\\"o1\"; '\\'gpt-4\\''; \"unterminated gpt-4o\n"
        "\t\tcall('o1-mini')   \r\n  model = 'gpt-4.1'  \u00a0 \u2028 x = 'o3'   "
    ),
}


def _found(module: object, text: str, catalog: Catalog, regex_literals: bool) -> list[tuple[object, ...]]:
    lowered = text.lower()
    fc = FileContext(catalog, openai_file="openai" in lowered or "gpt" in lowered, azure_file="azure" in lowered)
    module.extract_js(fc, text, regex_literals=regex_literals)  # type: ignore[attr-defined]
    return [(f.start, f.ident, f.accepted, f.kind, f.call, f.endpoints, f.fixable) for f in fc.found]


def _same(text: str, catalog: Catalog) -> int:
    count = 0
    for regex_literals in (True, False):  # "js", and the C-like languages (no regex literals)
        new = _found(js_source, text, catalog, regex_literals)
        assert new == _found(js_reference, text, catalog, regex_literals)
        count += len(new)
    return count


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_tokenizer_finds_what_the_reference_finds(catalog: Catalog, name: str) -> None:
    assert _same(SOURCES[name], catalog) > 0


def test_big_files_by_statements_and_minified_bundles(catalog: Catalog) -> None:
    body = "".join(SOURCES.values())
    readable = ("function f() {\n  return 1;\n}\n" * 700) + body + ("}\nexport const z = 2;\n" * 400) + body
    assert len(readable) > js_source._WINDOWED  # read statement by statement
    minified = ";".join(["var a=b(c,d)/e"] * 3000) + body.replace("\n", ";") + ";".join(["x=y"] * 9000)
    assert len(minified) > js_source._WHOLE_FILE and minified.count("\n") == 0
    assert _same(readable, catalog) > 10
    assert _same(minified, catalog) > 10


_PIECES = [
    "'gpt-4o'", '"o3"', "`gpt-4.1`", "`${", "}`", "}", "{", "(", ")", "[", "]", "/", "//", "/*", "*/", "\n",
    " ", "\t", "\r\n", "model", ":", "=", ",", ";", ".", "?.", "?", "create", "return", "typeof", "x", "1",
    "1.5", "'", '"', "`", "\\", "/gpt-4o/g", "o1", "gpt-4o", "<div>", "</div>", "é", "٣", "\u00a0", "ada",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=60))
def test_token_soup_gives_the_reference_findings(catalog: Catalog, parts: list[str]) -> None:
    _same("".join(parts), catalog)
