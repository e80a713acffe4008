"""The application's route table, as Starlette will match it: for every FastAPI app of the
project, its routes, websockets and mounts in matching order, each with its full path
(every prefix joined as Starlette joins them), methods, name, handler and what the
includes add (tags, dependencies, deprecation).

Built on :class:`~fastapi_lint.analysis.routing.RouteIndex` (the registrations and
``include_router`` calls FAPI205/206/216/217/218 read), walked downwards from each app:
an app's own registrations and includes in execution order, an included router's routes
at the place of its include. Nothing is guessed: a prefix or path that is not a literal
is shown as ``{?spelling}`` and the row is marked not static.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from fastapi_lint.analysis.facts import (
    MODULE_SCOPE, CallValue, Const, FString, Lambda, ModuleFacts, Ref, Seq, Subscript, Value,
)
from fastapi_lint.analysis.routing import OwnerId, RouteIndex, module_registrations, route_index
from fastapi_lint.analysis.url_templates import _PARAM, path_matcher, path_parameters, sample_path
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.data.fastapi_names import HTTP_METHOD_DECORATORS, ROUTE_OBJECTS
from fastapi_lint.data.status_codes import status_code_of
from fastapi_lint.project import Project, module_share, query

_FASTAPI_APP = frozenset({"fastapi.FastAPI"})
_STARLETTE_APP = frozenset({"starlette.Starlette", "fastapi.FastAPI"})
_CONSTRUCTORS = frozenset({"Starlette", "FastAPI", "APIRouter"})
# FastAPI's attributes holding the URLs of what setup() adds, and their defaults
_APP_URLS = {"openapi_url": "/openapi.json", "docs_url": "/docs", "redoc_url": "/redoc",
             "swagger_ui_oauth2_redirect_url": "/docs/oauth2-redirect"}
_STARLETTE_ROUTE = frozenset({"route", "add_route"})  # starlette.routing.Route: HEAD with GET
_MAX_DEPTH = 8
_MAX_WALK = 20_000  # rows and router walks per app before includes are given up on


@dataclass(frozen=True)
class RouteRow:
    """One entry of an app's route list, in the order Starlette tries them."""

    app: str  # "module:name" of the app
    router: str  # "module:name" of the app or router the route is registered on
    kind: str  # route | websocket | mount | builtin
    methods: tuple[str, ...]  # empty for websockets and mounts
    path: str  # the full path; unresolved parts as {?spelling}
    static: bool  # every part of the path is known
    name: str | None
    operation_id: str | None
    handler: str | None  # qualified name of the endpoint (or what is mounted)
    file: str | None
    line: int | None
    tags: tuple[str, ...] | None  # None when not literal
    dependencies: tuple[str, ...] | None  # in execution order; None when not literal
    response_model: str | None
    status_code: int | str | None
    deprecated: bool | None
    protocol: str | None  # "websocket" for websocket routes
    order: int = 0  # position in the app's route list (0-based)
    # Why the route may not be registered at all: "branch" (under an if/else, try, match or
    # loop), "call" (in a function other than the one that builds its router), "import"
    # (registered by a module other than the router's, when that module is imported).
    condition: str | None = None
    # Where the row comes from, for the conflict analysis (not shown): one Step per level,
    # from the app down to the registration (see ``unreachable``).
    trail: tuple = field(default=(), compare=False, repr=False)
    registration: object = field(default=None, compare=False, repr=False)  # model.Registration
    module: str | None = field(default=None, compare=False, repr=False)  # the registering module
    # registered on an earlier object bound to the same name (``app = FastAPI()`` again below)
    rebound: bool = field(default=False, compare=False, repr=False)

    def as_dict(self) -> dict:
        return {
            "app": self.app, "router": self.router, "kind": self.kind, "methods": list(self.methods),
            "path": self.path, "static": self.static, "name": self.name, "operation_id": self.operation_id,
            "handler": self.handler, "file": self.file, "line": self.line,
            "tags": None if self.tags is None else list(self.tags),
            "dependencies": None if self.dependencies is None else list(self.dependencies),
            "response_model": self.response_model, "status_code": self.status_code,
            "deprecated": self.deprecated, "protocol": self.protocol, "order": self.order,
            "condition": self.condition,
        }


@dataclass
class AppTable:
    app: str  # "module:name"
    origin: OwnerId
    file: str | None
    line: int | None
    rows: list[RouteRow] = field(default_factory=list)
    # Routes and includes of the project on an app or router known only by its type (a
    # parameter ``app: FastAPI``): they may belong to this app, at a place not known.
    unattributed: tuple[tuple[str | None, int], ...] = ()
    redirect_slashes: bool = True

    @property
    def unresolved(self) -> int:
        return sum(not row.static for row in self.rows)

    @property
    def conditional(self) -> int:
        return sum(row.condition is not None for row in self.rows)

    def unreachable(self) -> dict[int, Conflict]:
        """The rows (by order) an earlier row answers every request of, with the first one:
        what FAPI205 (shadowed) and FAPI206 (duplicate) report. An earlier row registered
        under a condition (``if``, ``try``, ``match``, a loop) is left out: it takes the
        requests only when the condition holds, and may be the other branch of the later
        one's statement (the rules, which see the branches, report two rows in one branch)."""
        found: dict[int, Conflict] = {}
        for conflict in unreachable(self.rows):
            if conflict.earlier.trail[conflict.level].branch:
                continue
            known = found.get(conflict.later.order)
            if known is None or (conflict.duplicate and not known.duplicate):
                found[conflict.later.order] = conflict
        return found


@dataclass(frozen=True)
class Step:
    """One level of a row's way down from its app: the entry of one app or router's route
    list the row is (a route registration) or is under (an ``include_router``)."""

    entry: object  # the Registration (or mount call), by identity
    module: str  # where the entry is registered
    scope: str
    line: int
    path: str  # the row's path as that app or router sees it, before its own prefix
    static: bool
    condition: str | None  # as RouteRow.condition, for this entry
    branch: bool = False  # under an if/try/match/loop (known only when the table is given branches)


@dataclass(frozen=True)
class Match:
    row: RouteRow | None  # None: no route matches (404)
    shadowed: tuple[RouteRow, ...]  # later routes that match the same request in full
    partial: bool = False  # the path matched but not the method: Starlette answers 405
    uncertain: tuple[RouteRow, ...] = ()  # earlier rows whose path is not static
    redirect: str | None = None  # no route, but this path with/without the final slash has one (307)


# ---------------------------------------------------------------- rendering summaries


