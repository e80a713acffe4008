"""FAPI203 path-param-not-in-signature: `{name}` in a route path is not a parameter of the
endpoint or its dependencies."""

from __future__ import annotations

import keyword

import libcst as cst

from fastapi_lint.data.fastapi_names import HTTP_METHOD_DECORATORS
from fastapi_lint.analysis.facts import CallValue, Const, FunctionFacts
from fastapi_lint.fixes import Fix, Import, annotation_fix
from fastapi_lint.analysis.model import Registration
from fastapi_lint.analysis.names import call_keyword
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.analysis.url_templates import path_parameters
from fastapi_lint.analysis.dependencies import dependency_list, owner_class, owner_dependencies, router_prefix
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Applicability, Rule, Severity
from fastapi_lint.analysis.route_nodes import has_star_kwargs, literal_string, path_argument, route_decorators
from fastapi_lint.analysis.parameters import (
    DependencyCallable,
    SignatureParam,
    class_methods,
    dependencies,
    reads_attribute,
    signature,
)


_FASTAPI_OWNERS = frozenset({"fastapi.FastAPI", "fastapi.APIRouter"})


_PATH_OPERATIONS = HTTP_METHOD_DECORATORS | {"api_route"}


_CONVERTOR_TYPES = {"int": "int", "float": "float", "uuid": "UUID", "path": "str", "str": "str"}


_HTML_RESPONSES = frozenset({"starlette.responses.HTMLResponse"})


# ---------------------------------------------------------------- rules


