"""Facts and results as plain JSON, for the project store.

The store lives inside the linted tree, so whatever it holds is hostile: decoding builds
only the dataclasses and enums listed here, from JSON values, and anything else (an
unknown tag, a missing or extra field, a value of the wrong kind) is a :class:`DecodeError`
that makes the caller treat the entry as missing. Nothing is ever looked up by a name the
data chooses beyond this table, and no code runs but the classes' own constructors.

Encoding is deterministic (dataclass fields in declaration order, dicts in insertion
order), so the digest of equal facts is equal in every process.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import json
import operator
import sys
from typing import Any, Callable

from fastapi_lint.diagnostics import Applicability, Diagnostic, FileResult, Location, Severity
from fastapi_lint.analysis.model import Registration
from fastapi_lint.analysis.resolution import Symbol
from fastapi_lint.analysis.route_table import RouteClash
from fastapi_lint.analysis.facts import (
    Binding,
    CallValue,
    ClassFacts,
    Const,
    FString,
    FunctionFacts,
    Lambda,
    ModuleFacts,
    Other,
    Param,
    Ref,
    Scope,
    ScopedCall,
    Seq,
    Subscript,
)

_CLASSES: dict[str, type] = {cls.__name__: cls for cls in (
    Const, Ref, CallValue, Subscript, Seq, Other, Lambda, FString, Binding, Param, FunctionFacts,
    ClassFacts, Scope, ScopedCall, ModuleFacts, Location, Diagnostic, FileResult,
    RouteClash,  # an answer the store keeps (analysis/route_table.py)
    Symbol, Registration,  # in modules' shares of project indexes the store keeps (Project.share)
)}
_ENUMS: dict[str, type[enum.Enum]] = {cls.__name__: cls for cls in (Severity, Applicability)}
_FIELDS = {name: tuple(f.name for f in dataclasses.fields(cls)) for name, cls in _CLASSES.items()}


class DecodeError(ValueError):
    """The stored value is not one this version wrote."""


def _encode(value: Any) -> Any:
    # Tags are one-key objects whose key starts with "$"; plain dicts never have such keys
    # in facts (their keys are identifiers and scope paths), and are encoded as pairs anyway.
    encoder = _ENCODERS.get(type(value))
    return encoder(value) if encoder is not None else _encode_any(value)


def _encode_any(value: Any) -> Any:
    if isinstance(value, enum.Enum):  # before str: our enums are str enums
        return {"$enum": [type(value).__name__, value.value]}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return _encode_int(value)
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else {"$float": repr(value)}
    if dataclasses.is_dataclass(value) and type(value).__name__ in _CLASSES:
        name = type(value).__name__
        return {"$" + name: [_encode(getattr(value, f)) for f in _FIELDS[name]]}
    if isinstance(value, tuple):
        return _encode_tuple(value)
    if isinstance(value, list):
        return _encode_list(value)
    if isinstance(value, dict):
        return _encode_dict(value)
    if isinstance(value, frozenset):
        return {"$frozenset": sorted((_encode(v) for v in value), key=_sort_key)}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, complex):
        return {"$complex": [repr(value.real), repr(value.imag)]}
    if value is Ellipsis:
        return {"$ellipsis": None}
    raise TypeError(f"cannot store a {type(value).__name__}")


def _encode_int(value: int) -> Any:
    return value if -(2 ** 53) < value < 2 ** 53 else {"$int": str(value)}


# Strings, None and booleans are most of what is encoded and stay as they are: containers
# keep them without a call (a quarter of the facts pass was calls of ``_encode``).
_PLAIN = frozenset({str, type(None), bool})


def _encode_tuple(value: tuple) -> Any:
    return {"$tuple": [item if type(item) in _PLAIN else _encode(item) for item in value]}


def _encode_list(value: list) -> Any:
    return [item if type(item) in _PLAIN else _encode(item) for item in value]


def _encode_dict(value: dict) -> Any:
    return {"$dict": [[key if type(key) in _PLAIN else _encode(key), item if type(item) in _PLAIN else _encode(item)]
                      for key, item in value.items()]}


def _as_is(value: Any) -> Any:
    return value


def _encode_dataclass(cls: type) -> Callable[[Any], Any]:
    tag, fields = "$" + cls.__name__, _FIELDS[cls.__name__]
    if not fields:
        return lambda value: {tag: []}
    if len(fields) == 1:
        (only,) = fields
        return lambda value: {tag: [_encode(getattr(value, only))]}
    values = operator.attrgetter(*fields)
    return lambda value: {tag: [item if type(item) in _PLAIN else _encode(item) for item in values(value)]}


# ``_encode_any``'s encoders for the types facts and results are made of, by exact type
# (and one per dataclass, its fields read at once): the isinstance chain was a third of
# the facts pass. Anything else, subclasses included, takes the long way.
_ENCODERS: dict[type, Callable[[Any], Any]] = {
    str: _as_is,
    bool: _as_is,
    type(None): _as_is,
    int: _encode_int,
    tuple: _encode_tuple,
    list: _encode_list,
    dict: _encode_dict,
    **{cls: _encode_dataclass(cls) for cls in _CLASSES.values()},
}


def _sort_key(encoded: Any) -> str:
    return json.dumps(encoded, sort_keys=True)


def dumps(value: Any) -> str:
    # ASCII only: a file name or message holding lone surrogates (undecodable bytes) still
    # round-trips, as a \\udcXX escape.
    return json.dumps(_encode(value), ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def _object(pairs: list) -> Any:
    """json's hook for every object (its pairs, no dict built), innermost first: lists and
    plain values are already decoded by json itself, so Python runs once per tagged value
    only, through the decoder of its tag (``_DECODERS``)."""
    try:
        [(tag, body)] = pairs
    except ValueError:
        raise DecodeError("not a tagged value") from None
    decode = _DECODERS.get(tag)
    if decode is None:
        raise DecodeError(f"unknown tag {tag[1:]!r}" if tag.startswith("$") else "not a tagged value")
    return decode(body)


def _class_decoder(name: str, cls: type) -> Callable[[Any], Any]:
    size = len(_FIELDS[name])
    shared_key = _SHARED_KEYS.get(name)

    def decode(body: Any) -> Any:
        if type(body) is not list or len(body) != size:
            raise DecodeError(f"{name}: wrong fields")
        key = shared_key(body) if shared_key is not None else None
        if key is not None:
            found = _shared.get(key) or _promoted(key)
            if found is not None:
                return found
        try:
            value = cls(*[_intern(v) if type(v) is str else _interned(v) if type(v) is list else v for v in body])
        except TypeError as exc:
            raise DecodeError(str(exc)) from None
        return value if key is None else _kept(key, value)

    return decode


def _checked(tag: str, decode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``decode`` with its errors (a wrong shape, an unknown member) as DecodeErrors."""
    def checked(body: Any) -> Any:
        try:
            return decode(body)
        except (KeyError, ValueError, TypeError) as exc:
            raise DecodeError(f"{tag}: {exc}") from None

    return checked


