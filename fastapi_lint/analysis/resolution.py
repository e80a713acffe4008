"""Name resolution over the facts of a project's modules.

A name is resolved through the scopes of its module, through imports into the other
modules of the project, and through assignments (``router = APIRouter()``,
``app: Final = create_app()``), to a :class:`Symbol`: a qualified name, or an
instance of a class together with the call that made it. What an annotation names
(through ``Optional``/``Annotated``/``X | None`` and type aliases in any module), what a
call returns, whether a class derives from another, and whether an object is a FastAPI
app or router are answered here too.

:class:`Resolver` is the base of :class:`fastapi_lint.project.Project`, which supplies
``modules`` (recording every read) and ``memo``.
"""

from __future__ import annotations


import builtins
from dataclasses import dataclass

from fastapi_lint.analysis.facts import (
    MODULE_SCOPE,
    Binding,
    CallValue,
    ClassFacts,
    Const,
    FunctionFacts,
    ModuleFacts,
    Ref,
    Scope,
    Subscript,
    Value,
)
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.data.fastapi_names import APP_CLASSES, ROUTER_CLASSES
from fastapi_lint.data.types import (
    CALL_RETURNS,
    CELERY_TASK_CALLS,
    CELERY_TASK_DECORATORS,
    CONTEXT_MANAGER_DECORATORS,
    GENERATOR_TYPES,
)

_BUILTINS = frozenset(dir(builtins))
_MAX_HOPS = 24  # alias chains longer than this are treated as unknown (and cycles end)
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION = frozenset({"typing.Union", "typing_extensions.Union"})
_FINAL = frozenset({"typing.Final", "typing_extensions.Final", "typing.ClassVar"})


@dataclass(frozen=True)
class TypeForm:
    """What an annotation is at its top level, once type aliases (in any module) and (where the
    reader wants them) string annotations naming a class are followed: every reader of annotations asks
    :meth:`Resolver.type_form` and looks through ``Optional``/``Annotated`` from here.

    kind: ``"none"`` (``None``); ``"class"`` (``qualname``); ``"union"`` (``items`` are the
    alternatives, ``None`` among them for ``Optional[X]``, ``Union[X, None]``, ``X | None``);
    ``"annotated"`` (``items``: the type, then the metadata); ``"generic"`` (``qualname`` of
    the subscripted class, e.g. ``builtins.list``, ``typing.Final``, and its ``items``);
    ``"unknown"``. ``facts``/``scope``: where the names in ``items`` resolve (an alias's home)."""

    kind: str
    facts: ModuleFacts
    scope: str
    qualname: str | None = None
    items: tuple = ()


def is_none(value: Value | None) -> bool:
    """The annotation ``None``."""
    return value == Const(None) or (isinstance(value, Ref) and value.dotted == "None")


@dataclass(frozen=True, slots=True)  # slots: a worker keeps tens of thousands (resolution's memo)
class Symbol:
    """What an expression refers to, as far as a static reading can tell."""

    qualname: str | None = None  # a module, class, function or external name
    instance_of: str | None = None  # class qualname when the symbol is an instance
    call: CallValue | None = None  # the call that created the instance
    origin: tuple[str, str, str] | None = None  # (module, scope, name) of that binding
    project_ref: tuple[str, str] | None = None  # (module, key) of a def/class in the project
    value: Value | None = None  # a constant or other bound value
    receiver_type: str | None = None  # for ``obj.attr`` on a known instance: obj's class
    attr: str | None = None


UNKNOWN = Symbol()

