"""FAPI105 http-call-without-timeout: `requests` call without `timeout=`, or a
`requests`/`httpx` call with `timeout=None`."""

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
from fastapi_lint.analysis.names import call_keyword, dotted_name
from fastapi_lint.analysis.qualnames import as_imported, canonical
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity


class HttpCallWithoutTimeout(Rule):
    code = "FAPI105"
    name = "http-call-without-timeout"
    summary = "`requests` call without `timeout=`, or a `requests`/`httpx` call with `timeout=None`"
    severity = Severity.WARNING
    fastapi_docs = None

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        project = view.project

        def may_report(site) -> bool:
            kind = _kind(project, view.callee(site))
            # httpx has a default timeout: only an explicit `timeout=None` is reported there.
            return kind is not None and (kind[0] == "requests" or view.keyword_argument("timeout", value="None"))

        return view.any_call(may_report)

    def visit_Call(self, node: cst.Call) -> None:
        if any(arg.star == "**" for arg in node.args):
            return  # **kwargs may carry the timeout
        callee = self.ctx.callee(node)
        kind = _kind(self.ctx.project, callee)
        if kind is None or self.ctx.outside_server():
            return  # not an HTTP call, or a test's / a script's: no server waits on it
        library, spelled = kind
        spelled = as_imported(spelled, self.ctx.model.facts.imported)
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


def _kind(project, callee: Symbol | None) -> tuple[str, str] | None:
    """``(library, spelling)`` when the call is a requests/httpx call this rule checks."""
    if callee is None:
        return None
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
