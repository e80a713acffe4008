"""The store's codec: facts and results round-trip exactly; anything else is refused."""

from __future__ import annotations

import pytest

from fastapi_lint import codec
from fastapi_lint.diagnostics import Applicability, Diagnostic, FileResult, Location, Severity
from fastapi_lint.analysis.facts import MODULE_SCOPE, Const, ModuleFacts, Ref, extract_facts

from conftest import FIXTURES


def test_every_fixture_module_round_trips() -> None:
    files = sorted(FIXTURES.rglob("*.py"))
    assert files
    for path in files:
        facts = extract_facts(path.read_bytes(), path.stem)
        text = codec.dumps(facts)
        assert codec.loads(text, ModuleFacts) == facts, path
        assert codec.dumps(codec.loads(text, ModuleFacts)) == text  # deterministic


@pytest.mark.parametrize("value", [
    b"\x00\xff", 2 ** 80, -(2 ** 70), float("inf"), float("nan"), 1.5, 3 + 4j, ..., (1, ("a", None)), True, "caf\udce9",
])
def test_constants_round_trip(value) -> None:
    decoded = codec.loads(codec.dumps(Const(value)), Const).value
    assert type(decoded) is type(value)
    assert decoded == value or (value != value and decoded != decoded)


def test_a_result_round_trips() -> None:
    diagnostic = Diagnostic("app/\udcff.py", Location(1, 2), Location(1, 5), "FAPI101", "blocking", "msg\n",
                            Severity.ERROR, fix=Applicability.UNSAFE)
    result = FileResult("app/\udcff.py", [diagnostic], suppressed=2, reads=frozenset({"a.b", ("?", "q", ("x",), "1")}))
    text = codec.dumps(result)
    assert text.isascii()
    assert codec.loads(text, FileResult) == result


@pytest.mark.parametrize("text", [
    "{", "[]", '{"$FileResult": []}', '{"$Path": ["/etc/passwd"]}', '{"$os.system": ["id"]}', '{"a": 1}',
    '{"$Const": [1], "$Ref": ["x"]}', '{"$tuple": 5}', '{"$frozenset": [[1]]}', '{"$enum": ["Severity", "fatal"]}',
    '{"$int": "' + "9" * 5000 + '"}', "[" * 100000 + "]" * 100000, '{"$ellipsis": 1}', '{"$Ref": "x"}',
    '{"$Ref": ["x", "y"]}', '{"$enum": ["Nope", "x"]}', '{"$bytes": "!!"}', '{"$dict": [[[1], 2]]}', '{"tuple": []}',
])
def test_anything_else_is_a_decode_error(text: str) -> None:
    with pytest.raises(codec.DecodeError):
        codec.loads(text, FileResult)


def test_equal_names_and_constants_are_decoded_once_and_keep_their_types() -> None:
    """Leaf values repeated across modules are shared, never confused: ``Const(1)``
    equals ``Const(True)`` in Python, yet each decodes as what was stored."""
    source = b"from typing import Optional\nX = 1\n\ndef f(a: Optional[str] = 1, b: Optional[str] = True, c: 'x' = 1.0): ...\n"
    first, second = (codec.loads(codec.dumps(extract_facts(source, name)), ModuleFacts) for name in ("a", "b"))
    (scope, other_scope) = (facts.scopes[MODULE_SCOPE].bindings for facts in (first, second))
    assert scope["Optional"] is other_scope["Optional"]  # an import: names only, shared
    assert scope["X"] == other_scope["X"] and scope["X"] is not other_scope["X"]  # holds a value: not shared
    (one, other) = (facts.functions["f"].params for facts in (first, second))
    assert one[0].annotation is other[0].annotation is one[1].annotation  # Optional[str], shared
    assert one[0].default is other[0].default and type(one[0].default.value) is int
    assert one[1].default is not one[0].default and type(one[1].default.value) is bool
    assert type(one[2].default.value) is float
    codec.forget_shared()
    again = codec.loads(codec.dumps(extract_facts(source, "a")), ModuleFacts)
    assert again == first and again.functions["f"].params[0].annotation is not one[0].annotation


def test_the_table_of_shared_values_keeps_what_is_read_again_and_drops_the_rest(monkeypatch) -> None:
    """Two generations: a value decoded again while its generation is the older one moves
    to the newer and stays shared; one nobody decodes for two generations is dropped (the
    next decode makes a new, equal value)."""
    codec.forget_shared()
    monkeypatch.setattr(codec, "SHARED_GENERATION", 2)

    def ref(name: str) -> Ref:
        return codec.loads(codec.dumps(Ref(name)), Ref)

    kept, dropped = ref("kept"), ref("dropped")
    ref("a")
    ref("b")  # a generation of two: "kept" and "dropped" are the older one now
    assert ref("kept") is kept  # read again: moved to the newer
    ref("c")
    ref("d")  # and again: the older ("dropped") is gone
    assert ref("kept") is kept
    again = ref("dropped")
    assert again == dropped and again is not dropped
    codec.forget_shared()


def test_the_encoders_by_type_write_what_the_general_encoder_writes(monkeypatch) -> None:
    """Encoding dispatches on exact types for speed; the text (the store's key material)
    must be the general encoder's, byte for byte."""
    values = [extract_facts(path.read_bytes(), path.stem) for path in sorted(FIXTURES.rglob("*.py"))]
    values += [FileResult("a.py", [Diagnostic("a.py", Location(1, 2), Location(1, 5), "FAPI101", "n", "m",
                                              Severity.ERROR, fix=Applicability.SAFE)], reads=frozenset({"x"})),
               (2 ** 60, -1, 1.5, True, None, "s", b"b", frozenset({1, 2}), {"k": [1, (2,)]})]
    fast = [codec.dumps(value) for value in values]
    monkeypatch.setattr(codec, "_ENCODERS", {})
    assert fast == [codec.dumps(value) for value in values]
