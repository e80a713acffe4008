"""The import rule of ARCHITECTURE.md, enforced: rules only detect.

- ``fastapi_lint/rules/`` holds the registry and rule modules, nothing else; each rule
  module is named after its rule (``FAPI101 blocking-call-in-async`` lives in
  ``blocking_call_in_async.py``).
- A rule module imports the rule API (``fastapi_lint.rule``), the analysis layer
  (``fastapi_lint.analysis``), the tables (``fastapi_lint.data``) and the fix helpers
  (``fastapi_lint.fixes``) — from the project, nothing else — and never walks the
  project's modules itself (``.modules``): it asks the analysis layer.
- The analysis layer never imports a rule, the engine or anything above it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fastapi_lint.rules import ALL_RULES

from conftest import ROOT

PACKAGE = ROOT / "fastapi_lint"
RULE_IMPORTS = ("fastapi_lint.rule", "fastapi_lint.analysis", "fastapi_lint.data", "fastapi_lint.fixes")
# What the analysis layer stands on: its own modules, the tables, the project store (which
# records reads), the rule API (rule bases that collect nodes), the fix helpers, the
# signal mask (the parser's thread start).
ANALYSIS_IMPORTS = ("fastapi_lint.analysis", "fastapi_lint.data", "fastapi_lint.project",
                    "fastapi_lint.rule", "fastapi_lint.fixes", "fastapi_lint.diagnostics",
                    "fastapi_lint.signal_mask")


def _project_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "fastapi_lint":
                found += [f"fastapi_lint.{alias.name}" for alias in node.names]
            elif node.module.startswith("fastapi_lint."):
                found.append(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.append("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("fastapi_lint")]
    return found


def _within(module: str, allowed: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in allowed)


def rule_modules() -> list[Path]:
    return sorted(p for p in (PACKAGE / "rules").glob("*.py") if p.name != "__init__.py")


def test_rules_package_holds_only_rule_modules_named_after_their_rule():
    by_module: dict[str, list[str]] = {}
    for rule in ALL_RULES.values():
        by_module.setdefault(rule.__module__.rsplit(".", 1)[-1], []).append(rule.name)
    problems = []
    for path in rule_modules():
        names = by_module.get(path.stem)
        if not names:
            problems.append(f"{path.name}: not a rule module (helpers belong in fastapi_lint/analysis/)")
        elif len(names) > 1:
            problems.append(f"{path.name}: {len(names)} rules; one module per rule")
        elif path.stem != names[0].replace("-", "_"):
            problems.append(f"{path.name}: holds {names[0]}; name it {names[0].replace('-', '_')}.py")
    assert problems == []


def test_rule_modules_import_only_the_rule_api_analysis_data_and_fixes():
    problems = [
        f"{path.name} imports {module}"
        for path in rule_modules()
        for module in _project_imports(path)
        if not _within(module, RULE_IMPORTS)
    ]
    assert problems == []


def test_no_rule_walks_the_project_modules():
    problems = []
    for path in rule_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "modules":
                problems.append(f"{path.name}:{node.lineno} reads .modules; ask the analysis layer")
    assert problems == []


def test_analysis_layer_imports_nothing_above_it():
    problems = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in sorted((PACKAGE / "analysis").glob("*.py"))
        for module in _project_imports(path)
        if not _within(module, ANALYSIS_IMPORTS)
    ]
    assert problems == []


def test_architecture_doc_states_the_import_rule_this_test_enforces():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for prefix in RULE_IMPORTS:
        assert f"`{prefix}`" in text, f"ARCHITECTURE.md does not name {prefix} among what rules import"
    for path in sorted((PACKAGE / "analysis").glob("*.py")):
        if path.name != "__init__.py":
            assert f"analysis/{path.name}" in text, f"ARCHITECTURE.md does not describe analysis/{path.name}"


def test_contributing_lists_the_files_of_a_new_rule():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = re.search(r"^## Adding a rule\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert section, "CONTRIBUTING.md has no 'Adding a rule' section"
    for needle in ("fastapi_lint/rules/", "rules/FAPI", "tests/fixtures/FAPI", "could_report",
                   "python -m fastapi_lint.docs", "fastapi_lint/data/rule_catalog.py"):
        assert needle in section.group(1), f"'Adding a rule' does not mention {needle}"
