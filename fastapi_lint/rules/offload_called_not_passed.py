"""FAPI108 offload-called-not-passed: ``run_in_threadpool(f(x))`` runs ``f`` on the event
loop and hands its result to the thread, which then fails calling it."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.dependencies import not_a_factory
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import dotted_name, source_text
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.data.blocking_calls import BLOCKING_FUNCTIONS, blocking_method_advice
from fastapi_lint.data.tasks import EVENT_LOOP_CLASSES, OFFLOAD_FUNCTIONS, OFFLOAD_LOOP_METHODS
from fastapi_lint.fixes import Fix
from fastapi_lint.rule import Applicability, Rule, Severity

# Keywords the offloading functions take for themselves (the others go to the function).
_OWN_KEYWORDS = frozenset({"abandon_on_cancel", "cancellable", "limiter"})


class OffloadCalledNotPassed(Rule):
    code = "FAPI108"
    name = "offload-called-not-passed"
    summary = "`run_in_threadpool(f(x))` runs `f` on the event loop; pass `f, x`"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/async/"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.any_call(lambda site: view.given_a_call(site) and _callable_index(view.callee(site)) is not None)

    def visit_Call(self, node: cst.Call) -> None:
        index = _callable_index(self.ctx.callee(node))
        if index is None:
            return
        positional = _first_positionals(node)
        if len(positional) <= index:
            return
        arg = positional[index]
        inner = arg.value
        if not isinstance(inner, cst.Call):
            return
        gives = self._evidently_not_callable(inner)
        if gives is None:
            return
        offload = dotted_name(node.func) or "the offload"
        function = dotted_name(inner.func) or source_text(inner.func, 40)
        self.report(
            inner,
            f"`{source_text(inner, 60)}` runs on the event loop, and `{offload}` gets its result ({gives}) "
            f"instead of a function to run in a thread; pass the function and its arguments: "
            f"`{offload}({function}, ...)`",
            fix=None if gives == "a coroutine" else _pass_function(node, arg, inner),
        )

    def _evidently_not_callable(self, inner: cst.Call) -> str | None:
        """What the inner call gives, when it is evidently not a function to run: a project
        function that is not a factory, or a known blocking call."""
        symbol = self.ctx.callee(inner)
        if symbol is None:
            return None
        if symbol.receiver_type is not None:
            return "its return value" if blocking_method_advice(symbol.receiver_type, symbol.attr) else None
        if symbol.qualname is not None and canonical(symbol.qualname) in BLOCKING_FUNCTIONS:
            return "its return value"
        found = self.ctx.project.project_function(symbol)
        if found is None:
            return None
        facts, function = found
        return not_a_factory(self.ctx.project, facts, function)


def _first_positionals(call: cst.Call) -> list[cst.Arg]:
    """Positional arguments before any ``*args`` (their index is known)."""
    out = []
    for arg in call.args:
        if arg.star:
            break
        if arg.keyword is None:
            out.append(arg)
    return out


def _pass_function(outer: cst.Call, arg: cst.Arg, inner: cst.Call) -> Fix | None:
    """``offload(f(x, y))`` -> ``offload(f, x, y)``: only when ``f(...)`` is the last positional
    argument, takes positional arguments only (the offloaders pass ``*args`` on, not all pass
    keywords), the offload has no keyword that would go to ``f``, and no comment would be lost."""
    if not isinstance(inner.func, (cst.Name, cst.Attribute)) or inner.lpar or arg.star:
        return None
    if any(a.keyword is not None or a.star == "**" for a in inner.args):
        return None
    after = outer.args[outer.args.index(arg) + 1:]
    if any(a.keyword is None or a.keyword.value not in _OWN_KEYWORDS for a in after):
        return None
    if "#" in cst.Module([]).code_for_node(inner):
        return None
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    moved = [cst.Arg(value=inner.func, comma=comma if inner.args else arg.comma)]
    for i, inner_arg in enumerate(inner.args):
        last = i == len(inner.args) - 1
        moved.append(inner_arg.with_changes(comma=arg.comma if last else comma))
    index = outer.args.index(arg)
    args = [*outer.args[:index], *moved, *after]
    return Fix.replace(outer, outer.with_changes(args=args))


def _callable_index(callee: Symbol | None) -> int | None:
    """The position of the function to run when ``callee`` offloads one to a thread, else None."""
    if callee is None:
        return None
    if callee.receiver_type is not None:
        if canonical(callee.receiver_type) in EVENT_LOOP_CLASSES:
            return OFFLOAD_LOOP_METHODS.get(callee.attr)
        return None
    if callee.qualname is None:
        return None
    qualname = canonical(callee.qualname)
    if qualname in OFFLOAD_FUNCTIONS:
        return OFFLOAD_FUNCTIONS[qualname]
    owner, _, attr = qualname.rpartition(".")
    if owner in EVENT_LOOP_CLASSES:
        return OFFLOAD_LOOP_METHODS.get(attr)
    return None
