"""Name resolution and the FastAPI model: apps and routers are recognised by what they are,
however they are imported, annotated, subclassed or built, and across modules."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fastapi_lint.api import build_project, facts_for, lint_paths, lint_text
from fastapi_lint.config import Settings
from fastapi_lint.analysis.model import ModuleModel


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def single(source: str, code: str, tmp_path: Path) -> list[tuple[str, int]]:
    diagnostics = lint_text(textwrap.dedent(source), settings=Settings(root=tmp_path, select=(code,)))
    return [(d.code, d.start.line) for d in diagnostics]


def project(root: Path, code: str, target: Path | None = None) -> list[tuple[str, str, int]]:
    result = lint_paths([target or root], Settings(root=root, select=(code,)))
    return [(Path(d.path).absolute().relative_to(root).as_posix(), d.code, d.start.line) for d in result.diagnostics]


ROUTE = """\
@{owner}.get("/items")
def list_items():
    return []
"""


# ---------------------------------------------------------------- one module


@pytest.mark.parametrize(
    "header",
    [
        "from fastapi import FastAPI\napp = FastAPI()\n",
        "from fastapi import FastAPI as F\napp = F()\n",
        "import fastapi\napp = fastapi.FastAPI()\n",
        "import fastapi as fa\napp = fa.FastAPI()\n",
        "from fastapi.applications import FastAPI\napp = FastAPI()\n",
        "import fastapi.applications\napp = fastapi.applications.FastAPI()\n",
        "from fastapi import APIRouter\napp = APIRouter()\n",
        "from fastapi import APIRouter as R\napp = R(prefix='/x')\n",
        "from fastapi.routing import APIRouter\napp = APIRouter()\n",
        "from typing import Final\nfrom fastapi import APIRouter\napp: Final = APIRouter()\n",
        "import typing\nimport fastapi\napp: typing.Final[fastapi.APIRouter] = fastapi.APIRouter()\n",
        "from fastapi import FastAPI\napp: FastAPI = FastAPI(title='x')\n",
        "from starlette.applications import Starlette\napp = Starlette()\n",
        "from fastapi import FastAPI\nfirst = FastAPI()\napp = first\n",
        "from fastapi import FastAPI\nclass MyApp(FastAPI):\n    pass\napp = MyApp()\n",
        "from fastapi import APIRouter\nclass Base(APIRouter):\n    pass\nclass Mine(Base):\n    pass\napp = Mine()\n",
        "from fastapi import FastAPI\ndef create_app() -> FastAPI:\n    app = FastAPI()\n    return app\napp = create_app()\n",
    ],
    ids=[
        "from-import", "from-import-alias", "import-module", "import-module-alias", "submodule",
        "import-submodule", "router", "router-alias", "routing-module", "final", "final-subscripted",
        "annotated-app", "starlette", "alias-variable", "app-subclass", "router-subclass-chain", "factory",
    ],
)
def test_route_owner_is_recognised(tmp_path, header):
    source = header + "\n\n" + ROUTE.format(owner="app")
    found = single(source, "FAPI201", tmp_path)
    assert [code for code, _ in found] == ["FAPI201"]
    assert found[0][1] == source.splitlines().index("def list_items():") + 1


@pytest.mark.parametrize(
    "header",
    [
        "from flask import Flask\napp = Flask(__name__)\n",
        "class Registry:\n    def get(self, path):\n        return lambda f: f\napp = Registry()\n",
        "from myframework import FastAPI\napp = FastAPI()\n",
        "from fastapi import FastAPI\napp = object()\nFastAPI()\n",
        "import fastapi\napp = fastapi\n",
        "app = None\n",
        "from fastapi import FastAPI\ndef create_app():\n    return 1\napp = create_app()\n",
        "from fastapi import FastAPI\nclass NotAnApp:\n    pass\napp = NotAnApp()\n",
    ],
    ids=["flask", "custom-get", "same-spelling-other-package", "wrong-variable", "module-object",
         "unbound", "unannotated-factory-returning-int", "plain-class"],
)
def test_look_alikes_are_not_routes(tmp_path, header):
    source = header + "\n\n" + ROUTE.format(owner="app")
    assert single(source, "FAPI201", tmp_path) == []


def test_shadowed_name_is_not_the_app(tmp_path):
    source = """\
    from fastapi import FastAPI

    app = FastAPI()


    def register(app):
        @app.get("/x")
        def inner():
            return []
    """
    assert single(source, "FAPI201", tmp_path) == []


def test_on_event_with_aliased_import(tmp_path):
    source = """\
    from fastapi import FastAPI as Application

    api = Application()


    @api.on_event("startup")
    async def boot() -> None:
        pass
    """
    assert single(source, "FAPI501", tmp_path) == [("FAPI501", 6)]


def test_on_event_on_starlette_app(tmp_path):
    source = """\
    from starlette.applications import Starlette

    app = Starlette()


    @app.on_event("shutdown")
    async def bye() -> None:
        pass
    """
    assert single(source, "FAPI501", tmp_path) == [("FAPI501", 6)]


def test_on_event_on_flask_is_ignored(tmp_path):
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.on_event("startup")
    async def boot() -> None:
        pass
    """
    assert single(source, "FAPI501", tmp_path) == []


