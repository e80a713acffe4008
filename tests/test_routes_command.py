"""``fastapi-lint routes``: the route table read statically, checked against the routes
real FastAPI builds when it imports the same code (the fixture projects and the bundled
example, copied to a temporary directory), and ``--match`` against Starlette's own
matching."""

from __future__ import annotations

import csv
import importlib
import io
import json
import shutil
import sys
import types
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, invoke, routers_included_many_ways

EXAMPLE = ROOT / "examples" / "demo_app"
PROJECTS = [EXAMPLE, *sorted(p for p in FIXTURES.iterdir() if p.is_dir() and (p / "app").is_dir())]
# Projects whose apps import with what the test extras install (third-party modules the
# test does not have are stubbed): for these an import failure is a failure.
IMPORTABLE = {"demo_app", "FAPI202", "FAPI205", "FAPI206", "FAPI209", "FAPI216", "FAPI217", "FAPI218"}


# ---------------------------------------------------------------- importing a project for real


class _StubMeta(type):
    def __getattr__(cls, name):
        return _Stub


class _Stub(metaclass=_StubMeta):
    """Whatever a missing third-party module provides: callable, subclassable, a decorator
    that leaves the function alone."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        return _Stub()

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]
        return _Stub()


def _stub_module(name: str) -> None:
    parts = name.split(".")
    for i in range(1, len(parts) + 1):
        dotted = ".".join(parts[:i])
        if dotted not in sys.modules:
            module = types.ModuleType(dotted)
            module.__getattr__ = lambda attr: _Stub  # type: ignore[attr-defined]
            module.__path__ = []  # a package, so submodules import
            module.__stub__ = True  # type: ignore[attr-defined]
            sys.modules[dotted] = module


def _load(project: Path, module: str, packages: set[str]):
    """Import ``module`` of the copied project, stubbing missing modules from outside it."""
    for _ in range(20):
        try:
            return importlib.import_module(module)
        except ImportError as exc:
            # a missing module, or a library saying one of its extras is (starlette's jinja2)
            missing = exc if isinstance(exc, ModuleNotFoundError) else exc.__cause__ or exc.__context__
            if not isinstance(missing, ModuleNotFoundError) or not missing.name \
                    or missing.name.split(".")[0] in packages:
                raise
            _stub_module(missing.name)
            for name in [n for n in sys.modules if n.split(".")[0] in packages]:
                del sys.modules[name]  # half-imported project modules: import them again
    raise ImportError(f"too many missing modules importing {module}")


def _flatten(routes):
    """``app.routes`` in matching order; FastAPI 0.12x+ keeps included routers as nodes."""
    for route in routes:
        kind = type(route).__name__
        if kind == "_IncludedRouter":
            yield from _flatten(route.effective_candidates())
        elif kind == "_EffectiveRouteContext":
            yield route.starlette_route or route
        else:
            yield route


def _runtime_ids(app) -> list:
    """Each route's OpenAPI operation id (explicit or generated); None for the others."""
    from fastapi.routing import APIRoute

    ids = []
    for route in _flatten(app.routes):
        if isinstance(route, APIRoute) or type(route).__name__ == "_EffectiveRouteContext":
            ids.append(route.operation_id or route.unique_id)
        else:
            ids.append(None)
    return ids


def _runtime_rows(app) -> list[tuple]:
    from starlette.routing import Mount, WebSocketRoute

    rows = []
    for route in _flatten(app.routes):
        if isinstance(route, Mount):
            rows.append(("mount", (), route.path, route.name))
        elif isinstance(route, WebSocketRoute) or "WebSocket" in type(route).__name__:
            rows.append(("websocket", (), route.path, route.name))
        else:
            rows.append(("route", tuple(sorted(route.methods or ())), route.path, route.name))
    return rows


def _static_rows(app: dict) -> list[tuple]:
    return [("route" if row["kind"] == "builtin" else row["kind"], tuple(sorted(row["methods"])), row["path"],
             row["name"]) for row in app["routes"]]