def show(value: Value | None) -> str:
    """A short spelling of a value summary (as the source would show it)."""
    if value is None:
        return "None"
    if isinstance(value, Const):
        if isinstance(value.value, tuple):
            return "[" + ", ".join(repr(v) for v in value.value) + "]"
        return repr(value.value)
    if isinstance(value, Ref):
        return value.dotted
    if isinstance(value, CallValue):
        args = [show(a) for a in value.args]
        args += [f"{k}={show(v)}" if k is not None else f"**{show(v)}" for k, v in value.kwargs]
        return f"{value.callee or '?'}({', '.join(args)})"
    if isinstance(value, Subscript):
        return f"{value.base or '?'}[{', '.join(show(i) for i in value.items)}]"
    if isinstance(value, Seq):
        return "[" + ", ".join(show(i) for i in value.items) + "]"
    if isinstance(value, FString):
        return "f'" + "".join(p if isinstance(p, str) else "{" + show(p) + "}" for p in value.parts) + "'"
    if isinstance(value, Lambda):
        return "lambda"
    return "…"


# ---------------------------------------------------------------- the builder


@dataclass
class _Context:
    """What the includes above a route add: outermost first."""

    path: str
    static: bool
    tags: tuple | None
    dependencies: tuple | None
    deprecated: bool | None
    custom_ids: bool = False  # a generate_unique_id_function applies: ids are not the default


_GENERATE = ""  # operation_id of a route whose id FastAPI generates (the default generator, so far)


