"""FAPI414 weak-password-hash: a password hashed with a fast hash (``hashlib.sha256``,
``hash()``) or compared in plain text with a stored value."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.analysis.names import call_keyword, call_positional, dotted_name, literal_value, source_text
from fastapi_lint.data.security import (
    FAST_HASH_FUNCTIONS,
    FAST_HASH_NAMES,
    HASH_NEW,
    NOT_PLAIN_PASSWORD_WORDS,
    PASSWORD_WORDS,
)
from fastapi_lint.rule import Rule, Severity

_EQUALITY = (cst.Equal, cst.NotEqual)
_MAX_DEPTH = 6


def _is_password_word(word: str) -> bool:
    lowered = word.lower()
    return any(p in lowered for p in PASSWORD_WORDS) and not any(n in lowered for n in NOT_PLAIN_PASSWORD_WORDS)


def _password_name(node: cst.BaseExpression) -> str | None:
    """The identifier naming a plain password: ``password``, ``form.password``, ``user["pwd"]``."""
    if isinstance(node, cst.Name):
        return node.value if _is_password_word(node.value) else None
    if isinstance(node, cst.Attribute):
        return node.attr.value if _is_password_word(node.attr.value) else None
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
            key = index.value.evaluated_value
            return key if isinstance(key, str) and _is_password_word(key) else None
    return None


_CONVERSIONS = frozenset({"builtins.bytes", "builtins.str", "builtins.bytearray"})
_STRING_METHODS_WITH_ARGS = frozenset({"format", "join"})  # "{}{}".format(salt, password)


def _mentions_password(node: cst.BaseExpression, qualname, depth: int = 0) -> cst.BaseExpression | None:
    """A password reference the hashed value is built from: ``password.encode()``,
    ``(salt + password).encode("utf-8")``, ``f"{salt}{user.password}"``, ``bytes(pwd, "utf-8")``."""
    if depth > _MAX_DEPTH:
        return None
    if _password_name(node) is not None:
        return node
    if isinstance(node, cst.Call):
        parts = []
        func = node.func
        if isinstance(func, cst.Attribute):
            parts.append(func.value)  # password.encode(), password.strip()
            if func.attr.value in _STRING_METHODS_WITH_ARGS:
                parts += [a.value for a in node.args]
        elif qualname(func) in _CONVERSIONS:
            parts += [a.value for a in node.args]  # bytes(password, "utf-8")
        for part in parts:
            found = _mentions_password(part, qualname, depth + 1)
            if found is not None:
                return found
        return None
    if isinstance(node, cst.BinaryOperation):
        return _mentions_password(node.left, qualname, depth + 1) or _mentions_password(node.right, qualname, depth + 1)
    if isinstance(node, cst.FormattedString):
        for part in node.parts:
            if isinstance(part, cst.FormattedStringExpression):
                found = _mentions_password(part.expression, qualname, depth + 1)
                if found is not None:
                    return found
    return None


class WeakPasswordHash(Rule):
    code = "FAPI414"
    name = "weak-password-hash"
    summary = "Password hashed with a fast hash (`hashlib.sha256`, `hash()`) or compared in plain text"
    severity = Severity.ERROR
    fastapi_docs = "https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/"

    @classmethod
    def could_report(cls, view: FileView) -> bool:
        return view.mentions_part(*PASSWORD_WORDS)

    def __init__(self, ctx):
        super().__init__(ctx)
        self._in_fstring = 0

    # `f"...|password={sha256(pw).hexdigest()}"` is a fingerprint or a cache key built from the
    # password, not a stored password hash.
    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._in_fstring += 1

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        self._in_fstring -= 1

    def visit_Call(self, node: cst.Call) -> None:
        if self._in_fstring:
            return
        security = call_keyword(node, "usedforsecurity")
        if security is not None and isinstance(security.value, cst.Name) and security.value.value == "False":
            return  # the caller says it is a lookup key (e.g. the k-anonymity prefix of a breach check)
        qualname = self.ctx.qualname(node.func)
        if qualname in FAST_HASH_FUNCTIONS:
            data = call_positional(node, 0)
        elif qualname == HASH_NEW:
            algorithm = call_positional(node, 0)
            try:
                name = literal_value(algorithm.value) if algorithm is not None else None
            except ValueError:
                return
            if not isinstance(name, str) or name.lower() not in FAST_HASH_NAMES:
                return
            data = call_positional(node, 1)
        else:
            return
        if data is None:
            return
        password = _mentions_password(data.value, self.ctx.qualname)
        if password is None:
            return
        spelled = dotted_name(node.func) or qualname
        self.report(
            node,
            f"`{source_text(password)}` is hashed with `{spelled}()`, a fast hash: a leaked table is cracked at "
            f"billions of guesses per second; use a password hash (argon2 via pwdlib or argon2-cffi, bcrypt, or "
            f"`hashlib.scrypt`/`pbkdf2_hmac` with a salt and many iterations)",
        )

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if not any(_password_name(side) for side in (node.left, *(t.comparator for t in node.comparisons))):
            return
        params = self._request_params()
        if not params:
            return
        left = node.left
        for target in node.comparisons:
            right = target.comparator
            if isinstance(target.operator, _EQUALITY) and _plain_compare(left, right, params):
                self.report(
                    node,
                    f"`{source_text(left)}` and `{source_text(right)}` are compared in plain text: passwords "
                    f"are stored in plain text (anyone who reads the table has them all); store a password hash "
                    f"and check it with the hasher's `verify()` (pwdlib, argon2-cffi, bcrypt)",
                )
                return
            left = right

    def _request_params(self) -> frozenset[str]:
        """The parameters of the enclosing path operation or dependency (what the client sent)."""
        function = self.ctx.function_node
        if not isinstance(function, cst.FunctionDef):
            return frozenset()
        key = self.ctx.key_of(function)
        model = self.ctx.model
        if not (model.is_endpoint(key) or model.is_dependency(key)):
            return frozenset()
        params = function.params
        return frozenset(p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params))


def _root(node: cst.BaseExpression) -> str | None:
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _plain_compare(left: cst.BaseExpression, right: cst.BaseExpression, params: frozenset[str]) -> bool:
    """Both sides name a plain password; one is what the client sent (a parameter of the path
    operation or dependency, or a field of one: ``form_data.password``), the other is read from
    a record that is not request data (``user.password``, ``row["password"]``). Two inputs
    (``body.password == body.confirm``) and two stored values (a change check between two loaded
    rows) are not a login."""
    if _password_name(left) is None or _password_name(right) is None:
        return False
    for sent, stored in ((left, right), (right, left)):
        if _root(sent) in params and isinstance(stored, (cst.Attribute, cst.Subscript)):
            root = _root(stored)
            if root is not None and root not in params and root not in ("self", "cls"):
                return True
    return False
