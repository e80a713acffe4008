"""FAPI001 unused-noqa: a ``# noqa: FAPI...`` code that suppresses nothing where it stands.

The engine calls :func:`report` after it has matched every finding of a file against the
file's ``# noqa`` comments (noqa.py records which code of which comment was used). A
code is reported when fastapi-lint can tell it is useless:

- it names a rule that is enabled for the file and ran without crashing, yet no finding of
  that rule was suppressed by the comment (the finding was fixed, moved, or never there);
- it is a FAPI code that names no rule (a typo, a code from another version).

Codes of rules that are not enabled for the file (``--select``, ``ignore``,
``per-file-ignores``) are left alone: whether they would fire is unknown, and another run
(CI with every rule) may need them. Other tools' codes (``E501``) and a bare ``# noqa``
are never judged. The fix, safe, takes the codes out of the comment, and the comment out
of the line when nothing else is left in it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import libcst as cst

from fastapi_lint import noqa
from fastapi_lint.diagnostics import INTERNAL_ERROR_CODE, PARSE_ERROR_CODE, Applicability, Diagnostic, Location
from fastapi_lint.fixes import Fix
from fastapi_lint.traversal import traverse

if TYPE_CHECKING:
    from fastapi_lint.rule import Rule

CODE = noqa.UNUSED_NOQA_CODE
_CRASHED = re.compile(r"internal error in rule (FAPI\d+) \(")
_ENGINE_CODES = frozenset({PARSE_ERROR_CODE, INTERNAL_ERROR_CODE})


def wanted(rule_classes: list[type[Rule]], text: str) -> bool:
    """Whether FAPI001 is enabled and the file may hold a FAPI code in a noqa comment."""
    return any(cls.code == CODE for cls in rule_classes) and "noqa" in text.lower() and "fapi" in text.lower()


def report(lint, suppressions: noqa.Suppressions, rule_classes: list[type[Rule]], url: str) -> None:
    """Add FAPI001 findings (with their fixes) to ``lint`` (the engine's pass over one file)."""
    if not any(cls.code == CODE for cls in rule_classes) or not suppressions.comments:
        return
    from fastapi_lint.rules import ALL_RULES

    result = lint.result
    crashed = {m.group(1) for d in result.diagnostics if d.code == INTERNAL_ERROR_CODE
               for m in [_CRASHED.match(d.message)] if m}
    ran = {cls.code for cls in rule_classes} - crashed - {CODE}
    named = {code for comment in suppressions.comments.values() for code in (noqa.codes_in(comment) or ())}
    unknown = {code for code in named if code.startswith("FAPI") and code not in ALL_RULES}
    unused = suppressions.unused(frozenset(ran | unknown))
    if not unused:
        return
    rule = ALL_RULES[CODE]
    for line, holder, comment in _comments(lint.module, lint.positions, set(unused)):
        codes = unused[line]
        span = lint.positions[comment]
        lint.fixes.append((len(result.diagnostics), Fix.replace(holder, _without(holder, comment, codes))))
        result.diagnostics.append(Diagnostic(
            path=result.path,
            start=Location(span.start.line, span.start.column + 1),
            end=Location(span.end.line, span.end.column + 1),
            code=CODE,
            name=rule.name,
            message=f"`# noqa` suppresses nothing here: {', '.join(_why(code, ALL_RULES) for code in codes)}",
            severity=rule.severity,
            url=url,
            fastapi_docs=rule.fastapi_docs,
            fix=Applicability.SAFE,
        ))


def _why(code: str, rules: dict) -> str:
    if code in _ENGINE_CODES:
        return f"{code} (its findings cannot be suppressed)"
    if code not in rules:
        return f"{code} (no such rule)"
    return f"{code} (no {code} finding on this line)"


def _comments(module: cst.Module, positions, lines: set[int]) -> list[tuple[int, cst.CSTNode, cst.Comment]]:
    """The comments on ``lines``, each with the node that holds it (a line's trailing
    whitespace, or a line of its own)."""
    found = []

    def visit(node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.TrailingWhitespace, cst.EmptyLine)) and node.comment is not None:
            line = positions[node.comment].start.line
            if line in lines:
                found.append((line, node, node.comment))
        return True

    traverse(module, visit, lambda node: None)
    return found


def _without(holder: cst.CSTNode, comment: cst.Comment, codes: list[str]):
    rewritten = noqa.without_codes(comment.value, codes)
    if rewritten is not None:
        return holder.with_changes(comment=cst.Comment(rewritten))
    if isinstance(holder, cst.EmptyLine):
        return cst.RemovalSentinel.REMOVE  # a line that held only the comment goes
    return holder.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
