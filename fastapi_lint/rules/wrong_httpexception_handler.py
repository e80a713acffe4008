"""FAPI505 wrong-httpexception-handler: a handler registered for FastAPI's ``HTTPException``
misses the Starlette ``HTTPException`` that routing raises (404, 405)."""

from __future__ import annotations


import libcst as cst

from fastapi_lint.data.fastapi_names import APP_CLASSES
from fastapi_lint.fixes import Edit, Fix, statement
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.analysis.event_hooks import is_given
from fastapi_lint.analysis.exception_handlers import (
    CLASS_KEYWORD,
    FASTAPI_HTTP_EXCEPTION,
    STARLETTE_HTTP_EXCEPTION,
    starlette_handler_may_exist,
)
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity

# The spelling of the FastAPI docs ("Override the HTTPException error handler").
_ALIAS = "StarletteHTTPException"
_IMPORT = f"from starlette.exceptions import HTTPException as {_ALIAS}\n"

class WrongHTTPExceptionHandler(Rule):
    code = "FAPI505"
    name = "wrong-httpexception-handler"
    summary = "Exception handler for `fastapi.HTTPException` misses Starlette's routing 404/405 errors"
    severity = Severity.WARNING
    fix = Applicability.SAFE
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/handling-errors/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions_part("exception_handler")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for registration in self.ctx.model.registrations_of(self.ctx.key_of(node), "exception_handler"):
            index = registration.decorator_index
            if index is None or index >= len(node.decorators):
                continue
            decorator = node.decorators[index].decorator
            if isinstance(decorator, cst.Call):
                owner = self.ctx.resolve(decorator.func.value) if isinstance(decorator.func, cst.Attribute) else None
                self._check(
                    decorator, f"@{dotted_name(decorator.func) or 'exception_handler'}", owner, node.name.value
                )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add_exception_handler":
            if self.ctx.owner_kind(func.value):
                self._check(node, dotted_name(func) or "add_exception_handler", self.ctx.resolve(func.value))
            return
        if call_keyword(node, "exception_handlers") is None:
            return
        callee = self.ctx.callee(node)
        if callee is None or not self.ctx.project.is_subclass(callee.qualname, APP_CLASSES):
            return
        handlers = call_keyword(node, "exception_handlers").value
        if isinstance(handlers, cst.Dict):
            keys = [e.key for e in handlers.elements if isinstance(e, cst.DictElement)]
            # The dict may already map Starlette's class (or hide entries behind `**other`).
            fixable = len(keys) == len(handlers.elements) and not any(
                self.ctx.qualname(k) == STARLETTE_HTTP_EXCEPTION for k in keys
            )
            owner = self._constructed(node) if fixable else None
            for key in keys:
                self._check_class(
                    key, f"{dotted_name(node.func) or 'FastAPI'}(exception_handlers=...)", owner, own_dict=True
                )

    def _constructed(self, call: cst.Call) -> Symbol | None:
        """The app bound by ``name = FastAPI(...)`` when ``call`` is that whole right-hand side."""
        line = self.ctx.current_statement
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            return None
        assign = line.body[0]
        if isinstance(assign, cst.Assign) and len(assign.targets) == 1 and assign.value is call:
            target = assign.targets[0].target
        elif isinstance(assign, cst.AnnAssign) and assign.value is call:
            target = assign.target
        else:
            return None
        return self.ctx.resolve(target) if isinstance(target, cst.Name) else None

    def _check(self, call: cst.Call, where: str, owner: Symbol | None, handler: str | None = None) -> None:
        arg = call_positional(call, 0) or call_keyword(call, CLASS_KEYWORD)
        if arg is not None and not arg.star:
            spelled = dotted_name(arg.value) or "HTTPException"
            described = f"{where}({spelled})` on `{handler}" if handler else f"{where}({spelled}, ...)"
            self._check_class(arg.value, described, owner)

    def _check_class(
        self, expr: cst.BaseExpression, where: str, owner: Symbol | None, own_dict: bool = False
    ) -> None:
        if self.ctx.qualname(expr) != FASTAPI_HTTP_EXCEPTION:
            return
        self.report(
            expr,
            f"`{where}` handles only FastAPI's `HTTPException`, not the Starlette `HTTPException` that "
            "routing raises (404 for unknown paths, 405); register it for "
            "`starlette.exceptions.HTTPException`, which also covers FastAPI's subclass",
            fix=self._fix(expr, owner, own_dict),
        )

    # ------------------------------------------------------------ fix

    def _fix(self, expr: cst.BaseExpression, owner: Symbol | None, own_dict: bool) -> Fix | None:
        """Register the handler for ``StarletteHTTPException`` instead, importing that name when needed.

        Only where no handler for Starlette's class exists on the same app (else two handlers would
        compete for one key and the later would silently win)."""
        origin = owner.origin if owner is not None else None
        # e.g. `def register_handlers(app: FastAPI)`: fine only if no app has such a handler
        if starlette_handler_may_exist(self.ctx.project, origin) or (origin is None and own_dict):
            return None
        if not own_dict and owner is not None and owner.call is not None and is_given(
            owner.call.kwarg("exception_handlers")
        ):
            return None  # the constructor's handler dict may already cover Starlette's class
        bound = self.ctx.resolve(cst.Name(_ALIAS))
        replacement = cst.Name(_ALIAS)
        if bound is not None:
            if canonical(bound.qualname or "") != STARLETTE_HTTP_EXCEPTION:
                return None  # the name means something else here
            return Fix.replace(expr, replacement)
        anchor = self._import_anchor()
        if anchor is None:
            return None
        new_import = statement(_IMPORT, self.ctx.module)
        return Fix(
            (Edit(expr, replacement), Edit(anchor, cst.FlattenSentinel([anchor, new_import]))),
            Applicability.SAFE,
        )

    def _import_anchor(self) -> cst.SimpleStatementLine | None:
        """The import line the new import goes after: the last FastAPI/Starlette import of the module's
        leading import block (so it joins that group), else the block's last import line."""
        anchor = framework = None
        for index, stmt in enumerate(self.ctx.module.body):
            if not isinstance(stmt, cst.SimpleStatementLine):
                break
            if all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body):
                anchor = stmt
                if any(_framework_import(s) for s in stmt.body):
                    framework = stmt
            elif index == 0 and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr) and isinstance(
                stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)
            ):
                continue  # the module docstring
            else:
                break
        return framework or anchor


def _framework_import(node: cst.Import | cst.ImportFrom) -> bool:
    if isinstance(node, cst.ImportFrom):
        modules = [dotted_name(node.module)] if node.module is not None and not node.relative else []
    else:
        modules = [dotted_name(alias.name) for alias in node.names]
    return any(m and m.split(".")[0] in ("fastapi", "starlette") for m in modules)
