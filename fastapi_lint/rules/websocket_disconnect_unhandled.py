"""FAPI506 websocket-disconnect-unhandled: a websocket handler's receive loop with no
``except WebSocketDisconnect``."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.names import dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity

WEBSOCKET = "starlette.websockets.WebSocket"
# Exceptions whose handler also catches WebSocketDisconnect.
_CATCHES_DISCONNECT = frozenset({
    "starlette.websockets.WebSocketDisconnect",
    "fastapi.WebSocketDisconnect",
    "fastapi.websockets.WebSocketDisconnect",
    "builtins.Exception",
    "builtins.BaseException",
})
_RAISING_RECEIVES = frozenset({"receive_text", "receive_json", "receive_bytes"})
_SUPPRESS = frozenset({"contextlib.suppress"})
_STARLETTE_STYLE = ("websocket_route", "add_websocket_route")
_UNKNOWN = object()


class WebSocketDisconnectUnhandled(Rule):
    code = "FAPI506"
    name = "websocket-disconnect-unhandled"
    summary = "Websocket receive loop without `except WebSocketDisconnect`"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/websockets/#handling-disconnections-and-multiple-clients"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("websocket")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        key = self.ctx.key_of(node)
        model = self.ctx.model
        if not model.is_websocket_handler(key):
            return
        names = self._websocket_params(key)
        if not names:
            return
        self._key = key
        self._handler = node.name.value
        self._names = names
        self._reported: set[int] = set()
        self._scan(node.body, protected=False, loop=None, raw_ok=False)

    # ------------------------------------------------------------ which parameter is the socket

    def _websocket_params(self, key: str) -> set[str]:
        model = self.ctx.model
        function = model.function(key)
        if function is None:
            return set()
        project, facts = self.ctx.project, model.facts
        names = {
            p.name for p in function.params
            if p.annotation is not None and project.annotation_type(facts, function.scope, p.annotation) == WEBSOCKET
        }
        if not names and function.params and function.params[0].annotation is None:
            # Starlette-style ``websocket_route``: the socket is the first positional argument.
            for registration in model.registrations_of(key, "websocket"):
                method = (registration.call.callee or "").rsplit(".", 1)[-1]
                if method in _STARLETTE_STYLE:
                    names.add(function.params[0].name)
        return names

    # ------------------------------------------------------------ walking the handler body

    def _scan(self, node: cst.CSTNode, protected: bool, loop: cst.While | None, raw_ok: bool) -> None:
        for child in node.children:
            self._visit(child, protected, loop, raw_ok)

    def _visit(self, node: cst.CSTNode, protected: bool, loop: cst.While | None, raw_ok: bool) -> None:
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            return  # runs elsewhere (a task, a callback)
        if isinstance(node, (cst.Try, cst.TryStar)):
            catches = any(self._handler_catches(h) for h in node.handlers)
            self._visit(node.body, protected or catches, loop, raw_ok)
            for part in (*node.handlers, node.orelse, node.finalbody):
                if part is not None:
                    self._visit(part, protected, loop, raw_ok)
            return
        if isinstance(node, cst.With) and any(self._suppresses(item.item) for item in node.items):
            self._scan(node, True, loop, raw_ok)
            return
        if isinstance(node, cst.While):
            self._scan(node, protected, node, raw_ok or self._checks_disconnect(node))
            return
        if isinstance(node, cst.Call) and loop is not None and not protected:
            receive = self._receive_kind(node)
            if receive == "raising" or (receive == "raw" and not raw_ok):
                self._report(loop, receive, node.func)
        self._scan(node, protected, loop, raw_ok)

    def _receive_kind(self, call: cst.Call) -> str | None:
        func = call.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return None
        if func.value.value not in self._names:
            return None
        if func.attr.value in _RAISING_RECEIVES:
            return "raising"
        return "raw" if func.attr.value == "receive" else None

    def _report(self, loop: cst.While, receive: str, method: cst.Attribute) -> None:
        if id(loop) in self._reported:
            return
        self._reported.add(id(loop))
        spelled = dotted_name(method)
        if receive == "raw":
            message = (
                f"Receive loop in websocket handler `{self._handler}` never checks for the "
                f"`\"websocket.disconnect\"` message: after the client leaves, the next `{spelled}()` raises; "
                "leave the loop when `message[\"type\"] == \"websocket.disconnect\"`"
            )
        else:
            message = (
                f"Receive loop in websocket handler `{self._handler}` has no `except WebSocketDisconnect`: "
                f"when the client leaves, `{spelled}()` raises it out of the handler, skipping the cleanup; "
                "wrap the loop in `try: ... except WebSocketDisconnect:`"
            )
        self.report(loop, message)

    # ------------------------------------------------------------ what counts as handling it

    def _resolve(self, expr: cst.BaseExpression):
        dotted = dotted_name(expr)
        if dotted is None:
            return _UNKNOWN
        symbol = self.ctx.project.resolve(self.ctx.model.facts, self._key, dotted)
        if symbol is None or symbol.qualname is None:
            return _UNKNOWN
        return canonical(symbol.qualname)

    def _handler_catches(self, handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
        if handler.type is None:
            return True  # bare except
        types = handler.type
        elements = [e.value for e in types.elements] if isinstance(types, cst.Tuple) else [types]
        for element in elements:
            qualname = self._resolve(element)
            if qualname is _UNKNOWN or qualname in _CATCHES_DISCONNECT:
                return True  # unknown names: stay silent
        return False

    def _suppresses(self, item: cst.BaseExpression) -> bool:
        if not isinstance(item, cst.Call) or self._resolve(item.func) not in _SUPPRESS:
            return False
        return any(self._resolve(arg.value) in _CATCHES_DISCONNECT for arg in item.args)

    @staticmethod
    def _checks_disconnect(loop: cst.While) -> bool:
        """The loop looks at the raw message type or the socket state, as ``receive()`` users must."""
        found = False

        class _Finder(cst.CSTVisitor):
            def visit_SimpleString(self, node: cst.SimpleString) -> None:
                nonlocal found
                if "websocket.disconnect" in node.value:
                    found = True

            def visit_Attribute(self, node: cst.Attribute) -> None:
                nonlocal found
                if node.attr.value in ("client_state", "application_state"):
                    found = True

        loop.visit(_Finder())
        return found
