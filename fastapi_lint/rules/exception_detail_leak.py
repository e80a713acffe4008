"""FAPI409 exception-detail-leak: the text of an unexpected exception sent to the client.

Two places see every unexpected error: an exception handler registered for ``Exception``
/ ``BaseException`` / status 500, and a broad ``except Exception`` / ``except BaseException``
/ bare ``except:`` inside a path operation, a dependency or an HTTP middleware. There,
``str(e)``, ``repr(e)``, ``f"...{e}..."``, ``e.args`` or ``traceback.format_exc()`` put into
``HTTPException(detail=...)``, a response's ``content`` or a path operation's returned value
is reported. Narrow ``except ValueError as e`` clauses and handlers for specific exception
classes are deliberate and not reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import source_text

from fastapi_lint.data.security import (
    BODY_RESPONSES,
    BROAD_EXCEPTIONS,
    EXCEPTION_TO_TEXT,
    HTTP_EXCEPTIONS,
    TRACEBACK_FORMATTERS,
)
from fastapi_lint.data.fastapi_names import RESPONSE_CLASSES
from fastapi_lint.analysis.names import call_keyword, call_positional
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.exception_handlers import handled_broadly, is_broad_handler
from fastapi_lint.rule import Rule, Severity

_MAX_SOURCE = 40
_RESPONSES_AND_EXCEPTIONS = HTTP_EXCEPTIONS | RESPONSE_CLASSES | BODY_RESPONSES


@dataclass
class _Context:
    """An exception handler function, or an ``except`` clause, being traversed."""

    function: cst.CSTNode  # the def whose body this is
    names: frozenset[str]  # names bound to the exception
    broad: bool
    where: str  # for messages
    endpoint: bool  # returned values become the response body
    derived: dict[str, str] = field(default_factory=dict)  # local name -> leaking source


# ---------------------------------------------------------------- the rule


class ExceptionDetailLeak(Rule):
    code = "FAPI409"
    name = "exception-detail-leak"
    summary = "Text of an unexpected exception (`str(e)`, traceback) sent to the client"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/handling-errors/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        model = view.model
        return (
            view.has("route", "middleware", "exception_handler")
            or view.has_functions_fastapi_calls
            or any(is_broad_handler(model.project, model.facts.qualname_of_key(key)) for key in view.facts.functions)
        )

    def __init__(self, ctx):
        super().__init__(ctx)
        self._stack: list[_Context | None] = []  # None for a narrow except: it hides nothing broad
        self._handler_functions: list[cst.FunctionDef] = []
        self._narrowing: dict[int, set[str]] = {}  # id(if body) -> exception names narrowed there
        self._narrowed_blocks: list[cst.IndentedBlock] = []

    # ------------------------------------------------------------ contexts

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        key = self.ctx.key_of(node)
        function = self.ctx.model.function(key)
        if function is None or len(function.params) < 2 or not handled_broadly(self.ctx.model, key):
            return
        exc = function.params[1].name
        self._stack.append(_Context(node, frozenset({exc}), True,
                                    f"the catch-all exception handler `{node.name.value}`", False))
        self._handler_functions.append(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._handler_functions and self._handler_functions[-1] is node:
            self._handler_functions.pop()
            self._stack.pop()

    def visit_If(self, node: cst.If) -> None:
        """``if isinstance(exc, ValueError):`` narrows the exception inside the body."""
        if self._stack:
            broad, names, _, _ = self._active()
            narrowed = self._narrowed(node.test, names) if broad is not None else set()
            if narrowed:
                self._narrowing[id(node.body)] = narrowed

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        narrowed = self._narrowing.pop(id(node), None)
        if narrowed is not None:
            self._stack.append(_Context(self.ctx.function_node, frozenset(), False, "", False,
                                        dict.fromkeys(narrowed, "")))
            self._narrowed_blocks.append(node)

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if self._narrowed_blocks and self._narrowed_blocks[-1] is node:
            self._narrowed_blocks.pop()
            self._stack.pop()

    def _narrowed(self, test: cst.BaseExpression, names: frozenset[str]) -> set[str]:
        """Names that ``isinstance(name, Narrow)`` (or ``... and ...`` of it) restricts to
        specific exception classes."""
        if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
            return self._narrowed(test.left, names) | self._narrowed(test.right, names)
        if not (isinstance(test, cst.Call) and self.ctx.qualname(test.func) == "builtins.isinstance"):
            return set()
        subject, classes = call_positional(test, 0), call_positional(test, 1)
        if subject is None or classes is None or not isinstance(subject.value, cst.Name):
            return set()
        if subject.value.value not in names or self._catches_everything(classes.value):
            return set()
        return {subject.value.value}

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        function = self.ctx.function_node
        self._stack.append(self._except_context(node, function))

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._stack.pop()

    def _except_context(self, node: cst.ExceptHandler, function) -> _Context | None:
        if not isinstance(function, cst.FunctionDef):
            return None
        name = node.name.name.value if node.name is not None and isinstance(node.name.name, cst.Name) else None
        if not self._catches_everything(node.type):
            # A narrow clause: its name (if reused) no longer holds the broad exception.
            return _Context(function, frozenset(), False, "", False, {name: ""} if name else {})
        key = self.ctx.key_of(function)
        model = self.ctx.model
        endpoint = model.is_endpoint(key)
        if endpoint:
            role = "path operation"
        elif model.is_dependency(key):
            role = "dependency"
        elif model.registrations_of(key, "middleware"):
            role = "middleware"
        else:
            return None
        caught = "except:" if node.type is None else f"except {source_text(node.type)}"
        names = frozenset({name}) if name else frozenset()
        return _Context(function, names, True, f"the `{caught}` of {role} `{function.name.value}`", endpoint)

    def _catches_everything(self, type_: cst.BaseExpression | None) -> bool:
        if type_ is None:
            return True
        if isinstance(type_, cst.Tuple):
            return any(isinstance(e, cst.Element) and self._catches_everything(e.value) for e in type_.elements)
        qualname = self.ctx.qualname(type_) if isinstance(type_, (cst.Name, cst.Attribute)) else None
        return qualname in BROAD_EXCEPTIONS

    def _active(self) -> tuple[_Context | None, frozenset[str], dict[str, str], bool]:
        """The innermost broad context of the current function, the exception names still
        bound to its exception, the leaking locals, and whether the innermost clause is broad."""
        function = self.ctx.function_node
        broad, names, derived, innermost_broad = None, set(), {}, False
        for context in self._stack:
            if context is None or context.function is not function:
                continue
            if context.broad:
                broad = context
                names |= context.names
                derived.update(context.derived)
                innermost_broad = True
            else:
                names -= set(context.derived)
                for hidden in context.derived:
                    derived.pop(hidden, None)
                innermost_broad = False
        return broad, frozenset(names), derived, innermost_broad

    # ------------------------------------------------------------ sinks

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._stack:
            return
        broad, names, derived, innermost = self._active()
        if broad is None:
            return
        leak = next(self._leaks(node.value, names, derived, innermost), None)
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                if target.target.value in names:  # `e = ...` rebinds the exception's name
                    for context in self._stack:
                        if context is not None and context.function is broad.function:
                            context.names = context.names - {target.target.value}
                if leak is not None:
                    broad.derived[target.target.value] = leak[1]
                else:
                    broad.derived.pop(target.target.value, None)

    def visit_Call(self, node: cst.Call) -> None:
        if not self._stack:
            return
        broad, names, derived, innermost = self._active()
        if broad is None:
            return
        callee = self.ctx.callee(node)
        qualname = canonical(callee.qualname) if callee and callee.qualname else None
        if qualname is None:
            return
        project = self.ctx.project
        if project.is_subclass(qualname, HTTP_EXCEPTIONS):
            arg, sink = call_keyword(node, "detail") or call_positional(node, 1), "`HTTPException` detail"
        elif project.is_subclass(qualname, BODY_RESPONSES):
            arg, sink = call_keyword(node, "content") or call_positional(node, 0), "the response content"
        else:
            return
        if arg is not None:
            self._report_leaks(arg.value, names, derived, innermost, broad, sink)

    def visit_Return(self, node: cst.Return) -> None:
        if not self._stack or node.value is None:
            return
        broad, names, derived, innermost = self._active()
        if broad is not None and broad.endpoint:
            self._report_leaks(node.value, names, derived, innermost, broad, "the returned response body",
                               returned=True)

    def _report_leaks(self, value, names, derived, innermost, broad: _Context, sink: str,
                      returned: bool = False) -> None:
        for leak_node, source in self._leaks(value, names, derived, innermost, returned):
            self.report(
                leak_node,
                f"{source[0].upper()}{source[1:]} puts the text of an unexpected error into {sink} in {broad.where}; log the "
                "exception and send the client a generic message",
            )

    def _leaks(self, node: cst.CSTNode, names, derived, innermost,
               returned: bool = False) -> Iterator[tuple[cst.CSTNode, str]]:
        """Sub-expressions of ``node`` that turn the caught exception into text. For a returned
        value, responses and exceptions built inside it are left to ``visit_Call``."""
        if isinstance(node, (cst.Lambda, cst.FunctionDef)):
            return
        if isinstance(node, cst.IfExp):
            narrowed = self._narrowed(node.test, names)
            if narrowed:  # `str(exc) if isinstance(exc, ValueError) else "..."`
                yield from self._leaks(node.orelse, names, derived, innermost, returned)
                return
        found = self._leak(node, names, derived, innermost)
        if found is not None:
            yield node, found
            return
        if returned and isinstance(node, cst.Call) and self._builds_response(node):
            return
        for child in node.children:
            yield from self._leaks(child, names, derived, innermost, returned)

    def _builds_response(self, call: cst.Call) -> bool:
        qualname = self.ctx.qualname(call.func)
        return self.ctx.project.is_subclass(qualname, _RESPONSES_AND_EXCEPTIONS)

    def _leak(self, node: cst.CSTNode, names, derived, innermost) -> str | None:
        def is_exc(expr) -> bool:
            return isinstance(expr, cst.Name) and expr.value in names

        if isinstance(node, cst.Name) and node.value in derived and node.value not in names:
            return f"`{node.value}` (built from {derived[node.value]})"
        if isinstance(node, cst.Call):
            qualname = self.ctx.qualname(node.func)
            if qualname in EXCEPTION_TO_TEXT:
                first = call_positional(node, 0)
                if first is not None and is_exc(first.value):
                    return self._spell(node)
            if qualname in TRACEBACK_FORMATTERS and innermost:
                return self._spell(node)
            func = node.func
            if (isinstance(func, cst.Attribute) and func.attr.value == "format"
                    and isinstance(func.value, (cst.SimpleString, cst.ConcatenatedString))
                    and any(is_exc(arg.value) for arg in node.args)):
                return "`str.format()` of the exception"
            return None
        if isinstance(node, cst.FormattedString):
            for part in node.parts:
                if isinstance(part, cst.FormattedStringExpression) and is_exc(part.expression):
                    return "an f-string with the exception"
            return None
        if isinstance(node, cst.Attribute) and node.attr.value == "args" and is_exc(node.value):
            return self._spell(node)
        if (isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo)
                and isinstance(node.left, (cst.SimpleString, cst.ConcatenatedString))):
            right = node.right
            items = [e.value for e in right.elements if isinstance(e, cst.Element)] if isinstance(right, cst.Tuple) else [right]
            if any(is_exc(item) for item in items):
                return "`%` formatting of the exception"
        return None

    @staticmethod
    def _spell(node: cst.CSTNode) -> str:
        return f"`{source_text(node, _MAX_SOURCE)}`"