def _is_subsequence(short: list, long: list) -> bool:
    position = iter(long)
    return all(any(item == other for other in position) for item in short)


def _lenient_dependencies(monkeypatch) -> None:
    """The fixtures are deliberately flawed (``Depends(get_db())``, stubbed types): what
    FastAPI makes of a route's parameters does not change its path, methods or name, so an
    endpoint whose dependencies FastAPI rejects gets none instead of failing the import."""
    import fastapi.routing as routing

    build = getattr(routing, "_build_dependant_with_parameterless_dependencies", None)
    if build is None:
        return
    from fastapi.dependencies.models import Dependant

    def lenient(*, path, call, dependencies):
        try:
            return build(path=path, call=call, dependencies=dependencies)
        except Exception:  # noqa: BLE001
            return Dependant(call=call, path=path), [], False

    monkeypatch.setattr(routing, "_build_dependant_with_parameterless_dependencies", lenient)


@pytest.fixture
def imported(tmp_path, monkeypatch):
    """Copy a project to ``tmp_path`` and import its apps there; sys.modules is restored."""
    before = set(sys.modules)
    _lenient_dependencies(monkeypatch)
    loaded: set[str] = set()

    def load(project: Path):
        copy = tmp_path / project.name
        shutil.copytree(project, copy)
        monkeypatch.chdir(copy)
        monkeypatch.syspath_prepend(str(copy))
        packages = {p.name for p in copy.iterdir() if p.is_dir()} | {p.stem for p in copy.glob("*.py")}
        for name in [n for n in sys.modules if n.split(".")[0] in packages]:
            monkeypatch.delitem(sys.modules, name)
        loaded.update(packages)
        return copy, packages

    yield load
    # the project's modules and the stubs go; libraries imported meanwhile stay (pydantic,
    # starlette: dropping their modules would split their classes in two for later tests)
    for name in set(sys.modules) - before:
        if name.split(".")[0] in loaded or getattr(sys.modules[name], "__stub__", False) is True:
            del sys.modules[name]


def _app_object(module, spec: str):
    attr = spec.partition(":")[2]
    if "." in attr:
        factory, _ = attr.split(".", 1)
        return getattr(module, factory)()
    return getattr(module, attr)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_routes_json_equals_the_routes_fastapi_builds(project, imported):
    copy, packages = imported(project)
    result = invoke("routes", "--isolated", "--output-format", "json", ".")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    if not data["apps"]:
        assert project.name not in IMPORTABLE
        pytest.skip("no FastAPI app in this project")
    compared = 0
    for app in data["apps"]:
        try:
            module = _load(copy, app["app"].partition(":")[0], packages)
            app_object = _app_object(module, app["app"])
            runtime = _runtime_rows(app_object)
        except Exception as exc:  # noqa: BLE001 - the fixtures hold deliberately broken code
            if project.name in IMPORTABLE:
                raise
            pytest.skip(f"{app['app']} does not import here: {type(exc).__name__}: {exc}")
        static = _static_rows(app)
        if app["unresolved"] == 0 and app["conditional"] == 0 and not app["unattributed"]:
            assert static == runtime, app["app"]
            # an operation id is given only when it is known, and then it is FastAPI's
            ids = [row["operation_id"] for row in app["routes"]]
            assert [(i, r) for i, r in zip(ids, _runtime_ids(app_object)) if i is not None and i != r] == []
        else:
            # Routes under a condition may be missing, unknown paths differ; the rest is there, in order.
            certain = [row for row, raw in zip(static, app["routes"]) if raw["static"] and not raw["condition"]]
            assert _is_subsequence(certain, runtime), (app["app"], [r for r in certain if r not in runtime],
                                                       [r for r in runtime if r not in static])
        compared += 1
    assert compared


