"""Dependency versions read from a project's files, and the target Python from
requires-python: what findings and fixes must be right for."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastapi_lint.versions import detect, range_of

from conftest import invoke


@pytest.mark.parametrize(("specifier", "low", "high", "v1_only"), [
    ("^0.79", (0, 79), (0, 80), True),
    (">=0.95,<1", (0, 95), (1,), True),
    ("~=2.5", (2, 5), (3,), False),
    ("==1.10.*", (1, 10), (1, 11), True),
    ("1.10.2", (1, 10, 2), (1, 10, 2), True),
    ("<2", None, (2,), True),
    (">=1.10", (1, 10), None, False),
    ("^1.9", (1, 9), (2,), True),
])
def test_specifiers(specifier: str, low, high, v1_only: bool) -> None:
    allowed = range_of(specifier, "test")
    assert (allowed.low, allowed.high) == (low, high)
    assert allowed.all_below((2,)) is v1_only  # advice for v2 and newer does not apply
    assert allowed.may_be_below((2,)) is (v1_only or low < (2,))  # a fix needing v2 is not safe


PEP621 = '[project]\nrequires-python = ">=3.9"\ndependencies = ["fastapi>=0.79,<0.80", "pydantic[email]~=1.10 ; python_version>\'3\'"]\n'
POETRY = '[tool.poetry.dependencies]\npython = "^3.9"\nfastapi = "^0.79"\npydantic = {version = "^1.9", extras = ["email"]}\n'
GROUPS = '[dependency-groups]\ndev = ["httpx==0.27.0"]\n[tool.uv]\ndev-dependencies = ["sqlalchemy<2"]\n'


@pytest.mark.parametrize(("files", "expected"), [
    ({"pyproject.toml": PEP621}, {"fastapi": ((0, 79), (0, 80)), "pydantic": ((1, 10), (2,))}),
    ({"pyproject.toml": POETRY}, {"fastapi": ((0, 79), (0, 80)), "pydantic": ((1, 9), (2,))}),
    ({"pyproject.toml": GROUPS}, {"httpx": ((0, 27, 0), (0, 27, 0)), "sqlalchemy": (None, (2,))}),
    ({"requirements.txt": "fastapi==0.79.1\n-r base.txt\npydantic>=1.9,<2  # pinned\n"},
     {"fastapi": ((0, 79, 1), (0, 79, 1)), "pydantic": ((1, 9), (2,))}),
    ({"pyproject.toml": POETRY, "poetry.lock": '[[package]]\nname = "pydantic"\nversion = "1.10.13"\n'},
     {"fastapi": ((0, 79), (0, 80)), "pydantic": ((1, 10, 13), (1, 10, 13))}),
    ({"uv.lock": '[[package]]\nname = "fastapi"\nversion = "0.115.0"\n'}, {"fastapi": ((0, 115, 0), (0, 115, 0))}),
    ({"pdm.lock": '[[package]]\nname = "Pydantic"\nversion = "2.7.1"\n'}, {"pydantic": ((2, 7, 1), (2, 7, 1))}),
    ({"Pipfile.lock": '{"default": {"starlette": {"version": "==0.27.0"}}}'}, {"starlette": ((0, 27, 0), (0, 27, 0))}),
])
def test_detection(tmp_path: Path, files: dict, expected: dict) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = detect(tmp_path)
    assert {name: (r.low, r.high) for name, r in found.packages} == expected


def test_configured_versions_win(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "pydantic"\nversion = "2.7.1"\n')
    found = detect(tmp_path, {"pydantic": "1.10"})
    assert (found.get("pydantic").low, found.get("pydantic").high) == ((1, 10), (1, 11))
    assert found.get("fastapi").source == "not found: current"


def test_hostile_files_are_data_only(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "requirements.txt")  # reading would block forever
    (tmp_path / "pyproject.toml").write_text("[project\nnot toml")
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = ["x"]\nversion = 3\n')
    assert detect(tmp_path).packages == ()


def test_show_settings_says_where_each_value_comes_from(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text(POETRY.replace('python = "^3.9"\n', "")
                                              + '[project]\nrequires-python = ">=3.9"\n'
                                              + '[tool.fastapi-lint]\nignore = ["FAPI201"]\n')
    (tmp_path / "app.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    out = invoke("--show-settings", "app.py").stdout
    assert 'ignore = ["FAPI201"]  # pyproject.toml' in out
    assert "select = none  # default" in out
    out = invoke("--show-settings", "--select", "FAPI1", "app.py").stdout
    assert 'select = ["FAPI1"]  # command line' in out
    assert "ignore = []  # command line" in out  # --select replaces the configured ignores
    assert 'target-version = "py39"  # requires-python' in out
    assert "fastapi: >=0.79,<0.80 (pyproject.toml)" in out
    assert "starlette: any (not found: current)" in out
    assert invoke("--show-files", ".").stdout.splitlines() == ["app.py"]


def test_bad_versions_table_is_a_configuration_error(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint.versions]\nflask = "2"\n')
    monkeypatch.chdir(tmp_path)
    result = invoke(".")
    assert result.exit_code == 2 and "unknown package 'flask'" in result.output


IMPLICIT_OPTIONAL = '''\
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def items(q: str = None) -> list[str]:
    return []
'''


@pytest.mark.parametrize(("requires", "written"), [(">=3.9", "Optional[str]"), (">=3.10", "str | None")])
def test_target_version_defaults_to_the_floor_of_requires_python(tmp_path: Path, monkeypatch, requires, written):
    (tmp_path / "pyproject.toml").write_text(f'[project]\nrequires-python = "{requires}"\n')
    (tmp_path / "main.py").write_text(IMPLICIT_OPTIONAL)
    monkeypatch.chdir(tmp_path)
    result = invoke("--select", "FAPI212", "--diff", "main.py")
    assert f"+def items(q: {written} = None)" in result.stdout


OLD_APP = '''\
from fastapi import Depends, FastAPI, status
from pydantic import BaseModel, BaseSettings


class Settings(BaseSettings):
    debug: bool = False


class Item(BaseModel):
    name: str


def get_settings() -> Settings:
    return Settings()


app = FastAPI()


@app.on_event("startup")
async def start() -> None:
    pass


@app.get("/items", response_model=Item, status_code=422)
async def read(settings: Settings = Depends(get_settings)) -> Item:
    item = Item(name="x")
    print(item.dict(), status.HTTP_422_UNPROCESSABLE_ENTITY)
    return item
'''
VERSION_BOUND = {"FAPI202", "FAPI301", "FAPI501", "FAPI507", "FAPI601", "FAPI604"}
PINNED = {
    "pyproject": {"pyproject.toml": '[tool.poetry.dependencies]\nfastapi = "^0.79"\npydantic = "^1.10"\n'},
    "requirements": {"requirements.txt": "fastapi==0.79.1\npydantic>=1.10,<2\n"},
    "lock": {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["fastapi", "pydantic"]\n',
             "uv.lock": '[[package]]\nname = "fastapi"\nversion = "0.79.1"\n\n'
                        '[[package]]\nname = "pydantic"\nversion = "1.10.13"\n'},
}


def _codes(tmp_path: Path, files: dict, *args: str) -> set[str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "main.py").write_text(OLD_APP)
    result = invoke("--no-cache", "--output-format", "json", *args, "main.py")
    import json

    return {d["code"] for d in json.loads(result.stdout)}


@pytest.mark.parametrize("variant", sorted(PINNED))
def test_a_project_pinned_to_fastapi_079_and_pydantic_1_gets_no_advice_it_cannot_act_on(
        tmp_path: Path, monkeypatch, variant: str) -> None:
    monkeypatch.chdir(tmp_path)
    assert not _codes(tmp_path, PINNED[variant]) & VERSION_BOUND
    # ... and nothing that --fix would break: no fix of a version-bound rule is applied.
    invoke("--no-cache", "--fix", "--unsafe-fixes", "--select", ",".join(sorted(VERSION_BOUND)), "main.py")
    assert (tmp_path / "main.py").read_text() == OLD_APP


def test_the_same_code_on_current_versions_gets_that_advice(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _codes(tmp_path, {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["fastapi>=0.115"]\n'}) \
        >= VERSION_BOUND


def test_v1_projects_opt_in_to_migration_advice_by_exact_code(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert "FAPI601" in _codes(tmp_path, PINNED["pyproject"], "--extend-select", "FAPI601")


def test_a_range_that_admits_old_versions_keeps_the_advice_but_not_the_fix(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    files = {"requirements.txt": "fastapi>=0.79\n"}  # may be 0.79, may be current
    assert "FAPI301" in _codes(tmp_path, files)
    invoke("--no-cache", "--fix", "--unsafe-fixes", "--select", "FAPI301", "main.py")
    assert (tmp_path / "main.py").read_text() == OLD_APP
