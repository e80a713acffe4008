"""FAPI501 on-event-deprecated: `on_event` / `on_startup` hooks are deprecated; use a
`lifespan`."""

from __future__ import annotations


import libcst as cst

from fastapi_lint.analysis.facts import MODULE_SCOPE
from fastapi_lint.fixes import Edit, Fix, Import, statement
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.rule import Applicability, FileContext, Severity
from fastapi_lint.analysis.event_hooks import HOOK_KEYWORDS, hooks_beyond_decorators, on_event_count
from fastapi_lint.analysis.event_hooks import EventHookRule


class OnEventDeprecated(EventHookRule):
    code = "FAPI501"
    name = "on-event-deprecated"
    requires = fix_requires = {"fastapi": ">=0.93"}  # lifespan= arrived (and on_event was deprecated) in FastAPI 0.93
    summary = "`on_event` / `on_startup` hooks are deprecated; use a `lifespan`"
    severity = Severity.WARNING
    fix = Applicability.UNSAFE

    def __init__(self, ctx):
        super().__init__(ctx)
        self._considered: set = set()  # apps whose first finding already got (or was refused) the fix

    def on_hook(self, node: cst.CSTNode, owner: Symbol, what: str) -> None:
        fix = None
        origin = owner.origin if owner is not None else None
        if origin is not None and origin not in self._considered:
            self._considered.add(origin)  # one fix per app, on its first finding; the engine re-lints after it
            if isinstance(node, cst.Decorator):
                fix = lifespan_fix(self.ctx, owner)
        self.report(
            node,
            f"{what} uses deprecated startup/shutdown events; move it into a `lifespan` context manager",
            fix=fix,
        )

    def on_constructor_hook(self, call: cst.Call, keyword: cst.Arg) -> None:
        self.report(
            keyword,
            f"`{keyword.keyword.value}=` is deprecated; pass one `lifespan=` async context manager instead",
        )


# ---------------------------------------------------------------- FAPI501 fix: generate a lifespan
#
# For ONE app constructed at module level of this module with a literal `FastAPI(...)` call and
# hooked only by `@app.on_event("startup"/"shutdown")` on module-level functions of this module:
#
#     @asynccontextmanager
#     async def lifespan(app: FastAPI):
#         await startup()            # every startup handler, in registration order
#         try:
#             yield
#         finally:
#             await shutdown()       # every shutdown handler, in registration order
#
# inserted right before `app = FastAPI(...)`, which gets `lifespan=lifespan`; the handlers stay
# where they are (looked up by name when the server starts), only their decorators go. The
# try/finally mirrors Starlette's default lifespan, which runs shutdown handlers on the way out
# whatever happened.

_EVENTS = ("startup", "shutdown")