def test_the_example_has_static_paths_and_its_order():
    result = invoke("routes", "--isolated", "--output-format", "json", str(EXAMPLE))
    (app,) = json.loads(result.output)["apps"]
    assert app["app"] == "demo_app.main:app" and app["unresolved"] == 0
    search = next(row for row in app["routes"] if row["name"] == "search_notes")
    assert search["path"] == "/notes/search" and search["tags"] == ["notes"]
    assert search["handler"] == "demo_app.routers.notes.search_notes"
    assert search["file"].endswith("demo_app/routers/notes.py") and search["line"] == 14
    create = next(row for row in app["routes"] if row["name"] == "create_note")
    assert create["status_code"] == 201 and create["methods"] == ["POST"]
    assert create["dependencies"] == ["get_db", "get_current_user"]  # Annotated[..., Depends(...)] parameters


def test_unresolved_prefix_is_shown_and_counted(tmp_path, monkeypatch):
    (tmp_path / "main.py").write_text(
        "import os\nfrom fastapi import APIRouter, FastAPI\n"
        "router = APIRouter(dependencies=[Depends(auth)])\n"
        "@router.get('/me', deprecated=True)\ndef me(): ...\n"
        "app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, dependencies=[Depends(trace)])\n"
        "app.include_router(router, prefix=os.environ['PREFIX'])\n"
        "app.include_router(router, prefix='/v1', dependencies=[Depends(audit)], tags=['v1'])\n"
        "app.mount('/static', StaticFiles(directory='static'), name='static')\n"
        "@app.websocket('/ws')\nasync def ws(socket): ...\n"
    )
    monkeypatch.chdir(tmp_path)
    data = json.loads(invoke("routes", "--isolated", "--output-format", "json", ".").output)
    rows = data["apps"][0]["routes"]
    assert [(r["kind"], r["path"], r["static"]) for r in rows] == [
        ("route", "{?os.environ['PREFIX']}/me", False),
        ("route", "/v1/me", True),
        ("mount", "/static", True),
        ("websocket", "/ws", True),
    ]
    assert data["unresolved"] == 1
    assert rows[1]["dependencies"] == ["trace", "audit", "auth"]  # app, include, router: execution order
    assert rows[1]["tags"] == ["v1"] and rows[1]["deprecated"] is True
    assert rows[3]["protocol"] == "websocket"
    text = invoke("routes", "--isolated", ".").output
    assert "{?os.environ['PREFIX']}/me" in text and "1 with a path not known statically" in text
    served = invoke("routes", "--isolated", "--match", "GET /v1/me", ".").output
    assert "-> GET /v1/me me" in served
    assert "note: GET {?os.environ['PREFIX']}/me" in served  # an earlier unknown path may serve it
    assert "-> MOUNT /static" in invoke("routes", "--isolated", "--match", "GET /static/site.css", ".").output
    assert "-> WS /ws ws" in invoke("routes", "--isolated", "--match", "WS /ws", ".").output
    assert invoke("routes", "--isolated", "--match", "GET /ws", ".").exit_code == 1  # not for HTTP
    redirected = invoke("routes", "--isolated", "--match", "GET /v1/me/", ".").output
    assert "redirected (307, redirect_slashes) to /v1/me" in redirected


def test_other_formats(tmp_path, monkeypatch):
    monkeypatch.chdir(EXAMPLE)
    table = list(csv.reader(io.StringIO(invoke("routes", "--isolated", "--output-format", "csv").output)))
    assert table[0][:5] == ["app", "router", "order", "methods", "path"]
    assert ["demo_app.main:app", "demo_app.routers.notes:router", "4", "GET", "/notes/search"] == table[5][:5]
    markdown = invoke("routes", "--isolated", "--output-format", "markdown").output
    assert "| 4 | GET | /notes/search | search_notes |" in markdown
    mermaid = invoke("routes", "--isolated", "--output-format", "mermaid").output
    assert mermaid.startswith("flowchart LR\n") and '(["demo_app.routers.notes:router"])' in mermaid
    assert '["GET /notes/search"]' in mermaid


