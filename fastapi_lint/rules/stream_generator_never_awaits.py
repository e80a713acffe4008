"""FAPI109 stream-generator-never-awaits: an ``async def`` generator that loops without ever
awaiting, streamed by ``StreamingResponse``/``EventSourceResponse``: it runs on the event loop
from the first chunk to the last without giving it a turn."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.responses import is_streamed, never_awaits
from fastapi_lint.rule import Rule, Severity


class StreamGeneratorNeverAwaits(Rule):
    code = "FAPI109"
    name = "stream-generator-never-awaits"
    summary = "`async def` generator that never awaits, streamed by `StreamingResponse`: it holds the event loop"
    severity = Severity.WARNING
    default_enabled = False  # a cheap generator (a few precomputed chunks) is harmless; see the page
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/custom-response/#streamingresponse"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return any(f.has_yield and never_awaits(f) for f in view.facts.functions.values())

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        key = self.ctx.key_of(node)
        function = self.ctx.model.function(key)
        if function is None or not function.has_yield or not never_awaits(function):
            return
        if not _loops(node):
            return  # a generator of a few fixed chunks: nothing long-running to interleave
        if not is_streamed(self.ctx.project, self.ctx.model.facts.qualname_of_key(key)):
            return
        self.report(
            node.name,
            f"`{node.name.value}` is an `async def` generator that never awaits, streamed as a response body: "
            f"Starlette runs its loop on the event loop from the first chunk to the last without giving the loop "
            f"a turn, so every other request waits (and a client that disconnects cannot stop it); make it a "
            f"plain `def` generator (Starlette iterates those in a worker thread), or use async APIs and await them",
        )


def _loops(function: cst.FunctionDef) -> bool:
    """Whether the body (nested defs and classes aside) has a ``for`` or ``while`` loop."""
    found = False

    class Loops(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_For(self, node: cst.For) -> None:
            nonlocal found
            found = True

        def visit_While(self, node: cst.While) -> None:
            nonlocal found
            found = True

    function.visit(Loops())
    return found
