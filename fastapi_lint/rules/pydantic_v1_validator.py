"""FAPI602 pydantic-v1-validator: ``@validator`` / ``@root_validator`` on Pydantic v2 models,
with a fix to ``@field_validator`` / ``@model_validator`` for the plain cases."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.pydantic_v2 import FIELD_VALIDATOR, MODEL_VALIDATOR, ROOT_VALIDATORS, VALIDATORS
from fastapi_lint.fixes import Edit, Fix, Import, without_arg
from fastapi_lint.analysis.names import call_keyword, dotted_name
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Severity
from fastapi_lint.analysis.pydantic import PydanticV1Rule, decorated_with, literal_or_unknown


# ---------------------------------------------------------------- FAPI602


class PydanticV1Validator(PydanticV1Rule):
    code = "FAPI602"
    name = "pydantic-v1-validator"
    requires = fix_requires = {"pydantic": ">=2"}  # Pydantic v2's API
    summary = "`@validator` / `@root_validator` on a Pydantic model; use `@field_validator` / `@model_validator`"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/how-to/migrate-from-pydantic-v1-to-pydantic-v2/"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return any(decorated_with(view, VALIDATORS | ROOT_VALIDATORS))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        klass = self.enclosing_class()
        super().visit_FunctionDef(node)
        if klass is None or not node.decorators or self.in_compat_branch():
            return
        for decorator in node.decorators:
            expr = decorator.decorator
            func = expr.func if isinstance(expr, cst.Call) else expr
            qualname = self.ctx.qualname(func)
            if qualname not in VALIDATORS and qualname not in ROOT_VALIDATORS:
                continue
            if not self.is_model_class(klass):
                return
            spelled = dotted_name(func) or qualname
            if qualname in VALIDATORS:
                message = (f"`@{spelled}` on `{node.name.value}` is the deprecated Pydantic v1 validator; "
                           f"use `@field_validator` with `@classmethod`")
                fix = self._field_validator(node, decorator)
            else:
                message = (f"`@{spelled}` on `{node.name.value}` is the deprecated Pydantic v1 validator; "
                           f"use `@model_validator(mode=\"before\")` or `@model_validator(mode=\"after\")`")
                fix = self._model_validator(node, decorator)
            self.report(expr, message, fix=fix)

    # ------------------------------------------------------------ fixes

    def _field_validator(self, function: cst.FunctionDef, decorator: cst.Decorator) -> Fix | None:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not self._plain_signature(function):
            return None
        new_call = call
        for arg in call.args:
            if arg.star:
                return None
            if arg.keyword is None:
                continue
            keyword = arg.keyword.value
            value = literal_or_unknown(arg.value)
            if keyword == "allow_reuse" or (keyword in ("pre", "always", "each_item") and value is False):
                new_call = without_arg(new_call, _same_arg(new_call, arg))
            elif keyword == "pre" and value is True:
                new_call = _replace_arg(new_call, arg, _mode_arg(arg, "before"))
            elif keyword == "check_fields":
                continue
            else:
                return None  # always=True, each_item=True, computed flags: no one-to-one v2 spelling
        if not [a for a in new_call.args if a.keyword is None]:
            return None
        return self._decorator_fix(function, decorator, new_call, "field_validator", FIELD_VALIDATOR)

    def _model_validator(self, function: cst.FunctionDef, decorator: cst.Decorator) -> Fix | None:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not self._plain_signature(function):
            return None
        pre = call_keyword(call, "pre")
        if pre is None or literal_or_unknown(pre.value) is not True:
            return None  # post root validators receive the model instance in v2: rewrite by hand
        new_call = call
        for arg in call.args:
            if arg.star or arg.keyword is None:
                return None
            if arg is pre:
                new_call = _replace_arg(new_call, arg, _mode_arg(arg, "before"))
            elif arg.keyword.value in ("allow_reuse", "skip_on_failure"):
                new_call = without_arg(new_call, _same_arg(new_call, arg))
            else:
                return None
        return self._decorator_fix(function, decorator, new_call, "model_validator", MODEL_VALIDATOR)

    def _decorator_fix(
        self, function: cst.FunctionDef, decorator: cst.Decorator, call: cst.Call, new: str, meanings
    ) -> Fix | None:
        func = call.func
        imports = []
        if isinstance(func, cst.Name):
            if not self.module_name_ok(new, meanings):
                return None
            func = func.with_changes(value=new)
            imports.append(Import("pydantic", new))
        elif isinstance(func, cst.Attribute) and self.ctx.qualname(func.value) == "pydantic":
            func = func.with_changes(attr=func.attr.with_changes(value=new))
        else:
            return None
        new_decorator = decorator.with_changes(decorator=call.with_changes(func=func))
        names = [dotted_name(d.decorator) for d in function.decorators]
        if "classmethod" in names:
            replacement = new_decorator
        else:
            bound = self.ctx.resolve(cst.Name("classmethod"))
            if bound is not None and bound.qualname != "builtins.classmethod":
                return None
            replacement = cst.FlattenSentinel([new_decorator, cst.Decorator(decorator=cst.Name("classmethod"))])
        return Fix((Edit(decorator, replacement),), Applicability.SAFE, tuple(imports))

    @staticmethod
    def _plain_signature(function: cst.FunctionDef) -> bool:
        """``(cls, v)``: no ``values``/``field``/``config``/``**kwargs``, no defaults."""
        params = function.params
        if params.star_arg is not cst.MaybeSentinel.DEFAULT and params.star_arg is not None:
            return False
        if params.kwonly_params or params.star_kwarg is not None:
            return False
        positional = [*params.posonly_params, *params.params]
        if len(positional) != 2 or any(p.default is not None for p in positional):
            return False
        names = {dotted_name(d.decorator) for d in function.decorators}
        return "staticmethod" not in names


def _mode_arg(arg: cst.Arg, mode: str) -> cst.Arg:
    return arg.with_changes(keyword=cst.Name("mode"), value=cst.SimpleString(f'"{mode}"'))


def _same_arg(call: cst.Call, arg: cst.Arg) -> cst.Arg:
    """``arg`` as it is in ``call`` (an updated copy of the call keeps the other Arg nodes)."""
    for candidate in call.args:
        if candidate is arg or (candidate.keyword is not None and arg.keyword is not None
                                and candidate.keyword.value == arg.keyword.value):
            return candidate
    return arg


def _replace_arg(call: cst.Call, old: cst.Arg, new: cst.Arg) -> cst.Call:
    current = _same_arg(call, old)
    return call.with_changes(args=[new if a is current else a for a in call.args])
