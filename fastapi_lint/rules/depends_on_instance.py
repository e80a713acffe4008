"""FAPI305 depends-on-instance: `Depends(SomeClass())` passes an inline instance that tests
cannot override."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.names import source_text

from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.dependencies import (
    ancestors,
    called_dependency,
    instances_callable,
    is_project_class,
)


# Security schemes are built inline even in FastAPI's own docs (``Depends(HTTPBearer403())``);
# tests override the dependency that reads the credentials, not the scheme.
_SECURITY_PREFIXES = ("fastapi.security.", "fastapi.openapi.models.")


class DependsOnInstance(Rule):
    code = "FAPI305"
    name = "depends-on-instance"
    summary = "`Depends(SomeClass())` passes an inline instance that tests cannot override"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/advanced-dependencies/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("Depends", "Security")

    def visit_Call(self, node: cst.Call) -> None:
        called = called_dependency(self.ctx, node)
        symbol = called.callee if called is not None else None
        if symbol is None or not symbol.qualname:
            return
        qualname = canonical(symbol.qualname)
        project = self.ctx.project
        inner, marker = called.call, called.marker
        spelled = called.spelled or qualname.rsplit(".", 1)[-1]
        if is_project_class(project, qualname):
            callable_ = instances_callable(project, qualname)
            if any(a.startswith(_SECURITY_PREFIXES) for a in _ancestor_names(project, qualname)):
                return
        elif symbol.project_ref is None and _external_class(qualname):
            if qualname.startswith(_SECURITY_PREFIXES):
                return
            callable_ = None
        else:
            return
        if callable_ is False:
            self.report(
                inner,
                f"`{source_text(inner, 60)}` is an instance of `{spelled}`, which has no `__call__`, so FastAPI cannot "
                f"call it; pass the class itself: `{marker}({spelled})`",
            )
            return
        if inner.args:
            return  # a configured instance (``RoleChecker(["admin"])``): the documented parameterised pattern
        instance = spelled.rsplit(".", 1)[-1]
        instance = "".join(f"_{c.lower()}" if c.isupper() else c for c in instance).lstrip("_")
        advice = f"bind it to a module-level name (`{instance} = {source_text(inner, 60)}`) and use `{marker}({instance})`"
        if callable_ is None:
            advice += f", or pass the class (`{marker}({spelled})`) if you meant a new instance per request"
        self.report(
            inner,
            f"`{marker}({source_text(inner, 60)})` builds one `{spelled}` at import time that "
            f"`app.dependency_overrides` cannot target; {advice}",
        )


def _ancestor_names(project, qualname: str) -> list[str]:
    return [a for a in ancestors(project, qualname) if a]


def _external_class(qualname: str) -> bool:
    """An imported name that is spelled like a class (``CamelCase``) in a module outside the
    project; builtins and typing helpers excluded."""
    module, _, name = qualname.rpartition(".")
    if not module or module in ("builtins", "typing", "typing_extensions", "functools"):
        return False
    return name[:1].isupper() and any(c.islower() for c in name) and "_" not in name
