"""FAPI001 unused-noqa: the registry entry. The engine finds these itself, after it has
matched findings against ``# noqa`` comments (see fastapi_lint/unused_noqa.py), so the
rule has no visit methods and never runs in the traversal."""

from __future__ import annotations

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity


class UnusedNoqa(Rule):
    code = "FAPI001"
    name = "unused-noqa"
    summary = "`# noqa` names a FAPI code that suppresses nothing on its line, or an unknown FAPI code"
    severity = Severity.WARNING
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        # Parsed only to place the finding and its fix; the engine decides the rest.
        lowered = view.text.lower()
        return "noqa" in lowered and "fapi" in lowered
