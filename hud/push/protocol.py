"""The push protocol's JSON Schema (`protocol.schema.json`), loaded once, and its errors in words.

Why one schema file: it is the protocol's documentation and its validator at once, so the two
cannot drift; other languages validate against the same file. Why words of our own: jsonschema
says "'soon' is not of type 'number'", a client author needs "'duration' must be a number, got
string \"soon\"". Why one validator per message kind: `type` (and `step`, `mode`, `layout`) pick
the one subschema that applies, so errors name that message's fields and not every alternative,
and validation is about four times faster than through the whole union.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hud.push import fastcheck

if TYPE_CHECKING:  # imported where used: `main.py --headless` reads MAX_BYTES here, not the validators
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_PATH = Path(__file__).with_name("protocol.schema.json")
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
DEFS: dict[str, Any] = SCHEMA["$defs"]

#: Where the push server listens unless told otherwise (and where clients look).
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
#: The largest message, in UTF-8 bytes (the server's `max_size` too).
MAX_BYTES = 65536
#: The largest bitmap card: Even G2's panel, and MentraOS's bitmap budget.
BITMAP_MAX_SIZE = (576, 288)
BITMAP_MAX_BYTES = 100 * 1024
#: The most pixels a bitmap may decode to (the decoder's cap against decompression bombs).
BITMAP_MAX_PIXELS = BITMAP_MAX_SIZE[0] * BITMAP_MAX_SIZE[1]


def _dispatch(union: dict[str, Any], key: str) -> dict[str, str]:
    """{discriminator value: subschema name} from a union's `if const ... then $ref` list."""
    table = {}
    for branch in union["allOf"]:
        value = branch["if"]["properties"][key]["const"]
        table[value] = branch["then"]["$ref"].rsplit("/", 1)[1]
    return table


#: Message type -> subschema name, for messages a client may send ...
CLIENT_TYPES: dict[str, str] = _dispatch(DEFS["client_message"], "type")
#: ... and for those only the glasses send.
GLASSES_TYPES: dict[str, str] = _dispatch(DEFS["glasses_message"], "type")
#: Types with a second discriminator: type -> (its field, {value: subschema name}).
SUBTYPES: dict[str, tuple[str, dict[str, str]]] = {
    t: (key, _dispatch(DEFS[t], key)) for t, key in (("pay", "step"), ("caption", "mode"), ("show", "layout"))
}

#: Every subschema a client message may match, in the schema's order (`hello`, `notify`, ..., `show_bitmap`).
CLIENT_LEAVES: tuple[str, ...] = (*(sub for kind, sub in CLIENT_TYPES.items() if kind not in SUBTYPES),
                                   *(sub for _, table in SUBTYPES.values() for sub in table.values()))


def client_examples() -> list[tuple[str, dict[str, Any]]]:
    """(subschema, example) for every example of every client message kind: valid messages of each kind."""
    return [(name, example) for name in CLIENT_LEAVES for example in DEFS[name].get("examples", [])]


#: Keywords that only document: the validator would visit them for every message, to do nothing.
_ANNOTATIONS = frozenset({"description", "default", "examples", "contentEncoding", "contentMediaType"})


def _inline(node: Any) -> Any:
    """`node` for validating: `#/$defs/...` references replaced by their targets (there are no cycles),
    documentation keywords left out (`title` and `errorMessage` stay: errors are worded with them).

    Why: jsonschema resolved `id`'s `$ref` for every message (a fifth of the server's time) and
    visits every keyword; this halves the cost of a message. The file keeps both, for readers.
    """
    if isinstance(node, dict):
        if set(node) == {"$ref"} and node["$ref"].startswith("#/$defs/"):
            return _inline(DEFS[node["$ref"].rsplit("/", 1)[1]])
        return {k: _inline(v) for k, v in node.items() if k not in _ANNOTATIONS or isinstance(v, dict)}
    if isinstance(node, list):
        return [_inline(v) for v in node]
    return node


@cache
def inlined(name: str) -> dict[str, Any]:
    """One subschema of `$defs` as validated: references inlined, documentation left out (see `_inline`)."""
    schema: dict[str, Any] = _inline(DEFS[name])
    return schema


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for one subschema of `$defs`, its references inlined."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(inlined(name))


def whole_validator() -> Draft202012Validator:
    """The whole schema (any message either way), as another program would use it."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(SCHEMA)


def client_validator() -> Draft202012Validator:
    """The schema of what clients may send (`client_message`), through its unions and references."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator({"$ref": "#/$defs/client_message", "$defs": DEFS})


