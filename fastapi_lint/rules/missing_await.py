"""FAPI103 missing-await: a coroutine method of ``UploadFile``/``WebSocket``/``Request``
(or ``asyncio.sleep``) called without ``await`` inside ``async def``, its coroutine
dropped or used as if it were the result."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.coroutines import COROUTINE_FUNCTIONS, COROUTINE_METHODS
from fastapi_lint.fixes import Fix, annotation_fix
from fastapi_lint.analysis.names import canonical, dotted_name
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
        return view.has_async_functions

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # Enclosing lambdas / generator expressions: an `await` added there would be
        # invalid (lambda body) or turn the generator into an async generator.
        self._no_await_depth = 0


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
        escapes = _Escapes(target.value)
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
        callee = self.ctx.callee(call)
        if callee is None:
            return None
        if callee.receiver_type is not None:
            methods = self._methods_of(callee.receiver_type)
            if methods is None or callee.attr not in methods:
                return None
            func = call.func
            receiver = func.value if isinstance(func, cst.Attribute) else None
            if isinstance(receiver, cst.Name):
                return f"{receiver.value}.{callee.attr}"
            return f"{callee.receiver_type.rsplit('.', 1)[-1]}.{callee.attr}"
        if callee.qualname is not None and canonical(callee.qualname) in COROUTINE_FUNCTIONS:
            return dotted_name(call.func) or canonical(callee.qualname)
        return None

    def _methods_of(self, type_qualname: str) -> frozenset[str] | None:
        qualname = canonical(type_qualname)
        if qualname in COROUTINE_METHODS:
            return COROUTINE_METHODS[qualname]
        for known, methods in COROUTINE_METHODS.items():
            if self.ctx.project.is_subclass(qualname, frozenset({known})):
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

    def __init__(self, name: str):
        super().__init__()
        self.name = name
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
        self.found |= self._is_name(node.value)

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