def test_cors_middleware_through_module_import(tmp_path):
    source = """\
    import fastapi.middleware.cors as cors
    from fastapi import FastAPI

    app = FastAPI()
    app.add_middleware(cors.CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    """
    assert single(source, "FAPI401", tmp_path) == [("FAPI401", 5)]


def test_cors_look_alike_is_ignored(tmp_path):
    source = """\
    from fastapi import FastAPI
    from mylib import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    """
    assert single(source, "FAPI401", tmp_path) == []


# ---------------------------------------------------------------- across modules


PACKAGE = {
    "pkg/__init__.py": "",
    "pkg/routers/__init__.py": "",
    "pkg/base.py": """\
        from fastapi import APIRouter


        class MyRouter(APIRouter):
            pass
        """,
    "pkg/routers/items.py": """\
        from fastapi import APIRouter

        router = APIRouter(prefix="/items")


        @router.get("/")
        def list_items():
            return []


        @router.get("/{item_id}")
        def read_item(item_id: int) -> dict:
            return {}
        """,
    "pkg/routers/final.py": """\
        from typing import Final

        from fastapi import APIRouter

        router: Final = APIRouter()


        @router.post("/final")
        def create_final():
            return {}
        """,
    "pkg/routers/users.py": """\
        from ..base import MyRouter

        router = MyRouter()


        @router.get("/users")
        def list_users():
            return []
        """,
    "pkg/routers/admin.py": """\
        import pkg.base

        router = pkg.base.MyRouter()


        @router.delete("/admin")
        def wipe():
            return {"ok": True}
        """,
    "pkg/factory.py": """\
        from fastapi import FastAPI


        def create_app() -> FastAPI:
            app = FastAPI()
            return app
        """,
    "pkg/main.py": """\
        from .factory import create_app
        from .routers import items

        app = create_app()
        app.include_router(items.router)


        @app.on_event("startup")
        async def startup() -> None:
            pass


        @app.get("/health")
        def health():
            return {"status": "ok"}
        """,
    "pkg/lookalike.py": """\
        from flask import Flask


        class Thing:
            def get(self, path):
                return lambda f: f


        app = Flask(__name__)
        thing = Thing()


        @app.get("/flask")
        def flask_view():
            return {}


        @thing.get("/thing")
        def thing_view():
            return {}
        """,
}


@pytest.fixture
def package(tmp_path):
    return write_tree(tmp_path, PACKAGE)


def test_routes_across_the_package(package):
    assert project(package, "FAPI201") == [
        ("pkg/main.py", "FAPI201", 14),
        ("pkg/routers/admin.py", "FAPI201", 7),
        ("pkg/routers/final.py", "FAPI201", 9),
        ("pkg/routers/items.py", "FAPI201", 7),
        ("pkg/routers/users.py", "FAPI201", 7),
    ]


def test_factory_app_in_another_module_gets_fapi501(package):
    assert project(package, "FAPI501") == [("pkg/main.py", "FAPI501", 8)]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("pkg/routers/users.py", [("pkg/routers/users.py", "FAPI201", 7)]),
        ("pkg/routers/admin.py", [("pkg/routers/admin.py", "FAPI201", 7)]),
        ("pkg/main.py", [("pkg/main.py", "FAPI201", 14)]),
        ("pkg/lookalike.py", []),
    ],
)
def test_linting_one_file_still_sees_the_rest_of_its_package(package, target, expected):
    assert project(package, "FAPI201", package / target) == expected


def test_linting_one_file_sees_a_factory_defined_elsewhere(package):
    assert project(package, "FAPI501", package / "pkg" / "main.py") == [("pkg/main.py", "FAPI501", 8)]


