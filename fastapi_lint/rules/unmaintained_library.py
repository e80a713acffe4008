"""FAPI510 unmaintained-library: imports of libraries FastAPI's documentation moved away
from (the table is ``fastapi_lint/data/unmaintained.py``)."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import dotted_name
from fastapi_lint.data.unmaintained import MOVED_FROM_MODULES, MOVED_NAMES, SAME_IN, UNMAINTAINED_LIBRARIES
from fastapi_lint.fixes import Fix
from fastapi_lint.rule import Applicability, Rule, Severity

# `try: import new except ImportError: import old` is a compatibility fallback, not a choice.
_COMPAT_ERRORS = frozenset({"builtins.ImportError", "builtins.ModuleNotFoundError"})


class UnmaintainedLibrary(Rule):
    code = "FAPI510"
    name = "unmaintained-library"
    summary = "Import of a library FastAPI's docs moved away from (python-jose, passlib, aioredis, databases, gino ...)"
    severity = Severity.WARNING
    fix = Applicability.SAFE  # only the `declarative_base` import moves; swapping libraries is not a rename
    fix_requires = {"sqlalchemy": ">=1.4"}  # `sqlalchemy.orm.declarative_base` arrived in 1.4
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        facts = view.facts  # imports are all the rule reads: the file's own
        return any(target.partition(".")[0] in UNMAINTAINED_LIBRARIES for target in (*facts.imported, *facts.star_imports)) \
            or any(target.rpartition(".")[0] in MOVED_FROM_MODULES for target in facts.imported)

    def visit_Import(self, node: cst.Import) -> None:
        if self.ctx.in_handler_of(_COMPAT_ERRORS):
            return
        found = []
        for alias in node.names:
            module = dotted_name(alias.name)
            top = (module or "").partition(".")[0]
            if top in UNMAINTAINED_LIBRARIES and top not in found and not self._is_project_module(module):
                found.append(top)
        if found:
            self._report_libraries(node, found)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if self.ctx.in_handler_of(_COMPAT_ERRORS) or node.relative or node.module is None:
            return
        module = dotted_name(node.module)
        if module is None or self._is_project_module(module):
            return
        top = module.partition(".")[0]
        if top in UNMAINTAINED_LIBRARIES:
            self._report_libraries(node, [top])
        elif module in MOVED_FROM_MODULES and not isinstance(node.names, cst.ImportStar):
            self._check_moved(node, module, node.names)

    def _is_project_module(self, module: str | None) -> bool:
        """``import databases`` where the project has its own top-level ``databases`` module."""
        if module is None:
            return True
        project = self.ctx.project
        parts = module.split(".")
        return any(project.module_facts(".".join(parts[:cut])) is not None for cut in range(1, len(parts) + 1))

    def _report_libraries(self, node: cst.Import | cst.ImportFrom, tops: list[str]) -> None:
        message = "; ".join(f"`{top}`: {UNMAINTAINED_LIBRARIES[top].library} {UNMAINTAINED_LIBRARIES[top].advice}"
                            for top in tops)
        self.report(node, message)

    def _check_moved(self, node: cst.ImportFrom, module: str, names) -> None:
        moved = [a for a in names if (module, dotted_name(a.name)) in MOVED_NAMES]
        if not moved:
            return
        targets = set()
        for alias in names:
            key = (module, dotted_name(alias.name))
            targets.add(MOVED_NAMES[key][0] if key in MOVED_NAMES else SAME_IN.get(key))
        fix = None
        if len(targets) == 1 and None not in targets:
            # every imported name moved to the same module: only the module changes
            target = targets.pop()
            fix = Fix.replace(node.module, _dotted(target))
        name = dotted_name(moved[0].name)
        new_module, advice = MOVED_NAMES[(module, name)]
        self.report(node, f"`{module}.{name}` {advice}", fix=fix)


def _dotted(name: str) -> cst.Name | cst.Attribute:
    head, *rest = name.split(".")
    node: cst.Name | cst.Attribute = cst.Name(head)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node
