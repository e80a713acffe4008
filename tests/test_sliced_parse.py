"""A file parsed a slice at a time (``analysis/sliced_parse.py``) gives the tree one parse
gives, node for node: rules cannot tell. Checked with every statement its own slice (the
most cuts) over every fixture file, the example app and corner cases of what lies between
two statements; and the fixture projects lint to the same findings with every file sliced."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from fastapi_lint import engine
from fastapi_lint.analysis import facts as facts_module
from fastapi_lint.analysis import sliced_parse
from fastapi_lint.analysis.facts import class_bodies, extract_facts
from fastapi_lint.analysis.sliced_parse import parse_in_slices

from conftest import FIXTURES
from test_could_report import _findings, _project_dirs

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*FIXTURES.rglob("*.py"), *(ROOT / "examples").rglob("*.py")])


@pytest.fixture
def every_statement_a_slice(monkeypatch):
    monkeypatch.setattr(sliced_parse, "SLICE_BYTES", 0)
    monkeypatch.setattr(facts_module, "BODY_LINES_OF_CLASSES_FROM", 0)


def _sliced(source: bytes) -> cst.Module | None:
    facts = extract_facts(source, "m")
    assert facts.syntax_error is None
    return parse_in_slices(source, [int(line) for line in facts.statement_lines.split()], class_bodies(facts))


def _assert_same_tree(source: bytes) -> None:
    sliced, whole = _sliced(source), cst.parse_module(source)
    assert sliced is not None
    assert sliced.deep_equals(whole)
    assert sliced.bytes == whole.bytes == source


@pytest.mark.usefixtures("every_statement_a_slice")
def test_every_fixture_file_gives_the_tree_of_one_parse() -> None:
    checked = 0
    for path in SOURCES:
        source = path.read_bytes()
        if extract_facts(source, "m").syntax_error is not None:
            continue
        _assert_same_tree(source)
        checked += 1
    assert checked > 200


CORNER_CASES = {
    "comments between statements": "import a\n# about b\n\n# more\nimport b\n",
    "comment indented like a block's body, after it": (
        "def f():\n    return 1\n    # the block's footer\n\nx = 1\n"),
    "comment indented deeper than the next statement but not like the block": (
        "def f():\n        return 1\n    # whose?\n\nx = 1\n"),
    "blank lines then a comment at column 0 after a block": "def f():\n    pass\n\n\n# next\nclass A:\n    x = 1\n",
    "comment after the last statement": "def f():\n    pass\n# end\n",
    "indented comment after the last statement": "def f():\n    pass\n    # end\n",
    "no newline at the end": "import a\ndef f():\n    return 1",
    "decorators and comments between them": "@a\n# why\n@b\ndef f():\n    pass\n@c\nclass A:\n    pass\n",
    "semicolons": "import a; import b\nx = 1; y = 2\n",
    "backslash continuation joining statements": "x = 1; \\\ny = 2\nz = 3\n",
    "windows newlines": "import a\r\n\r\ndef f():\r\n    return 1\r\n\r\nx = 1\r\n",
    "mixed newlines": "import a\r\ndef f():\n    return 1\nx = 1\r\n",
    "tabs, then spaces in another def": "def f():\n\treturn 1\n\ndef g():\n  return 2\n",
    "first block has no statement before it": "if x:\n  y = 1\ndef f():\n    pass\n",
    "one-line suites, then a block": "if x: pass\nelse: y = 2\ndef f():\n   return 1\n",
    "try with handlers": "try:\n    import a\nexcept ImportError:\n    a = None\nelse:\n    b = 1\nfinally:\n    c = 1\nx = 2\n",
    "strings that look like comments": 'x = """\n# not a comment\n"""\ny = 1\nz = """\n# also not"""\nw = 1\n',
    "form feed between statements": "import a\n\x0c\nimport b\n",
    "module docstring and header comments": "#!/usr/bin/env python\n# header\n\n\"\"\"Doc.\"\"\"\nimport a\n",
    "class body: comments, docstring, nested blocks": (
        "class A(B):  # why\n    # first\n    \"\"\"Doc.\"\"\"\n\n    x = 1\n    # about f\n    def f(self):\n"
        "        return 1\n        # f's footer\n\n    @property\n    def g(self):\n        pass\n    # tail\n\n"
        "y = 1\n"),
    "class whose body ends the file with comments": "class A:\n    x = 1\n    y = 2\n    # tail\n# after\n",
    "class indented with tabs among spaces": "def f():\n    pass\nclass A:\n\tx = 1\n\ty = 2\n",
    "old Mac newlines": "import a\rdef f():\r    return 1\r\rclass A:\r    x = 1\r    y = 2\rz = 3\r",
    "form feeds in class bodies": "import a\n\x0c\ndef f():\n    return 1\n\x0c# c\nclass A:\n    x = 1\n\x0c\n    y = 2\n",
    "nested class, comments at each level": (
        "class A:\n    class B:\n        x = 1\n        # in B\n    # in A\n    y = 2\n# top\nz = 3\n"),
    "comments among a class's decorated methods": (
        "class A:\n    @p\n    # why\n    def f(self):\n        pass\n\n    # about g\n    @q\n    def g(self):\n"
        "        pass\n"),
    "match statement": "match x:\n    case 1:\n        pass\n    case _:\n        pass\ny = 1\n",
    "coding cookie": "# -*- coding: latin-1 -*-\nx = 'caf\xe9'\ny = 1\n",
    "byte order mark": "\ufeffimport a\nimport b\n",
}


