"""Every output format on one multi-file project, read back with a real parser."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import invoke

MAIN = '''\
import time

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.routers import items

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
app.include_router(items.router)
'''
ITEMS = '''\
import time

from fastapi import APIRouter

router = APIRouter()


@router.get("/items/{item_id}")
async def read_item(item_id: int) -> dict[str, int]:
    time.sleep(1)
    return {"id": item_id}
'''
CLEAN = '''\
def helper() -> int:
    return 1
'''
EXPECTED = {("app/main.py", 9, "FAPI401"), ("app/routers/items.py", 10, "FAPI101")}


@pytest.fixture
def project(in_tmp: Path) -> Path:
    routers = in_tmp / "app" / "routers"
    routers.mkdir(parents=True)
    for package in (in_tmp / "app", routers):
        (package / "__init__.py").write_text("")
    (in_tmp / "app" / "main.py").write_text(MAIN)
    (routers / "items.py").write_text(ITEMS)
    (in_tmp / "app" / "util.py").write_text(CLEAN)
    return in_tmp


def run(fmt: str, *extra: str):
    result = invoke("--isolated", "--select", "FAPI101,FAPI401", "--output-format", fmt, *extra, "app")
    assert result.exit_code == 1, result.output
    return result


def test_concise(project):
    lines = run("concise").stdout.splitlines()
    parsed = set()
    for line in lines:
        match = re.fullmatch(r"(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>FAPI\d{3})( \[\*\])? (?P<severity>error|warning|info): (?P<msg>.+)", line)
        assert match, line
        parsed.add((match["path"], int(match["line"]), match["code"]))
        assert match["severity"] == "error"  # both rules' own severity
    assert parsed == EXPECTED


def test_github_annotations(project):
    annotations = []
    for line in run("github").stdout.splitlines():
        match = re.fullmatch(r"::(?P<level>error|warning|notice) (?P<props>[^:]*)::(?P<msg>.*)", line)
        assert match, line
        props = dict(item.split("=", 1) for item in match["props"].split(","))
        annotations.append((match["level"], props, match["msg"]))
    assert {(p["file"], int(p["line"]), p["title"].split()[0]) for _, p, _ in annotations} == EXPECTED
    for level, props, message in annotations:
        assert level == "error"
        assert set(props) == {"file", "line", "col", "endLine", "endColumn", "title"}
        assert int(props["endLine"]) >= int(props["line"]) and int(props["col"]) >= 1
        assert message.startswith(props["title"].split()[0])


def test_github_escapes_property_and_data_separators(in_tmp):
    from fastapi_lint.report.github import _escape_data, _escape_property

    assert _escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    assert _escape_data("line1\nline2") == "line1%0Aline2"


def test_junit(project):
    root = ET.fromstring(run("junit").stdout)
    assert root.tag == "testsuites"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {"app/main.py", "app/routers/items.py"}  # clean files have no cases
    cases = [case for suite in suites.values() for case in suite.findall("testcase")]
    failures = {(case.get("file"), int(case.get("line")), f.get("type")) for case in cases for f in case.findall("failure")}
    assert failures == EXPECTED
    failure = suites["app/routers/items.py"].find("testcase/failure")
    assert failure.get("message").startswith("error: Blocking call")
    assert failure.text.startswith("app/routers/items.py:10:5: FAPI101 error: ")


def test_junit_has_one_test_case_per_finding_and_counts_that_add_up(project):
    (project / "app" / "more.py").write_text(ITEMS.replace("return {", "time.sleep(2)\n    return {"))
    findings = json.loads(run("json").stdout)
    root = ET.fromstring(run("junit").stdout)
    cases = list(root.iter("testcase"))
    assert len(cases) == len(findings) == int(root.get("tests")) == 4
    assert int(root.get("failures")) == sum(len(case.findall("failure")) for case in cases) == 4
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
    more = [case for case in cases if case.get("file") == "app/more.py"]
    assert [case.get("name") for case in more] == ["FAPI101 blocking-call-in-async (10:5)",
                                                   "FAPI101 blocking-call-in-async (11:5)"]


def test_junit_findings_below_fail_on_pass(project):
    (project / "pyproject.toml").write_text('[tool.fastapi-lint]\nfail-on = "error"\n'
                                            '[tool.fastapi-lint.severity]\nFAPI401 = "warning"\n')
    result = invoke("--select", "FAPI101,FAPI401", "--output-format", "junit", "app")
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout)
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    passing = next(case for case in root.iter("testcase") if case.get("file") == "app/main.py")
    assert passing.find("failure") is None
    assert "FAPI401 warning: " in passing.find("system-out").text


def test_gitlab_code_quality(project):
    items = json.loads(run("gitlab").stdout)
    assert {(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in items} == EXPECTED
    for item in items:
        assert set(item) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert item["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert re.fullmatch(r"[0-9a-f]{32}", item["fingerprint"])
    assert len({i["fingerprint"] for i in items}) == len(items)


def test_gitlab_fingerprints_survive_inserted_lines(project):
    before = {i["check_name"]: i["fingerprint"] for i in json.loads(run("gitlab").stdout)}
    main = project / "app" / "main.py"
    main.write_text("# a new header comment\n\n" + main.read_text())
    after = json.loads(run("gitlab").stdout)
    assert {i["check_name"]: i["fingerprint"] for i in after} == before
    assert {i["location"]["lines"]["begin"] for i in after if i["check_name"] == "FAPI401"} == {11}


def test_sarif(project):
    log = json.loads(run("sarif").stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    [run_] = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "fastapi-lint"
    rules = driver["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids)) and {"FAPI101", "FAPI401", "FAPI000", "FAPI900"} <= set(ids)
    blocking = rules[ids.index("FAPI101")]
    assert blocking["name"] == "blocking-call-in-async"
    assert blocking["helpUri"].endswith("/FAPI101.md")
    assert "async def" in blocking["help"]["text"]
    found = set()
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "error" and result["message"]["text"]
        [location] = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = physical["region"]
        assert region["startColumn"] >= 1 and region["endLine"] >= region["startLine"]
        found.add((physical["artifactLocation"]["uri"], region["startLine"], result["ruleId"]))
    assert found == EXPECTED


SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"  # provenance: data/README.md


def sarif_validator():
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    # The OASIS errata01 schema also requires a region to say where it starts.
    schema["definitions"]["region"]["anyOf"] = [
        {"required": ["startLine"]}, {"required": ["charOffset"]}, {"required": ["byteOffset"]},
    ]
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


def test_sarif_is_valid_against_the_sarif_2_1_0_schema(project):
    odd = project / "app" / "my routers"
    odd.mkdir()
    (odd / "caf\u00e9 #1.py").write_text(ITEMS)
    (project / "app" / "broken.py").write_text("def broken(:\n")
    log = json.loads(run("sarif").stdout)
    validator = sarif_validator()
    assert "uri-reference" in validator.format_checker.checkers  # the URIs are really checked
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    results = log["runs"][0]["results"]
    located = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results}
    assert {("FAPI000", "app/broken.py"), ("FAPI101", "app/my%20routers/caf%C3%A9%20%231.py")} <= located
    # A log the schema rejects is rejected: the validation is not vacuous.
    results[0]["locations"][0]["physicalLocation"]["region"] = {"endLine": 3}
    results[1]["level"] = "fatal"
    assert len(list(validator.iter_errors(log))) == 2


def test_output_file_keeps_the_exit_code(project):
    result = run("json", "--output-file", "report.json")
    assert result.stdout == ""
    items = json.loads((project / "report.json").read_text())
    assert {(i["path"], i["line"], i["code"]) for i in items} == EXPECTED


def test_output_file_in_a_missing_directory_is_a_clear_error(project):
    result = invoke("--isolated", "--output-file", "nowhere/report.json", "app")
    assert result.exit_code == 2
    assert "cannot write nowhere/report.json" in result.stderr


def test_sarif_and_gitlab_paths_are_relative_to_the_repository_root_from_a_subfolder(in_tmp, monkeypatch):
    """A monorepo job runs in services/api; code scanning and GitLab match paths from the
    repository's root, so that is what the reports name (and %SRCROOT% points at)."""
    (in_tmp / ".git").mkdir()  # the repository's root, as git marks it
    service = in_tmp / "services" / "api"
    (service / "app" / "routers").mkdir(parents=True)
    for package in (service / "app", service / "app" / "routers"):
        (package / "__init__.py").write_text("")
    (service / "app" / "main.py").write_text(MAIN)
    (service / "app" / "routers" / "items.py").write_text(ITEMS)
    monkeypatch.chdir(service)
    expected = {(f"services/api/{path}", line, code) for path, line, code in EXPECTED}

    log = json.loads(run("sarif").stdout)
    assert not list(sarif_validator().iter_errors(log))
    [run_] = log["runs"]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == in_tmp.resolve().as_uri() + "/"
    located = set()
    for result in run_["results"]:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        located.add((physical["artifactLocation"]["uri"], physical["region"]["startLine"], result["ruleId"]))
    assert located == expected

    items = json.loads(run("gitlab").stdout)
    assert {(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in items} == expected
    # The text reports still name files from where the job runs.
    assert "app/main.py:9:" in run("concise").stdout


def test_sarif_without_a_repository_is_relative_to_the_project_root(in_tmp, monkeypatch):
    (in_tmp / "pyproject.toml").write_text("[tool.fastapi-lint]\n")
    (in_tmp / "pkg").mkdir()
    (in_tmp / "pkg" / "items.py").write_text(ITEMS)
    monkeypatch.chdir(in_tmp / "pkg")
    result = invoke("--select", "FAPI101", "--output-format", "sarif", ".")
    [run_] = json.loads(result.stdout)["runs"]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == in_tmp.resolve().as_uri() + "/"
    assert run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pkg/items.py"


def test_sarif_ranks_every_security_rule_for_code_scanning(project):
    from fastapi_lint.rules import ALL_RULES

    rules = {rule["id"]: rule for rule in json.loads(run("sarif").stdout)["runs"][0]["tool"]["driver"]["rules"]}
    security = [code for code in ALL_RULES if code.startswith("FAPI4")]
    assert security
    for code in security:
        properties = rules[code]["properties"]
        assert 0.0 < float(properties["security-severity"]) <= 10.0, code
        assert "security" in properties["tags"]
        assert any(re.fullmatch(r"external/cwe/cwe-\d+", tag) for tag in properties["tags"]), code
    assert all("security-severity" not in rules[code].get("properties", {})
               for code in rules if not code.startswith("FAPI4"))
