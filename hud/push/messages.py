"""One raw text frame -> the hud events it means, or the precise reason it was refused.

Why here and nowhere else: input is validated once, at the edge; past this point every event is
a typed, in-range `hud.events` record. Nothing is coerced: a string where a number belongs, a
NaN, a duplicate key, an unknown field or a 1 MB frame each get a reason naming what was wrong
and what was given (MentraOS turns bad input into "" to "not crash"; a HUD team needs to know).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from dataclasses import dataclass
from typing import Any

from hud import events as ev
from hud.push import protocol as p

Id = str | int | None

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ID_RANGE = 9007199254740991


@dataclass(frozen=True)
class Accepted:
    """A valid message and the events it means (in order); `kind` is its type, e.g. 'notify'."""

    id: Id
    events: tuple[ev.Event, ...]
    kind: str


@dataclass(frozen=True)
class Hello:
    """Authentication: answered by the server itself, never queued for the display."""

    id: Id
    token: str | None


@dataclass(frozen=True)
class Rejected:
    """Refused, and why; `id` is the message's when it could be read, else None."""

    id: Id
    reason: str


Parsed = Accepted | Hello | Rejected


class _Invalid(Exception):
    pass


def _no_constants(name: str) -> Any:
    raise _Invalid(f"malformed JSON: {name} is not a JSON number (numbers must be finite)")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Invalid(f"duplicate field {key!r}: each field may appear once")
            seen.add(key)
    return obj


def _valid_id(value: Any) -> bool:
    if isinstance(value, str):
        return 1 <= len(value) <= 128
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= _ID_RANGE


def decode(raw: str | bytes) -> dict[str, Any]:
    """The JSON object in a frame; raises ValueError with the reason."""
    if isinstance(raw, bytes | bytearray | memoryview):
        raise ValueError("binary frames are not accepted: send each message as one JSON text frame (UTF-8)")
    # Cheap first: fewer than MAX_BYTES / 4 characters cannot be more than MAX_BYTES bytes.
    if len(raw) * 4 > p.MAX_BYTES and (size := len(raw.encode("utf-8", "surrogatepass"))) > p.MAX_BYTES:
        raise ValueError(f"message is {size} bytes; the limit is {p.MAX_BYTES}")
    try:
        data = json.loads(raw, parse_constant=_no_constants, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except _Invalid as exc:
        raise ValueError(str(exc)) from None
    except RecursionError:
        raise ValueError("malformed JSON: nested too deeply (a message is one flat object)") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise ValueError(f"malformed JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"a message must be a JSON object, got {p.describe(data)}")
    return data


def subschema(data: dict[str, Any]) -> str:
    """Which subschema of the protocol applies (by `type`, then `step`/`mode`/`layout`)."""
    kind = data.get("type")
    if kind is None:
        raise ValueError(f"missing required field 'type' (one of: {', '.join(p.CLIENT_TYPES)})")
    if not isinstance(kind, str):
        raise ValueError(f"'type' must be a string, got {p.describe(kind)}")
    if kind not in p.CLIENT_TYPES:
        if kind in p.GLASSES_TYPES:
            raise ValueError(f"message type {kind!r} is sent by the glasses, not to them; "
                             f"expected one of {', '.join(p.CLIENT_TYPES)}")
        raise ValueError(f"unknown message type {kind!r}; expected one of {', '.join(p.CLIENT_TYPES)}"
                         + p.suggest(kind, p.CLIENT_TYPES))
    if kind not in p.SUBTYPES:
        return p.CLIENT_TYPES[kind]
    key, table = p.SUBTYPES[kind]
    sub = data.get(key)
    if sub is None:
        raise ValueError(f"missing required field {key!r} for '{kind}' (one of: {', '.join(table)})")
    if not isinstance(sub, str):
        raise ValueError(f"{key!r} must be a string, got {p.describe(sub)}")
    if sub not in table:
        raise ValueError(f"unknown {kind} {key} {sub!r}; expected one of {', '.join(table)}" + p.suggest(sub, table))
    return table[sub]


def parse(raw: str | bytes) -> Parsed:
    """Parse and validate one frame. Every problem found is in the reason, separated by '; '."""
    try:
        data = decode(raw)
    except ValueError as exc:
        return Rejected(None, str(exc))
    msg_id = data.get("id") if _valid_id(data.get("id")) else None
    try:
        name = subschema(data)
    except ValueError as exc:
        return Rejected(msg_id, str(exc))
    found = p.problems(data, name)
    if not found:
        found = _beyond_schema(name, data)
    if found:
        return Rejected(msg_id, "; ".join(found))
    if name == "hello":
        return Hello(msg_id, data.get("token"))
    return Accepted(msg_id, (_event(name, data),), data["type"])


def _event(name: str, data: dict[str, Any]) -> ev.Event:
    """The hud event for a valid message (JSON numbers become the dataclass's int or float)."""
    props = p.DEFS[name]["properties"]
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("type", "id") or "const" in props[key]:
            continue
        kind = props[key].get("type")
        fields[key] = float(value) if kind == "number" else int(value) if kind == "integer" else value
    match name:
        case "caption_listening":
            return ev.Wake()
        case "caption_thinking":
            return ev.Think()
        case "caption_idle":
            return ev.Idle()
        case "caption_answer":
            return ev.Answer(**fields)
        case "gesture_in":
            return ev.Gesture(**fields)
        case _ if name.startswith("show_"):
            return ev.ShowCard(layout=data["layout"], **fields)
        case _:
            return ev.EVENT_TYPES[name](**fields)


def _beyond_schema(name: str, data: dict[str, Any]) -> list[str]:
    """What JSON Schema cannot say: an existing device, a loadable layout, a real PNG of the right size."""
    if name == "set_device":
        from hud.device import available

        names = available()
        if data["name"] not in names:
            return [f"unknown device {data['name']!r} (available: {', '.join(names)})" + p.suggest(data["name"], names)]
    elif name == "set_layout":
        from hud.layout import load_layout
        from hud.schema import ConfigError

        try:
            load_layout(data["path"])
        except ConfigError as exc:
            return [f"cannot load layout {data['path']!r}: " + "; ".join(str(x) for x in exc.problems)]
        except (OSError, ValueError) as exc:
            return [f"cannot load layout {data['path']!r}: {exc}"]
    elif name == "show_bitmap":
        return _bitmap_problems(data["data"])
    return []


def _bitmap_problems(text: str) -> list[str]:
    try:
        png = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        return [f"'data' is not valid base64: {exc}"]
    if not png.startswith(_PNG_SIGNATURE) or png[12:16] != b"IHDR" or len(png) < 33:
        return [f"'data' is not a PNG image (it must start with the PNG signature and IHDR; got {png[:8]!r})"]
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    found = []
    max_w, max_h = p.BITMAP_MAX_SIZE
    if width > max_w or height > max_h:
        found.append(f"'data' is a {width} x {height} PNG; the limit is {max_w} x {max_h}")
    if len(png) > p.BITMAP_MAX_BYTES:
        found.append(f"'data' is {len(png)} bytes of PNG; the limit is {p.BITMAP_MAX_BYTES}")
    if not found:
        from PIL import Image

        try:
            with Image.open(io.BytesIO(png)) as image:
                image.verify()
        except Exception as exc:  # Pillow raises several types for broken files
            found.append(f"'data' is a broken PNG: {exc}")
    return found
