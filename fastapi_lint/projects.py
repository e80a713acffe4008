"""Which project a file belongs to, and the settings that apply to it.

A file's project root is the nearest directory above it with a fastapi-lint
configuration (``[tool.fastapi-lint]`` in ``pyproject.toml``); without one, the nearest
directory holding a ``pyproject.toml``, ``setup.cfg``, ``setup.py`` or a VCS directory
(never the home directory, the temporary directory or ``/``); without any of those, the
working directory when the file is inside it (as in Ruff), else the directory above the
file's top package (or its own directory).
Its settings come from that configuration, as in Ruff: the nearest one wins whole, so
``fastapi-lint svc_a svc_b`` lints each service with its own settings, in any order.

Facts always come from the whole project a file belongs to, whatever paths were named:
linting ``routers/items.py`` alone sees the app that includes it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from fastapi_lint.config import DEFAULT_TARGET_VERSION, Settings, find_config_in, load_settings
from fastapi_lint.files import is_inside
from fastapi_lint.versions import default_target_version, detect

MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git", ".hg")


@dataclass(frozen=True)
class ProjectRoot:
    """One project of a run: where it is (facts, cache) and how its files are linted."""

    root: Path
    settings: Settings


def _never_roots() -> frozenset[str]:
    """Directories a marker never makes a project of: a dotfiles repository in the home
    directory, or a stray ``pyproject.toml`` in ``/tmp``, must not make fastapi-lint walk
    everything below them."""
    return frozenset(os.path.abspath(d) for d in (os.path.expanduser("~"), tempfile.gettempdir(), os.sep))


def _marker_root(directory: str, never: frozenset[str], known: dict[str, str | None]) -> str | None:
    """The nearest directory at or above ``directory`` holding a project marker; ``known``
    remembers the answer of every directory visited (siblings share their parents' walk)."""
    visited = []
    current = directory
    while current not in known:
        visited.append(current)
        if current not in never and any(os.path.lexists(os.path.join(current, marker)) for marker in MARKERS):
            found = current
            break
        parent = os.path.dirname(current)
        if parent == current:
            found = None
            break
        current = parent
    else:
        found = known[current]
    for below in visited:  # the nearest marker of each is the one found
        known[below] = found
    return found


def _top_package_parent(directory: str) -> str:
    from fastapi_lint.discovery import package_root

    top = package_root(Path(directory, "__init__.py"))
    return os.path.dirname(str(top)) if top is not None else directory


class SettingsResolver:
    """The project and settings of any path of a run, each configuration read once.

    ``fixed``: one settings object for every file (the Python API, ``--config``,
    ``--isolated``); with ``fixed_root`` its root is also every file's project root (the
    Python API: the caller says where the project is). ``overrides`` applies the command
    line's flags on top of each configuration.
    """

    def __init__(self, fixed: Settings | None = None, overrides: Callable[[Settings], Settings] = lambda s: s,
                 isolated: bool = False, fixed_root: bool = False):
        self._overrides = overrides
        self._isolated = isolated
        self._fixed = overrides(fixed) if fixed is not None else None
        self._fixed_root = fixed_root
        self._by_directory: dict[str, ProjectRoot] = {}
        self._by_root: dict[Path, Settings] = {}
        self._never_roots = _never_roots()
        self._marker_roots: dict[str, str | None] = {}

    @classmethod
    def single(cls, settings: Settings) -> SettingsResolver:
        """Everything is one project rooted at ``settings.root`` (the Python API)."""
        return cls(fixed=settings, fixed_root=True)

    def for_path(self, path: Path) -> ProjectRoot:
        absolute = os.path.abspath(path)
        return self._for_directory(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))

    def for_file(self, path: Path | str) -> ProjectRoot:
        """``for_path`` of a path known to be a file (one found by discovery, one linted):
        no stat of it."""
        return self._for_directory(os.path.dirname(os.path.abspath(path)))

    def _for_directory(self, directory: str) -> ProjectRoot:
        found = self._by_directory.get(directory)
        if found is None:
            found = self._by_directory[directory] = self._resolve(directory)
        return found

    def _resolve(self, directory: str) -> ProjectRoot:
        if self._fixed is not None:
            root = Path(os.path.abspath(self._fixed.root)) if self._fixed_root else self._default_root(directory)
            base = self._fixed
        else:
            config = None if self._isolated else find_config_in(Path(directory))
            root = config.parent.absolute() if config is not None else self._default_root(directory)
            base = None
        settings = self._by_root.get(root)
        if settings is None:
            if base is None:
                base = self._overrides(load_settings(root, config) if config is not None else Settings(root=root))
            settings = self._by_root[root] = with_versions(base, root)
        return ProjectRoot(root, settings)

    def _default_root(self, directory: str) -> Path:
        marked = _marker_root(directory, self._never_roots, self._marker_roots)
        if marked is not None:
            return Path(marked)
        cwd = os.getcwd()
        if is_inside(directory, (cwd,)) and cwd not in self._never_roots:
            return Path(cwd)  # as Ruff: without any marker, the working directory is the project
        return Path(_top_package_parent(directory))

    def starts_project(self, directory: str) -> bool:
        """``directory`` has a configuration of its own: below it is another project."""
        if self._isolated or self._fixed is not None:
            return False
        return find_config_in(Path(directory), search_parents=False) is not None


def with_versions(settings: Settings, root: Path) -> Settings:
    """``settings`` with what the project at ``root`` uses: its dependency versions, and
    the target Python from ``requires-python`` when the configuration does not say."""
    detected = detect(root, dict(settings.versions))
    target = settings.target_version or default_target_version(detected) or DEFAULT_TARGET_VERSION
    return replace(settings, detected=detected, target_version=target)
