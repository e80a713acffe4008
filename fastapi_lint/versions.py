"""The versions of FastAPI and its companions a project uses, read from its files.

Findings and fixes must be right for those versions: no ``Annotated`` fix for a project
pinned below FastAPI 0.95, no Pydantic v2 advice for a Pydantic v1 project. Sources, the
most precise first:

1. ``[tool.fastapi-lint.versions]`` in the configuration (``pydantic = "1.10"``);
2. lock files (``uv.lock``, ``poetry.lock``, ``pdm.lock``, ``Pipfile.lock``): the exact
   version;
3. ``pyproject.toml`` (PEP 621 dependencies and optional dependencies, PEP 735 dependency
   groups, Poetry, PDM and uv tables) and ``requirements*.txt``/``constraints*.txt``: the
   range the specifiers allow.

Each package gets a :class:`VersionRange`; a package found nowhere is "current" (the
newest release: what the rules assume by default). ``requires-python``'s lower bound is
the default ``target-version``, as in Ruff. Nothing here runs code: TOML and text only.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

# Starlette versions and the first FastAPI release that allows them (FastAPI pins Starlette):
# a project that names only FastAPI gets its Starlette from this.
_STARLETTE_FROM_FASTAPI = (((0, 48), (0, 118)),)

TRACKED = ("fastapi", "starlette", "pydantic", "pydantic-settings", "httpx", "sqlalchemy")
_MAX_FILE_BYTES = 8 << 20
_LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")
_SPECIFIER = re.compile(r"(===|==|~=|!=|<=|>=|<|>|\^|~)?\s*v?([0-9]+(?:\.[0-9]+)*)(\.\*)?")

Version = tuple[int, ...]


def parse_version(text: str) -> Version | None:
    match = re.match(r"v?([0-9]+(?:\.[0-9]+)*)", text.strip())
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def format_version(version: Version) -> str:
    return ".".join(map(str, version))


@dataclass(frozen=True)
class VersionRange:
    """The versions a project allows: ``low <= v`` (None: no floor), ``v < high`` (None:
    no ceiling; ``high_inclusive`` for ``<=``); ``source`` says where it was read."""

    low: Version | None = None
    high: Version | None = None
    high_inclusive: bool = False
    source: str = ""

    @property
    def exact(self) -> bool:
        return self.low is not None and self.low == self.high and self.high_inclusive

    def may_be_below(self, version: Version) -> bool:
        """Some allowed version is older than ``version`` (a fix that needs ``version``
        is not safe). Without a floor, the project is taken to be current."""
        return (self.low is not None and _cmp(self.low, version) < 0) or self.all_below(version)

    def all_below(self, version: Version) -> bool:
        """Every allowed version is older than ``version`` (advice for ``version`` and
        newer does not apply)."""
        if self.high is None:
            return False
        order = _cmp(self.high, version)
        return order < 0 or (order == 0 and not self.high_inclusive)

    def describe(self) -> str:
        if self.exact:
            return f"{format_version(self.low)} ({self.source})"
        parts = []
        if self.low is not None:
            parts.append(f">={format_version(self.low)}")
        if self.high is not None:
            parts.append(("<=" if self.high_inclusive else "<") + format_version(self.high))
        return f"{','.join(parts) or 'any'} ({self.source})"


def _cmp(a: Version, b: Version) -> int:
    width = max(len(a), len(b))
    a, b = a + (0,) * (width - len(a)), b + (0,) * (width - len(b))
    return (a > b) - (a < b)


def range_of(specifier: str, source: str) -> VersionRange | None:
    """The range a PEP 440 or Poetry specifier allows (``>=0.95,<1``, ``^0.79``, ``~=2.5``,
    ``==1.10.*``, ``1.10.2``); None when it says nothing about the version."""
    low: Version | None = None
    high: Version | None = None
    inclusive = False
    found = False
    for part in re.split(r"[,;]|\|\|", specifier):
        match = _SPECIFIER.fullmatch(part.strip())
        if not match:
            continue
        found = True
        operator, number, star = match.group(1) or "==", match.group(2), match.group(3)
        version = tuple(int(p) for p in number.split("."))
        candidates_low: Version | None = None
        candidates_high: tuple[Version, bool] | None = None
        if operator in ("==", "===") and star:
            candidates_low, candidates_high = version, (_bump(version, len(version) - 1), False)
        elif operator in ("==", "==="):
            candidates_low, candidates_high = version, (version, True)
        elif operator in (">=", ">"):
            candidates_low = version
        elif operator in ("<", "<="):
            candidates_high = (version, operator == "<=")
        elif operator == "~=":
            candidates_low, candidates_high = version, (_bump(version, max(len(version) - 2, 0)), False)
        elif operator == "^":
            first = next((i for i, p in enumerate(version) if p != 0), len(version) - 1)
            candidates_low, candidates_high = version, (_bump(version, first), False)
        elif operator == "~":
            candidates_low, candidates_high = version, (_bump(version, 1 if len(version) > 1 else 0), False)
        if candidates_low is not None and (low is None or _cmp(candidates_low, low) > 0):
            low = candidates_low
        if candidates_high is not None and (high is None or _cmp(candidates_high[0], high) < 0):
            high, inclusive = candidates_high
    return VersionRange(low, high, inclusive, source) if found else None


def _bump(version: Version, index: int) -> Version:
    return (*version[:index], version[index] + 1)


def exact(version: str, source: str) -> VersionRange | None:
    parsed = parse_version(version)
    return VersionRange(parsed, parsed, True, source) if parsed else None


@dataclass(frozen=True)
class ProjectVersions:
    """What a project uses: a range per tracked package found, and the Python floor."""

    packages: tuple[tuple[str, VersionRange], ...] = ()  # sorted by name; a tuple, so settings stay hashable
    python: VersionRange | None = None

    def get(self, package: str) -> VersionRange:
        wanted = _normal(package)
        return next((found for name, found in self.packages if name == wanted), VersionRange(source="not found: current"))

    def older_than(self, package: str, version: Version) -> bool:
        """Every version the project allows predates ``version`` (advice for it does not
        apply). Starlette, when not found, follows from FastAPI, which pins it."""
        found = self.get(package)
        if found.source.startswith("not found") and _normal(package) == "starlette":
            floor = next((fastapi for starlette, fastapi in _STARLETTE_FROM_FASTAPI if _cmp(version, starlette) == 0), None)
            return floor is not None and self.get("fastapi").all_below(floor)
        return found.all_below(version)

    def may_be_older_than(self, package: str, version: Version) -> bool:
        """Some version the project allows predates ``version`` (a fix that needs it is not safe)."""
        found = self.get(package)
        if found.source.startswith("not found") and _normal(package) == "starlette":
            floor = next((fastapi for starlette, fastapi in _STARLETTE_FROM_FASTAPI if _cmp(version, starlette) == 0), None)
            return floor is not None and self.get("fastapi").may_be_below(floor)
        return found.may_be_below(version)

    def meets(self, requires: dict[str, str], *, every: bool) -> bool:
        """``requires`` ({package: ">=X"}) holds for every allowed version (``every``: what a
        fix needs) or for some (what advice needs)."""
        for package, floor in requires.items():
            version = parse_version(floor.lstrip(">="))
            if version is None:
                continue
            if (self.may_be_older_than if every else self.older_than)(package, version):
                return False
        return True

    def key(self) -> tuple:
        """What the cache keys results on."""
        return tuple((name, r.low, r.high, r.high_inclusive) for name, r in self.packages) + (
            (self.python.low if self.python else None),)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# ---------------------------------------------------------------- reading files


def _read_text(path: Path) -> str | None:
    """A regular file of the tree, bounded in size (never a FIFO or device)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            return handle.read(_MAX_FILE_BYTES).decode("utf-8", "replace")
    except OSError:
        return None


