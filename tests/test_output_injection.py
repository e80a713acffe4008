"""A hostile repository against the reports and the configuration.

Each test performs one attack on a temporary project through the real command line:
control characters in source lines, route paths and file names must never reach a report
raw (ESC and BEL drive the terminal; a newline or carriage return starts a line that
GitHub Actions runs as a workflow command), every format shows a file name the same
escaped way, XML and JSON stay valid, and ``docs-url`` is a template with one literal
placeholder, never a format string.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from fastapi_lint.docs import rule_url
from fastapi_lint.report.progress import ProgressBar

from conftest import invoke

_TTY_ENV = ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE", "FASTAPI_LINT_DEBUG")


@pytest.fixture(autouse=True)
def plain_env(monkeypatch):
    for name in _TTY_ENV:
        monkeypatch.delenv(name, raising=False)


# A route path (escaped in the source, so the *message* quoting it holds the raw characters)
# that tries to start workflow commands, set the terminal title and reverse the text; and
# a line holding the raw characters themselves, before and after its FAPI101 finding.
ROUTE = "/a\\n::warning file=x::pwned\\r::error::cr\\x1b]0;title\\x07\\u202e"
APP = (
    "import time\n"
    "from fastapi import FastAPI\n"
    "app = FastAPI()\n"
    f'@app.get("{ROUTE}")\n'
    "async def first() -> None:\n"
    '    s = "\x1b[2K\x07\u202e\u2028\x85\x0c\x7f"; time.sleep(1)  # \x1b]0;pwned\x07\n'
    f'@app.get("{ROUTE}")\n'
    "async def second():\n"
    "    return None\n"
)
SLEEP_LINE = 6
GOOD = b"import time\n\n\nasync def handler():\n    time.sleep(1)\n"  # FAPI101 at 5:5
FIXABLE = (
    "import time\n"
    "from fastapi import FastAPI\n"
    "app = FastAPI()\n"
    "@app.get('/x')\n"
    "async def x() -> None:\n"
    "    time.sleep(1)  # nap\n"
)
# A file name that is itself an attack.
NEWLINE_NAME = "x\n::warning file=x::pwned\r::error::cr\x1b[2J,%.py"

# What no human-readable report may hold: C0 controls but the line ends and the tabs of
# --statistics, DEL, C1, line/paragraph separators, bidi controls.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Characters XML 1.0 forbids.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SGR = re.compile("\x1b\\[[0-9;]*m")  # the colours of a terminal report


def lines_of(output: str) -> list[str]:
    """Lines as GitHub Actions splits a step's output (\\r ends a line too)."""
    return re.split(r"\r\n|\r|\n", output)


def assert_inert(output: str, *, commands_allowed: bool = False) -> None:
    assert not FORBIDDEN.search(output), repr(FORBIDDEN.search(output).group())
    for line in lines_of(output):
        if commands_allowed:
            assert not line.startswith("::") or re.match(r"::(error|warning|notice) file=", line), line
            assert not line.startswith(("::warning file=x", "::error::")), line
        else:
            assert not line.startswith("::"), line


@pytest.fixture
def hostile(in_tmp):
    (in_tmp / "pyproject.toml").write_text(
        '[tool.fastapi-lint]\nselect = ["ALL"]\ndocs-url = "https://docs.example/\\u001b]0;t\\u0007{code}"\n'
    )
    (in_tmp / "app.py").write_text(APP, encoding="utf-8", newline="")
    return in_tmp


def check(*args: str, env: dict | None = None):
    return invoke("--no-cache", *args, env=env)


# ---------------------------------------------------------------- text and concise


@pytest.mark.parametrize("env", [None, {"TTY_COMPATIBLE": "1"}], ids=["plain", "colour"])
def test_text_report_escapes_messages_source_lines_and_urls(hostile, env):
    result = check("app.py", env=env)
    assert result.exit_code == 1, result.output
    output = SGR.sub("", result.stdout)
    assert_inert(output)
    assert_inert(check("--statistics", "app.py", env=env).stdout)
    # The route path is shown, escaped, in the messages that quote it.
    assert "/a\\n::warning file=x::pwned\\r::error::cr\\x1b]0;title\\x07\\u202e" in output
    assert '"\\x1b[2K\\x07\\u202e\\u2028\\x85\\x0c\\x7f"; time.sleep(1)  # \\x1b]0;pwned\\x07' in output
    assert "https://docs.example/\\x1b]0;t\\x07FAPI101" in output


def test_text_caret_stays_under_the_finding_after_escapes(hostile):
    output = check("--select", "FAPI101", "app.py").stdout
    (source,) = [line for line in output.splitlines() if line.startswith(f"{SLEEP_LINE} | ")]
    caret = output.splitlines()[output.splitlines().index(source) + 1]
    assert caret.index("^") == source.index("time.sleep(1)")
    assert caret.rstrip().endswith("^") and caret.count("^") == len("time.sleep(1)")


