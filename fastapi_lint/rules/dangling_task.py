"""FAPI107 dangling-task: ``asyncio.create_task(...)`` whose result is thrown away; the
event loop keeps only a weak reference, so the task can be garbage-collected mid-flight."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import source_text
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.data.tasks import EVENT_LOOP_CLASSES, TASK_FUNCTIONS, TASK_LOOP_METHODS
from fastapi_lint.rule import Rule, Severity


class DanglingTask(Rule):
    code = "FAPI107"
    name = "dangling-task"
    summary = "Task from `asyncio.create_task(...)` discarded; the loop keeps only a weak reference to it"
    severity = Severity.WARNING
    fastapi_docs = "https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.any_call(lambda site: view.discarded(site) and _task_kind(view.callee(site)) is not None)

    def visit_Expr(self, node: cst.Expr) -> None:
        call = node.value
        if not isinstance(call, cst.Call):
            return
        # asyncio.create_task(...).add_done_callback(...) discards the task too
        if (isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_done_callback"
                and isinstance(call.func.value, cst.Call)):
            call = call.func.value
        if not self._is_task_call(call):
            return
        self.report(
            call,
            f"`{source_text(call, 60)}` starts a task and discards it: the event loop keeps only a weak "
            f"reference to the task, so it can be garbage-collected before it finishes; keep a reference "
            f"(a set of background tasks with `add_done_callback(tasks.discard)`, a `TaskGroup`), or use "
            f"`BackgroundTasks` for work after the response",
        )

    def _is_task_call(self, call: cst.Call) -> bool:
        kind = _task_kind(self.ctx.callee(call))
        if kind == "ensure_future":
            # ensure_future(task) hands back the task it was given (kept elsewhere, as a
            # rule): only a coroutine made right there, ensure_future(work()), is new.
            first = call.args[0] if call.args else None
            return first is not None and first.keyword is None and not first.star \
                and isinstance(first.value, cst.Call)
        return kind is not None


def _task_kind(callee: Symbol | None) -> str | None:
    """``"task"`` when calling ``callee`` starts a task (``"ensure_future"``: when given a
    coroutine), else None."""
    if callee is None:
        return None
    if callee.receiver_type is not None:
        in_loop = callee.attr in TASK_LOOP_METHODS and canonical(callee.receiver_type) in EVENT_LOOP_CLASSES
        return "task" if in_loop else None
    if callee.qualname is None:
        return None
    qualname = canonical(callee.qualname)
    if qualname in TASK_FUNCTIONS:
        return "ensure_future" if qualname.endswith("ensure_future") else "task"
    if "." in qualname:  # loop.create_task where loop's class is known
        owner, _, attr = qualname.rpartition(".")
        return "task" if attr in TASK_LOOP_METHODS and owner in EVENT_LOOP_CLASSES else None
    return None