class RouteTable:
    """Route tables of every FastAPI app of ``project``; ``files`` maps module names to
    the paths shown for them, ``branches`` module names to the lines that run only under
    a condition (inside an ``if``, ``try``, ``match`` or loop: the facts do not say)."""

    def __init__(self, project: Project, files: dict[str, str] | None = None,
                 branches=None):  # {module: lines}, or anything with its .get
        self.project = project
        self.index: RouteIndex = route_index(project)
        self.files = files or {}
        self.branches = branches or {}
        self._call_scopes: dict[str, dict[int, str]] = {}
        self._children: dict[OwnerId, list] = {}
        for include in self.index.includes:
            self._children.setdefault(include.parent, []).append(include)
        self._mounts: dict[OwnerId, list] = {}
        self.reached: set[OwnerId] = set()  # apps and routers walked so far
        self._spent = 0  # rows and walks of the current app (see _MAX_WALK)
        # the index's apps and routers, and those only seen mounting something (the
        # index is the project's, shared with the rules: not extended in place)
        self.owners = dict(self.index.owners)
        self.unattributed: dict[str, list[tuple[str | None, int]]] = {}  # by top-level package
        for name, registrations in self.index.registrations.items():
            for registration in registrations:
                if registration.kind in ("route", "websocket", "include_router") and registration.owner.origin is None:
                    self.unattributed.setdefault(name.split(".")[0], []).append(
                        (self.files.get(name, name), registration.line))
        table_shares = project.shares("route_table_in")
        for name, (constructed, mounts) in table_shares:
            for origin, symbol in constructed:
                self.owners.setdefault(origin, symbol)
            for origin, owner, scoped in mounts:
                self.owners.setdefault(origin, owner)
                self._mounts.setdefault(origin, []).append((name, scoped))
        self._rows_of: dict[str, dict[int, RouteRow]] = {}  # module -> id(registration) -> its row

    # ------------------------------------------------------------ apps

    def apps(self) -> list[AppTable]:
        tables = []
        for origin, symbol in sorted(self.owners.items()):
            if symbol.call is None or not self.project.is_subclass(symbol.instance_of, _STARLETTE_APP):
                continue
            module, scope, name = origin
            label = f"{module}:{name}" if scope == MODULE_SCOPE else f"{module}:{scope}.{name}"
            table = AppTable(label, origin, self.files.get(module), symbol.call.line,
                             unattributed=tuple(self.unattributed.get(module.split(".")[0], ())),
                             redirect_slashes=symbol.call.kwarg("redirect_slashes") != Const(False))
            # FastAPI(routes=[...]): the list, then what setup() adds, then the registrations
            self._spent = 0
            listed = self._listed_rows(label, origin)
            builtin = self._builtin_rows(label, origin) if self.project.is_subclass(symbol.instance_of, _FASTAPI_APP) \
                else []
            rows = listed + builtin + self._rows(label, origin, 0, frozenset(), listed=False)
            table.rows = [_renumber(row, i) for i, row in enumerate(rows)]
            tables.append(table)
        return tables

    def routers(self) -> list[tuple[str, list[RouteRow]]]:
        """``(label, rows)`` of every router (or app the tables do not list) that no app
        walked by :meth:`apps` reaches: its own routes and includes, its prefix applied.
        Routers nothing includes come first, so a router another one includes is walked
        under it. Call after :meth:`apps`."""
        includers: dict[OwnerId, int] = {}
        for include in self.index.includes:
            if include.child is not None:
                includers[include.child] = includers.get(include.child, 0) + 1
        found = []
        self._spent = 0  # one budget for all of them: past it, each is walked without its includes
        owners = sorted(set(self.index.routes) | set(self._children) | set(self._mounts))
        for origin in sorted(owners, key=lambda origin: (origin in includers, origin)):
            if origin in self.reached or origin not in self.owners:
                continue
            label = _label(origin)
            rows = self._rows(label, origin, 0, frozenset())
            found.append((label, [_renumber(row, i) for i, row in enumerate(rows)]))
        return found

    def _builtin_rows(self, label: str, origin: OwnerId) -> list[RouteRow]:
        """What ``FastAPI.setup()`` adds before any route: the schema and the docs pages.
        What cannot be read (a URL from a variable, ``**options``, an app class with its own
        ``__init__``) is one row of unknown path, not a guess."""
        owner = self.owners[origin]
        ctor = owner.call

        def row(path: str, name: str | None, static: bool = True) -> RouteRow:
            return RouteRow(label, label, "builtin", ("GET", "HEAD"), path, static, name, None,
                            f"fastapi.applications.FastAPI.{name or 'setup'}", None, None, (), (), None, None,
                            False, None)

        if ctor is None or any(name is None for name, _ in ctor.kwargs) or self._custom_init(owner.instance_of):
            return [row("{?docs}", None, False)]
        facts = self.project.modules.get(origin[0])

        def url(kwarg: str, default: str) -> str | bool:
            if not ctor.has_kwarg(kwarg):
                return default
            value = ctor.kwarg(kwarg)
            if isinstance(value, Const) and value.value is None:
                return ""
            text, static = self._string(facts, origin[1], value)
            return text if static else False  # False: not known statically

        rows: list[RouteRow] = []
        openapi = url("openapi_url", "/openapi.json")
        if openapi is False:
            return [row("{?openapi_url}", None, False)]
        if openapi:
            docs, redirect = url("docs_url", "/docs"), url("swagger_ui_oauth2_redirect_url", "/docs/oauth2-redirect")
            redoc = url("redoc_url", "/redoc")
            wanted = [(openapi, "openapi"), (docs, "swagger_ui_html")]
            if docs:
                wanted.append((redirect, "swagger_ui_redirect"))
            wanted.append((redoc, "redoc_html"))
            for path, name in wanted:
                if path is False:
                    return rows + [row("{?docs}", None, False)]  # the rest of setup() is not known
                if path:
                    rows.append(row(path, name))
        return rows

    # ------------------------------------------------------------ the walk

    def _rows(self, app: str, owner_id: OwnerId, depth: int, seen: frozenset, listed: bool = True) -> list[RouteRow]:
        """The rows of ``owner_id`` in matching order, their paths relative to its includer
        (its own prefix, tags and dependencies applied; not to its ``routes=[...]``, which
        come first, as they are)."""
        owner = self.owners.get(owner_id)
        if owner is None or depth > _MAX_DEPTH or owner_id in seen:
            return []
        self._spent += 1
        first = self._listed_rows(app, owner_id) if listed else []
        facts = self.project.modules.get(owner_id[0])
        own = self._own_context(owner, facts, owner_id[1])
        entries = []
        for module, registration in self.index.routes.get(owner_id, []):
            entries.append((self._position(owner_id, module, registration), "route", (module, registration)))
        for include in self._children.get(owner_id, []):
            entries.append((self._at(owner_id, include.module, include.registration.line, 0), "include", include))
        for module, scoped in self._mounts.get(owner_id, []):
            entries.append((self._at(owner_id, module, scoped.call.line, 0), "mount", (module, scoped)))
        entries.sort(key=lambda entry: entry[0])
        rows: list[RouteRow] = []
        label = _label(owner_id)
        self.reached.add(owner_id)
        for _, kind, item in entries:
            if kind == "route":
                module, registration = item
                line = registration.line
                scope = self._scope_of(self.project.modules[module], registration.call, registration)
                condition = self._condition(owner_id, module, line, scope)
                row = self._row_of(module, registration)
                owner = registration.owner
                rebound = owner.call is not None and owner.origin is not None and owner.origin[0] == module \
                    and owner.call.line > line
                step = Step(registration, module, scope, line, row.path, row.static, condition, self._branch(module, line))
                rows.append(_replace(row, app=app, router=label, condition=condition, trail=(step,),
                                     registration=registration, module=module, rebound=rebound))
            elif kind == "mount":
                module, scoped = item
                condition = self._condition(owner_id, module, scoped.call.line, scoped.scope)
                row = self._mount_row(app, label, *item)
                step = Step(scoped, module, scoped.scope, scoped.call.line, row.path, row.static, condition,
                            self._branch(module, scoped.call.line))
                rows.append(_replace(row, condition=condition, trail=(step,), module=module))
            else:
                include = item
                condition = self._condition(owner_id, include.module, include.registration.line, include.scope)
                if include.child is None:
                    target = include.call.arg(0, "router")
                    path = "{?" + show(target) + "}"
                    step = Step(include.registration, include.module, include.scope, include.registration.line,
                                path, False, condition, self._branch(include.module, include.registration.line))
                    rows.append(RouteRow(app, label, "include", (), path, False, None, None,
                                         show(target), self.files.get(include.module), include.registration.line,
                                         None, None, None, None, None, None, condition=condition, trail=(step,),
                                         module=include.module))
                    continue
                if self._spent > _MAX_WALK:
                    # routers included by several routers each, level after level: the
                    # ways down multiply; past the budget an include is one unknown row
                    step = Step(include.registration, include.module, include.scope, include.registration.line,
                                "{?…}", False, condition, self._branch(include.module, include.registration.line))
                    rows.append(RouteRow(app, label, "include", (), "{?…}", False, None, None, show(
                        include.call.arg(0, "router")), self.files.get(include.module), include.registration.line,
                        None, None, None, None, None, None, condition=condition, trail=(step,), module=include.module))
                    continue
                context = self._include_context(include)
                for row in self._rows(app, include.child, depth + 1, seen | {owner_id}):
                    self._spent += 1
                    row = _under(context, row)
                    step = Step(include.registration, include.module, include.scope, include.registration.line,
                                row.path, row.static, condition, self._branch(include.module, include.registration.line))
                    row = _replace(row, trail=(step, *row.trail))
                    rows.append(row if row.condition or not condition else _replace(row, condition=condition))
        return first + [_under(own, row) if row.kind != "builtin" else row for row in rows]

    # ------------------------------------------------------------ routes=[...]

    def _listed_rows(self, app: str, owner_id: OwnerId) -> list[RouteRow]:
        """The rows of ``routes=[Route(...), Mount(...), WebSocketRoute(...)]`` given to the
        app's or router's constructor (its prefix does not apply to them)."""
        owner = self.owners.get(owner_id)
        ctor = owner.call if owner is not None else None
        if ctor is None or not ctor.has_kwarg("routes"):
            return []  # told without decoding the module's facts
        facts = self.project.modules.get(owner_id[0])
        if facts is None:
            return []
        self.reached.add(owner_id)
        rows = self._route_list(app, _label(owner_id), facts, owner_id[1], ctor.kwarg("routes"), ctor.line, 0)
        branch = self._branch(owner_id[0], ctor.line)
        return [_replace(row, trail=(Step(row.registration, owner_id[0], owner_id[1], ctor.line, row.path, row.static,
                                          None, branch),), registration=None) for row in rows]

    def _route_list(self, app: str, router: str, facts: ModuleFacts, scope: str, value, line: int,
                    depth: int) -> list[RouteRow]:
        if value is None or (isinstance(value, Const) and value.value in (None, ())):
            return []
        if isinstance(value, Ref) and depth < 3:
            symbol = self.project.resolve(facts, scope, value.dotted)
            if symbol is not None and symbol.origin is not None and symbol.value is not None:
                other = self.project.modules.get(symbol.origin[0])
                if other is not None:
                    return self._route_list(app, router, other, symbol.origin[1], symbol.value, line, depth + 1)
        if isinstance(value, Seq):
            rows = []
            for item in value.items:
                rows.extend(self._route_item(app, router, facts, scope, item, line))
            return rows
        return [self._unknown_row(app, router, facts.module, value, line)]

    def _unknown_row(self, app: str, router: str, module: str, value, line: int) -> RouteRow:
        shown = show(value)
        # registration: the summary, by identity, for the trail (see _listed_rows)
        return RouteRow(app, router, "include", (), "{?" + shown + "}", False, None, None, shown,
                        self.files.get(module), getattr(value, "line", line), None, None, None, None, None, None,
                        registration=value, module=module)

    def _route_item(self, app: str, router: str, facts: ModuleFacts, scope: str, item, line: int) -> list[RouteRow]:
        kind = None
        if isinstance(item, CallValue) and item.callee:
            symbol = self.project.resolve(facts, scope, item.callee)
            kind = ROUTE_OBJECTS.get(canonical(symbol.qualname)) if symbol is not None and symbol.qualname else None
        if kind is None or kind == "host":
            return [self._unknown_row(app, router, facts.module, item, line)]
        path, static = self._string(facts, scope, item.arg(0, "path"), "")
        if item.arg(0, "path") is None or any(name is None for name, _ in item.kwargs):
            path, static = "{?path}", False
        explicit = item.kwarg("name")
        name = explicit.value if isinstance(explicit, Const) and isinstance(explicit.value, str) else None
        if kind == "mount":
            target = item.arg(1, "app")
            handler = show(target) if target is not None else "routes=[...]"
            return [RouteRow(app, router, "mount", (), path.rstrip("/"), static, name, None, handler,
                             self.files.get(facts.module), item.line, None, None, None, None, None, None,
                             registration=item, module=facts.module)]
        endpoint = item.arg(1, "endpoint")
        handler, function, is_class = None, None, False
        if isinstance(endpoint, Ref):
            symbol = self.project.resolve(facts, scope, endpoint.dotted)
            handler = endpoint.dotted
            if symbol is not None and symbol.project_ref is not None:
                module, key = symbol.project_ref
                other = self.project.modules.get(module)
                if other is not None:
                    handler = other.qualname_of_key(key)
                    function = other.functions.get(key)
                    is_class = key in other.classes
            elif symbol is not None and symbol.qualname:
                handler = symbol.qualname
        elif endpoint is not None:
            handler = show(endpoint)
        if name is None and explicit in (None, Const(None)) and isinstance(endpoint, Ref):
            name = endpoint.dotted.rsplit(".", 1)[-1]  # starlette.routing.get_name: __name__
        if kind == "websocket":
            return [RouteRow(app, router, "websocket", (), path, static, name, None, handler,
                             self.files.get(facts.module), item.line, (), (), None, None, False, "websocket",
                             registration=item, module=facts.module)]
        value = item.kwarg("methods")
        if value is None or value == Const(None):
            if kind == "api_route":
                methods: tuple[str, ...] = ("GET",)
            elif is_class or function is None and not isinstance(endpoint, Ref):
                methods = ("?",)  # an HTTPEndpoint class answers the methods it defines
            else:
                methods = ("GET", "HEAD")
        elif isinstance(value, Const) and isinstance(value.value, tuple):
            methods = tuple(sorted({str(m).upper() for m in value.value}))
            if kind == "route" and "GET" in methods and "HEAD" not in methods:
                methods = tuple(sorted((*methods, "HEAD")))
        else:
            methods = ("?",)
        return [RouteRow(app, router, "route", methods, path, static, name, None, handler,
                         self.files.get(facts.module), item.line, (), (), None, None, False, None,
                         registration=item, module=facts.module)]

    def _position(self, owner_id: OwnerId, module: str, registration) -> tuple:
        if registration.decorator_index is not None and registration.function_key:
            function = self.project.modules[module].functions.get(registration.function_key)
            if function is not None:
                # stacked decorators: the one nearest the def registers first
                return self._at(owner_id, module, function.line, -registration.decorator_index)
        return self._at(owner_id, module, registration.line, 0)

    def _condition(self, owner_id: OwnerId, module: str, line: int, scope: str) -> str | None:
        if module != owner_id[0]:
            return "import"
        if scope != owner_id[1]:
            return "call"
        if line in self.branches.get(module, ()):
            return "branch"
        return None

    def _branch(self, module: str, line: int) -> bool:
        return line in self.branches.get(module, ())

    @staticmethod
    def _at(owner_id: OwnerId, module: str, line: int, within: int) -> tuple:
        # Registrations in the owner's own module run in source order; those in another
        # module (``from main import app``) run when it is imported: after, as far as we know.
        return (module != owner_id[0], module, line, within)

    def _own_context(self, owner, facts: ModuleFacts | None, scope: str) -> _Context:
        ctor = owner.call
        if ctor is None or facts is None:
            return _Context("", True, (), (), False)
        if any(name is None for name, _ in ctor.kwargs):
            return _Context("{?**}", False, None, None, None)
        custom = self._custom_init(owner.instance_of)
        if custom is not None:  # ``class VersionedRouter(APIRouter)`` choosing its own prefix
            return _Context("{?" + custom + "}", False, None, None, None, True)
        is_app = self.project.is_subclass(owner.instance_of, _FASTAPI_APP)
        prefix = ("", True) if is_app else self._string(facts, scope, ctor.kwarg("prefix"), "")
        return _Context(prefix[0], prefix[1], _strings(ctor.kwarg("tags")),
                        _dependencies(ctor.kwarg("dependencies")), _flag(ctor.kwarg("deprecated")),
                        ctor.has_kwarg("generate_unique_id_function"))

    def _custom_init(self, qualname: str | None, depth: int = 0) -> str | None:
        """The name of a project class (the app's or router's, or one of its bases) whose
        ``__init__`` may pass FastAPI settings the constructor call does not show."""
        if not qualname or depth > 5:
            return None
        symbol = self.project.resolve_qualname(qualname)
        if symbol is None or symbol.project_ref is None:
            return None
        module, key = symbol.project_ref
        facts = self.project.modules.get(module)
        klass = facts.classes.get(key) if facts is not None else None
        if klass is None:
            return None
        if f"{key}/__init__" in facts.functions:
            return klass.name
        for base in klass.bases:
            if isinstance(base, Ref):
                resolved = self.project.resolve(facts, klass.scope, base.dotted)
                found = self._custom_init(resolved.qualname if resolved else None, depth + 1)
                if found is not None:
                    return found
        return None

    def _app_url(self, app, attr: str) -> str | None:
        """``app.docs_url`` and the like of a FastAPI app whose constructor call shows it
        (``custom_docs_ui``: ``@app.get(app.swagger_ui_oauth2_redirect_url)``)."""
        if app is None or app.call is None or app.origin is None \
                or not self.project.is_subclass(app.instance_of, _FASTAPI_APP) \
                or any(name is None for name, _ in app.call.kwargs) or self._custom_init(app.instance_of):
            return None
        if not app.call.has_kwarg(attr):
            return _APP_URLS[attr]
        value = app.call.kwarg(attr)
        return value.value if isinstance(value, Const) and isinstance(value.value, str) else None

    def _include_context(self, include) -> _Context:
        call = include.call
        facts = self.project.modules.get(include.module)
        if any(name is None for name, _ in call.kwargs):
            return _Context("{?**}", False, None, None, None)
        prefix = self._string(facts, include.scope, call.kwarg("prefix"), "")
        return _Context(prefix[0], prefix[1], _strings(call.kwarg("tags")),
                        _dependencies(call.kwarg("dependencies")), _flag(call.kwarg("deprecated")),
                        call.has_kwarg("generate_unique_id_function"))

    def _string(self, facts: ModuleFacts | None, scope: str, value: Value | None, default: str = "") -> tuple[str, bool]:
        """``(text, static)``: a literal, a name bound to one, or ``{?spelling}``."""
        if value is None or (isinstance(value, Const) and value.value is None):
            return default, True
        if isinstance(value, Const) and isinstance(value.value, str):
            return value.value, True
        if isinstance(value, Ref) and facts is not None:
            symbol = self.project.resolve(facts, scope, value.dotted)
            if symbol is not None and isinstance(symbol.value, Const) and isinstance(symbol.value.value, str):
                return symbol.value.value, True
            receiver, _, attr = value.dotted.rpartition(".")
            if attr in _APP_URLS and receiver:
                found = self._app_url(self.project.resolve(facts, scope, receiver), attr)
                if found is not None:
                    return found, True
        if isinstance(value, FString):
            parts = [p if isinstance(p, str) else "{?" + show(p) + "}" for p in value.parts]
            return "".join(parts), False
        return "{?" + show(value) + "}", False

    # ------------------------------------------------------------ rows

    def _row_of(self, module: str, registration) -> RouteRow:
        """The row of a route registration, its app and router left blank: one per
        registration, built for all of a module's at once; without shown file names, kept
        per module by the project (an edit in the language server rebuilds one module's)."""
        rows = self._rows_of.get(module)
        if rows is None:
            if self.files:
                built = self._module_rows(module)
            else:
                built = self.project.memo(("route_rows_in", module), lambda: self._module_rows(module))
            rows = self._rows_of[module] = {id(registration): row for registration, row in built}
        row = rows.get(id(registration))
        return row if row is not None else self._route_row("", "", module, registration)

    def _module_rows(self, module: str) -> tuple:
        return tuple((registration, self._route_row("", "", module, registration))
                     for registration in module_registrations(self.project, module)
                     if registration.kind in ("route", "websocket") and registration.owner.origin is not None)

    def _route_row(self, app: str, router: str, module: str, registration) -> RouteRow:
        facts = self.project.modules[module]
        call = registration.call
        scope = self._scope_of(facts, call, registration)
        method = call.callee.rsplit(".", 1)[-1] if call.callee else ""
        websocket = registration.kind == "websocket"
        path, static = self._string(facts, scope, call.arg(0, "path"), "")
        if call.arg(0, "path") is None:
            path, static = "{?path}", False
        if websocket:
            methods: tuple[str, ...] = ()
        elif method in HTTP_METHOD_DECORATORS:
            methods = (method.upper(),)
        else:
            value = call.kwarg("methods")
            if value is None or (isinstance(value, Const) and value.value is None):
                methods = ("GET", "HEAD") if method in _STARLETTE_ROUTE else ("GET",)
            elif isinstance(value, Const) and isinstance(value.value, tuple):
                methods = tuple(sorted({str(m).upper() for m in value.value}))
                if method in _STARLETTE_ROUTE and "GET" in methods and "HEAD" not in methods:
                    methods = tuple(sorted((*methods, "HEAD")))
            else:
                methods = ("?",)
        handler, function = self._handler(facts, scope, registration)
        name = self.index._route_name(module, registration)
        if name is None and not call.has_kwarg("name") and handler:
            name = handler.rsplit(".", 1)[-1]
        operation_id = None
        explicit = call.kwarg("operation_id")
        if isinstance(explicit, Const) and isinstance(explicit.value, str):
            operation_id = explicit.value
        elif (explicit is None or explicit == Const(None)) and not websocket and method not in _STARLETTE_ROUTE \
                and not call.has_kwarg("generate_unique_id_function") and all(k is not None for k, _ in call.kwargs):
            operation_id = _GENERATE
        response_model = call.kwarg("response_model")
        if response_model is not None:
            shown_model = show(response_model)
        elif function is not None and function.returns is not None and not websocket:
            shown_model = show(function.returns)
        else:
            shown_model = None
        dependencies = _dependencies(call.kwarg("dependencies"))
        if dependencies is not None and function is not None:
            dependencies += _parameter_dependencies(function)
        return RouteRow(
            app, router, "websocket" if websocket else "route", methods, path, static, name, operation_id,
            handler, self.files.get(module), registration.line,
            _strings(call.kwarg("tags")), dependencies, shown_model,
            self._status(facts, scope, call.kwarg("status_code")), _flag(call.kwarg("deprecated")),
            "websocket" if websocket else None,
        )

    def _mount_row(self, app: str, router: str, module: str, scoped) -> RouteRow:
        facts = self.project.modules[module]
        call = scoped.call
        path, static = self._string(facts, scoped.scope, call.arg(0, "path"), "")
        target = call.arg(1, "app")
        handler = show(target) if target is not None else None
        if isinstance(target, Ref):
            symbol = self.project.resolve(facts, scoped.scope, target.dotted)
            if symbol is not None and symbol.origin is not None:
                handler = _label(symbol.origin)
        elif isinstance(target, CallValue) and target.callee:
            symbol = self.project.resolve(facts, scoped.scope, target.callee)
            handler = f"{symbol.qualname}(...)" if symbol is not None and symbol.qualname else show(target)
        name = self._string(facts, scoped.scope, call.kwarg("name"))[0] if call.has_kwarg("name") else None
        return RouteRow(app, router, "mount", (), path.rstrip("/"), static, name or None, None, handler,
                        self.files.get(module), call.line, None, None, None, None, None, None)

    def _scope_of(self, facts: ModuleFacts, call: CallValue, registration) -> str:
        if registration.decorator_index is not None and registration.function_key:
            function = facts.functions.get(registration.function_key)
            if function is not None:
                return function.scope
        scopes = self._call_scopes.get(facts.module)
        if scopes is None:  # once per module: thousands of add_api_route calls exist
            scopes = self._call_scopes[facts.module] = {id(scoped.call): scoped.scope for scoped in facts.calls}
        return scopes.get(id(call), MODULE_SCOPE)

    def _handler(self, facts: ModuleFacts, scope: str, registration):
        if registration.function_key:
            function = facts.functions.get(registration.function_key)
            return facts.qualname_of_key(registration.function_key), function
        target = registration.call.arg(1, "endpoint")
        if isinstance(target, Ref):
            symbol = self.project.resolve(facts, scope, target.dotted)
            if symbol is not None and symbol.project_ref is not None:
                module, key = symbol.project_ref
                other = self.project.modules.get(module)
                if other is not None:
                    return other.qualname_of_key(key), other.functions.get(key)
            if symbol is not None and symbol.qualname:
                return symbol.qualname, None
            return target.dotted, None
        return (show(target) if target is not None else None), None

    def _status(self, facts: ModuleFacts, scope: str, value: Value | None) -> int | str | None:
        if value is None or (isinstance(value, Const) and value.value is None):
            return None
        if isinstance(value, Const) and isinstance(value.value, int):
            return value.value
        if isinstance(value, Ref):
            symbol = self.project.resolve(facts, scope, value.dotted)
            code = status_code_of(symbol.qualname if symbol else None)
            if code is not None:
                return code
        return show(value)


