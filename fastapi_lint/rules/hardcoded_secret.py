"""FAPI403 hardcoded-secret: a string literal used as a JWT / session / signing secret, a
database URL with a password in it, or the default of a secret ``BaseSettings`` field.

The literal may be written at the sink, held by a constant (in any module of the project),
or be the default of an environment lookup (``os.getenv("JWT_SECRET", "dev-secret")``):
in each case the secret ships with the source code. Test files are skipped.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from fastapi_lint.data.security import (
    NOT_SECRET_FIELD_WORDS,
    SECRET_FIELD_WORDS,
    ENV_READERS,
    PUBLIC_KEY_PREFIXES,
    SECRET_CLASS_ATTRIBUTES,
    SECRET_FUNCTIONS,
    SECRET_MIDDLEWARE,
)
from fastapi_lint.analysis.dependencies import SETTINGS_CLASSES
from fastapi_lint.data.fastapi_names import MIDDLEWARE_WRAPPER
from fastapi_lint.analysis.facts import CallValue, Const, Ref, Subscript
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name, literal_value
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.rule import Rule, Severity
from fastapi_lint.analysis.middleware import middleware_call
from fastapi_lint.analysis.database_urls import url_with_password

_MIDDLEWARE_CLASSES = frozenset(SECRET_MIDDLEWARE)
_SECRET_BASES = frozenset(SECRET_CLASS_ATTRIBUTES)
_SECRET_ATTRIBUTES = frozenset().union(*SECRET_CLASS_ATTRIBUTES.values())
# Calls that take a secret: `add_middleware(...)` and these (``middleware_call``'s forms).
_SINK_CALLS = frozenset({*SECRET_FUNCTIONS, *SECRET_MIDDLEWARE, MIDDLEWARE_WRAPPER})


def is_test_file(path: str) -> bool:
    name = Path(path).name
    return name == "conftest.py" or (name.startswith("test_") and name.endswith(".py")) or name.endswith("_test.py")


def _is_secret_literal(value: object) -> bool:
    if isinstance(value, bytes):
        try:
            value = value.decode()
        except UnicodeDecodeError:
            return True
    return isinstance(value, str) and bool(value.strip()) and not value.lstrip().startswith(PUBLIC_KEY_PREFIXES)


class HardcodedSecret(Rule):
    code = "FAPI403"
    name = "hardcoded-secret"
    summary = "JWT / session secret written in the source code"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/advanced/settings/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        if view.facts.password_url:
            return True  # a database URL with its password
        return _secret_attribute_or_field(view) or view.any_call(lambda site: site.method == "add_middleware" or (
            view.qualname(site) in _SINK_CALLS))

    def __init__(self, ctx):
        super().__init__(ctx)
        self._skip = is_test_file(ctx.path)
        self._skip_urls = self._skip or _in_test_package(ctx.model.facts.module)

    # ------------------------------------------------------------ sinks

    def visit_Call(self, node: cst.Call) -> None:
        if self._skip:
            return
        qualname = self.ctx.qualname(node.func)
        sink = SECRET_FUNCTIONS.get(qualname) if qualname else None
        if sink is not None:
            arg = call_keyword(node, sink.keyword)
            if arg is None and sink.position is not None:
                arg = call_positional(node, sink.position)
            what = f"`{dotted_name(node.func) or sink.what}()`"
        else:
            configured = middleware_call(self.ctx, node, _MIDDLEWARE_CLASSES, direct=True)
            if configured is None:
                return
            sink = SECRET_MIDDLEWARE[configured.middleware]
            arg = configured.argument(sink.keyword, sink.position)
            what = f"`{sink.what}`"
        if arg is not None:
            self._check(arg.value, f"The `{sink.keyword}` of {what}")

    def visit_Assign(self, node: cst.Assign) -> None:
        self._database_url(node.value)
        if self._skip or len(node.targets) != 1:
            return
        self._class_attribute(node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._database_url(node.value)
        if not self._skip and node.value is not None:
            self._class_attribute(node.target, node.value)
            self._settings_field(node.target, node.value)

    # ------------------------------------------------------------ database URLs

    def visit_Arg(self, node: cst.Arg) -> None:
        self._database_url(node.value)

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is not None:
            self._database_url(node.default)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._database_url(node.value)

    def _database_url(self, value: cst.BaseExpression) -> None:
        """``"postgresql://app:S3cret@db/shop"`` as an assigned value, an argument (``create_engine(...)``,
        ``os.getenv("DATABASE_URL", ...)``), a default or a dict value."""
        if self._skip_urls or not isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
            return
        if isinstance(value, cst.SimpleString) and "\\" not in value.value and (
                "://" not in value.value or "@" not in value.value):
            return  # without escapes the text is in the token: no URL with a password (url_with_password)
        text = value.evaluated_value
        if isinstance(text, bytes):
            return
        scheme = url_with_password(text) if isinstance(text, str) else None
        if scheme is not None:
            self.report(
                value,
                f"This `{scheme}://` URL has a password written in it, so the database credential ships with "
                "the code; read the URL (or the password) from the environment or a secrets manager",
            )

    # ------------------------------------------------------------ BaseSettings defaults

    def _settings_field(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """``secret_key: str = "dev-secret"`` in a ``BaseSettings`` subclass: used whenever the
        environment does not set it, so production may run on the value in the repository."""
        if not (isinstance(target, cst.Name) and is_secret_field(target.value)):
            return
        facts = self.ctx.model.facts
        klass = facts.classes.get(self.ctx.scope_key)
        if klass is None or not self.ctx.project.is_subclass(facts.qualname_of_key(klass.key), SETTINGS_CLASSES):
            return
        default = self._field_default(value)
        if default is None:
            return
        try:
            literal = literal_value(default)
        except ValueError:
            return
        if _is_secret_literal(literal) and url_with_password(literal) is None:  # a URL is reported as one
            self.report(
                default,
                f"The settings field `{klass.name}.{target.value}` has a hardcoded default, so the secret ships "
                "with the code and is used whenever the environment does not set it; declare the field "
                "without a default (required), e.g. `secret_key: SecretStr`",
            )

    def _field_default(self, value: cst.BaseExpression) -> cst.BaseExpression | None:
        """The default a field declaration gives: the value, ``Field("x")``/``Field(default="x")``,
        ``SecretStr("x")``."""
        if not isinstance(value, cst.Call):
            return value
        qualname = self.ctx.qualname(value.func)
        if qualname in ("pydantic.Field", "pydantic.fields.Field"):
            arg = call_keyword(value, "default") or call_positional(value, 0)
            return self._field_default(arg.value) if arg is not None else None
        if qualname in ("pydantic.SecretStr", "pydantic.types.SecretStr", "pydantic.SecretBytes"):
            arg = call_positional(value, 0)
            return arg.value if arg is not None else None
        return None

    def _class_attribute(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """``reset_password_token_secret = "..."`` in a fastapi-users ``BaseUserManager`` subclass."""
        if not (isinstance(target, cst.Name) and target.value in _SECRET_ATTRIBUTES):
            return
        facts = self.ctx.model.facts
        klass = facts.classes.get(self.ctx.scope_key)
        if klass is None:
            return
        project = self.ctx.project
        for base in klass.bases:
            spelled = base.dotted if isinstance(base, Ref) else base.base if isinstance(base, Subscript) else None
            symbol = project.resolve(facts, klass.scope, spelled) if spelled and spelled != "|" else None
            if symbol is not None and project.is_subclass(symbol.qualname, _SECRET_BASES):
                self._check(value, f"The secret `{klass.name}.{target.value}`")
                return

    # ------------------------------------------------------------ where the value comes from

    def _check(self, value: cst.BaseExpression, sink: str) -> None:
        source = self._literal_source(value)
        if source is not None:
            self.report(
                value,
                f"{sink} is {source}, so it ships with the code; read it from the environment or a "
                "secrets manager (e.g. a pydantic-settings field without a default)",
            )

    def _literal_source(self, value: cst.BaseExpression) -> str | None:
        """How a literal secret reaches ``value``, or None."""
        try:
            literal = literal_value(value)
        except ValueError:
            pass
        else:
            return "a hardcoded string" if _is_secret_literal(literal) else None
        if isinstance(value, cst.Call):
            return "an environment lookup with a hardcoded fallback" if self._env_default(value) else None
        if isinstance(value, cst.BooleanOperation) and isinstance(value.operator, cst.Or):
            right = self._literal_source(value.right)
            if right == "a hardcoded string":
                return "a hardcoded fallback string (`... or \"...\"`)"
            return None
        if not isinstance(value, (cst.Name, cst.Attribute)):
            return None
        symbol = self.ctx.resolve(value)
        if symbol is None or symbol.origin is None:
            return None
        spelled = dotted_name(value)
        where = self._where(symbol)
        if isinstance(symbol.value, Const):
            if _is_secret_literal(symbol.value.value):
                return f"`{spelled}`, a string literal {where}"
            return None
        if symbol.call is not None and self._env_default_value(symbol):
            return f"`{spelled}`, an environment lookup with a hardcoded fallback {where}"
        return None

    def _where(self, symbol: Symbol) -> str:
        module, scope, name = symbol.origin
        if module == self.ctx.model.facts.module:
            return "defined in this module" if not scope else f"assigned in `{scope.replace('/', '.')}`"
        return f"defined in `{module}`"

    def _env_default(self, call: cst.Call) -> bool:
        qualname = self.ctx.qualname(call.func)
        if qualname not in ENV_READERS:
            return False
        position, keyword = ENV_READERS[qualname]
        arg = call_keyword(call, keyword) or call_positional(call, position)
        if arg is None:
            return False
        try:
            return _is_secret_literal(literal_value(arg.value))
        except ValueError:
            return False

    def _env_default_value(self, symbol: Symbol) -> bool:
        """The symbol was assigned ``os.getenv("K", "literal")`` (in whatever module)."""
        call: CallValue = symbol.call
        module, scope, _ = symbol.origin
        facts = self.ctx.project.module_facts(module)
        if facts is None or call.callee is None:
            return False
        callee = self.ctx.project.resolve(facts, scope, call.callee)
        if callee is None or callee.qualname not in ENV_READERS:
            return False
        position, keyword = ENV_READERS[callee.qualname]
        default = call.arg(position, keyword)
        return isinstance(default, Const) and _is_secret_literal(default.value)


def _in_test_package(module: str) -> bool:
    """A module of a ``tests`` package (``tests.integration.db``): fixtures' credentials."""
    return any(part in ("tests", "test", "testing") for part in module.split(".")[:-1])


def is_secret_field(name: str) -> bool:
    lowered = name.lower()
    return any(w in lowered for w in SECRET_FIELD_WORDS) and not any(w in lowered for w in NOT_SECRET_FIELD_WORDS)


def _secret_attribute_or_field(view: FileView) -> bool:
    """Whether a class binds a secret attribute of a base the rule knows, or a secret-like
    settings field (what ``_class_attribute`` and ``_settings_field`` look at)."""
    facts, project = view.facts, view.project
    for klass in facts.classes.values():
        names = facts.scopes[klass.key].bindings if klass.key in facts.scopes else {}
        if any(name in _SECRET_ATTRIBUTES for name in names):
            return True
        if any(is_secret_field(name) for name in names) and project.is_subclass(
                facts.qualname_of_key(klass.key), SETTINGS_CLASSES):
            return True
    return False
