"""The linted tree is hostile: each test performs an attack a repository can mount on a
CI run or a pre-commit hook, and checks it fails. Cache stores that run code, writes and
reads through symbolic links, and fixes that overwrite edits saved meanwhile."""

from __future__ import annotations

import ast
import json
import os
import sqlite3
from pathlib import Path

import pytest

import fastapi_lint
import fastapi_lint.api
import fastapi_lint.engine
from fastapi_lint.cache import CACHE_DIR_NAME, STORE_NAME, _code_version

from conftest import ROOT, invoke

BLOCKING = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"  # FAPI101 at 5:5


def lint_json(*args: str) -> list[dict]:
    result = invoke("--isolated", "--select", "FAPI101", "--output-format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


# ---------------------------------------------------------------- 1. the cache never runs code


class _Payload:
    """Unpickling this writes a file: what a planted cache would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pwned"))


def _malicious_pickle(marker: Path) -> bytes:
    # Built with the standard library in this test only: fastapi-lint itself never imports it.
    import pickle

    return pickle.dumps({"key": _Payload(marker)})


STORE_NAMES = ("index.pickle", "digests.pickle", "facts.pickle", "results.pickle", STORE_NAME,
               f"{STORE_NAME}-journal", f"{STORE_NAME}-wal")


@pytest.mark.parametrize("store", STORE_NAMES)
def test_a_planted_pickle_in_the_cache_never_runs(in_tmp: Path, store: str) -> None:
    (in_tmp / "app.py").write_text(BLOCKING)
    marker = in_tmp.parent / f"{in_tmp.name}-pwned"
    version_dir = in_tmp / CACHE_DIR_NAME / _code_version()
    version_dir.mkdir(parents=True)
    (version_dir / store).write_bytes(_malicious_pickle(marker))
    for _ in range(2):
        found = lint_json("app.py")
        assert [(d["line"], d["code"]) for d in found] == [(5, "FAPI101")]
    assert not marker.exists()


def test_fastapi_lint_never_deserialises_code() -> None:
    banned_imports = {"pickle", "marshal", "shelve", "cPickle", "_pickle", "dill", "cloudpickle"}
    for path in sorted(Path(fastapi_lint.__file__).parent.rglob("*.py")):
        tree = ast.parse(path.read_bytes())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not {a.name.split(".")[0] for a in node.names} & banned_imports, path
            elif isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] not in banned_imports, path
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec"), f"{path}:{node.lineno}"


def test_a_forged_store_row_cannot_hide_a_finding(in_tmp: Path) -> None:
    """Rows are signed with a key outside the tree: a committed store that says the file
    is clean is not believed."""
    (in_tmp / "app.py").write_text(BLOCKING)
    assert len(lint_json("app.py")) == 1
    [store] = (in_tmp / CACHE_DIR_NAME).rglob(STORE_NAME)
    with sqlite3.connect(store) as connection:
        [(data,)] = connection.execute("SELECT data FROM results").fetchall()
        emptied = json.loads(data)
        emptied["$FileResult"][1] = []  # no diagnostics, if it were believed
        connection.execute("UPDATE results SET data = ?", (json.dumps(emptied),))
    connection.close()
    assert len(lint_json("app.py")) == 1


def _quick_check(store: Path) -> list:
    connection = sqlite3.connect(store)
    try:
        return connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [(str(exc),)]
    finally:
        connection.close()


def test_a_damaged_store_is_replaced_not_read(in_tmp: Path) -> None:
    """SQLite reports a damaged file as rows of text, not as an error: a store whose pages
    were overwritten is discarded before any of its rows is read."""
    for n in range(60):
        (in_tmp / f"m{n}.py").write_text(BLOCKING + f"# {'x' * 2000}\n")
    first = lint_json(".")
    assert len(first) == 60
    [store] = (in_tmp / CACHE_DIR_NAME).rglob(STORE_NAME)
    page = 4096
    with open(store, "r+b") as handle:
        for offset in range(2 * page, store.stat().st_size - page, page):
            handle.seek(offset + 100)  # cells, past the page header: read as rows of nonsense
            handle.write(b"\xff" * 200)
    damage = _quick_check(store)
    assert damage != [("ok",)] and "malformed" not in damage[0][0]  # reported as rows, not raised
    assert lint_json(".") == first
    assert not store.exists() or _quick_check(store) == [("ok",)]
    assert lint_json(".") == first  # a new store, whole and filled again
    assert _quick_check(store) == [("ok",)]
    with sqlite3.connect(store) as connection:
        assert connection.execute("SELECT COUNT(*) FROM results").fetchone() == (60,)
    connection.close()


def test_a_store_with_a_foreign_schema_is_replaced(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(BLOCKING)
    version_dir = in_tmp / CACHE_DIR_NAME / _code_version()
    version_dir.mkdir(parents=True)
    connection = sqlite3.connect(version_dir / STORE_NAME)
    connection.executescript(
        "CREATE TABLE files (path TEXT, stat TEXT, hash TEXT, mac TEXT);"
        "CREATE VIEW results AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c;"
    )
    connection.close()
    assert len(lint_json("app.py")) == 1
    assert len(lint_json("app.py")) == 1
    with sqlite3.connect(version_dir / STORE_NAME) as connection:
        views = connection.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall()
    connection.close()
    assert views == []


# ---------------------------------------------------------------- 2. no writes through links


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "victim.py"
    target.write_text(BLOCKING)
    return target


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.fastapi-lint]\n")
    monkeypatch.chdir(root)
    return root


def test_fix_never_writes_through_a_link_leading_outside(repo: Path, victim: Path) -> None:
    (repo / "app" / "evil.py").symlink_to(os.path.relpath(victim, repo / "app"))
    (repo / "app" / "own.py").write_text(BLOCKING)
    for named in ("app", "app/evil.py"):
        result = invoke("--select", "FAPI101", "--fix", "--unsafe-fixes", named)
        assert victim.read_text() == BLOCKING
    assert "asyncio.sleep" in (repo / "app" / "own.py").read_text()  # the project's own file is fixed
    assert "outside the project" in result.output  # named explicitly: linted, reported, not written


def test_add_noqa_never_writes_through_a_link_leading_outside(repo: Path, victim: Path) -> None:
    (repo / "app" / "evil.py").symlink_to(victim)
    result = invoke("--select", "FAPI101", "--add-noqa", "app/evil.py")
    assert result.exit_code == 0
    assert victim.read_text() == BLOCKING


def test_a_link_inside_the_project_is_fixed_in_its_target(repo: Path) -> None:
    (repo / "lib").mkdir()
    (repo / "lib" / "real.py").write_text(BLOCKING)
    (repo / "app" / "alias.py").symlink_to(repo / "lib" / "real.py")
    invoke("--select", "FAPI101", "--fix", "--unsafe-fixes", "app/alias.py")
    assert "asyncio.sleep" in (repo / "lib" / "real.py").read_text()
    assert (repo / "app" / "alias.py").is_symlink()


def test_a_dangling_gitignore_link_in_the_cache_creates_nothing(repo: Path, tmp_path: Path) -> None:
    (repo / "app" / "main.py").write_text(BLOCKING)
    elsewhere = tmp_path / "created-by-lint"
    (repo / CACHE_DIR_NAME).mkdir()
    (repo / CACHE_DIR_NAME / ".gitignore").symlink_to(elsewhere)
    lint_json("app")
    lint_json("app")
    assert not elsewhere.exists()


@pytest.mark.parametrize("linked", ["cache", "version", "store", "journal"])
def test_a_linked_cache_puts_nothing_outside(repo: Path, tmp_path: Path, linked: str) -> None:
    (repo / "app" / "main.py").write_text(BLOCKING)
    outside = tmp_path / "outside-cache"
    outside.mkdir()
    version_dir = repo / CACHE_DIR_NAME / _code_version()
    if linked == "cache":
        (repo / CACHE_DIR_NAME).symlink_to(outside, target_is_directory=True)
    elif linked == "version":
        version_dir.parent.mkdir()
        version_dir.symlink_to(outside, target_is_directory=True)
    else:
        version_dir.mkdir(parents=True)
        name = STORE_NAME if linked == "store" else f"{STORE_NAME}-journal"
        (version_dir / name).symlink_to(outside / "planted")
    for _ in range(2):
        assert [d["code"] for d in lint_json("app")] == ["FAPI101"]
    assert list(outside.iterdir()) == []


def test_an_explicit_cache_dir_may_be_a_link(repo: Path, tmp_path: Path) -> None:
    (repo / "app" / "main.py").write_text(BLOCKING)
    real = tmp_path / "real-cache"
    real.mkdir()
    (tmp_path / "cache-link").symlink_to(real, target_is_directory=True)
    lint_json("--cache-dir", str(tmp_path / "cache-link"), "app")
    assert any(real.rglob(STORE_NAME))


# ---------------------------------------------------------------- 3. no reads through links


def test_a_link_to_a_file_outside_is_not_read(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "environ"
    secret.write_text('import time\nTOKEN = "ghp_SECRET_TOKEN"\nasync def f():\n    time.sleep(TOKEN)\n')
    (repo / "app" / "env.py").symlink_to(secret)
    (repo / "app" / "main.py").write_text(BLOCKING)
    for output_format in ("text", "concise", "json", "github"):
        result = invoke("--select", "FAPI101", "--output-format", output_format, "app")
        assert "SECRET_TOKEN" not in result.output
        assert "env.py" not in result.output
    assert "env.py" in invoke("--select", "FAPI101", "app/env.py").output  # named: the user asked


def test_proc_environ_through_a_link_is_not_read(repo: Path, monkeypatch) -> None:
    if not os.path.exists("/proc/self/environ"):
        pytest.skip("no /proc")
    monkeypatch.setenv("FASTAPI_LINT_TEST_SECRET", "s3cr3t-value")
    (repo / "app" / "env.py").symlink_to("/proc/self/environ")
    result = invoke("app")
    assert "s3cr3t-value" not in result.output
    assert "env.py" not in result.output


def test_special_files_are_skipped_when_walking(repo: Path) -> None:
    os.mkfifo(repo / "app" / "pipe.py")
    (repo / "app" / "tty.py").symlink_to("/dev/zero")
    (repo / "app" / "main.py").write_text(BLOCKING)
    assert [d["path"] for d in lint_json("app")] == ["app/main.py"]


# ---------------------------------------------------------------- 6. edits saved meanwhile are kept


def _save_during_fix(monkeypatch, path: Path, saved: str, keep_mtime: bool) -> None:
    """An editor saves ``path`` while the fix is being computed (``keep_mtime``: as
    ``cp -p`` would, so only the content tells)."""
    real = fastapi_lint.engine.fix_source

    def fix_then_save(*args, **kwargs):
        result = real(*args, **kwargs)
        before = os.stat(path)
        with open(path, "r+") as handle:  # in place: the same inode
            handle.write(saved)
            handle.truncate()
        if keep_mtime:
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        return result

    monkeypatch.setattr(fastapi_lint.engine, "fix_source", fix_then_save)  # api imports it when it fixes


@pytest.mark.parametrize("same_size", [False, True])
def test_fix_never_overwrites_an_edit_saved_meanwhile(repo: Path, monkeypatch, same_size: bool) -> None:
    target = repo / "app" / "main.py"
    target.write_text(BLOCKING)
    saved = BLOCKING.replace("handler", "hundler") if same_size else BLOCKING + "# my edit\n"
    _save_during_fix(monkeypatch, target, saved, keep_mtime=same_size)
    result = invoke("--select", "FAPI101", "--fix", "--unsafe-fixes", "app")
    assert target.read_text() == saved
    assert "changed after it was read" in result.output
    assert result.exit_code == 1


def test_add_noqa_never_overwrites_an_edit_saved_since_the_lint(repo: Path, monkeypatch) -> None:
    target = repo / "app" / "main.py"
    target.write_text(BLOCKING)
    real = fastapi_lint.api.lint_paths

    def lint_then_save(*args, **kwargs):
        result = real(*args, **kwargs)
        target.write_text("# a line above moves every finding\n" + BLOCKING)
        return result

    monkeypatch.setattr(fastapi_lint.api, "lint_paths", lint_then_save)
    invoke("--select", "FAPI101", "--add-noqa", "app")
    assert "noqa" not in target.read_text()


def test_a_fix_without_interference_is_written(repo: Path) -> None:
    target = repo / "app" / "main.py"
    target.write_text(BLOCKING)
    invoke("--select", "FAPI101", "--fix", "--unsafe-fixes", "app")
    assert "await asyncio.sleep(1)" in target.read_text()
    assert sorted(p.name for p in target.parent.iterdir()) == ["main.py"]  # no temporary file left


def test_the_readme_describes_the_security_model() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Security model" in readme
