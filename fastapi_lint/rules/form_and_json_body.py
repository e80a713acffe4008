"""FAPI211 form-and-json-body: form/file parameters and a JSON body in one signature."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.data.pydantic_v2 import PYDANTIC_MODELS
from fastapi_lint.analysis.parameters import (
    UPLOAD_FILES,
    cst_param,
    element_types,
    fastapi_params,
)
from fastapi_lint.analysis.parameters import SignatureParam

_FORM_MARKERS = frozenset({"fastapi.Form", "fastapi.File"})
_MAPPINGS = frozenset({
    "builtins.dict", "typing.Dict", "typing.Mapping", "typing.MutableMapping",
    "collections.abc.Mapping", "collections.abc.MutableMapping",
})


class FormAndJsonBody(Rule):
    code = "FAPI211"
    name = "form-and-json-body"
    summary = "Form/File parameters and a JSON body parameter in one path operation"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/request-forms-and-files/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has_functions_fastapi_calls

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = fastapi_params(self.ctx, node)
        form = next((p for p in params if self._is_form(p)), None)
        if form is None:
            return
        for param in params:
            if not self._is_json(param):
                continue
            cst_node = cst_param(node, param.name)
            if cst_node is None:
                continue
            self.report(
                cst_node,
                f"`{param.name}` is a JSON body parameter but `{form.name}` makes `{node.name.value}` read the "
                f"request as a multipart/urlencoded form, so `{param.name}` fails validation on every request; "
                f"declare it as form data (`Annotated[Model, Form()]`) or split the endpoint",
            )

    def _types(self, param: SignatureParam) -> list[tuple[str | None, bool]]:
        facts, scope = param.home
        return element_types(self.ctx.project, facts, scope, param.type_value)

    def _is_form(self, param: SignatureParam) -> bool:
        if param.marker in _FORM_MARKERS:
            return True
        if param.marker is not None:
            return False
        types = self._types(param)
        return bool(types) and all(name in UPLOAD_FILES for name, _ in types)

    def _is_json(self, param: SignatureParam) -> bool:
        """Read from a JSON body: a model (or list of models, or dict) with no marker or ``Body()``."""
        if param.marker not in (None, "fastapi.Body"):
            return False
        types = self._types(param)
        if not types:
            return False
        for name, in_sequence in types:
            if name is None:
                return False
            if self.ctx.project.is_subclass(name, PYDANTIC_MODELS):
                continue
            if name in _MAPPINGS and not in_sequence:
                continue
            return False
        return True
