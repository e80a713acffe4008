"""Helpers for the dependency rules (FAPI302-FAPI306): reading ``Depends(...)`` calls in the
libcst pass, and telling from the project facts whether a class's instances are callable
and whether a function could be a dependency factory."""

from __future__ import annotations



import libcst as cst

from fastapi_lint.data.coroutines import (
    ASYNC_SESSION_CLASSES,
    SESSION_FACTORIES,
    SYNC_SESSION_CLASSES,
    YIELDING_GENERICS,
)
from fastapi_lint.data.fastapi_names import DEPENDS_FUNCTIONS
from fastapi_lint.analysis.facts import CallValue, Const, FunctionFacts, ModuleFacts, Ref, Seq, Subscript, Value
from fastapi_lint.analysis.names import call_keyword, call_positional, canonical, dotted_name
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.project import Project, query
from fastapi_lint.rule import FileContext
from fastapi_lint.analysis.parameters import qualname_of

# Bases whose instances are not callable (and that add no ``__call__``).
_NOT_CALLABLE_BASES = frozenset({
    "builtins.object", "builtins.Exception", "builtins.BaseException", "builtins.dict",
    "builtins.list", "builtins.str", "builtins.int", "pydantic.BaseModel", "pydantic.main.BaseModel",
    "abc.ABC", "typing.Generic", "typing.Protocol", "typing.NamedTuple", "enum.Enum", "enum.IntEnum",
    "enum.StrEnum", "pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings",
    "pydantic.BaseSettings", "pydantic.v1.BaseModel", "pydantic.v1.BaseSettings",
})
# Values of these builtins (and of these classes) are never callable.
_NOT_CALLABLE_RESULTS = frozenset(
    f"builtins.{name}"
    for name in ("dict", "list", "tuple", "set", "frozenset", "str", "bytes", "int", "float", "bool",
                 "len", "sorted", "repr", "format", "sum", "min", "max", "abs", "round", "isinstance")
)
_CACHE_DECORATORS = frozenset({"functools.lru_cache", "functools.cache"})
_CALLABLE_TYPES = frozenset({"typing.Callable", "collections.abc.Callable", "typing.Any", "builtins.object",
                             "typing_extensions.Any", "builtins.type", "typing.Type"})
SETTINGS_CLASSES = frozenset({
    "pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings",
    "pydantic.BaseSettings", "pydantic.env_settings.BaseSettings", "pydantic.v1.BaseSettings",
    "pydantic.v1.env_settings.BaseSettings",
})




def settings_class_names(project: Project) -> frozenset[str]:
    """Simple names of the project's ``BaseSettings`` subclasses (plus ``BaseSettings``): a cheap
    text pre-filter; the rule itself resolves every name."""
    return _settings_class_names(project)


@query
def _settings_class_names(project: Project) -> frozenset[str]:
    found = {"BaseSettings"}
    for facts in project.modules.values():
        for key, klass in facts.classes.items():
            if klass.bases and project.is_subclass(facts.qualname_of_key(key), SETTINGS_CLASSES):
                found.add(klass.name)
    return frozenset(found)


def is_depends(ctx: FileContext, call: cst.Call) -> bool:
    """``Depends(...)``/``Security(...)`` however imported (``from fastapi import Depends as D``)."""
    func = call.func
    if not isinstance(func, (cst.Name, cst.Attribute)):
        return False
    return ctx.qualname(func) in DEPENDS_FUNCTIONS


def depends_target(call: cst.Call) -> cst.BaseExpression | None:
    """The dependency passed to ``Depends(...)`` (first positional or ``dependency=``)."""
    arg = call_positional(call, 0) or call_keyword(call, "dependency")
    return arg.value if arg is not None else None


def called_dependency(ctx: FileContext, call: cst.Call) -> cst.Call | None:
    """``f()`` when ``call`` is ``Depends(f())``/``Security(f())``: a call made where the
    dependency should only be passed."""
    if not is_depends(ctx, call):
        return None
    inner = depends_target(call)
    return inner if isinstance(inner, cst.Call) else None


# ---------------------------------------------------------------- classes




def ancestors(project: Project, qualname: str, _depth: int = 0) -> list[str | None]:
    """Qualnames of the class and all its bases as far as they resolve (None for an unreadable base)."""
    out: list[str | None] = [canonical(qualname)]
    if _depth > 16:
        return out + [None]
    ref = project.project_class(qualname)
    if ref is None:
        return out
    facts, klass = ref
    for base in klass.bases:
        if isinstance(base, Subscript):  # Generic[T], Protocol[T]
            base = Ref(base.base) if base.base else None
        if not isinstance(base, Ref):
            out.append(None)
            continue
        symbol = project.resolve(facts, klass.scope, base.dotted)
        if symbol is None or not symbol.qualname:
            out.append(None)
            continue
        out.extend(ancestors(project, symbol.qualname, _depth + 1))
    return out