# Where slices could differ from one parse, and the whole file is parsed instead: a slice
# that does not parse (a cut inside a logical line or a string) or that detects another
# indentation, newline or encoding than the first.
FALLS_BACK = frozenset({
    "backslash continuation joining statements", "mixed newlines", "tabs, then spaces in another def",
    "first block has no statement before it", "strings that look like comments",
    "class indented with tabs among spaces", "coding cookie", "byte order mark",
})


@pytest.mark.usefixtures("every_statement_a_slice")
@pytest.mark.parametrize("name", CORNER_CASES)
def test_corner_cases_give_the_tree_of_one_parse(name: str) -> None:
    source = CORNER_CASES[name]
    encoded = source.encode("latin-1" if "coding: latin-1" in source else "utf-8")
    sliced, whole = _sliced(encoded), cst.parse_module(encoded)
    if name in FALLS_BACK:
        assert sliced is None
    else:
        assert sliced.deep_equals(whole)
        assert sliced.bytes == whole.bytes


@pytest.mark.usefixtures("every_statement_a_slice")
def test_usual_files_are_sliced_and_each_slice_is_small(monkeypatch) -> None:
    parsed: list[int] = []
    parse = cst.parse_module

    def recording(source):
        parsed.append(len(source))
        return parse(source)

    monkeypatch.setattr(sliced_parse.cst, "parse_module", recording)
    body = "\n".join(f"    def method_{i}(self, x):\n        return x + {i}\n" for i in range(300))
    source = ("import a\n\n\n" + "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(300))
              + f"class Large:\n    \"\"\"Doc.\"\"\"\n{body}\n\nx = 1\n").encode()
    assert _sliced(source).deep_equals(parse(source))
    assert len(parsed) > 600
    assert max(parsed) < 200


def test_the_facts_tell_the_body_lines_of_long_classes_only() -> None:
    long_body = "".join(f"    x{i} = {i}\n" for i in range(facts_module.BODY_LINES_OF_CLASSES_FROM))
    source = f"class Short:\n    x = 1\n\n@dec\nclass Long:\n    '''Doc.'''\n{long_body}"
    assert class_bodies(extract_facts(source, "m")) == {4: [6, *range(7, 7 + facts_module.BODY_LINES_OF_CLASSES_FROM)]}


@pytest.mark.slow
@pytest.mark.parametrize("root", _project_dirs(), ids=lambda p: p.name)
def test_fixture_projects_lint_the_same_with_every_file_sliced(root: Path, monkeypatch) -> None:
    whole = _findings(root)
    monkeypatch.setattr(engine, "SLICED_PARSE_FROM", 0)
    monkeypatch.setattr(sliced_parse, "SLICE_BYTES", 0)
    monkeypatch.setattr(facts_module, "BODY_LINES_OF_CLASSES_FROM", 0)
    assert _findings(root) == whole


def test_facts_not_as_the_facts_pass_writes_them_parse_the_whole_file(monkeypatch) -> None:
    """Facts may come from a store inside the linted tree: lines that do not read as lines
    give the one-parse tree, never an error."""
    monkeypatch.setattr(engine, "SLICED_PARSE_FROM", 0)
    source = b"import a\n\ndef f():\n    return 1\n"
    for statement_lines, class_body_lines in (("1 x", ""), ("1 3", "3:y"), ("", "oops")):
        facts = extract_facts(source, "m")
        facts.statement_lines, facts.class_body_lines = statement_lines, class_body_lines
        assert engine.parse(source, facts).deep_equals(cst.parse_module(source))
