"""Which files changed, according to git: ``--diff-base REV`` lints only those."""

from __future__ import annotations

import subprocess
from pathlib import Path

from fastapi_lint.errors import UsageError


class VcsError(UsageError):
    pass


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise VcsError("--diff-base needs git, which is not installed") from None
    if done.returncode != 0:
        raise VcsError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout


def changed_files(base: str, cwd: Path) -> set[Path]:
    """Absolute paths of files added or modified since the merge base of ``base`` and
    HEAD, including uncommitted and untracked ones (deleted files are not listed)."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    merge_base = _git(["merge-base", base, "HEAD"], cwd).strip()
    names = _git(["diff", "--name-only", "--diff-filter=d", "-z", merge_base, "--"], top).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0")
    return {(top / name).absolute() for name in names if name}


_VCS_MARKERS = (".git", ".hg", ".svn")


def repository_root(start: Path) -> Path | None:
    """The root of the version-controlled tree holding ``start``: the nearest directory at
    or above it with a ``.git`` (a directory, or the file of a worktree or submodule),
    ``.hg`` or ``.svn``. Found by looking, not by running git (nothing from the tree runs)."""
    start = start.absolute()
    for directory in (start, *start.parents):
        if any((directory / marker).exists() for marker in _VCS_MARKERS):
            return directory
    return None
