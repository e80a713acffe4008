"""FAPI603 pydantic-v1-config: an inner ``class Config:`` instead of ``model_config =
ConfigDict(...)`` / ``SettingsConfigDict(...)``; the key renames are ``data/pydantic_v2.py``."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.pydantic_v2 import (
    CONFIG_DICT,
    CONFIG_RENAMES,
    CONFIG_SAME,
    EXTRA_ENUMS,
    EXTRA_VALUES,
    SETTINGS_CONFIG_DICT,
    SETTINGS_KEYS,
    V1_SETTINGS_NAMES,
    V2_SETTINGS_BASES,
)
from fastapi_lint.analysis.facts import Ref
from fastapi_lint.fixes import Fix, Import, statement
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Severity
from fastapi_lint.analysis.pydantic import PydanticV1Rule, literal_or_unknown


_LINE_LENGTH = 88


# ---------------------------------------------------------------- FAPI603


class PydanticV1Config(PydanticV1Rule):
    code = "FAPI603"
    name = "pydantic-v1-config"
    requires = fix_requires = {"pydantic": ">=2"}  # Pydantic v2's API
    summary = "Inner `class Config:` in a Pydantic model; use `model_config = ConfigDict(...)`"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/how-to/migrate-from-pydantic-v1-to-pydantic-v2/"
    fix = Applicability.SAFE

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return any(klass.name == "Config" for klass in view.facts.classes.values())

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        klass = self.enclosing_class()
        super().visit_ClassDef(node)
        if klass is None or node.name.value != "Config" or self.in_compat_branch():
            return
        if not self.is_model_class(klass):
            return
        model = self.class_qualname(klass)
        settings = self._derives(klass, V2_SETTINGS_BASES)
        target = "SettingsConfigDict" if settings else "ConfigDict"
        self.report(
            node.name,
            f"`class Config` in `{klass.name.value}` is the Pydantic v1 configuration; use "
            f"`model_config = {target}(...)`",
            fix=self._fix(node, klass, model, settings, target),
        )

    # ------------------------------------------------------------ fix

    def _fix(self, config: cst.ClassDef, klass: cst.ClassDef, model: str, settings: bool, target: str) -> Fix | None:
        if config.bases or config.keywords or config.decorators or config.type_parameters:
            return None
        if not settings and self._derives(klass, V1_SETTINGS_NAMES):
            return None  # v1 BaseSettings: fix the import first (FAPI604)
        if self._defines_model_config(klass):
            return None
        meanings = SETTINGS_CONFIG_DICT if settings else CONFIG_DICT
        if not self.module_name_ok(target, meanings):
            return None
        parsed = self._entries(config, settings)
        if parsed is None:
            return None
        entries, unsafe = parsed
        code = self._code(config, target, entries)
        if code is None:
            return None
        new = statement(code, self.ctx.module)
        new = new.with_changes(leading_lines=config.leading_lines)
        module = "pydantic_settings" if settings else "pydantic"
        return Fix.replace(config, new, unsafe=unsafe, imports=[Import(module, target)])

    def _derives(self, node: cst.ClassDef, targets: frozenset[str]) -> bool:
        facts = self.ctx.model.facts
        klass = facts.classes.get(self.ctx.key_of(node) or "")
        if klass is None:
            return False
        for base in klass.bases:
            if isinstance(base, Ref):
                symbol = self.ctx.project.resolve(facts, klass.scope, base.dotted)
                if symbol is not None and self.ctx.project.is_subclass(symbol.qualname, targets):
                    return True
        return False

    @staticmethod
    def _defines_model_config(klass: cst.ClassDef) -> bool:
        body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else (klass.body,)
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    targets = []
                    if isinstance(small, cst.Assign):
                        targets = [t.target for t in small.targets]
                    elif isinstance(small, cst.AnnAssign):
                        targets = [small.target]
                    if any(isinstance(t, cst.Name) and t.value == "model_config" for t in targets):
                        return True
        return False

    def _entries(self, config: cst.ClassDef, settings: bool):
        """``([(key, value code, comment lines before, trailing comment)], unsafe)`` or None."""
        module = self.ctx.module
        body = config.body
        if isinstance(body, cst.IndentedBlock):
            statements = list(body.body)
        elif body.trailing_whitespace.comment is not None:
            return None
        else:
            statements = [cst.SimpleStatementLine(body=list(body.body))]
        entries = []
        seen: set[str] = set()
        unsafe = False
        for stmt in statements:
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                return None
            small = stmt.body[0]
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            else:
                return None  # methods, docstrings, bare annotations: not a plain key
            if not isinstance(target, cst.Name):
                return None
            key = target.value
            code = module.code_for_node(value)
            if "\n" in code or "\r" in code:
                if _has_multiline_string(value, module):
                    return None  # re-indenting would change the string
                if "\r" in code and module.default_newline != "\r\n":
                    return None
            literal = literal_or_unknown(value)
            if key in CONFIG_RENAMES:
                key = CONFIG_RENAMES[key]
            elif key == "extra":
                extra = self._extra(value)
                if extra is not None:
                    code = f'"{extra}"'
            elif key == "allow_mutation":
                if literal is True:
                    key = None
                elif literal is False:
                    key, code, unsafe = "frozen", "True", True
                else:
                    return None
            elif key == "underscore_attrs_are_private":
                if literal is not True:
                    return None
                key = None  # v2 always treats _names as private attributes
            elif key in CONFIG_SAME or (settings and key in SETTINGS_KEYS):
                pass
            else:
                return None
            comments = [line.comment.value for line in stmt.leading_lines if line.comment is not None]
            trailing = stmt.trailing_whitespace.comment.value if stmt.trailing_whitespace.comment else None
            if key is None:
                if comments or trailing:
                    return None  # a comment about a dropped key would lose its subject
                continue
            if key in seen:
                return None
            seen.add(key)
            entries.append((key, code, comments, trailing))
        if isinstance(body, cst.IndentedBlock):
            footer = [line.comment.value for line in body.footer if line.comment is not None]
            if footer:
                entries.append((None, None, footer, None))
        return entries, unsafe

    def _extra(self, value: cst.BaseExpression) -> str | None:
        if isinstance(value, cst.Attribute) and value.attr.value in EXTRA_VALUES:
            if self.ctx.qualname(value.value) in EXTRA_ENUMS:
                return value.attr.value
        return None

    def _code(self, config: cst.ClassDef, target: str, entries) -> str | None:
        module = self.ctx.module
        newline = module.default_newline
        outer = "".join(self._indents)
        body = config.body
        step = body.indent if isinstance(body, cst.IndentedBlock) and body.indent is not None else module.default_indent
        header = None
        if isinstance(body, cst.IndentedBlock) and body.header.comment is not None:
            header = body.header.comment.value
        simple = not header and all(not c and not t and key and "\n" not in code and "\r" not in code
                                    for key, code, c, t in entries)
        if simple:
            line = f"model_config = {target}({', '.join(f'{k}={v}' for k, v, _, _ in entries)})"
            if len(outer) + len(line) <= _LINE_LENGTH:
                return line
        # Continuation lines inside the parentheses are written relative to the block the
        # statement lands in (libcst adds the block's indentation); a value's own lines are
        # relative to the old Config body, one `step` deeper.
        lines = [f"model_config = {target}(" + (f"  {header}" if header else "")]
        for key, code, comments, trailing in entries:
            lines.extend(f"{step}{comment}" for comment in comments)
            if key is not None:
                code = code.replace(newline, newline + step)
                lines.append(f"{step}{key}={code}," + (f"  {trailing}" if trailing else ""))
        lines.append(")")
        return newline.join(lines) + newline


def _has_multiline_string(node: cst.CSTNode, module: cst.Module) -> bool:
    found = []

    class _Strings(cst.CSTVisitor):
        def visit_SimpleString(self, string: cst.SimpleString) -> None:
            found.append(string)

        def visit_FormattedString(self, string: cst.FormattedString) -> bool:
            found.append(string)
            return False

    node.visit(_Strings())
    return any("\n" in module.code_for_node(string) for string in found)