def _label(origin: OwnerId) -> str:
    module, scope, name = origin
    return f"{module}:{name}" if scope == MODULE_SCOPE else f"{module}:{scope}.{name}"


def _strings(value: Value | None) -> tuple | None:
    if value is None or (isinstance(value, Const) and value.value is None):
        return ()
    if isinstance(value, Const) and isinstance(value.value, tuple):
        return tuple(str(v) for v in value.value)
    if isinstance(value, Seq) and all(isinstance(i, Const) for i in value.items):
        return tuple(str(i.value) for i in value.items)
    return None


def _dependencies(value: Value | None) -> tuple | None:
    if value is None or (isinstance(value, Const) and value.value in (None, ())):
        return ()
    if isinstance(value, Seq):
        out = []
        for item in value.items:
            if isinstance(item, CallValue) and item.callee and item.callee.rsplit(".", 1)[-1] in ("Depends", "Security"):
                target = item.arg(0, "dependency")
                out.append(show(target) if target is not None else show(item))
            else:
                out.append(show(item))
        return tuple(out)
    return None


def _depends_target(value) -> str | None:
    if isinstance(value, CallValue) and value.callee and value.callee.rsplit(".", 1)[-1] in ("Depends", "Security"):
        target = value.arg(0, "dependency")
        return show(target) if target is not None else "(the annotation)"
    return None


