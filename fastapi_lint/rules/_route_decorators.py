"""Helpers for the path-operation rules (FAPI202-FAPI209): the libcst decorator call of each
route registration of a def, its literal path, and status codes however they are spelled."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.status_codes import status_code_of
from fastapi_lint.fixes import without_arg
from fastapi_lint.model import Registration
from fastapi_lint.names import call_keyword, call_positional
from fastapi_lint.rule import FileContext


def route_decorators(ctx: FileContext, node: cst.FunctionDef) -> list[tuple[Registration, cst.Decorator, cst.Call]]:
    """``(registration, decorator, call)`` for every route decorator of the def being visited."""
    out = []
    for registration in ctx.model.routes_of(ctx.key_of(node)):
        index = registration.decorator_index
        if index is None or index >= len(node.decorators):
            continue
        decorator = node.decorators[index]
        if isinstance(decorator.decorator, cst.Call):
            out.append((registration, decorator, decorator.decorator))
    return out


def path_argument(call: cst.Call) -> cst.Arg | None:
    return call_positional(call, 0) or call_keyword(call, "path")


def literal_string(expr: cst.BaseExpression | None) -> str | None:
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


def has_star_kwargs(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


def status_code(ctx: FileContext, expr: cst.BaseExpression | None) -> int | None:
    """``204``, ``status.HTTP_204_NO_CONTENT`` (fastapi/starlette, any import spelling) or
    ``HTTPStatus.NO_CONTENT`` -> 204; None when it is something else."""
    if isinstance(expr, cst.Integer):
        try:
            return int(expr.value.replace("_", ""), 0)
        except ValueError:
            return None
    if isinstance(expr, (cst.Name, cst.Attribute)):
        return status_code_of(ctx.qualname(expr))
    return None


def is_none(expr: cst.BaseExpression | None) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


# ---------------------------------------------------------------- fixes


def _joined(before: cst.BaseParenthesizableWhitespace, after: cst.BaseParenthesizableWhitespace):
    """The whitespace that replaces ``before <dropped code> after``: the comment that ends the
    line before the dropped code and the comment lines below it survive; a comment on the
    dropped code's own line goes with it."""
    if isinstance(after, cst.ParenthesizedWhitespace):
        if isinstance(before, cst.ParenthesizedWhitespace):
            return after.with_changes(first_line=before.first_line,
                                      empty_lines=[*before.empty_lines, *after.empty_lines])
        return after.with_changes(first_line=cst.TrailingWhitespace())
    return before


def _has_comment(whitespace: cst.ParenthesizedWhitespace) -> bool:
    return whitespace.first_line.comment is not None or any(line.comment for line in whitespace.empty_lines)


def drop_argument(call: cst.Call, drop: cst.Arg) -> cst.Call:
    """``call`` without the argument ``drop`` (via ``fixes.without_arg``), keeping the layout of
    a multi-line call: the trailing comma, the indentation and the comments of the others."""
    index = next(i for i, arg in enumerate(call.args) if arg is drop)
    fixed = without_arg(call, drop)
    args = list(fixed.args)
    is_last = index == len(call.args) - 1
    # The whitespace that followed the dropped argument (up to the next argument or ``)``).
    after = drop.comma.whitespace_after if isinstance(drop.comma, cst.Comma) else drop.whitespace_after_arg
    if index == 0:
        return fixed.with_changes(whitespace_before_args=_joined(call.whitespace_before_args, after))
    previous = call.args[index - 1]
    before = previous.comma.whitespace_after if isinstance(previous.comma, cst.Comma) else cst.SimpleWhitespace("")
    if is_last and not isinstance(drop.comma, cst.Comma):
        # ``a,  # c\n    drop\n)`` -> ``a  # c\n)``: the comma goes, its comment moves behind ``a``
        if isinstance(after, cst.ParenthesizedWhitespace):
            closing = _joined(before, after)
        elif isinstance(before, cst.ParenthesizedWhitespace) and _has_comment(before):
            closing = before.with_changes(last_line=cst.SimpleWhitespace(""))
        else:
            closing = after
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=closing)
    else:
        comma = previous.comma if isinstance(previous.comma, cst.Comma) else cst.Comma()
        args[index - 1] = args[index - 1].with_changes(comma=comma.with_changes(whitespace_after=_joined(before, after)))
    return fixed.with_changes(args=args)
