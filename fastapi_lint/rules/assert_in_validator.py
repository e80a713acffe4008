"""FAPI606 assert-in-validator: ``assert`` as validation inside a Pydantic validator;
``python -O`` removes it and the validation with it."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import source_text
from fastapi_lint.analysis.pydantic import VALIDATOR_DECORATORS, decorated_with, validator_of
from fastapi_lint.fixes import Fix, expression
from fastapi_lint.rule import Applicability, Rule, Severity

_TYPE_CHECKING = frozenset({"typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING"})
# Parameters of a validator that are not the data being validated.
_NOT_INPUT = frozenset({"cls", "info", "handler", "config", "field"})

# Expressions that need parentheses after `not`.
_LOOSE = (cst.BooleanOperation, cst.IfExp, cst.Lambda, cst.NamedExpr)


class AssertInValidator(Rule):
    code = "FAPI606"
    name = "assert-in-validator"
    summary = "`assert` in a Pydantic validator disappears under `python -O`; raise `ValueError`"
    severity = Severity.WARNING
    fix = Applicability.UNSAFE

    def __init__(self, ctx):
        super().__init__(ctx)
        self._validators: dict[int, frozenset[str] | None] = {}  # def -> names of its input
        self._type_checking_bodies: set[int] = set()
        self._type_checking = 0

    # Code under `if TYPE_CHECKING:` never runs: its asserts are for the type checker.
    def visit_If(self, node: cst.If) -> None:
        if self.ctx.qualname(node.test) in _TYPE_CHECKING:
            self._type_checking_bodies.add(id(node.body))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if id(node) in self._type_checking_bodies:
            self._type_checking += 1

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        if id(original_node) in self._type_checking_bodies:
            self._type_checking -= 1

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions_word("assert") and any(decorated_with(view, VALIDATOR_DECORATORS))

    def visit_Assert(self, node: cst.Assert) -> None:
        function = self.ctx.function_node
        if not isinstance(function, cst.FunctionDef):
            return
        if self._type_checking:
            return
        if id(function) not in self._validators:
            self._validators[id(function)] = _inputs(function) if (
                function.decorators and validator_of(self.ctx, function) is not None) else None
        inputs = self._validators[id(function)]
        if not inputs or not _mentions(node.test, inputs):
            return  # not a validator, or an assert about a local (type narrowing, an invariant)
        self.report(
            node,
            f"`assert` in validator `{function.name.value}` is removed when Python runs with `-O` "
            f"(or `PYTHONOPTIMIZE`), and the check with it; use `if not ...: raise ValueError(...)`",
            fix=self._fix(node),
        )

    def _fix(self, node: cst.Assert) -> Fix | None:
        line = self.ctx.current_statement
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 or line.body[0] is not node:
            return None  # `x = 1; assert x`: leave it to a person
        if "#" in cst.Module([]).code_for_node(node):
            return None
        bound = self.ctx.resolve(cst.Name("ValueError"))
        if bound is not None and bound.qualname not in (None, "builtins.ValueError"):
            return None  # the name means something else here
        test = node.test
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not) and not test.lpar:
            condition = test.expression
        else:
            inner = test.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) \
                if isinstance(test, _LOOSE) and not test.lpar else test
            condition = cst.UnaryOperation(cst.Not(), inner)
        message = node.msg if node.msg is not None else expression(
            repr(f"failed: {source_text(test, 200)}"), self.ctx.module)
        raise_line = cst.SimpleStatementLine(
            [cst.Raise(exc=cst.Call(cst.Name("ValueError"), [cst.Arg(message)]))])
        replacement = cst.If(
            test=condition,
            body=cst.IndentedBlock([raise_line], header=line.trailing_whitespace),
            leading_lines=line.leading_lines,
        )
        return Fix.replace(line, replacement, unsafe=True)


def _inputs(function: cst.FunctionDef) -> frozenset[str]:
    """The validator's parameters that carry the data: the value, ``values``/``data``, ``self``."""
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            every.append(star)
    return frozenset(p.name.value for p in every) - _NOT_INPUT


def _mentions(node: cst.CSTNode, names: frozenset[str]) -> bool:
    found = False

    class Finder(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            nonlocal found
            found = found or name.value in names

        def visit_Attribute(self, attribute: cst.Attribute) -> bool:
            attribute.value.visit(self)  # `v.attr`: the object, not the attribute's name
            return False

        def visit_Lambda(self, lam: cst.Lambda) -> bool:
            return False

    node.visit(Finder())
    return found
