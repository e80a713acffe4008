"""Command-line paths → the Python files to lint, in a deterministic order."""

from __future__ import annotations

import fnmatch
import os
import stat
from pathlib import Path

from fastapi_lint.config import Settings

PYTHON_SUFFIXES = (".py", ".pyi")


class PathError(Exception):
    """A path given on the command line does not exist."""


def is_excluded(path: Path, settings: Settings, check_parents: bool = False) -> bool:
    """True when the path's name matches an exclude glob, or (for globs with a ``/``)
    the path relative to the config root does. ``check_parents`` also tests every
    directory above the file inside the root (for files named on the command line)."""
    names = [path.name]
    relative = None
    try:
        relative = path.absolute().relative_to(settings.root.absolute()).as_posix()
    except ValueError:
        pass
    if check_parents and relative:
        names = relative.split("/")
    for pattern in settings.excludes:
        pattern = pattern.strip("/")
        if "/" in pattern:
            if relative and (fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(relative, pattern + "/*")):
                return True
        elif any(fnmatch.fnmatchcase(name, pattern) for name in names):
            return True
    return False


def _is_virtualenv(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "pyvenv.cfg"))


def discover(paths: list[Path], settings: Settings, force_exclude: bool = False) -> list[Path]:
    """Files to lint. Files named explicitly are kept unless ``force_exclude`` (pre-commit)."""
    found: set[Path] = set()
    for path in paths:
        if not os.path.lexists(path):
            raise PathError(f"{path}: no such file or directory")
        if path.is_dir():
            if force_exclude and is_excluded(path, settings, check_parents=True):
                continue
            found.update(walk(path, settings))
        elif not (force_exclude and is_excluded(path, settings, check_parents=True)):
            found.add(path)
    return sorted(found, key=lambda p: p.as_posix())


def walk(root: Path, settings: Settings) -> list[Path]:
    files = []
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        keep = []
        for name in sorted(dirnames):
            full = Path(directory, name)
            if is_excluded(full, settings) or _is_virtualenv(str(full)):
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            if name.endswith(PYTHON_SUFFIXES):
                full = Path(directory, name)
                if not is_excluded(full, settings) and not _is_special(full):
                    files.append(full)
    return files


def _is_special(path: Path) -> bool:
    """A FIFO, socket or device (or a link to one) found while walking: reading it could
    block forever or never end, so it is skipped. A file that cannot be stat'ed (dangling
    link, link loop, vanished) is kept: linting it reports why it cannot be read."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def package_root(path: Path) -> Path | None:
    """The top directory of the package a file belongs to, if it is in one."""
    directory = path.absolute().parent
    top = None
    while (directory / "__init__.py").exists():
        top = directory
        if directory.parent == directory:
            break
        directory = directory.parent
    return top
