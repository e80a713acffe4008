"""The persistent cache: same findings as without it, no parsing when nothing changed,
cross-file facts invalidate dependants, and a damaged cache is only a slower run."""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

import fastapi_lint.api
import fastapi_lint.engine
from fastapi_lint import codec
from fastapi_lint.api import lint_paths
from fastapi_lint.cache import CACHE_DIR_NAME, STORE_NAME, Cache, ProjectDigests
from fastapi_lint.config import Settings
from fastapi_lint.diagnostics import FileResult
from fastapi_lint.project import QUERIES, ReadGroup

from conftest import FIXTURES, invoke

MAIN = '''\
from contextlib import asynccontextmanager

from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app: FastAPI):
    yield


app = FastAPI(lifespan=lifespan)
'''
EVENTS = '''\
import time

from app.main import app


@app.on_event("startup")
async def warm_up() -> None:
    time.sleep(1)
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "main.py").write_text(MAIN)
    (package / "events.py").write_text(EVENTS)
    return tmp_path


def findings(root: Path, cache: Cache | None) -> list[tuple]:
    settings = Settings(root=root, select=("FAPI101", "FAPI501", "FAPI502"))
    result = lint_paths([root], settings, cache=cache)
    return [(Path(d.path).name, d.start.line, d.code, d.message) for d in result.diagnostics]


def test_cached_findings_equal_uncached_ones(project: Path) -> None:
    cache_dir = project / CACHE_DIR_NAME
    uncached = findings(project, None)
    assert {code for _, _, code, _ in uncached} == {"FAPI101", "FAPI501", "FAPI502"}
    assert findings(project, Cache(cache_dir)) == uncached  # cold: fills the cache
    assert findings(project, Cache(cache_dir)) == uncached  # warm: served from it


def test_warm_run_parses_nothing(project: Path, monkeypatch) -> None:
    cache_dir = project / CACHE_DIR_NAME
    expected = findings(project, Cache(cache_dir))

    def refuse(*args, **kwargs):
        raise AssertionError("a warm run must not parse")

    monkeypatch.setattr(fastapi_lint.engine, "parse", refuse)
    monkeypatch.setattr(fastapi_lint.api, "facts_for", refuse)
    (project / "app" / "events.py").touch()  # a new mtime, the same content
    assert findings(project, Cache(cache_dir)) == expected


def test_warm_run_with_two_modules_of_one_name_loads_no_facts(project: Path, monkeypatch) -> None:
    # Namespace packages: both files are module `ollama`; neither evicts the other's facts.
    for folder in ("one", "two"):
        (project / folder).mkdir()
        (project / folder / "ollama.py").write_text(f"import time\n\n\nasync def {folder}() -> None:\n    time.sleep(1)\n")
    cache_dir = project / CACHE_DIR_NAME
    findings(project, Cache(cache_dir))
    expected = findings(project, Cache(cache_dir))
    loaded: list[str] = []
    real_get_facts = Cache.get_facts

    def spy(self, module, hashed):
        loaded.append(module)
        return real_get_facts(self, module, hashed)

    monkeypatch.setattr(Cache, "get_facts", spy)
    assert findings(project, Cache(cache_dir)) == expected
    assert sum(code == "FAPI101" for _, _, code, _ in expected) == 3
    assert loaded == []  # nothing to re-extract or re-lint: no facts are decoded


def test_a_package_and_a_module_of_one_name_and_content_keep_their_own_facts(project: Path, monkeypatch) -> None:
    # `docs/helpers/__init__.py` (package `helpers`) and `lib/helpers.py` (module `helpers`:
    # `lib` is not a package) hold the same bytes but have different facts (relative
    # imports). Stored under one key, the first warm run saw the other file's facts and
    # re-linted every file that had read the module.
    for folder, name in (("docs/helpers", "__init__.py"), ("lib", "helpers.py")):
        (project / folder).mkdir(parents=True)
        (project / folder / name).write_text("from .util import x\n")
    (project / "app" / "routes.py").write_text("import helpers\n\n\nasync def f() -> None:\n    helpers.x()\n")
    cache_dir = project / CACHE_DIR_NAME
    expected = findings(project, Cache(cache_dir))
    linted: list[Path] = []
    real_lint = fastapi_lint.api._lint_with_facts

    def spy(files, *args, **kwargs):
        linted.extend(files)
        return real_lint(files, *args, **kwargs)

    monkeypatch.setattr(fastapi_lint.api, "_lint_with_facts", spy)
    assert findings(project, Cache(cache_dir)) == expected
    assert linted == []


def test_editing_one_file_rechecks_the_files_that_depend_on_it(project: Path) -> None:
    cache_dir = project / CACHE_DIR_NAME
    before = findings(project, Cache(cache_dir))
    assert ("events.py", 6, "FAPI502") in {(n, line, c) for n, line, c, _ in before}
    # events.py is unchanged; its FAPI502 came from main.py's `lifespan=`.
    (project / "app" / "main.py").write_text(MAIN.replace("FastAPI(lifespan=lifespan)", "FastAPI()"))
    after = findings(project, Cache(cache_dir))
    assert "FAPI502" not in {c for _, _, c, _ in after}
    assert after == findings(project, None)


UNRELATED = '''\
import time


