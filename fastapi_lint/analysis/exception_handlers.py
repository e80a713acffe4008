"""Exception handlers across the project: which apps already handle Starlette's
``HTTPException`` (FAPI505's fix must not add a competing handler), and which functions
are registered for every unexpected error (``Exception``/``BaseException``/500, FAPI409)."""

from __future__ import annotations

from fastapi_lint.analysis.event_hooks import is_given
from fastapi_lint.analysis.facts import CallValue, Const, ModuleFacts, Ref
from fastapi_lint.analysis.model import ModuleModel
from fastapi_lint.analysis.qualnames import canonical
from fastapi_lint.data.pydantic_v2 import EXPLICIT_VALIDATION_FUNCTIONS, EXPLICIT_VALIDATION_METHODS
from fastapi_lint.data.security import BROAD_EXCEPTIONS, BROAD_STATUS_CODES
from fastapi_lint.data.status_codes import status_code_of
from fastapi_lint.project import Project, module_share, query

FASTAPI_HTTP_EXCEPTION = "fastapi.HTTPException"
STARLETTE_HTTP_EXCEPTION = "starlette.exceptions.HTTPException"
CLASS_KEYWORD = "exc_class_or_status_code"

# ---------------------------------------------------------------- project-wide: owners that already
# have a handler for Starlette's class (the fix would make two handlers compete for one key)

# Besides binding origins, the set holds UNKNOWN_OWNER when such a handler is registered on an app
# that cannot be identified (e.g. a function's `app` parameter), and SOME_DICT when some app is
# built with an `exception_handlers=` dict (which the first pass does not read).
UNKNOWN_OWNER = "<unknown app>"
SOME_DICT = "<exception_handlers dict>"


def starlette_handled(project: Project) -> frozenset:
    return project.memo(("starlette_handled",), lambda: _find_starlette_handled(project))


@query
def starlette_handler_may_exist(project: Project, origin: tuple | None) -> bool:
    """Whether a handler for Starlette's ``HTTPException`` may already be registered on the
    app bound at ``origin`` (None: an app that cannot be told, which any such handler may
    be). A small answer: the file asking does not depend on every module scanned."""
    handled = starlette_handled(project)
    if UNKNOWN_OWNER in handled:
        return True
    return bool(handled) if origin is None else origin in handled


def _find_starlette_handled(project: Project) -> frozenset:
    return frozenset().union(*(owners for _, owners in project.shares("starlette_handled_in")))


@module_share("starlette_handled_in")
def _module_starlette_handled(project: Project, module: str) -> frozenset:
    owners: set = set()
    facts = project.modules[module]

    def note(scope: str, call) -> None:
        receiver = (call.callee or "").rpartition(".")[0]
        exc_class = call.arg(0, CLASS_KEYWORD)
        if not receiver or not isinstance(exc_class, Ref):
            return
        symbol = project.resolve(facts, scope, exc_class.dotted)
        if symbol is None or canonical(symbol.qualname or "") != STARLETTE_HTTP_EXCEPTION:
            return
        owner = project.resolve(facts, scope, receiver)
        owners.add(owner.origin if owner is not None and owner.origin is not None else UNKNOWN_OWNER)

    for function in facts.functions.values():
        for decorator in function.decorators:
            callee = getattr(decorator, "callee", None) or ""
            if callee.endswith(".exception_handler"):
                note(function.scope, decorator)
    for scoped in facts.calls:
        if (scoped.call.callee or "").endswith(".add_exception_handler"):
            note(scoped.scope, scoped.call)
        elif is_given(scoped.call.kwarg("exception_handlers")):
            owners.add(SOME_DICT)
    return frozenset(owners)


# ---------------------------------------------------------------- broad handlers (FAPI409)


def is_broad(project: Project, facts: ModuleFacts, scope: str, value) -> bool:
    if isinstance(value, Const):
        return value.value in BROAD_STATUS_CODES
    if isinstance(value, Ref):
        symbol = project.resolve(facts, scope, value.dotted)
        qualname = canonical(symbol.qualname) if symbol and symbol.qualname else ""
        return qualname in BROAD_EXCEPTIONS or qualname.endswith(".HTTP_500_INTERNAL_SERVER_ERROR")
    return False


@query(kept=False)
def is_broad_handler(project: Project, qualname: str) -> bool:
    """Whether ``add_exception_handler(Exception, f)`` registers this function anywhere."""
    return qualname in project.memo(("broad_handlers",), lambda: _broad_handlers(project))


def _broad_handlers(project: Project) -> frozenset[str]:
    return frozenset().union(*(names for _, names in project.shares("broad_handlers_in")))


@module_share("broad_handlers_in")
def _module_broad_handlers(project: Project, module: str) -> frozenset[str]:
    names = set()
    facts = project.modules[module]
    for scoped in facts.calls:
        call = scoped.call
        if not call.callee or not call.callee.endswith(".add_exception_handler"):
            continue
        owner = project.resolve(facts, scoped.scope, call.callee.rpartition(".")[0])
        if project.kind_of(owner) is None:
            continue
        if not is_broad(project, facts, scoped.scope, call.arg(0, CLASS_KEYWORD)):
            continue
        handler = project.ref_qualname(facts, scoped.scope, call.arg(1, "handler"))
        if handler:
            names.add(handler)
    return frozenset(names)


