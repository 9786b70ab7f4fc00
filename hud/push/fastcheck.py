"""A fast yes/no for "is this message valid against its subschema", compiled from the schema itself.

Why: under a flood, validation was most of the push server's CPU time (about 70-130 us a message
through `jsonschema`, which builds a child validator for every keyword it descends into), and that
time is taken under the interpreter lock the frame loop needs to keep real time. Almost every
message is valid, and for a valid message only a yes is needed; so each subschema is compiled
once into nested closures (about a tenth of the cost) that answer exactly that.

Why compiled from the schema and not checks written by hand: the schema stays the single
description of the protocol. A change to it changes this check too, with nothing to keep in step.
Only the keywords the protocol uses are understood, with `jsonschema`'s Draft 2020-12 semantics
(an integer-valued float is an "integer", `true` is not `1`, size keywords apply only to their
type); a subschema with any other keyword is not compiled (`compile_schema` raises `Unsupported`)
and is checked by `jsonschema` alone. `jsonschema` also remains the judge of every message this
check calls invalid: it words the reasons (`protocol.problems`). So a wrong "no" here would cost
time only, and a wrong "yes" is what `tests/test_push_fastcheck.py` looks for, comparing both on
every example and on many thousands of mutated messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

Check = Callable[[Any], bool]

#: Keywords that only document or word errors: they never change whether an instance is valid.
_IGNORED = frozenset({"title", "description", "default", "examples", "errorMessage", "$comment",
                      "contentEncoding", "contentMediaType"})


class Unsupported(ValueError):
    """The subschema uses a keyword (or a form of one) this compiler does not know."""


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _is_integer(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


_TYPES: dict[str, Check] = {
    "string": lambda x: isinstance(x, str),
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "number": _is_number,
    "integer": _is_integer,
}


def equal(one: Any, two: Any) -> bool:
    """JSON equality as `jsonschema` has it: `true` is not `1`, `1` is `1.0`, lists and objects by content."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, list | tuple) and isinstance(two, list | tuple):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(equal(one[k], two[k]) for k in one)
    if isinstance(one, bool) or isinstance(two, bool):
        return type(one) is type(two) and one == two
    return bool(one == two)


def _type(value: Any) -> Check:
    names = value if isinstance(value, list) else [value]
    checks = [_TYPES[n] for n in names]  # KeyError: an unknown type name, refused by the caller
    if len(checks) == 1:
        return checks[0]
    return lambda x: any(c(x) for c in checks)


def _keyword(key: str, value: Any, schema: dict[str, Any]) -> Check | None:
    """One keyword's check (None when it checks nothing by itself, as `then` without `if`)."""
    if key == "type":
        return _type(value)
    if key == "const":
        return lambda x: equal(x, value)
    if key == "enum":
        choices = list(value)
        strings = frozenset(c for c in choices if isinstance(c, str))
        if len(strings) == len(choices):  # the common case: a set lookup, same answer as equal()
            return lambda x: isinstance(x, str) and x in strings
        return lambda x: any(equal(x, c) for c in choices)
    if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if not _is_number(value):
            raise Unsupported(f"{key} {value!r}")
        bound: float = value
        test: Callable[[Any], bool] = {
            "minimum": lambda x: x >= bound, "maximum": lambda x: x <= bound,
            "exclusiveMinimum": lambda x: x > bound, "exclusiveMaximum": lambda x: x < bound}[key]
        return lambda x: not _is_number(x) or test(x)
    if key in ("minLength", "maxLength"):
        n: int = value
        if key == "minLength":
            return lambda x: not isinstance(x, str) or len(x) >= n
        return lambda x: not isinstance(x, str) or len(x) <= n
    if key in ("minItems", "maxItems"):
        m: int = value
        if key == "minItems":
            return lambda x: not isinstance(x, list) or len(x) >= m
        return lambda x: not isinstance(x, list) or len(x) <= m
    if key == "pattern":
        search = re.compile(value).search
        return lambda x: not isinstance(x, str) or search(x) is not None
    if key == "items":
        if "prefixItems" in schema:
            raise Unsupported("prefixItems")
        item = compile_schema(value)
        return lambda x: not isinstance(x, list) or all(item(v) for v in x)
    if key == "not":
        inner = compile_schema(value)
        return lambda x: not inner(x)
    if key in ("allOf", "anyOf", "oneOf"):
        parts = [compile_schema(s) for s in value]
        if key == "allOf":
            return lambda x: all(c(x) for c in parts)
        if key == "anyOf":
            return lambda x: any(c(x) for c in parts)
        return lambda x: sum(1 for c in parts if c(x)) == 1
    if key == "if":
        cond = compile_schema(value)
        then = compile_schema(schema.get("then", True))
        other = compile_schema(schema.get("else", True))
        return lambda x: then(x) if cond(x) else other(x)
    if key in ("then", "else"):
        return None  # part of "if" (and nothing without it, as in JSON Schema)
    raise Unsupported(key)


