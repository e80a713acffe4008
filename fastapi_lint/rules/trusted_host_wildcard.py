"""FAPI410 trusted-host-wildcard: ``TrustedHostMiddleware`` that trusts every host."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.security import TRUSTED_HOST_MIDDLEWARE
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.middleware import constant_value, middleware_call


class TrustedHostWildcard(Rule):
    code = "FAPI410"
    name = "trusted-host-wildcard"
    summary = "`TrustedHostMiddleware` allows every host (`\"*\"`), so it checks nothing"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/middleware/#trustedhostmiddleware"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions("TrustedHostMiddleware")

    def visit_Call(self, node: cst.Call) -> None:
        configured = middleware_call(self.ctx, node, TRUSTED_HOST_MIDDLEWARE, direct=True)
        if configured is None:
            return
        hosts = configured.argument("allowed_hosts", 0)
        if hosts is None:
            if configured.has_star_args:
                return  # `**options` may carry allowed_hosts
            self.report(
                node,
                "TrustedHostMiddleware without `allowed_hosts` defaults to `[\"*\"]` and accepts any Host "
                "header; pass the domain names this app serves",
            )
            return
        value = constant_value(self.ctx, hosts.value)
        if value is None or value == "*" or (isinstance(value, tuple) and "*" in value):
            spelled = "None" if value is None else "\"*\""
            self.report(
                hosts,
                f"TrustedHostMiddleware `allowed_hosts` contains {spelled}, so any Host header is accepted; "
                "list the domain names this app serves (a `*.example.com` pattern is fine)",
            )
