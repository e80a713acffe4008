"""FAPI404 jwt-decode-unverified: a JWT decoded without a pinned algorithm list, with the
``"none"`` algorithm allowed, or with signature verification turned off."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.security import JWT_DECODERS
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name
from fastapi_lint.analysis.file_view import FileView, packages_of
from fastapi_lint.rule import FileContext, Rule, Severity
from fastapi_lint.analysis.middleware import UNKNOWN, constant_value

_ALGORITHMS_POSITION = 2
_OPTIONS_POSITION = 3


def _algorithms(ctx: FileContext, node: cst.BaseExpression) -> list | object:
    """The algorithm names a value lists (unknown items skipped), None for ``None``, or UNKNOWN."""
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        values = []
        for element in node.elements:
            if isinstance(element, cst.Element):
                value = constant_value(ctx, element.value)
                if isinstance(value, str):
                    values.append(value)
        return values
    value = constant_value(ctx, node)
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [v for v in value if isinstance(v, str)]
    return UNKNOWN


def _disables_verification(ctx: FileContext, options: cst.BaseExpression) -> bool:
    """``{"verify_signature": False}`` or ``dict(verify_signature=False)``."""
    if isinstance(options, cst.Dict):
        for element in options.elements:
            if (
                isinstance(element, cst.DictElement)
                and constant_value(ctx, element.key) == "verify_signature"
                and constant_value(ctx, element.value) is False
            ):
                return True
        return False
    if isinstance(options, cst.Call) and ctx.qualname(options.func) == "builtins.dict":
        flag = call_keyword(options, "verify_signature")
        return flag is not None and constant_value(ctx, flag.value) is False
    return False


class JwtDecodeUnverified(Rule):
    code = "FAPI404"
    name = "jwt-decode-unverified"
    summary = "JWT decoded without `algorithms=`, with `\"none\"` allowed, or without signature verification"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.may_use(*packages_of(JWT_DECODERS))

    def __init__(self, ctx):
        super().__init__(ctx)
        self._labelled_unverified: set[int] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        """``unverified_claims = jwt.decode(..., options={"verify_signature": False})`` says
        what it is, like ``jwt.get_unverified_header()``."""
        if isinstance(node.value, cst.Call) and any(
            isinstance(t.target, cst.Name) and "unverified" in t.target.value.lower() for t in node.targets
        ):
            self._labelled_unverified.add(id(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        qualname = self.ctx.qualname(node.func)
        library = JWT_DECODERS.get(qualname) if qualname else None
        if library is None:
            return
        spelled = f"{dotted_name(node.func) or qualname}()"
        options = call_keyword(node, "options") or call_positional(node, _OPTIONS_POSITION)
        verify = call_keyword(node, "verify")
        if options is not None and _disables_verification(self.ctx, options.value):
            if id(node) in self._labelled_unverified:
                return
            self.report(
                options,
                f"`{spelled}` with `\"verify_signature\": False` accepts tokens anyone can forge; verify the "
                "signature with your key and an explicit `algorithms=[...]` list",
            )
            return
        if verify is not None and constant_value(self.ctx, verify.value) is False:
            self.report(
                verify,
                f"`{spelled}` with `verify=False` skips the signature check (PyJWT 1) or is silently ignored "
                "(PyJWT 2); remove it and verify with your key and an explicit `algorithms=[...]` list",
            )
            return
        algorithms = call_keyword(node, "algorithms") or call_positional(node, _ALGORITHMS_POSITION)
        if algorithms is None:
            if any(arg.star for arg in node.args):
                return  # `**kwargs` may carry algorithms
            self._missing(node, spelled, library)
            return
        names = _algorithms(self.ctx, algorithms.value)
        if names is None:
            self._missing(algorithms, spelled, library)
        elif names is not UNKNOWN and any(name.strip().lower() == "none" for name in names):
            self.report(
                algorithms,
                f"`{spelled}` allows the `\"none\"` algorithm, which accepts unsigned tokens; list only the "
                "algorithm you sign with, e.g. `algorithms=[\"HS256\"]`",
            )

    def _missing(self, node: cst.CSTNode, spelled: str, library: str) -> None:
        if library == "PyJWT":
            why = "raises on PyJWT 2 and trusts the token's own `alg` header on PyJWT 1"
        else:
            why = "accepts whatever algorithm the token's header names (algorithm confusion)"
        self.report(
            node,
            f"`{spelled}` without `algorithms=` {why}; pass the algorithm you sign with, "
            "e.g. `algorithms=[\"HS256\"]`",
        )