# ---------------------------------------------------------------- --match


def _starlette_match(app, method: str, path: str):
    """The name of the route Starlette picks, or None (404/405)."""
    from starlette.routing import Match

    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": [], "query_string": b""}
    for route in _flatten(app.routes):
        found, _ = route.matches(scope)
        if found == Match.FULL:
            return route.name
    return None


@pytest.mark.parametrize(("request_line", "served", "shadowed"), [
    ("GET /users/me", "read_user", ["read_current_user"]),  # /users/{user_id} comes first
    ("PUT /users/me", "update_current_user", []),
    ("GET /users/by-id/42", "read_user_by_id", []),  # {user_id:int}
    ("GET /users/by-id/latest", "read_latest_user", []),  # not an int: the later literal serves it
    ("GET /users/7", "read_user", []),
])
def test_match_follows_starlette(request_line, served, shadowed, imported):
    copy, packages = imported(FIXTURES / "FAPI205")
    result = invoke("routes", "--isolated", "--app", "app.main:app", "--match", request_line, ".")
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert f" {served} " in first
    warnings = [line for line in result.output.splitlines() if "warning:" in line]
    assert [w.split()[3] for w in warnings] == shadowed
    method, path = request_line.split()
    app = _load(copy, "app.main", packages).app
    assert _starlette_match(app, method, path) == served


def test_match_misses_and_wrong_method(imported):
    imported(EXAMPLE)
    missing = invoke("routes", "--isolated", "--match", "GET /nothing/here/at/all")
    assert missing.exit_code == 1 and "no route matches" in missing.output
    wrong = invoke("routes", "--isolated", "--match", "DELETE /notes/3")
    assert wrong.exit_code == 1 and "(405)" in wrong.output and "/notes/{note_id}" in wrong.output
    assert invoke("routes", "--isolated", "--match", "/health").exit_code == 0  # GET by default


def test_unknown_app_is_a_usage_error(imported):
    imported(EXAMPLE)
    result = invoke("routes", "--isolated", "--app", "demo_app.main:nope")
    assert result.exit_code == 2 and "no FastAPI app" in result.output


def test_sub_application_mount_and_hostile_text(tmp_path, monkeypatch):
    (tmp_path / "main.py").write_text(
        "from fastapi import FastAPI\n"
        "v2 = FastAPI(openapi_url=None)\n"
        "@v2.get('/items')\ndef items(): ...\n"
        "app = FastAPI(openapi_url=None)\n"
        "app.mount('/v2', v2)\n"
        "@app.get('/\\x1b[2Jevil|`x`')\ndef evil(): ...\n"
    )
    monkeypatch.chdir(tmp_path)
    data = json.loads(invoke("routes", "--isolated", "--output-format", "json", ".").output)
    by_app = {app["app"]: app["routes"] for app in data["apps"]}
    assert [(r["kind"], r["path"], r["handler"]) for r in by_app["main:app"]][0] == ("mount", "/v2", "main:v2")
    assert [r["path"] for r in by_app["main:v2"]] == ["/items"]
    mermaid = invoke("routes", "--isolated", "--output-format", "mermaid", ".").output
    assert " -.-> " in mermaid  # the mount leads to the sub-application's tree
    for output_format in ("text", "markdown", "mermaid", "csv"):
        assert "\x1b" not in invoke("routes", "--isolated", "--output-format", output_format, ".").output


def test_app_option_and_conditions(imported):
    imported(FIXTURES / "FAPI206")
    data = json.loads(invoke("routes", "--isolated", "--app", "app.main:create_admin_app", "--output-format",
                             "json").output)
    assert [app["app"] for app in data["apps"]] == ["app.main:create_admin_app.admin"]
    data = json.loads(invoke("routes", "--isolated", "--app", "app.main:app", "--output-format", "json").output)
    conditions = {row["name"]: row["condition"] for row in data["apps"][0]["routes"]}
    assert conditions["debug_info"] == conditions["debug_disabled"] == "branch"  # if/else
    assert conditions["debug_state"] == "call"  # inside a function that must be called
    assert conditions["ping"] is None


