"""FAPI101 blocking-call-in-async: a blocking call made directly inside ``async def``."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.blocking_calls import (
    BLOCKING_FUNCTIONS,
    DECLARED_ADVICE,
    NONBLOCKING_WITH_FLAG,
    blocking_method_advice,
)
from fastapi_lint.fixes import Fix, Import, annotation_fix
from fastapi_lint.analysis.qualnames import as_imported, canonical
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.rule import Applicability, Rule, Severity


class BlockingCallInAsync(Rule):
    code = "FAPI101"
    name = "blocking-call-in-async"
    summary = "Blocking call inside `async def` stalls the event loop"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/async/"
    fix = Applicability.UNSAFE


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        project, declared = view.project, view.extend_blocking_calls
        return view.has_async_functions and view.any_call(
            lambda site: view.is_async(site) and _blocking(project, declared, view.callee(site))[1] is not None)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_async_function():
            return  # nested plain def / lambda run elsewhere (threadpool, executor)
        spelled, advice = _blocking(self.ctx.project, self.ctx.extend_blocking_calls, self.ctx.callee(node))
        if advice is None or self.ctx.outside_server():
            return  # not blocking, or a test's / a script's code: no server loop to stall
        flag = NONBLOCKING_WITH_FLAG.get(spelled)
        if flag is not None and any(_names(arg.value, flag) for arg in node.args):
            return  # e.g. os.waitpid(pid, os.WNOHANG) returns at once
        function = self.ctx.function_node
        self.report(
            node,
            as_imported(f"Blocking call `{spelled}()` inside `async def {function.name.value}` stalls the event "
                        f"loop; use {advice}", self.ctx.model.facts.imported),
            fix=annotation_fix(self.ctx, self._async_sleep(node)) if spelled == "time.sleep" else None,
        )

    def _async_sleep(self, call: cst.Call) -> Fix | None:
        """``time.sleep(x)`` -> ``await asyncio.sleep(x)``: unsafe, because it lets other
        requests run where the code used to hold the event loop."""
        bound = self.ctx.resolve(cst.Name("asyncio"))
        if bound is not None and bound.qualname != "asyncio":
            return None  # the name means something else here
        sleep = call.with_changes(func=cst.Attribute(cst.Name("asyncio"), cst.Name("sleep")))
        return Fix.replace(call, cst.Await(sleep), unsafe=True, imports=[Import("asyncio")])


def _blocking(project, declared: frozenset[str], callee: Symbol | None) -> tuple[str, str | None]:
    """How to spell the callee, and the advice when it blocks (None when it does not)."""
    if callee is None:
        return "", None
    if callee.receiver_type is not None:
        spelled = f"{callee.receiver_type.rsplit('.', 1)[-1]}.{callee.attr}"
        advice = blocking_method_advice(callee.receiver_type, callee.attr)
        if advice is None and declared and _declared_method(project, declared, callee.receiver_type, callee.attr):
            advice = DECLARED_ADVICE
        return spelled, advice
    if callee.qualname is None:
        return "", None
    qualname = canonical(callee.qualname)
    advice = BLOCKING_FUNCTIONS.get(qualname)
    if advice is None and (qualname in declared or callee.qualname in declared):
        advice = DECLARED_ADVICE
    return qualname.removeprefix("builtins."), advice


def _declared_method(project, declared: frozenset[str], receiver_type: str, method: str) -> bool:
    """``mylib.Client.fetch`` in `extend-blocking-calls`: ``fetch`` on an instance of
    ``mylib.Client`` or of a project class deriving from it."""
    classes = frozenset(name.rpartition(".")[0] for name in declared if name.rpartition(".")[2] == method)
    return bool(classes) and project.is_subclass(receiver_type, classes)


def _names(expr: cst.BaseExpression, name: str) -> bool:
    """Whether ``expr`` mentions ``name`` (``os.WNOHANG``, ``WNOHANG | WUNTRACED``)."""
    if isinstance(expr, cst.Name):
        return expr.value == name
    if isinstance(expr, cst.Attribute):
        return expr.attr.value == name
    if isinstance(expr, cst.BinaryOperation):
        return _names(expr.left, name) or _names(expr.right, name)
    return False