def suggest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def describe(value: Any) -> str:
    """A JSON value as an error message shows what was given: `string "soon"`, `number 3`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {json.dumps(value)}"
    if isinstance(value, int | float):
        return f"number {_number(value)}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {json.dumps(shown, ensure_ascii=False)}"
    return "an array" if isinstance(value, list) else "an object"


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_time(seconds: float) -> str:
    """Seconds as a person reads a span: '1 h 23 min', '16 min 40 s', '45 s'."""
    if not math.isfinite(seconds) or abs(seconds) >= 1e12:  # JSON's 1e999 is infinity
        return "far more than a lifetime"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


_EXPECTED = {"number": "a number", "integer": "an integer", "string": "a string", "boolean": "true or false",
             "object": "an object", "array": "an array", "null": "null"}


def where(path: Iterable[Any]) -> str:
    """A field's path as errors name it: 'title', 'layout.text', 'items[2]'; 'the message' for the root."""
    parts = list(path)
    if not parts:
        return "the message"
    text = str(parts[0])
    for p in parts[1:]:
        text += f"[{p}]" if isinstance(p, int) else f".{p}"
    return repr(text)


class _Format(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def _words(error: ValidationError) -> list[str]:
    """One failed keyword as sentences (`required` may name several fields)."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    instance: Any = error.instance
    value: Any = error.validator_value  # typed `Any | Unset`: set on every error iter_errors yields
    at = where(error.absolute_path)
    kind = error.validator
    custom = schema.get("errorMessage")
    if isinstance(custom, Mapping):  # ajv-errors' form {keyword: message}: only that keyword's failure
        custom = custom.get(str(kind))
    if custom:
        context = _Format(instance if isinstance(instance, dict) else {})
        context.update(value=_number(instance) if _is_number(instance) else instance, got=describe(instance))
        if _is_number(instance):
            context.update(as_time=as_time(instance))
        return [custom.format_map(context)]
    if kind == "type":
        types = [value] if isinstance(value, str) else list(value)
        return [f"{at} must be {' or '.join(_EXPECTED.get(t, t) for t in types)}, got {describe(instance)}"]
    if kind == "required":
        title = schema.get("title", "message")
        return [f"missing required field {name!r} for '{title}'" for name in value if name not in instance]
    if kind in ("minimum", "maximum"):
        lo: Any = schema.get("minimum")
        hi: Any = schema.get("maximum")
        bounds = (f"between {_number(lo)} and {_number(hi)}" if lo is not None and hi is not None
                  else f"at least {_number(lo)}" if lo is not None else f"at most {_number(hi)}")
        return [f"{at} must be {bounds}, got {_number(instance)}"]
    if kind == "maxLength":
        return [f"{at} is {len(instance)} characters long; at most {value} allowed"]
    if kind == "minLength":
        return [f"{at} must not be empty" if value == 1 else f"{at} must be at least {value} characters long"]
    if kind == "enum":
        choices = ", ".join(str(c) for c in value)
        hint = suggest(instance, [str(c) for c in value]) if isinstance(instance, str) else ""
        return [f"{at} must be one of: {choices}, got {describe(instance)}{hint}"]
    if kind == "const":
        return [f"{at} must be {json.dumps(value)}, got {describe(instance)}"]
    if kind == "pattern":
        return [f"{at} must match {value}, got {describe(instance)}"]
    if kind == "additionalProperties":
        known = [k for k, v in schema.get("properties", {}).items() if k != "type" and "const" not in v]
        title = schema.get("title", "message")
        return [f"unknown field {extra!r} for '{title}' (its fields: {', '.join(known)})" + suggest(extra, known)
                for extra in instance if extra not in schema.get("properties", {})]
    if kind == "maxItems":
        return [f"{at} has {len(instance)} items; at most {value} allowed"]
    return [f"{at}: {error.message}"]


def problems(instance: Any, name: str) -> list[str]:
    """Every problem of `instance` against subschema `name`, as sentences, in schema order.

    A valid message (the common case) is recognised by the subschema's compiled check
    (`fastcheck`, about a tenth of `jsonschema`'s cost); anything it does not pass is judged and
    worded by `jsonschema`, so the reasons are the same as without it.
    """
    check = fastcheck.checker(name)
    if check is not None and check(instance):
        return []
    v = validator(name)
    if v.is_valid(instance):  # without building error objects
        return []
    out: list[str] = []
    for error in v.iter_errors(instance):
        for sentence in _words(error):
            if sentence not in out:
                out.append(sentence)
    return out