class Resolver:
    """Resolution over ``self.modules`` (module name -> facts); ``self.memo(key, compute,
    placeholder)`` computes an answer once (both supplied by the project)."""

    modules: dict[str, ModuleFacts]

    def module_facts(self, name: str) -> ModuleFacts | None:
        """The facts of a project module, or None when the project has no such module."""
        return self.modules.get(name)

    def definition(self, symbol: Symbol | None) -> tuple[ModuleFacts, FunctionFacts | ClassFacts] | None:
        """Where a symbol naming a project def or class is defined: its module's facts and
        the def's or class's facts."""
        if symbol is None or symbol.project_ref is None:
            return None
        module, key = symbol.project_ref
        facts = self.modules.get(module)
        if facts is None:
            return None
        found = facts.functions.get(key) or facts.classes.get(key)
        return (facts, found) if found is not None else None


    def resolve(self, facts: ModuleFacts, scope: str, dotted: str, hops: int = 0) -> Symbol | None:
        """Resolve a dotted spelling as seen from ``scope`` of ``facts``' module."""
        if hops > _MAX_HOPS:
            return None
        head, _, rest = dotted.partition(".")
        found = self._lookup(facts, scope, head)
        star = self._star_imported(facts, head) if found is None and facts.star_imports else None
        if star is not None:
            symbol = self.resolve_qualname(star, hops + 1)
        elif found is None:
            if head in _BUILTINS:
                symbol = Symbol(qualname=f"builtins.{head}")
            else:
                return None
        else:
            binding_scope, binding = found
            symbol = self._symbol_of_binding(facts, binding_scope, head, binding, hops + 1)
        for attr in rest.split(".") if rest else ():
            if symbol is None:
                return None
            symbol = self._attribute(symbol, attr, hops + 1)
        return symbol

    def ref_qualname(self, facts: ModuleFacts, scope: str, value: Value | None) -> str | None:
        """The qualified name (as resolved, not :func:`canonical`) a plain reference names
        (``get_db``, ``deps.get_db`` passed as a value); None for any other value, or a name
        that resolves to no qualified name."""
        symbol = self.resolve(facts, scope, value.dotted) if isinstance(value, Ref) else None
        return symbol.qualname if symbol is not None and symbol.qualname else None

    def resolve_qualname(self, qualname: str, hops: int = 0) -> Symbol | None:
        """A fully qualified name, followed into project modules where it points into one."""
        return self.memo(("qualname", qualname), lambda: self._resolve_qualname(qualname, hops),
                         placeholder=Symbol(qualname=canonical(qualname)))  # a cycle ends here

    def _resolve_qualname(self, qualname: str, hops: int) -> Symbol | None:
        parts = qualname.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            facts = self.modules.get(module)
            if facts is None:
                continue
            if cut == len(parts):
                return Symbol(qualname=module)
            return self.resolve(facts, MODULE_SCOPE, ".".join(parts[cut:]), hops + 1) or Symbol(
                qualname=qualname
            )
        return Symbol(qualname=canonical(qualname))

    def _star_imported(self, facts: ModuleFacts, name: str, seen: set[str] | None = None) -> str | None:
        """``module.name`` when ``name`` comes from ``from module import *`` of a project module
        (the last such import that exports it: a public module-level name, or one its
        ``__all__`` lists when ``__all__`` is a literal)."""
        seen = set() if seen is None else seen
        seen.add(facts.module)
        for module in reversed(facts.star_imports):
            target = self.modules.get(module) if module not in seen and len(seen) < _MAX_HOPS else None
            if target is None:
                continue
            bindings = target.scopes[MODULE_SCOPE].bindings if MODULE_SCOPE in target.scopes else {}
            exported = bindings.get("__all__")
            if exported is not None and exported.kind == "value" and isinstance(exported.value, Const) \
                    and isinstance(exported.value.value, tuple):
                if name in exported.value.value and name in bindings:
                    return f"{module}.{name}"
                continue
            if name in bindings and not name.startswith("_"):
                return f"{module}.{name}"
            if target.star_imports and not name.startswith("_") and self._star_imported(target, name, seen):
                return f"{module}.{name}"  # re-exported from further down
        return None

    @staticmethod
    def _lookup(facts: ModuleFacts, scope: str, name: str) -> tuple[str, Binding] | None:
        # Python's rule: a class body's names are visible in that body only.
        current: str | None = scope
        first = True
        while current is not None:
            s = facts.scopes.get(current)
            if s is None:
                return None
            if first or not s.is_class:
                binding = s.bindings.get(name)
                if binding is not None:
                    return current, binding
            first = False
            current = s.parent
        return None

    def _symbol_of_binding(
        self, facts: ModuleFacts, scope: str, name: str, binding: Binding, hops: int
    ) -> Symbol | None:
        kind = binding.kind
        if kind == "import":
            return self.resolve_qualname(binding.target, hops)
        if kind in ("def", "class"):
            return Symbol(
                qualname=facts.qualname_of_key(binding.target),
                project_ref=(facts.module, binding.target),
            )
        if kind == "param":
            instance = self.annotation_type(facts, scope, binding.value, hops)
            return Symbol(instance_of=instance) if instance else UNKNOWN
        if kind == "value":
            return self._symbol_of_value(facts, scope, name, binding.value, hops)
        return UNKNOWN

    def _symbol_of_value(
        self, facts: ModuleFacts, scope: str, name: str, value: Value | None, hops: int
    ) -> Symbol | None:
        if isinstance(value, Ref):
            return self.resolve(facts, scope, value.dotted, hops) or UNKNOWN
        if isinstance(value, CallValue):
            instance = self.call_result_type(facts, scope, value, hops)
            return Symbol(instance_of=instance, call=value, origin=(facts.module, scope, name))
        return Symbol(value=value, origin=(facts.module, scope, name))

    def _attribute(self, symbol: Symbol, attr: str, hops: int) -> Symbol | None:
        if symbol.instance_of is not None:
            return Symbol(receiver_type=symbol.instance_of, attr=attr)
        if symbol.qualname is not None:
            return self.resolve_qualname(f"{symbol.qualname}.{attr}", hops)
        return UNKNOWN if symbol is UNKNOWN else None

    def call_result_type(self, facts: ModuleFacts, scope: str, call: CallValue, hops: int = 0) -> str | None:
        """The class of what a call returns: a class's instance, a known factory's product,
        or a project function's return annotation."""
        if call.callee is None:
            return None
        callee = self.resolve(facts, scope, call.callee, hops + 1)
        return self.result_type_of_callee(callee, hops)

    def result_type_of_callee(self, callee: Symbol | None, hops: int = 0) -> str | None:
        if callee is None:
            return None
        if callee.receiver_type is not None:  # obj.method(...): only known factories
            return CALL_RETURNS.get(f"{callee.receiver_type}.{callee.attr}")
        if callee.qualname is None:
            return None
        qualname = canonical(callee.qualname)
        if qualname in CALL_RETURNS:
            return CALL_RETURNS[qualname]
        if callee.project_ref is not None:
            module, key = callee.project_ref
            target = self.modules[module]
            function = target.functions.get(key)
            if function is not None:
                if self._decorated_by(target, function, CONTEXT_MANAGER_DECORATORS):
                    return self._yielded_type(target, function, hops)
                return self.annotation_type(target, function.scope, function.returns, hops + 1)
        elif self._is_celery_task_call(qualname, hops):
            return "celery.result.AsyncResult"
        return qualname

    def _decorated_by(self, facts: ModuleFacts, function: FunctionFacts, wanted: frozenset[str]) -> bool:
        for decorator in function.decorators:
            dotted = decorator.callee if isinstance(decorator, CallValue) else (
                decorator.dotted if isinstance(decorator, Ref) else None)
            symbol = self.resolve(facts, function.scope, dotted) if dotted else None
            if symbol is None:
                continue
            name = symbol.qualname or (f"{symbol.receiver_type}.{symbol.attr}" if symbol.receiver_type else None)
            if name is not None and canonical(name) in wanted:
                return True
        return False

    def _yielded_type(self, facts: ModuleFacts, function: FunctionFacts, hops: int) -> str | None:
        """What a ``@contextmanager`` generator annotated ``-> Iterator[X]`` (or ``Generator[X, ...]``)
        yields: X is what ``with cm() as x`` binds."""
        returns = function.returns
        if not isinstance(returns, Subscript) or not returns.base or not returns.items:
            return None
        base = self.resolve(facts, function.scope, returns.base, hops + 1)
        if base is None or base.qualname is None or canonical(base.qualname) not in GENERATOR_TYPES:
            return None
        return self.annotation_type(facts, function.scope, returns.items[0], hops + 1)

    def _is_celery_task_call(self, qualname: str, hops: int) -> bool:
        """``task.delay``/``task.apply_async`` of a project function decorated as a celery task."""
        task, _, attr = qualname.rpartition(".")
        if attr not in CELERY_TASK_CALLS or not task:
            return False
        found = self.project_function(self.resolve_qualname(task, hops + 1))
        return found is not None and self._decorated_by(*found, CELERY_TASK_DECORATORS)

    def type_form(self, facts: ModuleFacts, scope: str, annotation: Value | None, hops: int = 0,
                  strings: bool = False) -> TypeForm:
        """The top level of an annotation (:class:`TypeForm`), following type aliases and, with
        ``strings``, string annotations that name a class (``"Item"``, ``"models.Item"``); without
        it a string annotation is ``"unknown"`` (how the parameter readers take them)."""
        while hops <= _MAX_HOPS:
            if is_none(annotation):
                return TypeForm("none", facts, scope)
            if isinstance(annotation, Const) and isinstance(annotation.value, str):
                if not strings or not annotation.value.replace(".", "").isidentifier():
                    break
                annotation = Ref(annotation.value)
            if isinstance(annotation, Ref):
                symbol = self.resolve(facts, scope, annotation.dotted, hops + 1)
                if symbol and symbol.qualname:
                    return TypeForm("class", facts, scope, canonical(symbol.qualname))
                alias = self.type_alias(symbol)
                if alias is None:
                    break
                facts, scope, annotation = alias
                hops += 1
                continue
            if not isinstance(annotation, Subscript):
                break
            if annotation.base == "|":
                return TypeForm("union", facts, scope, items=annotation.items)
            base = self.resolve(facts, scope, annotation.base, hops + 1) if annotation.base else None
            if base is None or not base.qualname:
                break
            qualname = canonical(base.qualname)
            if qualname in OPTIONAL and annotation.items:
                return TypeForm("union", facts, scope, items=(*annotation.items, Const(None)))
            if qualname in UNION:
                return TypeForm("union", facts, scope, items=annotation.items)
            if qualname in ANNOTATED and annotation.items:
                return TypeForm("annotated", facts, scope, items=annotation.items)
            return TypeForm("generic", facts, scope, qualname, annotation.items)
        return TypeForm("unknown", facts, scope)

    def annotation_type(self, facts: ModuleFacts, scope: str, annotation: Value | None, hops: int = 0) -> str | None:
        """The class an annotation names, looking through ``Optional``/``Annotated``/
        ``X | None``/``Final``/``ClassVar`` (a union of several classes names none)."""
        form = self.type_form(facts, scope, annotation, hops, strings=True)
        if form.kind == "class":
            return form.qualname
        if form.kind == "union":
            parts = [p for p in form.items if not is_none(p)]
            return self.annotation_type(form.facts, form.scope, parts[0], hops + 1) if len(parts) == 1 else None
        if form.kind == "annotated" or (form.kind == "generic" and form.qualname in _FINAL and form.items):
            return self.annotation_type(form.facts, form.scope, form.items[0], hops + 1)
        return None

    def type_alias(self, symbol: Symbol | None) -> tuple[ModuleFacts, str, Subscript] | None:
        """``(facts, scope, value)`` where the symbol is a name bound to a subscripted type,
        e.g. ``DbSession = Annotated[Session, Depends(get_db)]`` in any module."""
        if symbol is None or not isinstance(symbol.value, Subscript) or symbol.origin is None:
            return None
        module, scope, _ = symbol.origin
        facts = self.modules.get(module)
        return (facts, scope, symbol.value) if facts is not None else None

    # ------------------------------------------------------------ classes

    def is_subclass(self, qualname: str | None, targets: frozenset[str], _seen: frozenset = frozenset()) -> bool:
        if qualname is None:
            return False
        qualname = canonical(qualname)
        if qualname in targets:
            return True
        if qualname in _seen or len(_seen) > _MAX_HOPS:
            return False
        ref = self.project_class(qualname)
        if ref is None:
            return False
        facts, klass = ref
        for base in klass.bases:
            if isinstance(base, Ref):
                symbol = self.resolve(facts, klass.scope, base.dotted)
                if symbol and self.is_subclass(symbol.qualname, targets, _seen | {qualname}):
                    return True
        return False

    def project_class(self, qualname: str | None) -> tuple[ModuleFacts, ClassFacts] | None:
        """Where a class of the project is defined (its module's facts and its facts)."""
        found = self.definition(self.resolve_qualname(qualname)) if qualname else None
        return found if found is not None and isinstance(found[1], ClassFacts) else None

    def class_body(self, symbol: Symbol | None) -> tuple[ModuleFacts, ClassFacts, Scope] | None:
        """A project class a symbol names, with the scope of its body (what it binds: fields,
        methods, ``model_config``)."""
        found = self.definition(symbol)
        if found is None or not isinstance(found[1], ClassFacts):
            return None
        facts, klass = found
        scope = facts.scopes.get(klass.key)
        return (facts, klass, scope) if scope is not None else None

    def project_function(self, symbol: Symbol | None) -> tuple[ModuleFacts, FunctionFacts] | None:
        """Where a function of the project a symbol names is defined."""
        found = self.definition(symbol)
        return found if found is not None and isinstance(found[1], FunctionFacts) else None

    def class_chain(self, qualname: str):
        """``(facts, class facts)`` of a project class and then its project base classes,
        breadth first (Python's method order for the usual hierarchies)."""
        seen: set[str] = set()
        todo = [qualname]
        while todo and len(seen) < _MAX_HOPS:
            current = canonical(todo.pop(0))
            if current in seen:
                continue
            seen.add(current)
            ref = self.project_class(current)
            if ref is None:
                continue
            facts, klass = ref
            yield facts, klass
            for base in klass.bases:
                if isinstance(base, Ref):
                    symbol = self.resolve(facts, klass.scope, base.dotted)
                    if symbol is not None and symbol.qualname:
                        todo.append(symbol.qualname)

    def method(self, class_qualname: str | None, name: str) -> tuple[ModuleFacts, FunctionFacts] | None:
        """The def of method ``name`` in a project class or its project bases."""
        for facts, klass in self.class_chain(class_qualname) if class_qualname else ():
            function = facts.functions.get(f"{klass.key}/{name}")
            if function is not None:
                return facts, function
        return None

    def called_function(self, callee: Symbol | None) -> tuple[ModuleFacts, FunctionFacts] | None:
        """The project def a call runs: a function, a method of a known instance
        (``service.login()``, also inherited) or one named through its class
        (``AuthService.denied()``)."""
        if callee is None:
            return None
        if callee.receiver_type is not None:
            return self.method(callee.receiver_type, callee.attr) if callee.attr else None
        found = self.project_function(callee)
        if found is not None or not callee.qualname or callee.project_ref is not None:
            return found
        owner, _, attr = callee.qualname.rpartition(".")
        return self.method(owner, attr) if owner and self.project_class(owner) is not None else None

    def declared_return(self, callee: Symbol | None) -> tuple[ModuleFacts, str, Value] | None:
        """``(facts, scope, annotation)`` of the return annotation of the project def a call
        runs (what :meth:`called_function` finds), for :meth:`type_form` and its readers."""
        found = self.called_function(callee)
        if found is None or found[1].returns is None:
            return None
        facts, function = found
        return facts, function.scope, function.returns

    def declared_return_type(self, callee: Symbol | None) -> str | None:
        """The class the return annotation of the project def a call runs names."""
        found = self.declared_return(callee)
        return self.annotation_type(*found) if found is not None else None

    def binding(self, facts: ModuleFacts, scope: str, name: str) -> tuple[str, Binding] | None:
        """``(scope, binding)`` of the binding ``name`` means in ``scope`` (Python's scoping)."""
        return self._lookup(facts, scope, name)

    def project_class_defines(self, qualname: str | None, method: str, stop: frozenset[str], depth: int = 0) -> bool:
        """Whether a project class, or a project class it derives from, defines ``method``
        (the search ends at the classes of ``stop``, e.g. FastAPI's own)."""
        if qualname is None or depth > 8 or canonical(qualname) in stop:
            return False
        found = self.project_class(canonical(qualname))
        if found is None:
            return False
        facts, klass = found
        if f"{klass.key}/{method}" in facts.functions:
            return True
        for base in klass.bases:
            dotted = getattr(base, "dotted", None)
            symbol = self.resolve(facts, klass.scope, dotted) if dotted else None
            if symbol is not None and self.project_class_defines(symbol.qualname, method, stop, depth + 1):
                return True
        return False

    def kind_of(self, symbol: Symbol | None) -> str | None:
        """``"app"`` or ``"router"`` when the symbol is a FastAPI/Starlette app or router."""
        if symbol is None or symbol.instance_of is None:
            return None
        if self.is_subclass(symbol.instance_of, APP_CLASSES):
            return "app"
        if self.is_subclass(symbol.instance_of, ROUTER_CLASSES):
            return "router"
        return None


# ---------------------------------------------------------------- from param_defaults.py

def canonical_or_none(symbol) -> str | None:
    return canonical(symbol.qualname) if symbol is not None and symbol.qualname else None