def _decode_tuple(body: Any) -> tuple:
    if type(body) is not list:
        raise DecodeError("tuple: expected a list")
    return tuple([_intern(v) if type(v) is str else v for v in body])


def _decode_enum(body: Any) -> enum.Enum:
    name, member = _pair(body)
    return _ENUMS[name](member)


def _decode_complex(body: Any) -> complex:
    real, imag = _pair(body)
    return complex(float(_text(real, 40)), float(_text(imag, 40)))


def _decode_ellipsis(body: Any) -> Any:
    if body is not None:
        raise DecodeError("unknown tag 'ellipsis'")
    return Ellipsis


def _interned(value: Any) -> Any:
    """``value`` with its strings (a list's too) shared with every equal string decoded
    before: a project's facts repeat a few hundred thousand names millions of times."""
    if type(value) is str:
        return _intern(value)
    if type(value) is list:
        return [_intern(item) if type(item) is str else item for item in value]
    return value


_intern = sys.intern

# Equal leaf values decoded once: a project's facts name ``str``, ``Depends`` or
# ``Optional[str]`` hundreds of thousands of times, and a worker keeps thousands of
# modules' facts decoded. Shared only where nothing tells values by identity
# (names, scalar constants, subscripts of those), by a key made of the value itself and
# its type (``Const(1)`` equals ``Const(True)``): never of ids, so a table cleared while
# another thread decodes (the Python API, the language server) shares less, never wrongly.
#
# The table holds two generations: past ``SHARED_GENERATION`` entries the newer becomes
# the older and the oldest is dropped, and a value found in the older moves to the newer.
# What the modules being linted keep reading stays shared; what only modules read long
# ago (their facts dropped since: ``Project(budget=...)``) no longer stays alive for the
# table alone, which kept 42 MB of such values in a worker linting the corpus's largest
# project.
_shared: dict[tuple, Any] = {}
_older: dict[tuple, Any] = {}
SHARED_GENERATION = 20_000


