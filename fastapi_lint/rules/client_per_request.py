"""FAPI104 client-per-request: HTTP client (`httpx.AsyncClient`, `aiohttp.ClientSession`
...) created on every request."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.coroutines import HTTP_CLIENT_CLASSES
from fastapi_lint.analysis.facts import CallValue, Ref
from fastapi_lint.analysis.names import dotted_name
from fastapi_lint.analysis.qualnames import as_imported, canonical
from fastapi_lint.analysis.file_view import FileView
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

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        model, project = view.model, view.project
        return view.any_call(lambda site: site.function is not None
                             and _client_class(project, view.callee(site)) is not None
                             and (model.is_endpoint(site.function) or model.is_dependency(site.function)))

    def __init__(self, ctx):
        super().__init__(ctx)
        self._roles: dict[int, str | None] = {}  # id(def) -> what FastAPI calls it as, if anything

    def visit_Call(self, node: cst.Call) -> None:
        function = self.ctx.function_node
        if not isinstance(function, cst.FunctionDef):
            return  # module level, class body or a lambda
        role = self._role(function)
        if role is None:
            return
        found = _client_class(self.ctx.project, self.ctx.callee(node))
        if found is None:
            return
        qualname, spelled = found
        spelled = spelled or dotted_name(node.func) or qualname
        self.report(
            node,
            as_imported(f"`{spelled}()` is created on every call of {role} `{function.name.value}`, paying a new "
                        "connection pool and TLS handshakes per request; create one client in the lifespan and "
                        "reuse it (via `app.state` or a dependency)", self.ctx.model.facts.imported),
        )

    def _role(self, function: cst.FunctionDef) -> str | None:
        """What FastAPI calls the def as on every request (a path operation, a dependency
        whose result is not cached), None for any other def; asked once per def, so the
        calls of the others are never resolved."""
        if id(function) not in self._roles:
            key = self.ctx.key_of(function)
            model = self.ctx.model
            if model.is_endpoint(key):
                role = "path operation"
            elif model.is_dependency(key) and not self._is_cached(key):
                role = "dependency"
            else:
                role = None
            self._roles[id(function)] = role
        return self._roles[id(function)]

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


def _client_class(project, callee: Symbol | None) -> tuple[str, str | None] | None:
    """``(qualname, spelling)`` when the call creates an HTTP client (the spelling is None for
    a project subclass: the call's own is shown), else None."""
    if callee is None or callee.receiver_type is not None or callee.qualname is None:
        return None
    qualname = canonical(callee.qualname)
    spelled = HTTP_CLIENT_CLASSES.get(qualname)
    if spelled is None and not project.is_subclass(qualname, _CLIENT_CLASSES):
        return None
    return qualname, spelled
