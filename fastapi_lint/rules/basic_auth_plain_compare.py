"""FAPI408 basic-auth-plain-compare: HTTP Basic credentials checked with ``==``."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.fastapi_names import DEPENDS_FUNCTIONS
from fastapi_lint.data.security import HTTP_BASIC_CREDENTIALS, HTTP_BASIC_FIELDS, HTTP_BASIC_SCHEMES
from fastapi_lint.analysis.facts import Ref
from fastapi_lint.analysis.names import literal_value
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.parameters import read_param

_EQUALITY = (cst.Equal, cst.NotEqual)


def _is_none_or_empty(node: cst.BaseExpression) -> bool:
    """``None`` / ``""``: a presence check, not a secret comparison."""
    try:
        return literal_value(node) in (None, "", b"")
    except ValueError:
        return False


class BasicAuthPlainCompare(Rule):
    code = "FAPI408"
    name = "basic-auth-plain-compare"
    summary = "HTTP Basic username/password compared with `==` instead of `secrets.compare_digest`"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/security/http-basic-auth/"
    # Credentials may be typed through an alias from another module, so look for the fields.

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions_part("username", "password")

    def __init__(self, ctx):
        super().__init__(ctx)
        self._credentials: dict[tuple[str, str], bool] = {}

    def visit_Comparison(self, node: cst.Comparison) -> None:
        left = node.left
        for target in node.comparisons:
            right = target.comparator
            if isinstance(target.operator, _EQUALITY):
                for side, other in ((left, right), (right, left)):
                    field = self._credential_field(side)
                    if field is not None and not _is_none_or_empty(other):
                        operator = "==" if isinstance(target.operator, cst.Equal) else "!="
                        self.report(
                            node,
                            f"`{field}` is compared with `{operator}`, which can leak through response timing "
                            "how much of it matched; use `secrets.compare_digest()` on the UTF-8 encoded values",
                        )
                        return
            left = right

    def _credential_field(self, node: cst.BaseExpression) -> str | None:
        if not (
            isinstance(node, cst.Attribute)
            and node.attr.value in HTTP_BASIC_FIELDS
            and isinstance(node.value, cst.Name)
        ):
            return None
        name = node.value.value
        if self._is_credentials(name):
            return f"{name}.{node.attr.value}"
        return None

    def _is_credentials(self, name: str) -> bool:
        facts = self.ctx.model.facts
        found = self.ctx.project._lookup(facts, self.ctx.scope_key, name)
        if found is None:
            return False
        scope, binding = found
        cache_key = (scope, name)
        if cache_key not in self._credentials:
            self._credentials[cache_key] = self._binding_is_credentials(scope, name, binding)
        return self._credentials[cache_key]

    def _binding_is_credentials(self, scope: str, name: str, binding) -> bool:
        project = self.ctx.project
        facts = self.ctx.model.facts
        if binding.kind == "value":  # `creds = HTTPBasicCredentials(...)`
            symbol = project.resolve(facts, scope, name)
            return bool(symbol and symbol.instance_of in HTTP_BASIC_CREDENTIALS)
        function = facts.functions.get(scope)
        if binding.kind != "param" or function is None:
            return False
        param = next((p for p in function.params if p.name == name), None)
        if param is None:
            return False
        read = read_param(project, facts, function.scope, param)
        if read.type in HTTP_BASIC_CREDENTIALS:
            return True
        if read.marker in DEPENDS_FUNCTIONS and read.marker_call is not None:
            # `credentials=Depends(security)` where `security = HTTPBasic()`
            scheme = read.marker_call.arg(0, "dependency")
            if isinstance(scheme, Ref):
                symbol = project.resolve(*read.home, scheme.dotted)
                return bool(symbol and project.is_subclass(symbol.instance_of, HTTP_BASIC_SCHEMES))
        return False