def handled_broadly(model: ModuleModel, key: str) -> bool:
    function = model.function(key)
    for registration in model.registrations_of(key, "exception_handler"):
        if registration.decorator_index is not None and isinstance(registration.call, CallValue):
            if is_broad(model.project, model.facts, function.scope,
                         registration.call.arg(0, CLASS_KEYWORD)):
                return True
    return is_broad_handler(model.project, model.facts.qualname_of_key(key))


# ---------------------------------------------------------------- which classes a function handles
# (FAPI222: the request-validation handler; FAPI223: a handler for Pydantic's ValidationError)

REQUEST_VALIDATION_ERROR = "fastapi.exceptions.RequestValidationError"


@query
def exceptions_handled_by(project: Project, qualname: str) -> frozenset[str]:
    """The exception classes (canonical qualnames) the function ``qualname`` is registered
    for anywhere in the project, by ``@app.exception_handler(E)`` or
    ``app.add_exception_handler(E, f)`` (``exception_handlers={...}`` dicts are not read by
    the first pass: rules also look at the handler's parameter annotations)."""
    handled = project.memo(("exceptions_handled",), lambda: _exceptions_handled(project), {})
    return handled.get(qualname, frozenset())


def _exceptions_handled(project: Project) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for _, pairs in project.shares("exceptions_handled_in"):
        for handler, handled in pairs:
            found.setdefault(handler, set()).add(handled)
    return {name: frozenset(classes) for name, classes in found.items()}


@module_share("exceptions_handled_in")
def _module_exceptions_handled(project: Project, module: str) -> tuple[tuple[str, str], ...]:
    """One module's share: (handler qualname, exception class) of each registration in it."""
    found: list[tuple[str, str]] = []

    def note(facts: ModuleFacts, scope: str, exc_class, handler: str | None) -> None:
        if not handler or not isinstance(exc_class, Ref):
            return
        symbol = project.resolve(facts, scope, exc_class.dotted)
        if symbol is not None and symbol.qualname:
            found.append((handler, canonical(symbol.qualname)))

    facts = project.modules[module]
    for function in facts.functions.values():
        for decorator in function.decorators:
            if isinstance(decorator, CallValue) and (decorator.callee or "").endswith(".exception_handler"):
                note(facts, function.scope, decorator.arg(0, CLASS_KEYWORD), facts.qualname_of_key(function.key))
    for scoped in facts.calls:
        call = scoped.call
        if not (call.callee or "").endswith(".add_exception_handler"):
            continue
        handler = call.arg(1, "handler")
        if isinstance(handler, Ref):
            target = project.resolve(facts, scoped.scope, handler.dotted)
            if target is not None and target.project_ref is not None and target.qualname:
                note(facts, scoped.scope, call.arg(0, CLASS_KEYWORD), target.qualname)
    return tuple(found)


@query
def request_validation_handled(project: Project) -> bool:
    """Whether some function of the project handles ``RequestValidationError``: registered for it
    by decorator or ``add_exception_handler``, or taking a parameter annotated with it (the
    handlers of ``exception_handlers={...}`` dicts)."""
    handled = project.memo(("exceptions_handled",), lambda: _exceptions_handled(project), {})
    if any(REQUEST_VALIDATION_ERROR in classes for classes in handled.values()):
        return True
    return any(takes for _, takes in project.shares("takes_validation_error_in"))


@module_share("takes_validation_error_in")
def _takes_validation_error(project: Project, module: str) -> bool:
    facts = project.modules[module]
    for function in facts.functions.values():
        for param in function.params:
            if isinstance(param.annotation, Ref):
                symbol = project.resolve(facts, function.scope, param.annotation.dotted)
                if symbol is not None and canonical(symbol.qualname or "") == REQUEST_VALIDATION_ERROR:
                    return True
    return False


@query
def validates_explicitly(project: Project) -> bool:
    """Whether the project's functions validate data with Pydantic themselves
    (``Model.model_validate(...)``, ``TypeAdapter(...).validate_python(...)``, ``parse_obj_as``,
    ``@validate_call``...), so Pydantic's ``ValidationError`` can reach an exception handler."""
    return any(validates for _, validates in project.shares("validates_explicitly_in"))


@module_share("validates_explicitly_in")
def _module_validates_explicitly(project: Project, module: str) -> bool:
    facts = project.modules[module]
    for function in facts.functions.values():
        if not EXPLICIT_VALIDATION_METHODS.isdisjoint(function.attributes):
            return True
        for decorator in function.decorators:
            dotted = decorator.callee if isinstance(decorator, CallValue) else getattr(decorator, "dotted", None)
            symbol = project.resolve(facts, function.scope, dotted) if dotted else None
            if symbol is not None and canonical(symbol.qualname or "") in EXPLICIT_VALIDATION_FUNCTIONS:
                return True
    for scope in facts.scopes.values():
        for binding in scope.bindings.values():
            if binding.kind == "import" and binding.target in EXPLICIT_VALIDATION_FUNCTIONS:
                return True
    return False


def answers_422(project: Project, facts: ModuleFacts, function) -> bool:
    """Whether a handler returns a response built with status 422 (a literal or a ``status``
    constant), the answer FastAPI gives for request validation."""
    for value in function.return_values:
        if not isinstance(value, CallValue):
            continue
        status = value.kwarg("status_code")
        if status is None and len(value.args) > 1:
            status = value.args[1]
        if isinstance(status, Const) and status.value == 422:
            return True
        if isinstance(status, Ref):
            symbol = project.resolve(facts, function.scope, status.dotted)
            if status_code_of(symbol.qualname if symbol else None) == 422:
                return True
    return False
