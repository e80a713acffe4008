"""FAPI103 missing-await: a coroutine method of ``UploadFile``/``WebSocket``/``Request``/
``AsyncSession`` (or ``asyncio.sleep``, or an HTTP middleware's ``call_next``) called without
``await`` inside ``async def``, its coroutine dropped or used as if it were the result."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.coroutines import (
    ASYNC_SESSION_COROUTINES,
    COROUTINE_FUNCTIONS,
    COROUTINE_METHODS,
    HTTP_MIDDLEWARE_BASES,
)
from fastapi_lint.analysis.dependencies import ASYNC, param_session_kind, symbol_session_kind
from fastapi_lint.analysis.facts import Const
from fastapi_lint.analysis.parameters import signature
from fastapi_lint.fixes import Fix, annotation_fix
from fastapi_lint.analysis.names import dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity

_COROUTINE_CLASSES = frozenset(COROUTINE_METHODS)


class MissingAwait(Rule):
    code = "FAPI103"
    name = "missing-await"
    summary = "Coroutine (`UploadFile.read`, `WebSocket.send_*`, `Request.json`, `asyncio.sleep` ...) called without `await`"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/async/"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        project, model, facts = view.project, view.model, view.facts
        sessions: dict[str, frozenset[str]] = {}

        def may_be_coroutine(site) -> bool:
            if not view.is_async(site) or view.awaited_or_passed(site):
                return False
            function = facts.functions[site.function]
            if site.method is None and site.callee == _call_next_param(project, model, site.function, function):
                return True  # the middleware's `call_next`
            receiver, _, method = site.callee.rpartition(".")
            if method in ASYNC_SESSION_COROUTINES and receiver.isidentifier():
                if site.function not in sessions:
                    sessions[site.function] = _session_params(project, model, site.function, function)
                if _session_receiver(project, facts, site.function, site.scope, receiver, sessions[site.function]):
                    return True
            callee = view.callee(site)
            return callee is not None and _coroutine_callee(project, callee)

        return view.has_async_functions and view.any_call(may_be_coroutine)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # Enclosing lambdas / generator expressions: an `await` added there would be
        # invalid (lambda body) or turn the generator into an async generator.
        self._no_await_depth = 0
        # async function key -> (name of its `call_next` parameter or None, names of the
        # parameters its signature makes `AsyncSession`s through a dependency)
        self._functions: dict[str, tuple[str | None, frozenset[str]]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.asynchronous is None:
            return
        key = self.ctx.key_of(node)
        model = self.ctx.model
        function = model.function(key)
        if function is None:
            return
        sessions = _session_params(self.ctx.project, model, key, function)
        self._functions[key] = (_call_next_param(self.ctx.project, model, key, function), sessions)

    def _bound_here(self, name: str) -> str | None:
        """The kind of the binding of ``name`` in the innermost function (None when unbound there)."""
        function = self.ctx.function_node
        key = self.ctx.key_of(function) if isinstance(function, cst.FunctionDef) else None
        scope = self.ctx.model.facts.scopes.get(key) if key else None
        binding = scope.bindings.get(name) if scope is not None else None
        return binding.kind if binding is not None else None

    def _current(self) -> tuple[str | None, frozenset[str]]:
        function = self.ctx.function_node
        key = self.ctx.key_of(function) if isinstance(function, cst.FunctionDef) else None
        return self._functions.get(key, (None, frozenset())) if key else (None, frozenset())


    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._no_await_depth += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._no_await_depth -= 1

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._no_await_depth += 1

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._no_await_depth -= 1

    # Positions where an un-awaited coroutine is evidently dropped or misused. A call
    # passed as an argument (gather, create_task), returned, yielded or put in a
    # container may be awaited elsewhere, so those positions are never checked.

    def visit_Return(self, node: cst.Return) -> None:
        # An HTTP middleware must return the response: `return call_next(request)` returns
        # the coroutine. (Other returned coroutines may be awaited by the caller.)
        value = node.value
        if isinstance(value, cst.Call) and self._is_call_next(value):
            self._check(value, "the middleware returns a coroutine instead of the response")

    def visit_Expr(self, node: cst.Expr) -> None:
        self._check(node.value, "its coroutine is created and dropped, so it never runs", wrap=False)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self._check_bound(node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._check_bound(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._check(node.value, "the operand is a coroutine, not the result", wrap=False)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._check_bound(node.target, node.value)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        self._check(node.left, "the operand is a coroutine, not the result")
        self._check(node.right, "the operand is a coroutine, not the result")

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        self._check(node.expression, "the operand is a coroutine, not the result")

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self._check(node.left, "a coroutine object is always true")
        self._check(node.right, "a coroutine object is always true")

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._check(node.left, "the comparison sees a coroutine, not the result")
        for target in node.comparisons:
            self._check(target.comparator, "the comparison sees a coroutine, not the result")

    def visit_If(self, node: cst.If) -> None:
        self._check(node.test, "a coroutine object is always true")

    def visit_While(self, node: cst.While) -> None:
        self._check(node.test, "a coroutine object is always true")

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._check(node.test, "a coroutine object is always true")

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._check(node.value, "a coroutine cannot be subscripted", wrap=True)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value not in _COROUTINE_ATTRIBUTES:  # `coro.close()` is deliberate
            self._check(node.value, "the attribute is looked up on a coroutine, not the result", wrap=True)

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is None:
            self._check(node.iter, "a coroutine cannot be iterated")

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if node.asynchronous is None:
            self._check(node.iter, "a coroutine cannot be iterated")

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        # `f"{x=}"` prints the expression's text too: adding `await` would change it.
        self._check(
            node.expression, "the f-string shows a coroutine, not the result", wrap=False,
            fixable=node.equal is None,
        )

    # ------------------------------------------------------------ the check

    def _check_bound(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """``x = coro()``: only a plain name that never reaches a place where it could
        still be awaited (``await x``, an argument of gather/create_task/append, a return,
        a container, another variable or attribute)."""
        if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
            return
        if not self.ctx.in_async_function():
            return
        function = self.ctx.function_node
        if function is None or self._coroutine(value) is None:
            return
        # A middleware returning its `call_next(...)` coroutine is the bug, not an escape.
        escapes = _Escapes(target.value, returns=not self._is_call_next(value))
        function.body.visit(escapes)
        if not escapes.found:
            self._check(value, "the variable holds a coroutine, not the result", wrap=False)

    def _check(
        self, expr: cst.BaseExpression, consequence: str, *, wrap: bool = False, fixable: bool = True
    ) -> None:
        """Report ``expr`` when it is an un-awaited coroutine call. ``wrap``: the call is the
        value of a subscript or attribute, where ``await`` needs parentheses; every other
        checked position (statement, assignment value, operand, test, iterable, f-string
        part) takes a bare ``await`` with the intended precedence."""
        if not isinstance(expr, cst.Call) or not self.ctx.in_async_function():
            return
        spelled = self._coroutine(expr)
        if spelled is None:
            return
        self.report(
            expr,
            f"`{spelled}()` returns a coroutine that is not awaited: {consequence}; add `await` before the call",
            fix=annotation_fix(self.ctx, self._await_fix(expr, wrap)) if fixable else None,
        )

    def _await_fix(self, call: cst.Call, wrap: bool) -> Fix | None:
        """``call`` -> ``await call`` (``(await call)`` where precedence needs it), only
        where ``await`` is valid: directly in the async def's body (not a class body, a
        lambda or a generator expression)."""
        function = self.ctx.function_node
        if self._no_await_depth or not isinstance(function, cst.FunctionDef):
            return None
        if self.ctx.scope_key != self.ctx.key_of(function):
            return None  # a class body nested in the async def
        lpar, rpar = call.lpar, call.rpar
        if wrap and not lpar:
            lpar, rpar = (cst.LeftParen(),), (cst.RightParen(),)
        awaited = cst.Await(expression=call.with_changes(lpar=(), rpar=()), lpar=lpar, rpar=rpar)
        return Fix.replace(call, awaited)

    def _coroutine(self, call: cst.Call) -> str | None:
        """How to spell the callee when the call returns a coroutine, else None."""
        if self._is_call_next(call):
            return "call_next"
        session = self._async_session_method(call)
        if session is not None:
            return session
        callee = self.ctx.callee(call)
        if callee is None or not _coroutine_callee(self.ctx.project, callee):
            return None
        if callee.receiver_type is not None:
            func = call.func
            receiver = func.value if isinstance(func, cst.Attribute) else None
            if isinstance(receiver, cst.Name):
                return f"{receiver.value}.{callee.attr}"
            return f"{callee.receiver_type.rsplit('.', 1)[-1]}.{callee.attr}"
        return dotted_name(call.func) or canonical(callee.qualname)

    def _is_call_next(self, call: cst.Call) -> bool:
        func = call.func
        if not isinstance(func, cst.Name) or not self.ctx.in_async_function():
            return False
        call_next, _ = self._current()
        return func.value == call_next and self._bound_here(func.value) == "param"

    def _async_session_method(self, call: cst.Call) -> str | None:
        """``session.commit()`` on a session known as an ``AsyncSession`` only through its
        dependency (``session=Depends(get_session)``) or an ``async_sessionmaker``
        (``async with async_session() as session:``); annotated receivers go through
        ``COROUTINE_METHODS``."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return None
        if func.attr.value not in ASYNC_SESSION_COROUTINES:
            return None
        receiver = func.value.value
        _, sessions = self._current()
        function = self.ctx.function_node
        key = self.ctx.key_of(function) if isinstance(function, cst.FunctionDef) else None
        if _session_receiver(self.ctx.project, self.ctx.model.facts, key, self.ctx.scope_key, receiver, sessions):
            return f"{receiver}.{func.attr.value}"
        return None


