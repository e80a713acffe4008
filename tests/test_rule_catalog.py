"""The rule catalog (``fastapi_lint/data/rule_catalog.py``) is generated from the registry:
commands that need only rule metadata read it instead of importing every rule and libcst."""

from __future__ import annotations

import subprocess
import sys

from fastapi_lint.data.rule_catalog import RULES
from fastapi_lint.docs import CATALOG_PATH, rule_catalog_source
from fastapi_lint.rules import ALL_RULES

from conftest import ROOT


def test_catalog_matches_registry() -> None:
    assert CATALOG_PATH.read_text(encoding="utf-8") == rule_catalog_source(), (
        "fastapi_lint/data/rule_catalog.py is stale: run `python -m fastapi_lint.docs`")


def test_catalog_holds_each_rules_metadata() -> None:
    assert list(RULES) == list(ALL_RULES)
    for code, rule in ALL_RULES.items():
        info = RULES[code]
        assert (info.code, info.name, info.summary, info.severity, info.default_enabled, info.fix, info.requires) == (
            rule.code, rule.name, rule.summary, rule.severity.value, rule.default_enabled,
            rule.fix.value if rule.fix else None, rule.requires)


def test_catalog_imports_neither_libcst_nor_a_rule() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, fastapi_lint.data.rule_catalog; "
         "print(sorted(m for m in sys.modules if m == 'libcst' or m.startswith('fastapi_lint.rule')))"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
