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


# A module whose route makes a blocking call with an unsafe FAPI101 fix at 6:5 (time.sleep ->
# await asyncio.sleep); NAME tells modules apart (``FIXABLE.replace("NAME", "2")``).
FIXABLE = (
    "import time\n"
    "from fastapi import FastAPI\n"
    "app = FastAPI()\n"
    "@app.get('/xNAME')\n"
    "async def xNAME() -> None:\n"
    "    time.sleep(1)  # nap\n"
)


def routers_included_many_ways(width: int, depth: int, app: str = "FastAPI()") -> str:
    """A module of ``width`` routers per level, each including every router of the level
    below, ``depth`` levels deep, all of the top level included by the app: the ways down
    from the one route to the app multiply (width ** (depth - 1))."""
    lines = ["from fastapi import FastAPI, APIRouter", f"app = {app}"]
    lines += [f"r{level}_{j} = APIRouter()" for level in range(depth) for j in range(width)]
    lines += ["@r0_0.get('/x')", "def x(): ..."]
    lines += [f"r{level}_{j}.include_router(r{level - 1}_{k})"
              for level in range(1, depth) for j in range(width) for k in range(width)]
    lines += [f"app.include_router(r{depth - 1}_{j})" for j in range(width)]
    return "\n".join(lines) + "\n"

