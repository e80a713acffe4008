"""FAPI302 depends-called: `Depends(f())` calls the dependency at import time instead of
passing it."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.names import source_text

from fastapi_lint.fixes import Fix, annotation_fix
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity
from fastapi_lint.analysis.dependencies import called_dependency, not_a_factory


class DependsCalled(Rule):
    code = "FAPI302"
    name = "depends-called"
    summary = "`Depends(f())` calls the dependency at import time instead of passing it"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/dependencies/"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("Depends", "Security")

    def visit_Call(self, node: cst.Call) -> None:
        called = called_dependency(self.ctx, node)
        found = self.ctx.project.project_function(called.callee) if called is not None else None
        if found is None:
            return  # a class (FAPI305), a method, or an external factory
        facts, function = found
        gives = not_a_factory(self.ctx.project, facts, function)
        if gives is None:
            return
        inner, marker = called.call, called.marker
        spelled = called.spelled or function.name
        self.report(
            inner,
            f"`{source_text(inner, 60)}` runs `{spelled}` once at import time and passes its result ({gives}) to "
            f"`{marker}`; pass the function itself: `{marker}({spelled})`",
            fix=annotation_fix(self.ctx, _uncall(inner)),
        )


def _uncall(inner: cst.Call) -> Fix | None:
    """``f()`` -> ``f`` inside ``Depends(...)``: only for a call with no arguments at all
    (arguments would have to become parameters or a factory: a person decides) and no
    comment between its parentheses (it would be lost)."""
    if inner.args or not isinstance(inner.func, (cst.Name, cst.Attribute)):
        return None
    if _has_comment(inner.whitespace_after_func) or _has_comment(inner.whitespace_before_args):
        return None
    func = inner.func
    replacement = func.with_changes(
        lpar=(*inner.lpar, *func.lpar), rpar=(*func.rpar, *inner.rpar)
    )
    return Fix.replace(inner, replacement)


def _has_comment(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    return "#" in cst.Module([]).code_for_node(whitespace)