def _promoted(key: tuple) -> Any:
    """The value shared under ``key`` in the older generation (moved to the newer), or None."""
    found = _older.pop(key, None)
    return found if found is None else _kept(key, found)


def _kept(key: tuple, value: Any) -> Any:
    """``value`` shared under ``key`` from now on (or the value already shared there)."""
    global _shared, _older
    if len(_shared) >= SHARED_GENERATION:
        _older, _shared = _shared, {}
    return _shared.setdefault(key, value)


_SCALARS = (str, int, bool)


def _ref_key(body: list) -> tuple | None:
    return ("Ref", _intern(body[0])) if type(body[0]) is str else None


def _const_key(body: list) -> tuple | None:
    value = body[0]
    if value is None or type(value) in _SCALARS:
        return ("Const", type(value), _intern(value) if type(value) is str else value)
    return None


def _subscript_key(body: list) -> tuple | None:
    base, items = body
    if (base is not None and type(base) is not str) or type(items) is not tuple:
        return None
    keys = []
    for item in items:
        key = None if item is None else _key_of(item)
        if key is None and item is not None:
            return None
        keys.append(key)
    return ("Subscript", base, tuple(keys))


def _key_of(value: Any) -> tuple | None:
    """The sharing key of a decoded value, None when it is not shared."""
    kind = type(value)
    if kind is Ref:
        return _ref_key([value.dotted])
    if kind is Const:
        return _const_key([value.value])
    if kind is Subscript:
        return _subscript_key([value.base, value.items])
    return None


def _binding_key(body: list) -> tuple | None:
    kind, target, value, annotation = body
    if value is None and annotation is None and type(kind) is str and (target is None or type(target) is str):
        return ("Binding", _intern(kind), target if target is None else _intern(target))  # imports, defs: names
    return None


_SHARED_KEYS = {"Ref": _ref_key, "Const": _const_key, "Subscript": _subscript_key, "Binding": _binding_key}


def _decode_ref(body: Any) -> Ref:
    """``_class_decoder("Ref")`` for a fifth of all tagged values, in fewer steps."""
    if type(body) is list and len(body) == 1 and type(body[0]) is str:
        key = ("Ref", _intern(body[0]))
        found = _shared.get(key) or _promoted(key)
        return found if found is not None else _kept(key, Ref(key[1]))
    return _REF_DECODER(body)  # its error


def forget_shared() -> None:
    """Drop the table of shared values (a new run: the last one's names are not this one's)."""
    _shared.clear()
    _older.clear()


def _list(body: Any) -> list:
    if not isinstance(body, list):
        raise DecodeError("expected a list")
    return body


def _pair(body: Any) -> list:
    if not isinstance(body, list) or len(body) != 2:
        raise DecodeError("expected a pair")
    return body


def _text(body: Any, limit: int) -> str:
    if not isinstance(body, str) or len(body) > limit:
        raise DecodeError("expected a short string")
    return body


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        raise DecodeError("unhashable key") from None
    return value


def loads(text: str | bytes, expected: type) -> Any:
    """The value stored as ``text``, which must be an instance of ``expected``."""
    try:
        value = json.loads(text, object_pairs_hook=_object)
    except (ValueError, RecursionError) as exc:  # json's errors are ValueErrors, DecodeError too
        raise DecodeError(str(exc)) from None
    if not isinstance(value, expected):
        raise DecodeError(f"expected {expected.__name__}")
    return value


_REF_DECODER = _class_decoder("Ref", Ref)
_DECODERS: dict[str, Callable[[Any], Any]] = {
    **{"$" + name: _class_decoder(name, cls) for name, cls in _CLASSES.items()},
    "$Ref": _decode_ref,
    "$tuple": _decode_tuple,
    "$dict": _checked("dict", lambda body: {_hashable(_interned(k)): _interned(v) for k, v in map(_pair, _list(body))}),
    "$frozenset": _checked("frozenset", lambda body: frozenset(map(_hashable, _list(body)))),
    "$enum": _checked("enum", _decode_enum),
    "$int": _checked("int", lambda body: int(_text(body, 400))),
    "$float": _checked("float", lambda body: float(_text(body, 40))),
    "$bytes": _checked("bytes", lambda body: base64.b64decode(_text(body, 1 << 24), validate=True)),
    "$complex": _checked("complex", _decode_complex),
    "$ellipsis": _decode_ellipsis,
}
