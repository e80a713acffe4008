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
        match = re.fullmatch(r"(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>FAPI\d{3})( \[\*\])? (?P<msg>.+)", line)
        assert match, line
        parsed.add((match["path"], int(match["line"]), match["code"]))
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
    [suite] = root.findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"app/__init__.py", "app/main.py", "app/util.py", "app/routers/__init__.py",
                          "app/routers/items.py"}
    assert int(suite.get("tests")) == 5 and int(suite.get("failures")) == 2
    failures = {(name, f.get("type")) for name, case in cases.items() for f in case.findall("failure")}
    assert failures == {(path, code) for path, _, code in EXPECTED}
    assert cases["app/util.py"].find("failure") is None
    failure = cases["app/routers/items.py"].find("failure")
    assert failure.text.startswith("app/routers/items.py:10:5: FAPI101")


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
