"""FAPI224 partial-update-without-exclude-unset: a PATCH operation applies ``body.model_dump()``
(or ``.dict()``) to stored data; every field the client did not send overwrites the stored
value with the model's default."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import source_text
from fastapi_lint.analysis.parameters import fastapi_params
from fastapi_lint.data.pydantic_v2 import PYDANTIC_MODELS
from fastapi_lint.fixes import Fix
from fastapi_lint.rule import Applicability, Report, Rule, Severity

_DUMPS = frozenset({"model_dump", "dict"})
# what keeps the fields the client did not send out of the dump (exclude_none is a deliberate
# choice too: "null means leave it"; include= picks the fields, e.g. `include=body.model_fields_set`)
_EXCLUSIONS = frozenset({"exclude_unset", "exclude_defaults", "exclude_none", "include"})
# methods that write a mapping into stored data: `stored.update(data)`, `row.sqlmodel_update(data)`,
# `update(Item).values(**data)`, `items.update_one({"_id": id}, {"$set": data})`
_WRITES = frozenset({"update", "sqlmodel_update", "values", "update_one", "update_many", "find_one_and_update"})
_BODY_MARKERS = (None, "fastapi.Body")


@dataclass
class _Frame:
    name: str
    bodies: frozenset[str]  # names of the model body parameters
    dumps: dict[str, tuple[cst.Call, cst.CSTNode | None]] = field(default_factory=dict)  # name -> its dump


class PartialUpdateWithoutExcludeUnset(Rule):
    code = "FAPI224"
    name = "partial-update-without-exclude-unset"
    summary = "A PATCH operation applies `body.model_dump()` without `exclude_unset=True`: unsent fields reset stored values"
    severity = Severity.WARNING
    fix = Applicability.UNSAFE
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/body-updates/#partial-updates-with-patch"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("model_dump", "dict") and view.has("route")

    def __init__(self, ctx):
        super().__init__(ctx)
        self._frames: list[_Frame | None] = []
        self._reported: set[int] = set()

    # ------------------------------------------------------------ PATCH operations and their bodies

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.append(self._frame(node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._frames.pop()

    def _frame(self, node: cst.FunctionDef) -> _Frame | None:
        routes = self.ctx.model.routes_of(self.ctx.key_of(node))
        if not any("PATCH" in route.methods for route in routes):
            return None
        bodies = frozenset(
            param.name for param in fastapi_params(self.ctx, node)
            if param.marker in _BODY_MARKERS and self.ctx.project.is_subclass(param.type, PYDANTIC_MODELS)
        )
        return _Frame(node.name.value, bodies) if bodies else None

    @property
    def _frame_now(self) -> _Frame | None:
        # the innermost def is the PATCH operation itself (a nested def is another function)
        return self._frames[-1] if self._frames else None

    def _full_dump(self, expr: cst.BaseExpression, frame: _Frame) -> tuple[cst.Call, cst.CSTNode | None] | None:
        """``body.model_dump()`` without an exclusion (or a name bound to one): the call and its statement."""
        if isinstance(expr, cst.Name):
            return frame.dumps.get(expr.value)
        if not isinstance(expr, cst.Call):
            return None
        func = expr.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in _DUMPS and isinstance(func.value, cst.Name)
                and func.value.value in frame.bodies):
            return None
        for arg in expr.args:
            if arg.star or (arg.keyword is not None and arg.keyword.value in _EXCLUSIONS):
                return None
        return expr, self.ctx.current_statement

    # ------------------------------------------------------------ dumps bound to names

    def visit_Assign(self, node: cst.Assign) -> None:
        frame = self._frame_now
        if frame is None or len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        found = self._full_dump(node.value, frame) if isinstance(node.value, cst.Call) else None
        if found is not None:
            frame.dumps[name] = found
        else:
            frame.dumps.pop(name, None)

    # ------------------------------------------------------------ where a dump is applied to stored data

    def visit_Call(self, node: cst.Call) -> None:
        frame = self._frame_now
        if frame is None or not isinstance(node.func, cst.Attribute):
            return
        method = node.func.attr.value
        if method in ("model_copy", "copy"):
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value == "update":
                    self._applied(arg.value, frame, f"`{method}(update=...)`")
        elif method in _WRITES:
            for arg in node.args:
                values = [arg.value]
                if isinstance(arg.value, cst.Dict):  # {"$set": data}
                    values = [e.value for e in arg.value.elements if isinstance(e, cst.DictElement)]
                for value in values:
                    self._applied(value, frame, f"`.{method}(...)`")

    def visit_Dict(self, node: cst.Dict) -> None:
        frame = self._frame_now
        if frame is None:
            return
        spread = False
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                if spread:
                    self._applied(element.value, frame, "`{**stored, **...}`")
                spread = True

    def visit_For(self, node: cst.For) -> None:
        frame = self._frame_now
        iterated = node.iter
        if frame is None:
            return
        if isinstance(iterated, cst.Name) and iterated.value in frame.bodies and _writes_each(node.body):
            # `for name, value in body:` iterates every field, sent or not
            self.report(
                iterated,
                f"PATCH operation `{frame.name}` copies every field of `{iterated.value}` to stored data in a "
                f"`setattr` loop: the fields the client did not send have their defaults and overwrite the "
                f"stored values; iterate `{iterated.value}.model_dump(exclude_unset=True).items()`",
            )
            return
        if not (isinstance(iterated, cst.Call) and isinstance(iterated.func, cst.Attribute)
                and iterated.func.attr.value == "items" and not iterated.args):
            return
        if _writes_each(node.body):
            self._applied(iterated.func.value, frame, "a `setattr` loop")

    def _applied(self, expr: cst.BaseExpression, frame: _Frame, how: str) -> None:
        found = self._full_dump(expr, frame)
        if found is None:
            return
        call, statement = found
        if id(call) in self._reported:
            return
        self._reported.add(id(call))
        shown = source_text(call, 50)
        message = (
            f"PATCH operation `{frame.name}` applies `{shown}` to stored data through {how}: every field the "
            f"client did not send is in the dump with its default and overwrites the stored value; "
            f"dump with `exclude_unset=True`"
        )
        self.ctx.reports.append(Report(self, call, message, statement, self._fix(call)))

    @staticmethod
    def _fix(call: cst.Call) -> Fix:
        args = list(call.args)
        keyword = cst.Arg(
            keyword=cst.Name("exclude_unset"), value=cst.Name("True"),
            equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
        )
        if args and isinstance(args[-1].comma, cst.Comma):
            args.append(keyword.with_changes(comma=args[-1].comma))
            args[-2] = args[-2].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        else:
            args.append(keyword)
        return Fix.replace(call, call.with_changes(args=args), unsafe=True)


def _writes_each(body: cst.BaseSuite) -> bool:
    """The loop body sets each item on an object or a mapping: ``setattr(obj, k, v)`` / ``obj[k] = v``."""

    class Finder(cst.CSTVisitor):
        found = False

        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Name) and node.func.value == "setattr":
                self.found = True

        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            if isinstance(node.target, cst.Subscript):
                self.found = True

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

    finder = Finder()
    body.visit(finder)
    return finder.found
