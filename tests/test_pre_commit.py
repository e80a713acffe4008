"""The pre-commit hooks, run by real pre-commit (``pre-commit try-repo``) against this
checkout, on a throwaway git repository holding a FastAPI file with a pitfall."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PRE_COMMIT = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which("pre-commit")
pytestmark = [
    pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (CI installs it with the test extra)"),
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
    pytest.mark.slow,  # real pre-commit environments: `pytest -m "not slow"` leaves them out
]

# A test module with a pitfall that has a safe fix: FAPI504 rewrites
# `httpx.AsyncClient(app=app)` (removed in httpx 0.28) to `transport=httpx.ASGITransport(app=app)`.
PITFALL = '''\
import httpx
from fastapi import FastAPI

app = FastAPI()


async def test_health() -> None:
    async with httpx.AsyncClient(app=app, base_url="http://test") as client:
        response = await client.get("/health")
    assert response.status_code == 200
'''


def run(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    project = tmp_path / "service"
    project.mkdir()
    (project / "main.py").write_text(PITFALL)
    run(["git", "init", "-q"], project, env)
    run(["git", "add", "main.py"], project, env)
    return project, env


def try_repo(project: Path, env: dict, hook: str, *args: str) -> subprocess.CompletedProcess:
    # try-repo snapshots this checkout's working tree, so the hooks under test are the current ones.
    return run([PRE_COMMIT, "try-repo", str(ROOT), hook, "--all-files", "--verbose", *args], project, env)


def test_check_hook_fails_on_a_pitfall_and_fix_hook_fixes_it(repo) -> None:
    project, env = repo
    checked = try_repo(project, env, "fastapi-lint")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "FAPI504" in checked.stdout

    fixed = try_repo(project, env, "fastapi-lint-fix")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # pre-commit fails a hook that changed files
    assert "transport=httpx.ASGITransport(app=app)" in (project / "main.py").read_text()

    again = try_repo(project, env, "fastapi-lint")
    assert again.returncode == 0, again.stdout + again.stderr


def test_readme_local_hook_works_from_an_installed_checkout(repo) -> None:
    """The README's `repo: local` hook (what works before a release) runs the fastapi-lint
    installed in the environment, here this checkout's."""
    import re

    import yaml

    project, env = repo
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    local = next(block for block in blocks if "repo: local" in block)
    assert yaml.safe_load(local)["repos"][0]["repo"] == "local"
    (project / ".pre-commit-config.yaml").write_text(local)
    run(["git", "add", ".pre-commit-config.yaml"], project, env)
    env = {**env, "PATH": os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")}
    checked = run([PRE_COMMIT, "run", "--all-files"], project, env)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "FAPI504" in checked.stdout
