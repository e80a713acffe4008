"""FAPI605 validator-without-return: a Pydantic validator with a path that ends without
returning the value, so the field (or the model's input) silently becomes None."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.pydantic import VALIDATOR_DECORATORS, decorated_with, may_fall_off, validator_of
from fastapi_lint.rule import Rule, Severity


class ValidatorWithoutReturn(Rule):
    code = "FAPI605"
    name = "validator-without-return"
    summary = "Pydantic validator with a path that returns nothing: the field silently becomes None"
    severity = Severity.ERROR

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return any(not function.leaves for function in decorated_with(view, VALIDATOR_DECORATORS))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not node.decorators:
            return
        found = validator_of(self.ctx, node)
        if found is None:
            return
        kind, mode, _ = found
        if mode is None:
            return  # a mode we cannot read
        # A bare `return` is left alone: it is mostly `if v is None: return`, which keeps None.
        if not may_fall_off(node.body):
            return
        where = "can reach its end without `return`"
        name = node.name.value
        if kind == "field":
            effect = "on that path the field's value becomes `None`; `return` the value (`return v`)"
        elif mode == "after":
            effect = "an `after` model validator must `return self`"
        else:
            effect = "on that path the model is validated from `None` instead of the input; `return` the data"
        self.report(node.name, f"Validator `{name}` {where}: {effect}")
