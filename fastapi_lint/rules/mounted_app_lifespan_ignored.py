"""FAPI509 mounted-app-lifespan-ignored: ``app.mount(path, sub)`` (or ``Mount(path, app=sub)``)
where ``sub`` has a lifespan or startup/shutdown handlers: Starlette sends the lifespan events
to the outermost app only, so the mounted app's never run unless the parent's lifespan enters
them."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.analysis.event_hooks import (
    NO_LIFESPAN,
    UNKNOWN_LIFESPAN,
    factory_lifecycle,
    lifecycle_of,
    lifespan_function,
    reads_lifespan_context,
)
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name, source_text
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.data.fastapi_names import APP_CLASSES, MOUNT_CLASSES
from fastapi_lint.rule import Report, Rule, Severity


@dataclass
class _Mount:
    node: cst.CSTNode  # the mounted app's expression
    statement: cst.CSTNode | None
    sub: Symbol | None  # the mounted app, when it is a name
    reason: str
    parent: object  # the parent's lifespan: (facts, function), NO_LIFESPAN or UNKNOWN_LIFESPAN
    parent_name: str | None


class MountedAppLifespanIgnored(Rule):
    code = "FAPI509"
    name = "mounted-app-lifespan-ignored"
    summary = "A mounted app's lifespan and startup/shutdown handlers never run"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/sub-applications/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("mount", "Mount")

    def __init__(self, ctx):
        super().__init__(ctx)
        self._calls: list[cst.Call] = []  # enclosing calls, innermost last
        self._names: dict[str, set[str]] = {}  # function key -> names its body reads
        self._mounts: list[_Mount] = []

    def visit_Name(self, node: cst.Name) -> None:
        if self.ctx.function_node is not None:
            self._names.setdefault(self.ctx.scope_key, set()).add(node.value)

    def leave_Call(self, original_node: cst.Call) -> None:
        self._calls.pop()

    def visit_Call(self, node: cst.Call) -> None:
        self._calls.append(node)
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "mount":
            owner = self.ctx.resolve(func.value)
            if self.ctx.project.kind_of(owner) is None:
                return
            target = call_positional(node, 1) or call_keyword(node, "app")
            parent = lifespan_function(self.ctx.project, owner) if self.ctx.project.kind_of(owner) == "app" \
                else NO_LIFESPAN
            self._candidate(target, parent, dotted_name(func.value))
            return
        if self.ctx.qualname(func) not in MOUNT_CLASSES:
            return
        target = call_keyword(node, "app") or call_positional(node, 1)
        parent, parent_name = UNKNOWN_LIFESPAN, None
        for outer in reversed(self._calls[:-1]):
            callee = self.ctx.callee(outer)
            if callee is not None and self.ctx.project.is_subclass(callee.qualname, APP_CLASSES):
                parent, parent_name = self._constructor_lifespan(outer), f"{dotted_name(outer.func)}(...)"
                break
        self._candidate(target, parent, parent_name)

    def _constructor_lifespan(self, call: cst.Call):
        arg = call_keyword(call, "lifespan")
        if arg is None or (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
            return UNKNOWN_LIFESPAN if any(a.star for a in call.args) else NO_LIFESPAN
        found = self.ctx.project.project_function(self.ctx.resolve(arg.value))
        return found if found is not None else UNKNOWN_LIFESPAN

    def _candidate(self, target: cst.Arg | None, parent, parent_name: str | None) -> None:
        if target is None or target.star:
            return
        project = self.ctx.project
        expr = target.value
        sub = None
        if isinstance(expr, cst.Call):
            callee = self.ctx.resolve(expr.func)
            if callee is None or callee.project_ref is None:
                return
            reason = factory_lifecycle(project, callee)
        else:
            sub = self.ctx.resolve(expr)
            if project.kind_of(sub) != "app":
                return
            reason = lifecycle_of(project, sub)
        if reason:
            self._mounts.append(_Mount(expr, self.ctx.current_statement, sub, reason, parent, parent_name))

    # ------------------------------------------------------------ does a lifespan enter the sub-app's?

    def _sub_lifespan(self, sub: Symbol | None):
        found = lifespan_function(self.ctx.project, sub) if sub is not None else UNKNOWN_LIFESPAN
        return None if found in (NO_LIFESPAN, UNKNOWN_LIFESPAN) else found

    def _enters(self, function_facts, function, sub_lifespan) -> bool:
        """Whether the lifespan ``function`` (of module ``function_facts``) enters the mounted app's:
        it reads ``.lifespan_context``, or it refers to the mounted app's lifespan function."""
        if reads_lifespan_context(function):
            return True
        if sub_lifespan is None:
            return False
        sub_facts, sub_function = sub_lifespan
        if (function_facts.module, function.key) == (sub_facts.module, sub_function.key):
            return True  # both apps share one lifespan function: its code runs, for the parent
        if function_facts.module != self.ctx.model.facts.module:
            # its body is not at hand: the names it reads are not in the facts; when it can
            # reach the sub-app's lifespan, assume it enters it
            return function_facts.module == sub_facts.module or any(
                name == sub_facts.module or name == sub_facts.qualname_of_key(sub_function.key)
                for name in function_facts.imported)
        for name in self._names.get(function.key, ()):
            symbol = self.ctx.project.resolve(function_facts, function.key, name)
            if symbol is not None and symbol.project_ref == (sub_facts.module, sub_function.key):
                return True
        return False

    def leave_Module(self, original_node: cst.Module) -> None:
        facts = self.ctx.model.facts
        for mount in self._mounts:
            sub_lifespan = self._sub_lifespan(mount.sub)
            if mount.parent == UNKNOWN_LIFESPAN:
                # the parent is not known: any function of this file may be its lifespan
                if any(self._enters(facts, function, sub_lifespan) for function in facts.functions.values()
                       if sub_lifespan is None or function is not sub_lifespan[1]):
                    continue
            elif mount.parent != NO_LIFESPAN and self._enters(*mount.parent, sub_lifespan):
                continue
            shown = source_text(mount.node, 40)
            name = shown if mount.sub is not None else "sub_app"
            where = f"on `{mount.parent_name}`" if mount.parent_name else ""
            message = (
                f"`{shown}` is mounted{' ' + where if where else ''}, and {mount.reason}: Starlette sends "
                f"the lifespan events to the outermost app only; enter it from the parent's lifespan "
                f"(`async with {name}.router.lifespan_context({name}):`) or move its startup code there"
            )
            self.ctx.reports.append(Report(self, mount.node, message, mount.statement))
