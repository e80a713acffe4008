"""FAPI223 pydantic-validationerror-handler: an exception handler for Pydantic's
``ValidationError`` that answers like a request-validation handler; FastAPI raises
``RequestValidationError`` for invalid requests, so the handler never sees them."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.exception_handlers import (
    CLASS_KEYWORD,
    answers_422,
    request_validation_handled,
    validates_explicitly,
)
from fastapi_lint.analysis.facts import FunctionFacts
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.data.fastapi_names import APP_CLASSES
from fastapi_lint.data.pydantic_v2 import PYDANTIC_VALIDATION_ERRORS
from fastapi_lint.fixes import Fix, name_fix
from fastapi_lint.rule import Applicability, Rule, Severity

_REQUEST_VALIDATION_ERROR = "fastapi.exceptions.RequestValidationError"


class PydanticValidationErrorHandler(Rule):
    code = "FAPI223"
    name = "pydantic-validationerror-handler"
    summary = "Handler for Pydantic's `ValidationError` never sees invalid requests; register it for `RequestValidationError`"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/handling-errors/#override-request-validation-exceptions"
    fix = Applicability.UNSAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("ValidationError") and view.mentions_part("exception_handler")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        key = self.ctx.key_of(node)
        function = self.ctx.model.function(key)
        for registration in self.ctx.model.registrations_of(key, "exception_handler"):
            index = registration.decorator_index
            if index is None or index >= len(node.decorators):
                continue
            decorator = node.decorators[index].decorator
            if isinstance(decorator, cst.Call):
                arg = call_positional(decorator, 0) or call_keyword(decorator, CLASS_KEYWORD)
                if arg is not None and not arg.star:
                    self._check(arg.value, (self.ctx.model.facts, function) if function else None, node.name.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add_exception_handler":
            if not self.ctx.owner_kind(func.value):
                return
            arg = call_positional(node, 0) or call_keyword(node, CLASS_KEYWORD)
            handler = call_positional(node, 1) or call_keyword(node, "handler")
            if arg is not None and handler is not None and not arg.star and not handler.star:
                self._check(arg.value, self._handler(handler.value), dotted_name(handler.value))
            return
        handlers = call_keyword(node, "exception_handlers")
        if handlers is None or not isinstance(handlers.value, cst.Dict):
            return
        callee = self.ctx.callee(node)
        if callee is None or not self.ctx.project.is_subclass(callee.qualname, APP_CLASSES):
            return
        for element in handlers.value.elements:
            if isinstance(element, cst.DictElement):
                self._check(element.key, self._handler(element.value), dotted_name(element.value))

    def _handler(self, expr: cst.BaseExpression):
        found = self.ctx.project.definition(self.ctx.resolve(expr))
        return found if found is not None and isinstance(found[1], FunctionFacts) else None

    def _check(self, expr: cst.BaseExpression, handler, name: str | None) -> None:
        qualname = self.ctx.qualname(expr)
        if qualname is None or canonical(qualname) not in PYDANTIC_VALIDATION_ERRORS:
            return
        if handler is None or not answers_422(self.ctx.project, *handler):
            return  # not shaped like a request-validation answer
        project = self.ctx.project
        if request_validation_handled(project) or validates_explicitly(project):
            return  # the handler is for the app's own validation
        spelled = dotted_name(expr) or "ValidationError"
        self.report(
            expr,
            f"The handler{f' `{name}`' if name else ''} for Pydantic's `{spelled}` answers 422 like a "
            f"request-validation handler, but FastAPI raises `RequestValidationError` for invalid requests "
            f"(it is not a subclass of `{spelled}`): this handler never sees them and clients get FastAPI's "
            f"default 422; register it for `fastapi.exceptions.RequestValidationError`",
            fix=self._fix(expr),
        )

    def _fix(self, expr: cst.BaseExpression) -> Fix | None:
        return name_fix(self.ctx, expr, "RequestValidationError", {_REQUEST_VALIDATION_ERROR}, "fastapi.exceptions",
                        unsafe=True)