def test_router_subclass_with_lifespan_app_in_other_module(tmp_path):
    root = write_tree(tmp_path, {
        "svc/__init__.py": "",
        "svc/app.py": """\
            from contextlib import asynccontextmanager

            from fastapi import FastAPI


            @asynccontextmanager
            async def lifespan(app):
                yield


            app = FastAPI(lifespan=lifespan)
            """,
        "svc/events.py": """\
            from svc.app import app


            @app.on_event("startup")
            async def never_runs() -> None:
                pass
            """,
    })
    assert project(root, "FAPI502") == [("svc/events.py", "FAPI502", 4)]


# ---------------------------------------------------------------- ModuleModel API


MODEL_PACKAGE = {
    "app/__init__.py": "",
    "app/deps.py": """\
        from typing import Annotated

        from fastapi import Depends


        class Session:
            pass


        def get_db():
            yield Session()


        def get_settings():
            return {}


        def get_user():
            return "user"


        def helper():
            return 1


        DbSession = Annotated[Session, Depends(get_db)]
        """,
    "app/aliases.py": """\
        from typing import Annotated

        from fastapi import Security

        from app import deps

        Settings = Annotated[dict, Security(deps.get_settings)]
        """,
    "app/routes.py": """\
        from fastapi import APIRouter, Depends, WebSocket

        from .aliases import Settings
        from .deps import DbSession, get_user

        router = APIRouter()


        @router.get("/me")
        async def me(db: DbSession, settings: Settings, user: str = Depends(get_user)) -> dict:
            return {}


        @router.websocket("/ws")
        async def socket(websocket: WebSocket) -> None:
            pass


        def plain():
            pass


        router.add_api_route("/added", plain)
        """,
    "app/other.py": """\
        from flask import Flask

        app = Flask(__name__)


        @app.get("/")
        def index():
            return {}
        """,
}


@pytest.fixture
def models(tmp_path):
    root = write_tree(tmp_path, MODEL_PACKAGE)
    paths = sorted(root.rglob("*.py"))
    facts = [facts_for(p, p.read_bytes()) for p in paths]
    project_index = build_project(facts)
    return {f.module: ModuleModel(f, project_index) for f in facts}


def test_module_names(models):
    assert set(models) == {"app", "app.deps", "app.aliases", "app.routes", "app.other"}


def test_is_endpoint(models):
    routes = models["app.routes"]
    assert routes.is_endpoint("me")
    assert not routes.is_endpoint("socket")
    assert routes.is_endpoint("plain")  # registered with add_api_route
    assert not routes.is_endpoint("nonexistent")
    assert not routes.is_endpoint(None)
    assert not models["app.other"].is_endpoint("index")


def test_is_websocket_handler(models):
    routes = models["app.routes"]
    assert routes.is_websocket_handler("socket")
    assert not routes.is_websocket_handler("me")
    assert not routes.is_websocket_handler("plain")


def test_routes_of_carries_path_and_methods(models):
    (route,) = models["app.routes"].routes_of("me")
    assert route.path == "/me"
    assert route.methods == ("GET",)
    assert route.owner_kind == "router"


def test_is_dependency_through_depends_in_another_module(models):
    deps = models["app.deps"]
    assert deps.is_dependency("get_user")


def test_is_dependency_through_annotated_alias(models):
    deps = models["app.deps"]
    assert deps.is_dependency("get_db")


def test_is_dependency_through_security_in_an_alias_module(models):
    assert models["app.deps"].is_dependency("get_settings")


def test_not_a_dependency(models):
    assert not models["app.deps"].is_dependency("helper")
    assert not models["app.routes"].is_dependency("me")
    assert not models["app.routes"].is_dependency("plain")
    assert not models["app.deps"].is_dependency(None)



def test_a_package_imported_whole_reaches_what_any_module_under_it_imports(tmp_path):
    """``may_use`` behind every rule's pre-filter: a module importing a package itself
    (``import app``) may reach what any module under it imports, at any depth; importing
    one module reaches only what that module reaches."""
    from fastapi_lint.analysis.file_view import _modules_reaching

    root = write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/security/__init__.py": "",
        "app/security/tokens.py": "import jwt\n",
        "app/other.py": "import os\n",
        "whole.py": "import app\n",
        "deep.py": "import app.security\n",
        "named.py": "from app.security import tokens\n",
        "beside.py": "from app import other\n",
        "unrelated.py": "import jwtools\n",
        "chain.py": "import whole\n",
    })
    project = build_project([facts_for(path, path.read_bytes()) for path in sorted(root.rglob("*.py"))])
    reaching = _modules_reaching(project, ("jwt",))
    assert reaching == {"app.security.tokens", "whole", "deep", "named", "chain"}
