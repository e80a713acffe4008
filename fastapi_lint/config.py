"""``[tool.fastapi-lint]`` in ``pyproject.toml`` → validated :class:`Settings`.

Every problem (unreadable TOML, unknown key, wrong type, unknown rule code) is a
:class:`ConfigError` naming the file and key; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi_lint.data.rule_catalog import RULES
from fastapi_lint.errors import UsageError
from fastapi_lint.versions import ProjectVersions

from fastapi_lint import globs

if TYPE_CHECKING:
    from fastapi_lint.rule import Rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


DEFAULT_DOCS_URL = "https://github.com/fastapi-lint/fastapi-lint/blob/main/rules"
# The Python the linted code must run on (fixes only write syntax it supports).
DEFAULT_TARGET_VERSION = "py310"
TARGET_VERSIONS = ("py38", "py39", "py310", "py311", "py312", "py313", "py314")
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", ".tox", ".nox", "node_modules",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".fastapi_lint_cache",
    "build", "dist", "site-packages", "__pypackages__", ".eggs", "*.egg-info",
)
# Test files, where blocking calls stall no server (FAPI101, FAPI105 skip them outside the app
# code the file itself defines): pytest's file names and test folders. A glob without `/`
# matches the file name, one with `/` the path relative to the configuration's directory.
DEFAULT_TEST_PATHS = ("test_*.py", "*_test.py", "conftest.py", "**/tests/**", "**/test/**")
_LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude")
_KNOWN_KEYS = frozenset({*_LIST_KEYS, "per-file-ignores", "target-version", "docs-url", "severity", "fail-on", "versions",
                         "respect-gitignore", "extend-blocking-calls", "test-paths"})
# Severities, least severe first: `fail-on`/`--exit-non-zero-on` gates on this order.
SEVERITY_LEVELS = ("info", "warning", "error")


class ConfigError(UsageError):
    """A configuration problem the user must fix; the message says where."""


@dataclass(frozen=True)
class Settings:
    root: Path  # paths in excludes and per-file-ignores are relative to this
    config_path: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    target_version: str | None = None  # None: the floor of requires-python, else py310 (versions.py)
    docs_url: str = field(default_factory=lambda: _project_docs_url())
    allow_bare_noqa: bool = False
    respect_gitignore: bool = True  # skip what Git ignores when walking directories
    severity: tuple[tuple[str, str], ...] = ()  # (code or prefix, level) from [tool.fastapi-lint.severity]
    fail_on: str = "info"  # the least severe finding that makes the exit code 1
    versions: tuple[tuple[str, str], ...] = ()  # (package, version) from [tool.fastapi-lint.versions]
    detected: ProjectVersions = ProjectVersions()  # what the project uses (projects.py fills it in)
    extend_blocking_calls: tuple[str, ...] = ()  # qualified names FAPI101 treats as blocking too
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS  # globs of test files (see DEFAULT_TEST_PATHS)

    @property
    def excludes(self) -> tuple[str, ...]:
        return self.exclude + self.extend_exclude

    def severity_for(self, code: str) -> str | None:
        """The configured severity of ``code``: the entry with the longest matching code or
        prefix (an exact code beats its prefix; ``ALL`` matches everything); None when none."""
        best: tuple[int, str] | None = None
        for selector, level in self.severity:
            length = 0 if selector == "ALL" else len(selector) if code.startswith(selector) else -1
            if length >= 0 and (best is None or length > best[0]):
                best = (length, level)
        return best[1] if best else None

    def enabled_codes(self) -> frozenset[str]:
        return _enabled_codes(self)

    def codes_for(self, path: Path) -> tuple[str, ...]:
        """The codes of the rules enabled for one file, after per-file-ignores, sorted; from
        the rule catalog, so it imports no rule (the cache keys a stored result on it)."""
        if not self.per_file_ignores:
            return _project_codes(self)
        return _codes_for_file(self, _relative(path, self.root))

    def rules_for(self, path: Path) -> list[type[Rule]]:
        """The enabled rule classes for one file, after per-file-ignores (for linting it: this
        imports the rules)."""
        return _rule_classes(self.codes_for(path))


@lru_cache(maxsize=64)
def _enabled_codes(settings: Settings) -> frozenset[str]:
    if settings.select is None:
        chosen = {code for code, rule in RULES.items() if rule.default_enabled}
    else:
        chosen = set(expand_selectors(settings.select, "select"))
    chosen |= expand_selectors(settings.extend_select, "extend-select")
    chosen -= expand_selectors(settings.ignore, "ignore", include_opt_in=True)
    return frozenset(chosen)


def _relative(path: Path, root: Path) -> str:
    absolute, base = os.path.abspath(path), os.path.abspath(root)
    if absolute == base or absolute.startswith(base.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, base).replace(os.sep, "/")
    return absolute.replace(os.sep, "/")


@lru_cache(maxsize=64)
def _project_codes(settings: Settings) -> tuple[str, ...]:
    """The enabled codes of every file the per-file-ignores do not name, computed once."""
    return tuple(sorted(_usable_codes(settings)))


@lru_cache(maxsize=64)
def _usable_codes(settings: Settings) -> frozenset[str]:
    # A rule whose advice the project's versions cannot act on is off, unless asked for by
    # its exact code (a Pydantic v1 project opting in to v2 migration advice).
    asked = {c.strip().upper() for c in (*(settings.select or ()), *settings.extend_select)}
    return frozenset(code for code in settings.enabled_codes()
                     if code in asked or settings.detected.meets(RULES[code].requires, every=False))


@lru_cache(maxsize=65536)
def _codes_for_file(settings: Settings, relative: str) -> tuple[str, ...]:
    codes = set(_usable_codes(settings))
    name = relative.rsplit("/", 1)[-1]
    for pattern, ignored in settings.per_file_ignores:
        if globs.matches(pattern, relative) or ("/" not in pattern and globs.matches(pattern, name)):
            codes -= expand_selectors(ignored, f"per-file-ignores.{pattern}", include_opt_in=True)
    return tuple(sorted(codes))


@lru_cache(maxsize=1024)
def _rule_classes(codes: tuple[str, ...]) -> list[type[Rule]]:
    # The registry is imported here, where a file is about to be linted, and nowhere else in
    # this module: commands and cached runs that lint nothing never pay for it.
    from fastapi_lint.rules import ALL_RULES

    return [ALL_RULES[code] for code in codes]


def expand_selectors(selectors, where: str, include_opt_in: bool = False) -> set[str]:
    """Codes matched by selectors: ``ALL``, an exact code, or a prefix such as ``FAPI1``.

    Opt-in rules are only selected by their exact code (or ``ALL``) unless
    ``include_opt_in`` (used for ignores, where a prefix should switch them off too).
    """
    codes: set[str] = set()
    for selector in selectors:
        selector = selector.strip().upper()
        if selector == "ALL":
            codes |= set(RULES)
            continue
        if selector in RULES:
            codes.add(selector)
            continue
        matched = [code for code in RULES if code.startswith(selector)] if selector else []
        if not matched:
            raise ConfigError(f"unknown rule code or prefix {selector!r} in `{where}`")
        codes |= {c for c in matched if include_opt_in or RULES[c].default_enabled}
    return codes


@lru_cache(maxsize=1)
def _project_docs_url() -> str:
    """The Documentation URL from our own package metadata (pyproject's [project.urls])."""
    try:
        from importlib.metadata import metadata

        for entry in metadata("fastapi-lint").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() == "documentation":
                return url.strip()
    except Exception:  # noqa: BLE001 - not installed (running from a checkout)
        pass
    return DEFAULT_DOCS_URL


# ---------------------------------------------------------------- loading


def find_config(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.fastapi-lint]`` table, walking up."""
    return find_config_in(start)


def find_config_in(directory: Path, search_parents: bool = True) -> Path | None:
    """The ``pyproject.toml`` with a ``[tool.fastapi-lint]`` table in ``directory`` (or,
    with ``search_parents``, the nearest one above it)."""
    start = directory.absolute()
    for candidate_dir in [start, *start.parents] if search_parents else [start]:
        found = _config_in(str(candidate_dir))
        if found is not None:
            return found
    return None


def forget_configs() -> None:
    """Drop what ``find_config_in`` learnt (a new run may see edited configurations)."""
    _config_in.cache_clear()


@lru_cache(maxsize=4096)
def _config_in(directory: str) -> Path | None:
    candidate = Path(directory, "pyproject.toml")
    return candidate if candidate.is_file() and _has_table(candidate) else None


def _has_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "fastapi-lint" not in text:
        return False  # cheap: most pyproject files never mention us
    try:
        tool = tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return True  # ours to report: load_settings will name the error
    return isinstance(tool, dict) and "fastapi-lint" in tool


def load_settings(
    start: Path,
    config_file: Path | None = None,
    isolated: bool = False,
) -> Settings:
    if isolated:
        return Settings(root=Path.cwd())
    path = config_file or find_config(start)
    if path is None:
        return Settings(root=Path.cwd())
    table = _read_table(path, explicit=config_file is not None)
    return settings_from_table(table, path)


def read_table(path: Path) -> dict:
    """The ``[tool.fastapi-lint]`` table of a configuration file (``--show-settings``)."""
    return _read_table(path, explicit=True)


def _read_table(path: Path, explicit: bool) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    tool = data.get("tool", {})
    if isinstance(tool, dict) and "fastapi-lint" in tool:
        table = tool["fastapi-lint"]
    elif explicit and path.name != "pyproject.toml":
        table = data  # a standalone fastapi-lint.toml
    else:
        table = {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.fastapi-lint] must be a table")
    return table


def settings_from_table(table: dict, path: Path) -> Settings:
    where = f"{path} [tool.fastapi-lint]"
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; known keys are "
            f"{', '.join(sorted(_KNOWN_KEYS))}"
        )
    values: dict = {}
    for key in _LIST_KEYS:
        if key in table:
            values[key.replace("-", "_")] = _string_list(table[key], f"{where} `{key}`")
    if "per-file-ignores" in table:
        raw = table["per-file-ignores"]
        if not isinstance(raw, dict):
            raise ConfigError(f"{where} `per-file-ignores` must be a table of glob = [codes]")
        values["per_file_ignores"] = tuple(
            (
                _file_glob(pattern, f"{where} `per-file-ignores`"),
                _string_list(codes, f"{where} `per-file-ignores.{pattern}`"),
            )
            for pattern, codes in raw.items()
        )
    if "target-version" in table:
        version = table["target-version"]
        if version not in TARGET_VERSIONS:
            raise ConfigError(f"{where} `target-version` must be one of {', '.join(TARGET_VERSIONS)}, got {version!r}")
        values["target_version"] = version
    if "docs-url" in table:
        url = table["docs-url"]
        if not isinstance(url, str) or not url:
            raise ConfigError(f"{where} `docs-url` must be a non-empty string")
        values["docs_url"] = check_docs_url(url, f"{where} `docs-url`")
    if "versions" in table:
        values["versions"] = _configured_versions(table["versions"], f"{where} `versions`")
    if "severity" in table:
        values["severity"] = _severities(table["severity"], f"{where} `severity`")
    if "fail-on" in table:
        values["fail_on"] = check_level(table["fail-on"], f"{where} `fail-on`")
    if "extend-blocking-calls" in table:
        values["extend_blocking_calls"] = _qualified_names(table["extend-blocking-calls"], f"{where} `extend-blocking-calls`")
    if "test-paths" in table:
        values["test_paths"] = tuple(_file_glob(glob, f"{where} `test-paths`")
                                     for glob in _string_list(table["test-paths"], f"{where} `test-paths`"))
    if "respect-gitignore" in table:
        if not isinstance(table["respect-gitignore"], bool):
            raise ConfigError(f"{where} `respect-gitignore` must be true or false")
        values["respect_gitignore"] = table["respect-gitignore"]
    _check_conflicts(values, where)
    settings = Settings(root=path.parent, config_path=path, **values)
    validate(settings, where)
    return settings


DOCS_URL_PLACEHOLDER = "{code}"


def check_docs_url(url: str, where: str) -> str:
    """``url`` if its only brace is the literal ``{code}`` placeholder, else ConfigError.

    The URL is a template substituted with ``str.replace`` (never ``str.format``: a
    hostile project's ``{code.__class__}`` or ``{code:>400000000}`` must not run), so any
    other brace is a mistake worth reporting rather than a character to pass through."""
    rest = url.replace(DOCS_URL_PLACEHOLDER, "")
    if "{" in rest or "}" in rest:
        raise ConfigError(
            f"{where}: {url!r} has braces other than the `{DOCS_URL_PLACEHOLDER}` placeholder "
            f"(the only one supported: it becomes the rule code, e.g. FAPI101)"
        )
    return url


def check_level(level, where: str) -> str:
    if level not in SEVERITY_LEVELS:
        raise ConfigError(f"{where} must be one of {', '.join(map(repr, SEVERITY_LEVELS))}, got {level!r}")
    return level


def _severities(raw, where: str) -> tuple[tuple[str, str], ...]:
    """``FAPI201 = "info"``, ``FAPI4 = "error"``: rule codes or prefixes, each to a level."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table of code = \"error\" | \"warning\" | \"info\"")
    found = []
    for selector, level in raw.items():
        try:
            expand_selectors([selector], "severity", include_opt_in=True)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        found.append((selector.strip().upper(), check_level(level, f"{where} `{selector}`")))
    return tuple(found)


def _check_conflicts(values: dict, where: str) -> None:
    """A code both selected and ignored by the same file is a mistake: say which keys."""
    ignored = {code.strip().upper() for code in values.get("ignore", ())}
    for key in ("select", "extend_select"):
        both = [code for code in values.get(key, ()) if code.strip().upper() in ignored]
        if both:
            raise ConfigError(
                f"{where}: {', '.join(map(repr, both))} is in both `{key.replace('_', '-')}` and `ignore`; "
                f"keep it in one (to ignore part of a selected prefix, select the prefix and ignore the code)"
            )


def _file_glob(pattern: str, where: str) -> str:
    """A per-file-ignores glob as it is matched: relative to the config's directory, with
    ``/``. A leading ``./`` is dropped; a glob that could never match is an error."""
    glob = pattern[2:] if pattern.startswith("./") else pattern
    if not glob.strip():
        raise ConfigError(f"{where}: an empty glob matches no file")
    if "\\" in glob:
        raise ConfigError(f"{where}: glob {pattern!r} uses `\\`; separate directories with `/`")
    if glob.split("/")[0] == "..":
        raise ConfigError(
            f"{where}: glob {pattern!r} can never match: globs are relative to the directory of the config "
            f"file and files outside it are matched by their absolute path"
        )
    return glob


def _configured_versions(value, where: str) -> tuple[tuple[str, str], ...]:
    from fastapi_lint.versions import TRACKED, parse_version

    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of package = \"version\"")
    for package, version in value.items():
        if package.lower() not in TRACKED:
            raise ConfigError(f"{where}: unknown package {package!r}; known: {', '.join(TRACKED)}")
        if not isinstance(version, str) or parse_version(version.lstrip("<>=~^!")) is None:
            raise ConfigError(f"{where}.{package} must be a version such as \"1.10\" or a range such as \">=2,<3\"")
    return tuple(sorted((package.lower(), version) for package, version in value.items()))