class _ModuleBindings(cst.CSTVisitor):
    """How often each name is bound at module level (function and class bodies excluded), and
    the names some function declares ``global``."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.globals: set[str] = set()
        self._depth = 0

    def _bind(self, name: str) -> None:
        if self._depth == 0:
            self.counts[name] = self.counts.get(name, 0) + 1

    def _bind_target(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._bind(node.name.value)
        self._depth += 1
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._bind(node.name.value)
        self._depth += 1
        return True

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Global(self, node: cst.Global) -> None:
        self.globals.update(n.name.value for n in node.names)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._bind_target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._bind_target(node.name)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is None:
            self._bind((dotted_name(node.name) or "").split(".")[0])

    def visit_ImportStar(self, node: cst.ImportStar) -> None:
        self._bind("*")


def _event_of(decorator: cst.Decorator) -> str | None:
    call = decorator.decorator
    if not isinstance(call, cst.Call):
        return None
    arg = call_positional(call, 0) or call_keyword(call, "event_type")
    if arg is None or len(call.args) != 1 or not isinstance(arg.value, cst.SimpleString):
        return None
    event = arg.value.evaluated_value
    return event if event in _EVENTS else None


def _has_params(function: cst.FunctionDef) -> bool:
    params = function.params
    return bool(
        params.params or params.posonly_params or params.kwonly_params
        or isinstance(params.star_arg, cst.Param) or params.star_kwarg
    )


def lifespan_fix(ctx: FileContext, owner: Symbol) -> Fix | None:
    """The fix for every ``@app.on_event`` handler of ``owner``, or None when any condition fails."""
    module, facts, project = ctx.module, ctx.model.facts, ctx.project
    origin = owner.origin
    if module is None or origin is None or origin[0] != facts.module or origin[1] != MODULE_SCOPE:
        return None
    app_name = origin[2]
    if hooks_beyond_decorators(project, origin):
        return None
    bindings = _ModuleBindings()
    module.visit(bindings)
    if "*" in bindings.counts or bindings.counts.get(app_name) != 1 or app_name in bindings.globals:
        return None

    # the constructor statement: `app = FastAPI(...)` / `app: FastAPI = FastAPI(...)`
    app_line = call = None
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            continue
        small = stmt.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target, value = small.targets[0].target, small.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            target, value = small.target, small.value
        else:
            continue
        if isinstance(target, cst.Name) and target.value == app_name and isinstance(value, cst.Call):
            app_line, call = stmt, value
    if call is None:
        return None
    spelled = dotted_name(call.func)
    constructor = project.resolve(facts, MODULE_SCOPE, spelled) if spelled else None
    if constructor is None or canonical(constructor.qualname or "") != "fastapi.FastAPI":
        return None
    if any(a.star for a in call.args) or any(
        call_keyword(call, k) is not None for k in ("lifespan", *HOOK_KEYWORDS)
    ):
        return None

    # the handlers: module-level defs whose outermost decorator is `@app.on_event("startup"|"shutdown")`
    handlers: dict[str, list[cst.FunctionDef]] = {event: [] for event in _EVENTS}
    decorators: list[cst.Decorator] = []
    for stmt in module.body:
        if not isinstance(stmt, cst.FunctionDef):
            continue
        for position, decorator in enumerate(stmt.decorators):
            func = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else None
            if not (isinstance(func, cst.Attribute) and func.attr.value == "on_event"):
                continue
            receiver = dotted_name(func.value)
            symbol = project.resolve(facts, MODULE_SCOPE, receiver) if receiver else None
            if symbol is None or symbol.origin != origin:
                continue
            event = _event_of(decorator)
            name = stmt.name.value
            if (
                event is None or position != 0 or _has_params(stmt)
                or bindings.counts.get(name) != 1 or name in bindings.globals
            ):
                return None
            handlers[event].append(stmt)
            decorators.append(decorator)
    if not decorators or len(decorators) != on_event_count(project, origin):
        return None  # a handler elsewhere (nested, other module) would silently stop running

    # names the new code introduces
    if project.resolve(facts, MODULE_SCOPE, "lifespan") is not None:
        return None
    helper = project.resolve(facts, MODULE_SCOPE, "asynccontextmanager")
    if helper is not None and canonical(helper.qualname or "") != "contextlib.asynccontextmanager":
        return None
    imports = () if helper is not None else (Import("contextlib", "asynccontextmanager"),)

    def calls(event: str, indent: str) -> list[str]:
        return [
            f"{indent}{'await ' if f.asynchronous is not None else ''}{f.name.value}()" for f in handlers[event]
        ]

    lines = ["@asynccontextmanager", f"async def lifespan(app: {spelled}):", *calls("startup", "    ")]
    if handlers["shutdown"]:
        lines += ["    try:", "        yield", "    finally:", *calls("shutdown", "        ")]
    else:
        lines.append("    yield")
    lifespan = statement("\n".join(lines) + "\n", module)
    blank = [cst.EmptyLine(), cst.EmptyLine()]
    lifespan = lifespan.with_changes(leading_lines=blank)
    kept = [line for line in app_line.leading_lines if line.comment is not None]
    new_call = _with_keyword(call, cst.Arg(
        keyword=cst.Name("lifespan"), value=cst.Name("lifespan"),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    ))
    new_line = app_line.deep_replace(call, new_call).with_changes(leading_lines=[*blank, *kept])
    edits = [Edit(app_line, cst.FlattenSentinel([lifespan, new_line]))]
    edits += [Edit(decorator, cst.RemoveFromParent()) for decorator in decorators]
    return Fix(tuple(edits), Applicability.UNSAFE, imports)


def _with_keyword(call: cst.Call, new: cst.Arg) -> cst.Call:
    """``call`` with ``new`` appended, following the call's layout (one line, or one argument per
    line with or without a trailing comma)."""
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    separator = _separator(call)
    if isinstance(last.comma, cst.Comma):  # trailing comma: the new argument goes after it
        after = last.comma.whitespace_after
        if isinstance(after, cst.ParenthesizedWhitespace) and isinstance(separator, cst.ParenthesizedWhitespace):
            last = last.with_changes(comma=last.comma.with_changes(
                whitespace_after=after.with_changes(last_line=separator.last_line)
            ))
            closing = cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(), empty_lines=[], indent=after.indent, last_line=after.last_line
            )
            new = new.with_changes(comma=cst.Comma(whitespace_after=closing))
        else:
            last = last.with_changes(comma=last.comma.with_changes(whitespace_after=cst.SimpleWhitespace(" ")))
            new = new.with_changes(comma=cst.Comma(whitespace_after=after))
    else:
        before_paren = last.whitespace_after_arg
        if isinstance(before_paren, cst.ParenthesizedWhitespace) and isinstance(separator, cst.ParenthesizedWhitespace):
            # a comment after the last argument stays on its line
            separator = before_paren.with_changes(indent=separator.indent, last_line=separator.last_line)
            before_paren = cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(), empty_lines=[], indent=before_paren.indent,
                last_line=before_paren.last_line,
            )
        new = new.with_changes(whitespace_after_arg=before_paren)
        last = last.with_changes(
            comma=cst.Comma(whitespace_after=separator), whitespace_after_arg=cst.SimpleWhitespace("")
        )
    return call.with_changes(args=[*args[:-1], last, new])


def _separator(call: cst.Call) -> cst.BaseParenthesizableWhitespace:
    """The whitespace between two arguments: a fresh line at the arguments' indentation when
    the call puts one argument per line, else one space (comments are never copied)."""
    layouts = [call.whitespace_before_args]
    if len(call.args) >= 2 and isinstance(call.args[-2].comma, cst.Comma):
        layouts.insert(0, call.args[-2].comma.whitespace_after)
    for layout in layouts:
        if isinstance(layout, cst.ParenthesizedWhitespace):
            return cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(), empty_lines=[], indent=layout.indent, last_line=layout.last_line
            )
    return cst.SimpleWhitespace(" ")