def _toml(path: Path) -> dict:
    text = _read_text(path)
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return {}


_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")


def _requirement(line: str) -> tuple[str, str] | None:
    """(name, specifier) of a PEP 508 requirement line; markers and comments dropped."""
    line = line.split("#", 1)[0].split(";", 1)[0].strip()
    if not line or line.startswith(("-", "git+", "http:", "https:", ".", "/")):
        return None
    match = _REQUIREMENT.match(line)
    return (_normal(match.group(1)), match.group(2).strip()) if match else None


def _from_requirement_lines(lines, source: str, found: dict[str, VersionRange]) -> None:
    for line in lines:
        parsed = _requirement(line) if isinstance(line, str) else None
        if parsed and parsed[0] in TRACKED and parsed[0] not in found:
            allowed = range_of(parsed[1], source)
            if allowed is not None:
                found[parsed[0]] = allowed


def _from_poetry_table(table: object, source: str, found: dict[str, VersionRange]) -> None:
    if not isinstance(table, dict):
        return
    for name, value in table.items():
        key = _normal(str(name))
        spec = value.get("version") if isinstance(value, dict) else value
        if key in TRACKED and key not in found and isinstance(spec, str):
            allowed = range_of(spec, source)
            if allowed is not None:
                found[key] = allowed


