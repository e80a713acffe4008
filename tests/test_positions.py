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
        found = Positions.of_statements(module, text, lines, [(statement, None)])
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


def _over_every_fixture(place) -> tuple[int, int]:
    """``place(source)`` summed over every fixture both parsers read."""
    placed = fallback = 0
    for path in SOURCES:
        data = path.read_bytes()
        try:
            cst.parse_module(data)
            compile(data, str(path), "exec", dont_inherit=True)
        except Exception:  # noqa: BLE001 - fixtures of unparsable files
            continue
        more, fallbacks = place(data)
        placed, fallback = placed + more, fallback + fallbacks
    return placed, fallback


def test_statements_of_every_fixture_placed_on_their_own():
    placed, whole = _over_every_fixture(_placed_one_at_a_time)
    assert placed > 1000 and whole <= placed // 100, (placed, whole)


def test_a_node_outside_the_placed_statements_gets_the_whole_module_generated():
    from fastapi_lint.analysis.facts import extract_facts

    source = "x = 1\n\ndef f():\n    return g(2)\n"
    module = cst.parse_module(source)
    found = Positions.of_statements(module, source, extract_facts(source, "m").statement_lines, [(module.body[1], None)])
    assert not found._whole_module
    name = module.body[0].body[0].targets[0].target
    assert name in found and found._whole_module
    assert found[name] == MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)[name]


@pytest.mark.parametrize("lines", ["", "x", "1 2 3 4", "-5", "99999999999999999999", "1\x00"])
def test_statement_lines_that_do_not_fit_get_the_whole_module_generated(lines: str):
    source = "x = 1\n\ndef f():\n    return g(2)\n"
    module = cst.parse_module(source)
    found = Positions.of_statements(module, source, lines, [(module.body[1], None)])
    assert found._whole_module
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert found[module.body[1]] == expected[module.body[1]]


NESTED = [
    "class C:\n    x = 1\n\n    # about m\n    @property\n    @other(\n        1)\n    def m(self):\n        return g(2)\n",
    "def f():\n    async def g():\n        await h()\n    class K(Base):\n        def m(self): pass  # comment\n    return g\n",
    "if True:\n\tdef f():\n\t\treturn 1\n\telse_ = 2\n",
    "class A:\n  class B:\n      def m(self):\n          return [\n  1,\n]\n",
    "try:\n    pass\nexcept E:\n    class C:\n        def m(self): ...\n",
    "class C:\r\n    def m(self):\r\n        return 1\r\n",
    "class C:\n    def \\\n  m(self):\n        pass\n",  # the name on another line than ``def``
]


def _defs(node: cst.CSTNode, scope: str, keys, found: list) -> None:
    """Every def and class below ``node`` with its facts key, as both passes make them."""
    for child in node.children:
        if isinstance(child, (cst.FunctionDef, cst.ClassDef)):
            key = keys.next(scope, child.name.value)
            found.append((child, key))
            _defs(child.body, key, keys, found)
        elif not isinstance(child, cst.Lambda):
            _defs(child, scope, keys, found)


def _nested_placed_on_their_own(source: bytes) -> tuple[int, int]:
    """Each def or class inside a top-level statement placed on its own (from its facts'
    line) gives its nodes PositionProvider's ranges; (placed, needing more code)."""
    from fastapi_lint.analysis.facts import DefKeys, extract_facts
    from fastapi_lint.source import decode_source

    module = cst.parse_module(source)
    text = decode_source(source)
    facts = extract_facts(source, "m")
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    tops = {id(statement) for statement in module.body}
    found_defs: list = []
    _defs(module, "", DefKeys(), found_defs)
    placed = fallback = 0
    for node, key in found_defs:
        if id(node) in tops:
            continue
        known = facts.functions.get(key) or facts.classes.get(key)
        assert known is not None, key
        found = Positions.of_statements(module, text, facts.statement_lines, [(None, (node, known.line))])
        inside: list = []
        traverse(node, lambda sub: inside.append(sub) or True, lambda sub: None)
        if not found._whole_module:
            placed += 1
            assert set(found._ranges) == {sub for sub in inside if sub in expected} | (set(found._ranges) - set(expected))
        else:
            fallback += 1
        for sub in inside:
            if sub in expected:
                assert found[sub] == expected[sub], (type(sub).__name__, expected[sub], found[sub])
    return placed, fallback


@pytest.mark.parametrize("source", NESTED, ids=range(len(NESTED)))
def test_defs_inside_statements_placed_on_their_own(source: str):
    placed, fallback = _nested_placed_on_their_own(source.encode("utf-8"))
    assert placed >= 1 or "\\\n" in source


def test_defs_inside_statements_of_every_fixture_placed_on_their_own():
    placed, fallback = _over_every_fixture(_nested_placed_on_their_own)
    assert placed > 200 and fallback <= placed // 100, (placed, fallback)


def test_a_def_placed_on_its_own_leaves_its_statement_ungenerated():
    from fastapi_lint.analysis.facts import extract_facts

    source = "class C:\n    def a(self):\n        return 1\n\n    def b(self):\n        return 2\n"
    module = cst.parse_module(source)
    method_a, method_b = module.body[0].body.body
    found = Positions.of_statements(module, source, extract_facts(source, "m").statement_lines,
                                    [(module.body[0], (method_b, 5))])
    assert method_b in found._ranges and method_a not in found._ranges and not found._whole_module
    wrong = Positions.of_statements(module, source, extract_facts(source, "m").statement_lines,
                                    [(module.body[0], (method_b, 2))])  # a line that is not its own
    assert not wrong._whole_module and method_a in wrong._ranges  # its top-level statement instead