def test_a_router_class_with_its_own_init_makes_its_prefix_unknown(tmp_path, monkeypatch):
    (tmp_path / "main.py").write_text(
        "from fastapi import APIRouter, FastAPI\n"
        "class Versioned(APIRouter):\n"
        "    def __init__(self, version):\n"
        "        super().__init__(prefix=f'/v{version}')\n"
        "class Plain(APIRouter):\n"
        "    pass\n"
        "versioned = Versioned('1')\n"
        "plain = Plain(prefix='/p')\n"
        "@versioned.get('/a')\ndef a(): ...\n"
        "@plain.get('/b')\ndef b(): ...\n"
        "app = FastAPI(openapi_url=None)\n"
        "app.include_router(versioned)\n"
        "app.include_router(plain)\n"
    )
    monkeypatch.chdir(tmp_path)
    data = json.loads(invoke("routes", "--isolated", "--output-format", "json", ".").output)
    rows = data["apps"][0]["routes"]
    assert [(r["path"], r["static"]) for r in rows] == [("{?Versioned}/a", False), ("/p/b", True)]


# ---------------------------------------------------------------- unreachable routes: the table and FAPI205/206


def _starlette_first(app, kind: str, method: str, path: str):
    """The first route of the running app that takes the request in full (Starlette's order)."""
    from starlette.routing import Match

    scope = {"type": "websocket" if kind == "websocket" else "http", "method": method, "path": path,
             "root_path": "", "headers": [], "query_string": b""}
    for route in _flatten(app.routes):
        found, _ = route.matches(scope)
        if found == Match.FULL:
            return route
    return None


@pytest.mark.parametrize("fixture", ["FAPI205", "FAPI206"])
def test_unreachable_rows_are_the_rule_findings_and_starlette_agrees(fixture, imported):
    """The rows the table marks unreachable are the routes FAPI205/FAPI206 report, and the
    running app hands a request for each of them to another route."""
    from fastapi_lint.analysis.url_templates import sample_path

    copy, packages = imported(FIXTURES / fixture)
    data = json.loads(invoke("routes", "--isolated", "--app", "app.main:app", "--output-format", "json", ".").output)
    (app,) = data["apps"]
    marked = {(row["file"], row["line"]): row for row in app["routes"] if row["unreachable"]}
    check = invoke("check", "--isolated", "--no-cache", "--select", "FAPI205,FAPI206", "--output-format", "json", ".")
    findings = {(f["path"], f["line"]): f["code"] for f in json.loads(check.output)}
    table = {key: row["unreachable"]["code"] for key, row in marked.items()}
    # The same, but for two routes in one branch of an `if` (the rules see the branches;
    # the table only knows the rows are conditional, and leaves conditional earlier rows out).
    conditional = {(row["file"], row["line"]) for row in app["routes"] if row["condition"] == "branch"}
    assert table == {key: code for key, code in findings.items() if key not in conditional or key in table}
    assert fixture == "FAPI205" or set(findings) - set(table) == {("app/main.py", 39)}
    running = _load(copy, "app.main", packages).app
    for row in marked.values():
        earlier = app["routes"][row["unreachable"]["by"]]
        method = "GET" if row["kind"] == "websocket" else row["methods"][0]
        served = _starlette_first(running, row["kind"], method, sample_path(row["path"]))
        assert served is not None and served.name != row["name"], row
        if earlier["kind"] == "mount":
            assert served.path == earlier["path"], row
        else:
            assert served.name == earlier["name"], row


# ---------------------------------------------------------------- routes=[...]: Starlette apps and constructors


