"""FAPI101 blocking-call-in-async: a blocking call made directly inside ``async def``."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.blocking_calls import BLOCKING_FUNCTIONS, blocking_method_advice
from fastapi_lint.fixes import Fix, Import, annotation_fix
from fastapi_lint.analysis.names import as_imported, canonical
from fastapi_lint.analysis.file_view import FileView
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
        return view.has_async_functions

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_async_function():
            return  # nested plain def / lambda run elsewhere (threadpool, executor)
        callee = self.ctx.callee(node)
        if callee is None:
            return
        spelled, advice = self._blocking(callee)
        if advice is None:
            return
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

    @staticmethod
    def _blocking(callee) -> tuple[str, str | None]:
        if callee.receiver_type is not None:
            spelled = f"{callee.receiver_type.rsplit('.', 1)[-1]}.{callee.attr}"
            return spelled, blocking_method_advice(callee.receiver_type, callee.attr)
        if callee.qualname is None:
            return "", None
        qualname = canonical(callee.qualname)
        return qualname.removeprefix("builtins."), BLOCKING_FUNCTIONS.get(qualname)
