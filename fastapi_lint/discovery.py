"""Command-line paths → the Python files to lint, in a deterministic order."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi_lint import globs
from fastapi_lint.config import Settings
from fastapi_lint.errors import UsageError
from fastapi_lint.files import is_inside, real_roots
from fastapi_lint.gitignore import Ignores
from fastapi_lint.projects import SettingsResolver
from fastapi_lint.analysis.qualnames import packages_above

PYTHON_SUFFIXES = (".py", ".pyi")


class PathError(UsageError):
    """A path given on the command line does not exist."""


def is_excluded(path: Path, settings: Settings, check_parents: bool = False) -> bool:
    """True when the path's name matches an exclude glob, or (for globs with a ``/``)
    the path relative to the config root does. ``check_parents`` also tests every
    directory above the file inside the root (for files named on the command line)."""
    relative = None
    try:
        relative = path.absolute().relative_to(settings.root.absolute()).as_posix()
    except ValueError:
        pass
    names = relative.split("/") if check_parents and relative else [path.name]
    return _matches_exclude(names, relative, settings)


def _matches_exclude(names: list[str], relative: str | None, settings: Settings) -> bool:
    by_name, by_path = _exclude_patterns(settings.excludes)
    if by_path is not None and relative and by_path.fullmatch(relative):
        return True
    return by_name is not None and any(by_name.fullmatch(name) for name in names)


@lru_cache(maxsize=32)
def _exclude_patterns(excludes: tuple[str, ...]) -> tuple:
    """One expression for the globs matched against a name (no ``/``), one for those
    matched against the path relative to the root (a directory's pattern also covers
    everything below it): one match per path instead of one per glob."""
    names, paths = [], []
    for pattern in (p.strip("/") for p in excludes):
        if "/" in pattern:
            paths.append(pattern + "/**")
        else:
            names.append(pattern)
    return globs.union(names), globs.union(paths)


def _is_virtualenv(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "pyvenv.cfg"))


def discover(paths: list[Path], resolver: SettingsResolver, force_exclude: bool = False) -> list[Path]:
    """Files to lint, each directory walked with the settings of the project it is in.
    Files named explicitly are kept unless ``force_exclude`` (pre-commit)."""
    found: set[Path] = set()
    for path in paths:
        if not os.path.lexists(path):
            raise PathError(f"{path}: no such file or directory")
        settings = resolver.for_path(path).settings
        if force_exclude and is_excluded(path, settings, check_parents=True):
            continue
        found.update(walk(path, settings, resolver) if path.is_dir() else [path])
    return sorted(found, key=lambda p: p.as_posix())


def walk(root: Path, settings: Settings, resolver: SettingsResolver | None = None,
         own_project_only: bool = False) -> list[Path]:
    """The Python files under ``root`` that no exclude matches, in path order. A directory
    with a configuration of its own is walked with its settings, or, with
    ``own_project_only`` (collecting one project's facts), not at all. Strings and
    ``os.scandir`` rather than ``Path`` objects: this runs for every file of every run."""
    files: list[Path] = []
    start = os.path.abspath(root)
    walker = _Walker(files, real_roots([settings.root, root]), resolver, own_project_only)
    walker.walk(start, settings, Ignores.above(start) if settings.respect_gitignore else None)
    return files


@dataclass
class _Walker:
    files: list[Path]
    allowed: tuple[str, ...]  # real locations links may lead to
    resolver: SettingsResolver | None
    own_project_only: bool

    def walk(self, directory: str, settings: Settings, ignores: Ignores | None) -> None:
        base = os.path.abspath(settings.root)
        relative = os.path.relpath(directory, base).replace(os.sep, "/") if is_inside(directory, (base,)) else None
        self._walk(directory, None if relative in (None, ".") else relative, relative is not None, settings, ignores)

    def _walk(self, directory: str, relative: str | None, under_root: bool, settings: Settings,
              ignores: Ignores | None) -> None:
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            name = entry.name
            child = (f"{relative}/{name}" if relative else name) if under_root else None
            try:
                is_dir = entry.is_dir()  # a link to a directory is one, but is not followed
            except OSError:
                is_dir = False
            if is_dir:
                if (entry.is_symlink() or _matches_exclude([name], child, settings) or _is_virtualenv(entry.path)
                        or (ignores is not None and ignores.ignored(entry.path, True))):
                    continue
                inner = ignores.entering(entry.path) if ignores is not None else None
                if self.resolver is not None and self.resolver.starts_project(entry.path):
                    if not self.own_project_only:
                        nested = self.resolver.for_path(Path(entry.path)).settings
                        if nested.respect_gitignore != settings.respect_gitignore:
                            inner = Ignores.above(entry.path) if nested.respect_gitignore else None
                        self.walk(entry.path, nested, inner)
                    continue
                self._walk(entry.path, child, under_root, settings, inner)
            elif (name.endswith(PYTHON_SUFFIXES) and not _matches_exclude([name], child, settings)
                    and not (ignores is not None and ignores.ignored(entry.path, False))):
                if entry.is_file(follow_symlinks=False) or _is_safe_link(entry.path, self.allowed):
                    self.files.append(Path(entry.path))


def _is_safe_link(path: str, allowed: tuple[str, ...]) -> bool:
    """A symbolic link found while walking is linted only when it leads to a regular file
    inside the project: a committed ``env.py -> /proc/self/environ`` would otherwise be
    quoted into the CI log, and a FIFO or device could block the run forever. A link that
    cannot be followed (dangling, a loop) but stays inside is kept: linting it reports
    why it cannot be read. Anything else that is not a regular file is skipped."""
    if not os.path.islink(path) or not is_inside(os.path.realpath(path), allowed):
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def package_root(path: Path) -> Path | None:
    """The top directory of the package a file belongs to, if it is in one."""
    directory = os.path.dirname(os.path.abspath(path))
    depth = len(packages_above(directory))
    if not depth:
        return None
    for _ in range(depth - 1):
        directory = os.path.dirname(directory)
    return Path(directory)