_ROUTE_LISTS = '''\
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.applications import Starlette
from starlette.routing import Mount, Route, WebSocketRoute
import starlette.routing as routing


async def homepage(request): ...
async def users(request): ...
async def user(request): ...
async def chat(websocket): ...
def api_items(): ...


user_routes = [
    Route("/", users, methods=["GET", "POST"]),
    Route("/{username}", user, name="user_detail"),
]
routes = [
    Route("/", homepage),
    Mount("/users", routes=user_routes, name="users"),
    routing.WebSocketRoute("/ws", chat),
    Route("/users/{username}/edit", user, methods=["put"]),
]
app = Starlette(debug=True, routes=routes)

sub = Starlette(routes=[Route("/health", homepage)])
api = FastAPI(routes=[Route("/plain", homepage), APIRoute("/items", api_items)], docs_url=None)
api.mount("/sub", sub)
router = APIRouter(prefix="/ignored", routes=[Route("/listed", homepage, name="listed")])


@router.get("/decorated")
def decorated(): ...


api.include_router(router, prefix="/r")
'''


def test_route_lists_of_starlette_and_constructors_equal_the_running_apps(tmp_path, imported):
    source = tmp_path / "src" / "lists"
    (source / "lists").mkdir(parents=True)
    (source / "lists" / "__init__.py").write_text("")
    (source / "lists" / "main.py").write_text(_ROUTE_LISTS)
    copy, packages = imported(source)
    data = json.loads(invoke("routes", "--isolated", "--output-format", "json", ".").output)
    apps = {app["app"]: app for app in data["apps"]}
    assert set(apps) == {"lists.main:app", "lists.main:sub", "lists.main:api"}
    module = _load(copy, "lists.main", packages)
    for name, app in apps.items():
        assert app["unresolved"] == 0 and app["conditional"] == 0, name
        assert _static_rows(app) == _runtime_rows(getattr(module, name.partition(":")[2])), name
    # the prefix of the router does not apply to its routes=[...] (FastAPI adds it in add_api_route)
    assert [row["path"] for row in apps["lists.main:api"]["routes"]][-2:] == ["/r/listed", "/r/ignored/decorated"]
    # The mount takes /users/{username}/edit first (Starlette tries only the mount's own
    # routes): --match says so. The table marks it for FAPI205 only for a registered route,
    # which the rule can report on (a Route(...) of a list has no registration node).
    rows = apps["lists.main:app"]["routes"]
    assert rows[3]["unreachable"] is None
    served = invoke("routes", "--isolated", "--app", "lists.main:app", "--match", "PUT /users/ann/edit", ".")
    assert "-> MOUNT /users" in served.output


# ---------------------------------------------------------------- FastAPI's docs examples, imported for real


DOCS_SRC = Path("/work/corpus/fastapi-docs-src")


@pytest.mark.slow
@pytest.mark.skipif(not DOCS_SRC.is_dir(), reason="the benchmark corpus is not here")
def test_fastapi_docs_examples_route_tables():
    """bench/docs_routes.py: every docs_src/*/tutorial*.py app that imports with the installed
    FastAPI (in a child process) has the route list the table gives, or the table marks what
    it does not know."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import docs_routes
    finally:
        sys.path.remove(str(ROOT / "bench"))
    report = docs_routes.compare(DOCS_SRC)
    assert report["mismatch"] == {}
    assert report["compared"] >= 250 and report["match_rate"] >= 0.95


def test_routers_included_many_ways_give_a_table_with_unknown_includes(tmp_path, monkeypatch):
    """Routers each included by every router of the level above, level after level: the ways
    down multiply (8**7); past a budget the table shows the remaining includes as unknown."""
    (tmp_path / "main.py").write_text(routers_included_many_ways(8, 8, app="FastAPI(openapi_url=None)"))
    monkeypatch.chdir(tmp_path)
    (app,) = json.loads(invoke("routes", "--isolated", "--output-format", "json", ".").output)["apps"]
    kinds = {row["kind"] for row in app["routes"]}
    assert kinds == {"route", "include"} and app["unresolved"] > 0
    assert all(row["path"] == "/x" for row in app["routes"] if row["kind"] == "route")
