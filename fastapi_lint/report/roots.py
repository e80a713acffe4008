"""The directory CI reports name files from: the repository's root, else the project's.

Code scanning (SARIF) and GitLab Code Quality match a reported path against the files of
the repository, so the path must be relative to the repository's root, not to the
directory a job happened to run in (a monorepo job runs in ``services/api``).
"""

from __future__ import annotations

import os
from pathlib import Path


def report_root(options: dict) -> Path:
    """The root the CLI chose (``options["root"]``); else the repository holding the working
    directory; else the working directory."""
    from fastapi_lint.vcs import repository_root

    root = options.get("root")
    if root is not None:
        return Path(root)
    return repository_root(Path.cwd()) or Path.cwd()


def relative_to_root(path: str, root: Path) -> str | None:
    """``path`` relative to ``root``, with ``/``; None when it is not under ``root``."""
    absolute, base = os.path.abspath(path), os.path.abspath(root)
    if absolute.startswith(base.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, base).replace(os.sep, "/")
    return None
