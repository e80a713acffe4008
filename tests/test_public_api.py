"""The public Python API: fastapi_lint.check() and check_source(), plain dataclasses, and
nothing else public."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import textwrap

import pytest

import fastapi_lint
from fastapi_lint import CheckResult, Finding, UsageError, check, check_source

from conftest import ROOT

BLOCKING = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"  # FAPI101 (error) at 5:5
ENDPOINT = '''\
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
async def items():
    return []
'''  # FAPI201 (warning) at 7:11


@pytest.fixture
def project(in_tmp):
    (in_tmp / "src").mkdir()
    (in_tmp / "src" / "tasks.py").write_text(BLOCKING, encoding="utf-8")
    (in_tmp / "src" / "api.py").write_text(ENDPOINT, encoding="utf-8")
    return in_tmp


def test_the_package_exports_exactly_the_public_api():
    assert sorted(fastapi_lint.__all__) == ["CheckResult", "Finding", "UsageError", "__version__", "check",
                                            "check_source"]
    # In a fresh interpreter: other tests import submodules, which binds them on the package.
    code = "import fastapi_lint; print(sorted(n for n in vars(fastapi_lint) if not n.startswith('_')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    public = set(eval(done.stdout))  # noqa: S307 - a list of names we printed
    assert public - set(fastapi_lint.__all__) == {"errors", "public"}  # the two modules the API lives in
    for gone in ("lint_paths", "lint_text", "RunResult", "Diagnostic", "Settings"):
        assert gone not in public


def test_importing_the_package_does_not_load_the_linter():
    code = "import sys, fastapi_lint; print(sorted(m for m in ('libcst', 'rich', 'fastapi_lint.rules') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_check_returns_plain_dataclasses(project):
    result = check(["src"])
    assert isinstance(result, CheckResult) and dataclasses.is_dataclass(result)
    assert (result.files, result.suppressed, result.exit_code) == (2, 0, 1)
    found = {(f.path, f.line, f.column, f.code, f.severity, f.fix) for f in result.findings}
    assert found == {("src/api.py", 7, 11, "FAPI201", "warning", None),
                     ("src/tasks.py", 5, 5, "FAPI101", "error", "unsafe")}
    finding = next(f for f in result.findings if f.code == "FAPI101")
    assert isinstance(finding, Finding)
    assert finding.name == "blocking-call-in-async" and "time.sleep" in finding.message
    assert (finding.end_line, finding.end_column) == (5, 18)
    assert finding.url.endswith("/FAPI101.md") and finding.fastapi_docs.startswith("https://")
    for field in dataclasses.fields(Finding):  # plain values only
        assert type(getattr(finding, field.name)) in (str, int, type(None)), field.name
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "FAPI000"


def test_check_takes_a_single_path_too(project):
    assert [f.code for f in check("src/tasks.py").findings] == ["FAPI101"]


def test_check_options_mean_what_the_flags_mean(project):
    assert {f.code for f in check("src", select="FAPI1").findings} == {"FAPI101"}
    assert {f.code for f in check("src", ignore=["FAPI101"]).findings} == {"FAPI201"}
    assert {f.code for f in check("src", select=["FAPI201"], extend_select="FAPI106").findings} == {"FAPI201", "FAPI106"}
    demoted = check("src", severity={"FAPI101": "warning"}, fail_on="error")
    assert {f.code: f.severity for f in demoted.findings} == {"FAPI101": "warning", "FAPI201": "warning"}
    assert demoted.exit_code == 0
    assert check("src", fail_on="error").exit_code == 1
    assert check("src", select="FAPI201", fail_on="error").exit_code == 0


def test_check_reads_configuration_as_the_command_line_does(project):
    (project / "pyproject.toml").write_text('[tool.fastapi-lint]\nignore = ["FAPI201"]\n'
                                            '[tool.fastapi-lint.severity]\nFAPI101 = "info"\n')
    assert {(f.code, f.severity) for f in check("src").findings} == {("FAPI101", "info")}
    assert {f.code for f in check("src", isolated=True).findings} == {"FAPI101", "FAPI201"}
    (project / "other.toml").write_text('ignore = ["FAPI101"]\n')
    assert {f.code for f in check("src", config="other.toml").findings} == {"FAPI201"}
    # An option wins over the configuration's severity for the same rule.
    assert {f.severity for f in check("src", severity={"FAPI101": "error"}).findings} == {"error"}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: check("missing_dir"), "missing_dir: no such file or directory"),
        (lambda: check("src", select="FAPI999"), "unknown rule code or prefix 'FAPI999'"),
        (lambda: check("src", fail_on="fatal"), "fail_on= must be one of"),
        (lambda: check("src", severity={"FAPI101": "loud"}), "must be one of"),
        (lambda: check_source("x = 1\n", target_version="py27"), "target_version= must be one of"),
    ],
)
def test_bad_paths_and_options_raise_usage_error(project, call, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        call()


def test_unknown_options_are_type_errors(project):
    with pytest.raises(TypeError):
        check("src", fix=True)
    with pytest.raises(TypeError):
        check("src", select=[101])


def test_check_source_lints_text_as_that_file(project):
    findings = check_source(BLOCKING, "src/new_task.py")
    assert [(f.path, f.line, f.code) for f in findings] == [("src/new_task.py", 5, "FAPI101")]
    (project / "pyproject.toml").write_text('[tool.fastapi-lint.per-file-ignores]\n"jobs/*" = ["FAPI101"]\n')
    assert check_source(BLOCKING, "jobs/tasks.py") == []
    assert [f.code for f in check_source(BLOCKING, "jobs/tasks.py", isolated=True)] == ["FAPI101"]
    assert check_source("x = 1\n") == []


def test_check_source_sees_the_package_around_the_file(project):
    package = project / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "main.py").write_text("from fastapi import FastAPI\n\nfrom app.routes import router\n\n"
                                     "app = FastAPI()\napp.include_router(router)\n")
    routes = "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get('/x')\ndef x() -> None:\n    pass\n"
    (package / "routes.py").write_text(routes)
    assert check_source(routes, "app/routes.py", select="FAPI216") == []  # included by main.py
    assert [f.code for f in check_source(routes, "app/orphan.py", select="FAPI216")] == ["FAPI216"]


def test_the_readme_example_runs(project):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API"):]
    block = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    exec(compile(textwrap.dedent(block), "README.md", "exec"), {})  # noqa: S102 - our own README
