"""FAPI308 model-loaded-per-request: model weights loaded inside a path operation or an uncached
dependency (``joblib.load``, ``torch.load``, ``AutoModel.from_pretrained``...): seconds and a
copy of the weights per request; load once in the lifespan."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.dependencies import is_cache_decorator
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.parameters import fastapi_function
from fastapi_lint.data.ml_models import MODEL_LOADERS, PRETRAINED_METHODS, PRETRAINED_PACKAGES
from fastapi_lint.rule import Rule, Severity

_WORDS = ("load", "from_pretrained", "SentenceTransformer", "CrossEncoder", "pipeline", "load_model",
          "InferenceSession")


class ModelLoadedPerRequest(Rule):
    code = "FAPI308"
    name = "model-loaded-per-request"
    summary = "Model weights loaded on every request; load them once in the lifespan"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/events/#use-case"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions(*_WORDS) and view.has_functions_fastapi_calls

    def __init__(self, ctx):
        super().__init__(ctx)
        # per enclosing def: (role, names declared global/nonlocal) or None
        self._frames: list[tuple[str, set[str]] | None] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.append(self._role(node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._frames.pop()

    def _role(self, node: cst.FunctionDef) -> tuple[str, set[str]] | None:
        function = fastapi_function(self.ctx, node)
        if function is None:
            return None
        key = self.ctx.key_of(node)
        model = self.ctx.model
        if model.is_endpoint(key):
            role = "path operation"
        elif model.is_websocket_handler(key):
            return None  # one load per connection, not per message
        else:
            facts = model.facts
            if any(is_cache_decorator(self.ctx.project, facts, function.scope, d) for d in function.decorators):
                return None  # @lru_cache: loaded once
            role = "dependency"
        return f"{role} `{node.name.value}`", set()

    def visit_Global(self, node: cst.Global) -> None:
        frame = self._frames[-1] if self._frames else None
        if frame is not None:
            frame[1].update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        frame = self._frames[-1] if self._frames else None
        if frame is not None:
            frame[1].update(item.name.value for item in node.names)

    def visit_Call(self, node: cst.Call) -> None:
        frame = self._frames[-1] if self._frames else None
        if frame is None or self.ctx.function_node is None or not isinstance(self.ctx.function_node, cst.FunctionDef):
            return
        if not self._loads_a_model(node) or self._cached(node, frame[1]):
            return
        spelled = dotted_name(node.func) or "the loader"
        self.report(
            node,
            f"`{spelled}(...)` loads model weights every time {frame[0]} runs: seconds and a fresh copy of the "
            f"weights in memory per request; load the model once in the lifespan (on `app.state`) or in an "
            f"`@lru_cache` dependency",
        )

    def _loads_a_model(self, call: cst.Call) -> bool:
        callee = self.ctx.callee(call)
        if callee is None or callee.receiver_type is not None or callee.qualname is None:
            return False
        qualname = canonical(callee.qualname)
        if qualname in MODEL_LOADERS:
            return True
        owner, _, method = qualname.rpartition(".")
        return method in PRETRAINED_METHODS and owner.split(".")[0] in PRETRAINED_PACKAGES

    def _cached(self, call: cst.Call, shared: set[str]) -> bool:
        """The loaded model is kept beyond the request: assigned to a global, an attribute
        (``app.state.model``) or a mapping (``models[name]``): a lazy load, done once."""
        statement = self.ctx.current_statement
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        for small in statement.body:
            if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is call:
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                return all(_kept(t, shared) for t in targets)
        return False


def _kept(target: cst.BaseExpression, shared: set[str]) -> bool:
    if isinstance(target, cst.Name):
        return target.value in shared
    if isinstance(target, (cst.Attribute, cst.Subscript)):
        root = target
        while isinstance(root, (cst.Attribute, cst.Subscript)):
            root = root.value
        # `self.model = ...` in a dependency class's __init__ runs per request too
        return not (isinstance(root, cst.Name) and root.value == "self")
    return False