def instances_callable(project: Project, qualname: str) -> bool | None:
    """Whether instances of a project class are callable: True (a ``__call__`` is defined in
    the class or a project base), False (no ``__call__`` and every base is known), None (unknown)."""
    unknown = False
    for name in ancestors(project, qualname):
        if name is None:
            unknown = True
            continue
        ref = project.project_class(name)
        if ref is not None:
            facts, klass = ref
            scope = facts.scopes.get(klass.key)
            if scope is not None and "__call__" in scope.bindings:
                return True
            if not klass.bases:
                continue
        elif name not in _NOT_CALLABLE_BASES:
            unknown = True
    return None if unknown else False


def is_project_class(project: Project, qualname: str | None) -> bool:
    return project.project_class(qualname) is not None


# ---------------------------------------------------------------- functions




def is_cache_decorator(project: Project, facts: ModuleFacts, scope: str, decorator: Value) -> bool:
    dotted = decorator.callee if isinstance(decorator, CallValue) else decorator.dotted if isinstance(decorator, Ref) else None
    return qualname_of(project, facts, scope, dotted) in _CACHE_DECORATORS


def not_a_factory(project: Project, facts: ModuleFacts, function: FunctionFacts) -> str | None:
    """Why calling ``function`` evidently does not give a dependency (a short phrase naming what
    the call gives), or None when it may return a callable (a dependency factory) or we cannot tell."""
    if any(not is_cache_decorator(project, facts, function.scope, d) for d in function.decorators):
        return None  # a decorator may turn it into anything
    if function.has_yield:
        return "a generator object" if not function.is_async else "an async generator object"
    if function.is_async:
        return "a coroutine"
    verdict = _annotation_verdict(project, facts, function)
    if verdict is not None:
        return verdict or None
    if not function.return_values:
        return "None"  # no `return <value>` anywhere: the call returns None
    for value in function.return_values:
        if not _evidently_not_callable(project, facts, function.key, value):
            return None
    return "a value that is not callable"


def _annotation_verdict(project: Project, facts: ModuleFacts, function: FunctionFacts) -> str | None:
    """From the return annotation: a phrase when it names a non-callable type, "" when it says
    callable, None when it is absent or unknown."""
    returns = function.returns
    if returns is None:
        return None
    if isinstance(returns, Const) and returns.value is None:
        return "None"
    base = returns.base if isinstance(returns, Subscript) else returns.dotted if isinstance(returns, Ref) else None
    if base == "|" or base is None:
        return None
    qualname = qualname_of(project, facts, function.scope, base)
    if qualname is None:
        return None
    if qualname in _CALLABLE_TYPES:
        return ""
    if qualname in _NOT_CALLABLE_RESULTS:
        return f"a value of type `{qualname.removeprefix('builtins.')}`"
    if is_project_class(project, qualname) and instances_callable(project, qualname) is False:
        return f"a `{qualname.rsplit('.', 1)[-1]}` instance"
    return None


def _evidently_not_callable(project: Project, facts: ModuleFacts, scope: str, value: Value | None) -> bool:
    if isinstance(value, (Const, Seq)):
        return True
    if isinstance(value, CallValue):
        qualname = qualname_of(project, facts, scope, value.callee)
        if qualname in _NOT_CALLABLE_RESULTS:
            return True
        return bool(qualname) and is_project_class(project, qualname) and instances_callable(project, qualname) is False
    if isinstance(value, Ref):
        symbol = project.resolve(facts, scope, value.dotted)
        if symbol is None or symbol.project_ref is not None:
            return False  # a function or class: callable
        if symbol.instance_of and symbol.call is not None:
            qualname = canonical(symbol.instance_of)
            if qualname in _NOT_CALLABLE_RESULTS:
                return True
            return is_project_class(project, qualname) and instances_callable(project, qualname) is False
        return isinstance(symbol.value, (Const, Seq))
    return False


# ---------------------------------------------------------------- apps and routers

Dependencies = list  # [(facts, scope, CallValue)] of `Depends(...)` calls


def owner_class(owner: Symbol) -> str | None:
    return canonical(owner.instance_of) if owner.instance_of else None


def router_prefix(owner: Symbol) -> str:
    """The literal ``prefix=`` an APIRouter was created with ("" when none or not literal)."""
    if owner.call is None or owner_class(owner) != "fastapi.APIRouter":
        return ""
    value = owner.call.kwarg("prefix")
    return value.value if isinstance(value, Const) and isinstance(value.value, str) else ""


# ---------------------------------------------------------------- dependencies of every route of an app/router


class _Includes:
    """Project-wide index of ``include_router`` calls, by the binding of the router included."""

    def __init__(self, project: Project):
        self.by_origin: dict[tuple, list[tuple[ModuleFacts, str, CallValue]]] = {}
        self.opaque_with_dependencies = False  # an include we cannot follow adds dependencies
        self.constructors_with_dependencies: set[str] = set()  # FastAPI/APIRouter built with dependencies=
        for facts in project.modules.values():
            for scoped in facts.calls:
                call = scoped.call
                method = call.callee.rsplit(".", 1)[-1] if call.callee else ""
                if method in ("FastAPI", "APIRouter") and _has_dependencies(call):
                    self.constructors_with_dependencies.add(f"fastapi.{method}")
                if method != "include_router":
                    continue
                target = call.arg(0, "router")
                symbol = project.resolve(facts, scoped.scope, target.dotted) if isinstance(target, Ref) else None
                if symbol is None or symbol.origin is None:
                    if _has_dependencies(call):
                        self.opaque_with_dependencies = True
                    continue
                self.by_origin.setdefault(symbol.origin, []).append((facts, scoped.scope, call))


