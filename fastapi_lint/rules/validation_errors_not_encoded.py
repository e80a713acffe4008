"""FAPI222 validation-errors-not-encoded: a ``RequestValidationError`` handler puts
``exc.errors()`` into a ``JSONResponse`` as is; a custom validator's ``ValueError`` in an
error's ``ctx`` cannot be serialised, and every such rejected request becomes a 500."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.analysis.exception_handlers import REQUEST_VALIDATION_ERROR, exceptions_handled_by
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import bound_names, call_keyword, call_positional, dotted_name, local_bindings
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.data.fastapi_names import JSON_RESPONSE_CLASSES
from fastapi_lint.fixes import Fix, name_fix
from fastapi_lint.rule import Applicability, Rule, Severity

_ENCODER = "fastapi.encoders.jsonable_encoder"


@dataclass
class _Handler:
    node: cst.FunctionDef
    exc: str  # the name of the parameter holding the RequestValidationError
    aliases: frozenset[str]  # local names bound only to `exc.errors()`


class ValidationErrorsNotEncoded(Rule):
    code = "FAPI222"
    name = "validation-errors-not-encoded"
    summary = "`RequestValidationError` handler puts `exc.errors()` in a `JSONResponse` without `jsonable_encoder`"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/handling-errors/#use-the-requestvalidationerror-body"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        project = view.project
        return view.mentions("errors") and view.any_call(
            lambda site: site.function is not None and _json_response(project, view.callee(site)))

    def __init__(self, ctx):
        super().__init__(ctx)
        self._handlers: list[_Handler] = []

    # ------------------------------------------------------------ which functions are handlers

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        exc = self._exception_parameter(node)
        if exc is not None:
            self._handlers.append(_Handler(node, exc, _aliases(node, exc)))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self._handlers and self._handlers[-1].node is original_node:
            self._handlers.pop()

    def _exception_parameter(self, node: cst.FunctionDef) -> str | None:
        params = [*node.params.posonly_params, *node.params.params]
        for param in (*params, *node.params.kwonly_params):
            if param.annotation is not None and self._is_validation_error(param.annotation.annotation):
                return param.name.value
        key = self.ctx.key_of(node)
        if key is None or len(params) < 2:
            return None
        qualname = self.ctx.model.facts.qualname_of_key(key)
        if REQUEST_VALIDATION_ERROR in exceptions_handled_by(self.ctx.project, qualname):
            return params[1].name.value
        return None

    def _is_validation_error(self, annotation: cst.BaseExpression) -> bool:
        if isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
            return False
        qualname = self.ctx.qualname(annotation)
        return qualname is not None and self.ctx.project.is_subclass(qualname, frozenset({REQUEST_VALIDATION_ERROR}))

    # ------------------------------------------------------------ the response

    def visit_Call(self, node: cst.Call) -> None:
        if not self._handlers or self.ctx.function_node is not self._handlers[-1].node:
            return
        handler = self._handlers[-1]
        arg = call_positional(node, 0) or call_keyword(node, "content")
        if arg is None or arg.star:
            return
        if not _json_response(self.ctx.project, self.ctx.callee(node)):
            return
        response = dotted_name(node.func) or "JSONResponse"
        for found in _carried(arg.value, handler):
            self.report(
                found,
                f"`{_spelled(found)}` goes into `{response}` as is: an error raised by a custom validator "
                f"keeps its `ValueError` in `ctx`, which JSON cannot serialise, so the handler fails and "
                f"the client gets a 500 instead of the 422; wrap it in `jsonable_encoder(...)`",
                fix=self._fix(found),
            )

    def _fix(self, node: cst.BaseExpression) -> Fix | None:
        wrapped = cst.Call(func=cst.Name("jsonable_encoder"), args=[cst.Arg(node)])
        return name_fix(self.ctx, node, "jsonable_encoder", {_ENCODER}, "fastapi.encoders", wrapped)


def _json_response(project, callee: Symbol | None) -> bool:
    """Whether the call builds a JSON response (``JSONResponse`` or a subclass)."""
    if callee is None or callee.receiver_type is not None or not callee.qualname:
        return False
    return project.is_subclass(canonical(callee.qualname), JSON_RESPONSE_CLASSES)


def _is_errors_call(node: cst.BaseExpression, exc: str) -> bool:
    return (
        isinstance(node, cst.Call)
        and not node.args
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "errors"
        and isinstance(node.func.value, cst.Name)
        and node.func.value.value == exc
    )


def _aliases(function: cst.FunctionDef, exc: str) -> frozenset[str]:
    """Names the function binds (directly in its body) only to ``exc.errors()``."""
    only_errors: dict[str, bool] = {}
    for binding in local_bindings(function.body):
        names = bound_names(binding.target)
        only = (binding.kind in ("assign", "annotated") and binding.alone and isinstance(binding.target, cst.Name)
                and binding.value is not None and _is_errors_call(binding.value, exc))
        for name in names:
            only_errors[name] = only_errors.get(name, True) and only
    return frozenset(name for name, only in only_errors.items() if only and name != exc)


def _carried(value: cst.BaseExpression, handler: _Handler) -> list[cst.BaseExpression]:
    """The ``exc.errors()`` lists (or names bound to one) that ``value`` carries as they are:
    the value itself, or dict values and list/tuple/set elements of it, at any depth. Anything
    passed through a call (``jsonable_encoder(...)``) or taken apart is not carried."""
    if _is_errors_call(value, handler.exc) or (isinstance(value, cst.Name) and value.value in handler.aliases):
        return [value]
    found: list[cst.BaseExpression] = []
    if isinstance(value, cst.Dict):
        for element in value.elements:
            if isinstance(element, cst.DictElement):
                found.extend(_carried(element.value, handler))
    elif isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        for element in value.elements:
            if isinstance(element, cst.Element):
                found.extend(_carried(element.value, handler))
    return found


def _spelled(node: cst.BaseExpression) -> str:
    return f"{node.value}" if isinstance(node, cst.Name) else f"{dotted_name(node.func) or 'exc.errors'}()"
