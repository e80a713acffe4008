"""FAPI415 static-files-project-root: ``StaticFiles(directory=".")`` (or the directory of a
source file) serves the project's source code and ``.env`` to anyone."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastapi_lint.analysis.facts import CallValue, Const, ModuleFacts, Ref, Value
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import call_keyword, source_text
from fastapi_lint.rule import Rule, Severity

STATIC_FILES = frozenset({"starlette.staticfiles.StaticFiles", "fastapi.staticfiles.StaticFiles"})
_CWD_CALLS = frozenset({"os.getcwd", "os.getcwdb", "pathlib.Path.cwd"})
_PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.WindowsPath"})
_DIRNAME = frozenset({"os.path.dirname", "posixpath.dirname"})
_SAME_PATH = frozenset({"os.path.abspath", "os.path.realpath", "os.path.normpath", "os.fspath", "builtins.str"})
_SAME_PATH_METHODS = frozenset({"resolve", "absolute"})
_CWD_LITERALS = frozenset({".", "./", ".\\"})
_MAX_DEPTH = 8


@dataclass(frozen=True)
class _Dir:
    """What a path expression is: the working directory, or a module's file moved ``up`` levels."""

    cwd: bool = False
    up: int = 0
    facts: ModuleFacts | None = None  # the module whose ``__file__`` it starts from


class StaticFilesProjectRoot(Rule):
    code = "FAPI415"
    name = "static-files-project-root"
    summary = "`StaticFiles(directory=\".\")` (or a source directory) serves the source code and `.env`"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/static-files/"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._module_values: dict[str, cst.BaseExpression] = {}  # module-level NAME = expr seen so far

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.keyword_argument("directory") and view.may_use("starlette.staticfiles", "fastapi.staticfiles")

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.ctx.function_node is None and self.ctx.scope_key == "" and len(node.targets) == 1:
            target = node.targets[0].target
            if isinstance(target, cst.Name):
                self._module_values[target.value] = node.value

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self.ctx.scope_key == "" and isinstance(node.target, cst.Name) and node.value is not None:
            self._module_values[node.target.value] = node.value

    def visit_Call(self, node: cst.Call) -> None:
        arg = call_keyword(node, "directory")
        if arg is None:
            return
        callee = self.ctx.callee(node)
        if callee is None or callee.receiver_type is not None or callee.qualname is None:
            return
        if not self.ctx.project.is_subclass(callee.qualname, STATIC_FILES):
            return
        found = self._evaluate(arg.value, 0)
        if found is None:
            return
        where = _describe(found)
        if where is None:
            return
        self.report(
            arg,
            f"`StaticFiles(directory={source_text(arg.value)})` serves {where}: anyone can download the "
            f"Python source, `.env` and other configuration files; point it at a dedicated folder "
            f"(`directory=BASE_DIR / \"static\"`)",
        )

    # ------------------------------------------------------------ path expressions (libcst)

    def _evaluate(self, expr: cst.BaseExpression, depth: int) -> _Dir | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, cst.SimpleString):
            return _Dir(cwd=True) if expr.evaluated_value in _CWD_LITERALS else None
        if isinstance(expr, cst.Name) and expr.value == "__file__":
            return _Dir(up=0, facts=self.ctx.model.facts)
        if isinstance(expr, cst.Attribute) and expr.attr.value == "parent":
            inner = self._evaluate(expr.value, depth + 1)
            return _up(inner, 1)
        if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Attribute) and expr.value.attr.value == "parents":
            index = expr.slice[0].slice if len(expr.slice) == 1 else None
            if isinstance(index, cst.Index) and isinstance(index.value, cst.Integer):
                return _up(self._evaluate(expr.value.value, depth + 1), int(index.value.evaluated_value) + 1)
            return None
        if isinstance(expr, cst.Call):
            return self._evaluate_call(expr, depth)
        if isinstance(expr, (cst.Name, cst.Attribute)):
            return self._evaluate_name(expr, depth)
        return None

    def _evaluate_call(self, call: cst.Call, depth: int) -> _Dir | None:
        func = call.func
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        if isinstance(func, cst.Attribute) and func.attr.value in _SAME_PATH_METHODS and not call.args:
            return self._evaluate(func.value, depth + 1)  # Path(...).resolve()
        qualname = self.ctx.qualname(func)
        if qualname in _CWD_CALLS and not call.args:
            return _Dir(cwd=True)
        if qualname in _PATH_CLASSES:
            if not call.args:
                return _Dir(cwd=True)  # Path() is "."
            if len(call.args) == 1 and len(positional) == 1:
                return self._evaluate(positional[0], depth + 1)
            return None
        if len(call.args) == 1 and len(positional) == 1:
            if qualname in _DIRNAME:
                return _up(self._evaluate(positional[0], depth + 1), 1)
            if qualname in _SAME_PATH:
                return self._evaluate(positional[0], depth + 1)
        return None

    def _evaluate_name(self, expr: cst.Name | cst.Attribute, depth: int) -> _Dir | None:
        if isinstance(expr, cst.Attribute) and self.ctx.qualname(expr) == "os.curdir":
            return _Dir(cwd=True)
        if isinstance(expr, cst.Name):
            symbol = self.ctx.resolve(expr)
            if symbol is None or symbol.origin is None:
                return None
            module, scope, _ = symbol.origin
            if module == self.ctx.model.facts.module and scope == "" and expr.value in self._module_values:
                return self._evaluate(self._module_values[expr.value], depth + 1)
            if module != self.ctx.model.facts.module:
                facts = self.ctx.project.module_facts(module)
                if facts is not None and scope == "":
                    return _evaluate_value(self.ctx.project, facts, symbol.value or symbol.call, depth + 1)
        return None


