"""The FastAPI model of one module: which functions are path operations, websocket
handlers, event/exception handlers, middleware, dependencies and lifespans, on which
app or router. Built once per file from its facts and the project index; every rule
asks it instead of re-deriving these answers."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from fastapi_lint.data.fastapi_names import (
    HTTP_METHOD_DECORATORS,
    ROUTE_DECORATORS,
    WEBSOCKET_DECORATORS,
)
from fastapi_lint.analysis.facts import CallValue, Const, FunctionFacts, ModuleFacts, Ref, ScopedCall
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.project import Project, module_share, query


@dataclass(frozen=True)
class Registration:
    """A function (or call) registered on an app or router."""

    kind: str  # route | websocket | on_event | exception_handler | middleware | include_router ...
    owner: Symbol
    owner_kind: str  # app | router
    call: CallValue
    line: int
    function_key: str | None = None
    decorator_index: int | None = None  # set when registered by a decorator

    @property
    def path(self) -> str | None:
        value = self.call.arg(0, "path")
        return value.value if isinstance(value, Const) and isinstance(value.value, str) else None

    @property
    def methods(self) -> tuple[str, ...]:
        method = self.call.callee.rsplit(".", 1)[-1] if self.call.callee else ""
        if method in HTTP_METHOD_DECORATORS:
            return (method.upper(),)
        value = self.call.kwarg("methods")
        if isinstance(value, Const) and isinstance(value.value, tuple):
            return tuple(str(m).upper() for m in value.value)
        return ("GET",) if value is None else ()


class ModuleModel:
    def __init__(self, facts: ModuleFacts, project: Project):
        self.facts = facts
        self.project = project
        self.registrations: list[Registration] = []
        for function in facts.functions.values():
            for index, decorator in enumerate(function.decorators):
                if isinstance(decorator, CallValue):
                    self._register(decorator, function.scope, function.key, index)
        for scoped in facts.calls:
            self._register_call(scoped)
        self._by_function: dict[str, list[Registration]] = {}
        for registration in self.registrations:
            if registration.function_key is not None:
                self._by_function.setdefault(registration.function_key, []).append(registration)

    # ------------------------------------------------------------ building

    def _owner(self, scope: str, callee: str | None) -> tuple[Symbol, str, str] | None:
        if not callee or "." not in callee:
            return None
        receiver, _, method = callee.rpartition(".")
        symbol = self.project.resolve(self.facts, scope, receiver)
        kind = self.project.kind_of(symbol)
        if kind is None and method in ("on_event", "add_event_handler"):
            # `def setup(app): @app.on_event("startup") ...` called as `setup(app)`
            symbol = app_passed_for(self.project, self.facts, scope, receiver)
            kind = "app" if symbol is not None else None
        return (symbol, kind, method) if kind else None

    def _register(self, call: CallValue, scope: str, key: str, index: int) -> None:
        owner = self._owner(scope, call.callee)
        if owner is None:
            return
        symbol, owner_kind, method = owner
        if method in ROUTE_DECORATORS:
            kind = "route"
        elif method in WEBSOCKET_DECORATORS:
            kind = "websocket"
        elif method in ("on_event", "exception_handler", "middleware"):
            kind = method
        else:
            return
        self.registrations.append(Registration(kind, symbol, owner_kind, call, call.line, key, index))

    _CALL_KINDS = {
        "add_api_route": "route",
        "add_route": "route",
        "add_api_websocket_route": "websocket",
        "add_websocket_route": "websocket",
        "add_event_handler": "on_event",
        "add_exception_handler": "exception_handler",
        "add_middleware": "add_middleware",
        "include_router": "include_router",
    }

    def _register_call(self, scoped: ScopedCall) -> None:
        call = scoped.call
        method = call.callee.rsplit(".", 1)[-1] if call.callee else ""
        kind = self._CALL_KINDS.get(method)
        if kind is None:
            return
        owner = self._owner(scoped.scope, call.callee)
        if owner is None:
            return
        symbol, owner_kind, _ = owner
        function_key = None
        target = call.arg(1, "endpoint" if kind in ("route", "websocket") else "func")
        if kind in ("route", "websocket", "on_event", "exception_handler") and isinstance(target, Ref):
            function_key = self._local_function_key(scoped.scope, target.dotted)
        self.registrations.append(Registration(kind, symbol, owner_kind, call, call.line, function_key))

    def _local_function_key(self, scope: str, dotted: str) -> str | None:
        symbol = self.project.resolve(self.facts, scope, dotted)
        if symbol and symbol.project_ref and symbol.project_ref[0] == self.facts.module:
            key = symbol.project_ref[1]
            return key if key in self.facts.functions else None
        return None

    # ------------------------------------------------------------ questions rules ask

    def registrations_of(self, function_key: str | None, kind: str | None = None) -> list[Registration]:
        found = self._by_function.get(function_key, []) if function_key else []
        return [r for r in found if kind is None or r.kind == kind]

    def routes_of(self, function_key: str | None) -> list[Registration]:
        return self.registrations_of(function_key, "route")

    def is_endpoint(self, function_key: str | None) -> bool:
        return bool(self.routes_of(function_key))

    def is_websocket_handler(self, function_key: str | None) -> bool:
        return bool(self.registrations_of(function_key, "websocket"))

    def is_dependency(self, function_key: str | None) -> bool:
        return bool(function_key) and self.project.is_dependency(self.facts.qualname_of_key(function_key))

    def runs_in_app(self, function_key: str | None) -> bool:
        """Whether the function is app code of this module: an endpoint, a websocket handler, a
        dependency, or a lifespan given to an app made here. In a test file (the ``test-paths``
        setting) only that code runs in a served app's loop; the rest stalls a test, not a server."""
        if not function_key:
            return False
        if self.is_endpoint(function_key) or self.is_websocket_handler(function_key):
            return True
        return self.is_dependency(function_key) or function_key in self._lifespans()

    def _lifespans(self) -> frozenset[str]:
        """Keys of this module's functions passed as ``lifespan=`` by a call of this module."""
        found = set()
        for scoped in self.facts.calls:
            value = scoped.call.kwarg("lifespan")
            if not isinstance(value, Ref):
                continue
            symbol = self.project.resolve(self.facts, scoped.scope, value.dotted)
            if symbol is not None and symbol.project_ref is not None and symbol.project_ref[0] == self.facts.module:
                found.add(symbol.project_ref[1])
        return frozenset(found)

    def function(self, function_key: str | None) -> FunctionFacts | None:
        return self.facts.functions.get(function_key) if function_key else None

    def of_kind(self, kind: str) -> list[Registration]:
        return [r for r in self.registrations if r.kind == kind]

    def lifespan_of(self, app: Symbol) -> object | None:
        """The ``lifespan=`` value an app was constructed with, or None."""
        if app.call is None:
            return None
        value = app.call.kwarg("lifespan")
        if value is None or (isinstance(value, Const) and value.value is None):
            return None
        return value


