"""The rule registry: every rule class, by code."""

from __future__ import annotations

from fastapi_lint.rule import Rule
from fastapi_lint.rules import blocking, cors, lifecycle, response_model

_MODULES = (blocking, response_model, cors, lifecycle)


def _collect() -> dict[str, type[Rule]]:
    found: dict[str, type[Rule]] = {}
    for module in _MODULES:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and hasattr(value, "code"):
                if value.code in found and found[value.code] is not value:
                    raise RuntimeError(f"duplicate rule code {value.code}")
                found[value.code] = value
    return dict(sorted(found.items()))


ALL_RULES: dict[str, type[Rule]] = _collect()
