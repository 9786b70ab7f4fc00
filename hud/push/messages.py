"""One raw text frame -> the hud events it means, or the precise reason it was refused.

Why here and nowhere else: input is validated once, at the edge; past this point every event is
a typed, in-range `hud.events` record that renders. Nothing is coerced: a string where a number
belongs, a NaN, a duplicate key, an unknown field or a 1 MB frame each get a reason naming what was
wrong and what was given (MentraOS turns bad input into "" to "not crash"; a HUD team needs to know).

Text is checked here too, because the renderer and the wire cannot take every Python string:
    lone surrogates   (JSON's `"\\ud800"` decodes to one) cannot be encoded as UTF-8: every reply,
                      `display` broadcast and glyph lookup holding one would fail
    control characters other than tab, newline and carriage return (U+0000 stops the font renderer)
    invisible characters (zero-width space, joiners, variation selectors, BOM: Unicode's
                      default-ignorable code points) are drawn with no width, and a piece of text made
                      only of them cannot be drawn at all; they are accepted right after a visible
                      letter or sign that is not CJK (an emoji's joiner, a variation selector, a soft
                      hyphen in a word), where the line breaker keeps them with it, and refused elsewhere
                      (the text renderer's limit today: it fails on a piece of zero width; once it
                      skips such pieces, this rule can go, and "你好\u200b世界" will pass)
Bitmaps are decoded completely (a PNG with a valid header and broken data is refused here, not
when the frame loop draws it), after their declared size is checked against the pixel cap.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from hud import events as ev
from hud.push import protocol as p

Id = str | int | None

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ID_RANGE = 9007199254740991

#: Unicode's default-ignorable code points that the bundled fonts draw with no width (all of them but
#: the Hangul fillers, U+180F and U+1BCA0-3, which have a width); measured with every bundled font.
_ZERO_WIDTH = ("\u00ad\u034f\u061c\u17b4\u17b5\u180b-\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
               "\ufe00-\ufe0f\ufeff\ufff0-\ufff8\U0001d173-\U0001d17a\U000e0000-\U000e0fff")
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # category Cc but tab, newline, carriage return
_SURROGATE = "\ud800-\udfff"
#: Anything a text check must look at; most messages have none, and skip the walk.
_SUSPECT = re.compile(f"[{_SURROGATE}{_CONTROL}{_ZERO_WIDTH}]")
_ZERO_WIDTH_CHAR = re.compile(f"[{_ZERO_WIDTH}]")


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

#: MentraOS's own messages, accepted as its SDK sends them (see `_mentra`).
MENTRA_MESSAGES = ("display_event", "dashboard_content_update")


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
        return 1 <= len(value) <= 128 and _SUSPECT.search(value) is None  # echoed as given: must encode
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= _ID_RANGE


def strings(data: Any) -> Iterator[tuple[tuple[str | int, ...], str, bool]]:
    """Every string in a decoded message, in document order: (path, text, whether it is a field name).

    Iterative, because nesting may be as deep as the JSON decoder allows."""
    stack: list[tuple[tuple[str | int, ...], Any, bool]] = [((), data, False)]
    while stack:
        path, node, is_key = stack.pop()
        if isinstance(node, str):
            yield path, node, is_key
        elif isinstance(node, dict):
            for key, value in reversed(node.items()):
                stack += [((*path, key), value, False), (path, key, True)]
        elif isinstance(node, list):
            stack.extend(((*path, i), value, False) for i, value in reversed(list(enumerate(node))))


def text_problem(text: str) -> str | None:
    """Why `text` cannot be carried and drawn (see the module's docstring), or None when it can."""
    for found in _SUSPECT.finditer(text):
        ch, at = found.group(), found.start()
        code = f"U+{ord(ch):04X}"
        if "\ud800" <= ch <= "\udfff":
            return (f"holds a lone surrogate ({code}) at character {at}: text must be valid Unicode, "
                    f"which UTF-8 can encode (a surrogate pair's two halves must come together)")
        if not _ZERO_WIDTH_CHAR.match(ch):
            return (f"holds the control character {code} at character {at}; "
                    f"only tab, newline and carriage return are allowed")
        before = at - 1
        while before >= 0 and _ZERO_WIDTH_CHAR.match(text[before]):
            before -= 1
        if before < 0 or not _visible_anchor(text[before]):
            return (f"holds the invisible character {code} at character {at} with nothing to attach to: it is "
                    f"accepted only right after a visible letter or sign that is not CJK (the display cannot "
                    f"draw it alone, at the start of a line, after a space or after a CJK character)")
    return None


def _visible_anchor(ch: str) -> bool:
    """A character that the renderer keeps in the same piece of text as the invisible ones after it."""
    from hud.wrap import is_cjk

    return not ch.isspace() and not is_cjk(ch) and _SUSPECT.match(ch) is None


def _text_problems(raw: str, data: dict[str, Any]) -> list[str]:
    """Every string of the message that cannot be carried or drawn, by its path (see `text_problem`).

    Such text only comes from a `\\u` escape or from the raw text itself, so most messages skip the walk.
    """
    if "\\u" not in raw and _SUSPECT.search(raw) is None:
        return []
    found = []
    for path, text, is_key in strings(data):
        problem = text_problem(text)
        if problem is not None:
            where = f"a field name in {p.where(path)}" if is_key else p.where(path)
            found.append(f"{where} {problem}")
    return found


#: One decoder for every message: `json.loads` with options builds a new one per call (3 us).
_DECODER = json.JSONDecoder(parse_constant=_no_constants, object_pairs_hook=_no_duplicates)


def decode(raw: str | bytes) -> dict[str, Any]:
    """The JSON object in a frame; raises ValueError with the reason."""
    if isinstance(raw, bytes | bytearray | memoryview):
        raise ValueError("binary frames are not accepted: send each message as one JSON text frame (UTF-8)")
    # Cheap first: fewer than MAX_BYTES / 4 characters cannot be more than MAX_BYTES bytes.
    if len(raw) * 4 > p.MAX_BYTES and (size := len(raw.encode("utf-8", "surrogatepass"))) > p.MAX_BYTES:
        raise ValueError(f"message is {size} bytes; the limit is {p.MAX_BYTES}")
    try:
        data = _DECODER.decode(raw)
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
    text = _text_problems(raw, data) if isinstance(raw, str) else []
    if text:  # before anything else: other reasons quote the given values, and must be sendable
        return Rejected(msg_id, "; ".join(text))
    try:
        name = subschema(data)
    except ValueError as exc:
        return Rejected(msg_id, str(exc))
    if name in MENTRA_MESSAGES:
        return _mentra(msg_id, data)
    found = p.problems(data, name)
    if not found:
        found = _beyond_schema(name, data)
    if found:
        return Rejected(msg_id, "; ".join(found))
    if name == "hello":
        return Hello(msg_id, data.get("token"))
    return Accepted(msg_id, (_event(name, data),), data["type"])


@cache
def warm_up() -> None:
    """Parse a valid example of every message kind and a bad one, once per process.

    Why: the first message of each kind would otherwise pay for building its validator and for the
    imports its checks need (devices, layouts, Pillow), tens of milliseconds in all; the server calls
    this before it listens, so a client's first message costs what its hundredth does.
    """
    for name in p.CLIENT_LEAVES:  # valid messages pass the compiled check; a refused one needs jsonschema's
        p.validator(name)
    for _, example in p.client_examples():
        parse(json.dumps(example))
    for bad in ('{"type": "notify", "id": 0, "app": 1, "extra": true}', '{"type": "say", "text": "\\u0000"}'):
        parse(bad)


def _mentra(msg_id: Id, data: dict[str, Any]) -> Parsed:
    """A MentraOS message, through the one translation the emulated MentraOS cloud uses too
    (`hud.mentra.layouts.events_for`), so the two entry points cannot disagree. Its JSON Schema
    (`display_event`, `dashboard_content_update`) documents the shape for other languages; the
    translation is what decides, with errors located by the field's path."""
    from hud.mentra.layouts import MentraFormatError, events_for

    if "id" in data and not _valid_id(data["id"]):
        return Rejected(None, p.DEFS["id"]["errorMessage"].format(got=p.describe(data["id"])))
    try:
        return Accepted(msg_id, events_for(data), data["type"])
    except MentraFormatError as exc:
        return Rejected(msg_id, str(exc))


def _event(name: str, data: dict[str, Any]) -> ev.Event:
    """The hud event for a valid message (JSON numbers become the dataclass's int or float)."""
    props = p.DEFS[name]["properties"]
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("type", "id") or "const" in props[key]:
            continue
        kind = props[key].get("type")
        fields[key] = float(value) if kind == "number" else int(value) if kind == "integer" else value
    if isinstance(fields.get("frames"), list):  # events are frozen and hashable
        fields["frames"] = tuple(fields["frames"])
    if "durationMs" in fields:  # the schema lets only one of duration and durationMs through
        fields["duration"] = fields.pop("durationMs") / 1000
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
    # set_layout's file is not touched here: this runs on the server's asyncio thread, which must
    # never wait on a file. The push bridge resolves it under the roots policy (hud.roots) and loads
    # it in a worker; a refusal comes from there, as the message's one reply.
    elif name == "show_bitmap":
        return _bitmap_problems(data["data"])
    elif name == "show_bitmap_animation":
        frames = enumerate(data["frames"])
        return [problem for i, frame in frames for problem in _bitmap_problems(frame, f"frames[{i}]")]
    return []


def _bitmap_problems(text: str, field: str = "data") -> list[str]:
    """Why the base64 PNG in `field` cannot be shown, or nothing: decoded completely, as the card widget will."""
    return [problem.replace("'data'", f"'{field}'", 1) for problem in _png_problems(text)]


def _png_problems(text: str) -> list[str]:
    try:
        png = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        return [f"'data' is not valid base64: {exc}"]
    if not png.startswith(_PNG_SIGNATURE) or png[12:16] != b"IHDR" or len(png) < 33:
        return [f"'data' is not a PNG image (it must start with the PNG signature and IHDR; got {png[:8]!r})"]
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    found = []
    max_w, max_h = p.BITMAP_MAX_SIZE
    if not width or not height:
        found.append(f"'data' is a {width} x {height} PNG; an image needs at least one pixel")
    elif width > max_w or height > max_h:
        found.append(f"'data' is a {width} x {height} PNG; the limit is {max_w} x {max_h}")
    if len(png) > p.BITMAP_MAX_BYTES:
        found.append(f"'data' is {len(png)} bytes of PNG; the limit is {p.BITMAP_MAX_BYTES}")
    if not found:
        problem = _decode_png(png, (width, height))
        if problem is not None:
            found.append(problem)
    return found


def _decode_png(png: bytes, size: tuple[int, int]) -> str | None:
    """Decode every pixel (as `hud.widgets.card.bitmap` does: open, convert to grey), or say why not.

    Why completely: a PNG whose header and checksums are fine may still hold broken compressed data,
    which only shows when the pixels are decoded, and then in the frame loop. The size was checked
    against the cap from the header before this, and is checked again against what the decoder
    reads, so no decompression bomb is ever expanded.
    """
    from PIL import Image

    try:
        with Image.open(io.BytesIO(png), formats=("PNG",)) as image:
            if image.size != size or image.width * image.height > p.BITMAP_MAX_PIXELS:
                return f"'data' is a broken PNG: its header says {size[0]} x {size[1]}, the decoder read {image.size}"
            image.load()
            image.convert("L")
    except Exception as exc:  # Pillow raises many types for broken files (OSError, SyntaxError, zlib.error, ...)
        return f"'data' is a broken PNG: {exc or type(exc).__name__}"
    return None