# ---------------------------------------------------------------- apps handed to helpers


def app_passed_for(project: Project, facts: ModuleFacts, scope: str, name: str) -> Symbol | None:
    """The app a helper's unannotated parameter is bound to where the helper is called
    (``def setup(app): ...`` called as ``setup(app)`` or ``hooks.setup(app=app)`` anywhere in
    the project): ``name`` must be such a parameter of the function ``scope``, every call
    site that binds it to an object the resolver knows must bind an app, and at least one
    must. The symbol carries the app's constructor call (its ``lifespan=``...) but no origin:
    code registered in the helper is not code of the app's module. None otherwise."""
    function = facts.functions.get(scope)
    binding = facts.scopes[scope].bindings.get(name) if scope in facts.scopes else None
    if function is None or binding is None or binding.kind != "param" or binding.value is not None:
        return None
    if not any(p.name == name and p.annotation is None for p in function.params):
        return None
    origins = app_param_origins(project, facts.module, scope, name)
    if not origins:
        return None
    module, app_scope, app_name = origins[0]
    home = project.module_facts(module) if module else None
    symbol = project.resolve(home, app_scope, app_name) if home is not None else None
    if symbol is None or project.kind_of(symbol) != "app":
        return Symbol(instance_of="fastapi.FastAPI")
    return Symbol(instance_of=symbol.instance_of, call=symbol.call)


@query
def app_param_origins(project: Project, module: str, function_key: str, name: str) -> tuple:
    """Where the apps bound to parameter ``name`` of the project function ``function_key``
    at its call sites are defined: a sorted tuple of binding origins (module, scope, name),
    ``("", "", "")`` for an app known only by its type. Empty when no call site binds an
    app, or when one binds an object the resolver knows that is not an app."""
    facts = project.module_facts(module)
    function = facts.functions.get(function_key) if facts is not None else None
    if function is None or function.scope in facts.classes:
        return ()
    positional = [p.name for p in function.params if p.kind == "positional"]
    index = positional.index(name) if name in positional else None
    found: set[tuple] = set()
    for caller, handoffs in project.shares("project_handoffs_in"):
        for target, scope, call in handoffs:
            if target != (module, function_key):
                continue
            other = project.modules[caller]
            value = call.args[index] if index is not None and index < len(call.args) else call.kwarg(name)
            if not isinstance(value, Ref):
                continue  # not given, or not a name: unknown
            symbol = project.resolve(other, scope, value.dotted)
            kind = project.kind_of(symbol)
            if kind == "app":
                found.add(symbol.origin or ("", "", ""))
            elif symbol is not None and (symbol.instance_of is not None or symbol.value is not None):
                return ()  # a router or some other known object: not (only) apps
    return tuple(sorted(found))


@module_share("project_handoffs_in")
def _project_handoffs(project: Project, module: str) -> tuple:
    """One module's handoffs to project functions: ``(project_ref of the function, scope,
    call)`` each, kept per module (``Project.share``)."""
    facts = project.modules[module]
    found = []
    for scoped in facts.handoffs:
        callee = project.resolve(facts, scoped.scope, scoped.call.callee) if scoped.call.callee else None
        if callee is not None and callee.project_ref is not None:
            found.append((callee.project_ref, scoped.scope, scoped.call))
    return tuple(found)


class CallsInOrder:
    """Pairs the libcst calls of a file, met in source order, with their facts: the n-th call
    spelled ``app.add_api_route`` in the traversal is the n-th such call the facts recorded
    (the facts keep no node, only the spelling and the order)."""

    def __init__(self, facts: ModuleFacts, methods: Collection[str]):
        self._facts = facts
        self._methods = methods
        self._calls: dict[str, list[CallValue]] | None = None
        self._seen: dict[str, int] = {}

    def next(self, spelling: str) -> CallValue | None:
        """The facts of the next call spelled ``spelling`` (a method in ``methods``)."""
        if self._calls is None:
            self._calls = {}
            for scoped in self._facts.calls:
                callee = scoped.call.callee
                if callee and callee.rsplit(".", 1)[-1] in self._methods:
                    self._calls.setdefault(callee, []).append(scoped.call)
        n = self._seen.get(spelling, 0)
        self._seen[spelling] = n + 1
        calls = self._calls.get(spelling, [])
        return calls[n] if n < len(calls) else None