def _names_used(node: cst.FunctionDef) -> set[str]:
    """Every name a def binds or reads in its parameters and body (not attribute names)."""
    found: set[str] = set()

    class Names(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

        def visit_Attribute(self, attribute: cst.Attribute) -> bool:
            attribute.value.visit(self)
            return False

        def visit_Arg(self, arg: cst.Arg) -> bool:
            arg.value.visit(self)  # ``f(name=...)``: a keyword, not a name
            return False

    try:
        node.params.visit(Names())
        node.body.visit(Names())
    except RecursionError:
        return {"*"}  # unknown: no fix
    return found


def _plain(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The same line break and indentation without comments."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return whitespace


def _with_parameter(params: cst.Parameters, new: cst.Param,
                    opening: cst.BaseParenthesizableWhitespace) -> cst.Parameters:
    """``params`` plus ``new``: the last positional-or-keyword parameter, or keyword-only (after
    ``*``, added when missing) when a parameter before it has a default. Commas and a multi-line
    layout (one parameter a line, trailing comma) follow the existing parameters."""
    positional = [*params.posonly_params, *params.params]
    keyword_only = any(p.default is not None for p in positional)
    slots: list[tuple[str, cst.CSTNode]] = [("posonly", p) for p in params.posonly_params]
    if isinstance(params.posonly_ind, cst.ParamSlash):
        slots.append(("slash", params.posonly_ind))
    slots += [("params", p) for p in params.params]
    if not isinstance(params.star_arg, cst.MaybeSentinel):
        slots.append(("star", params.star_arg))
    slots += [("kwonly", p) for p in params.kwonly_params]
    if params.star_kwarg is not None:
        slots.append(("star_kwarg", params.star_kwarg))
    # The separator between two parameters: an existing one, else one in the def's own style.
    commas = [node.comma for _, node in slots[:-1] if isinstance(node.comma, cst.Comma)]
    if commas:
        separator = commas[0].with_changes(whitespace_after=_plain(commas[0].whitespace_after))
    elif isinstance(opening, cst.ParenthesizedWhitespace):
        separator = cst.Comma(whitespace_after=_plain(opening))
    else:
        separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if keyword_only:
        index = next((i for i, (slot, _) in enumerate(slots) if slot == "star_kwarg"), len(slots))
        added = [("kwonly", new)]
        if isinstance(params.star_arg, cst.MaybeSentinel):
            added.insert(0, ("star", cst.ParamStar(comma=separator)))
    else:
        index = next((i for i, (slot, _) in enumerate(slots) if slot in ("star", "kwonly", "star_kwarg")),
                     len(slots))
        added = [("params", new)]
    if index < len(slots):
        added = [(slot, node.with_changes(comma=separator)) for slot, node in added]
    elif slots:
        # Appending after the old last parameter: it gets a separator, and what followed it
        # (a trailing comma, the line break before ``)``) now follows the new one.
        slot, last = slots[-1]
        tail = last.comma if isinstance(last.comma, cst.Comma) else None
        space = "whitespace_after_param" if isinstance(last, cst.Param) else "whitespace_after"  # ParamSlash
        after = tail.whitespace_after if tail is not None else getattr(last, space)
        last = last.with_changes(**{space: cst.SimpleWhitespace("")})
        if isinstance(after, cst.ParenthesizedWhitespace) and isinstance(separator.whitespace_after,
                                                                          cst.ParenthesizedWhitespace):
            # One parameter a line: the old last keeps its line comment.
            between = after.with_changes(indent=separator.whitespace_after.indent,
                                         last_line=separator.whitespace_after.last_line)
            last = last.with_changes(comma=separator.with_changes(whitespace_after=between))
            closing = _plain(after)
            if tail is not None:
                ending = {"comma": tail.with_changes(whitespace_after=closing)}
            else:
                ending = {"comma": cst.MaybeSentinel.DEFAULT, "whitespace_after_param": closing}
        else:
            last = last.with_changes(comma=separator)
            ending = {"comma": tail} if tail is not None else {"whitespace_after_param": after}
        slots[-1] = (slot, last)
        added = [(slot, node.with_changes(comma=separator)) for slot, node in added[:-1]] + [
            (added[-1][0], added[-1][1].with_changes(**ending))
        ]
    else:
        added = [(slot, node.with_changes(comma=separator)) for slot, node in added[:-1]] + added[-1:]
    slots[index:index] = added
    return params.with_changes(
        posonly_params=[n for slot, n in slots if slot == "posonly"],
        params=[n for slot, n in slots if slot == "params"],
        star_arg=next((n for slot, n in slots if slot == "star"), cst.MaybeSentinel.DEFAULT),
        kwonly_params=[n for slot, n in slots if slot == "kwonly"],
    )


def _alias(param: SignatureParam) -> str | None:
    if param.marker_call is None:
        return None
    value = param.marker_call.kwarg("alias")
    return value.value if isinstance(value, Const) and isinstance(value.value, str) else None


class PathParamNotInSignature(Rule):
    code = "FAPI203"
    name = "path-param-not-in-signature"
    summary = "`{name}` in a route path is not a parameter of the endpoint or its dependencies"
    severity = Severity.WARNING
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/path-params/"
    fix = Applicability.UNSAFE


    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.has("route")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        function = self.ctx.model.function(self.ctx.key_of(node))
        if function is None:
            return
        for registration, _decorator, call in route_decorators(self.ctx, node):
            method = registration.call.callee.rsplit(".", 1)[-1] if registration.call.callee else ""
            if method not in _PATH_OPERATIONS or has_star_kwargs(call):
                continue
            if owner_class(registration.owner) not in _FASTAPI_OWNERS:
                continue  # a Starlette app or an APIRouter subclass: unknown behaviour
            path_arg = path_argument(call)
            path = literal_string(path_arg.value) if path_arg is not None else None
            if path is None:
                continue
            prefix = router_prefix(registration.owner)
            wanted = [(p, False) for p in path_parameters(path)] + [(p, True) for p in path_parameters(prefix)]
            if not wanted:
                continue
            if self._renders_html(node, call, function):
                continue  # a page route: the page's own scripts read the URL
            found = self._consumed(function, registration)
            if found is None:
                continue
            consumed, callables = found
            if any(p.name not in consumed for p, _ in wanted) and self._reads_path_params(callables):
                continue
            for param, from_prefix in wanted:
                if param.name in consumed:
                    continue
                where = f"the router prefix `{prefix}`" if from_prefix else f"`{path}`"
                kind = _CONVERTOR_TYPES.get(param.convertor, "str")
                self.report(
                    path_arg.value,
                    f"Path parameter `{param.name}` of {where} is not a parameter of `{node.name.value}` "
                    f"or its dependencies; add `{param.name}: {kind}` to the endpoint",
                    fix=annotation_fix(self.ctx, self._add_parameter(node, param.name, kind)),
                )
                consumed.add(param.name)

    def _add_parameter(self, node: cst.FunctionDef, name: str, kind: str) -> Fix | None:
        """Unsafe: the endpoint gains a parameter ``name: kind`` that it does not use yet."""
        if not name.isidentifier() or keyword.iskeyword(name) or name in _names_used(node):
            return None
        if node.params.posonly_params:
            return None  # positional-only parameters in an endpoint: leave the signature alone
        # The annotation is evaluated where the def statement is: the name must mean the type.
        wanted = "uuid.UUID" if kind == "UUID" else f"builtins.{kind}"
        symbol = self.ctx.resolve(cst.Name(kind))
        imports: tuple[Import, ...] = ()
        if symbol is None and kind == "UUID" and not self.ctx.model.facts.star_imports:
            imports = (Import("uuid", "UUID"),)
        elif symbol is None or symbol.qualname is None or canonical(symbol.qualname) != wanted:
            return None
        elif symbol.instance_of or symbol.attr:
            return None
        new = cst.Param(cst.Name(name), cst.Annotation(cst.Name(kind)))
        params = _with_parameter(node.params, new, node.whitespace_before_params)
        return Fix.replace(node.params, params, unsafe=True, imports=imports)

    def _renders_html(self, node: cst.FunctionDef, call: cst.Call, function: FunctionFacts) -> bool:
        """A page (HTML response class or annotation, or a template rendered): the value of
        a path parameter is often meant for the page's client-side code, not the server."""
        response_class = call_keyword(call, "response_class")
        if response_class is not None and self.ctx.qualname(response_class.value) in _HTML_RESPONSES:
            return True
        if node.returns is not None and self.ctx.qualname(node.returns.annotation) in _HTML_RESPONSES:
            return True
        return any(
            isinstance(value, CallValue) and (value.callee or "").endswith("TemplateResponse")
            for value in function.return_values
        )

    def _reads_path_params(self, callables: list[DependencyCallable]) -> bool:
        """The endpoint or a dependency (also the other of a class dependency's ``__init__`` and
        ``__call__``), or a project function they call two calls deep, reads ``.path_params``."""
        project = self.ctx.project
        every = [*callables, *(m for c in callables for m in class_methods(project, c))]
        return any(reads_attribute(project, c.facts, c.function, "path_params") for c in every)

    def _consumed(self, function: FunctionFacts,
                  registration: Registration) -> tuple[set[str], list[DependencyCallable]] | None:
        """Names the endpoint and its dependencies read, and the functions FastAPI calls
        (the endpoint first); None when that cannot be told."""
        project, facts = self.ctx.project, self.ctx.model.facts
        route_dependencies = dependency_list(registration.call.kwarg("dependencies"), facts, function.scope)
        owner = owner_dependencies(project, registration.owner)
        if route_dependencies is None or owner is None:
            return None
        found = dependencies(project, facts, function, tuple(route_dependencies + owner))
        if found is None:
            return None
        names: set[str] = set()
        called = [DependencyCallable(facts, function), *(d for d in found if d.function is not None)]
        callables = [(function, signature(project, facts, function))]
        callables += [(d.function, d.parameters(project)) for d in called[1:]]
        for facts_function, params in callables:
            if any(p.kind == "kwarg" for p in facts_function.params):
                return None  # **kwargs: FastAPI ignores it, but the author may expect anything
            for param in params:
                names.add(param.name)
                alias = _alias(param)
                if alias:
                    names.add(alias)
        return names, called