def _parameter_dependencies(function) -> tuple[str, ...]:
    """The endpoint's own ``Depends(...)`` parameters, in signature order (FastAPI solves
    them after the ``dependencies=`` of the route)."""
    found = []
    for param in function.params:
        target = _depends_target(param.default)
        annotation = param.annotation
        if target is None and isinstance(annotation, Subscript) and (annotation.base or "").endswith("Annotated"):
            for item in annotation.items[1:]:
                target = _depends_target(item)
                if target is not None:
                    break
        if target is not None:
            found.append(target)
    return tuple(found)


def _flag(value: Value | None) -> bool | None:
    if value is None or (isinstance(value, Const) and value.value is None):
        return False
    if isinstance(value, Const) and isinstance(value.value, bool):
        return value.value
    return None


def _join_tuples(first, second):
    return None if first is None or second is None else first + second


def _under(context: _Context, row: RouteRow) -> RouteRow:
    """``row`` as seen one level up: the includer's prefix, tags and dependencies first."""
    if row.kind == "include":
        return _replace(row, path=context.path + row.path, static=False)
    deprecated = None if context.deprecated is None or row.deprecated is None else (context.deprecated or row.deprecated)
    if row.kind == "mount":
        return _replace(row, path=context.path + row.path, static=context.static and row.static)
    operation_id = None if context.custom_ids and row.operation_id == _GENERATE else row.operation_id
    return _replace(
        row, path=context.path + row.path, static=context.static and row.static, operation_id=operation_id,
        tags=_join_tuples(context.tags, row.tags), dependencies=_join_tuples(context.dependencies, row.dependencies),
        deprecated=deprecated,
    )