async def tick() -> None:
    time.sleep(1)
'''


def relinted(monkeypatch) -> list[str]:
    """Names of the files linted (parsed and checked) from now on."""
    seen: list[str] = []
    real = fastapi_lint.engine.lint_source

    def spy(path, *args, **kwargs):
        seen.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(fastapi_lint.engine, "lint_source", spy)  # api imports it when it lints
    return seen


@pytest.mark.parametrize(
    ("new_main", "expected"),
    [
        # The same facts (a comment at the end): no reader of main.py is affected.
        (MAIN + "# a comment at the end\n", ["main.py"]),
        # events.py reads main.py's app (its lifespan); tasks.py reads nothing of main.py.
        (MAIN.replace("app = FastAPI(lifespan=lifespan)", "app = FastAPI()"), ["events.py", "main.py"]),
    ],
    ids=["same-facts", "new-facts"],
)
def test_an_edit_rechecks_the_file_and_the_readers_of_changed_facts(
        project: Path, monkeypatch, new_main: str, expected: list[str]) -> None:
    (project / "app" / "tasks.py").write_text(UNRELATED)
    cache_dir = project / CACHE_DIR_NAME
    findings(project, Cache(cache_dir))
    linted = relinted(monkeypatch)
    (project / "app" / "main.py").write_text(new_main)
    cached = findings(project, Cache(cache_dir))
    assert sorted(linted) == expected
    assert cached == findings(project, None)


def test_a_corrupt_cache_is_ignored(project: Path) -> None:
    cache_dir = project / CACHE_DIR_NAME
    expected = findings(project, Cache(cache_dir))
    [store] = cache_dir.rglob(STORE_NAME)
    store.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    assert findings(project, Cache(cache_dir)) == expected
    assert findings(project, Cache(cache_dir)) == expected


def test_a_lost_facts_store_is_rebuilt_when_a_file_must_be_linted_again(project: Path, monkeypatch) -> None:
    cache_dir = project / CACHE_DIR_NAME
    findings(project, Cache(cache_dir))
    [store] = cache_dir.rglob(STORE_NAME)
    signer = Cache(cache_dir)
    with sqlite3.connect(store) as connection:  # the digests survive, the facts do not
        rows = connection.execute("SELECT module, hash, digest FROM facts").fetchall()
        connection.execute("UPDATE facts_data SET data = 'damaged'")
        connection.executemany("UPDATE facts SET mac = ? WHERE module = ? AND hash = ?", [
            (signer._mac("facts", module, hashed, found, "damaged"), module, hashed) for module, hashed, found in rows])
    connection.close()
    main = project / "app" / "main.py"
    main.write_text(MAIN.replace("app = FastAPI(lifespan=lifespan)", "app = FastAPI()"))
    seen: list[set[str]] = []
    real = fastapi_lint.api._lint_with_facts

    def spy(files, facts, *args, project=None, **kwargs):
        result = real(files, facts, *args, project=project, **kwargs)
        if project is not None:
            seen.append(set(dict.keys(project.modules)))
        return result

    monkeypatch.setattr(fastapi_lint.api, "_lint_with_facts", spy)
    assert findings(project, Cache(cache_dir)) == findings(project, None)
    assert seen[0] == {"app", "app.main", "app.events"}  # the re-lint saw the whole project


def test_a_facts_digest_changed_in_the_store_is_not_believed(project: Path) -> None:
    # The digest has its own keyed digest (it is read without the facts): a row whose
    # digest was rewritten is as good as absent.
    cache_dir = project / CACHE_DIR_NAME
    findings(project, Cache(cache_dir))
    [store] = cache_dir.rglob(STORE_NAME)
    with sqlite3.connect(store) as connection:
        [(module, hashed)] = connection.execute(
            "SELECT module, hash FROM facts WHERE module = ?", (b"app.events",)).fetchall()
        assert Cache(cache_dir).get_digest("app.events", hashed) is not None
        connection.execute("UPDATE facts SET digest = 'forged' WHERE module = ?", (module,))
    connection.close()
    assert Cache(cache_dir).get_digest("app.events", hashed) is None
    assert findings(project, Cache(cache_dir)) == findings(project, None)


def test_a_result_that_read_two_equal_groups_survives_an_edit_elsewhere(tmp_path: Path) -> None:
    # Two computations that read the same modules are two groups in memory but one row in
    # the store: the dependency digest taken when the result is stored must be the one
    # taken from the store, or every edit anywhere re-lints the file (1,160 litellm files
    # after editing an Airflow router in the corpus).
    cache = Cache(tmp_path / "store", trusted_directory=True)
    path = tmp_path / "app.py"
    key = ("hash", ("FAPI101",), "settings")
    reads = frozenset({"app", ReadGroup({"lib", "lib.deps"}), ReadGroup({"lib", "lib.deps"})})
    before = ProjectDigests({"app": "1", "lib": "2", "lib.deps": "3", "other": "4"})
    cache.put_result(path, key, FileResult("app.py", reads=reads), before)
    cache.save()
    after = ProjectDigests({"app": "1", "lib": "2", "lib.deps": "3", "other": "5"})
    assert Cache(tmp_path / "store", trusted_directory=True).get_result(path, key, "app.py", after).result is not None
    changed = ProjectDigests({"app": "1", "lib": "2", "lib.deps": "6", "other": "4"})
    assert Cache(tmp_path / "store", trusted_directory=True).get_result(path, key, "app.py", changed).result is None


def test_a_results_questions_changed_in_the_store_are_not_believed(tmp_path: Path) -> None:
    # A result's questions sit in their own table, unsigned: its signed row keeps their
    # digest. Questions swapped for none would confirm a stale result without asking.
    cache = Cache(tmp_path / "store", trusted_directory=True)
    path = tmp_path / "app.py"
    key = ("hash", ("FAPI101",), "settings")
    question = ("routes_of", ("app.main",), "answer-digest")
    before = ProjectDigests({"app": "1", "other": "2"})
    cache.put_result(path, key, FileResult("app.py", reads=frozenset({"app", question})), before)
    cache.save()
    after = ProjectDigests({"app": "1", "other": "3"})  # another module changed: the questions are asked

    def lookup():
        reader = Cache(tmp_path / "store", trusted_directory=True)
        reader.prefetch_results([path])
        return reader.get_result(path, key, "app.py", after)

    assert lookup().questions == (question,)
    [store] = (tmp_path / "store").rglob(STORE_NAME)
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE questions SET data = ?", (codec.dumps(frozenset()),))
    connection.close()
    assert lookup().result is None


def test_cli_cache_flags(project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    first = invoke("--isolated", "--select", "FAPI101", "--output-format", "json", "app")
    assert (project / CACHE_DIR_NAME / ".gitignore").read_text().strip().endswith("*")
    second = invoke("--isolated", "--select", "FAPI101", "--output-format", "json", "app")
    assert json.loads(first.stdout) == json.loads(second.stdout)
    elsewhere = project / "elsewhere"
    invoke("--isolated", "--cache-dir", str(elsewhere), "app")
    assert any(elsewhere.rglob(STORE_NAME))
    other = project / "other"
    other.mkdir()
    (other / "a.py").write_text("x = 1\n")
    monkeypatch.chdir(other)
    invoke("--isolated", "--no-cache", "a.py")
    assert not (other / CACHE_DIR_NAME).exists()


def _edit(text: str) -> str:
    """A change to the facts other files read: a router is no longer included, or a path
    or prefix moves, or else every line moves."""
    if ".include_router(" in text:
        return text.replace(".include_router(", ".include_router_later(", 1)
    return text.replace('"/', '"/v2/', 1) if '"/' in text else "\n" + text


@pytest.mark.slow  # every edit of every fixture project: `pytest -m "not slow"` leaves it out
@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_cached_findings_follow_every_edit_of_a_fixture_project(fixture: str, tmp_path: Path) -> None:
    """Edit the project's files one after another; after each edit the cached run must
    report exactly what an uncached run reports (messages included)."""
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, root)
    settings = Settings(root=root, select=("ALL",))
    cache_dir = tmp_path / CACHE_DIR_NAME

    def run(cache: Cache | None) -> list[tuple]:
        result = lint_paths([root], settings, cache=cache)
        return [(d.path, d.start.line, d.start.column, d.code, d.message) for d in result.diagnostics]

    assert run(Cache(cache_dir)) == run(None)
    for path in sorted(root.rglob("*.py")):
        path.write_text(_edit(path.read_text(encoding="utf-8")), encoding="utf-8")
        assert run(Cache(cache_dir)) == run(None), f"after editing {path.relative_to(root)}"


def test_facts_digests_agree_across_processes() -> None:
    """A file's facts digest is the same whether a worker or the main process extracted
    it (else an edit run, linting in-process, would see every module as changed)."""
    files = sorted(FIXTURES.rglob("*.py"))[:40]
    here = [fastapi_lint.api._encoded_facts_job({}, path)[1] for path in files]
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        there = pool.starmap(fastapi_lint.api._encoded_facts_job, [({}, path) for path in files])
    assert [digest for _, digest in there] == here


@pytest.mark.parametrize("how", ["cp -p", "tar --mtime"])
def test_a_same_size_edit_that_keeps_the_mtime_is_relinted(project: Path, how: str) -> None:
    cache_dir = project / CACHE_DIR_NAME
    events = project / "app" / "events.py"
    before = findings(project, Cache(cache_dir))
    status = os.stat(events)
    edited = EVENTS.replace("time.sleep(1)", "print(1)     ")  # same size, no blocking call
    assert len(edited) == len(EVENTS)
    if how == "cp -p":  # a new file with the old times moved into place: another inode
        copy = project / "events.tmp"
        copy.write_text(edited)
        os.utime(copy, ns=(status.st_atime_ns, status.st_mtime_ns))
        os.replace(copy, events)
    else:  # rewritten in place, then the archive's mtime restored: only ctime changes
        events.write_text(edited)
        os.utime(events, ns=(status.st_atime_ns, status.st_mtime_ns))
    after = findings(project, Cache(cache_dir))
    assert after == findings(project, None) != before


def test_a_file_written_as_the_store_was_saved_is_read_again(project: Path, monkeypatch) -> None:
    """A file whose mtime is not older than the store's last write may have changed within
    the clock's resolution: its recorded hash is not trusted."""
    cache_dir = project / CACHE_DIR_NAME
    findings(project, Cache(cache_dir))
    future = time.time_ns() + 10 ** 9
    events = project / "app" / "events.py"
    os.utime(events, ns=(future, future))
    recorded = Cache(cache_dir)
    assert recorded.known_hash(events, os.stat(events)) is None
    main = project / "app" / "main.py"
    assert recorded.known_hash(main, os.stat(main)) is not None


def test_each_file_is_read_once_per_run(project: Path, monkeypatch) -> None:
    opened: list[str] = []
    real_open = open

    def counting_open(file, *args, **kwargs):
        if str(file).endswith(".py"):
            opened.append(os.path.basename(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", counting_open)
    for cache in (None, Cache(project / CACHE_DIR_NAME)):
        opened.clear()
        findings(project, cache)
        assert sorted(opened) == ["__init__.py", "events.py", "main.py"]


ROUTES_MAIN = '''\
from fastapi import FastAPI

