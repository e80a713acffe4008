"""Git's ignore rules, respected while walking directories (``respect-gitignore``).

As Git applies them inside a repository: ``.gitignore`` files of every directory from the
repository's root down (a deeper file overrides a shallower one, a later pattern an
earlier one, ``!pattern`` re-includes), ``.git/info/exclude``, and the user's global
excludes file. Outside a Git repository nothing is ignored. The files come from the
linted tree, so only regular files are read, and patterns run on RE2 (linear time).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pathspec

_MAX_IGNORE_FILE_BYTES = 1 << 20


def _read_patterns(path: str) -> list[str] | None:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            data = handle.read(_MAX_IGNORE_FILE_BYTES)
    except OSError:
        return None
    return data.decode("utf-8", "replace").splitlines()


def _spec(path: str) -> pathspec.GitIgnoreSpec | None:
    lines = _read_patterns(path)
    if not lines:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines, backend="re2")


def repository_root(directory: str) -> str | None:
    """The nearest directory at or above ``directory`` holding ``.git``."""
    current = os.path.abspath(directory)
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _global_excludes_file() -> str | None:
    """Git's ``core.excludesFile`` from the user's ``~/.gitconfig`` when set plainly, else
    its default, ``$XDG_CONFIG_HOME/git/ignore``."""
    home = Path.home()
    for config in (home / ".gitconfig", Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "git" / "config"):
        lines = _read_patterns(str(config)) or []
        for line in lines:
            key, _, value = line.strip().partition("=")
            if key.strip().lower() == "excludesfile" and value.strip():
                return os.path.expanduser(value.strip().strip('"'))
    return str(Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "git" / "ignore")


@dataclass(frozen=True)
class Ignores:
    """The ignore rules in force in one directory: (base directory, spec) pairs, from the
    weakest to the strongest."""

    specs: tuple[tuple[str, pathspec.GitIgnoreSpec], ...] = ()

    @classmethod
    def above(cls, directory: str) -> Ignores | None:
        """The rules for walking ``directory`` (None: not inside a Git repository):
        everything from the repository's root down to it, its own ``.gitignore`` included."""
        directory = os.path.abspath(directory)
        root = repository_root(directory)
        if root is None:
            return None
        specs = []
        for base, path in ((root, _global_excludes_file()), (root, os.path.join(root, ".git", "info", "exclude"))):
            spec = _spec(path) if path else None
            if spec is not None:
                specs.append((base, spec))
        ignores = cls(tuple(specs))
        relative = os.path.relpath(directory, root)
        current = root
        ignores = ignores.entering(current)
        if relative != ".":
            for part in relative.split(os.sep):
                current = os.path.join(current, part)
                ignores = ignores.entering(current)
        return ignores

    def entering(self, directory: str) -> Ignores:
        """The rules below ``directory``: these plus its own ``.gitignore``."""
        spec = _spec(os.path.join(directory, ".gitignore"))
        return self if spec is None else Ignores((*self.specs, (directory, spec)))

    def ignored(self, path: str, is_dir: bool) -> bool:
        decision = False
        for base, spec in self.specs:
            relative = os.path.relpath(path, base).replace(os.sep, "/")
            if relative.startswith("../"):
                continue
            candidate = relative + "/" if is_dir else relative
            try:
                result = spec.check_file(candidate)
            except UnicodeEncodeError:  # an undecodable file name: RE2 wants UTF-8
                result = spec.check_file(candidate.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
            if result.include is not None:
                decision = result.include
        return decision
