"""Severity is visible in every output, configurable per rule, and can gate the exit code."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from fastapi_lint.rules import ALL_RULES

from conftest import invoke

SNIPPET = '''\
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/items/{item_id}")
async def read_item(item_id: int):
    time.sleep(1)
    return {"id": item_id}
'''  # FAPI101 (error) on line 10, FAPI201 (warning) on line 9


@pytest.fixture
def project(in_tmp):
    (in_tmp / "app.py").write_text(SNIPPET, encoding="utf-8")
    return in_tmp


def configure(project, text: str) -> None:
    """A fresh directory holding the snippet and this configuration, made the working
    directory (a directory whose configuration changes mid-process is not a case to test)."""
    configure.count = getattr(configure, "count", 0) + 1
    directory = project / f"configured{configure.count}"
    directory.mkdir()
    (directory / "app.py").write_text(SNIPPET, encoding="utf-8")
    (directory / "pyproject.toml").write_text("[tool.fastapi-lint]\n" + text, encoding="utf-8")
    os.chdir(directory)


def severities(*args: str) -> dict[str, str]:
    result = invoke("--no-cache", "--output-format", "json", *args, "app.py")
    return {item["code"]: item["severity"] for item in json.loads(result.stdout)}


def test_text_and_concise_name_the_severity(project):
    text = invoke("--no-cache", "app.py").stdout
    assert "app.py:10:5: FAPI101 error: Blocking call" in text
    assert "app.py:9:11: FAPI201 warning: Path operation" in text
    assert "Found 2 findings (1 error, 1 warning) in 1 file." in text
    concise = invoke("--no-cache", "--output-format", "concise", "app.py").stdout.splitlines()
    assert any(line.startswith("app.py:10:5: FAPI101 error: ") for line in concise)
    assert any(line.startswith("app.py:9:11: FAPI201 warning: ") for line in concise)


def test_rules_lists_each_rules_severity_as_text_and_json():
    listed = json.loads(invoke("rules", "--output-format", "json").stdout)
    assert {row["code"]: row["severity"] for row in listed} == {c: r.severity.value for c, r in ALL_RULES.items()}
    lines = invoke("rules").stdout.splitlines()
    blocking = next(line for line in lines if line.startswith("FAPI101 "))
    assert " error " in blocking


def test_configured_severity_overrides_the_rules_own(project):
    assert severities() == {"FAPI101": "error", "FAPI201": "warning"}
    configure(project, '[tool.fastapi-lint.severity]\nFAPI201 = "info"\nFAPI1 = "warning"\n')
    assert severities() == {"FAPI101": "warning", "FAPI201": "info"}
    # An exact code wins over its prefix, whatever the order.
    configure(project, '[tool.fastapi-lint.severity]\nFAPI101 = "info"\nFAPI1 = "error"\nALL = "warning"\n')
    assert severities() == {"FAPI101": "info", "FAPI201": "warning"}


def test_configured_severity_reaches_every_ci_format(project):
    configure(project, '[tool.fastapi-lint.severity]\nFAPI101 = "info"\nFAPI201 = "error"\n')
    sarif = json.loads(invoke("--no-cache", "--output-format", "sarif", "app.py").stdout)
    assert {r["ruleId"]: r["level"] for r in sarif["runs"][0]["results"]} == {"FAPI101": "note", "FAPI201": "error"}
    gitlab = json.loads(invoke("--no-cache", "--output-format", "gitlab", "app.py").stdout)
    assert {i["check_name"]: i["severity"] for i in gitlab} == {"FAPI101": "info", "FAPI201": "major"}
    github = invoke("--no-cache", "--output-format", "github", "app.py").stdout.splitlines()
    assert {line.split(" ", 1)[0] + line.split("title=", 1)[1][:8] for line in github} == {
        "::noticeFAPI101 ", "::errorFAPI201 "}
    junit = ET.fromstring(invoke("--no-cache", "--output-format", "junit", "app.py").stdout)
    failures = {f.get("type"): f.get("message") for f in junit.iter("failure")}
    assert failures["FAPI201"].startswith("error: ") and failures["FAPI101"].startswith("info: ")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[tool.fastapi-lint.severity]\nFAPI999 = "info"\n', "unknown rule code or prefix 'FAPI999'"),
        ('[tool.fastapi-lint.severity]\nFAPI201 = "low"\n', "must be one of 'info', 'warning', 'error'"),
        ('[tool.fastapi-lint.severity]\nFAPI000 = "info"\n', "unknown rule code or prefix 'FAPI000'"),
        ('fail-on = "fatal"\n', "`fail-on` must be one of"),
        ('severity = "info"\n', "`severity` must be a table"),
    ],
)
def test_bad_severity_settings_are_configuration_errors(project, table, message):
    configure(project, "" if table.startswith("[tool.fastapi-lint.severity]") else table)
    if table.startswith("[tool.fastapi-lint.severity]"):
        (Path.cwd() / "pyproject.toml").write_text(table, encoding="utf-8")
    result = invoke("--no-cache", "app.py")
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_fail_on_gates_the_exit_code(project):
    assert invoke("--no-cache", "app.py").exit_code == 1
    assert invoke("--no-cache", "--exit-non-zero-on", "error", "app.py").exit_code == 1  # FAPI101 is an error
    configure(project, '[tool.fastapi-lint.severity]\nFAPI101 = "warning"\n')
    assert invoke("--no-cache", "--exit-non-zero-on", "warning", "app.py").exit_code == 1
    gated = invoke("--no-cache", "--exit-non-zero-on", "error", "app.py")
    assert gated.exit_code == 0
    assert "Found 2 findings (2 warnings) in 1 file." in gated.stdout  # still reported
    assert "2 of them are below the `fail-on` severity (error)" in gated.stdout


def test_fail_on_from_configuration_and_the_flag_overrides_it(project):
    configure(project, 'fail-on = "error"\n[tool.fastapi-lint.severity]\nFAPI101 = "warning"\n')
    assert invoke("--no-cache", "app.py").exit_code == 0
    assert invoke("--no-cache", "--exit-non-zero-on", "info", "app.py").exit_code == 1
    assert invoke("--no-cache", "--output-format", "json", "app.py").exit_code == 0


def test_a_file_that_cannot_be_parsed_fails_at_every_level(project):
    configure(project, 'fail-on = "error"\n')
    Path("broken.py").write_text("def broken(:\n", encoding="utf-8")
    result = invoke("--no-cache", "--select", "FAPI201", "broken.py")
    assert result.exit_code == 1 and "FAPI000 error:" in result.stdout
