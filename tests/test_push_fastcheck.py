"""The compiled check (`hud.push.fastcheck`) accepts and refuses exactly what `jsonschema` does.

Why this matters: the server trusts the compiled check's "valid" without asking `jsonschema`, so a
message it wrongly passed would skip the schema. Compared on every example of every message kind,
on each field set to each value of a pool built from the schema's own bounds (each edge and one
past it, integer-valued floats, booleans where numbers belong, ...), and on random mutations.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hud.push import fastcheck
from hud.push import protocol as p


def _agree(name: str, instance: Any) -> None:
    check = fastcheck.checker(name)
    assert check is not None, f"{name} is not compiled"
    expected = p.validator(name).is_valid(instance)
    assert check(instance) == expected, f"{name}: compiled {not expected}, jsonschema {expected} for {instance!r}"


def _bounds(schema: Any) -> list[Any]:
    """Values at and just past every bound and length in a schema, and its consts and enums."""
    found: list[Any] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum") and isinstance(value, int | float):
                found += [value, value - 1, value + 1, value - 0.5, value + 0.5, float(value)]
            elif key in ("maxLength", "minLength") and isinstance(value, int):
                found += ["x" * max(0, value + d) for d in (-1, 0, 1)]
            elif key in ("maxItems", "minItems") and isinstance(value, int):
                found += [["x"] * max(0, value + d) for d in (-1, 0, 1)]
            elif key == "const" or key == "enum":
                found += value if key == "enum" else [value]
            found += _bounds(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _bounds(value)
    return found


_POOL: list[Any] = [None, True, False, 0, 1, -1, 0.0, 1.0, 1.5, 1000, 1000.0, 1000.5, 2**53, 2**53 + 1, -(2**53) - 1,
                    "", "a", "roundabout", "main", [], [1], ["a", "b"], {}, {"a": 1}, "x" * 300]


def _cases() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for name, example in p.client_examples():
        schema = p.inlined(name)
        values = _POOL + _bounds(schema)
        fields = [*schema.get("properties", {}), "unknown"]
        out.append((name, example))
        for field in fields:
            drop = {k: v for k, v in example.items() if k != field}
            out.append((name, drop))
            for value in values:
                out.append((name, {**example, field: value}))
    return out


def test_every_subschema_is_compiled() -> None:
    assert [n for n in p.CLIENT_LEAVES if fastcheck.checker(n) is None] == []


def test_each_field_at_each_bound_and_type() -> None:
    cases = _cases()
    assert len(cases) > 10_000
    for name, instance in cases:
        _agree(name, instance)


_json = st.recursive(st.none() | st.booleans() | st.integers(-(2**60), 2**60)
                     | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                     max_leaves=6)


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, Any]:
    name, example = draw(st.sampled_from(p.client_examples()))
    message: Any = copy.deepcopy(example)
    pool = _POOL + _bounds(p.inlined(name))
    keys = [*p.inlined(name).get("properties", {}), "unknown", "layout", "step"]
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(keys))
        action = draw(st.sampled_from(["set", "pool", "drop", "nest"]))
        if action == "drop":
            message.pop(key, None)
        elif action == "pool":
            message[key] = draw(st.sampled_from(pool))
        elif action == "nest" and isinstance(message.get(key), dict):
            message[key][draw(st.sampled_from(["layoutType", "title", "text", "x"]))] = draw(st.sampled_from(pool))
        else:
            message[key] = draw(_json)
    if draw(st.integers(0, 20)) == 0:
        message = draw(_json)
    return name, message


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_random_mutations(case: tuple[str, Any]) -> None:
    _agree(*case)


@pytest.mark.parametrize("schema, good, bad", [
    ({"type": "integer"}, [1, 1.0, -3], [True, 1.5, "1", None]),
    ({"const": 1}, [1, 1.0], [True, "1"]),
    ({"const": False}, [False], [0, 0.0, None]),
    ({"enum": ["a", 2]}, ["a", 2, 2.0], ["b", True]),
    ({"minimum": 0}, [0, "x", True, None], [-1, -0.5]),
    ({"maxLength": 2}, ["ab", 5, ["a", "b", "c"]], ["abc"]),
    ({"properties": {"a": {"type": "string"}}, "additionalProperties": False}, [{}, {"a": "x"}, 3],
     [{"a": 1}, {"b": 1}]),
    ({"if": {"properties": {"m": {"const": "r"}}, "required": ["m"]}, "then": {"required": ["e"]},
      "else": {"not": {"required": ["e"]}}}, [{"m": "r", "e": 1}, {"m": "l"}], [{"m": "r"}, {"m": "l", "e": 1}]),
])
def test_keyword_semantics(schema: dict[str, Any], good: list[Any], bad: list[Any]) -> None:
    check = fastcheck.compile_schema(schema)
    for value in good:
        assert check(value), value
    for value in bad:
        assert not check(value), value


def test_unknown_keywords_are_not_compiled() -> None:
    for schema in ({"$ref": "#/x"}, {"patternProperties": {}}, {"uniqueItems": True}, {"type": "file"}):
        with pytest.raises((fastcheck.Unsupported, KeyError)):
            fastcheck.compile_schema(schema)
