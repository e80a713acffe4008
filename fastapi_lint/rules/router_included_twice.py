"""FAPI217 router-included-twice: the same router included twice into one app/router with
the same prefix."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.facts import Const, Ref
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Severity
from fastapi_lint.analysis.route_nodes import Entry, RouteWalker, exclusive


_DOCS = "https://fastapi.tiangolo.com/tutorial/bigger-applications/"


class RouterIncludedTwice(RouteWalker):
    code = "FAPI217"
    name = "router-included-twice"
    summary = "The same router included twice into one app/router with the same prefix"
    severity = Severity.WARNING
    fastapi_docs = _DOCS
    kinds = frozenset({"include_router"})


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return len(view.model.of_kind("include_router")) > 1

    def leave_Module(self, node: cst.Module) -> None:
        seen: dict[tuple, list[Entry]] = {}
        for entry in self.entries:
            call = entry.registration.call
            if any(name is None for name, _ in call.kwargs):
                continue  # **kwargs may carry a prefix
            prefix = call.kwarg("prefix")
            if prefix is None or (isinstance(prefix, Const) and prefix.value is None):
                prefix_value = ""
            elif isinstance(prefix, Const) and isinstance(prefix.value, str):
                prefix_value = prefix.value
            else:
                continue
            target = call.arg(0, "router")
            if not isinstance(target, Ref):
                continue
            child = self.ctx.project.resolve(self.ctx.model.facts, entry.scope, target.dotted)
            if child is None or child.origin is None:
                continue
            key = (entry.registration.owner.origin, child.origin, entry.scope, prefix_value)
            earlier = [e for e in seen.get(key, []) if not exclusive(e, entry)]
            if earlier:
                first = earlier[0]
                where = f" with prefix `{prefix_value}`" if prefix_value else " without a prefix"
                self.report(
                    entry.node,
                    f"`{target.dotted}` is already included into `{entry.receiver}`{where} (line "
                    f"{first.registration.line}); its routes are registered twice and the copies are never "
                    "reached: remove one `include_router` or give it a different prefix",
                )
            seen.setdefault(key, []).append(entry)