_ROW_FIELDS = frozenset(RouteRow.__dataclass_fields__)


def _replace(row: RouteRow, **changes) -> RouteRow:
    """``dataclasses.replace`` for rows, without its per-call cost (thousands per table):
    a copy of the row's fields with ``changes`` (RouteRow has no ``__post_init__``)."""
    if not changes.keys() <= _ROW_FIELDS:
        raise TypeError(f"RouteRow has no field {sorted(changes.keys() - _ROW_FIELDS)[0]!r}")
    new = object.__new__(type(row))
    fields = new.__dict__
    fields.update(row.__dict__)
    fields.update(changes)
    return new


_CONVERTOR = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*):[a-zA-Z_][a-zA-Z0-9_]*}")
_NON_WORD = re.compile(r"\W")


def _renumber(row: RouteRow, order: int) -> RouteRow:
    operation_id = row.operation_id
    if operation_id == _GENERATE:
        # fastapi.utils.generate_unique_id; with several methods FastAPI picks one from a set
        operation_id = None
        if row.static and len(row.methods) == 1 and row.name and row.methods[0] != "?":
            path_format = _CONVERTOR.sub(r"{\1}", row.path)
            operation_id = _NON_WORD.sub("_", f"{row.name}{path_format}") + f"_{row.methods[0].lower()}"
    return _replace(row, order=order, operation_id=operation_id)


# ---------------------------------------------------------------- matching


def match(table: AppTable, method: str, path: str, websocket: bool = False) -> Match:
    """The row Starlette would hand ``method path`` to, trying routes in order: the first
    whose path and method match; else the first whose path matches (a 405); else, as
    ``redirect_slashes`` does, the route of the path with the final slash added or removed,
    which the client is redirected to."""
    found = _match(table, method, path, websocket)
    if found.row is None and not websocket and path != "/" and table.redirect_slashes:
        other = path[:-1] if path.endswith("/") else path + "/"
        again = _match(table, method, other, websocket)
        if again.row is not None and not again.partial:
            return Match(again.row, again.shadowed, False, found.uncertain, redirect=other)
    return found


def _match(table: AppTable, method: str, path: str, websocket: bool) -> Match:
    method = method.upper()
    full: list[RouteRow] = []
    partial: RouteRow | None = None
    uncertain: list[RouteRow] = []
    for row in table.rows:
        if row.kind == "include":
            if not full:
                uncertain.append(row)
            continue
        if not row.static:
            if not full:
                uncertain.append(row)
            continue
        if row.kind == "mount":
            template = row.path + "/{path:path}"
        else:
            template = row.path
        matcher = path_matcher(template)
        if matcher is None:
            if not full:
                uncertain.append(row)
            continue
        if not matcher.fullmatch(path):
            continue
        if row.kind == "mount":
            full.append(row)
        elif row.kind == "websocket":
            if websocket:
                full.append(row)
        elif websocket:
            continue
        elif method in row.methods:
            full.append(row)
        elif partial is None:
            partial = row
    if full:
        # A later route that matches as well is shadowed for this request when it is at
        # least as specific as the one that serves it (``/users/me`` after ``/users/{id}``);
        # a parameter route after a literal one is the intended order.
        first = _parameters(full[0])
        shadowed = tuple(row for row in full[1:] if _parameters(row) <= first)
        return Match(full[0], shadowed, False, tuple(uncertain))
    if partial is not None:
        return Match(partial, (), True, tuple(uncertain))
    return Match(None, (), False, tuple(uncertain))


def _parameters(row: RouteRow) -> int:
    return len(path_parameters(row.path)) + (row.kind == "mount")