def _has_dependencies(call: CallValue) -> bool:
    value = call.kwarg("dependencies")
    return value is not None and value != Const(()) and value != Const(None)


def _includes(project: Project) -> _Includes:
    return project.memo(("router_includes",), lambda: _Includes(project))


def dependency_list(value, facts: ModuleFacts, scope: str) -> Dependencies | None:
    """The ``Depends(...)`` calls of a literal ``dependencies=[...]``; None when not literal."""
    if value is None or value == Const(()) or value == Const(None):
        return []
    if not isinstance(value, Seq) or not all(isinstance(item, CallValue) for item in value.items):
        return None
    return [(facts, scope, item) for item in value.items]


def owner_dependencies(project: Project, owner: Symbol, depth: int = 0) -> Dependencies | None:
    """Dependencies FastAPI adds to every route of an app/router: its own ``dependencies=``,
    those of each ``include_router`` that includes it and of the including app/router.
    None when any of them cannot be read."""
    includes = _includes(project)
    if depth > 8 or includes.opaque_with_dependencies:
        return None
    if owner.call is None or owner.origin is None:
        # An app/router we only know by type (a function parameter ``app: FastAPI``): it
        # has no dependencies unless some app/router in the project is built with them.
        return None if owner_class(owner) in includes.constructors_with_dependencies else []
    module, scope, _ = owner.origin
    facts = project.modules.get(module)
    if facts is None:
        return None
    found = dependency_list(owner.call.kwarg("dependencies"), facts, scope)
    if found is None:
        return None
    for include_facts, include_scope, call in includes.by_origin.get(owner.origin, ()):
        if any(name is None for name, _ in call.kwargs):
            return None  # include_router(router, **options)
        extra = dependency_list(call.kwarg("dependencies"), include_facts, include_scope)
        if extra is None:
            return None
        found.extend(extra)
        receiver = call.callee.rpartition(".")[0] if call.callee else ""
        includer = project.resolve(include_facts, include_scope, receiver) if receiver else None
        if includer is None or project.kind_of(includer) is None:
            # ``def configure(app): app.include_router(...)``: some app or router we cannot see
            if includes.constructors_with_dependencies:
                return None
            continue
        upper = owner_dependencies(project, includer, depth + 1)
        if upper is None:
            return None
        found.extend(upper)
    return found


# ---------------------------------------------------------------- database sessions

SYNC, ASYNC = "sync", "async"


def session_kind(project: Project, qualname: str | None) -> str | None:
    """``"sync"``/``"async"`` when a class is a (subclass of a) SQLAlchemy session class."""
    if qualname is None:
        return None
    if project.is_subclass(qualname, ASYNC_SESSION_CLASSES):
        return ASYNC
    if project.is_subclass(qualname, SYNC_SESSION_CLASSES):
        return SYNC
    return None


def module_level_session(project: Project, symbol: Symbol | None) -> str | None:
    """How a module-level database session was made (``"Session(...)"``, ``"SessionLocal()"``) when
    ``symbol`` is a name bound at module level to a SQLAlchemy/SQLModel session: a session class
    called, or an instance of ``sessionmaker``/``async_sessionmaker`` called; else None."""
    if symbol is None or symbol.call is None or symbol.origin is None or symbol.origin[1] != "":
        return None
    call = symbol.call
    facts = project.module_facts(symbol.origin[0])
    if facts is None or not call.callee:
        return None
    callee = project.resolve(facts, "", call.callee)
    if callee is None:
        return None
    if callee.qualname is not None and session_kind(project, canonical(callee.qualname)):
        return f"{call.callee}(...)"
    if callee.call is not None and callee.call.callee and callee.origin is not None:
        home = project.module_facts(callee.origin[0])
        factory = project.resolve(home, callee.origin[1], callee.call.callee) if home is not None else None
        if factory is not None and factory.qualname and canonical(factory.qualname) in SESSION_FACTORIES:
            return f"{call.callee}()"
    return None


def provided_type(project: Project, facts: ModuleFacts, function: FunctionFacts) -> str | None:
    """The class a dependency function provides: its return annotation, or what it
    yields for ``Generator[X, ...]``/``Iterator[X]``/``AsyncIterator[X]`` annotations."""
    returns: Value | None = function.returns
    if isinstance(returns, Subscript) and returns.base and returns.base != "|" and returns.items:
        base = project.resolve(facts, function.scope, returns.base)
        if base is not None and base.qualname and canonical(base.qualname) in YIELDING_GENERICS:
            returns = returns.items[0]
    return project.annotation_type(facts, function.scope, returns)


# ---------------------------------------------------------------- from depends_usage.py

def marker_name(call: cst.Call) -> str:
    name = dotted_name(call.func) or "Depends"
    return name.rsplit(".", 1)[-1]
