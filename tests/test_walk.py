"""The engine's walk (``engine._Dispatcher.walk``) against libcst's own order.

The walk skips every subtree in which no enabled rule has a method and the context
follows nothing (``traversal.prunable``): whitespace, commas, brackets, operators. Rules
must still get exactly the calls a full traversal gives, in the same order, with the
context in the same state. Checked over every fixture file, for rules that look at a few
node types, at node types inside whitespace (comments), and at everything.
"""

from __future__ import annotations

import libcst as cst
import pytest

from fastapi_lint.analysis.facts import extract_facts
from fastapi_lint.analysis.model import ModuleModel
from fastapi_lint.engine import _Dispatcher
from fastapi_lint.project import Project
from fastapi_lint.rule import FileContext, Rule
from fastapi_lint.traversal import _node_types, fields_to_walk, prunable, traverse

from conftest import FIXTURES

FIXTURE_FILES = sorted(FIXTURES.rglob("*.py"))

WATCHED = {
    "calls": ("Call",),
    "names and lambdas": ("Name", "Lambda", "Param"),
    "comments": ("Comment",),
    "whitespace": ("SimpleWhitespace", "Comma"),
    "strings": ("SimpleString", "FormattedStringText", "Integer"),
    "everything": tuple(sorted({kind.__name__ for kind in _node_types()})),
}


def _recorder(type_names: tuple[str, ...], events: list) -> type[Rule]:
    """A rule class with a visit_ and a leave_ method for each of ``type_names``, noting
    each call with the node and what the context says at that moment."""

    def note(event: str):
        def method(self, node: cst.CSTNode) -> None:
            ctx = self.ctx
            events.append((event, id(node), ctx.scope_key, id(ctx.function_node), id(ctx.current_statement)))
        return method

    methods = {}
    for name in type_names:
        methods[f"visit_{name}"] = note("visit")
        methods[f"leave_{name}"] = note("leave")
    return type("Recorder", (Rule,), {"code": "FAPI999", "name": "recorder", "summary": "", **methods})


def _context(source: str, module: cst.Module) -> FileContext:
    facts = extract_facts(source, "m")
    return FileContext("m.py", ModuleModel(facts, Project({"m": facts})), module)


def _walked(source: str, module: cst.Module, type_names: tuple[str, ...]) -> list:
    events: list = []
    ctx = _context(source, module)
    _Dispatcher(ctx, [_recorder(type_names, events)(ctx)]).walk(module)
    return events


def _traversed(source: str, module: cst.Module, type_names: tuple[str, ...]) -> list:
    """The same calls from libcst's order: every node visited, the context told of each."""
    events: list = []
    ctx = _context(source, module)
    rule = _recorder(type_names, events)(ctx)

    def on_visit(node: cst.CSTNode) -> bool:
        ctx.enter(node)
        method = getattr(rule, f"visit_{type(node).__name__}", None)
        if method is not None:
            method(node)
        return True

    def on_leave(node: cst.CSTNode) -> None:
        method = getattr(rule, f"leave_{type(node).__name__}", None)
        if method is not None:
            method(node)
        ctx.leave(node)

    traverse(module, on_visit, on_leave)
    return events


@pytest.mark.parametrize("watched", sorted(WATCHED))
def test_the_walk_calls_rules_as_a_full_traversal_does(watched):
    type_names = WATCHED[watched]
    compared = 0
    for path in FIXTURE_FILES:
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue
        assert _walked(source, module, type_names) == _traversed(source, module, type_names), path
        compared += 1
    assert compared > 100


def test_whitespace_and_punctuation_are_pruned_but_not_what_holds_a_watched_node():
    skipped = prunable(frozenset({cst.Call}))
    assert {cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.Comma, cst.Dot, cst.LeftParen, cst.Add,
            cst.Newline, cst.Comment, cst.Integer} <= skipped
    # Anything that may hold an expression may hold a call.
    assert not {cst.Call, cst.Arg, cst.Attribute, cst.Subscript, cst.Module} & skipped
    # A comment can sit in the whitespace after a comma or inside parentheses.
    with_comments = prunable(frozenset({cst.Call, cst.Comment}))
    holders = {cst.Comment, cst.ParenthesizedWhitespace, cst.TrailingWhitespace, cst.EmptyLine, cst.Comma}
    assert not holders & with_comments
    assert cst.SimpleWhitespace in with_comments


def test_fields_that_can_only_hold_skipped_nodes_are_not_read():
    skipped = prunable(frozenset({cst.Call}))
    fields = ("func", "whitespace_after_func", "whitespace_before_args", "args", "lpar", "rpar")
    assert fields_to_walk(cst.Call, fields, skipped) == ("func", "args")
