"""fastapi_lint.positions gives every node the range libcst's PositionProvider gives it."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from fastapi_lint.positions import Positions

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