def build_tables(project: Project, files: dict[str, str] | None = None) -> list[AppTable]:
    return RouteTable(project, files).apps()


# ---------------------------------------------------------------- unreachable routes


@dataclass(frozen=True)
class Conflict:
    """``later`` can never serve the requests ``earlier`` takes first (FAPI205/FAPI206)."""

    earlier: RouteRow  # a route, websocket or mount
    later: RouteRow
    level: int  # index in both trails of the entries of the app or router where they part
    methods: frozenset[str]  # the methods ``later`` loses ("WEBSOCKET" for websockets)
    duplicate: bool  # the same path; else ``earlier`` matches every request of ``later``'s path

    @property
    def earlier_path(self) -> str:
        """The earlier route's path as the app or router they share sees it."""
        return self.earlier.trail[self.level].path

    @property
    def later_path(self) -> str:
        return self.later.trail[self.level].path

    @property
    def same_router(self) -> bool:
        """Both registered directly on the one app or router where they part."""
        return len(self.earlier.trail) == len(self.later.trail) == self.level + 1


# Values a request could carry in a parameter of each convertor: the later route is
# unreachable only if the earlier one matches all of them, not just one sample.
_PROBES = {
    "str": ("x", "7", "1.5", "a-b.c"),
    "int": ("0", "42"),
    "float": ("0", "1.5"),
    "uuid": ("00000000-0000-0000-0000-000000000000",),
    "path": ("x", "x/y"),
}
_MAX_PROBES = 64
_FIXED_WIDTH = frozenset(_PROBES) - {"path"}
_ANY_SHAPE = "any"
_KEYED_SEGMENTS = 8  # at most 2**8 lookups per route
_ALL_METHODS = frozenset({"*"})  # a mount takes every method
_KEPT = 16  # earlier routes kept per path shape and method


def _row_methods(row: RouteRow) -> frozenset[str] | None:
    if row.kind == "websocket":
        return frozenset({"WEBSOCKET"})
    if row.kind == "mount":
        return _ALL_METHODS
    if row.kind != "route" or not row.methods or "?" in row.methods:
        return None
    return frozenset(row.methods)


def _keys(path: str, mount: bool = False) -> tuple[object, tuple]:
    """The bucket ``path`` is filed under, and the buckets of earlier paths to compare it with.

    A template without a ``path`` (or custom) convertor matches a fixed number of segments,
    each either a literal or one with a parameter, which matches any literal: an earlier
    template can only match every request of a later one when it has the same count and,
    segment by segment, the same literal or a parameter. So a path is filed under its
    segments with parameters as None, and looked up under every way of replacing its
    literals by None: a handful of lookups instead of every pair (5,000 routes of one shape
    on one router exist). Literals past the first ``_KEYED_SEGMENTS`` count as parameters
    in both, which only widens the comparison. Mounts and ``path`` convertors match any
    number of segments: they are filed under ``_ANY_SHAPE``, which every path looks in."""
    if mount or any(p.convertor not in _FIXED_WIDTH for p in path_parameters(path)):
        return _ANY_SHAPE, (_ANY_SHAPE,)
    shape = [None if "{" in segment or i >= _KEYED_SEGMENTS else segment
             for i, segment in enumerate(path.split("/"))]
    choices = [(segment, None) if segment is not None else (None,) for segment in shape]
    return tuple(shape), (*itertools.product(*choices), _ANY_SHAPE)


def captures(earlier: str, later: str) -> bool:
    """Whether the template ``earlier`` matches every request path the template ``later``
    accepts (checked on probe values of each parameter; each check is linear)."""
    matcher = path_matcher(earlier)
    sample = sample_path(later)
    if matcher is None or sample is None or not matcher.fullmatch(sample):
        return False
    params = path_parameters(later)
    if not params:
        return True
    probes = [_PROBES.get(p.convertor) for p in params]
    if None in probes:
        return False
    pieces = _split(later)
    for n, combination in enumerate(itertools.product(*probes)):
        if n >= _MAX_PROBES:
            break
        concrete = "".join(piece if isinstance(piece, str) else combination[piece] for piece in pieces)
        if not matcher.fullmatch(concrete):
            return False
    return True


def _split(path: str) -> list:
    """The template as literal strings and parameter indexes, e.g. ['/a/', 0, '/b']."""
    out: list = []
    end = 0
    for index, found in enumerate(_PARAM.finditer(path)):
        out.append(path[end:found.start()])
        out.append(index)
        end = found.end()
    out.append(path[end:])
    return out


def unreachable(rows: list[RouteRow]) -> list[Conflict]:
    """Routes of one route list (an app's, in matching order) an earlier route or mount
    answers first: for each later route, the earlier ones that match all its requests for
    a method it has, in matching order (the first ``_KEPT`` of each path shape and method:
    a route needs one, and thousands of copies of one route exist). Two rows are compared
    where their ways down from the app part: under the app or router they share, at its
    entries for each (a route registration, or the ``include_router`` each is under); only
    when those two entries are registered in one module and one scope, so that they run in
    source order, and when nothing below the earlier entry makes the earlier route
    conditional (a registration in another module or in a function). Paths are compared as
    that app or router sees them, so a prefix not known above it does not matter."""
    candidates = [(row, _row_methods(row)) for row in rows]
    # (owner key, module, scope) -> [current entry, pending rows, {(shape, method): [index]}]
    groups: dict[tuple, list] = {}
    found: list[Conflict] = []
    for index, (row, methods) in enumerate(candidates):
        if methods is None or not row.trail or row.rebound:
            continue
        mount = row.kind == "mount"
        # A route of a ``routes=[...]`` list has no registration to report on: it is only
        # compared as an earlier one, so the table marks nothing the rules cannot report.
        reported = not mount and row.registration is not None
        later: set[tuple[int, int]] = set()
        owner_key: tuple = ()
        for level, step in enumerate(row.trail):
            group = groups.setdefault((owner_key, step.module, step.scope), [None, [], {}])
            owner_key += (id(step.entry),)
            if group[0] is not step.entry:
                for earlier, keys in group[1]:
                    for key in keys:
                        bucket = group[2].setdefault(key, [])
                        if len(bucket) < _KEPT:
                            bucket.append(earlier)
                group[0], group[1] = step.entry, []
            if not step.static:
                continue
            own_key, lookups = _keys(step.path, mount)
            if reported:
                for key in lookups:
                    for method in (*methods, "*"):
                        later.update((earlier, level) for earlier in group[2].get((key, method), ()))
            if not _earlier_conditional(row, level):
                group[1].append((index, [(own_key, method) for method in methods]))
        for earlier_index, level in sorted(later):
            conflict = _conflict(candidates[earlier_index], (row, methods), level)
            if conflict is not None:
                found.append(conflict)
    return found


