"""FAPI102 sync-session-in-async: a synchronous SQLAlchemy/SQLModel ``Session`` used
inside an ``async def`` path operation or dependency."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.coroutines import SYNC_SESSION_METHODS
from fastapi_lint.data.fastapi_names import DEPENDS_FUNCTIONS
from fastapi_lint.analysis.facts import Ref
from fastapi_lint.analysis.dependencies import ASYNC, SYNC, provided_type, session_kind
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
        project = self.ctx.project
        declared = session_kind(project, param.type)
        provided = None
        if param.marker in DEPENDS_FUNCTIONS and param.marker_call is not None:
            target = param.marker_call.arg(0, "dependency")
            if isinstance(target, Ref):
                provided = session_kind(project, self._dependency_type(param, target))
        if declared == ASYNC or provided == ASYNC:
            return False  # the annotation or the dependency says async: trust it
        return SYNC in (declared, provided)

    def _dependency_type(self, param: SignatureParam, target: Ref) -> str | None:
        project = self.ctx.project
        facts, scope = param.home
        symbol = project.resolve(facts, scope, target.dotted)
        if symbol is None or symbol.project_ref is None:
            return None
        module, key = symbol.project_ref
        home = project.module_facts(module)
        function = home.functions.get(key) if home is not None else None
        if function is None:
            return None
        return provided_type(project, home, function)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return
        if func.attr.value not in SYNC_SESSION_METHODS or not self.ctx.in_async_function():
            return
        function = self.ctx.function_node
        key = self.ctx.key_of(function)
        names = self._sessions.get(key)
        if names is None or id(node) in self._awaited:
            return  # not an async endpoint/dependency, or an awaited call
        # The name must be bound in the function itself: a parameter found to be a sync
        # session (a rebinding in the body hides it), or a local `Session(engine)`.
        receiver = func.value.value
        scope = self.ctx.model.facts.scopes.get(key)
        binding = scope.bindings.get(receiver) if scope else None
        if binding is None:
            return
        if binding.kind == "param":
            if receiver not in names:
                return
        elif binding.kind != "value" or session_kind(self.ctx.project, self.ctx.type_of(func.value)) != SYNC:
            return
        self.report(
            node,
            f"Synchronous SQLAlchemy `Session.{func.attr.value}()` on `{receiver}` inside "
            f"`async def {function.name.value}` blocks the event loop; use an `AsyncSession` and "
            "`await` it, or declare the function with plain `def`",
        )

    # ``await session.execute(...)``: an awaited call is not a sync-session call.
    def visit_Await(self, node: cst.Await) -> None:
        self._awaited.add(id(node.expression))