def _qualified_names(value, where: str) -> tuple[str, ...]:
    """Dotted names of functions or methods (``mylib.slow``, ``mylib.Client.fetch``): a module
    and a name at least, each part an identifier."""
    names = _string_list(value, where)
    for name in names:
        parts = name.split(".")
        if len(parts) < 2 or not all(part.isidentifier() for part in parts):
            raise ConfigError(
                f"{where}: {name!r} is not a qualified name; give the module and the function "
                f"(\"mylib.slow\") or the class and the method (\"mylib.Client.fetch\")"
            )
    return tuple(dict.fromkeys(names))


def _string_list(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings, got {type(value).__name__} {value!r}")
    return tuple(value)


def validate(settings: Settings, where: str) -> None:
    """Raise ConfigError for unknown codes anywhere in the selection."""
    try:
        settings.enabled_codes()
        for pattern, codes in settings.per_file_ignores:
            expand_selectors(codes, f"per-file-ignores.{pattern}", include_opt_in=True)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def with_overrides(settings: Settings, **overrides) -> Settings:
    """CLI flags override the file; ``None`` means "not given"."""
    given = {k: v for k, v in overrides.items() if v is not None}
    if "docs_url" in given:
        check_docs_url(given["docs_url"], "command line `--docs-url`")
    updated = replace(settings, **given)
    validate(updated, "command line")
    return updated
