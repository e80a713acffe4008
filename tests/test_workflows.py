"""Editor, CI and adoption workflows: --stdin-filename, --diff-base, --baseline, --add-noqa."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.cli import main

from conftest import invoke

APP = '''\
import time

from fastapi import FastAPI

from app.routers import items

app = FastAPI()
app.include_router(items.router)


@app.get("/health")
async def health() -> dict[str, str]:
    time.sleep(1)
    return {"status": "ok"}
'''
ROUTER = '''\
from fastapi import APIRouter

router = APIRouter()
'''
ITEMS_ROUTE = '''

@router.get("/items")
async def list_items() -> list[int]:
    open("items.txt")
    return []
'''


@pytest.fixture
def project(in_tmp: Path) -> Path:
    routers = in_tmp / "app" / "routers"
    routers.mkdir(parents=True)
    (in_tmp / "app" / "__init__.py").write_text("")
    (routers / "__init__.py").write_text("")
    (in_tmp / "app" / "main.py").write_text(APP)
    (routers / "items.py").write_text(ROUTER + ITEMS_ROUTE)
    return in_tmp


def stdin_invoke(source: str, *args: str):
    result = CliRunner().invoke(main, list(args), input=source.encode())
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def concise(result) -> set[tuple[str, int, str]]:
    out = set()
    for line in result.stdout.splitlines():
        path, number, _col, rest = line.split(":", 3)
        out.add((path, int(number), rest.split()[0]))
    return out


# ---------------------------------------------------------------- --stdin-filename


def test_stdin_is_linted_as_the_named_file(project):
    source = (project / "app" / "main.py").read_text()
    (project / "app" / "main.py").write_text("")  # the buffer, not the disk, is linted
    result = stdin_invoke(source, "--isolated", "--select", "FAPI101", "--output-format", "concise",
                          "--stdin-filename", "app/main.py")
    assert result.exit_code == 1
    assert concise(result) == {("app/main.py", 13, "FAPI101")}


def test_stdin_respects_per_file_ignores_of_the_config(project):
    (project / "pyproject.toml").write_text(
        '[tool.fastapi-lint]\nselect = ["FAPI101"]\n[tool.fastapi-lint.per-file-ignores]\n"app/main.py" = ["FAPI101"]\n'
    )
    result = stdin_invoke(APP, "--stdin-filename", "app/main.py", "--output-format", "concise")
    assert result.exit_code == 0 and result.stdout == ""


def test_stdin_fix_prints_the_fixed_source(project):
    result = stdin_invoke(APP, "--isolated", "--select", "FAPI101", "--fix", "--unsafe-fixes",
                          "--stdin-filename", "app/main.py")
    assert result.exit_code == 0, result.output
    assert "    await asyncio.sleep(1)\n" in result.stdout
    assert (project / "app" / "main.py").read_text() == APP, "the file on disk must not change"


def test_stdin_uses_facts_of_the_neighbour_files(project):
    # The router is defined on disk in another file; the route arrives on stdin.
    route_only = ROUTER + ITEMS_ROUTE
    result = stdin_invoke(route_only, "--isolated", "--select", "FAPI101", "--output-format", "concise",
                          "--stdin-filename", "app/routers/items.py")
    assert concise(result) == {("app/routers/items.py", 8, "FAPI101")}


# ---------------------------------------------------------------- --diff-base


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_diff_base_lints_only_changed_files_with_project_facts(project):
    git(project, "init", "-q", "-b", "main")
    git(project, "-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    git(project, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "base")
    items = project / "app" / "routers" / "items.py"
    items.write_text(items.read_text() + "\n\n@router.get('/more')\nasync def more() -> None:\n    open('x')\n")
    result = invoke("--isolated", "--select", "FAPI101", "--output-format", "concise", "--diff-base", "main", "app")
    assert result.exit_code == 1
    # main.py (unchanged) has a finding but is not linted; items.py's router comes from its facts.
    assert {path for path, _, _ in concise(result)} == {"app/routers/items.py"}
    assert len(concise(result)) == 2


def test_diff_base_outside_a_repository_is_a_clear_error(project):
    result = invoke("--isolated", "--diff-base", "main", "app")
    assert result.exit_code == 2
    assert "git" in result.stderr and "Traceback" not in result.output


# ---------------------------------------------------------------- --baseline


def test_baseline_hides_recorded_findings_across_line_shifts(project):
    written = invoke("--isolated", "--select", "FAPI101", "--baseline", "baseline.json", "--write-baseline", "app")
    assert written.exit_code == 0
    recorded = json.loads((project / "baseline.json").read_text())
    assert len(recorded["findings"]) == 2
    main_py = project / "app" / "main.py"
    main_py.write_text('"""Health checks."""\n\n\n' + main_py.read_text())
    shifted = invoke("--isolated", "--select", "FAPI101", "--baseline", "baseline.json", "app")
    assert shifted.exit_code == 0, shifted.stdout
    main_py.write_text(main_py.read_text() + "\n\n@app.get('/slow')\nasync def slow() -> None:\n    time.sleep(2)\n")
    new = invoke("--isolated", "--select", "FAPI101", "--baseline", "baseline.json", "--output-format",
                 "concise", "app")
    assert new.exit_code == 1
    assert concise(new) == {("app/main.py", 22, "FAPI101")}


def test_broken_baseline_file_is_a_clear_error(project):
    (project / "baseline.json").write_text("{not json")
    result = invoke("--isolated", "--baseline", "baseline.json", "app")
    assert result.exit_code == 2
    assert "baseline.json is not a fastapi-lint baseline file" in result.stderr


# ---------------------------------------------------------------- --add-noqa


def test_add_noqa_silences_every_finding(project):
    main_py = project / "app" / "main.py"
    main_py.write_text(main_py.read_text().replace("    time.sleep(1)\n", "    time.sleep(1)  # noqa: FAPI999\n"))
    result = invoke("--isolated", "--select", "FAPI101", "--add-noqa", "app")
    assert result.exit_code == 0
    assert "Added 2 noqa comments." in result.stderr
    assert "    time.sleep(1)  # noqa: FAPI999, FAPI101\n" in main_py.read_text()
    assert '    open("items.txt")  # noqa: FAPI101\n' in (project / "app" / "routers" / "items.py").read_text()
    assert invoke("--isolated", "--select", "FAPI101", "app").exit_code == 0


def test_add_noqa_never_writes_inside_a_string(in_tmp):
    source = (
        "import time\n"
        "async def job() -> None:\n"
        "    print(f'''{time.sleep(1)}\n"
        "''')\n"
    )
    (in_tmp / "job.py").write_text(source)
    result = invoke("--isolated", "--select", "FAPI101", "--add-noqa", "job.py")
    assert "could not take one" in result.stderr
    assert (in_tmp / "job.py").read_text() == source


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\u2028", "\x1c"], ids=["form-feed", "vt", "u2028", "fs"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_add_noqa_lands_on_the_reported_line_whatever_ends_lines(in_tmp, newline, separator):
    # Characters str.splitlines() breaks at but Python does not, before the finding.
    source = (f"import time{newline}X = 'a{separator}b'{newline}{newline}"
              f"async def job() -> None:{newline}    time.sleep(1){newline}")
    (in_tmp / "job.py").write_bytes(source.encode())
    result = invoke("--isolated", "--select", "FAPI101", "--add-noqa", "job.py")
    assert "Added 1 noqa comment." in result.stderr
    expected = source.replace(f"time.sleep(1){newline}", f"time.sleep(1)  # noqa: FAPI101{newline}")
    assert (in_tmp / "job.py").read_bytes() == expected.encode()
    assert invoke("--isolated", "--select", "FAPI101", "job.py").exit_code == 0


@pytest.mark.parametrize("newline", ["\n", "\r"], ids=["lf", "cr"])
def test_text_report_quotes_the_reported_line(in_tmp, newline):
    source = f"import time{newline}\x0c{newline}async def job() -> None:{newline}    time.sleep(1)  # slow{newline}"
    (in_tmp / "job.py").write_bytes(source.encode())
    result = invoke("--isolated", "--select", "FAPI101", "job.py")
    assert result.exit_code == 1
    assert "job.py:4:5: FAPI101" in result.stdout and "time.sleep(1)  # slow" in result.stdout
