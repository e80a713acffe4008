"""FAPI601-604: Pydantic v1 APIs in code that runs on Pydantic v2 (the rename tables are
``fastapi_lint/data/pydantic_v2.py``).

A "model" is a class that subclasses ``pydantic.BaseModel``, ``pydantic_settings.BaseSettings``
or ``sqlmodel.SQLModel`` anywhere in the project. Code written against the v1 shim
(``from pydantic.v1 import BaseModel``) is correct v1 code and never flagged, and code in a
Pydantic-version compatibility branch (``if PYDANTIC_V2: ... else: ...``, ``try: ... except
ImportError/AttributeError: ...``) is left alone.
"""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.pydantic_v2 import (
    CLASS_METHOD_ADVICE,
    CLASS_METHODS,
    CONFIG_DICT,
    CONFIG_RENAMES,
    CONFIG_SAME,
    CONSTRUCTORS,
    EXTRA_ENUMS,
    EXTRA_VALUES,
    FIELD_VALIDATOR,
    INSTANCE_METHODS,
    MODEL_BASES,
    MODEL_VALIDATOR,
    ROOT_VALIDATORS,
    SETTINGS_CONFIG_DICT,
    SETTINGS_KEYS,
    V1_BASESETTINGS,
    V1_SETTINGS_NAMES,
    V2_SETTINGS_BASES,
    VALIDATORS,
)
from fastapi_lint.analysis.facts import MODULE_SCOPE, CallValue, Const, Ref
from fastapi_lint.fixes import Edit, Fix, Import, annotation_fix, statement, without_arg
from fastapi_lint.analysis.names import call_keyword, canonical, dotted_name, literal_value
from fastapi_lint.rule import Applicability, Rule, Severity

MIGRATION = "https://docs.pydantic.dev/latest/migration/"
_COMPAT_ERRORS = frozenset({
    "builtins.ImportError", "builtins.ModuleNotFoundError", "builtins.AttributeError",
})
# An `if`/conditional expression whose test mentions one of these picks a Pydantic version.
_COMPAT_TEST_WORDS = ("pydantic", "version", "v1", "v2", "hasattr", "model_dump", "model_validate")
_LINE_LENGTH = 88


