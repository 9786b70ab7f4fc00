"""The push boundary for the fuzzer: mutated protocol messages through `hud.push.messages.parse`, and
what it accepts applied to a headless session and rendered, the way the push bridge does.

Why mutate the schema's own examples rather than generate JSON from nothing: a random document is
refused at its `type`, while a valid message with one thing wrong reaches every check (the schema's,
the text checks, the bitmap decoder, the file roots) and, when it passes them, the renderer. The
examples cover every message kind (`protocol.client_examples`). A case applies one to three
mutations, at the value level (a field set to a hostile value, removed, added, or taken from another
kind; a bitmap's PNG broken in one of many ways) or at the text level (characters, escapes such as
`\\ud800`, numbers such as `1e999` or 5,000 digits, duplicate keys, deep nesting, truncation).

The rule each case checks, the push edge's: accepted, applied and rendered (and what the display
then shows can be sent to clients as UTF-8), or refused with a non-empty, sendable human reason;
anything else (an exception anywhere, an empty or unsendable reason) is "other".
"""

from __future__ import annotations

import base64
import json
import random
import re
import struct
import zlib
from collections.abc import Callable
from functools import cache
from typing import Any

from hud import events as ev
from hud.fuzz import Boundary, Outcome
from hud.push import protocol as p
from hud.push.messages import Accepted, Hello, Rejected, parse

#: Every example message of every client message kind, as JSON text.
SEEDS: tuple[str, ...] = tuple(json.dumps(example, ensure_ascii=False) for _, example in p.client_examples())

#: Strings that have broken text handling somewhere: lone surrogates, NUL and other controls,
#: invisible characters with and without something to attach to, bidi overrides, joiners, long text,
#: file names that must not be read.
HOSTILE_TEXT: tuple[str, ...] = (
    "\ud800", "\udfff", "a\ud83d", "\ud83d\ude00\udc00", "\x00", "a\x00b", "\x1b[2J", "\x7f", "\x85", "\t\n\r",
    "\u200b", "\ufeff", "a\u200d", "中\u200b", "a \u200b", "\u202eabc", "\U0001f468\u200d\U0001f469", "\u2764\ufe0f",
    "\u0301", "\u3164", "\U000e0001", "\U0010ffff", "\uffff", "\u2028", "", " ", " " * 300, "x" * 300, "确" * 300,
    "%s%n{0}", "\\", '"', "../../../../etc/passwd", "/dev/zero", "~/.ssh/id_rsa", "compact.yaml", "even-g2", "CNY",
    "bitmap", "dashboard", "always_on", "roundabout", "answer",
)
HOSTILE_NUMBERS: tuple[int | float, ...] = (
    0, -0.0, -1, 1, 0.5, 2**53, 2**53 + 1, -(2**63), 10**30, 1e308, -1e308, 5e-324, 3.7, 8, 9, 100, 101,
    1000000, 1000001, 3600, 3600.0001, 0.1, 60.5,
)
HOSTILE_VALUES: tuple[Any, ...] = (None, True, False, [], {}, [1, "a"], {"a": {"b": []}}, "", 0)
#: Text-level replacements for a number in the frame: what json.dumps never writes.
NUMBER_TEXTS = ("1e999", "-1e999", "1" * 5000, "-0", "0.0000000000000000000001", "1E+308", "9" * 400 + ".5",
                "1e-400", "00", "+1", ".5", "0x10", "NaN", "Infinity", "-Infinity")
#: Characters for text-level insertions: JSON's own punctuation and a few dangerous ones.
PUNCTUATION = '{}[],:"\\ \n\x00'