def _call_next_param(project, model, key: str, function) -> str | None:
    """``call_next`` of ``@app.middleware("http") async def f(request, call_next)`` or of
    ``BaseHTTPMiddleware.dispatch(self, request, call_next)`` in a subclass."""
    index = None
    for registration in model.registrations_of(key, "middleware"):
        if registration.decorator_index is not None and registration.call.arg(0, "middleware_type") == Const("http"):
            index = 1
    if index is None and function.name == "dispatch":
        klass = model.facts.classes.get(function.scope)
        if klass is not None and project.is_subclass(model.facts.qualname_of_key(klass.key), HTTP_MIDDLEWARE_BASES):
            index = 2
    positional = [p for p in function.params if p.kind == "positional"]
    return positional[index].name if index is not None and index < len(positional) else None


def _session_params(project, model, key: str, function) -> frozenset[str]:
    """The parameters of an endpoint or dependency that its signature makes ``AsyncSession``s
    through a dependency."""
    if not (model.is_endpoint(key) or model.is_dependency(key)):
        return frozenset()
    return frozenset(param.name for param in signature(project, model.facts, function)
                     if param_session_kind(project, param) == ASYNC)


def _session_receiver(project, facts, key: str | None, scope: str, receiver: str, sessions: frozenset[str]) -> bool:
    """Whether ``receiver`` (a plain name, in the def ``key``, resolved in ``scope``) is an
    ``AsyncSession``: one of the def's ``sessions`` parameters, or bound to one elsewhere."""
    bindings = facts.scopes[key].bindings if key in facts.scopes else {}
    binding = bindings.get(receiver)
    if binding is not None and binding.kind == "param":
        return receiver in sessions  # an annotated one is read through COROUTINE_METHODS
    return symbol_session_kind(project, project.resolve(facts, scope, receiver)) == ASYNC


