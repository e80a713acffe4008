"""FAPI601 pydantic-v1-method: v1 model methods (``.dict()``, ``.json()``, ``.parse_obj()``
...) called on Pydantic v2 models; the renames are ``data/pydantic_v2.py``. What counts as a
model and which code is a version-compatibility branch: :mod:`fastapi_lint.analysis.pydantic`."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.pydantic_v2 import CLASS_METHOD_ADVICE, CLASS_METHODS, INSTANCE_METHODS
from fastapi_lint.analysis.facts import CallValue, Const
from fastapi_lint.fixes import Fix, annotation_fix
from fastapi_lint.analysis.names import dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.file_view import CallSite, FileView, callee_symbol
from fastapi_lint.rule import Applicability, Severity
from fastapi_lint.analysis.pydantic import (
    PydanticV1Rule, class_is_model, constructed_model, is_model, loop_may_hold_models,
)


# ---------------------------------------------------------------- FAPI601

_METHODS = frozenset(INSTANCE_METHODS) | frozenset(CLASS_METHODS)


class PydanticV1Method(PydanticV1Rule):
    code = "FAPI601"
    name = "pydantic-v1-method"
    requires = fix_requires = {"pydantic": ">=2"}  # Pydantic v2's API
    summary = "Pydantic v1 model method (`.dict()`, `.json()`, `parse_obj()` ...); use the v2 `model_*` method"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/how-to/migrate-from-pydantic-v1-to-pydantic-v2/"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.may_use("pydantic", "pydantic_settings", "sqlmodel") and view.any_call(
            lambda site: _may_call_a_model(view, site))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method not in INSTANCE_METHODS and method not in CLASS_METHODS:
            return
        if self.in_compat_branch():
            return
        receiver = func.value
        if method in INSTANCE_METHODS:
            model = self._instance_model(receiver)
            if model is None or self.class_binds(model, method):
                return
            new, allowed = INSTANCE_METHODS[method]
            self.report(
                node,
                f"`.{method}()` on `{_short(model)}` is the Pydantic v1 API; use `.{new}()`",
                fix=annotation_fix(self.ctx, self._rename(node, new, allowed, max_positional=0)),
            )
            return
        model = self._class_model(receiver)
        if model is None or self.class_binds(model, method):
            return
        new, allowed, positional, unsafe = CLASS_METHODS[method]
        spelled = dotted_name(receiver) or _short(model)
        if new is None:
            self.report(
                node,
                f"`{spelled}.{method}()` is the Pydantic v1 API; use {CLASS_METHOD_ADVICE[method]}",
            )
            return
        if method == "construct":
            fix = self._rename(node, new, None, max_positional=1)
        elif method == "from_orm":
            fix = self._from_orm(node, model)
        else:
            fix = self._rename(node, new, allowed, max_positional=positional, unsafe=unsafe)
        self.report(node, f"`{spelled}.{method}()` is the Pydantic v1 API; use `{spelled}.{new}()`",
                    fix=annotation_fix(self.ctx, fix))

    # ------------------------------------------------------------ receivers

    def _instance_model(self, receiver: cst.BaseExpression) -> str | None:
        """The model class of an instance value, where it is known."""
        if isinstance(receiver, cst.Name):
            looped = self.loop_model(receiver)
            if looped is not None:
                return looped
        typed = self.ctx.type_of(receiver)
        if typed is not None and self.is_model(typed):
            return typed
        if isinstance(receiver, cst.Call):
            return self.constructed(self.ctx.callee(receiver))
        if isinstance(receiver, cst.Name):
            symbol = self.ctx.resolve(receiver)
            if symbol is not None and symbol.call is not None and symbol.call.callee and symbol.origin:
                module, scope, _ = symbol.origin
                facts = self.ctx.project.module_facts(module)
                if facts is not None:
                    made = self.constructed(self.ctx.project.resolve(facts, scope, symbol.call.callee))
                    if made is not None:
                        return made
            return self._self_model(receiver, want_class=False)
        return None

    def _class_model(self, receiver: cst.BaseExpression) -> str | None:
        symbol = self.ctx.resolve(receiver)
        if symbol is not None and symbol.qualname and symbol.instance_of is None:
            qualname = canonical(symbol.qualname)
            if symbol.project_ref is not None and self.is_model(qualname):
                return qualname
            return None
        if isinstance(receiver, cst.Name):
            return self._self_model(receiver, want_class=True)
        return None

    def _self_model(self, receiver: cst.Name, want_class: bool) -> str | None:
        """``self`` in a method / ``cls`` in a classmethod of a model class."""
        if len(self._defs) < 2:
            return None
        function, klass = self._defs[-1], self._defs[-2]
        if not isinstance(function, cst.FunctionDef) or not isinstance(klass, cst.ClassDef):
            return None
        if self.ctx.function_node is not function:
            return None  # inside a lambda
        params = [*function.params.posonly_params, *function.params.params]
        if not params or params[0].name.value != receiver.value:
            return None
        decorators = {dotted_name(d.decorator) for d in function.decorators}
        if ("classmethod" in decorators) != want_class:
            return None
        if decorators - {"classmethod", "property"}:
            return None  # other decorators (staticmethod, validators ...) change what the first parameter is
        return self.class_qualname(klass) if self.is_model_class(klass) else None

    # ------------------------------------------------------------ fixes

    def _rename(
        self,
        call: cst.Call,
        new: str,
        allowed: frozenset[str] | None,
        max_positional: int,
        unsafe: bool = False,
    ) -> Fix | None:
        positional = 0
        for arg in call.args:
            if arg.star == "*":
                return None
            if arg.star == "**":
                if allowed is not None:
                    return None
                continue
            if arg.keyword is None:
                positional += 1
            elif allowed is not None and arg.keyword.value not in allowed:
                return None
        if positional > max_positional:
            return None
        func = call.func
        return Fix.replace(func.attr, func.attr.with_changes(value=new), unsafe=unsafe)

    def _from_orm(self, call: cst.Call, model: str) -> Fix | None:
        args = [a for a in call.args if not a.star]
        if len(args) != 1 or len(call.args) != 1 or (args[0].keyword and args[0].keyword.value != "obj"):
            return None
        func = call.func
        renamed = func.with_changes(attr=func.attr.with_changes(value="model_validate"))
        if self._has_from_attributes(model):
            return Fix.replace(call, call.with_changes(func=renamed))
        # Without the config the call needs from_attributes=True itself; needs a look.
        arg = args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        extra = cst.Arg(
            keyword=cst.Name("from_attributes"),
            value=cst.Name("True"),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        )
        return Fix.replace(call, call.with_changes(func=renamed, args=[arg, extra]), unsafe=True)

    def _has_from_attributes(self, model: str) -> bool:
        for facts, key in self.class_chain(model):
            scope = facts.scopes.get(key)
            if scope is None:
                continue
            config = scope.bindings.get("model_config")
            if config is not None and isinstance(config.value, CallValue):
                if config.value.kwarg("from_attributes") == Const(True):
                    return True
            inner = scope.bindings.get("Config")
            if inner is not None and inner.kind == "class":
                inner_scope = facts.scopes.get(inner.target)
                if inner_scope is not None:
                    for name in ("orm_mode", "from_attributes"):
                        binding = inner_scope.bindings.get(name)
                        if binding is not None and binding.value == Const(True):
                            return True
        return False


def _short(qualname: str) -> str:
    return qualname.rsplit(".", 1)[-1]


def _may_call_a_model(view: FileView, site: CallSite) -> bool:
    """Whether the call may be a v1 method on a model, as ``visit_Call`` finds them, from the
    facts: the receiver resolves to a model class or instance, or was built by a model's
    constructor; or it may be what only the libcst pass reads (a loop variable over models,
    the first parameter of a model's method). Never False where ``visit_Call`` reports."""
    method = site.method
    if method not in _METHODS:
        return False
    receiver = site.callee[:-len(method) - 1]
    project, facts = view.project, view.facts
    if "(" in receiver:  # what a call returns: only a call's own result (`make()`) is read
        if not receiver.endswith("()") or method not in INSTANCE_METHODS:
            return False
        made = callee_symbol(project, facts, site.scope, receiver[:-2])
        return is_model(project, project.result_type_of_callee(made)) or constructed_model(project, made) is not None
    function = facts.functions.get(site.function) if site.function else None
    first = function.params[0].name if function is not None and function.params else None
    klass = facts.classes.get(function.scope) if function is not None else None
    if first is not None and (klass is None or not class_is_model(project, facts, klass)):
        first = None  # `self`/`cls` count only in a model's methods
    symbol = project.resolve(facts, site.scope, receiver)
    if method not in INSTANCE_METHODS:
        if symbol is not None and symbol.qualname and symbol.instance_of is None:
            return symbol.project_ref is not None and is_model(project, canonical(symbol.qualname))
        return receiver == first  # `cls` in a model's classmethod
    if receiver == first or any(loop_may_hold_models(project, facts, site.scope, iterable)
                                for iterable in view.loops.get(receiver, ())):
        return True
    if symbol is None:
        return False
    typed = (project.result_type_of_callee(symbol) if symbol.attr else None) if symbol.receiver_type is not None \
        else symbol.instance_of
    if typed is not None and is_model(project, typed):
        return True
    if "." in receiver or symbol.call is None or not symbol.call.callee or not symbol.origin:
        return False
    module, scope, _ = symbol.origin
    origin = project.module_facts(module)
    return origin is not None and constructed_model(project, project.resolve(origin, scope, symbol.call.callee)) is not None
