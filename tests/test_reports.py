"""What a finding looks like: the JSON object and the text report."""

from __future__ import annotations

import io
import json
import re

import pytest

from fastapi_lint.api import RunResult
from fastapi_lint.config import DEFAULT_DOCS_URL
from fastapi_lint.diagnostics import Diagnostic, FileResult, Location, Severity

from conftest import invoke

KEYS = {
    "path", "line", "column", "end_line", "end_column", "code", "name", "message",
    "severity", "url", "fastapi_docs", "fixable", "fix_applicability",
}

SNIPPET = '''\
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/items/{item_id}")
async def read_item(item_id: int):
    time.sleep(1)
    return {"id": item_id}
'''



@pytest.fixture(autouse=True)
def plain_env(monkeypatch):
    for name in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


def json_findings(*args: str) -> list[dict]:
    result = invoke("--output-format", "json", *args)
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


def by_code(items: list[dict]) -> dict[str, dict]:
    found = {}
    for item in items:
        assert item["code"] not in found, "expected one finding per code"
        found[item["code"]] = item
    return found


def test_json_objects_have_exactly_the_documented_keys_and_types(in_tmp):
    (in_tmp / "snippet.py").write_text(SNIPPET, encoding="utf-8")
    items = json_findings("snippet.py")
    assert {item["code"] for item in items} == {"FAPI101", "FAPI201"}
    for item in items:
        assert set(item) == KEYS
        for key in ("path", "code", "name", "message", "severity", "url"):
            assert isinstance(item[key], str) and item[key], key
        for key in ("line", "column", "end_line", "end_column"):
            assert type(item[key]) is int and item[key] >= 1, key
        assert item["fastapi_docs"] is None or item["fastapi_docs"].startswith("https://")
        assert type(item["fixable"]) is bool
        assert item["fix_applicability"] in (None, "safe", "unsafe")
        assert item["fixable"] == (item["fix_applicability"] is not None)
        assert item["severity"] in ("error", "warning", "info")
        assert re.fullmatch(r"FAPI\d{3}", item["code"])
        assert (item["end_line"], item["end_column"]) >= (item["line"], item["column"])


def test_json_positions_are_one_based_and_exact(in_tmp):
    (in_tmp / "snippet.py").write_text(SNIPPET, encoding="utf-8")
    found = by_code(json_findings("snippet.py"))
    blocking = found["FAPI101"]
    assert (blocking["line"], blocking["column"]) == (10, 5)  # "    time.sleep(1)"
    assert (blocking["end_line"], blocking["end_column"]) == (10, 5 + len("time.sleep(1)"))
    assert blocking["path"] == "snippet.py"
    assert blocking["name"] == "blocking-call-in-async"
    assert blocking["severity"] == "error"
    assert "time.sleep" in blocking["message"] and "read_item" in blocking["message"]
    assert blocking["fastapi_docs"] == "https://fastapi.tiangolo.com/async/"
    assert blocking["fixable"] is True and blocking["fix_applicability"] == "unsafe"  # -> await asyncio.sleep

    missing = found["FAPI201"]
    assert (missing["line"], missing["column"]) == (9, 11)  # the name in "async def read_item"
    assert (missing["end_line"], missing["end_column"]) == (9, 11 + len("read_item"))
    assert missing["severity"] == "warning"
    assert "read_item" in missing["message"] and "/items/{item_id}" in missing["message"]


def test_json_position_of_a_first_column_finding(in_tmp):
    (in_tmp / "cors.py").write_text(
        "from fastapi import FastAPI\n"
        "from fastapi.middleware.cors import CORSMiddleware\n"
        "app = FastAPI()\n"
        'app.add_middleware(CORSMiddleware, allow_origins=["*"])\n',
        encoding="utf-8",
    )
    (item,) = json_findings("cors.py")
    assert item["code"] == "FAPI402"
    assert (item["line"], item["column"]) == (4, 1)
    assert (item["end_line"], item["end_column"]) == (4, 1 + len('app.add_middleware(CORSMiddleware, allow_origins=["*"])'))


