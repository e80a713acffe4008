"""FAPI221 secret-in-response-model: the response model of a path operation has a field named
like a credential (``password``, ``hashed_password``, ``secret_key``, ``api_key``...)."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.facts import Const
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import call_keyword, source_text
from fastapi_lint.analysis.pydantic import ModelField, fields_of_type
from fastapi_lint.analysis.route_nodes import is_none, route_decorators
from fastapi_lint.analysis.parameters import params_of
from fastapi_lint.data.credentials import PASSWORD_FIELDS, PASSWORD_HASH_FIELDS, SECRET_FIELDS
from fastapi_lint.rule import Rule, Severity

_FILTERS = ("response_model_include", "response_model_exclude")


def _normalised(name: str) -> str:
    out = []
    for index, char in enumerate(name):
        if char.isupper() and index and (name[index - 1].islower() or name[index - 1].isdigit()):
            out.append("_")
        out.append(char.lower())
    return "".join(out)


_TEXT = frozenset({"builtins.str", "builtins.bytes"})
_READS = frozenset({"GET", "HEAD"})


def _credential(field: ModelField, reads: bool, echoed: set[str]) -> bool:
    """A field named like a credential that holds text and is sent as it is: a password hash
    always, a plain password when the response echoes the request model, a secret or key when
    the operation reads it back."""
    name = _normalised(field.path[-1])
    if name in PASSWORD_HASH_FIELDS:
        pass
    elif name in PASSWORD_FIELDS:
        if field.root not in echoed:
            return False
    elif name in SECRET_FIELDS:
        if not reads:
            return False
    else:
        return False
    if field.excluded or field.transformed or not field.types:
        return False
    return all(t in _TEXT for t in field.types)  # not SecretStr, not a nested model, not a flag


class SecretInResponseModel(Rule):
    code = "FAPI221"
    name = "secret-in-response-model"
    summary = "The response model has a field named like a credential (`password`, `hashed_password`, `api_key`...)"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/response-model/#return-the-same-input-data"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("route")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        project, facts = self.ctx.project, self.ctx.model.facts
        for registration, _decorator, call in route_decorators(self.ctx, node):
            keyword = call_keyword(call, "response_model")
            if keyword is not None:
                if is_none(keyword.value):
                    continue
                target, value = keyword.value, registration.call.kwarg("response_model")
                function = self.ctx.model.function(self.ctx.key_of(node))
                home = (facts, function.scope if function else self.ctx.scope_key)
            elif node.returns is not None:
                function = self.ctx.model.function(self.ctx.key_of(node))
                if function is None:
                    continue
                target, value = node.returns.annotation, function.returns
                home = (facts, function.scope)
            else:
                continue
            filters = {}
            for name in _FILTERS:
                given = registration.call.kwarg(name)
                if registration.call.has_kwarg(name) and not (
                        isinstance(given, Const) and isinstance(given.value, tuple)
                        and all(isinstance(v, str) for v in given.value)):
                    filters = None  # not a literal set of names: cannot tell what is sent
                    break
                if given is not None:
                    filters[name] = set(given.value)
            if filters is None or any(name is None for name, _ in registration.call.kwargs):
                continue
            reads = bool(registration.methods) and set(registration.methods) <= _READS
            fields = fields_of_type(project, *home, value)
            echoed = self._body_models(node) if fields else set()
            leaked = [f for f in fields if _credential(f, reads, echoed) and _sent(f, filters)]
            if leaked:
                names = ", ".join(f"`{'.'.join(f.path)}`" for f in leaked[:3]) + (" ..." if len(leaked) > 3 else "")
                model = source_text(target, 40)
                self.report(
                    target,
                    f"The response model `{model}` of `{node.name.value}` has {names}, named like a credential: "
                    f"every response sends it to the client; use an output model without it, or mark the field "
                    f"`Field(exclude=True)`",
                )


    def _body_models(self, node: cst.FunctionDef) -> set[str]:
        function = self.ctx.model.function(self.ctx.key_of(node))
        if function is None:
            return set()
        return {
            param.type for param in params_of(self.ctx, function)
            if param.type and param.marker in (None, "fastapi.Body")
        }


def _sent(field: ModelField, filters: dict[str, set[str]]) -> bool:
    top = field.path[0]
    include = filters.get("response_model_include")
    if include is not None and top not in include:
        return False
    exclude = filters.get("response_model_exclude")
    return not (exclude is not None and len(field.path) == 1 and top in exclude)
