"""FAPI302 depends-called and FAPI305 depends-on-instance: what is passed to
``Depends(...)``/``Security(...)`` is the result of a call made at import time."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.fixes import Fix, annotation_fix
from fastapi_lint.analysis.names import canonical, dotted_name
from fastapi_lint.rule import Applicability, Rule, Severity
from fastapi_lint.analysis.dependencies import (
    ancestors,
    called_dependency,
    code_of,
    instances_callable,
    is_project_class,
    not_a_factory,
    project_function,
)

# Security schemes are built inline even in FastAPI's own docs (``Depends(HTTPBearer403())``);
# tests override the dependency that reads the credentials, not the scheme.
_SECURITY_PREFIXES = ("fastapi.security.", "fastapi.openapi.models.")


def _marker_name(call: cst.Call) -> str:
    name = dotted_name(call.func) or "Depends"
    return name.rsplit(".", 1)[-1]


class DependsCalled(Rule):
    code = "FAPI302"
    name = "depends-called"
    summary = "`Depends(f())` calls the dependency at import time instead of passing it"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/dependencies/"
    triggers = ("Depends", "Security")
    fix = Applicability.SAFE

    def visit_Call(self, node: cst.Call) -> None:
        inner = called_dependency(self.ctx, node)
        if inner is None:
            return
        symbol = self.ctx.callee(inner)
        found = project_function(self.ctx.project, symbol)
        if found is None:
            return  # a class (FAPI305), a method, or an external factory
        facts, function = found
        gives = not_a_factory(self.ctx.project, facts, function)
        if gives is None:
            return
        spelled = dotted_name(inner.func) or function.name
        marker = _marker_name(node)
        self.report(
            inner,
            f"`{code_of(inner)}` runs `{spelled}` once at import time and passes its result ({gives}) to "
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


class DependsOnInstance(Rule):
    code = "FAPI305"
    name = "depends-on-instance"
    summary = "`Depends(SomeClass())` passes an inline instance that tests cannot override"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/advanced-dependencies/"
    triggers = ("Depends", "Security")

    def visit_Call(self, node: cst.Call) -> None:
        inner = called_dependency(self.ctx, node)
        if inner is None:
            return
        symbol = self.ctx.callee(inner)
        if symbol is None or not symbol.qualname:
            return
        qualname = canonical(symbol.qualname)
        project = self.ctx.project
        spelled = dotted_name(inner.func) or qualname.rsplit(".", 1)[-1]
        marker = _marker_name(node)
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
                f"`{code_of(inner)}` is an instance of `{spelled}`, which has no `__call__`, so FastAPI cannot "
                f"call it; pass the class itself: `{marker}({spelled})`",
            )
            return
        if inner.args:
            return  # a configured instance (``RoleChecker(["admin"])``): the documented parameterised pattern
        instance = spelled.rsplit(".", 1)[-1]
        instance = "".join(f"_{c.lower()}" if c.isupper() else c for c in instance).lstrip("_")
        advice = f"bind it to a module-level name (`{instance} = {code_of(inner)}`) and use `{marker}({instance})`"
        if callable_ is None:
            advice += f", or pass the class (`{marker}({spelled})`) if you meant a new instance per request"
        self.report(
            inner,
            f"`{marker}({code_of(inner)})` builds one `{spelled}` at import time that "
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