def _earlier_conditional(row: RouteRow, level: int) -> bool:
    return any(step.condition is not None for step in row.trail[level + 1:])


def _conflict(earlier_pair, later_pair, level: int) -> Conflict | None:
    earlier, earlier_methods = earlier_pair
    later, methods = later_pair
    if earlier.registration is not None and earlier.registration is later.registration:
        return None  # one route reached twice (its router included twice): FAPI217's
    overlap = methods if earlier.kind == "mount" else earlier_methods & methods
    if not overlap:
        return None
    first, second = earlier.trail[level].path, later.trail[level].path
    if earlier.kind == "mount":
        if not captures(first + "/{path:path}", second):
            return None
        return Conflict(earlier, later, level, overlap, False)
    if first == second:
        return Conflict(earlier, later, level, overlap, True)
    if not path_parameters(first):
        return None
    one, other = earlier.registration, later.registration
    if one is not None and other is not None and one.function_key is not None \
            and one.function_key == other.function_key and earlier.module == later.module:
        return None  # one endpoint under both paths: whichever matches, the same code runs
    if not captures(first, second):
        return None
    return Conflict(earlier, later, level, overlap, False)


def registration_key(registration) -> tuple | None:
    """What identifies a registration in both passes (the model's registrations are
    rebuilt for each use; their facts are the same)."""
    if registration is None or not hasattr(registration, "function_key"):
        return None
    return (registration.kind, registration.call, registration.decorator_index, registration.function_key)


def route_conflicts(project: Project, module: str) -> dict[tuple, list[Conflict]]:
    """Every :class:`Conflict` whose later route is registered in ``module``, in the
    project's apps (and the routers no app includes), by the later route's
    :func:`registration_key`, earliest first. The tables are built once per project;
    each table's conflicts are found when a module with a row in it first asks (an edit
    in the language server then checks only the tables the edited module is in)."""
    return project.memo(("route_conflicts",), lambda: _RouteConflicts(project)).of(module)


class _RouteConflicts:
    """The route lists of a project's apps and lone routers, and their conflicts found
    table by table, on demand (FAPI205 and FAPI206 read them)."""

    def __init__(self, project: Project):
        table = RouteTable(project)
        self.lists = [app.rows for app in table.apps()] + [rows for _, rows in table.routers()]
        self.tables_of: dict[str, list[int]] = {}  # module -> the lists with a row of it, in order
        for number, rows in enumerate(self.lists):
            for module in dict.fromkeys(row.module or "" for row in rows):
                self.tables_of.setdefault(module, []).append(number)
        self._found: dict[int, list[Conflict]] = {}

    def of(self, module: str) -> dict[tuple, list[Conflict]]:
        out: dict[tuple, list[Conflict]] = {}
        for number in self.tables_of.get(module, ()):
            found = self._found.get(number)
            if found is None:
                found = self._found[number] = unreachable(self.lists[number])
            for conflict in found:
                later = conflict.later
                if (later.module or "") == module:
                    out.setdefault(registration_key(later.registration), []).append(conflict)
        return out


@module_share("route_table_in")
def _table_share(project: Project, module: str) -> tuple[tuple, tuple]:
    """What one module adds to the route table besides the index: the Starlette apps and
    the apps and routers given ``routes=[...]`` it binds (``(origin, symbol)``), and its
    ``x.mount(...)`` calls (``(origin, owner symbol, scoped call)``). Plain values, which
    the store keeps (``Project.share``): a table rebuilt after an edit decodes the facts
    of the modules the edit changed, not every module's."""
    facts = project.modules[module]
    constructed = []
    for scope_key, name in _constructor_bindings(project, module):
        symbol = project.resolve(facts, scope_key, name)
        if symbol is not None and symbol.origin is not None and symbol.call is not None and project.kind_of(symbol):
            constructed.append((symbol.origin, symbol))
    mounts = []
    for scoped in facts.calls:
        callee = scoped.call.callee or ""
        if callee.rsplit(".", 1)[-1] != "mount" or "." not in callee:
            continue
        owner = project.resolve(facts, scoped.scope, callee.rpartition(".")[0])
        if owner is not None and owner.origin is not None and project.kind_of(owner):
            mounts.append((owner.origin, owner, scoped))
    return tuple(constructed), tuple(mounts)


def _constructor_bindings(project: Project, module: str) -> tuple[tuple[str, str], ...]:
    """``(scope, name)`` of the module's bindings to a call of an app or router constructor or
    to any call given ``routes=``: a scan of the module's own facts, kept per module (the
    language server rebuilds the table per keystroke in a route path; the other modules'
    scans stay as they were)."""
    return project.share("constructor_bindings", module)


@module_share("constructor_bindings")
def _scan_constructor_bindings(project: Project, module: str) -> tuple[tuple[str, str], ...]:
    facts = project.modules[module]
    found = []
    for scope in facts.scopes.values():
        for name, binding in scope.bindings.items():
            value = binding.value
            if binding.kind != "value" or not isinstance(value, CallValue) or not value.callee:
                continue
            if value.callee.rsplit(".", 1)[-1] in _CONSTRUCTORS or value.has_kwarg("routes"):
                found.append((scope.key, name))
    return tuple(found)


@dataclass(frozen=True)
class RouteClash:
    """What FAPI205/FAPI206 need of one :class:`Conflict`, as plain values: the answer of a
    question about one module (``route_clashes``), which the store keeps, so a file is
    linted again without rebuilding the project's route table while it is unchanged."""

    later: tuple  # registration_key of the later route
    parting: tuple  # ((module, registration_key) of the earlier entry, of the later) where the routes part
    below: tuple  # (module, registration_key) of each entry under the earlier entry, down to the earlier route
    methods: tuple  # sorted; the methods the later route loses
    duplicate: bool
    earlier_kind: str  # route | websocket | mount
    earlier_path: str
    later_path: str
    where: str  # how a message points at the earlier route: "line N" or "module, line N"
    same_router: bool
    app: str


@query
def route_clashes(project: Project, module: str) -> tuple[RouteClash, ...]:
    """The conflicts of the routes registered in ``module``, earliest first."""
    def step(one: Step) -> tuple:
        return (one.module, registration_key(one.entry))

    out = []
    for key, conflicts in route_conflicts(project, module).items():
        for conflict in conflicts:
            earlier, later, level = conflict.earlier, conflict.later, conflict.level
            where = (f"line {earlier.line}" if earlier.module == later.module
                     else f"{earlier.module}, line {earlier.line}")
            out.append(RouteClash(
                key, (step(earlier.trail[level]), step(later.trail[level])),
                tuple(step(below) for below in earlier.trail[level + 1:]), tuple(sorted(conflict.methods)),
                conflict.duplicate, earlier.kind, conflict.earlier_path, conflict.later_path, where,
                conflict.same_router, later.app,
            ))
    return tuple(out)

