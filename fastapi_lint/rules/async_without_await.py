"""FAPI106 async-without-await (opt-in): an ``async def`` path operation that never awaits
(one that streams an async generator that awaits is not reported: its async work runs there)."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.responses import streamed_async_generators
from fastapi_lint.rule import Rule, Severity


class AsyncWithoutAwait(Rule):
    code = "FAPI106"
    name = "async-without-await"
    summary = "`async def` path operation never awaits"
    severity = Severity.WARNING
    default_enabled = False
    fastapi_docs = "https://fastapi.tiangolo.com/async/"


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("route")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.asynchronous is None:
            return
        key = self.ctx.key_of(node)
        model = self.ctx.model
        if not model.is_endpoint(key):
            return
        function = model.function(key)
        # facts count `await`, `async for`, `async with` and async comprehensions in the
        # function's own body (nested defs have their own facts); a body with `yield`
        # is an async generator, which has to be `async def`.
        if function is None or function.has_await or function.has_yield:
            return
        # `return StreamingResponse(gen())` over an async generator that awaits: the async
        # work is delegated to the generator. (A generator that never awaits leaves the
        # whole response on the loop: the endpoint stays reported, the generator is FAPI109's.)
        if any(generator.has_await for _, generator in streamed_async_generators(self.ctx.project, model.facts, function)):
            return
        self.report(
            node.name,
            f"`async def {node.name.value}` never awaits, so FastAPI runs it on the event loop; if it does "
            "blocking work declare it with plain `def` (FastAPI runs that in the threadpool), otherwise "
            "make its I/O async and `await` it",
        )
