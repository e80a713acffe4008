"""Commands that lint nothing import neither libcst nor the rules (about a quarter of a
second): `rules`, `explain`, a configuration error, and a `check` whose every result
comes from the cache. They read the rule catalog (fastapi_lint/data/rule_catalog.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

# Runs the CLI in a fresh interpreter, then prints which of the heavy modules it loaded.
_RUN = """
import json, sys
from fastapi_lint.cli import main
sys.argv = ["fastapi-lint", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exit:
    code = exit.code
heavy = sorted(m for m in sys.modules if m == "libcst" or m.split(".")[:2] in (
    ["fastapi_lint", "rules"], ["fastapi_lint", "rule"], ["fastapi_lint", "engine"], ["fastapi_lint", "fixes"]))
print(json.dumps([code, heavy]), file=sys.stderr)
"""

APP = '''import time
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    time.sleep(1)
    return {}
'''


def _run(cwd: Path, *args: str) -> tuple[int, list[str], str]:
    done = subprocess.run([sys.executable, "-c", _RUN, json.dumps(args)], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    code, heavy = json.loads(done.stderr.strip().splitlines()[-1])
    return code, heavy, done.stdout


@pytest.mark.parametrize("args", [("rules",), ("rules", "--output-format", "json"), ("explain", "FAPI101"),
                                  ("check", "--select", "FAPI999", ".")])
def test_commands_that_lint_nothing_load_no_rule(tmp_path, args):
    code, heavy, _ = _run(tmp_path, *args)
    assert code == (2 if "FAPI999" in args else 0)
    assert heavy == []


def test_a_cached_check_loads_no_rule_and_reports_the_same(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    first = _run(tmp_path, "check", "--cache-dir", str(tmp_path / "store"), ".")
    assert first[0] == 1 and "libcst" in first[1]  # the first run lints
    again = _run(tmp_path, "check", "--cache-dir", str(tmp_path / "store"), ".")
    assert again == (1, [], first[2])
    assert "FAPI101" in again[2]


_RELINTED = """
import json, sys
import fastapi_lint.api as api
linted = []
real = api._lint_with_facts
def spy(files, *args, **kwargs):
    linted.extend(p.name for p in files)
    return real(files, *args, **kwargs)
api._lint_with_facts = spy
from fastapi_lint.cli import main
sys.argv = ["fastapi-lint", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(linted)), file=sys.stderr)
"""


def test_a_cached_check_after_an_edit_asks_its_questions_again_in_a_fresh_process(tmp_path):
    """A result kept while its questions' answers hold: the process confirming them has
    not imported the rules, yet knows every question (it re-linted every file when not)."""
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "helpers.py").write_text("def helper():\n    return 1\n")
    store = str(tmp_path / "store")

    def relinted() -> list[str]:
        done = subprocess.run([sys.executable, "-c", _RELINTED, json.dumps(["check", "--cache-dir", store, "."])],
                              cwd=tmp_path, capture_output=True, text=True,
                              env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        return json.loads(done.stderr.strip().splitlines()[-1])

    assert relinted() == ["app.py", "helpers.py"]
    (tmp_path / "helpers.py").write_text("def helper():\n    return 1\n\n\ndef other():\n    return 2\n")
    assert relinted() == ["helpers.py"]
