"""Qualified names as plain strings, without libcst: the one spelling of a name
(``canonical``), how successor packages spell it, the module name of a file, and what a
relative import names. The facts pass, the project, discovery and the cache use these
(a cached run imports no libcst); the helpers that read libcst nodes are in ``names.py``.
"""

from __future__ import annotations

import os
from functools import lru_cache

from fastapi_lint.data.fastapi_names import CANONICAL, MODULE_ALIASES

_ALIASED = tuple(MODULE_ALIASES)


def canonical(qualname: str) -> str:
    """Map re-exports to one spelling (``fastapi.applications.FastAPI`` -> ``fastapi.FastAPI``),
    and a successor package's names to the original's (``httpx2.Client`` -> ``httpx.Client``)."""
    if qualname.startswith(_ALIASED):
        head, dot, rest = qualname.partition(".")
        original = MODULE_ALIASES.get(head)
        if original is not None:
            qualname = original + dot + rest
    return CANONICAL.get(qualname, qualname)


def package_aliases(package: str) -> tuple[str, ...]:
    """``package`` and how its successors spell it (``httpx`` -> ``httpx``, ``httpx2``)."""
    return (package, *(alias + package[len(original):] for alias, original in MODULE_ALIASES.items()
                       if package == original or package.startswith(original + ".")))


def imported_package(imported, package: str) -> str:
    """How a file whose import targets are ``imported`` spells ``package``: the original when it
    imports it, else a successor it imports (``httpx2``), else the original."""
    spellings = package_aliases(package)
    for spelled in spellings:
        if any(target == spelled or target.startswith(spelled + ".") for target in imported):
            return spelled
    return package


def as_imported(text: str, imported) -> str:
    """A message naming ``httpx.…`` as a file that imports the successor (``httpx2``) instead
    spells it (names read through :func:`canonical` lose the successor's spelling)."""
    for alias, original in MODULE_ALIASES.items():
        if f"{original}." in text and imported_package(imported, original) == alias:
            text = text.replace(f"{original}.", f"{alias}.")
    return text


def module_name_for(path: str | os.PathLike) -> tuple[str, bool]:
    """The dotted module name of a file, from the ``__init__.py`` files above it.

    Returns ``(name, is_package)``; ``is_package`` is true for ``__init__.py``.
    """
    absolute = os.path.abspath(path)
    directory, name = os.path.split(absolute)
    is_package = name in ("__init__.py", "__init__.pyi")
    packages = packages_above(directory)
    parts = [*packages] if is_package else [*packages, os.path.splitext(name)[0]]
    if not parts:
        parts = [os.path.basename(directory) or "__main__"]
    return ".".join(parts), is_package


def forget_packages() -> None:
    """Drop what ``packages_above`` learnt (a new run may see new ``__init__.py`` files)."""
    packages_above.cache_clear()


@lru_cache(maxsize=16384)
def packages_above(directory: str) -> tuple[str, ...]:
    """Names of ``directory`` and the directories above it while each is a package (outermost first)."""
    if not (os.path.exists(os.path.join(directory, "__init__.py"))
            or os.path.exists(os.path.join(directory, "__init__.pyi"))):
        return ()
    parent = os.path.dirname(directory)
    if parent == directory:
        return (os.path.basename(directory),)
    return (*packages_above(parent), os.path.basename(directory))


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """Absolute module for ``from <level dots><target> import ...`` inside ``module``."""
    if level == 0:
        return target or ""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    if target:
        parts.append(target)
    return ".".join(parts)
