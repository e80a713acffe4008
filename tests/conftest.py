from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The rule catalog of the spec (codes are fixed): every one must exist, nothing else.
CATALOG = tuple(
    ["FAPI001"]  # unused-noqa, reported by the engine
    + [f"FAPI{n}" for n in range(101, 107)]
    + [f"FAPI{n}" for n in range(201, 219)]
    + [f"FAPI{n}" for n in range(301, 307)]
    + [f"FAPI{n}" for n in range(401, 412)]
    + [f"FAPI{n}" for n in range(501, 509)]
    + [f"FAPI{n}" for n in range(601, 605)]
)
# Opt-in rules of the catalog (off unless selected by exact code or ALL).
OPT_IN = frozenset({"FAPI106", "FAPI209", "FAPI306", "FAPI411", "FAPI508"})


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run a test from an empty temporary directory (no stray pyproject.toml)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str, env: dict | None = None, input: bytes | str | None = None):
    """Run the CLI in-process; an exception other than the exit is a bug, and so is a traceback."""
    result = CliRunner().invoke(main, list(args), env=env, input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result
