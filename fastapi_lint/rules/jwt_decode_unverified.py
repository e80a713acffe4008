"""FAPI404 jwt-decode-unverified: a JWT decoded without a pinned algorithm list, with the
``"none"`` algorithm allowed, or with signature verification turned off."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.data.security import (
    JWT_DECODERS,
    LOGGER_FACTORIES,
    LOGGER_METHODS,
    LOGGER_OBJECTS,
    LOGGING_FUNCTIONS,
    METRIC_FACTORIES,
    METRIC_METHODS,
)
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name, local_bindings
from fastapi_lint.analysis.file_view import FileView
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
    """``{"verify_signature": False}`` or ``dict(verify_signature=False)``, written in the call
    or held by a local or module-level name (``opts = {...}; jwt.decode(t, key, options=opts)``)."""
    if isinstance(options, cst.Name):
        return any(_disables_verification(ctx, value) for value in _dict_values_of(ctx, options.value))
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


def _dict_values_of(ctx: FileContext, name: str) -> list[cst.BaseExpression]:
    """What ``name`` is bound to in the enclosing function, else at module level: the values
    of its plain assignments, and ``{"key": value}`` for each ``name["key"] = value``."""
    function = ctx.function_node
    if isinstance(function, cst.FunctionDef):
        if any(p.name.value == name for p in _all_params(function.params)):
            return []
        bound, values = _bound_values(function.body, name)
        if bound:
            return values
    module = ctx.module
    if module is None:
        return []
    return [value for statement in module.body if isinstance(statement, (cst.SimpleStatementLine, cst.If, cst.Try))
            for value in _bound_values(statement, name)[1]]


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.append(star)
    return found


def _bound_values(body: cst.CSTNode, name: str) -> tuple[bool, list[cst.BaseExpression]]:
    """Whether ``body`` assigns ``name``, and the values: each plain assignment's, and
    ``{key: value}`` for each ``name[key] = value``."""
    bound, values = False, []
    for binding in local_bindings(body):
        if binding.kind not in ("assign", "annotated") or binding.value is None:
            continue
        target = binding.target
        if isinstance(target, cst.Name) and target.value == name:
            bound = True
            values.append(binding.value)
        elif (
            isinstance(target, cst.Subscript)
            and isinstance(target.value, cst.Name)
            and target.value.value == name
            and len(target.slice) == 1
            and isinstance(target.slice[0].slice, cst.Index)
        ):
            values.append(cst.Dict([cst.DictElement(target.slice[0].slice.value, binding.value)]))
    return bound, values


def _is_logger(ctx: FileContext, expr: cst.BaseExpression) -> bool:
    """``logger`` from ``logging.getLogger()``/``structlog.get_logger()``, loguru's ``logger``,
    the ``logging`` module, or ``logger.bind(...)`` of one of them."""
    if isinstance(expr, cst.Call):
        func = expr.func
        if ctx.qualname(func) in LOGGER_FACTORIES:
            return True
        return isinstance(func, cst.Attribute) and func.attr.value in ("bind", "opt", "getChild") and _is_logger(
            ctx, func.value
        )
    if not isinstance(expr, (cst.Name, cst.Attribute)):
        return False
    symbol = ctx.resolve(expr)
    if symbol is None:
        return False
    return symbol.qualname in LOGGER_OBJECTS or symbol.instance_of in LOGGER_FACTORIES


def _is_metric(ctx: FileContext, expr: cst.BaseExpression) -> bool:
    """A prometheus_client metric, or ``metric.labels(...)`` of one."""
    if isinstance(expr, cst.Call):
        func = expr.func
        return isinstance(func, cst.Attribute) and func.attr.value == "labels" and _is_metric(ctx, func.value)
    if not isinstance(expr, (cst.Name, cst.Attribute)):
        return False
    symbol = ctx.resolve(expr)
    return symbol is not None and symbol.instance_of in METRIC_FACTORIES


def records_only(ctx: FileContext, call: cst.Call) -> bool:
    """A call that only records its arguments: logging, ``print``, a metric update."""
    func = call.func
    if isinstance(func, cst.Attribute):
        method = func.attr.value
        if method in LOGGER_METHODS and _is_logger(ctx, func.value):
            return True
        if method in METRIC_METHODS and _is_metric(ctx, func.value):
            return True
        if method not in LOGGER_METHODS and method != "warn":
            return False
    elif not isinstance(func, cst.Name) or func.value not in ("print", "warn", *LOGGER_METHODS):
        return False
    return ctx.qualname(func) in LOGGING_FUNCTIONS


class _Uses(cst.CSTVisitor):
    """Counts the reads of one name: inside the arguments of a recording call, and elsewhere."""

    def __init__(self, ctx: FileContext, name: str) -> None:
        self.ctx = ctx
        self.name = name
        self.recording = 0
        self.logged = 0
        self.other = 0

    def visit_Call(self, node: cst.Call) -> bool:
        records = records_only(self.ctx, node)
        node.func.visit(self)
        self.recording += records
        for arg in node.args:
            arg.value.visit(self)
        self.recording -= records
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        if isinstance(node.target, cst.Name):
            return False  # a store, not a read
        return True

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        if not isinstance(node.target, cst.Name):
            node.target.visit(self)
        node.annotation.visit(self)
        if node.value is not None:
            node.value.visit(self)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            if self.recording:
                self.logged += 1
            else:
                self.other += 1


class JwtDecodeUnverified(Rule):
    code = "FAPI404"
    name = "jwt-decode-unverified"
    summary = "JWT decoded without `algorithms=`, with `\"none\"` allowed, or without signature verification"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.any_call(lambda site: view.qualname(site) in JWT_DECODERS)

    def __init__(self, ctx):
        super().__init__(ctx)
        self._labelled_unverified: set[int] = set()
        self._assigned: dict[int, str] = {}  # id(call) -> the local name its result is bound to
        self._recording: list[int] = []  # ids of the logging/metric calls being visited

    def visit_Assign(self, node: cst.Assign) -> None:
        """``unverified_claims = jwt.decode(..., options={"verify_signature": False})`` says
        what it is, like ``jwt.get_unverified_header()``."""
        if isinstance(node.value, cst.Call) and any(
            isinstance(t.target, cst.Name) and "unverified" in t.target.value.lower() for t in node.targets
        ):
            self._labelled_unverified.add(id(node.value))
        if isinstance(node.value, cst.Call) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._assigned[id(node.value)] = node.targets[0].target.value

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.value, cst.Call) and isinstance(node.target, cst.Name):
            self._assigned[id(node.value)] = node.target.value

    def leave_Call(self, original_node: cst.Call) -> None:
        if self._recording and self._recording[-1] == id(original_node):
            self._recording.pop()

    def _only_recorded(self, node: cst.Call) -> bool:
        """The decoded claims only feed logging or metrics: the call is an argument of a
        logging/metric call, or its result is bound to a local name that is read only there
        (at least once). A bare ``jwt.decode(...)`` statement is not: its only effect is the
        exception it raises, which is how code uses it as a (forgeable) validity check."""
        if self._recording:
            return True
        name = self._assigned.get(id(node))
        function = self.ctx.function_node
        if name is None or not isinstance(function, cst.FunctionDef):
            return False
        uses = _Uses(self.ctx, name)
        function.body.visit(uses)
        return uses.logged > 0 and uses.other == 0

    def visit_Call(self, node: cst.Call) -> None:
        try:
            self._decode(node)
        finally:
            if records_only(self.ctx, node):
                self._recording.append(id(node))

    def _decode(self, node: cst.Call) -> None:
        qualname = self.ctx.qualname(node.func)
        library = JWT_DECODERS.get(qualname) if qualname else None
        if library is None:
            return
        spelled = f"{dotted_name(node.func) or qualname}()"
        options = call_keyword(node, "options") or call_positional(node, _OPTIONS_POSITION)
        verify = call_keyword(node, "verify")
        if options is not None and _disables_verification(self.ctx, options.value):
            if id(node) in self._labelled_unverified or self._only_recorded(node):
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
