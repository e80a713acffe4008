"""FAPI411 request-data-to-dangerous-sink (opt-in): a path/query/body value of a path
operation flowing, unchecked, into a shell command, a code-running deserialiser, a
redirect target or the URL of an outbound HTTP request."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.taint import (
    DESERIALISERS,
    HTTP_CLIENT_CLASSES,
    HTTP_CLIENT_METHODS,
    HTTP_FUNCTIONS,
    REDIRECTS,
    SHELL_FUNCTIONS,
    YAML_LOAD,
    YAML_SAFE_LOADERS,
)
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Severity
from fastapi_lint.analysis.names import call_keyword
from fastapi_lint.analysis.qualnames import as_imported, canonical
from fastapi_lint.analysis.flow import (
    UPLOAD,
    Flow,
    FlowRule,
    Taint,
    arg_at,
    data,
    has_request_functions,
    request_sources,
    spelled,
    upload_sources,
)

_TOKENS = ("subprocess", "os.system", "popen", "pickle", "yaml", "Redirect", "requests", "httpx", "urlopen",
           "aiohttp", "marshal", "dill", "create_subprocess_shell", "run_process", "urllib", "jsonpickle",
           "shelve", "joblib", "torch")


class _SinkFlow(Flow):
    def attribute(self, node: cst.Attribute, base: Taint | None) -> Taint | None:
        if base is not None and base.kind == UPLOAD:
            return Taint(f"the uploaded file `{spelled(self.ctx, node.value)}`") if node.attr.value == "file" else None
        return super().attribute(node, base)

    def method(self, node, receiver, name, args):
        if receiver.kind == UPLOAD:
            return Taint(f"the uploaded file `{spelled(self.ctx, node.func.value)}`") if name == "read" else None
        return super().method(node, receiver, name, args)

    def on_call(self, node: cst.Call, receiver: Taint | None, args: list[Taint | None]) -> None:
        qualname = self.qualname(node.func)
        if qualname in SHELL_FUNCTIONS:
            self._shell(node, qualname)
        elif qualname in DESERIALISERS:
            position, keyword = DESERIALISERS[qualname]
            self._sink(node, arg_at(node, position, keyword), f"{qualname}()",
                       "which runs code embedded in the data; accept JSON or a Pydantic model instead")
        elif qualname in YAML_LOAD:
            loader = arg_at(node, 1, "Loader")
            if loader is not None and self.qualname(loader.value) in YAML_SAFE_LOADERS:
                return
            self._sink(node, arg_at(node, 0, "stream"), f"{qualname}()",
                       "which can build arbitrary Python objects without `SafeLoader`; use `yaml.safe_load()`")
        elif qualname in REDIRECTS:
            self._sink(node, arg_at(node, 0, "url"), "RedirectResponse()",
                       "so any site can be the redirect target (open redirect); redirect only to relative "
                       "paths or allow-listed hosts", url=True)
        else:
            where = self._http(node, qualname)
            if where is not None:
                (position, keyword), what = where
                self._sink(node, arg_at(node, position, keyword), what,
                           "so the server can be made to call any host, including internal ones (SSRF); "
                           "check the URL's host against an allow-list", url=True)

    def _shell(self, node: cst.Call, qualname: str) -> None:
        position, keyword, needs_shell = SHELL_FUNCTIONS[qualname]
        what = f"{qualname}()"
        if needs_shell:
            shell = call_keyword(node, "shell")
            if shell is None or not (isinstance(shell.value, cst.Name) and shell.value.value == "True"):
                return
            what = f"{qualname}(..., shell=True)"
        arg = arg_at(node, position, keyword)
        if arg is None or isinstance(arg.value, (cst.List, cst.Tuple)):
            return  # an argument list runs no shell
        self._sink(node, arg, what, "and is run by the shell (command injection); pass an argument list "
                   "without `shell=True`, or check the value against an allow-list")

    def _http(self, node: cst.Call, qualname: str | None):
        if qualname in HTTP_FUNCTIONS:
            return HTTP_FUNCTIONS[qualname], as_imported(f"{qualname}()", self.ctx.model.facts.imported)
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in HTTP_CLIENT_METHODS:
            return None
        callee = self.ctx.callee(node)
        if callee is None or callee.receiver_type is None:
            return None
        client = canonical(callee.receiver_type)
        if client not in HTTP_CLIENT_CLASSES:
            return None
        return HTTP_CLIENT_METHODS[func.attr.value], f"{client.rsplit('.', 1)[-1]}.{func.attr.value}()"

    def _sink(self, node: cst.Call, arg: cst.Arg | None, what: str, why: str, url: bool = False) -> None:
        if arg is None or arg.star:
            return
        taint = data(self.taint_of(arg.value))
        if taint is None:
            return
        if url and (taint.no_slash or not taint.head):
            return  # the value cannot choose the scheme and host
        self.report(node, f"`{what}` receives {taint.source}, {why}", taint.source)


class RequestDataToDangerousSink(FlowRule):
    code = "FAPI411"
    name = "request-data-to-dangerous-sink"
    summary = "Request data flows into a shell, a deserialiser, a redirect or an outbound URL"
    severity = Severity.ERROR
    default_enabled = False
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/query-params-str-validations/"


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return has_request_functions(view.model)

    def analyse(self, function, key):
        env = request_sources(self.ctx, key, plain_path=True)
        if self.ctx.model.is_endpoint(key):
            for name, taint in upload_sources(self.ctx.project, self.ctx.model, key).items():
                if taint.kind == UPLOAD:
                    env.setdefault(name, taint)
        if not env:
            return []
        flow = _SinkFlow(self.ctx, function, env)
        # A value the function compares or checks before use is taken as validated.
        return [f for f in flow.run() if flow.sources.get(id(f[0])) not in flow.checked]

