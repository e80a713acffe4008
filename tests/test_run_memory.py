"""What a run holds while it lints, and that holding less changes nothing. A run keeps only
some modules' facts decoded (``Project(budget=...)``): the others are decoded again when
read again; every fixture project gets the same findings when every decode drops all the
other modules' facts as when nothing is dropped, with and without a store. The files it
read are held compressed until they are linted (``ReadStamp.packed``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fastapi_lint import api
from fastapi_lint.analysis.facts import extract_facts
from fastapi_lint.cache import Cache
from fastapi_lint.config import Settings
from fastapi_lint.files import read_stamped
from fastapi_lint.project import Deferred, Project

from conftest import FIXTURES


def _findings(root: Path, cache: Cache | None = None) -> list[tuple]:
    result = api.lint_paths([root], Settings(root=root, select=("ALL",)), cache=cache)
    return sorted((d.path, d.start.line, d.start.column, d.code, d.message) for d in result.diagnostics)


def _project_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir() and len(list(p.rglob("*.py"))) > 1)


@pytest.mark.parametrize("root", _project_dirs(), ids=lambda p: p.name)
def test_dropping_decoded_facts_loses_no_finding(root: Path, tmp_path: Path, monkeypatch) -> None:
    copy = tmp_path / root.name
    shutil.copytree(root, copy)
    monkeypatch.setattr(api, "DECODED_FACTS_BUDGET", None)
    kept = _findings(copy)
    monkeypatch.setattr(api, "DECODED_FACTS_BUDGET", 1)  # only the newest module and the linted file stay
    assert _findings(copy) == kept
    store = Cache(tmp_path / "store")
    assert _findings(copy, store) == kept  # cold, filling the store
    assert _findings(copy, Cache(tmp_path / "store")) == kept  # warm


def _deferred_project(sources: dict[str, str], budget: int, decoded: list[str]) -> Project:
    facts = {module: extract_facts(text.encode(), module) for module, text in sources.items()}
    return Project({module: Deferred(lambda module=module: decoded.append(module) or facts[module])
                    for module in sources}, budget=budget)


def test_modules_past_the_budget_are_decoded_again_and_a_pinned_one_stays_the_same_object() -> None:
    sources = {f"app.m{index}": f"import app.m{(index + 1) % 4}\n\ndef f{index}(): ...\n" for index in range(4)}
    decoded: list[str] = []
    project = _deferred_project(sources, 1, decoded)
    with project.modules.pinned("app.m0"):
        first = project.modules["app.m0"]
        for name in sources:
            assert project.modules[name].module == name
        assert project.modules["app.m0"] is first  # pinned: never dropped
    assert decoded == ["app.m0", "app.m1", "app.m2", "app.m3"]
    project.modules["app.m1"]  # dropped meanwhile: decoded again
    assert decoded[-1] == "app.m1"
    with project.reads() as reads:
        project.modules["app.m2"]
    assert reads == {"app.m2"}  # a read is noted whether the facts were held or decoded again


def test_walking_an_index_decodes_each_module_once_whatever_the_budget() -> None:
    """Every registered index's shares are computed module after module (``Project._sweep``),
    so a budget smaller than the project does not decode every module once per index."""
    from fastapi_lint.analysis.dependencies import settings_class_names
    from fastapi_lint.analysis.exception_handlers import validates_explicitly

    sources = {f"app.m{index}": f"from pydantic_settings import BaseSettings\n\nclass S{index}(BaseSettings): ...\n"
               for index in range(6)}
    decoded: list[str] = []
    project = _deferred_project(sources, 1, decoded)
    assert settings_class_names(project) == {"BaseSettings", *(f"S{index}" for index in range(6))}
    assert validates_explicitly(project) is False
    assert set(decoded) == set(sources) and len(decoded) <= len(sources) + 1  # + the one weighed first


def test_a_project_whose_store_holds_the_shares_replays_only_the_index_walked() -> None:
    from fastapi_lint.project import SHARES, AnswerDeps, Answers

    asked: list[str] = []
    sources = {f"app.m{index}": "x = 1\n" for index in range(16)}
    project = _deferred_project(sources, 1, [])
    project.answers = Answers(lambda name, args: asked.append(name) or (frozenset(), AnswerDeps(frozenset(args))))
    assert dict(project.shares("dependency_qualnames_in")) == {name: frozenset() for name in sources}
    assert len(SHARES) > 1 and set(asked) == {"dependency_qualnames_in"}  # no sweep through every index
    project = _deferred_project(sources, 1, [])
    project.answers = Answers()  # nothing stored (a cold run filling the store): a sweep
    list(project.shares("dependency_qualnames_in"))
    assert all((name, module) in project._memo for name in SHARES for module in sources)


def test_of_a_run_s_workers_one_teaches_the_shares_of_its_sweep() -> None:
    """Every worker sweeps, alike; the shares cross to the parent from one of them."""
    from fastapi_lint.project import SHARES, Answers

    sources = {f"app.m{index}": "x = 1\n" for index in range(16)}
    for teaches in (True, False):
        project = _deferred_project(sources, 1, [])
        project.answers = Answers(teaches_sweep=lambda: teaches)
        list(project.shares("dependency_qualnames_in"))
        assert all((name, module) in project._memo for name in SHARES for module in sources)  # swept either way
        learnt = sorted((name, args) for name, args, *_ in project.answers.drain())
        assert learnt == (sorted((name, (module,)) for name in SHARES for module in sources) if teaches else [])


def test_whether_the_facts_fit_is_judged_from_modules_spread_over_the_project() -> None:
    """One heavy module (an app importing every router) read first does not make a project
    of small modules sweep; a project of heavy modules does."""
    app = "".join(f"from app.r{index} import router as r{index}\n" for index in range(400))
    sources = {"app.main": app, **{f"app.r{index}": "from fastapi import APIRouter\n\nrouter = APIRouter()\n"
                                   for index in range(400)}}
    project = _deferred_project(sources, 2_000, [])
    project.modules["app.main"]
    assert not project.modules.may_exceed_budget()
    heavy = {name: app for name in sources}
    assert _deferred_project(heavy, 2_000, []).modules.may_exceed_budget()


def test_a_packed_read_gives_the_same_bytes_and_stamp(tmp_path: Path) -> None:
    path = tmp_path / "main.py"
    path.write_bytes(b"from fastapi import FastAPI\n\napp = FastAPI()\n" * 50)
    read = read_stamped(path)
    packed = read.packed()
    assert packed.compressed and len(packed.stored) < len(read.data)
    assert (packed.data, packed.size, packed.mtime_ns, packed.inode) == (read.data, read.size, read.mtime_ns, read.inode)
    assert packed.packed() is packed
