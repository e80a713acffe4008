"""Bad input never stops a run: unreadable/undecodable/unparsable files get one FAPI000,
a crashing rule gets FAPI900 (and exit 3), and nothing prints a traceback."""

from __future__ import annotations

import ast
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from fastapi_lint.api import lint_paths, lint_text
from fastapi_lint.config import Settings
from fastapi_lint.rules import ALL_RULES

from conftest import invoke

BlockingCallInAsync = ALL_RULES["FAPI101"]
MissingResponseModel = ALL_RULES["FAPI201"]

GOOD = b"""\
import time


async def handler():
    time.sleep(1)
"""  # FAPI101 at 5:5



def run(directory: Path, **settings):
    result = lint_paths([directory], Settings(root=directory, **settings))
    return [(Path(d.path).name, d.code, d.start.line, d.start.column, d.message) for d in result.diagnostics]


def project(tmp_path: Path, name: str, content: bytes) -> Path:
    (tmp_path / "good.py").write_bytes(GOOD)
    (tmp_path / name).write_bytes(content)
    return tmp_path


def only(found, name):
    return [f for f in found if f[0] == name]


def assert_good_still_linted(found):
    assert [f[:4] for f in only(found, "good.py")] == [("good.py", "FAPI101", 5, 5)]


# ---------------------------------------------------------------- FAPI000


def test_syntax_error_in_a_fastapi_file_with_a_trigger(tmp_path):
    source = b"from fastapi.middleware.cors import CORSMiddleware\n\nx = = 1\n"
    found = run(project(tmp_path, "broken.py", source))
    assert_good_still_linted(found)
    (diagnostic,) = only(found, "broken.py")
    assert diagnostic[1] == "FAPI000"
    assert diagnostic[2] == 3
    assert "syntax error" in diagnostic[4]


@pytest.mark.parametrize(
    "source",
    [
        b"def broken(:\n    pass\n",
        b"import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        b"@app.get('/')\nasync def root()\n    time.sleep(1)\n",
        b"x = (1,\n",
    ],
    ids=["plain", "fastapi-missing-colon", "unclosed-paren"],
)
def test_syntax_error_always_gives_fapi000(tmp_path, source):
    found = run(project(tmp_path, "broken.py", source))
    assert_good_still_linted(found)
    assert [f[1] for f in only(found, "broken.py")] == ["FAPI000"]


@pytest.mark.parametrize(
    "source",
    [
        "# CORSMiddleware\nx = 1\ny = = 2\n",
        "# CORSMiddleware\ndef f()\n    pass\n",
    ],
    ids=["double-equals", "missing-colon"],
)
def test_syntax_error_position_matches_python(tmp_path, source):
    with pytest.raises(SyntaxError) as python:
        ast.parse(source)
    (diagnostic,) = lint_text(source, settings=Settings(root=tmp_path))
    assert diagnostic.code == "FAPI000"
    assert (diagnostic.start.line, diagnostic.start.column) == (python.value.lineno, python.value.offset)


def test_non_utf8_bytes_without_coding_declaration(tmp_path):
    found = run(project(tmp_path, "latin.py", b"x = '\xff'\n"))
    assert_good_still_linted(found)
    (diagnostic,) = only(found, "latin.py")
    assert diagnostic[1:3] == ("FAPI000", 1)
    assert "encoding" in diagnostic[4] or "utf-8" in diagnostic[4].lower()


def test_non_utf8_bytes_on_a_later_line_point_at_the_byte(tmp_path):
    found = run(project(tmp_path, "latin.py", b"a = 1\nb = 2\nc = 3\nx = '\xff'\n"))
    assert_good_still_linted(found)
    (diagnostic,) = only(found, "latin.py")
    assert diagnostic[1:4] == ("FAPI000", 4, 6)
    assert "0xff" in diagnostic[4]
    assert "utf-8" in diagnostic[4]


def test_non_utf8_bytes_on_the_first_line_point_at_the_byte(tmp_path):
    (diagnostic,) = lint_text(b"x = '\xff'\n", settings=Settings(root=tmp_path))
    assert (diagnostic.code, diagnostic.start.line, diagnostic.start.column) == ("FAPI000", 1, 6)
    assert "0xff" in diagnostic.message


def test_null_byte(tmp_path):
    found = run(project(tmp_path, "nul.py", b"import os\nx = 1\x00\n"))
    assert_good_still_linted(found)
    (diagnostic,) = only(found, "nul.py")
    assert diagnostic[1:4] == ("FAPI000", 2, 6)
    assert "null byte" in diagnostic[4]


