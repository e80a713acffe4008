"""Fixes must not write an annotation FastAPI cannot evaluate (security issue item 7).

Under ``from __future__ import annotations`` (PEP 563) every annotation is a string, and
FastAPI evaluates it in the module's globals when the route is registered. A name it
cannot find there (a parameter of a router factory, a closure variable) makes the whole
annotation unreadable, and FastAPI silently treats the parameter as a required query
parameter: ``admin: str = Depends(guard)`` rewritten to ``admin: Annotated[str,
Depends(guard)]`` no longer runs ``guard`` (403 becomes 422). These tests run real FastAPI
to show it, and check that FAPI301 now leaves such a parameter alone while still fixing
the cases FastAPI can read."""

from __future__ import annotations

import importlib.util
import itertools
import sys
import warnings
from pathlib import Path

import pytest

from fastapi_lint.api import FixMode, lint_paths
from fastapi_lint.config import Settings

fastapi = pytest.importorskip("fastapi")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's notice about httpx versions
    from fastapi.testclient import TestClient

_COUNTER = itertools.count()

# `guard` denies every request, and records that it ran.
FACTORY = '''\
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException

calls = []


def deny() -> str:
    calls.append("deny")
    raise HTTPException(status_code=403, detail="no")


def make_router(guard) -> APIRouter:
    router = APIRouter()

    @router.get("/admin")
    async def admin_page(admin: str = Depends(guard)) -> dict:
        return {"admin": admin}

    return router


app = FastAPI()
app.include_router(make_router(deny))
'''
# What FAPI301's SAFE fix used to write for it.
FACTORY_AS_FIXED_BEFORE = FACTORY.replace(
    "admin: str = Depends(guard)", "admin: Annotated[str, Depends(guard)]"
)
# The same route, but the dependency is the module-level function itself.
MODULE_LEVEL = FACTORY.replace("Depends(guard)", "Depends(deny)")
# No `from __future__ import annotations`: the annotation is evaluated when the def runs.
EAGER = FACTORY.replace("from __future__ import annotations\n", "")


def load(path: Path):
    """Import ``path`` as a fresh module (as FastAPI's users would import it)."""
    name = f"_lazy_annotations_case_{next(_COUNTER)}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def request_admin(path: Path) -> tuple[int, list[str]]:
    module = load(path)
    response = TestClient(module.app).get("/admin")
    return response.status_code, module.calls


def fix(path: Path, target_version: str = "py310"):
    settings = Settings(root=path.parent, select=("FAPI301",), target_version=target_version)
    return lint_paths([path], settings, fix=FixMode(unsafe=False))


def write(directory: Path, source: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "routes.py"
    path.write_text(source, encoding="utf-8")
    return path


def test_the_old_fix_silently_drops_the_guard(tmp_path: Path) -> None:
    original = write(tmp_path / "original", FACTORY)
    fixed = write(tmp_path / "fixed", FACTORY_AS_FIXED_BEFORE)
    assert request_admin(original) == (403, ["deny"])  # the guard runs and refuses
    status, calls = request_admin(fixed)
    assert status == 422 and calls == []  # `admin` became a required query parameter; guard never ran


def test_fapi301_leaves_a_factory_parameter_alone_under_pep_563(tmp_path: Path) -> None:
    path = write(tmp_path, FACTORY)
    result = fix(path)
    assert result.fixed == 0
    assert path.read_text(encoding="utf-8") == FACTORY
    [finding] = [d for f in result.files for d in f.diagnostics]
    assert finding.code == "FAPI301" and finding.fix is None  # still reported, without a fix
    assert request_admin(path) == (403, ["deny"])


def test_fapi301_still_fixes_a_module_level_dependency_under_pep_563(tmp_path: Path) -> None:
    path = write(tmp_path, MODULE_LEVEL)
    assert fix(path).fixed == 1
    fixed = path.read_text(encoding="utf-8")
    assert "admin: Annotated[str, Depends(deny)]" in fixed
    assert request_admin(path) == (403, ["deny"])  # FastAPI reads the new annotation: the guard runs


def test_fapi301_fixes_a_factory_parameter_when_annotations_are_eager(tmp_path: Path) -> None:
    path = write(tmp_path, EAGER)
    assert fix(path).fixed == 1
    assert "admin: Annotated[str, Depends(guard)]" in path.read_text(encoding="utf-8")
    assert request_admin(path) == (403, ["deny"])


def test_python_3_14_deferred_annotations_are_treated_as_lazy(tmp_path: Path) -> None:
    path = write(tmp_path, EAGER)
    result = fix(path, target_version="py314")
    assert result.fixed == 0 and path.read_text(encoding="utf-8") == EAGER
    [finding] = [d for f in result.files for d in f.diagnostics]
    assert finding.fix is None


HEADER = '''\
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from fastapi import APIRouter, Depends

router = APIRouter()


def get_db() -> object:
    return object()


'''


@pytest.mark.parametrize(
    ("body", "fixed"),
    [
        pytest.param(
            "if TYPE_CHECKING:\n    from decimal import Decimal\n\n"
            "@router.get('/')\nasync def read(db: Decimal = Depends(get_db)): ...\n",
            False, id="type-checking-only import",
        ),
        pytest.param(
            "TYPE_CHECKING = False\nif TYPE_CHECKING:\n    from decimal import Decimal\n\n"
            "@router.get('/')\nasync def read(db: Decimal = Depends(get_db)): ...\n",
            False, id="own TYPE_CHECKING flag",
        ),
        pytest.param(
            "if not TYPE_CHECKING:\n    from decimal import Decimal\n\n"
            "@router.get('/')\nasync def read(db: Decimal = Depends(get_db)): ...\n",
            True, id="runtime branch of TYPE_CHECKING",
        ),
        pytest.param(
            "if TYPE_CHECKING:\n    pass\nelse:\n    from decimal import Decimal\n\n"
            "@router.get('/')\nasync def read(db: Decimal = Depends(get_db)): ...\n",
            True, id="else branch of TYPE_CHECKING",
        ),
        pytest.param(
            "@router.get('/')\nasync def read(db: Decimal = Depends(get_db)): ...\n\nfrom decimal import Decimal\n",
            False, id="imported after the route",
        ),
        pytest.param(
            "@router.get('/')\nasync def read(db: Optional['Decimal'] = Depends(get_db)): ...\n",
            False, id="unbound name in a string",
        ),
        pytest.param(
            "from decimal import Decimal\n\n"
            "@router.get('/')\nasync def read(db: Optional['Decimal'] = Depends(get_db)): ...\n",
            True, id="global name in a string",
        ),
        pytest.param(
            "@router.get('/')\nasync def read(db: object = Depends(lambda: get_db())): ...\n",
            False, id="lambda",
        ),
        pytest.param(
            "def make():\n    from typing import Annotated\n\n"
            "    @router.get('/')\n    async def read(db: object = Depends(get_db)): ...\n",
            False, id="Annotated imported in the factory",
        ),
        pytest.param(
            "def make():\n    @router.get('/')\n    async def read(db: object = Depends(get_db)): ...\n",
            True, id="module-level names only, in a factory",
        ),
    ],
)
def test_fapi301_under_pep_563(tmp_path: Path, body: str, fixed: bool) -> None:
    source = HEADER + body
    path = write(tmp_path, source)
    result = fix(path)
    assert (result.fixed == 1) is fixed, path.read_text(encoding="utf-8")
    if not fixed:
        assert path.read_text(encoding="utf-8") == source