from app import a, b

app = FastAPI()
app.include_router(a.router)
app.include_router(b.router)
'''
ROUTER = '''\
from fastapi import APIRouter

router = APIRouter()


@router.get("/{name}", operation_id="read")  # comment
def read_{name}() -> dict[str, str]:
    return {{}}
'''


def write_two_routers(root: Path) -> Path:
    """``app/``: main.py includes routers a and b, both with operation_id "read" (b's clashes)."""
    package = root / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "main.py").write_text(ROUTES_MAIN)
    for name in ("a", "b"):
        (package / f"{name}.py").write_text(ROUTER.format(name=name))
    return package


def test_stored_answers_are_reused_while_what_they_read_is_unchanged(tmp_path: Path, monkeypatch) -> None:
    """A project-wide question (here: which operationIds clash, over the whole route index)
    is answered from the store on a run where no module it read changed, and asked again
    once one did."""
    package = write_two_routers(tmp_path)
    settings = Settings(root=tmp_path, select=("FAPI218",))
    cache_dir = tmp_path / CACHE_DIR_NAME
    computed: list[str] = []
    import fastapi_lint.rules  # noqa: F401 - the rules' modules register their questions
    for name, function in list(QUERIES.items()):
        monkeypatch.setitem(QUERIES, name, functools.partial(lambda f, n, *args: computed.append(n) or f(*args),
                                                              function, name))

    def run(cache: Cache | None) -> list[tuple]:
        result = lint_paths([tmp_path], settings, cache=cache)
        return [(Path(d.path).name, d.start.line, d.message) for d in result.diagnostics]

    first = run(Cache(cache_dir))
    assert [(file, line) for file, line, _ in first] == [("b.py", 6)]
    asked = [name for name in computed if name.endswith("duplicate_operation_ids")]
    assert asked
    computed.clear()
    b = package / "b.py"
    b.write_text(b.read_text().replace("# comment", "# edited"))  # new content, same facts
    assert run(Cache(cache_dir)) == first
    assert not [name for name in computed if name.endswith("duplicate_operation_ids")]
    a = package / "a.py"
    a.write_text(a.read_text().replace('operation_id="read"', 'operation_id="read_a"'))
    assert run(Cache(cache_dir)) == run(None) == []


def test_a_result_is_confirmed_by_its_stored_answers_digests_without_decoding_them(
        tmp_path: Path, monkeypatch) -> None:
    """After an edit, a stored result's questions are confirmed by the digests of the
    stored answers that still hold, which are not decoded (most are large values that only
    the question's asker needs). An answer that asked a question itself holds while that
    question's answer is the same (by_module.py's: which modules reach fastapi, a question
    that reads every module). A forged digest is not believed (the row's MAC covers it):
    the question is answered again. (FAPI412's could_report asks whether a file with
    `debug=True` may use FastAPI: the questions whose answers are stored.)"""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "apps.py").write_text("from fastapi import FastAPI\n\n\nclass App(FastAPI):\n    pass\n")
    (package / "main.py").write_text("from app.apps import App\n\napp = App(debug=True)\n")
    (package / "by_module.py").write_text("from app import apps\n\napp = apps.App(debug=True)\n")
    (package / "other.py").write_text("LIMIT = 1\n")
    settings = Settings(root=tmp_path, select=("FAPI412",))
    cache_dir = tmp_path / CACHE_DIR_NAME
    computed: list[str] = []
    decoded: list[str] = []
    import fastapi_lint.rules  # noqa: F401 - the rules' modules register their questions
    for name, function in list(QUERIES.items()):
        monkeypatch.setitem(QUERIES, name, functools.partial(lambda f, n, *args: computed.append(n) or f(*args),
                                                              function, name))
    known_answer = Cache._known_answer
    monkeypatch.setattr(Cache, "_known_answer",
                        lambda self, project, name, args, *rest: decoded.append((name, args))
                        or known_answer(self, project, name, args, *rest))

    def run() -> list[tuple]:
        computed.clear()
        decoded.clear()
        result = lint_paths([tmp_path], settings, cache=Cache(cache_dir))
        return [(Path(d.path).name, d.start.line, d.code) for d in result.diagnostics]

    def reach_questions(names: list[str]) -> list[str]:
        return [name for name in names if name.endswith("_imports_reach")]

    def main_questions() -> list[tuple]:  # main.py's: may it use FastAPI through App?
        return [(name, args) for name, args in decoded if "app.apps.App" in args[0]]

    def reaching_questions() -> list[str]:
        return [name for name in computed if name.endswith("_modules_reaching")]

    first = run()
    assert first == [("by_module.py", 3, "FAPI412"), ("main.py", 3, "FAPI412")]
    assert reach_questions(computed) and reaching_questions()
    (package / "other.py").write_text("LIMIT = 2\n")  # new facts: the stored results are confirmed
    assert run() == first
    assert reaching_questions()  # it read every module: asked again, the same answer
    assert not reach_questions(computed) and not main_questions()

    [store] = cache_dir.rglob(STORE_NAME)
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE answers SET answer = ? WHERE answer != ''", (repr(False),))
    connection.close()
    (package / "other.py").write_text("LIMIT = 3\n")
    assert run() == first
    assert reach_questions(computed)


def test_a_result_confirmed_after_an_edit_is_taken_as_it_is_by_the_next_run(tmp_path: Path, monkeypatch) -> None:
    """Once a run confirmed a stored result after an edit elsewhere (its questions are
    answered the same), the store keeps it under the project as it is now: the next run
    with nothing changed asks no question again."""
    package = write_two_routers(tmp_path)
    settings = Settings(root=tmp_path, select=("FAPI218",))
    confirmed: list[int] = []
    same_answers = fastapi_lint.api._same_answers
    monkeypatch.setattr(fastapi_lint.api, "_same_answers",
                        lambda project, questions: confirmed.append(len(questions)) or same_answers(project, questions))

    def run() -> list[tuple]:
        confirmed.clear()
        result = lint_paths([tmp_path], settings, cache=Cache(tmp_path / CACHE_DIR_NAME))
        return [(Path(d.path).name, d.start.line) for d in result.diagnostics]

    first = run()
    assert first == [("b.py", 6)]
    b = package / "b.py"
    b.write_text(b.read_text() + "\nLIMIT = 1\n")  # b's facts change: the other results are confirmed
    assert run() == first and confirmed
    assert run() == first and not confirmed


def test_projects_sharing_a_store_keep_their_own_answers(tmp_path: Path, monkeypatch) -> None:
    """One store may serve several projects (`--cache-dir`): the same question in another
    project neither replaces this project's answer nor is taken for it."""
    roots = []
    for name in ("one", "two"):
        package = tmp_path / name / "app"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "main.py").write_text(ROUTES_MAIN)
        for router in ("a", "b"):
            text = ROUTER.format(name=router)
            if name == "two":  # no clash in this project
                text = text.replace('operation_id="read"', f'operation_id="read_{router}"')
            (package / f"{router}.py").write_text(text)
        roots.append(tmp_path / name)
    cache_dir = tmp_path / CACHE_DIR_NAME
    computed: list[str] = []
    import fastapi_lint.rules  # noqa: F401 - the rules' modules register their questions
    for name, function in list(QUERIES.items()):
        monkeypatch.setitem(QUERIES, name, functools.partial(lambda f, n, *args: computed.append(n) or f(*args),
                                                              function, name))

    def run(root: Path) -> list[tuple]:
        result = lint_paths([root], Settings(root=root, select=("FAPI218",)), cache=Cache(cache_dir))
        return [(Path(d.path).name, d.start.line) for d in result.diagnostics]

    assert run(roots[0]) == [("b.py", 6)]
    assert run(roots[1]) == []
    computed.clear()
    b = roots[0] / "app" / "b.py"
    b.write_text(b.read_text().replace("# comment", "# edited"))
    assert run(roots[0]) == [("b.py", 6)]
    assert not [name for name in computed if name.endswith("duplicate_operation_ids")]


def test_an_index_rebuilt_after_an_edit_takes_the_unchanged_modules_shares_from_the_store() -> None:
    """Each module's share of a project-wide index is kept with the modules it read
    (``Project.share``): rebuilding the index after an edit decodes the edited module's
    facts only, not every module's."""
    from fastapi_lint.analysis.dependencies import settings_class_names
    from fastapi_lint.analysis.facts import extract_facts
    from fastapi_lint.project import Answers, Deferred, Project

    sources = {
        "app.settings": "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    debug: bool = False\n",
        "app.tenant": "from app.settings import Settings\n\n\nclass TenantSettings(Settings):\n    tenant: str = ''\n",
        "app.models": "class Item:\n    pass\n",
    }
    facts = {module: extract_facts(text.encode(), module) for module, text in sources.items()}
    stored: dict[tuple, tuple] = {}
    first = Project(dict(facts), Answers(lambda name, args: stored.get((name, args))))
    assert settings_class_names(first) == {"BaseSettings", "Settings", "TenantSettings"}
    for name, args, value, deps, _ in first.answers.drain():
        stored[(name, args)] = (value, deps)
    assert ("settings_classes_in", ("app.tenant",)) in stored

    # app.models changes: what read it (or every module) is no longer what the store holds.
    stored = {key: entry for key, entry in stored.items() if not {"app.models", "*"} & entry[1].modules}
    edited = {**facts, "app.models": extract_facts(b"class Item:\n    name: str\n", "app.models")}
    decoded: list[str] = []

    def deferred(module: str) -> Deferred:
        return Deferred(lambda: decoded.append(module) or edited[module])

    second = Project({module: deferred(module) for module in edited}, Answers(lambda name, args: stored.get((name, args))))
    assert settings_class_names(second) == {"BaseSettings", "Settings", "TenantSettings"}
    assert decoded == ["app.models"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_what_each_file_read_crosses_to_the_main_process_only_for_a_store(tmp_path: Path, monkeypatch, jobs: int) -> None:
    """A file's reads are what the store keys its result on: a run without a store leaves
    them in the worker (at 5,835 files they were 100 MB of the main process), a run with
    one receives them all."""
    package = write_two_routers(tmp_path)
    for index in range(30):  # enough files for worker processes
        (package / f"r{index}.py").write_text(ROUTER.format(name=f"r{index}").replace('"read"', f'"read_{index}"'))
    settings = Settings(root=tmp_path, select=("FAPI218",))
    stored: dict[str, frozenset] = {}
    real_put = Cache.put_result
    monkeypatch.setattr(Cache, "put_result", lambda self, path, key, result, digests: (
        stored.__setitem__(path.name, result.reads), real_put(self, path, key, result, digests))[1])

    uncached = lint_paths([tmp_path], settings, jobs=jobs)
    assert not any(file.reads for file in uncached.files)
    cached = lint_paths([tmp_path], settings, jobs=jobs, cache=Cache(tmp_path / CACHE_DIR_NAME))
    assert [d.sort_key for d in cached.diagnostics] == [d.sort_key for d in uncached.diagnostics]
    assert len(stored) == len(cached.files)
    assert all(stored[f"r{index}.py"] for index in range(30))  # each router read the app that includes it


def test_a_question_not_kept_is_answered_at_each_ask_and_still_read_and_learnt(monkeypatch) -> None:
    """``@query(kept=False)`` (a lookup in a memoised index, asked with tens of thousands
    of arguments): no memo entry per argument, yet each asker records the question with
    its answer's digest, and the store still learns the answer."""
    from fastapi_lint.analysis.facts import extract_facts
    from fastapi_lint.project import Answers, Project, answer_digest

    name = "fastapi_lint.project._is_dependency"
    computed: list[tuple] = []
    monkeypatch.setitem(QUERIES, name, functools.partial(lambda f, project, *args: computed.append(args) or f(project, *args),
                                                         QUERIES[name]))
    source = b"from fastapi import Depends\n\ndef get_db(): ...\n\ndef read(db=Depends(get_db)): ...\n"
    project = Project({"app": extract_facts(source, "app")}, Answers())
    for _ in range(2):
        with project.reads() as reads:
            assert project.is_dependency("app.get_db")
        assert ("?", name, ("app.get_db",), answer_digest(True)) in reads
    assert computed == [("app.get_db",), ("app.get_db",)]
    assert not [key for key in project._memo if key[:2] == ("query", name)]
    assert [(learnt[0], learnt[1], learnt[2]) for learnt in project.answers.drain() if learnt[0] == name] == [
        (name, ("app.get_db",), True)] * 2


def test_the_shares_a_sweep_on_workers_learns_reach_the_store(tmp_path: Path, monkeypatch) -> None:
    """Every worker sweeps the indexes alike when the facts may not fit (here: a budget of
    one object); one of them hands the shares over, packed, and the store keeps each."""
    from fastapi_lint.project import SHARES

    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for index in range(40):
        (package / f"r{index}.py").write_text(
            "from fastapi import APIRouter, Depends\n\nrouter = APIRouter()\n\n\ndef dep():\n    return 1\n\n\n"
            f"@router.get('/r{index}')\nasync def read(value=Depends(dep)):\n    return value\n")
    monkeypatch.setattr(fastapi_lint.api, "DECODED_FACTS_BUDGET", 1)
    monkeypatch.setattr(fastapi_lint.api, "DECODED_FACTS_PER_MODULE", 0)
    settings = Settings(root=tmp_path)
    first = lint_paths([tmp_path], settings, jobs=2, cache=Cache(tmp_path / CACHE_DIR_NAME))
    with sqlite3.connect(next((tmp_path / CACHE_DIR_NAME).glob(f"*/{STORE_NAME}"))) as store:
        stored = store.execute("SELECT name, count(*) FROM answers GROUP BY name").fetchall()
    modules = 41  # app and its 40 routers
    assert {name: count for name, count in stored if name in SHARES} == {name: modules for name in SHARES}
    again = lint_paths([tmp_path], settings, jobs=2, cache=Cache(tmp_path / CACHE_DIR_NAME))
    assert [d.sort_key for d in again.diagnostics] == [d.sort_key for d in first.diagnostics]
