from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


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


def processes_mentioning(text: str) -> list[int]:
    """Other live processes whose command line contains ``text`` (left-behind workers)."""
    import os

    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found