def test_concise_report_escapes_messages(hostile):
    result = check("--output-format", "concise", "app.py")
    assert result.exit_code == 1
    assert_inert(result.stdout)
    assert "/a\\n::warning file=x::pwned\\r::error::cr\\x1b]0;title\\x07\\u202e" in result.stdout


# ---------------------------------------------------------------- github


def test_github_report_starts_no_command_of_its_own(hostile):
    result = check("--output-format", "github", "app.py")
    assert result.exit_code == 1
    assert_inert(result.stdout, commands_allowed=True)
    found = json.loads(check("--output-format", "json", "app.py").stdout)
    assert len(result.stdout.splitlines()) == len(found)  # one command per finding, nothing else
    assert "/a\\n%3A%3Awarning" not in result.stdout  # ':' is only escaped in properties
    assert "/a\\n::warning file=x::pwned\\r::error::cr\\x1b]0;title\\x07\\u202e" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "concise", "github"])
def test_file_name_with_a_newline_starts_no_command(in_tmp, fmt):
    (in_tmp / NEWLINE_NAME).write_bytes(GOOD)
    result = check("--isolated", "--output-format", fmt, ".")
    assert result.exit_code == 1, result.output
    assert_inert(result.stdout, commands_allowed=fmt == "github")
    shown = "x\\n::warning file=x::pwned\\r::error::cr\\x1b[2J,%.py"
    if fmt == "github":
        # Property values escape `%`, `,` and `:` too (GitHub's rules), after the visible escapes.
        assert "file=x\\n%3A%3Awarning file=x%3A%3Apwned\\r%3A%3Aerror%3A%3Acr\\x1b[2J%2C%25.py," in result.stdout
    else:
        assert f"{shown}:5:5: FAPI101" in result.stdout


# ---------------------------------------------------------------- junit


def test_junit_report_is_well_formed_xml(hostile):
    (hostile / "ctl\x01\x1b.py").write_bytes(GOOD)
    result = check("--output-format", "junit", ".")
    assert result.exit_code == 1
    assert not NOT_XML.search(result.stdout)
    assert_inert(result.stdout)
    root = ET.fromstring(result.stdout.encode("utf-8"))
    files = {case.get("file") for case in root.iter("testcase")} | {suite.get("name") for suite in root.iter("testsuite")}
    assert "ctl\\x01\\x1b.py" in files
    messages = [failure.get("message") for failure in root.iter("failure")]
    assert any("/a\\n::warning file=x::pwned" in message for message in messages)