def _coroutine_callee(project, callee) -> bool:
    """Whether calling ``callee`` returns a coroutine: a coroutine method of a known class (or
    of a project subclass), ``asyncio.sleep``."""
    if callee.receiver_type is not None:
        methods = _methods_of(project, callee.receiver_type)
        return methods is not None and callee.attr in methods
    return callee.qualname is not None and canonical(callee.qualname) in COROUTINE_FUNCTIONS


def _methods_of(project, type_qualname: str) -> frozenset[str] | None:
    qualname = canonical(type_qualname)
    if qualname in COROUTINE_METHODS:
        return COROUTINE_METHODS[qualname]
    for known, methods in COROUTINE_METHODS.items():
        if project.is_subclass(qualname, frozenset({known})):
            return methods
    return None


# Attributes of a coroutine object itself: using them is deliberate, not a missing await.
_COROUTINE_ATTRIBUTES = frozenset({"close", "send", "throw", "__await__", "cr_frame", "cr_running", "cr_code", "cr_await"})

# Calls that take a coroutine to await or schedule it later, or store it for that.
_SCHEDULERS = frozenset({
    "gather", "wait", "wait_for", "shield", "create_task", "ensure_future", "run_coroutine_threadsafe",
    "as_completed", "start_soon", "start", "run", "append", "appendleft", "extend", "add", "insert",
    "put", "put_nowait", "setdefault", "update", "add_task", "call_soon",
})


def _callee_name(call: cst.Call) -> str | None:
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


class _Escapes(cst.CSTVisitor):
    """Whether a variable holding a coroutine reaches a place where it may be awaited."""

    def __init__(self, name: str, returns: bool = True):
        super().__init__()
        self.name = name
        self.returns = returns  # whether `return name` may hand it to a caller that awaits it
        self.found = False

    def _is_name(self, node: cst.CSTNode | None) -> bool:
        return isinstance(node, cst.Name) and node.value == self.name

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.found:
            return False
        return super().on_visit(node)

    def visit_Await(self, node: cst.Await) -> None:
        self.found |= self._is_name(node.expression)

    def visit_Call(self, node: cst.Call) -> None:
        if _callee_name(node) in _SCHEDULERS:
            self.found |= any(self._is_name(arg.value) for arg in node.args)

    def visit_Return(self, node: cst.Return) -> None:
        self.found |= self.returns and self._is_name(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        self.found |= self._is_name(node.value)

    def visit_Element(self, node: cst.Element) -> None:
        self.found |= self._is_name(node.value)

    def visit_StarredElement(self, node: cst.StarredElement) -> None:
        self.found |= self._is_name(node.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self.found |= self._is_name(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.found |= self._is_name(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.found |= self._is_name(node.value)
