"""FAPI604 basesettings-import: ``from pydantic import BaseSettings`` (moved to
``pydantic_settings`` in Pydantic v2)."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.pydantic_v2 import V1_BASESETTINGS
from fastapi_lint.fixes import Fix, Import, annotation_fix
from fastapi_lint.analysis.names import dotted_name
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Severity
from fastapi_lint.analysis.pydantic import PydanticV1Rule


# ---------------------------------------------------------------- FAPI604


class BaseSettingsImport(PydanticV1Rule):
    code = "FAPI604"
    name = "basesettings-import"
    requires = fix_requires = {"pydantic": ">=2"}  # pydantic-settings goes with Pydantic v2
    summary = "`BaseSettings` imported from `pydantic`; it moved to `pydantic_settings` in Pydantic v2"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/settings/"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("BaseSettings")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        if dotted_name(node.module) not in ("pydantic", "pydantic.env_settings"):
            return
        if self.in_compat_branch():
            return
        for alias in node.names:
            if isinstance(alias.name, cst.Name) and alias.name.value == "BaseSettings":
                spelled = f"from {dotted_name(node.module)} import BaseSettings"
                self.report(
                    alias,
                    f"`{spelled}` is the Pydantic v1 location (an import error on v2); use "
                    f"`from pydantic_settings import BaseSettings`",
                    fix=self._import_fix(node, alias),
                )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value != "BaseSettings" or self.in_compat_branch():
            return
        if self.ctx.qualname(node) not in V1_BASESETTINGS:
            return
        fix = None
        if self.ctx.qualname(node.value) == "pydantic" and self.module_name_ok(
            "pydantic_settings", frozenset({"pydantic_settings"})
        ):
            fix = Fix.replace(
                node,
                node.with_changes(value=cst.Name("pydantic_settings")),
                imports=[Import("pydantic_settings")],
            )
        self.report(
            node,
            f"`{dotted_name(node)}` is the Pydantic v1 location (an AttributeError on v2); use "
            f"`pydantic_settings.BaseSettings`",
            fix=annotation_fix(self.ctx, fix),
        )

    def _import_fix(self, node: cst.ImportFrom, alias: cst.ImportAlias) -> Fix | None:
        line = self.ctx.current_statement
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 or line.body[0] is not node:
            return None
        new_module = cst.Name("pydantic_settings")
        names = list(node.names)
        if len(names) == 1:
            return Fix.replace(node, node.with_changes(module=new_module))
        index = names.index(alias)
        rest = names[:index] + names[index + 1:]
        comment = _comma_comment(alias.comma)
        if index == len(names) - 1:
            previous = rest[-1]
            if comment is not None or _comma_comment(previous.comma) is not None:
                if not (_comma_comment(alias.comma) or _multiline(alias.comma)) or not _multiline(previous.comma):
                    return None
                # keep the previous name's own comment, take the removed name's line break
                rest[-1] = previous.with_changes(comma=alias.comma.with_changes(
                    whitespace_after=alias.comma.whitespace_after.with_changes(
                        first_line=previous.comma.whitespace_after.first_line)))
            else:
                rest[-1] = previous.with_changes(comma=alias.comma)
        kept = line.with_changes(body=[node.with_changes(names=rest)])
        single = cst.ImportAlias(name=cst.Name("BaseSettings"), asname=alias.asname)
        moved = cst.SimpleStatementLine(
            body=[cst.ImportFrom(module=new_module, names=[single])],
            trailing_whitespace=cst.TrailingWhitespace(
                whitespace=cst.SimpleWhitespace("  " if comment else ""),
                comment=comment,
                newline=cst.Newline(),
            ),
        )
        return Fix.replace(line, cst.FlattenSentinel([kept, moved]))


# ---------------------------------------------------------------- helpers


def _comma_comment(comma) -> cst.Comment | None:
    if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        return comma.whitespace_after.first_line.comment
    return None


def _multiline(comma) -> bool:
    return isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)