_NUMBER = re.compile(r"(?<![\w.\"])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


# -- making a case ----------------------------------------------------------------------------
def make_case(rng: random.Random) -> str:
    """One mutated message: a seed, then one to three mutations, each at the value or text level."""
    return mutate(rng.choice(SEEDS), rng)


def mutate(raw: str, rng: random.Random) -> str:
    """`raw` after one to three mutations, each at the value or text level (any JSON message's seed)."""
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        raw = rng.choice(_MUTATIONS)(raw, rng)
    return raw


def hostile_value(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(HOSTILE_TEXT)
    if roll < 0.55:
        return random_text(rng, rng.randrange(1, 40))
    if roll < 0.8:
        return rng.choice(HOSTILE_NUMBERS)
    if roll < 0.9:
        return _nested(rng.randrange(1, 2000))
    return rng.choice(HOSTILE_VALUES)


def random_text(rng: random.Random, length: int) -> str:
    """Characters from everywhere: ASCII, any BMP code point (surrogates too), astral planes."""
    out = []
    for _ in range(length):
        roll = rng.random()
        if roll < 0.5:
            out.append(chr(rng.randrange(32, 127)))
        elif roll < 0.85:
            out.append(chr(rng.randrange(0x10000)))
        else:
            out.append(chr(rng.randrange(0x10000, 0x110000)))
    return "".join(out)


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for i in range(depth):
        value = [value] if i % 2 else {"x": value}
    return value


def _fields(name: str) -> list[str]:
    return [k for k in p.DEFS[name].get("properties", {}) if k != "type"]


def _edit(raw: str, rng: random.Random, change: Callable[[dict[str, Any], random.Random], Any]) -> str:
    """Decode, change, encode (with or without escapes); text that is no longer a JSON object stays as is."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return raw
    if not isinstance(data, dict):
        return raw
    out = change(data, rng)
    try:
        return json.dumps(data if out is None else out, ensure_ascii=rng.random() < 0.5)
    except (ValueError, RecursionError):
        return raw


def _set_field(raw: str, rng: random.Random) -> str:
    def change(data: dict[str, Any], rng: random.Random) -> None:
        known = sorted({k for name in p.CLIENT_LEAVES for k in _fields(name)})
        key = rng.choice([*data, *data, *known])
        data[key] = hostile_value(rng)

    return _edit(raw, rng, change)


def _set_text(raw: str, rng: random.Random) -> str:
    """A string field's text replaced by text that is often fine: emoji, CJK, joiners, odd spacing."""
    def change(data: dict[str, Any], rng: random.Random) -> None:
        keys = [k for k, v in data.items() if isinstance(v, str) and k not in ("type", "step", "mode", "layout")]
        if keys:
            key = rng.choice(keys)
            pieces = [rng.choice(HOSTILE_TEXT) if rng.random() < 0.3 else random_text(rng, rng.randrange(1, 12))
                      for _ in range(rng.randrange(1, 4))]
            data[key] = "".join(pieces)[:rng.choice((8, 60, 200, 2000))]

    return _edit(raw, rng, change)


def _set_number(raw: str, rng: random.Random) -> str:
    """A number field set to another number, in its range or just outside."""
    def change(data: dict[str, Any], rng: random.Random) -> None:
        keys = [k for k, v in data.items() if isinstance(v, int | float) and not isinstance(v, bool)]
        if keys:
            data[rng.choice(keys)] = rng.choice((rng.uniform(-1, 1e6), rng.randrange(-2, 12),
                                                 rng.choice(HOSTILE_NUMBERS), rng.uniform(0, 100)))

    return _edit(raw, rng, change)


def _drop_field(raw: str, rng: random.Random) -> str:
    def change(data: dict[str, Any], rng: random.Random) -> None:
        if data:
            del data[rng.choice(list(data))]

    return _edit(raw, rng, change)


def _cross_over(raw: str, rng: random.Random) -> str:
    """Fields of another kind's example: a card's fields on a notification, a bitmap's data on a text wall."""
    other = json.loads(rng.choice(SEEDS))

    def change(data: dict[str, Any], rng: random.Random) -> None:
        for key in rng.sample(list(other), rng.randrange(1, len(other) + 1)):
            data[key] = other[key]

    return _edit(raw, rng, change)


def _not_an_object(raw: str, rng: random.Random) -> str:
    return _edit(raw, rng, lambda data, rng: rng.choice([[data], list(data.values()), _nested(rng.randrange(1, 3000)),
                                                         rng.choice(HOSTILE_VALUES)]))


def _bitmap(raw: str, rng: random.Random) -> str:
    """A bitmap card whose PNG is broken in one of many ways (or, now and then, a good one)."""
    def change(data: dict[str, Any], rng: random.Random) -> None:
        data.update(type="show", layout="bitmap")
        for key in [k for k in data if k not in p.DEFS["show_bitmap"]["properties"]]:
            del data[key]
        data["data"] = hostile_png(rng)

    return _edit(raw, rng, change)


def _insert_text(raw: str, rng: random.Random) -> str:
    at = rng.randrange(len(raw) + 1)
    roll = rng.random()
    if roll < 0.4:  # an escape: surrogates, controls and invisible characters are where they hurt
        code = rng.choice((rng.randrange(0xD800, 0xE000), rng.randrange(0x20), 0x200B, 0xFEFF, 0x202E,
                           rng.randrange(0x10000)))
        piece = f"\\u{code:04x}"
    elif roll < 0.7:
        piece = rng.choice(PUNCTUATION)
    else:
        piece = random_text(rng, rng.randrange(1, 8))
    return raw[:at] + piece + raw[at:]


def _delete_text(raw: str, rng: random.Random) -> str:
    if not raw:
        return raw
    at = rng.randrange(len(raw))
    return raw[:at] + raw[at + rng.randrange(1, 8):]


def _duplicate_text(raw: str, rng: random.Random) -> str:
    if not raw:
        return raw
    at = rng.randrange(len(raw))
    end = min(len(raw), at + rng.randrange(1, 40))
    return raw[:end] + raw[at:end] * rng.randrange(1, 4) + raw[end:]


def _truncate(raw: str, rng: random.Random) -> str:
    return raw[:rng.randrange(len(raw) + 1)]


def _replace_number(raw: str, rng: random.Random) -> str:
    numbers = list(_NUMBER.finditer(raw))
    if not numbers:
        return _insert_text(raw, rng)
    found = rng.choice(numbers)
    return raw[:found.start()] + rng.choice(NUMBER_TEXTS) + raw[found.end():]


def _duplicate_key(raw: str, rng: random.Random) -> str:
    end = raw.rfind("}")
    if end < 0:
        return raw
    key = rng.choice(["type", "id", "app", "title", "text", "layout", "data", "view", "step", "mode"])
    try:
        value = json.dumps(hostile_value(rng))
    except RecursionError:
        value = "[]"
    return raw[:end] + f', "{key}": {value}' + raw[end:]


def _deep_text(raw: str, rng: random.Random) -> str:
    depth = rng.choice((10, 100, 990, 1100, 20000))
    opener = rng.choice(("[", '{"a":'))
    closer = "]" if opener == "[" else "}"
    return opener * depth + raw + closer * depth * rng.choice((0, 1, 1))


_MUTATIONS: tuple[Callable[[str, random.Random], str], ...] = (
    _set_field, _set_field, _set_text, _set_text, _set_text, _set_number, _set_number, _drop_field, _cross_over,
    _not_an_object, _bitmap, _bitmap,
    _insert_text, _insert_text, _delete_text, _duplicate_text, _truncate, _replace_number, _replace_number,
    _duplicate_key, _deep_text,
)


# -- hostile PNGs -----------------------------------------------------------------------------
def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(width: int, height: int, pixels: bytes | None = None, mode: int = 0, depth: int = 8,
              extra: bytes = b"", idat: bytes | None = None) -> bytes:
    """A PNG with this header and (unless `idat` gives its compressed data) these raw rows; checksums right."""
    if idat is None:
        channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(mode, 1)
        row = (width * channels * depth + 7) // 8
        rows = pixels if pixels is not None else bytes(row * height)
        idat = zlib.compress(b"".join(b"\x00" + rows[i * row:(i + 1) * row] for i in range(height)))
    header = struct.pack(">IIBBBBB", width, height, depth, mode, 0, 0, 0)
    palette = _chunk(b"PLTE", bytes(range(48))) if mode == 3 else b""
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + palette + extra + _chunk(b"IDAT", idat)
            + _chunk(b"IEND", b""))


def hostile_png(rng: random.Random) -> str:
    """Base64 of a PNG that is good, subtly broken, a bomb, or no PNG at all."""
    w, h = rng.choice(((1, 1), (4, 2), (64, 32), (576, 288), (577, 1), (0, 5), (5, 0), (2**31 - 1, 1),
                       (20000, 20000), (rng.randrange(1, 600), rng.randrange(1, 300))))
    small = w * h <= 576 * 288
    kind = rng.randrange(10)
    if kind == 0 and small:  # good: noise, so it does not compress away
        data = png_bytes(w, h, bytes(rng.randrange(256) for _ in range(min(w * h, 4096))) * (w * h // 4096 + 1))
    elif kind == 1:  # pixel data that is not zlib, every checksum right
        data = png_bytes(w, h, idat=b"\x78\x9c" + bytes(rng.randrange(256) for _ in range(64)))
    elif kind == 2 and small:  # the compressed stream cut short
        full = zlib.compress(bytes(w * h + h))
        data = png_bytes(w, h, idat=full[:rng.randrange(len(full))])
    elif kind == 3:  # a bomb: little data, a huge declared size
        data = png_bytes(w, h, idat=zlib.compress(bytes(1 << 16), 9))
    elif kind == 4 and small:  # odd colour types and bit depths, some not allowed together
        data = png_bytes(w, h, mode=rng.choice((0, 2, 3, 4, 6, 5)), depth=rng.choice((1, 2, 4, 8, 16, 3)))
    elif kind == 5:  # a text chunk that inflates
        ztxt = _chunk(b"zTXt", b"k\x00\x00" + zlib.compress(bytes(1 << 20), 9))
        data = png_bytes(min(w, 64) or 1, min(h, 32) or 1, extra=ztxt)
    else:  # a good PNG with bytes flipped, cut or appended (checksums then mostly wrong)
        flipped = bytearray(png_bytes(min(w, 64) or 1, min(h, 32) or 1))
        for _ in range(rng.randrange(1, 4)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        if rng.random() < 0.3:
            flipped = flipped[:rng.randrange(len(flipped))]
        data = bytes(flipped)
    text = base64.b64encode(data).decode()
    roll = rng.random()
    if roll < 0.1:  # broken base64
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(("!", "=", "\n", " ", "é", "==", "A")) + text[at:]
    elif roll < 0.15:
        text = text[:rng.randrange(len(text) + 1)]
    return text


# -- checking a case --------------------------------------------------------------------------
def check(raw: str | bytes, seconds: float = 0.5) -> Outcome:
    """Parse one frame; render what is accepted (`seconds` after it is applied); say what came of it."""
    try:
        result = parse(raw)
    except Exception as exc:  # the very thing being counted
        return Outcome("other", f"parse raised {type(exc).__name__}: {str(exc)[:300]}")
    if isinstance(result, Rejected):
        return _refusal(result.reason)
    if isinstance(result, Hello):
        return Outcome("accepted", "hello")
    if isinstance(result, Accepted):
        return render(result.events, seconds)
    return Outcome("other", f"parse returned {type(result).__name__}")


def _refusal(reason: object) -> Outcome:
    if not isinstance(reason, str) or not reason.strip():
        return Outcome("other", f"refused without a reason: {reason!r}")
    try:
        reason.encode("utf-8")
    except UnicodeEncodeError:
        return Outcome("other", f"a reason that cannot be sent: {reason[:200]!r}")
    return Outcome("located", reason[:500])


def render(events: tuple[ev.Event, ...], seconds: float = 0.5) -> Outcome:
    """Apply `events` to a fresh headless session as the push bridge does (files loaded under the roots
    policy first), render a frame `seconds` later, and encode what the display then shows."""
    from hud.push.commands import needs_files, prepare
    from hud.push.watch import summary
    from hud.roots import Refused, Roots

    try:
        session = _session()
        roots = Roots.of(session.scenario.path)
        for event in events:
            if needs_files(event):
                try:
                    loaded = prepare(event, roots)
                except Refused as exc:  # the message's one reply, as from the bridge
                    return _refusal(str(exc))
                session.push(loaded.event, layout=loaded.layout, device=loaded.device)
            else:
                session.push(event)
        session.advance(seconds)
        session.render_composite()
        json.dumps(summary(session.state, session.now), ensure_ascii=False).encode("utf-8")
    except Exception as exc:  # the very thing being counted
        return Outcome("other", f"{type(exc).__name__} applying {_show(events)}: {str(exc)[:300]}")
    return Outcome("accepted")


def _show(events: tuple[ev.Event, ...]) -> str:
    return ", ".join(repr(e)[:200] for e in events)


@cache
def _parts() -> tuple[Any, ...]:
    """The empty scenario, the default device and layout, and a street scene: loaded once per process."""
    from hud import paths
    from hud.background.scene import StreetScene
    from hud.device import DEFAULT_DEVICE, load_device
    from hud.layout import load_layout
    from hud.scenario import load_scenario

    scenario = load_scenario(paths.SCENARIOS / "empty.yaml")
    device = load_device(DEFAULT_DEVICE)
    scene = StreetScene()
    scene.start()
    return scenario, device, load_layout(device.layout), scene


def _session() -> Any:
    """A fresh session for each case (about a millisecond), so a case replays alone, whatever came before."""
    from hud.session import Session

    scenario, device, layout, scene = _parts()
    return Session(scenario, device, layout, scene, (320, 180))


def push_case(rng: random.Random) -> Outcome:
    """One case of the push boundary: a mutated message, parsed, and rendered when accepted."""
    raw = make_case(rng)
    return check(raw, rng.choice((0.0, 0.05, 0.5, 3.0)))


def warm_up() -> None:
    """Load the session's parts and render one frame (about 0.6 s, once per process)."""
    check(SEEDS[1])


def __getattr__(name: str) -> Any:
    """`BOUNDARIES` ({"push": push_case}), handed out once the renderer is warm.

    Why not a plain module constant: the runner times every case, and the first render (the street
    scene's layers, fonts) would make the first accepted case look slow; importing this module for
    its helpers (the Hypothesis tests do) should not pay for it either.
    """
    if name == "BOUNDARIES":
        warm_up()
        boundaries: dict[str, Boundary] = {"push": push_case}
        return boundaries
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
