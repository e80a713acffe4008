"""FAPI102 sync-session-in-async: a synchronous SQLAlchemy/SQLModel ``Session`` used
inside an ``async def`` path operation or dependency, directly or through a project helper
or repository class it is handed to."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.coroutines import SYNC_SESSION_METHODS
from fastapi_lint.analysis.facts import CallValue, Ref
from fastapi_lint.analysis.dependencies import (
    SYNC,
    helper_session_call,
    param_session_kind,
    repository_session_call,
    session_kind,
    symbol_session_kind,
)
from fastapi_lint.analysis.names import source_text
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.parameters import SignatureParam, signature

class SyncSessionInAsync(Rule):
    code = "FAPI102"
    name = "sync-session-in-async"
    summary = "Synchronous SQLAlchemy `Session` used inside an `async def` endpoint or dependency"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/async/"


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has_async_functions and view.has_functions_fastapi_calls

    def __init__(self, ctx):
        super().__init__(ctx)
        self._sessions: dict[str, set[str]] = {}  # function key -> names of sync-session parameters
        self._awaited: set[int] = set()  # ids of calls that are the operand of `await`

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.asynchronous is None:
            return
        model = self.ctx.model
        key = self.ctx.key_of(node)
        function = model.function(key)
        if function is None or not (model.is_endpoint(key) or model.is_dependency(key)):
            return
        self._sessions[key] = {
            param.name
            for param in signature(self.ctx.project, model.facts, function)
            if self._is_sync_session(param)
        }

    def _is_sync_session(self, param: SignatureParam) -> bool:
        # the annotation or the dependency says async: trust it
        return param_session_kind(self.ctx.project, param) == SYNC

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_async_function():
            return
        function = self.ctx.function_node
        key = self.ctx.key_of(function)
        names = self._sessions.get(key)
        if names is None or self.ctx.outside_server():
            return  # not an async endpoint/dependency, or code a served app never runs
        func = node.func
        if (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
                and func.attr.value in SYNC_SESSION_METHODS and self._is_sync(func.value, key, names)):
            if id(node) not in self._awaited:  # `await session.execute(...)` is an async session
                self._report_direct(node, func, function)
            return
        self._check_helper(node, function, key, names)

    def _is_sync(self, expr: cst.BaseExpression, key: str, names: set[str]) -> bool:
        """A name bound in the function itself to a sync session: a parameter found to be
        one (a rebinding in the body hides it), or a local value (``Session(engine)``,
        ``SessionLocal()``)."""
        if not isinstance(expr, cst.Name):
            return False
        scope = self.ctx.model.facts.scopes.get(key)
        binding = scope.bindings.get(expr.value) if scope else None
        if binding is None:
            return False
        if binding.kind == "param":
            return expr.value in names
        if binding.kind != "value":
            return False
        project = self.ctx.project
        return SYNC in (session_kind(project, self.ctx.type_of(expr)), symbol_session_kind(project, self.ctx.resolve(expr)))

    def _report_direct(self, node: cst.Call, func: cst.Attribute, function: cst.FunctionDef) -> None:
        self.report(
            node,
            f"Synchronous SQLAlchemy `Session.{func.attr.value}()` on `{func.value.value}` inside "
            f"`async def {function.name.value}` blocks the event loop; use an `AsyncSession` and "
            "`await` it, or declare the function with plain `def`",
        )

    # ------------------------------------------------------------ a session handed to a helper

    def _session_args(self, args, key: str, names: set[str]):
        """(index or None, keyword or None, name) of each argument that is a sync session."""
        index = 0
        for arg in args:
            if arg.star:
                return
            if arg.keyword is None:
                if self._is_sync(arg.value, key, names):
                    yield index, None, arg.value.value
                index += 1
            elif self._is_sync(arg.value, key, names):
                yield None, arg.keyword.value, arg.value.value

    def _check_helper(self, node: cst.Call, function: cst.FunctionDef, key: str, names: set[str]) -> None:
        project = self.ctx.project
        func = node.func
        # `crud.create_user(db, ...)`: a project function running queries on that parameter
        for index, keyword, name in self._session_args(node.args, key, names):
            found = helper_session_call(project, self.ctx.callee(node), index, keyword)
            if found is not None:
                self._report_helper(node, function, name, found)
                return
        if not isinstance(func, cst.Attribute):
            return
        # `UserRepo(db).get(...)`, or `repo = UserRepo(db)` ... `repo.get(...)`: a project
        # class that keeps the session and whose method runs queries on it
        constructor = func.value
        if isinstance(constructor, cst.Call):
            klass = self.ctx.callee(constructor)
            arguments = list(self._session_args(constructor.args, key, names))
        elif isinstance(constructor, cst.Name):
            symbol = self.ctx.resolve(constructor)
            if symbol is None or symbol.call is None or symbol.origin is None or symbol.origin[1] != key:
                return
            klass = project.resolve(self.ctx.model.facts, key, symbol.call.callee) if symbol.call.callee else None
            arguments = list(self._summary_session_args(symbol.call, key, names))
        else:
            return
        if klass is None or klass.qualname is None:
            return
        for index, keyword, name in arguments:
            found = repository_session_call(project, klass.qualname, index, keyword, func.attr.value)
            if found is not None:
                self._report_helper(node, function, name, found)
                return

    def _summary_session_args(self, call: CallValue, key: str, names: set[str]):
        """``_session_args`` for the facts summary of a constructor call bound to a local."""
        def is_sync(value) -> bool:
            return isinstance(value, Ref) and value.dotted.isidentifier() and self._is_sync(
                cst.Name(value.dotted), key, names)

        for index, value in enumerate(call.args):
            if is_sync(value):
                yield index, None, value.dotted
        for keyword, value in call.kwargs:
            if keyword is not None and is_sync(value):
                yield None, keyword, value.dotted

    def _report_helper(self, node: cst.Call, function: cst.FunctionDef, name: str, found: str) -> None:
        spelled = source_text(node.func, 60)
        self.report(
            node,
            f"`{spelled}(...)` runs queries on the synchronous SQLAlchemy `Session` `{name}` "
            f"(`{found}()`) inside `async def {function.name.value}`, which blocks the event loop; use an "
            "`AsyncSession` and `await` it, run the helper with `await run_in_threadpool(...)`, or declare "
            "the function with plain `def`",
        )

    # ``await session.execute(...)``: an awaited call is not a sync-session call.
    def visit_Await(self, node: cst.Await) -> None:
        self._awaited.add(id(node.expression))
