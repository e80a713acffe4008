"""FAPI304 settings-per-request: a ``BaseSettings`` subclass built on every request."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.names import dotted_name
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.dependencies import (
    SETTINGS_CLASSES,
    depends_target,
    is_depends,
    settings_class_names,
)
from fastapi_lint.analysis.parameters import ANNOTATED
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.data.fastapi_names import DEPENDS_FUNCTIONS


class SettingsPerRequest(Rule):
    code = "FAPI304"
    name = "settings-per-request"
    summary = "`BaseSettings` subclass instantiated on every request"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/settings/"


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        project = view.project
        if not view.mentions(*settings_class_names(project)):
            return False

        def may_report(site) -> bool:
            callee = view.callee(site)
            qualname = canonical(callee.qualname) if callee is not None and callee.qualname else None
            # `Depends(Settings)`, or `Settings()` in a def (an endpoint's or a dependency's body)
            return qualname in DEPENDS_FUNCTIONS or (
                site.function is not None and project.is_subclass(qualname, SETTINGS_CLASSES))

        return view.any_call(may_report)

    def _settings_class(self, expr: cst.BaseExpression) -> str | None:
        qualname = self.ctx.qualname(expr)
        if qualname and self.ctx.project.is_subclass(qualname, SETTINGS_CLASSES):
            return qualname
        return None

    # ------------------------------------------------------------ Settings() in a handler body

    def visit_Call(self, node: cst.Call) -> None:
        if is_depends(self.ctx, node):
            self._check_depends(node)
            return
        function = self.ctx.function_node
        if not isinstance(function, cst.FunctionDef):
            return  # module level, class body or lambda
        qualname = self._settings_class(node.func)
        if qualname is None:
            return
        key = self.ctx.key_of(function)
        model = self.ctx.model
        endpoint, dependency = model.is_endpoint(key), model.is_dependency(key)
        if not (endpoint or dependency) or self._has_other_decorators(function, key):
            return
        role = "path operation" if endpoint else "dependency"
        name = dotted_name(node.func) or qualname.rsplit(".", 1)[-1]
        self.report(
            node,
            f"`{name}()` in {role} `{function.name.value}` re-reads the environment and .env file on every "
            f"request; create it once (module level or an `@lru_cache` `get_settings()` dependency)",
        )

    def _has_other_decorators(self, function: cst.FunctionDef, key: str | None) -> bool:
        """Cached (``@lru_cache``/``@cache``) or wrapped by a decorator we cannot see through."""
        route_indices = {r.decorator_index for r in self.ctx.model.registrations_of(key)}
        for index, decorator in enumerate(function.decorators):
            if index in route_indices:
                continue
            return True  # lru_cache/cache, or an unknown wrapper that may cache: stay silent
        return False

    # ------------------------------------------------------------ Depends(Settings)

    def _check_depends(self, call: cst.Call) -> None:
        target = depends_target(call)
        if target is None:
            return
        if self._settings_class(target):
            self.report(
                target,
                f"`{dotted_name(call.func)}({dotted_name(target)})` builds a new `{dotted_name(target)}` on every "
                "request and lets clients set its fields as query parameters; depend on an `@lru_cache` "
                "`get_settings()` function instead",
            )

    def visit_Param(self, node: cst.Param) -> None:
        # ``settings: Settings = Depends()``: the annotation is the dependency.
        default = node.default
        if not (isinstance(default, cst.Call) and not default.args and is_depends(self.ctx, default)):
            return
        if node.annotation is None:
            return
        annotation = node.annotation.annotation
        if isinstance(annotation, cst.Subscript):
            return  # Annotated[...] is read in visit_Subscript
        if self._settings_class(annotation):
            self._report_bare(default, annotation)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        # ``Annotated[Settings, Depends()]`` (in a signature or a type alias).
        if self.ctx.qualname(node.value) not in ANNOTATED or len(node.slice) < 2:
            return
        first = node.slice[0].slice
        if not isinstance(first, cst.Index) or not self._settings_class(first.value):
            return
        for element in node.slice[1:]:
            item = element.slice
            if isinstance(item, cst.Index) and isinstance(item.value, cst.Call):
                call = item.value
                if not call.args and is_depends(self.ctx, call):
                    self._report_bare(call, first.value)

    def _report_bare(self, call: cst.Call, annotation: cst.BaseExpression) -> None:
        name = dotted_name(annotation) or "Settings"
        self.report(
            call,
            f"`{dotted_name(call.func)}()` on a parameter of type `{name}` builds a new `{name}` on every request and "
            "lets clients set its fields as query parameters; depend on an `@lru_cache` `get_settings()` "
            "function instead",
        )