def test_bad_coding_declaration(tmp_path):
    found = run(project(tmp_path, "cookie.py", b"# -*- coding: no-such-codec -*-\nx = 1\n"))
    assert_good_still_linted(found)
    (diagnostic,) = only(found, "cookie.py")
    assert diagnostic[1] == "FAPI000"
    assert "encoding" in diagnostic[4]


def test_latin1_file_with_coding_declaration_lints_normally(tmp_path):
    source = b"# -*- coding: latin-1 -*-\nimport time\n\nNAME = 'caf\xe9'\n\n\nasync def h\xe9():\n    time.sleep(1)\n"
    found = run(project(tmp_path, "latin.py", source))
    assert_good_still_linted(found)
    (diagnostic,) = only(found, "latin.py")
    assert diagnostic[1:4] == ("FAPI101", 8, 5)
    assert "h\u00e9" in diagnostic[4]


def test_bom_prefixed_utf8_file_lints_normally(tmp_path):
    found = run(project(tmp_path, "bom.py", b"\xef\xbb\xbf" + GOOD))
    assert_good_still_linted(found)
    assert [f[1:4] for f in only(found, "bom.py")] == [("FAPI101", 5, 5)]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"# just a comment\n", b"\xef\xbb\xbf"])
def test_empty_files_are_clean(tmp_path, content):
    found = run(project(tmp_path, "empty.py", content))
    assert_good_still_linted(found)
    assert only(found, "empty.py") == []


def test_empty_file_via_cli(in_tmp):
    (in_tmp / "__init__.py").write_bytes(b"")
    result = invoke("__init__.py")
    assert result.exit_code == 0
    assert "All checks passed!" in result.stdout


def test_unreadable_file(tmp_path):
    project(tmp_path, "secret.py", GOOD)
    secret = tmp_path / "secret.py"
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):
            pytest.skip("running with privileges that can read a mode-000 file")
        found = run(tmp_path)
    finally:
        secret.chmod(0o644)
    assert_good_still_linted(found)
    (diagnostic,) = only(found, "secret.py")
    assert diagnostic[1] == "FAPI000"
    assert "cannot read" in diagnostic[4]


def test_dangling_symlink_is_an_unreadable_file(tmp_path):
    project(tmp_path, "placeholder.txt", b"")
    (tmp_path / "gone.py").symlink_to(tmp_path / "does_not_exist.py")
    found = run(tmp_path)
    assert_good_still_linted(found)
    (diagnostic,) = only(found, "gone.py")
    assert diagnostic[1:4] == ("FAPI000", 1, 1)
    assert "cannot read file" in diagnostic[4]


def test_dangling_symlink_via_cli(in_tmp):
    (in_tmp / "good.py").write_bytes(GOOD)
    (in_tmp / "gone.py").symlink_to(in_tmp / "nowhere.py")
    result = invoke(".")
    assert result.exit_code == 1
    assert "gone.py:1:1: FAPI000" in result.stdout
    assert "good.py:5:5: FAPI101" in result.stdout


def test_directory_named_like_a_python_file(in_tmp):
    (in_tmp / "good.py").write_bytes(GOOD)
    (in_tmp / "weird.py").mkdir()
    (in_tmp / "weird.py" / "inner.py").write_bytes(GOOD)
    for args in ((".",), ("weird.py",), ("weird.py", "good.py")):
        result = invoke("--output-format", "json", *args)
        assert result.exit_code == 1, result.output
        items = json.loads(result.stdout)
        assert all(item["code"] == "FAPI101" for item in items)
        assert "weird.py/inner.py" in {item["path"] for item in items}


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "(" * 1000 + "1" + ")" * 1000 + "\n",
        "x = " + "[" * 1000 + "1" + "]" * 1000 + "\n",
        "import time\nasync def f():\n    x = " + "[" * 150 + "time.sleep(1)" + "]" * 150 + "\n",
        "import time\nasync def f():\n    x = " + "-" * 5000 + "time.sleep(1)\n",
        "import time\nasync def f():\n    x = " + "1 + " * 5000 + "time.sleep(1)\n",
        "# CORSMiddleware\nx = " + "f(" * 300 + ")" * 300 + "\n",
    ],
    ids=["parens-1000", "lists-1000", "lists-150-in-async", "unary-5000", "binop-5000", "calls-300"],
)
def test_deeply_nested_expressions_do_not_crash(in_tmp, source):
    (in_tmp / "deep.py").write_text(source, encoding="utf-8")
    (in_tmp / "good.py").write_bytes(GOOD)
    result = invoke("--output-format", "json", ".")
    assert result.exit_code in (0, 1), result.output
    items = json.loads(result.stdout)
    assert {"FAPI900"}.isdisjoint(item["code"] for item in items)
    assert ("good.py", "FAPI101") in {(item["path"], item["code"]) for item in items}
    assert Counter(item["path"] for item in items)["deep.py"] <= 1


