"""Facts for files written in newer syntax than the Python running fastapi-lint.

The facts pass reads files with Python's own ``ast``; libcst, which the rules use, knows
newer grammar (PEP 695 type parameters and ``type`` aliases, PEP 696 defaults, PEP 701
f-strings, PEP 758 ``except A, B:``, t-strings). A file only the latter can read would
otherwise be linted with no facts: silent itself, and a false "never included" for its
neighbours. So such a file is rewritten, with libcst, into the older spelling of the same
program as far as the facts are concerned (type parameters dropped, ``type X = ...`` as
``X = ...``, an f-string Python cannot read as a string of the same lines, ``except A,
B`` parenthesised), keeping every line where it was, and that is what ``ast`` reads.
"""

from __future__ import annotations

import ast

import libcst as cst

from fastapi_lint.analysis.cst_parser import nesting_fits, parse_module


class _Downgrade(cst.CSTTransformer):
    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        return updated.with_changes(type_parameters=None) if updated.type_parameters is not None else updated

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        return updated.with_changes(type_parameters=None) if updated.type_parameters is not None else updated

    def leave_TypeAlias(self, original: cst.TypeAlias, updated: cst.TypeAlias) -> cst.Assign:
        return cst.Assign(targets=[cst.AssignTarget(updated.name)], value=updated.value)

    def leave_ExceptHandler(self, original: cst.ExceptHandler, updated: cst.ExceptHandler) -> cst.ExceptHandler:
        kind = updated.type
        if isinstance(kind, cst.Tuple) and not kind.lpar:
            return updated.with_changes(type=kind.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]))
        return updated

    def leave_FormattedString(self, original: cst.FormattedString, updated: cst.FormattedString):
        return _readable_or_blank(updated)

    def leave_TemplatedString(self, original, updated):  # t-strings (libcst 1.8+)
        return _blank(updated)


def _readable_or_blank(node: cst.BaseExpression) -> cst.BaseExpression:
    code = cst.Module([]).code_for_node(node)
    try:
        ast.parse(f"({code})", mode="eval")
        return node
    except SyntaxError:
        return _blank(node)


def _blank(node: cst.CSTNode) -> cst.SimpleString:
    """A string literal spanning as many lines as ``node`` did."""
    lines = cst.Module([]).code_for_node(node).count("\n")
    return cst.SimpleString('"""' + "\n" * lines + '"""' if lines else '""')


def older_spelling(source: bytes | str) -> str | None:
    """The source rewritten so that the running Python's ``ast`` reads it, or None when
    libcst cannot read it either (a real syntax error) or the rewrite is not enough."""
    try:
        if not nesting_fits(source):
            return None
        module = parse_module(source)
        code = module.visit(_Downgrade()).code
        ast.parse(code)
    except (cst.ParserSyntaxError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    except Exception:  # noqa: BLE001 - libcst's own errors on exotic input: no facts, as before
        return None
    return code