# ------------------------------------------------------------ path expressions in another module (facts)


def _evaluate_value(project, facts: ModuleFacts, value: Value | None, depth: int) -> _Dir | None:
    """The same reading over the facts of another module (``from app.config import BASE_DIR``);
    facts keep calls and name chains, so ``os.path.dirname(os.path.abspath(__file__))`` and
    ``"."`` are read there, ``Path(__file__).parent`` is not (a miss, never a wrong finding)."""
    if depth > _MAX_DEPTH or value is None:
        return None
    if isinstance(value, Const):
        return _Dir(cwd=True) if value.value in _CWD_LITERALS else None
    if isinstance(value, Ref):
        return _Dir(up=0, facts=facts) if value.dotted == "__file__" else None
    if isinstance(value, CallValue) and value.callee is not None and len(value.args) == 1 and not value.kwargs:
        symbol = project.resolve(facts, "", value.callee)
        qualname = symbol.qualname if symbol is not None else None
        if qualname in _DIRNAME:
            return _up(_evaluate_value(project, facts, value.args[0], depth + 1), 1)
        if qualname in _SAME_PATH:
            return _evaluate_value(project, facts, value.args[0], depth + 1)
    if isinstance(value, CallValue) and value.callee is not None and not value.args and not value.kwargs:
        symbol = project.resolve(facts, "", value.callee)
        if symbol is not None and symbol.qualname in _CWD_CALLS:
            return _Dir(cwd=True)
    return None


def _up(found: _Dir | None, levels: int) -> _Dir | None:
    if found is None or found.cwd:
        return None  # Path(".").parent: above the working directory, unknown
    return _Dir(up=found.up + levels, facts=found.facts)


def _describe(found: _Dir) -> str | None:
    """Where the directory is, or None when it is not known to hold the project's source."""
    if found.cwd:
        return "the working directory the server starts in (the project root, when run from there)"
    facts = found.facts
    if facts is None or found.up == 0:
        return None  # the file itself (`directory=__file__` fails at startup)
    parts = facts.module.split(".")
    packages = len(parts) if facts.is_package else len(parts) - 1
    if found.up > packages + 1:
        return None  # above the directory the project is imported from: not known
    if found.up == packages + 1:
        return "the project's root directory (the one its modules are imported from)"
    directory = "/".join(parts[: packages - found.up + 1])
    return f"the package directory `{directory}/` with its source files"
