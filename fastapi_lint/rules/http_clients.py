"""FAPI104 client-per-request and FAPI105 http-call-without-timeout: outbound HTTP
clients built per request, and HTTP calls that can wait forever."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.coroutines import (
    HTTP_CLIENT_CLASSES,
    HTTPX_CLIENT_CLASSES,
    HTTPX_CLIENT_METHODS,
    HTTPX_FUNCTIONS,
    REQUESTS_FUNCTIONS,
    REQUESTS_SESSION_CLASSES,
    REQUESTS_SESSION_METHODS,
    REQUESTS_SESSION_REQUEST_TIMEOUT_INDEX,
)
from fastapi_lint.analysis.facts import CallValue, Ref
from fastapi_lint.analysis.names import call_keyword, canonical, dotted_name
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.rule import Rule, Severity

_CLIENT_CLASSES = frozenset(HTTP_CLIENT_CLASSES)
_CACHE_DECORATORS = frozenset({
    "functools.lru_cache", "functools.cache", "async_lru.alru_cache", "cachetools.cached",
    "aiocache.cached",
})


class ClientPerRequest(Rule):
    code = "FAPI104"
    name = "client-per-request"
    summary = "HTTP client (`httpx.AsyncClient`, `aiohttp.ClientSession` ...) created on every request"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/events/"
    triggers = ("httpx", "aiohttp")

    def visit_Call(self, node: cst.Call) -> None:
        function = self.ctx.function_node
        if not isinstance(function, cst.FunctionDef):
            return  # module level, class body or a lambda
        callee = self.ctx.callee(node)
        if callee is None or callee.receiver_type is not None or callee.qualname is None:
            return
        qualname = canonical(callee.qualname)
        spelled = HTTP_CLIENT_CLASSES.get(qualname)
        if spelled is None:
            if not self.ctx.project.is_subclass(qualname, _CLIENT_CLASSES):
                return
            spelled = dotted_name(node.func) or qualname
        key = self.ctx.key_of(function)
        model = self.ctx.model
        if model.is_endpoint(key):
            role = "path operation"
        elif model.is_dependency(key) and not self._is_cached(key):
            role = "dependency"
        else:
            return
        self.report(
            node,
            f"`{spelled}()` is created on every call of {role} `{function.name.value}`, paying a new "
            "connection pool and TLS handshakes per request; create one client in the lifespan and "
            "reuse it (via `app.state` or a dependency)",
        )

    def _is_cached(self, key: str) -> bool:
        """``@lru_cache``/``@cache`` dependencies run once, so their client is shared."""
        function = self.ctx.model.function(key)
        if function is None:
            return False
        for decorator in function.decorators:
            dotted = decorator.callee if isinstance(decorator, CallValue) else (
                decorator.dotted if isinstance(decorator, Ref) else None
            )
            if dotted is None:
                continue
            symbol = self.ctx.project.resolve(self.ctx.model.facts, function.scope, dotted)
            if symbol is not None and symbol.qualname and canonical(symbol.qualname) in _CACHE_DECORATORS:
                return True
        return False


class HttpCallWithoutTimeout(Rule):
    code = "FAPI105"
    name = "http-call-without-timeout"
    summary = "`requests` call without `timeout=`, or a `requests`/`httpx` call with `timeout=None`"
    severity = Severity.WARNING
    fastapi_docs = None
    triggers = ("requests", "httpx")

    def visit_Call(self, node: cst.Call) -> None:
        if any(arg.star == "**" for arg in node.args):
            return  # **kwargs may carry the timeout
        callee = self.ctx.callee(node)
        if callee is None:
            return
        kind = self._kind(callee)
        if kind is None:
            return
        library, spelled = kind
        if callee.receiver_type is not None and isinstance(node.func, cst.Attribute):
            receiver = dotted_name(node.func.value)
            if receiver is not None:
                spelled = f"{receiver}.{callee.attr}"
        timeout = call_keyword(node, "timeout")
        if timeout is not None:
            value = timeout.value
            if isinstance(value, cst.Name) and value.value == "None":
                self.report(
                    node,
                    f"`{spelled}(timeout=None)` disables the timeout, so a server that stops answering "
                    "hangs this call forever; pass a finite timeout",
                )
            return
        if library != "requests" or self._positional_timeout(node, callee):
            return
        self.report(
            node,
            f"`{spelled}()` has no `timeout=`: requests waits forever for a server that does not answer; "
            "pass `timeout=` (e.g. `timeout=10`)",
        )

    def _kind(self, callee: Symbol) -> tuple[str, str] | None:
        """``(library, spelling)`` when the call is a requests/httpx call this rule checks."""
        project = self.ctx.project
        if callee.receiver_type is not None:
            receiver = canonical(callee.receiver_type)
            short = receiver.rsplit(".", 1)[-1]
            # Exact class only: a project subclass of Session often sets a default timeout.
            if callee.attr in REQUESTS_SESSION_METHODS and receiver in REQUESTS_SESSION_CLASSES:
                return "requests", f"Session.{callee.attr}"
            if callee.attr in HTTPX_CLIENT_METHODS and project.is_subclass(receiver, HTTPX_CLIENT_CLASSES):
                return "httpx", f"{short}.{callee.attr}"
            return None
        if callee.qualname is None:
            return None
        qualname = canonical(callee.qualname)
        if qualname in REQUESTS_FUNCTIONS:
            return "requests", qualname.replace("requests.api.", "requests.")
        if qualname in HTTPX_FUNCTIONS:
            return "httpx", qualname
        if qualname in HTTPX_CLIENT_CLASSES:
            return "httpx", HTTP_CLIENT_CLASSES.get(qualname, qualname)
        return None

    @staticmethod
    def _positional_timeout(node: cst.Call, callee: Symbol) -> bool:
        """``session.request(method, url, params, data, headers, cookies, files, auth, timeout)``
        (or ``*args`` that may reach it)."""
        if callee.attr != "request":
            return False
        positional = [arg for arg in node.args if arg.keyword is None]
        if any(arg.star == "*" for arg in positional):
            return True
        return len(positional) > REQUESTS_SESSION_REQUEST_TIMEOUT_INDEX