# ---------------------------------------------------------------- undecodable names


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _TTY_ENV}
    return subprocess.run([sys.executable, "-m", "fastapi_lint", "--no-cache", "--isolated", *args],
                          capture_output=True, cwd=cwd, env=env)


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that allows undecodable names")
def test_undecodable_file_name_is_escaped_the_same_in_every_format(tmp_path):
    (tmp_path / os.fsdecode(b"bad\xff.py")).write_bytes(GOOD)
    shown = "bad\\xff.py"
    outputs = {}
    for fmt in ("text", "concise", "github", "junit", "json", "sarif", "gitlab"):
        result = run_cli(tmp_path, "--output-format", fmt, ".")
        assert result.returncode == 1, (fmt, result.stderr)
        outputs[fmt] = result.stdout.decode("utf-8")  # strictly: no raw undecodable byte
        assert not re.search("[\ud800-\udfff]", outputs[fmt])
    for fmt in ("json", "sarif", "gitlab"):
        for text in strings(json.loads(outputs[fmt])):  # not even as a \\udcff escape
            assert not re.search("[\ud800-\udfff]", text), (fmt, text)
    assert outputs["text"].startswith(f"{shown}:5:5: FAPI101")
    assert outputs["concise"].startswith(f"{shown}:5:5: FAPI101")
    assert f"file={shown}," in outputs["github"]
    assert f'name="{shown}"' in outputs["junit"]
    assert json.loads(outputs["json"])[0]["path"] == shown
    assert json.loads(outputs["gitlab"])[0]["location"]["path"] == shown
    (sarif,) = json.loads(outputs["sarif"])["runs"][0]["results"]
    artifact = sarif["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["description"]["text"] == shown
    assert artifact["uri"] == "bad%FF.py"  # the URI still names the file on disk


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that allows undecodable names")
def test_undecodable_name_in_an_output_file_is_escaped(in_tmp):
    (in_tmp / os.fsdecode(b"bad\xff.py")).write_bytes(GOOD)
    result = check("--isolated", "--output-format", "concise", "--output-file", "report.txt", ".")
    assert result.exit_code == 1
    assert (in_tmp / "report.txt").read_bytes().decode("utf-8").startswith("bad\\xff.py:5:5: FAPI101")


# ---------------------------------------------------------------- --diff, errors, progress


def test_diff_header_quotes_a_hostile_file_name(tmp_path):
    (tmp_path / NEWLINE_NAME).write_text(FIXABLE)
    result = run_cli(tmp_path, "--diff", "--unsafe-fixes", ".")
    assert result.returncode == 1, result.stderr
    patch = result.stdout.decode("utf-8")
    assert not [line for line in lines_of(patch) if line.startswith("::")]
    quoted = '"x\\n::warning file=x::pwned\\r::error::cr\\033[2J,%.py"'
    assert patch.startswith(f"--- {quoted}\n+++ {quoted}\n@@")
    if shutil.which("git"):  # Git reads the quoted name back as the real one
        applied = subprocess.run(["git", "apply", "-p0", "--check", "-"], input=result.stdout, cwd=tmp_path,
                                 capture_output=True)
        assert applied.returncode == 0, applied.stderr


def test_error_messages_are_escaped(in_tmp):
    (in_tmp / "pyproject.toml").write_text(
        '[tool.fastapi-lint]\nper-file-ignores = { "a\\n::warning file=x::pwned\\u001b]0;t\\u0007" = ["FAPI999"] }\n'
    )
    (in_tmp / "app.py").write_bytes(GOOD)
    result = check("app.py")
    assert result.exit_code == 2
    assert "fapi999" in result.stderr.lower()
    assert_inert(result.stderr)
    assert "per-file-ignores.a\\n::warning file=x::pwned\\x1b]0;t\\x07" in result.stderr


def test_progress_bar_escapes_its_labels(monkeypatch):
    bar = ProgressBar()
    out = io.StringIO()
    bar.console = Console(file=out, force_terminal=True, color_system=None, width=100)
    bar.enabled, bar.started = True, 0.0
    bar(1, 2, "step\x1b]0;pwned\x07\n::warning::x [bold]markup[/bold]")
    bar.close()
    shown = out.getvalue().replace("\x1b[?25l", "").replace("\x1b[?25h", "")
    shown = re.sub("\x1b\\[[0-9;]*[A-Za-z]", "", shown)  # the bar's own cursor movements
    assert "\x1b]" not in shown and "\x07" not in shown
    assert "step\\x1b]0;pwned\\x07\\n::warning::x [bold]markup[/bold]" in shown


def test_escape_forms():
    from fastapi_lint.report.escape import escape

    assert escape("a\tb\nc\rd\x1b\x07\x7f\x85\u2028\u2029\u202e\u2066\u200e\u061c\ufeff") == (
        "a\\tb\\nc\\rd\\x1b\\x07\\x7f\\x85\\u2028\\u2029\\u202e\\u2066\\u200e\\u061c\ufeff"
    )
    assert escape("caf\udce9.py") == "caf\\xe9.py"
    assert escape("lone \ud800 \udc00") == "lone \\ud800 \\udc00"
    assert escape("caf\u00e9 \u65e5\u672c \\d+") == "caf\u00e9 \u65e5\u672c \\d+"  # nothing else changes


# ---------------------------------------------------------------- docs-url is a template, not a format string


DOCS_URL_ATTACKS = [
    "https://x.test/{code}{x}",
    "https://x.test/{code.__class__}",
    "https://x.test/{code[0]}",
    "https://x.test/{code:>99}",
    "https://x.test/{code!r}",
    "https://x.test/{}",
    "https://x.test/{code",
    "https://x.test/code}",
    "https://x.test/{{code}}",
]


@pytest.mark.parametrize("url", DOCS_URL_ATTACKS)
def test_docs_url_with_other_braces_is_a_config_error(in_tmp, url):
    path = in_tmp / "pyproject.toml"
    path.write_text(f"[tool.fastapi-lint]\ndocs-url = {json.dumps(url)}\n")
    (in_tmp / "app.py").write_bytes(GOOD)
    result = check("app.py")
    assert result.exit_code == 2, result.output
    assert "docs-url" in result.stderr and str(path) in result.stderr
    assert "0x" not in result.output and "FAPI101" not in result.stdout


@pytest.mark.parametrize("url", DOCS_URL_ATTACKS)
def test_docs_url_option_with_other_braces_is_a_usage_error(in_tmp, url):
    (in_tmp / "app.py").write_bytes(GOOD)
    result = check("--isolated", "--docs-url", url, "app.py")
    assert result.exit_code == 2, result.output
    assert "--docs-url" in result.stderr


def test_docs_url_placeholder_still_works(in_tmp):
    (in_tmp / "pyproject.toml").write_text('[tool.fastapi-lint]\ndocs-url = "https://x.test/{code}/{code}.html"\n')
    (in_tmp / "app.py").write_bytes(GOOD)
    result = check("--output-format", "json", "app.py")
    assert result.exit_code == 1
    assert [item["url"] for item in json.loads(result.stdout)] == ["https://x.test/FAPI101/FAPI101.html"]


def test_rule_url_substitutes_without_formatting():
    assert rule_url("https://x.test/{code}.md", "FAPI101") == "https://x.test/FAPI101.md"
    assert rule_url("https://x.test/{code}{x}", "FAPI101") == "https://x.test/FAPI101{x}"  # never str.format
    assert rule_url("https://x.test/rules/", "FAPI101") == "https://x.test/rules/FAPI101.md"
