"""The whole project, whatever the entry point: a file named alone (pre-commit), from
elsewhere, on stdin or with --diff-base gets exactly the findings the whole-project run
gives it; each file gets its nearest configuration; ignored files stay ignored."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, invoke


def findings(*args: str) -> list[tuple]:
    result = invoke("--no-cache", "--select", "ALL", "--output-format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return sorted((os.path.abspath(d["path"]), d["line"], d["column"], d["code"], d["message"])
                  for d in json.loads(result.stdout))


def of_file(found: list[tuple], path: Path) -> list[tuple]:
    return [f for f in found if f[0] == str(path.absolute())]


FIXTURE_PROJECTS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("fixture", FIXTURE_PROJECTS)
def test_each_file_alone_gets_its_whole_project_findings(fixture: str, tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, root)
    (root / "pyproject.toml").write_text("[project]\nname = 'app'\n")  # the project's root marker
    monkeypatch.chdir(root)
    whole = findings(".")
    files = sorted(root.rglob("*.py"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for path in files:
        monkeypatch.chdir(root)
        assert findings(str(path.relative_to(root))) == of_file(whole, path), path.relative_to(root)
    monkeypatch.chdir(elsewhere)  # from outside the project, with absolute paths
    for path in files[:3]:
        assert findings(str(path)) == of_file(whole, path), path.relative_to(root)
    monkeypatch.chdir(root)
    for path in files[:3]:  # an editor's buffer on stdin, the same bytes as on disk
        result = invoke("--no-cache", "--select", "ALL", "--output-format", "json",
                        "--stdin-filename", str(path.relative_to(root)), input=path.read_bytes())
        got = sorted((os.path.abspath(d["path"]), d["line"], d["column"], d["code"], d["message"])
                     for d in json.loads(result.stdout))
        assert got == of_file(whole, path), path.relative_to(root)


FLAT_MAIN = '''\
from fastapi import FastAPI

from routers import items

app = FastAPI()
app.include_router(items.router)
app.include_router(items.router)
'''
FLAT_ITEMS = '''\
from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
async def list_items() -> list[str]:
    return []
'''


def test_flat_layout_named_files_keep_cross_file_findings(tmp_path: Path, monkeypatch) -> None:
    """pre-commit passes only changed files: main.py at the root, routers/ beside it."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'flat'\n")
    (tmp_path / "routers").mkdir()
    (tmp_path / "routers" / "__init__.py").write_text("")
    (tmp_path / "routers" / "items.py").write_text(FLAT_ITEMS)
    (tmp_path / "main.py").write_text(FLAT_MAIN)
    monkeypatch.chdir(tmp_path)
    whole = findings(".")
    assert {f[3] for f in of_file(whole, tmp_path / "main.py")} >= {"FAPI217"}
    assert findings("main.py") == of_file(whole, tmp_path / "main.py")
    assert findings("routers/items.py") == of_file(whole, tmp_path / "routers" / "items.py")


BLOCKING = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"


def _monorepo(root: Path) -> None:
    for service, config in (("svc_a", '[tool.fastapi-lint.per-file-ignores]\n"app/*" = ["FAPI101"]\n'), ("svc_b", "")):
        (root / service / "app").mkdir(parents=True)
        (root / service / "pyproject.toml").write_text(f"[tool.fastapi-lint]\n{config}")
        (root / service / "app" / "jobs.py").write_text(BLOCKING)


def test_monorepo_services_use_their_own_configuration_in_any_order(tmp_path: Path, monkeypatch) -> None:
    _monorepo(tmp_path)
    monkeypatch.chdir(tmp_path)
    forward = findings("svc_a", "svc_b")
    assert forward == findings("svc_b", "svc_a")
    assert forward == sorted(findings("svc_a") + findings("svc_b"))
    assert [Path(f[0]).relative_to(tmp_path).parts[0] for f in forward] == ["svc_b"]  # svc_a ignores FAPI101 in app/
    assert findings(".") == forward  # from the top, each subtree with its own settings
    monkeypatch.chdir(tmp_path / "svc_b")
    assert [f[3] for f in findings(".")] == ["FAPI101"]


