"""The command line, driven in-process with click's CliRunner (one real subprocess)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter

import pytest

from fastapi_lint import __version__
from fastapi_lint.docs import rule_page
from fastapi_lint.rules import ALL_RULES

from conftest import invoke

CLEAN = '''\
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root() -> dict:
    return {"ok": True}
'''

# Line numbers matter: the expectations below refer to them.
DIRTY = '''\
import time

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)

other = FastAPI()
other.add_middleware(CORSMiddleware, allow_origins=["*"])


@app.get("/")
async def root():
    time.sleep(1)
    open("data.txt")
    return {"ok": True}


@app.on_event("startup")
async def startup() -> None:
    pass
'''
DIRTY_CODES = Counter({"FAPI101": 2, "FAPI201": 1, "FAPI401": 1, "FAPI402": 1, "FAPI501": 1})

_FINDING = re.compile(r"^(?P<path>\S+):(?P<line>\d+):(?P<col>\d+): (?P<code>FAPI\d{3})\b", re.MULTILINE)
_TTY_ENV = ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE", "FASTAPI_LINT_DEBUG")


@pytest.fixture(autouse=True)
def plain_env(monkeypatch):
    """No inherited variable may force colours or a terminal on rich."""
    for name in _TTY_ENV:
        monkeypatch.delenv(name, raising=False)



def codes(output: str) -> Counter:
    return Counter(m.group("code") for m in _FINDING.finditer(output))


@pytest.fixture
def dirty(in_tmp):
    (in_tmp / "app.py").write_text(DIRTY, encoding="utf-8")
    return in_tmp / "app.py"


@pytest.fixture
def clean(in_tmp):
    (in_tmp / "clean.py").write_text(CLEAN, encoding="utf-8")
    return in_tmp / "clean.py"


# ---------------------------------------------------------------- check


def test_clean_file_exits_0_and_says_so(clean):
    result = invoke("clean.py")
    assert result.exit_code == 0, result.output
    assert "All checks passed!" in result.stdout
    assert codes(result.stdout) == Counter()


def test_findings_exit_1_with_every_default_rule_finding(dirty):
    result = invoke("app.py")
    assert result.exit_code == 1, result.output
    assert codes(result.stdout) == DIRTY_CODES
    assert "All checks passed!" not in result.stdout
    positions = {(m.group("code"), int(m.group("line")), int(m.group("col"))) for m in _FINDING.finditer(result.stdout)}
    assert ("FAPI101", 15, 5) in positions
    assert ("FAPI101", 16, 5) in positions
    assert ("FAPI401", 7, 1) in positions
    assert ("FAPI402", 10, 1) in positions
    assert ("FAPI501", 20, 1) in positions
    assert ("FAPI201", 14, 11) in positions


def test_default_command_is_check(dirty):
    implicit = invoke("app.py")
    explicit = invoke("check", "app.py")
    assert implicit.exit_code == explicit.exit_code == 1
    assert implicit.stdout == explicit.stdout
    assert codes(implicit.stdout) == DIRTY_CODES


def test_no_path_means_current_directory(dirty):
    result = invoke()
    assert result.exit_code == 1
    assert codes(result.stdout) == DIRTY_CODES
    assert re.search(r"^app\.py:15:5: FAPI101", result.stdout, re.MULTILINE)


def test_directory_argument_lints_every_file(dirty, clean):
    (dirty.parent / "notes.txt").write_text("time.sleep(1)\n", encoding="utf-8")
    result = invoke("check", ".")
    assert result.exit_code == 1
    assert {m.group("path") for m in _FINDING.finditer(result.stdout)} == {"app.py"}


def test_exit_zero_keeps_the_findings(dirty):
    result = invoke("--exit-zero", "app.py")
    assert result.exit_code == 0
    assert codes(result.stdout) == DIRTY_CODES


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--select", "FAPI101"], {"FAPI101"}),
        (["--select", "fapi101"], {"FAPI101"}),
        (["--select", "FAPI101,FAPI402"], {"FAPI101", "FAPI402"}),
        (["--select", "FAPI101, FAPI501"], {"FAPI101", "FAPI501"}),
        (["--select", "FAPI101", "--select", "FAPI201"], {"FAPI101", "FAPI201"}),
        (["--select", "FAPI4"], {"FAPI401", "FAPI402"}),
        (["--select", "FAPI"], {"FAPI101", "FAPI201", "FAPI401", "FAPI402", "FAPI501"}),
        # ALL adds the opt-in rules: FAPI106 flags the async endpoint that never awaits.
        (["--select", "ALL"], {"FAPI101", "FAPI106", "FAPI201", "FAPI401", "FAPI402", "FAPI501"}),
        (["--ignore", "FAPI101"], {"FAPI201", "FAPI401", "FAPI402", "FAPI501"}),
        (["--ignore", "FAPI101,FAPI201"], {"FAPI401", "FAPI402", "FAPI501"}),
        (["--ignore", "FAPI4"], {"FAPI101", "FAPI201", "FAPI501"}),
        (["--ignore", "FAPI1", "--ignore", "FAPI5"], {"FAPI201", "FAPI401", "FAPI402"}),
        (["--select", "FAPI4", "--ignore", "FAPI402"], {"FAPI401"}),
        (["--select", "FAPI101", "--extend-select", "FAPI501"], {"FAPI101", "FAPI501"}),
        (["--select", "FAPI101", "--extend-select", "FAPI501,FAPI201"], {"FAPI101", "FAPI201", "FAPI501"}),
        (["--select", "FAPI201", "--extend-select", "FAPI4"], {"FAPI201", "FAPI401", "FAPI402"}),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_rule_selection_flags(dirty, flags, expected):
    result = invoke(*flags, "app.py")
    assert result.exit_code == 1, result.output
    assert set(codes(result.stdout)) == expected


def test_selection_that_leaves_nothing_is_clean(dirty):
    result = invoke("--select", "FAPI502", "app.py")
    assert result.exit_code == 0
    assert "All checks passed!" in result.stdout


@pytest.mark.parametrize("flag", ["--select", "--ignore", "--extend-select"])
@pytest.mark.parametrize("value", ["FAPI999", "FAPI101,FAPI999", "FAPI9"])
def test_unknown_rule_code_is_a_usage_error(dirty, flag, value):
    result = invoke(flag, value, "app.py")
    assert result.exit_code == 2
    bad = value.rsplit(",", 1)[-1]
    assert bad in result.stderr
    assert "Traceback" not in result.output
    assert codes(result.output) == Counter()  # nothing was linted


def test_nonexistent_path_is_a_usage_error(in_tmp):
    result = invoke("missing_dir/nothing.py")
    assert result.exit_code == 2
    assert "missing_dir/nothing.py" in result.stderr
    assert "no such file" in result.stderr.lower()
    assert "Traceback" not in result.output


def test_one_missing_path_among_good_ones_is_still_an_error(dirty):
    result = invoke("app.py", "ghost.py")
    assert result.exit_code == 2
    assert "ghost.py" in result.stderr


def test_unknown_output_format_is_a_usage_error(dirty):
    result = invoke("--output-format", "xml", "app.py")
    assert result.exit_code == 2
    assert "xml" in result.output


def test_statistics_counts_per_rule(dirty):
    result = invoke("--statistics", "app.py")
    assert result.exit_code == 1
    stats = re.findall(r"^(\d+)\s+(FAPI\d{3})\s+(\S+)$", result.stdout, re.MULTILINE)
    assert {code: int(count) for count, code, _ in stats} == dict(DIRTY_CODES)
    assert {code: name for _, code, name in stats} == {code: ALL_RULES[code].name for code in DIRTY_CODES}
    assert stats[0][:2] == ("2", "FAPI101")  # most frequent first
    assert [code for _, code, _ in stats[1:]] == sorted(code for _, code, _ in stats[1:])


def test_statistics_lines_are_tab_separated(dirty):
    result = invoke("--statistics", "app.py")
    stats = re.findall(r"^(\d+)\t(FAPI\d{3})\t(\S+)$", result.stdout, re.MULTILINE)
    assert {code: int(count) for count, code, _ in stats} == dict(DIRTY_CODES)


def test_no_statistics_without_the_flag(dirty):
    result = invoke("app.py")
    assert not re.search(r"^\d+\s+FAPI", result.stdout, re.MULTILINE)


@pytest.mark.parametrize("fmt", ["text", "concise", "sarif", "github", "gitlab", "junit"])
def test_statistics_print_only_the_table_whatever_the_format(dirty, fmt):
    result = invoke("--statistics", "--output-format", fmt, "app.py")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == len(DIRTY_CODES)
    assert all(re.fullmatch(r"\d+\t(FAPI\d{3})\t(\[\*\] )?[a-z-]+", line) for line in lines), lines


def test_statistics_as_json(dirty):
    result = invoke("--statistics", "--output-format", "json", "app.py")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert {row["code"]: row["count"] for row in rows} == dict(DIRTY_CODES)
    assert rows[0]["code"] == "FAPI101"
    for row in rows:
        assert set(row) == {"code", "name", "count", "fixable", "severity"}
        assert row["name"] == ALL_RULES[row["code"]].name and row["severity"] == ALL_RULES[row["code"]].severity.value


def test_statistics_to_an_output_file(dirty):
    result = invoke("--statistics", "--output-file", "stats.txt", "app.py")
    assert result.exit_code == 1 and result.stdout == ""
    assert (dirty.parent / "stats.txt").read_text().startswith("2\tFAPI101\t")


# ---------------------------------------------------------------- -q / -s


def test_quiet_prints_the_findings_and_nothing_else(dirty):
    loud = invoke("app.py")
    quiet = invoke("-q", "app.py")
    assert quiet.exit_code == loud.exit_code == 1
    assert "Found " in loud.stdout and "Found " not in quiet.stdout
    assert "fixable with" not in quiet.stdout
    assert _FINDING.findall(quiet.stdout) == _FINDING.findall(loud.stdout)
    assert quiet.stdout.rstrip("\n").splitlines()[-1].startswith("  = offline: fastapi-lint explain FAPI")
    assert invoke("--quiet", "app.py").stdout == quiet.stdout


def test_quiet_on_a_clean_file_prints_nothing(clean):
    result = invoke("-q", "clean.py")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_quiet_fix_does_not_count_aloud(dirty):
    result = invoke("-q", "--fix-only", "--unsafe-fixes", "app.py")
    assert result.exit_code == 0 and result.output == ""


def test_silent_prints_nothing_and_the_exit_code_tells(dirty, clean):
    for args, code in ((("app.py",), 1), (("clean.py",), 0), (("--output-format", "json", "app.py"), 1),
                       (("--statistics", "app.py"), 1), (("--diff", "--unsafe-fixes", "app.py"), 1)):
        for flag in ("-s", "--silent"):
            result = invoke(flag, *args)
            assert (result.exit_code, result.stdout, result.stderr) == (code, "", ""), (flag, args)
    assert "time.sleep" in dirty.read_text()  # --diff wrote nothing


def test_silent_still_writes_the_output_file_and_reports_errors(dirty):
    result = invoke("-s", "--output-format", "json", "--output-file", "report.json", "app.py")
    assert (result.exit_code, result.output) == (1, "")
    assert len(json.loads((dirty.parent / "report.json").read_text())) == sum(DIRTY_CODES.values())
    missing = invoke("-s", "ghost.py")
    assert missing.exit_code == 2 and "ghost.py" in missing.stderr


# ---------------------------------------------------------------- output formats


def test_json_output(dirty):
    result = invoke("--output-format", "json", "app.py")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert Counter(item["code"] for item in data) == DIRTY_CODES
    assert {item["path"] for item in data} == {"app.py"}
    assert "Found" not in result.stdout


def test_json_output_when_clean_is_an_empty_array(clean):
    result = invoke("--output-format", "json", "clean.py")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(
    ("docs_url", "expected"),
    [
        ("https://x.test/{code}", "https://x.test/FAPI101"),
        ("https://x.test/rules/", "https://x.test/rules/FAPI101.md"),
        ("https://x.test/rules", "https://x.test/rules/FAPI101.md"),
    ],
)
def test_docs_url_changes_every_url(dirty, docs_url, expected):
    result = invoke("--docs-url", docs_url, "--output-format", "json", "app.py")
    data = json.loads(result.stdout)
    assert {item["url"] for item in data if item["code"] == "FAPI101"} == {expected}
    assert all(item["url"].startswith("https://x.test/") for item in data)
    text = invoke("--docs-url", docs_url, "--select", "FAPI101", "app.py").stdout
    assert expected in text
    assert "github.com" not in text


def test_text_output_is_plain_when_not_a_tty(dirty):
    result = invoke("app.py")
    assert result.exit_code == 1
    assert "\x1b[" not in result.output


def test_text_output_is_plain_with_no_color(dirty):
    result = invoke("app.py", env={"NO_COLOR": "1"})
    assert result.exit_code == 1
    assert "\x1b[" not in result.output
    assert codes(result.stdout) == DIRTY_CODES


def test_terminal_simulation_does_colour(dirty):
    """Control for the NO_COLOR test below: TTY_COMPATIBLE=1 makes rich treat the
    stream as a terminal, and then the report is styled."""
    result = invoke("app.py", env={"TTY_COMPATIBLE": "1"})
    assert "\x1b[" in result.output


def test_text_output_is_plain_with_no_color_on_a_terminal(dirty):
    result = invoke("app.py", env={"TTY_COMPATIBLE": "1", "NO_COLOR": "1"})
    assert result.exit_code == 1
    assert "\x1b[" not in result.output


# ---------------------------------------------------------------- explain / rules


def test_explain_prints_the_rule_page(in_tmp):
    result = invoke("explain", "FAPI101")
    assert result.exit_code == 0
    assert result.stdout.startswith("# FAPI101: blocking-call-in-async")
    assert "## Why is this bad?" in result.stdout
    assert result.stdout.rstrip("\n") == rule_page("FAPI101").rstrip("\n")


def test_explain_accepts_lower_case(in_tmp):
    result = invoke("explain", "fapi402")
    assert result.exit_code == 0
    assert result.stdout.startswith("# FAPI402: cors-wildcard-origin")


@pytest.mark.parametrize("code", ["FAPI999", "E501", "FAPI10"])
def test_explain_unknown_code(in_tmp, code):
    result = invoke("explain", code)
    assert result.exit_code == 2
    assert code in result.stderr
    assert "Traceback" not in result.output


def test_rules_lists_every_rule(in_tmp):
    result = invoke("rules")
    assert result.exit_code == 0
    assert list(ALL_RULES) == sorted(ALL_RULES)
    for code, rule in ALL_RULES.items():
        default = "on" if rule.default_enabled else "opt-in"
        assert re.search(rf"^{code}\s+{re.escape(rule.name)}\s+{default}\s", result.stdout, re.MULTILINE), code


def test_rules_json(in_tmp):
    result = invoke("rules", "--output-format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [row["code"] for row in rows] == list(ALL_RULES)
    for row in rows:
        rule = ALL_RULES[row["code"]]
        assert set(row) == {"code", "name", "default", "severity", "fix", "summary"}
        assert row["severity"] == rule.severity.value
        assert row["name"] == rule.name
        assert row["default"] == ("on" if rule.default_enabled else "opt-in")
        assert row["summary"] == rule.summary
        assert row["fix"] == (rule.fix.value if rule.fix else "-")


def test_version_flag_in_process():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"fastapi-lint, version {__version__}"


def test_python_dash_m_version(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"fastapi-lint, version {__version__}"


def test_statistics_mark_a_rule_fixable_when_some_findings_have_a_safe_fix(in_tmp):
    (in_tmp / "deps.py").write_text(
        "from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n\ndef get_db():\n    yield 1\n\n\n"
        "@app.get('/a')\ndef a(db=Depends(get_db())) -> None: ...\n\n\n"
        "@app.get('/b')\ndef b(db=Depends(get_db(1))) -> None: ...\n", encoding="utf-8")
    result = invoke("--isolated", "--select", "FAPI302", "--statistics", "deps.py")
    assert result.stdout == "2\tFAPI302\t[*] depends-called\n"