@pytest.mark.parametrize("name", ["syntax.py", "nul.py", "latin.py"])
def test_bad_files_via_cli_exit_1_without_traceback(in_tmp, name):
    contents = {
        "syntax.py": b"# CORSMiddleware\ndef f(:\n",
        "nul.py": b"x = 1\x00\n",
        "latin.py": b"x = '\xff'\n",
    }
    (in_tmp / name).write_bytes(contents[name])
    (in_tmp / "good.py").write_bytes(GOOD)
    result = invoke(".")
    assert result.exit_code == 1
    assert f"{name}:" in result.stdout and "FAPI000" in result.stdout
    assert "good.py:5:5: FAPI101" in result.stdout


# ---------------------------------------------------------------- FAPI900


CRASHY = b"""\
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    time.sleep(1)
    time.sleep(2)
    return {}
"""  # FAPI101 (would be) x2, FAPI201 at 9:11

SYNC_ROUTE = b"""\
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root():
    return {}
"""  # FAPI201 only; FAPI101 does not apply (no async def)


@pytest.fixture
def broken_blocking_rule(monkeypatch):
    def explode(self, node):
        raise RuntimeError("boom from a test")

    monkeypatch.setattr(BlockingCallInAsync, "visit_Call", explode)


@pytest.fixture
def crash_project(tmp_path):
    (tmp_path / "one.py").write_bytes(CRASHY)
    (tmp_path / "two.py").write_bytes(CRASHY)
    (tmp_path / "three.py").write_bytes(SYNC_ROUTE)
    return tmp_path


def test_crashing_rule_gives_one_fapi900_per_file(crash_project, broken_blocking_rule):
    found = run(crash_project)
    for name in ("one.py", "two.py"):
        codes = sorted(f[1] for f in only(found, name))
        assert codes == ["FAPI201", "FAPI900"], name
        (internal,) = [f for f in only(found, name) if f[1] == "FAPI900"]
        assert "FAPI101" in internal[4]
        assert "boom from a test" in internal[4]
    assert [f[1] for f in only(found, "three.py")] == ["FAPI201"]


def test_crashing_rule_via_cli_exits_3_after_reporting_everything(in_tmp, broken_blocking_rule):
    for name, content in (("one.py", CRASHY), ("two.py", CRASHY), ("three.py", SYNC_ROUTE)):
        (in_tmp / name).write_bytes(content)
    result = invoke(".")
    assert result.exit_code == 3
    assert "one.py:1:1: FAPI900" in result.stdout
    assert "two.py:1:1: FAPI900" in result.stdout
    for name in ("one.py:9:11: FAPI201", "two.py:9:11: FAPI201", "three.py:7:5: FAPI201"):
        assert name in result.stdout
    assert "Traceback" not in result.output


def test_crashing_rule_exit_3_even_with_exit_zero(in_tmp, broken_blocking_rule):
    (in_tmp / "one.py").write_bytes(CRASHY)
    result = invoke("--exit-zero", "--output-format", "json", ".")
    assert result.exit_code == 3
    codes = {item["code"] for item in json.loads(result.stdout)}
    assert codes == {"FAPI900", "FAPI201"}


def test_without_the_patch_the_same_project_is_normal(crash_project):
    found = run(crash_project)
    assert Counter(f[1] for f in found) == Counter({"FAPI101": 4, "FAPI201": 3})


def test_rule_crashing_in_could_report_is_isolated(crash_project, monkeypatch):
    def explode(cls, view):
        raise RuntimeError("boom in could_report")

    monkeypatch.setattr(MissingResponseModel, "could_report", classmethod(explode))
    found = run(crash_project)
    assert {f[1] for f in only(found, "one.py")} == {"FAPI101", "FAPI900"}
    assert any("FAPI201" in f[4] for f in only(found, "one.py") if f[1] == "FAPI900")


# ---------------------------------------------------------------- memory


@pytest.mark.parametrize("crashing", [False, True])
def test_a_linted_files_tree_is_freed_without_a_garbage_collection(request, crashing):
    """Nothing keeps a file's syntax tree in a reference cycle once it is linted (not its
    rules, their reports and fixes, nor a crashed rule's traceback): otherwise every tree
    lives on until a collection finds it, and those collections cost a tenth of a run."""
    import gc

    import libcst as cst

    if crashing:
        request.getfixturevalue("broken_blocking_rule")
    was_on = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        found = lint_text(CRASHY, "app.py")
        assert {d.code for d in found} >= ({"FAPI900"} if crashing else {"FAPI101"})
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        assert not [item for item in gc.garbage if isinstance(item, cst.CSTNode)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_on:
            gc.enable()