@pytest.mark.slow
def test_monorepo_with_real_pre_commit(tmp_path: Path) -> None:
    from conftest import ROOT

    pre_commit = shutil.which("pre-commit", path=str(Path(os.sys.executable).parent)) or shutil.which("pre-commit")
    if pre_commit is None or shutil.which("git") is None:
        pytest.skip("pre-commit and git are needed")
    _monorepo(tmp_path)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "PRE_COMMIT_HOME": str(tmp_path / ".pc")}
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, env=env)
    (tmp_path / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: local\n    hooks:\n      - id: fastapi-lint\n        name: fastapi-lint\n"
        f"        entry: {Path(os.sys.executable).parent / 'fastapi-lint'} --no-cache --force-exclude\n"
        "        language: system\n        types: [python]\n")
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True, env=env)
    run = subprocess.run([pre_commit, "run", "--all-files"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "svc_b/app/jobs.py:5:5: FAPI101" in run.stdout
    assert "svc_a/app/jobs.py" not in run.stdout
    assert ROOT.exists()


def test_git_ignored_folders_are_not_linted(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n*.tmp.py\n!keep.tmp.py\n")
    for name in ("generated/client.py", "app/main.py", "app/scratch.tmp.py", "app/keep.tmp.py", "app/sub/x.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(BLOCKING)
    (tmp_path / "app" / "sub" / ".gitignore").write_text("x.py\n")
    monkeypatch.chdir(tmp_path)
    linted = sorted(Path(f[0]).relative_to(tmp_path).as_posix() for f in findings("."))
    assert linted == ["app/keep.tmp.py", "app/main.py"]
    assert [f[3] for f in findings("generated/client.py")] == ["FAPI101"]  # named: linted regardless
    (tmp_path / "pyproject.toml").write_text("[tool.fastapi-lint]\nrespect-gitignore = false\n")
    assert len(findings(".")) == 5


@pytest.mark.parametrize("pattern", ["**/tests/**", "tests", "tests/", "**/tests"])
def test_exclude_globs_mean_what_they_mean_in_ruff(tmp_path: Path, monkeypatch, pattern: str) -> None:
    for name in ("tests/test_api.py", "src/app/tests/test_x.py", "src/app/main.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(BLOCKING)
    (tmp_path / "pyproject.toml").write_text(f'[tool.fastapi-lint]\nextend-exclude = ["{pattern}"]\n')
    monkeypatch.chdir(tmp_path)
    linted = sorted(Path(f[0]).relative_to(tmp_path).as_posix() for f in findings("."))
    assert linted == ["src/app/main.py"]


WRAPPED_APP = '''\
import time

import sentry_sdk.integrations.asgi
from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

app = FastAPI()


@app.get("/items")
async def items():
    time.sleep(1)
    return {}


@app.on_event("startup")
async def start():
    pass

'''


@pytest.mark.parametrize("wrapping", [
    'app = TrustedHostMiddleware(app, allowed_hosts=["example.com"])\n',
    'app = ProxyHeadersMiddleware(app=app, trusted_hosts="*")\n',
    "app = sentry_sdk.integrations.asgi.SentryAsgiMiddleware(TrustedHostMiddleware(app, allowed_hosts=['a']))\n",
])
def test_rebinding_the_app_to_a_wrapper_keeps_the_routes_above_it(tmp_path: Path, monkeypatch, wrapping: str) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'w'\n")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.py").write_text(WRAPPED_APP)
    plain = findings("main.py")
    assert {f[3] for f in plain} >= {"FAPI101", "FAPI201", "FAPI501"}
    (tmp_path / "main.py").write_text(WRAPPED_APP + wrapping)
    assert findings("main.py") == plain
