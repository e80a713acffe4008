"""FAPI504 asyncclient-app-argument: `httpx.AsyncClient(app=...)` was removed in httpx 0.28;
use `transport=ASGITransport(app=...)`."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.fixes import Fix, Import, expression
from fastapi_lint.analysis.names import call_keyword, dotted_name
from fastapi_lint.analysis.qualnames import imported_package
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity


# ---------------------------------------------------------------- FAPI504

_TRANSPORTS = {
    "httpx.AsyncClient": "ASGITransport",
    "httpx._client.AsyncClient": "ASGITransport",
    "httpx.Client": "WSGITransport",
    "httpx._client.Client": "WSGITransport",
}


_HTTPX_CLIENTS = {
    "httpx.AsyncClient": "`transport=httpx.ASGITransport(app=...)`",
    "httpx._client.AsyncClient": "`transport=httpx.ASGITransport(app=...)`",
    "httpx.Client": "`transport=httpx.WSGITransport(app=...)` for a WSGI app, or `TestClient` for an ASGI app",
    "httpx._client.Client": "`transport=httpx.WSGITransport(app=...)` for a WSGI app, or `TestClient` for an "
    "ASGI app",
}


class AsyncClientAppArgument(Rule):
    code = "FAPI504"
    fix = Applicability.SAFE
    name = "asyncclient-app-argument"
    summary = "`httpx.AsyncClient(app=...)` was removed in httpx 0.28; use `transport=ASGITransport(app=...)`"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/async-tests/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.keyword_argument("app") and view.may_use("httpx")

    def visit_Call(self, node: cst.Call) -> None:
        if call_keyword(node, "app") is None:
            return
        qualname = self.ctx.qualname(node.func)
        advice = _HTTPX_CLIENTS.get(qualname or "")
        if advice is None:
            return
        spelled = dotted_name(node.func) or qualname
        package = self._package()
        if package != "httpx":  # a successor (httpx2) forked after the removal: never accepted
            advice = advice.replace("httpx.", f"{package}.")
            why = f"is not accepted by {package} (removed in httpx 0.28: TypeError)"
        else:
            why = "was deprecated in httpx 0.27 and removed in 0.28 (TypeError)"
        self.report(node, f"`{spelled}(app=...)` {why}; pass {advice}", fix=self._fix(node, qualname))

    def _package(self) -> str:
        """``httpx``, or the successor package (``httpx2``) this file uses instead."""
        return imported_package(self.ctx.model.facts.imported, "httpx")

    def _fix(self, node: cst.Call, qualname: str) -> Fix | None:
        """``app=X`` -> ``transport=ASGITransport(app=X)`` (``WSGITransport`` for the sync client): what
        httpx < 0.28 built from ``app=`` itself, so behaviour is unchanged."""
        if any(a.star for a in node.args) or call_keyword(node, "transport") is not None:
            return None  # `transport=` already wins over `app=` (or may hide in **kwargs)
        app_arg = call_keyword(node, "app")
        transport = _TRANSPORTS[qualname]
        if transport == "WSGITransport" and self.ctx.owner_kind(app_arg.value) is not None:
            return None  # an ASGI app in a sync client never worked: the answer is TestClient, not a rewrite
        spelled, imports = self._transport_spelling(node, transport)
        if spelled is None:
            return None
        wrapper = expression(f"{spelled}(app=_)", self.ctx.module)
        wrapper = wrapper.with_changes(args=[wrapper.args[0].with_changes(value=app_arg.value)])
        new_arg = app_arg.with_changes(keyword=cst.Name("transport"), value=wrapper)
        return Fix.replace(app_arg, new_arg, imports=imports)

    def _transport_spelling(self, node: cst.Call, transport: str) -> tuple[str | None, list[Import]]:
        """How this file can name ``httpx.<transport>``: through the module the client is spelled
        with (``httpx.AsyncClient`` -> ``httpx.ASGITransport``), an ``import httpx``, the class
        already imported, or a new ``from httpx import <transport>`` when the name is free."""
        candidates = []
        if isinstance(node.func, cst.Attribute):
            candidates.append(node.func.value)
        package = self._package()
        candidates.append(cst.Name(package))
        for module in candidates:
            if self.ctx.qualname(module) == "httpx" and dotted_name(module):
                return f"{dotted_name(module)}.{transport}", []
        bound = self.ctx.resolve(cst.Name(transport))
        if bound is None:
            return transport, [Import(package, transport)]
        qualname = self.ctx.qualname(cst.Name(transport)) or ""
        if qualname.startswith("httpx.") and qualname.endswith(f".{transport}"):
            return transport, []
        return None, []