def compile_schema(schema: Any) -> Check:
    """A function instance -> whether it is valid against `schema` (references already inlined).

    Raises `Unsupported` for a keyword or form outside the protocol's vocabulary, `$ref` included.
    """
    if schema is True or schema == {}:
        return lambda x: True
    if schema is False:
        return lambda x: False
    if not isinstance(schema, dict):
        raise Unsupported(f"a schema must be an object or a boolean, not {type(schema).__name__}")
    keys = {k for k in schema if k not in _IGNORED}
    fast = _scalar(schema, keys)
    if fast is not None:
        return fast
    checks: list[Check] = []
    if keys & {"properties", "additionalProperties", "required"}:
        checks.append(_object(schema))
        keys -= {"properties", "additionalProperties", "required"}
    # "type" first: a wrong type fails fastest.
    for key in sorted(keys, key=lambda k: (k != "type", k)):
        check = _keyword(key, schema[key], schema)
        if check is not None:
            checks.append(check)
    if not checks:
        return lambda x: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda x: a(x) and b(x)

    def every(x: Any) -> bool:
        for check in checks:  # noqa: SIM110 - a loop, not all(generator): this runs for every message
            if not check(x):
                return False
        return True
    return every


def _scalar(schema: dict[str, Any], keys: set[str]) -> Check | None:
    """One closure for the most common leaves: a string with lengths, a number with bounds."""
    kind = schema.get("type")
    if kind == "string" and keys <= {"type", "minLength", "maxLength"}:
        lo, hi = schema.get("minLength", 0), schema.get("maxLength")
        if hi is None:
            return lambda x: isinstance(x, str) and len(x) >= lo
        return lambda x: isinstance(x, str) and lo <= len(x) <= hi
    if kind in ("number", "integer") and keys <= {"type", "minimum", "maximum"}:
        low, high = schema.get("minimum"), schema.get("maximum")
        if not all(b is None or _is_number(b) for b in (low, high)):
            return None
        is_kind = _TYPES[kind]
        if low is not None and high is not None:
            return lambda x: is_kind(x) and low <= x <= high
        if low is not None:
            return lambda x: is_kind(x) and x >= low
        if high is not None:
            return lambda x: is_kind(x) and x <= high
        return is_kind
    return None


def _object(schema: dict[str, Any]) -> Check:
    """`required`, `properties` and `additionalProperties` in one pass over the instance's fields."""
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    required = tuple(schema.get("required", ()))
    props = {k: compile_schema(v) for k, v in schema.get("properties", {}).items()}
    more = schema.get("additionalProperties", True)
    closed = more is False
    extra = None if more is True or closed else compile_schema(more)

    def check(x: Any) -> bool:
        if not isinstance(x, dict):
            return True
        for name in required:
            if name not in x:
                return False
        for key, value in x.items():
            c = props.get(key)
            if c is None:
                if closed or (extra is not None and not extra(value)):
                    return False
            elif not c(value):
                return False
        return True
    return check


@cache
def checker(name: str) -> Check | None:
    """The compiled check of the protocol's subschema `name`, or None when only `jsonschema` can check it."""
    from hud.push import protocol as p

    try:
        return compile_schema(p.inlined(name))
    except (Unsupported, KeyError, TypeError, re.error):
        return None
