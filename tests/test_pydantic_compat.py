"""``PydanticV1Rule`` reads a version-compatibility test from its tokens, not its code:
the same answer as the generated code's text, over every ``if`` and conditional
expression of the fixtures and some spellings made for it."""

from __future__ import annotations

import libcst as cst
import pytest

from fastapi_lint.analysis.pydantic import COMPAT_TEST_WORDS, _token_texts
from fastapi_lint.traversal import traverse

from conftest import FIXTURES

MADE = [
    "if PYDANTIC_V2: pass",
    "if pydantic.VERSION.startswith('2'): pass",
    "if hasattr(Model, 'model_dump'): pass",
    "if (x  # pydantic v2 only\n    and y): pass",
    "if f'{major}v1' == tag: pass",
    "if IS_PYDANTIC_2 or version >= 2: pass",
    "if settings.debug: pass",
    "x = a if is_v1 else b",
    "x = a if b else c",
    "if 1if x else 2: pass",
]


def _tests(module: cst.Module) -> list[cst.BaseExpression]:
    found = []

    def on_visit(node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.If, cst.IfExp)):
            found.append(node.test)
        return True

    traverse(module, on_visit, lambda node: None)
    return found


def _same_answer(module: cst.Module) -> int:
    tests = _tests(module)
    for test in tests:
        by_code = any(word in module.code_for_node(test).lower() for word in COMPAT_TEST_WORDS)
        by_tokens = any(word in text for text in _token_texts(test) for word in COMPAT_TEST_WORDS)
        assert by_code == by_tokens, module.code_for_node(test)
    return len(tests)


@pytest.mark.parametrize("source", MADE)
def test_made_spellings(source: str):
    assert _same_answer(cst.parse_module(source)) >= 1


def test_every_fixture():
    checked = 0
    for path in sorted(FIXTURES.rglob("*.py")):
        try:
            module = cst.parse_module(path.read_bytes())
        except Exception:  # noqa: BLE001 - fixtures of unparsable files
            continue
        checked += _same_answer(module)
    assert checked > 100
