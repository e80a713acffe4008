"""FAPI507 deprecated-fastapi-api: deprecated FastAPI / Starlette APIs (the table is
``fastapi_lint/data/deprecations.py``)."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.deprecations import (
    DEPRECATED_KEYWORDS,
    DEPRECATED_NAME_TAILS,
    DEPRECATED_NAMES,
    GENERATOR_LIFESPAN_ADVICE,
    KeywordRow,
    NameRow,
)
from fastapi_lint.data.fastapi_names import APP_CLASSES, ROUTER_CLASSES
from fastapi_lint.fixes import Fix, annotation_fix, expression, name_fix
from fastapi_lint.analysis.names import call_keyword, dotted_name
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity

_KEYWORDS = frozenset(k for table in DEPRECATED_KEYWORDS.values() for k in table)
# `try: new_name except AttributeError: old_name` is a compatibility fallback, not a use.
_COMPAT_ERRORS = frozenset({"builtins.AttributeError", "builtins.ImportError", "builtins.ModuleNotFoundError"})


class DeprecatedFastAPIAPI(Rule):
    code = "FAPI507"
    name = "deprecated-fastapi-api"
    summary = "Deprecated FastAPI/Starlette API (`regex=`, `example=`, `ORJSONResponse`, old status names ...)"
    severity = Severity.WARNING
    fix = Applicability.SAFE  # `regex=` -> `pattern=` on FastAPI's parameters; the other renames are unsafe
    fastapi_docs = "https://fastapi.tiangolo.com/release-notes/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.keyword_argument(*_KEYWORDS, "lifespan") or view.mentions_word(*DEPRECATED_NAME_TAILS)

    def __init__(self, ctx):
        super().__init__(ctx)
        self._skip: set[int] = set()  # Name nodes that are not references (attr, keyword, def names)
        self._in_import = 0

    # ------------------------------------------------------------ deprecated keywords, lifespans

    def visit_Call(self, node: cst.Call) -> None:
        keywords = [a for a in node.args if a.keyword is not None and a.keyword.value in _KEYWORDS]
        if keywords:
            qualname = self.ctx.qualname(node.func)
            table = DEPRECATED_KEYWORDS.get(qualname or "", {})
            for arg in keywords:
                row = table.get(arg.keyword.value)
                if row is None or _empty(arg.value):
                    continue
                spelled = dotted_name(node.func) or qualname
                self.report(arg, f"`{spelled}({arg.keyword.value}=...)` {row.text}",
                            fix=annotation_fix(self.ctx, _keyword_fix(node, arg, row)))
        lifespan = call_keyword(node, "lifespan")
        if lifespan is not None:
            self._check_lifespan(node, lifespan)

    def _check_lifespan(self, call: cst.Call, arg: cst.Arg) -> None:
        symbol = self.ctx.resolve(arg.value)
        if symbol is None or symbol.project_ref is None:
            return
        module, key = symbol.project_ref
        function = self.ctx.project.module_facts(module).functions.get(key)
        if function is None or not function.has_yield or function.decorators:
            return
        callee = self.ctx.callee(call)
        if callee is None or not self.ctx.project.is_subclass(callee.qualname, APP_CLASSES | ROUTER_CLASSES):
            return
        kind = "async generator" if function.is_async else "generator"
        self.report(
            arg,
            f"`lifespan={dotted_name(arg.value)}` is a plain {kind} function, which Starlette deprecated as "
            f"a lifespan; {GENERATOR_LIFESPAN_ADVICE}",
        )

    # ------------------------------------------------------------ deprecated names

    def visit_Import(self, node: cst.Import) -> None:
        self._in_import += 1

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import += 1

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import -= 1

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))

    def visit_Param(self, node: cst.Param) -> None:
        self._skip.add(id(node.name))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._skip.add(id(node.name))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._skip.add(id(node.name))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))
        if node.attr.value in DEPRECATED_NAME_TAILS and not self._in_import:
            self._check_name(node)

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in DEPRECATED_NAME_TAILS and not self._in_import and id(node) not in self._skip:
            self._check_name(node)

    def _check_name(self, node: cst.Name | cst.Attribute) -> None:
        if self.ctx.in_handler_of(_COMPAT_ERRORS):
            return
        qualname = self.ctx.qualname(node)
        row = DEPRECATED_NAMES.get(qualname or "")
        if row is not None and row.since is not None and self.ctx.versions.older_than(*row.since):
            return  # not deprecated in the versions the project uses (its new name does not exist there)
        if row is not None:
            fix = annotation_fix(self.ctx, self._name_fix(node, qualname, row))
            self.report(node, f"`{dotted_name(node)}` is deprecated{row.advice}", fix=fix)

    def _name_fix(self, node: cst.Name | cst.Attribute, qualname: str, row: NameRow) -> Fix | None:
        """``status.OLD`` -> ``status.NEW``; a bare imported ``OLD`` -> ``NEW`` plus its import (the old
        import stays: other uses may remain, and an unused import is the import linter's business)."""
        if row.rename is None:
            return None
        if isinstance(node, cst.Attribute):
            return Fix.replace(node, node.with_changes(attr=cst.Name(row.rename)), unsafe=row.unsafe)
        return name_fix(self.ctx, node, row.rename, {f"{m}.{row.rename}" for m in _STATUS_MODULES},
                        qualname.rpartition(".")[0], node.with_changes(value=row.rename), unsafe=row.unsafe)


def _keyword_fix(call: cst.Call, arg: cst.Arg, row: KeywordRow) -> Fix | None:
    """``regex=X`` -> ``pattern=X``, ``example=X`` -> ``examples=[X]`` (the row's replacement)."""
    if row.replacement is None:
        return None
    keyword, _, template = row.replacement.partition("=")
    if call_keyword(call, keyword) is not None or any(a.star == "**" for a in call.args):
        return None  # the new keyword is already given (or may hide in **kwargs)
    value = arg.value
    if template != "{}":
        value = expression(template.format(_PLACEHOLDER)).visit(_Fill(arg.value))
    return Fix.replace(arg, arg.with_changes(keyword=cst.Name(keyword), value=value), unsafe=row.unsafe)


_PLACEHOLDER = "__fapi507_value__"
_STATUS_MODULES = ("starlette.status", "fastapi.status")


class _Fill(cst.CSTTransformer):
    """Put the original value where the replacement template has the placeholder."""

    def __init__(self, value: cst.BaseExpression):
        super().__init__()
        self.value = value

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self.value if original_node.value == _PLACEHOLDER else updated_node


def _empty(value: cst.BaseExpression) -> bool:
    """``root_path=""`` / ``regex=None``: the deprecated parameter is not really used."""
    if isinstance(value, cst.Name) and value.value == "None":
        return True
    return isinstance(value, cst.SimpleString) and value.evaluated_value == ""
