"""Autofixes: what a rule proposes, and applying a set of them to one module.

A rule attaches a :class:`Fix` to a finding: edits that replace (or remove) nodes of
the concrete syntax tree the rule was given, plus the imports the new code needs. The
engine picks non-overlapping fixes, applies them in one transformation, adds the
imports next to existing imports of the same module (libcst's ``AddImportsVisitor``),
and keeps the result only if it still parses. Fixes that overlap one already chosen
wait for the next pass, when they are proposed again against the fixed source.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Iterable, Union

import libcst as cst
from fastapi_lint.diagnostics import Applicability

Replacement = Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel]


@dataclass(frozen=True)
class Edit:
    node: cst.CSTNode
    replacement: Replacement


@dataclass(frozen=True)
class Import:
    """``import module`` (name None) or ``from module import name``."""

    module: str
    name: str | None = None


@dataclass(frozen=True)
class Fix:
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    imports: tuple[Import, ...] = ()

    @classmethod
    def replace(
        cls,
        node: cst.CSTNode,
        replacement: Replacement,
        *,
        unsafe: bool = False,
        imports: Iterable[Import] = (),
    ) -> Fix:
        applicability = Applicability.UNSAFE if unsafe else Applicability.SAFE
        return cls((Edit(node, replacement),), applicability, tuple(imports))

    def allowed(self, unsafe: bool) -> bool:
        return self.applicability is Applicability.SAFE or unsafe


def expression(code: str, like: cst.Module | None = None) -> cst.BaseExpression:
    """Parse generated code with the file's own settings (quotes and newlines stay consistent)."""
    config = like.config_for_parsing if like is not None else cst.PartialParserConfig()
    return cst.parse_expression(code, config=config)


def statement(code: str, like: cst.Module | None = None) -> cst.BaseStatement:
    config = like.config_for_parsing if like is not None else cst.PartialParserConfig()
    return cst.parse_statement(code, config=config)


def without_arg(call: cst.Call, drop: cst.Arg) -> cst.Call:
    """``call`` without one argument, keeping the commas of the rest valid."""
    args = [a for a in call.args if a is not drop]
    if args and drop is call.args[-1]:
        last = args[-1]
        args[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args)


class _Replacer(cst.CSTTransformer):
    def __init__(self, edits: dict[int, Replacement]):
        super().__init__()
        self.edits = edits

    def on_leave(self, original_node, updated_node):
        replacement = self.edits.get(id(original_node))
        return updated_node if replacement is None else replacement


def apply(module: cst.Module, fixes: list[Fix]) -> cst.Module:
    """The module with every edit of ``fixes`` applied and their imports added."""
    edits = {id(edit.node): edit.replacement for fix in fixes for edit in fix.edits}
    fixed = module.visit(_Replacer(edits))
    imports = {item for fix in fixes for item in fix.imports}
    if imports:
        # libcst.codemod pulls in libcst.matchers (~0.4 s of imports): only when needed.
        from libcst.codemod import CodemodContext
        from libcst.codemod.visitors import AddImportsVisitor, ImportItem

        items = [ImportItem(i.module, i.name) for i in sorted(imports, key=lambda i: (i.module, i.name or ""))]
        fixed = fixed.visit(AddImportsVisitor(CodemodContext(), items))
    return fixed


def reparses(code: bytes) -> bool:
    """libcst parses the result and Python compiles it (compiling also rejects what
    parsing accepts, such as ``await`` outside an ``async def``)."""
    try:
        cst.parse_module(code)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc. are the file's own business
            compile(code, "<fixed>", "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
