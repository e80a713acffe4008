"""The rule registry: every rule class, by code.

Every public module of this package is a rule module (one rule or a small family), so
adding a rule is adding a module; private modules (``_name``) hold shared helpers.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi_lint.rule import Rule


def _rule_modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{__name__}.{info.name}")


def _collect() -> dict[str, type[Rule]]:
    found: dict[str, type[Rule]] = {}
    for module in _rule_modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value.__module__ == module.__name__
                and hasattr(value, "code")
            ):
                if value.code in found and found[value.code] is not value:
                    raise RuntimeError(f"duplicate rule code {value.code}")
                found[value.code] = value
    return dict(sorted(found.items()))


ALL_RULES: dict[str, type[Rule]] = _collect()
