"""The join between the ``ast`` facts and the libcst rule pass (see ``analysis/facts.py``).

Facts keep no nodes: the libcst pass finds a def's facts by its key and a call's facts by
counting calls of the same spelling. Both only work if the two passes meet defs and
calls in the same order, which is checked here over every fixture file and over
generated modules that nest calls in the ways ``ast`` orders differently from the
source (keywords before ``*args``, conditional expressions, dicts, lambda defaults,
calls inside calls).
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import libcst as cst

from fastapi_lint.analysis.facts import INTERESTING_CALLS, extract_facts
from fastapi_lint.analysis.model import ModuleModel
from fastapi_lint.analysis.names import dotted_name
from fastapi_lint.project import Project
from fastapi_lint.rule import FileContext
from fastapi_lint.traversal import traverse

from conftest import FIXTURES


def _recorded(spelling: str | None) -> bool:
    return bool(spelling) and spelling.rsplit(".", 1)[-1] in INTERESTING_CALLS


def facts_view(source: str) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(function keys, class keys, (scope, spelling) of recorded calls) as the facts have them."""
    facts = extract_facts(source, "m")
    calls = [(c.scope, c.call.callee) for c in facts.calls if _recorded(c.call.callee)]
    return list(facts.functions), list(facts.classes), calls


def libcst_view(source: str) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """The same, as the libcst rule pass meets them (the engine's traversal and context)."""
    facts = extract_facts(source, "m")
    module = cst.parse_module(source)
    ctx = FileContext("m.py", ModuleModel(facts, Project({"m": facts})), module)
    functions, classes, calls = [], [], []

    def on_visit(node: cst.CSTNode) -> bool:
        ctx.enter(node)
        if isinstance(node, cst.FunctionDef):
            functions.append(ctx.key_of(node))
        elif isinstance(node, cst.ClassDef):
            classes.append(ctx.key_of(node))
        elif isinstance(node, cst.Call) and _recorded(dotted_name(node.func)):
            calls.append((ctx.scope_key, dotted_name(node.func)))
        return True

    traverse(module, on_visit, ctx.leave)
    return functions, classes, calls


def fixture_files():
    return sorted(p for p in FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_facts_join_the_libcst_pass(path):
    source = path.read_text(encoding="utf-8")
    assert libcst_view(source) == facts_view(source)


# ---------------------------------------------------------------- generated modules

_CALLEES = ("app.add_api_route", "router.include_router", "Depends", "wrap", "APIRouter", "app.mount")
_LEAVES = st.sampled_from(["x", "app", "router", '"/a"', "1", "None"])


def _call(children):
    def build(callee, args, keywords, star):
        parts = list(args) + [f"k{i}={value}" for i, value in enumerate(keywords)]
        if star is not None:
            parts.append(f"*{star}")  # after the keywords: ``ast`` lists it before them
        return f"{callee}({', '.join(parts)})"

    return st.builds(
        build, st.sampled_from(_CALLEES), st.lists(children, max_size=3), st.lists(children, max_size=2),
        st.none() | children,
    )


def _expressions():
    def extend(children):
        return st.one_of(
            _call(children),
            st.builds(lambda a, b, c: f"({a} if {b} else {c})", children, children, children),
            st.builds(lambda a, b, c: f"{{{a}: {b}, **{c}}}", children, children, children),
            st.builds(lambda a, b, c: f"(lambda p={a}, *, q={b}: {c})", children, children, children),
            st.builds(lambda a, b, c: f"[{a} for v in {b} if {c}]", children, children, children),
            st.builds(lambda a, b: f"f'{{{a}}}-{{{b}!r}}'", _call(_LEAVES), _call(_LEAVES)),
            st.builds(lambda a, b: f"{a}[{b}]", children, children),
        )

    return st.recursive(_LEAVES, extend, max_leaves=12)


_EXPR = _expressions()


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def _statements(depth: int):
    simple = st.one_of(
        _EXPR.map(lambda e: [e]),
        _EXPR.map(lambda e: [f"x = {e}"]),
        st.builds(lambda a, b: [f"for x[{a}] in {b}:", "    pass"], _EXPR, _EXPR),
        st.builds(lambda a, b: [f"with {a} as y[{b}]:", "    pass"], _EXPR, _EXPR),
    )
    if depth == 0:
        return st.lists(simple, min_size=1, max_size=3).map(lambda blocks: sum(blocks, []))
    body = _statements(depth - 1)
    name = st.sampled_from(["f", "g", "C"])
    compound = st.one_of(
        st.builds(
            lambda decorators, fname, default, returns, inner: [
                *(f"@{d}" for d in decorators),
                f"def {fname}(a={default}, *, b: {returns} = {default}) -> {returns}:",
                *_indent(inner),
            ],
            st.lists(_EXPR, max_size=2), name, _EXPR, _EXPR, body,
        ),
        st.builds(
            lambda decorators, cname, base, keyword, inner: [
                *(f"@{d}" for d in decorators), f"class {cname}({base}, metaclass={keyword}):", *_indent(inner),
            ],
            st.lists(_EXPR, max_size=1), name, _EXPR, _EXPR, body,
        ),
        st.builds(lambda test, a, b: [f"if {test}:", *_indent(a), "else:", *_indent(b)], _EXPR, body, body),
        st.builds(lambda a, kind, b: ["try:", *_indent(a), f"except {kind}:", *_indent(b)], body, _EXPR, body),
    )
    return st.lists(simple | compound, min_size=1, max_size=4).map(lambda blocks: sum(blocks, []))


_MODULES = _statements(2).map(lambda lines: "\n".join(lines) + "\n")


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(_MODULES)
def test_generated_modules_join_the_libcst_pass(source):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)  # ``1[x]`` is valid, if silly
        compile(source, "<generated>", "exec")  # the generator writes valid Python
    assert libcst_view(source) == facts_view(source)


def test_calls_nested_in_calls_are_recorded_in_source_order():
    source = 'app.add_api_route("/a", f)\nwrap(wrap(app.add_api_route("/b", g)), app.add_api_route("/a", h))\n'
    facts = extract_facts(source, "m")
    assert [c.call.arg(0).value for c in facts.calls] == ["/a", "/b", "/a"]