def test_json_multi_line_span(in_tmp):
    (in_tmp / "span.py").write_text(
        "import time\n\n\nasync def f():\n    time.sleep(\n        1,\n    )\n", encoding="utf-8"
    )
    (item,) = json_findings("span.py")
    assert (item["line"], item["column"], item["end_line"], item["end_column"]) == (5, 5, 7, 6)


def test_default_url_is_the_rule_page(in_tmp):
    (in_tmp / "snippet.py").write_text(SNIPPET, encoding="utf-8")
    found = by_code(json_findings("snippet.py"))
    for code, item in found.items():
        assert item["url"].endswith(f"/{code}.md")
        assert item["url"] == f"{DEFAULT_DOCS_URL}/{code}.md"


def test_json_is_sorted_by_path_then_position(in_tmp):
    (in_tmp / "b.py").write_text(SNIPPET, encoding="utf-8")
    (in_tmp / "a.py").write_text(SNIPPET, encoding="utf-8")
    items = json_findings(".")
    keys = [(i["path"], i["line"], i["column"]) for i in items]
    assert keys == sorted(keys)
    assert [i["path"] for i in items] == ["a.py", "a.py", "b.py", "b.py"]


def test_json_paths_are_relative_to_the_working_directory(in_tmp):
    (in_tmp / "pkg" / "sub").mkdir(parents=True)
    (in_tmp / "pkg" / "sub" / "mod.py").write_text(SNIPPET, encoding="utf-8")
    items = json_findings(str(in_tmp / "pkg"))
    assert {i["path"] for i in items} == {"pkg/sub/mod.py"}


# ---------------------------------------------------------------- text


def test_text_summary_singular(in_tmp):
    (in_tmp / "summary_one.py").write_text(SNIPPET, encoding="utf-8")
    result = invoke("--select", "FAPI101", "summary_one.py")
    assert result.exit_code == 1
    assert "Found 1 finding (1 error) in 1 file." in result.stdout.splitlines()


def test_text_summary_plural(in_tmp):
    (in_tmp / "summary_a.py").write_text(SNIPPET, encoding="utf-8")
    (in_tmp / "summary_b.py").write_text(SNIPPET, encoding="utf-8")
    result = invoke("summary_a.py", "summary_b.py")
    assert result.exit_code == 1
    assert "Found 4 findings (2 errors, 2 warnings) in 2 files." in result.stdout


def test_text_finding_header_source_line_caret_and_links(in_tmp):
    (in_tmp / "caret_snippet.py").write_text(SNIPPET, encoding="utf-8")
    result = invoke("--select", "FAPI101", "caret_snippet.py")
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("caret_snippet.py:"))
    assert lines[header].startswith("caret_snippet.py:10:5: FAPI101 error: Blocking call `time.sleep()`")
    assert lines[header + 1] == "   |"
    assert lines[header + 2] == "10 |     time.sleep(1)"
    assert lines[header + 3] == "   |     ^^^^^^^^^^^^^"
    assert lines[header + 4].strip() == f"= help: {DEFAULT_DOCS_URL}/FAPI101.md ; https://fastapi.tiangolo.com/async/"
    # the caret sits under the call
    source, caret = lines[header + 2], lines[header + 3]
    start = caret.index("^")
    assert source[start : start + caret.count("^")] == "time.sleep(1)"


def test_text_caret_for_a_multi_line_span_runs_to_the_end_of_the_first_line(in_tmp):
    (in_tmp / "caret_span.py").write_text(
        "import time\n\n\nasync def f():\n    time.sleep(\n        1,\n    )\n", encoding="utf-8"
    )
    lines = invoke("caret_span.py").stdout.splitlines()
    assert "5 |     time.sleep(" in lines
    assert "  |     ^^^^^^^^^^^" in lines


def test_text_with_a_tab_indented_line_keeps_the_caret_aligned(in_tmp):
    (in_tmp / "caret_tab.py").write_text("import time\n\n\nasync def f():\n\ttime.sleep(1)\n", encoding="utf-8")
    result = invoke("caret_tab.py")
    assert "caret_tab.py:5:2: FAPI101" in result.stdout
    lines = result.stdout.splitlines()
    source = next(line for line in lines if line.startswith("5 | "))
    caret = lines[lines.index(source) + 1]
    start = caret.index("^")
    assert source[start : start + caret.count("^")] == "time.sleep(1)"