def _from_pyproject(data: dict, source: str, found: dict[str, VersionRange]) -> None:
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    lines: list = list(project.get("dependencies") or []) if isinstance(project.get("dependencies"), list) else []
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        for group in optional.values():
            if isinstance(group, list):
                lines += group
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for group in groups.values():
            if isinstance(group, list):
                lines += [item for item in group if isinstance(item, str)]
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    for table in (tool.get("uv"), tool.get("pdm")):
        if isinstance(table, dict):
            for key in ("dev-dependencies",):
                value = table.get(key)
                if isinstance(value, list):
                    lines += value
                elif isinstance(value, dict):
                    for group in value.values():
                        if isinstance(group, list):
                            lines += group
    _from_requirement_lines(lines, source, found)
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    _from_poetry_table(poetry.get("dependencies"), source, found)
    _from_poetry_table(poetry.get("dev-dependencies"), source, found)
    poetry_groups = poetry.get("group")
    if isinstance(poetry_groups, dict):
        for group in poetry_groups.values():
            if isinstance(group, dict):
                _from_poetry_table(group.get("dependencies"), source, found)


def _from_locks(root: Path, found: dict[str, VersionRange]) -> None:
    for name in _LOCK_FILES:
        path = root / name
        if name == "Pipfile.lock":
            text = _read_text(path)
            try:
                data = json.loads(text) if text else {}
            except ValueError:
                data = {}
            packages = {}
            for section in ("default", "develop"):
                value = data.get(section) if isinstance(data, dict) else None
                if isinstance(value, dict):
                    packages.update({k: v.get("version", "") for k, v in value.items() if isinstance(v, dict)})
            entries = [(k, str(v).lstrip("=")) for k, v in packages.items()]
        else:
            data = _toml(path)
            entries = [(p.get("name"), p.get("version")) for p in data.get("package", []) if isinstance(p, dict)] \
                if isinstance(data.get("package"), list) else []
        for package, version in entries:
            if isinstance(package, str) and isinstance(version, str):
                key = _normal(package)
                if key in TRACKED and key not in found:
                    locked = exact(version, name)
                    if locked is not None:
                        found[key] = locked


def detect(root: Path, configured: dict[str, str] | None = None) -> ProjectVersions:
    """The versions the project at ``root`` uses (see the module's docstring)."""
    found: dict[str, VersionRange] = {}
    for name, value in (configured or {}).items():
        allowed = range_of(value, "[tool.fastapi-lint.versions]") if any(c in value for c in "<>=~^,") \
            else _configured_version(value)
        if allowed is not None:
            found[_normal(name)] = allowed
    _from_locks(root, found)
    pyproject = _toml(root / "pyproject.toml")
    _from_pyproject(pyproject, "pyproject.toml", found)
    try:
        names = sorted(os.listdir(root))
    except OSError:
        names = []
    for name in names:
        if re.fullmatch(r"(requirements|constraints)[\w.-]*\.(txt|in)", name):
            text = _read_text(root / name)
            if text is not None:
                _from_requirement_lines(text.splitlines(), name, found)
    python = None
    project = pyproject.get("project") if isinstance(pyproject.get("project"), dict) else {}
    if isinstance(project.get("requires-python"), str):
        python = range_of(project["requires-python"], "requires-python")
    return ProjectVersions(tuple(sorted(found.items())), python)


def _configured_version(value: str) -> VersionRange | None:
    """``pydantic = "1.10"`` means the 1.10 series; ``"1.10.2"`` that release."""
    parsed = parse_version(value)
    if parsed is None:
        return None
    if len(parsed) >= 3:
        return VersionRange(parsed, parsed, True, "[tool.fastapi-lint.versions]")
    return VersionRange(parsed, _bump(parsed, len(parsed) - 1), False, "[tool.fastapi-lint.versions]")


def default_target_version(versions: ProjectVersions) -> str | None:
    """``requires-python``'s floor as a target-version (``>=3.9`` -> ``py39``)."""
    if versions.python is None or versions.python.low is None:
        return None
    major, minor = (versions.python.low + (0, 0))[:2]
    return f"py{major}{minor}" if major == 3 else None
