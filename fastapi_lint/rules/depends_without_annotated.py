"""FAPI301 depends-without-annotated: a FastAPI marker (``Depends``, ``Query`` ...) used
as a parameter default instead of inside ``Annotated[...]``."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.names import source_text

from fastapi_lint.data.fastapi_names import DEPENDS_FUNCTIONS, PARAM_FUNCTIONS
from fastapi_lint.analysis.facts import CallValue
from fastapi_lint.fixes import Edit, Fix, annotation_allowed, imports_for_name
from fastapi_lint.analysis.names import call_keyword, call_positional
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity
from fastapi_lint.analysis.parameters import cst_param
from fastapi_lint.analysis.parameters import ANNOTATED, qualname_of, read_param

_MARKER_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in PARAM_FUNCTIONS)
_LIMIT = 60
_ANY = frozenset({"typing.Any", "typing_extensions.Any"})


class DependsWithoutAnnotated(Rule):
    code = "FAPI301"
    name = "depends-without-annotated"
    requires = fix_requires = {"fastapi": ">=0.95"}  # Annotated dependencies arrived in FastAPI 0.95
    summary = "FastAPI marker (`Depends`, `Query`, ...) used as a parameter default instead of in `Annotated`"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/dependencies/"
    fix = Applicability.SAFE


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions(*_MARKER_NAMES) and any(
            isinstance(param.default, CallValue)
            for function in view.facts.functions.values()
            for param in function.params
        )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        function = self.ctx.model.function(self.ctx.key_of(node))
        if function is None:
            return
        project, facts = self.ctx.project, self.ctx.model.facts
        findings: list[tuple[cst.CSTNode, str]] = []
        movable: list[tuple[cst.Param, str]] = []
        for param in function.params:
            default = param.default
            if not isinstance(default, CallValue) or default.callee is None:
                continue
            if default.callee.rsplit(".", 1)[-1] not in _MARKER_NAMES:
                continue  # cheap spelling filter; the qualname decides below
            marker = qualname_of(project, facts, function.scope, default.callee)
            if marker not in PARAM_FUNCTIONS:
                continue
            cst_node = cst_param(node, param.name)
            if cst_node is None or not isinstance(cst_node.default, cst.Call):
                continue
            declared = read_param(project, facts, function.scope, param)
            if declared.marker_in_annotated and declared.marker in PARAM_FUNCTIONS:
                findings.append((
                    cst_node.default,
                    f"`{param.name}` has a FastAPI marker both in `Annotated[...]` and as its default "
                    f"`{_short(source_text(cst_node.default))}`, which FastAPI rejects at startup; keep the one in "
                    "`Annotated[...]` and give a plain default after `=`",
                ))
                continue
            findings.append((cst_node.default, self._message(cst_node, cst_node.default, marker)))
            movable.append((cst_node, marker))
        # one fix for the whole signature, on the first finding: the parameter order is computed once
        fix = self._fix(node.params, movable) if movable else None
        for index, (target, message) in enumerate(findings):
            self.report(target, message, fix=fix if index == 0 else None)

    # ------------------------------------------------------------------ fix

    def _fix(self, params: cst.Parameters, movable: list[tuple[cst.Param, str]]) -> Fix | None:
        """Every marker default of the function moved into ``Annotated[...]``; the parameters are
        reordered (unsafe) when one that loses its default would follow one that keeps a default."""
        typing_module = "typing" if self.ctx.python >= (3, 9) else "typing_extensions"
        imports = imports_for_name(self.ctx, "Annotated", ANNOTATED, typing_module)
        if imports is None:
            return None
        any_imports = imports_for_name(self.ctx, "Any", _ANY, "typing")
        any_usable, any_imports = any_imports is not None, any_imports or ()
        changed: dict[int, cst.Param] = {}
        needs_any = False
        for param, marker in movable:
            if param.annotation is None and not any_usable:
                continue
            new = self._rewritten(param, marker)
            if new is None:
                continue
            # FastAPI must be able to evaluate the new annotation: under lazy annotations a
            # `Depends(guard)` naming a router-factory parameter would silently never run.
            if not annotation_allowed(self.ctx, new.annotation.annotation, (*imports, *any_imports)):
                continue
            changed[id(param)] = new
            needs_any = needs_any or param.annotation is None
        if not changed:
            return None
        if needs_any:
            imports += any_imports
        posonly = [changed.get(id(p), p) for p in params.posonly_params]
        positional = [changed.get(id(p), p) for p in params.params]
        kwonly = [changed.get(id(p), p) for p in params.kwonly_params]
        unsafe = not _valid_order(posonly + positional)
        if unsafe:
            if any(p.default is not None for p in posonly):
                return None  # would have to move parameters across `/`
            positional = _reordered(list(params.params), positional)
            if positional is None:
                return None
        new_params = params.with_changes(posonly_params=posonly, params=positional, kwonly_params=kwonly)
        return Fix((Edit(params, new_params),),
                   Applicability.UNSAFE if unsafe else Applicability.SAFE, imports)

    def _rewritten(self, param: cst.Param, marker: str) -> cst.Param | None:
        """``q: str = Query("x", max_length=5)`` -> ``q: Annotated[str, Query(max_length=5)] = "x"``."""
        call = param.default
        if not isinstance(call, cst.Call) or any(arg.star for arg in call.args):
            return None
        new_call, default = call, None
        if marker not in DEPENDS_FUNCTIONS:
            arg = call_positional(call, 0) or call_keyword(call, "default")
            if arg is not None:
                if len([a for a in call.args if a.keyword is None]) > 1:
                    return None  # Query(None, "alias")? positional-only beyond the default: leave it
                new_call = without_default(call, arg)
                value = arg.value
                if not (isinstance(value, cst.Ellipsis) or (isinstance(value, cst.Name) and value.value == "Ellipsis")):
                    default = value
        element = cst.SubscriptElement(cst.Index(new_call))
        if param.annotation is None:
            annotation = _annotated(cst.Name("Any"), element)
            new_annotation = cst.Annotation(annotation)
        else:
            old = param.annotation.annotation
            if isinstance(old, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                return None  # a string annotation: `Annotated["T", ...]` is resolved differently
            if isinstance(old, cst.Subscript) and self.ctx.qualname(old.value) in ANNOTATED:
                elements = list(old.slice)
                last = elements[-1]
                if not isinstance(last.comma, cst.Comma):
                    elements[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                annotation = old.with_changes(slice=[*elements, element])
            else:
                annotation = _annotated(old, element)
            new_annotation = param.annotation.with_changes(annotation=annotation)
        if default is None:
            return param.with_changes(annotation=new_annotation, equal=cst.MaybeSentinel.DEFAULT, default=None)
        equal = param.equal
        if param.annotation is None or not isinstance(equal, cst.AssignEqual):
            equal = cst.AssignEqual(cst.SimpleWhitespace(" "), cst.SimpleWhitespace(" "))
        return param.with_changes(annotation=new_annotation, equal=equal, default=default)

    def _message(self, param: cst.Param, call: cst.Call, marker: str) -> str:
        name = param.name.value
        annotation = source_text(param.annotation.annotation) if param.annotation else None
        written = f"{name}{': ' + annotation if annotation else ''} = {_short(source_text(call))}"
        new_call, default = call, None
        if marker not in DEPENDS_FUNCTIONS:
            new_call, default = _split_default(call)
        suggested = (
            f"{name}: Annotated[{annotation or 'Any'}, {_short(source_text(new_call))}]"
            + (f" = {_short(default)}" if default else "")
        )
        return f"`{written}` puts the FastAPI marker in the default; declare `{suggested}` instead"


def _annotated(first: cst.BaseExpression, element: cst.SubscriptElement) -> cst.Subscript:
    return cst.Subscript(cst.Name("Annotated"), [
        cst.SubscriptElement(cst.Index(first), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
        element,
    ])


def without_default(call: cst.Call, drop: cst.Arg) -> cst.Call:
    """The marker call without its default argument; a trailing comma stays only if the call
    keeps arguments written on their own lines."""
    args = [a for a in call.args if a is not drop]
    if args and drop is call.args[-1]:
        args[-1] = args[-1].with_changes(comma=drop.comma)
    if not args:
        return call.with_changes(args=[], whitespace_before_args=cst.SimpleWhitespace(""))
    return call.with_changes(args=args)


def _valid_order(positional: list[cst.Param]) -> bool:
    seen_default = False
    for param in positional:
        if param.default is not None:
            seen_default = True
        elif seen_default:
            return False
    return True


def _comment_line(param: cst.Param) -> cst.TrailingWhitespace | None:
    """The end-of-line comment written after a parameter (after its comma, or after the last one)."""
    places = (param.comma.whitespace_after if isinstance(param.comma, cst.Comma) else None,
              param.whitespace_after_param)
    for place in places:
        if isinstance(place, cst.ParenthesizedWhitespace) and place.first_line.comment is not None:
            return place.first_line
    return None


def _with_line(param: cst.Param, line: cst.TrailingWhitespace) -> cst.Param | None:
    comma = param.comma
    if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        return param.with_changes(comma=comma.with_changes(
            whitespace_after=comma.whitespace_after.with_changes(first_line=line)))
    if isinstance(param.whitespace_after_param, cst.ParenthesizedWhitespace):
        return param.with_changes(
            whitespace_after_param=param.whitespace_after_param.with_changes(first_line=line))
    return None


def _reordered(originals: list[cst.Param], new: list[cst.Param]) -> list[cst.Param] | None:
    """Required parameters first, then the defaulted ones (each group in its old order). The layout
    (commas, line breaks) stays with the positions; each parameter keeps its own end-of-line comment."""
    pairs = list(zip(originals, new))
    order = [pair for pair in pairs if pair[1].default is None] + [pair for pair in pairs if pair[1].default is not None]
    out = []
    for slot, (own, moved) in zip(originals, order):
        placed = moved.with_changes(comma=slot.comma, whitespace_after_param=slot.whitespace_after_param)
        own_line, slot_line = _comment_line(own), _comment_line(slot)
        if own_line is not None or slot_line is not None:
            placed = _with_line(placed, own_line or cst.TrailingWhitespace())
            if placed is None:
                return None
        out.append(placed)
    return out


def _split_default(call: cst.Call) -> tuple[cst.Call, str | None]:
    """``Query("x", max_length=5)`` -> (``Query(max_length=5)``, ``"x"``); ``...`` means required."""
    arg = call_positional(call, 0) or call_keyword(call, "default")
    if arg is None:
        return call, None
    args = [a for a in call.args if a is not arg]
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    new_call = call.with_changes(args=args)
    value = arg.value
    if isinstance(value, cst.Ellipsis) or (isinstance(value, cst.Name) and value.value == "Ellipsis"):
        return new_call, None
    return new_call, source_text(value)


def _short(text: str) -> str:
    if len(text) <= _LIMIT:
        return text
    head = text.split("(", 1)[0]
    return f"{head}(...)" if "(" in text and len(head) < _LIMIT else text[: _LIMIT - 3] + "..."
