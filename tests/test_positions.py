"""fastapi_lint.positions gives every node the range libcst's PositionProvider gives it."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from fastapi_lint.positions import Positions
from fastapi_lint.traversal import traverse

from conftest import ROOT

SOURCES = sorted((ROOT / "tests" / "fixtures").rglob("*.py"))

TRICKY = [
    "",
    "x = 1",  # no final newline
    "x = 1\r\ny = 2\r\n",
    "x = 1\ry = (\r 2)\r",  # lone CR line ends
    "@decorator\n@other(1)\nasync def f(a, /, b=2, *c, d, **e) -> int:\n    '''doc\n    string'''\n    return a\n",
    "class C(Base, metaclass=M):\n    x: int = 1\n\n    def m(self): pass  # comment\n",
    "if a:\n    pass\nelif b:\n    pass\nelse:\n    pass\ntry:\n    x\nexcept E as e:\n    y\nfinally:\n    z\n",
    's = f"{x!r:>{width}} \\N{BULLET} 😀"\nt = "😀" + \'\\u00e9\'\n',
    "with a as b, c:\n    for i in range(3):\n        while True:\n            break\n    else:\n        ...\n",
    "match x:\n    case [1, *rest] if rest:\n        pass\n    case {'k': v, **kw}:\n        pass\n    case _:\n        pass\n",
    "x = [\n    1,\n    2,\n]  # trailing\n\n\n# final comment\n",
    "lambda: (yield)\nasync def g():\n    async for a in b:\n        await c\n    async with d:\n        pass\n",
]


def _same(source: bytes) -> None:
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    found = Positions(module)
    assert set(map(id, found)) == set(map(id, expected))
    for node, span in expected.items():
        assert found[node] == span, (type(node).__name__, span, found[node])


@pytest.mark.parametrize("source", TRICKY, ids=range(len(TRICKY)))
def test_tricky_sources(source: str):
    _same(source.encode("utf-8"))


def test_every_fixture():
    assert SOURCES
    for path in SOURCES:
        data = path.read_bytes()
        try:
            cst.parse_module(data)
        except Exception:  # noqa: BLE001 - fixtures of unparsable files
            continue
        _same(data)


def test_a_node_of_another_tree_is_not_in_it():
    positions = Positions(cst.parse_module("x = 1\n"))
    assert cst.Name("x") not in positions


PLACED = TRICKY + [
    "a = 1; b = 2\nc = 3\n",  # ast sees two statements where libcst sees one line
    "\ufeffx = 1\ny = 2\n",  # a byte-order mark
    "# header\n\n# about f\n@d\n\n# between\n@e\ndef f():\n    pass\n\n\n# trailing comment\n",
    "x = 1 \\\n    + 2\ny = 3\n",
    "if True:\n\tx = 1\n\ty = 2\nz = 3\n",
    "x = 1\n\x0c\ny = 2\n",
]


def _placed_one_at_a_time(source: bytes) -> tuple[int, int]:
    """Each top-level statement placed on its own gives its nodes PositionProvider's ranges;
    (statements placed, statements that needed the whole module)."""
    from fastapi_lint.analysis.facts import extract_facts
    from fastapi_lint.source import decode_source

    module = cst.parse_module(source)
    text = decode_source(source)
    lines = extract_facts(source, "m").statement_lines
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    placed = whole = 0
    for statement in module.body:
        found = Positions.of_statements(module, text, lines, [statement])
        if found._whole_module:
            whole += 1
        else:
            placed += 1
        nodes = []
        traverse(statement, lambda node: nodes.append(node) or True, lambda node: None)
        for node in nodes:
            if node in expected:  # older libcst versions generate no code for a few empty nodes
                assert found[node] == expected[node], (type(node).__name__, expected[node], found[node])
    return placed, whole


@pytest.mark.parametrize("source", PLACED, ids=range(len(PLACED)))
def test_statements_placed_on_their_own(source: str):
    _placed_one_at_a_time(source.encode("utf-8"))


def test_statements_of_every_fixture_placed_on_their_own():
    placed = whole = 0
    for path in SOURCES:
        data = path.read_bytes()
        try:
            cst.parse_module(data)
            compile(data, str(path), "exec", dont_inherit=True)
        except Exception:  # noqa: BLE001 - fixtures of unparsable files
            continue
        more, fallbacks = _placed_one_at_a_time(data)
        placed, whole = placed + more, whole + fallbacks
    assert placed > 1000 and whole <= placed // 100, (placed, whole)


def test_a_node_outside_the_placed_statements_gets_the_whole_module_generated():
    from fastapi_lint.analysis.facts import extract_facts

    source = "x = 1\n\ndef f():\n    return g(2)\n"
    module = cst.parse_module(source)
    found = Positions.of_statements(module, source, extract_facts(source, "m").statement_lines, [module.body[1]])
    assert not found._whole_module
    name = module.body[0].body[0].targets[0].target
    assert name in found and found._whole_module
    assert found[name] == MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)[name]


@pytest.mark.parametrize("lines", ["", "x", "1 2 3 4", "-5", "99999999999999999999", "1\x00"])
def test_statement_lines_that_do_not_fit_get_the_whole_module_generated(lines: str):
    source = "x = 1\n\ndef f():\n    return g(2)\n"
    module = cst.parse_module(source)
    found = Positions.of_statements(module, source, lines, [module.body[1]])
    assert found._whole_module
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert found[module.body[1]] == expected[module.body[1]]