def test_text_clean_run(in_tmp):
    (in_tmp / "fine.py").write_text("x = 1\n", encoding="utf-8")
    result = invoke("fine.py")
    assert result.exit_code == 0
    assert result.stdout == "All checks passed!\n"


def test_text_source_line_is_not_cached_across_runs(tmp_path, monkeypatch):
    for name, argument in (("first", 1), ("second", 2)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "same_name.py").write_text(
            f"import time\n\n\nasync def f():\n    time.sleep({argument})\n", encoding="utf-8"
        )
    monkeypatch.chdir(tmp_path / "first")
    assert "5 |     time.sleep(1)" in invoke("same_name.py").stdout
    monkeypatch.chdir(tmp_path / "second")
    assert "5 |     time.sleep(2)" in invoke("same_name.py").stdout


def test_text_source_line_of_a_latin1_file(in_tmp):
    (in_tmp / "latin_view.py").write_bytes(
        b"# -*- coding: latin-1 -*-\nimport time\n\n\nasync def f():\n    time.sleep(1); s = 'caf\xe9'\n"
    )
    result = invoke("latin_view.py")
    assert "6 |     time.sleep(1); s = 'caf\u00e9'" in result.stdout


def test_text_finding_ends_with_the_offline_explain_command(in_tmp):
    (in_tmp / "offline.py").write_text(SNIPPET, encoding="utf-8")
    lines = invoke("--select", "FAPI101", "offline.py").stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("offline.py:10:5: FAPI101"))
    assert lines[header + 4].startswith("  = help: ")
    assert lines[header + 5] == "  = offline: fastapi-lint explain FAPI101"
    assert lines[header + 6] == ""  # the finding ends there


def test_text_code_is_a_terminal_hyperlink_to_its_page_when_colour_is_on(in_tmp):
    (in_tmp / "linked.py").write_text(SNIPPET, encoding="utf-8")
    url = f"{DEFAULT_DOCS_URL}/FAPI101.md"
    coloured = invoke("--select", "FAPI101", "linked.py", env={"TTY_COMPATIBLE": "1"}).stdout
    link = re.search(r"\x1b\]8;[^;]*;(?P<url>[^\x1b]*)\x1b\\(?P<text>.*?)\x1b\]8;;\x1b\\", coloured)
    assert link, repr(coloured[:300])
    assert link["url"] == url
    assert re.sub(r"\x1b\[[0-9;]*m", "", link["text"]) == "FAPI101"
    plain = invoke("--select", "FAPI101", "linked.py").stdout
    assert "\x1b" not in plain  # no escape sequences at all without a colour terminal


def test_text_links_only_a_plain_http_docs_url(in_tmp):
    (in_tmp / "pyproject.toml").write_text('[tool.fastapi-lint]\ndocs-url = "file:///etc/{code}"\n')
    (in_tmp / "unlinked.py").write_text(SNIPPET, encoding="utf-8")
    coloured = invoke("--select", "FAPI101", "unlinked.py", env={"TTY_COMPATIBLE": "1"}).stdout
    assert "\x1b]8;" not in coloured
    assert "file:///etc/FAPI101" in coloured  # still shown as text


class _CountingRaw(io.RawIOBase):
    def __init__(self):
        self.writes, self.data = 0, b""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.writes += 1
        self.data += bytes(data)
        return len(data)


def test_a_report_to_an_unbuffered_stream_is_written_in_blocks() -> None:
    # What PYTHONUNBUFFERED makes of stdout: a text layer writing through to the raw file.
    from fastapi_lint.cli import _report

    raw = _CountingRaw()
    stream = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    diagnostics = [Diagnostic("app/main.py", Location(line, 1), Location(line, 5), "FAPI101", "blocking-call",
                              f"finding {line}", Severity.ERROR, "https://example.invalid/FAPI101", None)
                   for line in range(1, 2001)]
    result = RunResult([FileResult("app/main.py", diagnostics)])
    _report(result, stream, "text", False, {"docs_url": None, "fail_on": Severity.INFO, "quiet": False})
    assert stream.write_through  # as it was
    text = raw.data.decode()
    assert text.count("finding ") == 2000 and "finding 2000" in text
    assert raw.writes < 50  # blocks, not a write per line