class _PydanticRule(Rule):
    """Shared traversal state: enclosing classes/defs, indentation, compatibility branches."""

    def __init__(self, ctx):
        super().__init__(ctx)
        self._defs: list[cst.CSTNode] = []  # enclosing ClassDef/FunctionDef nodes, innermost last
        self._indents: list[str] = []
        self._compat: list[cst.CSTNode] = []
        self._blocks: list[cst.CSTNode] = []  # enclosing IndentedBlocks
        self._model_cache: dict[str | None, bool] = {}

    # ------------------------------------------------------------ traversal state

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._defs.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._defs.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._defs.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._defs.pop()

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        module = self.ctx.module
        default = module.default_indent if module is not None else "    "
        self._indents.append(node.indent if node.indent is not None else default)
        self._blocks.append(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._indents.pop()
        self._blocks.pop()
        if self._compat and self._compat[-1] is original_node:
            self._compat.pop()

    def visit_Try(self, node: cst.Try) -> None:
        if any(self._catches_compat(h) for h in node.handlers):
            self._compat.append(node)

    def leave_Try(self, original_node: cst.Try) -> None:
        if self._compat and self._compat[-1] is original_node:
            self._compat.pop()

    def visit_If(self, node: cst.If) -> None:
        if self._compat_test(node.test):
            self._compat.append(node)

    def leave_If(self, original_node: cst.If) -> None:
        if self._compat and self._compat[-1] is original_node:
            self._compat.pop()
            # `if PYDANTIC_V2: return new()` then the v1 spelling: the rest of the block is
            # the other branch.
            if original_node.orelse is None and _ends_early(original_node.body) and self._blocks:
                self._compat.append(self._blocks[-1])

    def visit_IfExp(self, node: cst.IfExp) -> None:
        if self._compat_test(node.test):
            self._compat.append(node)

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        if self._compat and self._compat[-1] is original_node:
            self._compat.pop()

    def _catches_compat(self, handler: cst.ExceptHandler) -> bool:
        types = handler.type
        if types is None:
            return False
        elements = [e.value for e in types.elements] if isinstance(types, cst.Tuple) else [types]
        return any(self.ctx.qualname(e) in _COMPAT_ERRORS for e in elements)

    def _compat_test(self, test: cst.BaseExpression) -> bool:
        module = self.ctx.module
        if module is None:
            return False
        text = module.code_for_node(test).lower()
        return any(word in text for word in _COMPAT_TEST_WORDS)

    # ------------------------------------------------------------ models

    def is_model(self, qualname: str | None) -> bool:
        if qualname not in self._model_cache:
            self._model_cache[qualname] = bool(qualname) and self.ctx.project.is_subclass(qualname, MODEL_BASES)
        return self._model_cache[qualname]

    def is_model_class(self, node: cst.ClassDef) -> bool:
        """A class of this file is a model; its bases are read from this file's own facts
        (two namespace-package modules may share a dotted name in the project index)."""
        key = self.ctx.key_of(node)
        facts = self.ctx.model.facts
        klass = facts.classes.get(key) if key else None
        if klass is None:
            return False
        for base in klass.bases:
            if isinstance(base, Ref):
                symbol = self.ctx.project.resolve(facts, klass.scope, base.dotted)
                if symbol is not None and symbol.qualname and self.is_model(canonical(symbol.qualname)):
                    return True
        return False

    def enclosing_class(self) -> cst.ClassDef | None:
        """The class whose body directly holds the node being visited (not through a def)."""
        return self._defs[-1] if self._defs and isinstance(self._defs[-1], cst.ClassDef) else None

    def class_qualname(self, node: cst.ClassDef) -> str | None:
        key = self.ctx.key_of(node)
        return self.ctx.model.facts.qualname_of_key(key) if key else None

    def class_chain(self, qualname: str):
        """``(facts, class key)`` of the class and its project base classes (MRO-ish order)."""
        seen: set[str] = set()
        todo = [qualname]
        while todo and len(seen) < 24:
            current = canonical(todo.pop(0))
            if current in seen:
                continue
            seen.add(current)
            ref = self.ctx.project._class_ref(current)
            if ref is None:
                continue
            facts, klass = ref
            yield facts, klass.key
            for base in klass.bases:
                if isinstance(base, Ref):
                    symbol = self.ctx.project.resolve(facts, klass.scope, base.dotted)
                    if symbol is not None and symbol.qualname:
                        todo.append(symbol.qualname)

    def class_binds(self, qualname: str, name: str) -> bool:
        """The class or one of its project bases binds ``name`` (a method or a field)."""
        for facts, key in self.class_chain(qualname):
            scope = facts.scopes.get(key)
            if scope is not None and name in scope.bindings:
                return True
        return False

    def module_name_ok(self, name: str, meanings: frozenset[str]) -> bool:
        """``name`` is free at module level of this file or already means one of ``meanings``."""
        symbol = self.ctx.project.resolve(self.ctx.model.facts, MODULE_SCOPE, name)
        if symbol is None:
            return True
        return bool(symbol.qualname) and canonical(symbol.qualname) in meanings

    def in_compat_branch(self) -> bool:
        return bool(self._compat)


# ---------------------------------------------------------------- FAPI601


class PydanticV1Method(_PydanticRule):
    code = "FAPI601"
    name = "pydantic-v1-method"
    summary = "Pydantic v1 model method (`.dict()`, `.json()`, `parse_obj()` ...); use the v2 `model_*` method"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/how-to/migrate-from-pydantic-v1-to-pydantic-v2/"
    fix = Applicability.SAFE
    triggers = tuple(f".{m}(" for m in (*INSTANCE_METHODS, *CLASS_METHODS))

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
        typed = self.ctx.type_of(receiver)
        if typed is not None and self.is_model(typed):
            return typed
        if isinstance(receiver, cst.Call):
            return self._constructed(self.ctx.callee(receiver))
        if isinstance(receiver, cst.Name):
            symbol = self.ctx.resolve(receiver)
            if symbol is not None and symbol.call is not None and symbol.call.callee and symbol.origin:
                module, scope, _ = symbol.origin
                facts = self.ctx.project.module_facts(module)
                if facts is not None:
                    made = self._constructed(self.ctx.project.resolve(facts, scope, symbol.call.callee))
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

    def _constructed(self, callee) -> str | None:
        """``Model.model_validate`` (and friends) -> ``Model``."""
        if callee is None or not callee.qualname:
            return None
        owner, _, attr = callee.qualname.rpartition(".")
        if attr in CONSTRUCTORS and self.is_model(owner):
            return owner
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


# ---------------------------------------------------------------- FAPI602


class PydanticV1Validator(_PydanticRule):
    code = "FAPI602"
    name = "pydantic-v1-validator"
    summary = "`@validator` / `@root_validator` on a Pydantic model; use `@field_validator` / `@model_validator`"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/how-to/migrate-from-pydantic-v1-to-pydantic-v2/"
    fix = Applicability.SAFE
    triggers = ("validator",)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        klass = self.enclosing_class()
        super().visit_FunctionDef(node)
        if klass is None or not node.decorators or self.in_compat_branch():
            return
        for decorator in node.decorators:
            expr = decorator.decorator
            func = expr.func if isinstance(expr, cst.Call) else expr
            qualname = self.ctx.qualname(func)
            if qualname not in VALIDATORS and qualname not in ROOT_VALIDATORS:
                continue
            if not self.is_model_class(klass):
                return
            spelled = dotted_name(func) or qualname
            if qualname in VALIDATORS:
                message = (f"`@{spelled}` on `{node.name.value}` is the deprecated Pydantic v1 validator; "
                           f"use `@field_validator` with `@classmethod`")
                fix = self._field_validator(node, decorator)
            else:
                message = (f"`@{spelled}` on `{node.name.value}` is the deprecated Pydantic v1 validator; "
                           f"use `@model_validator(mode=\"before\")` or `@model_validator(mode=\"after\")`")
                fix = self._model_validator(node, decorator)
            self.report(expr, message, fix=fix)

    # ------------------------------------------------------------ fixes

    def _field_validator(self, function: cst.FunctionDef, decorator: cst.Decorator) -> Fix | None:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not self._plain_signature(function):
            return None
        new_call = call
        for arg in call.args:
            if arg.star:
                return None
            if arg.keyword is None:
                continue
            keyword = arg.keyword.value
            value = _literal(arg.value)
            if keyword == "allow_reuse" or (keyword in ("pre", "always", "each_item") and value is False):
                new_call = without_arg(new_call, _same_arg(new_call, arg))
            elif keyword == "pre" and value is True:
                new_call = _replace_arg(new_call, arg, _mode_arg(arg, "before"))
            elif keyword == "check_fields":
                continue
            else:
                return None  # always=True, each_item=True, computed flags: no one-to-one v2 spelling
        if not [a for a in new_call.args if a.keyword is None]:
            return None
        return self._decorator_fix(function, decorator, new_call, "field_validator", FIELD_VALIDATOR)

    def _model_validator(self, function: cst.FunctionDef, decorator: cst.Decorator) -> Fix | None:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not self._plain_signature(function):
            return None
        pre = call_keyword(call, "pre")
        if pre is None or _literal(pre.value) is not True:
            return None  # post root validators receive the model instance in v2: rewrite by hand
        new_call = call
        for arg in call.args:
            if arg.star or arg.keyword is None:
                return None
            if arg is pre:
                new_call = _replace_arg(new_call, arg, _mode_arg(arg, "before"))
            elif arg.keyword.value in ("allow_reuse", "skip_on_failure"):
                new_call = without_arg(new_call, _same_arg(new_call, arg))
            else:
                return None
        return self._decorator_fix(function, decorator, new_call, "model_validator", MODEL_VALIDATOR)

    def _decorator_fix(
        self, function: cst.FunctionDef, decorator: cst.Decorator, call: cst.Call, new: str, meanings
    ) -> Fix | None:
        func = call.func
        imports = []
        if isinstance(func, cst.Name):
            if not self.module_name_ok(new, meanings):
                return None
            func = func.with_changes(value=new)
            imports.append(Import("pydantic", new))
        elif isinstance(func, cst.Attribute) and self.ctx.qualname(func.value) == "pydantic":
            func = func.with_changes(attr=func.attr.with_changes(value=new))
        else:
            return None
        new_decorator = decorator.with_changes(decorator=call.with_changes(func=func))
        names = [dotted_name(d.decorator) for d in function.decorators]
        if "classmethod" in names:
            replacement = new_decorator
        else:
            bound = self.ctx.resolve(cst.Name("classmethod"))
            if bound is not None and bound.qualname != "builtins.classmethod":
                return None
            replacement = cst.FlattenSentinel([new_decorator, cst.Decorator(decorator=cst.Name("classmethod"))])
        return Fix((Edit(decorator, replacement),), Applicability.SAFE, tuple(imports))

    @staticmethod
    def _plain_signature(function: cst.FunctionDef) -> bool:
        """``(cls, v)``: no ``values``/``field``/``config``/``**kwargs``, no defaults."""
        params = function.params
        if params.star_arg is not cst.MaybeSentinel.DEFAULT and params.star_arg is not None:
            return False
        if params.kwonly_params or params.star_kwarg is not None:
            return False
        positional = [*params.posonly_params, *params.params]
        if len(positional) != 2 or any(p.default is not None for p in positional):
            return False
        names = {dotted_name(d.decorator) for d in function.decorators}
        return "staticmethod" not in names


# ---------------------------------------------------------------- FAPI603


class PydanticV1Config(_PydanticRule):
    code = "FAPI603"
    name = "pydantic-v1-config"
    summary = "Inner `class Config:` in a Pydantic model; use `model_config = ConfigDict(...)`"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/how-to/migrate-from-pydantic-v1-to-pydantic-v2/"
    fix = Applicability.SAFE
    triggers = ("class Config",)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        klass = self.enclosing_class()
        super().visit_ClassDef(node)
        if klass is None or node.name.value != "Config" or self.in_compat_branch():
            return
        if not self.is_model_class(klass):
            return
        model = self.class_qualname(klass)
        settings = self._derives(klass, V2_SETTINGS_BASES)
        target = "SettingsConfigDict" if settings else "ConfigDict"
        self.report(
            node.name,
            f"`class Config` in `{klass.name.value}` is the Pydantic v1 configuration; use "
            f"`model_config = {target}(...)`",
            fix=self._fix(node, klass, model, settings, target),
        )

    # ------------------------------------------------------------ fix

    def _fix(self, config: cst.ClassDef, klass: cst.ClassDef, model: str, settings: bool, target: str) -> Fix | None:
        if config.bases or config.keywords or config.decorators or config.type_parameters:
            return None
        if not settings and self._derives(klass, V1_SETTINGS_NAMES):
            return None  # v1 BaseSettings: fix the import first (FAPI604)
        if self._defines_model_config(klass):
            return None
        meanings = SETTINGS_CONFIG_DICT if settings else CONFIG_DICT
        if not self.module_name_ok(target, meanings):
            return None
        parsed = self._entries(config, settings)
        if parsed is None:
            return None
        entries, unsafe = parsed
        code = self._code(config, target, entries)
        if code is None:
            return None
        new = statement(code, self.ctx.module)
        new = new.with_changes(leading_lines=config.leading_lines)
        module = "pydantic_settings" if settings else "pydantic"
        return Fix.replace(config, new, unsafe=unsafe, imports=[Import(module, target)])

    def _derives(self, node: cst.ClassDef, targets: frozenset[str]) -> bool:
        facts = self.ctx.model.facts
        klass = facts.classes.get(self.ctx.key_of(node) or "")
        if klass is None:
            return False
        for base in klass.bases:
            if isinstance(base, Ref):
                symbol = self.ctx.project.resolve(facts, klass.scope, base.dotted)
                if symbol is not None and self.ctx.project.is_subclass(symbol.qualname, targets):
                    return True
        return False

    @staticmethod
    def _defines_model_config(klass: cst.ClassDef) -> bool:
        body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else (klass.body,)
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    targets = []
                    if isinstance(small, cst.Assign):
                        targets = [t.target for t in small.targets]
                    elif isinstance(small, cst.AnnAssign):
                        targets = [small.target]
                    if any(isinstance(t, cst.Name) and t.value == "model_config" for t in targets):
                        return True
        return False

    def _entries(self, config: cst.ClassDef, settings: bool):
        """``([(key, value code, comment lines before, trailing comment)], unsafe)`` or None."""
        module = self.ctx.module
        body = config.body
        if isinstance(body, cst.IndentedBlock):
            statements = list(body.body)
        elif body.trailing_whitespace.comment is not None:
            return None
        else:
            statements = [cst.SimpleStatementLine(body=list(body.body))]
        entries = []
        seen: set[str] = set()
        unsafe = False
        for stmt in statements:
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                return None
            small = stmt.body[0]
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            else:
                return None  # methods, docstrings, bare annotations: not a plain key
            if not isinstance(target, cst.Name):
                return None
            key = target.value
            code = module.code_for_node(value)
            if "\n" in code or "\r" in code:
                if _has_multiline_string(value, module):
                    return None  # re-indenting would change the string
                if "\r" in code and module.default_newline != "\r\n":
                    return None
            literal = _literal(value)
            if key in CONFIG_RENAMES:
                key = CONFIG_RENAMES[key]
            elif key == "extra":
                extra = self._extra(value)
                if extra is not None:
                    code = f'"{extra}"'
            elif key == "allow_mutation":
                if literal is True:
                    key = None
                elif literal is False:
                    key, code, unsafe = "frozen", "True", True
                else:
                    return None
            elif key == "underscore_attrs_are_private":
                if literal is not True:
                    return None
                key = None  # v2 always treats _names as private attributes
            elif key in CONFIG_SAME or (settings and key in SETTINGS_KEYS):
                pass
            else:
                return None
            comments = [line.comment.value for line in stmt.leading_lines if line.comment is not None]
            trailing = stmt.trailing_whitespace.comment.value if stmt.trailing_whitespace.comment else None
            if key is None:
                if comments or trailing:
                    return None  # a comment about a dropped key would lose its subject
                continue
            if key in seen:
                return None
            seen.add(key)
            entries.append((key, code, comments, trailing))
        if isinstance(body, cst.IndentedBlock):
            footer = [line.comment.value for line in body.footer if line.comment is not None]
            if footer:
                entries.append((None, None, footer, None))
        return entries, unsafe

    def _extra(self, value: cst.BaseExpression) -> str | None:
        if isinstance(value, cst.Attribute) and value.attr.value in EXTRA_VALUES:
            if self.ctx.qualname(value.value) in EXTRA_ENUMS:
                return value.attr.value
        return None

    def _code(self, config: cst.ClassDef, target: str, entries) -> str | None:
        module = self.ctx.module
        newline = module.default_newline
        outer = "".join(self._indents)
        body = config.body
        step = body.indent if isinstance(body, cst.IndentedBlock) and body.indent is not None else module.default_indent
        header = None
        if isinstance(body, cst.IndentedBlock) and body.header.comment is not None:
            header = body.header.comment.value
        simple = not header and all(not c and not t and key and "\n" not in code and "\r" not in code
                                    for key, code, c, t in entries)
        if simple:
            line = f"model_config = {target}({', '.join(f'{k}={v}' for k, v, _, _ in entries)})"
            if len(outer) + len(line) <= _LINE_LENGTH:
                return line
        # Continuation lines inside the parentheses are written relative to the block the
        # statement lands in (libcst adds the block's indentation); a value's own lines are
        # relative to the old Config body, one `step` deeper.
        lines = [f"model_config = {target}(" + (f"  {header}" if header else "")]
        for key, code, comments, trailing in entries:
            lines.extend(f"{step}{comment}" for comment in comments)
            if key is not None:
                code = code.replace(newline, newline + step)
                lines.append(f"{step}{key}={code}," + (f"  {trailing}" if trailing else ""))
        lines.append(")")
        return newline.join(lines) + newline


# ---------------------------------------------------------------- FAPI604


class BaseSettingsImport(_PydanticRule):
    code = "FAPI604"
    name = "basesettings-import"
    summary = "`BaseSettings` imported from `pydantic`; it moved to `pydantic_settings` in Pydantic v2"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/settings/"
    fix = Applicability.SAFE
    triggers = ("BaseSettings",)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        if dotted_name(node.module) not in ("pydantic", "pydantic.env_settings"):
            return
        if self.in_compat_branch():
            return
        for alias in node.names:
            if isinstance(alias.name, cst.Name) and alias.name.value == "BaseSettings":
                spelled = f"from {dotted_name(node.module)} import BaseSettings"
                self.report(
                    alias,
                    f"`{spelled}` is the Pydantic v1 location (an import error on v2); use "
                    f"`from pydantic_settings import BaseSettings`",
                    fix=self._import_fix(node, alias),
                )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value != "BaseSettings" or self.in_compat_branch():
            return
        if self.ctx.qualname(node) not in V1_BASESETTINGS:
            return
        fix = None
        if self.ctx.qualname(node.value) == "pydantic" and self.module_name_ok(
            "pydantic_settings", frozenset({"pydantic_settings"})
        ):
            fix = Fix.replace(
                node,
                node.with_changes(value=cst.Name("pydantic_settings")),
                imports=[Import("pydantic_settings")],
            )
        self.report(
            node,
            f"`{dotted_name(node)}` is the Pydantic v1 location (an AttributeError on v2); use "
            f"`pydantic_settings.BaseSettings`",
            fix=annotation_fix(self.ctx, fix),
        )

    def _import_fix(self, node: cst.ImportFrom, alias: cst.ImportAlias) -> Fix | None:
        line = self.ctx.current_statement
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 or line.body[0] is not node:
            return None
        new_module = cst.Name("pydantic_settings")
        names = list(node.names)
        if len(names) == 1:
            return Fix.replace(node, node.with_changes(module=new_module))
        index = names.index(alias)
        rest = names[:index] + names[index + 1:]
        comment = _comma_comment(alias.comma)
        if index == len(names) - 1:
            previous = rest[-1]
            if comment is not None or _comma_comment(previous.comma) is not None:
                if not (_comma_comment(alias.comma) or _multiline(alias.comma)) or not _multiline(previous.comma):
                    return None
                # keep the previous name's own comment, take the removed name's line break
                rest[-1] = previous.with_changes(comma=alias.comma.with_changes(
                    whitespace_after=alias.comma.whitespace_after.with_changes(
                        first_line=previous.comma.whitespace_after.first_line)))
            else:
                rest[-1] = previous.with_changes(comma=alias.comma)
        kept = line.with_changes(body=[node.with_changes(names=rest)])
        single = cst.ImportAlias(name=cst.Name("BaseSettings"), asname=alias.asname)
        moved = cst.SimpleStatementLine(
            body=[cst.ImportFrom(module=new_module, names=[single])],
            trailing_whitespace=cst.TrailingWhitespace(
                whitespace=cst.SimpleWhitespace("  " if comment else ""),
                comment=comment,
                newline=cst.Newline(),
            ),
        )
        return Fix.replace(line, cst.FlattenSentinel([kept, moved]))


# ---------------------------------------------------------------- helpers


def _comma_comment(comma) -> cst.Comment | None:
    if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        return comma.whitespace_after.first_line.comment
    return None


def _has_multiline_string(node: cst.CSTNode, module: cst.Module) -> bool:
    found = []

    class _Strings(cst.CSTVisitor):
        def visit_SimpleString(self, string: cst.SimpleString) -> None:
            found.append(string)

        def visit_FormattedString(self, string: cst.FormattedString) -> bool:
            found.append(string)
            return False

    node.visit(_Strings())
    return any("\n" in module.code_for_node(string) for string in found)


def _ends_early(body: cst.BaseSuite) -> bool:
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    if not statements:
        return False
    last = statements[-1]
    smalls = last.body if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
    return bool(smalls) and isinstance(smalls[-1], (cst.Return, cst.Raise, cst.Continue, cst.Break))


def _multiline(comma) -> bool:
    return isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)


def _short(qualname: str) -> str:
    return qualname.rsplit(".", 1)[-1]


def _literal(node: cst.BaseExpression):
    try:
        return literal_value(node)
    except ValueError:
        return ValueError


def _mode_arg(arg: cst.Arg, mode: str) -> cst.Arg:
    return arg.with_changes(keyword=cst.Name("mode"), value=cst.SimpleString(f'"{mode}"'))


def _same_arg(call: cst.Call, arg: cst.Arg) -> cst.Arg:
    """``arg`` as it is in ``call`` (an updated copy of the call keeps the other Arg nodes)."""
    for candidate in call.args:
        if candidate is arg or (candidate.keyword is not None and arg.keyword is not None
                                and candidate.keyword.value == arg.keyword.value):
            return candidate
    return arg


def _replace_arg(call: cst.Call, old: cst.Arg, new: cst.Arg) -> cst.Call:
    current = _same_arg(call, old)
    return call.with_changes(args=[new if a is current else a for a in call.args])
