"""A file in newer syntax than the running Python reads (PEP 695/696/701/758) still
gets its facts and findings, and its neighbours no false ones; where that is impossible,
one FAPI000 names the Python needed."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import fastapi_lint.analysis.facts as facts_module

from conftest import invoke

MAIN = '''\
from fastapi import FastAPI

from app.routers import items

type ItemId = int

app = FastAPI()
app.include_router(items.router)


class Box[T = int]:
    value: T


def first[T](xs: list[T]) -> T:
    return xs[0]


@app.get("/health")
async def health() -> dict:
    import time
    time.sleep(1)
    try:
        pass
    except ValueError, TypeError:
        pass
    return {"ok": f"{"yes"}"}
'''
ROUTER = '''\
from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
async def list_items() -> list[str]:
    return []
'''


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "app" / "routers").mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "routers" / "__init__.py").write_text("")
    (tmp_path / "app" / "main.py").write_text(MAIN)
    (tmp_path / "app" / "routers" / "items.py").write_text(ROUTER)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def findings() -> list[tuple]:
    result = invoke("--no-cache", "--select", "FAPI101,FAPI216", "--output-format", "json", ".")
    return [(d["path"], d["line"], d["code"], d["message"]) for d in json.loads(result.stdout)]


def test_newer_syntax_is_linted_with_its_facts(project: Path) -> None:
    assert [(path, line, code) for path, line, code, _ in findings()] == [("app/main.py", 22, "FAPI101")]


def test_facts_of_newer_syntax_keep_their_lines() -> None:
    facts = facts_module.extract_facts(MAIN, "app.main")
    assert facts.syntax_error is None
    assert facts.functions["health"].line == 20
    assert "ItemId" in facts.scopes[""].bindings


def test_when_no_facts_can_be_had_one_fapi000_names_the_python(project: Path, monkeypatch) -> None:
    real_parse = ast.parse

    def unreadable(source, *args, **kwargs):
        text = source.decode() if isinstance(source, bytes) else source
        if "type ItemId" in text:
            raise SyntaxError("invalid syntax", ("<unknown>", 5, 6, text))
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(facts_module.ast, "parse", unreadable)
    monkeypatch.setattr(facts_module, "older_spelling", lambda source: None)  # nothing this Python reads
    found = findings()
    main = [f for f in found if f[0] == "app/main.py"]
    assert len(main) == 1 and main[0][2] == "FAPI000" and "syntax newer than Python 3." in main[0][3]
    assert invoke("--no-cache", ".").exit_code == 1
