"""One frame -> events or a precise reason: every bad input gets its own exact sentence, nothing is
coerced, and every kind of message becomes the hud event it names."""

from __future__ import annotations

import base64
import io
import json
import struct
import zlib
from typing import Any

import pytest
from conftest import FIXTURES
from PIL import Image

from hud import events as ev
from hud.push import protocol as p
from hud.push.commands import Clear, SetDevice, SetLayout, ShowCard, is_command
from hud.push.messages import Accepted, Hello, Rejected, parse

BAD = [json.loads(line) for line in (FIXTURES / "push" / "bad_messages.jsonl").read_text("utf-8").splitlines()]


def png(size: tuple[int, int], noise: bool = False) -> str:
    """A base64 PNG of `size` (black, or noise that does not compress)."""
    image = Image.new("L", size, 0)
    if noise:
        image = Image.frombytes("L", size, bytes((i * 7919) % 251 for i in range(size[0] * size[1])))
    out = io.BytesIO()
    image.save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def raw_png(width: int, height: int, idat: bytes, mode: int = 0) -> str:
    """A base64 PNG with this header and this (compressed) pixel data, every checksum right."""
    header = struct.pack(">IIBBBBB", width, height, 8, mode, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    return base64.b64encode(data).decode()


def broken_png() -> str:
    """Signature, header and checksums fine (Pillow's verify() passes), pixel data that is not zlib."""
    return raw_png(64, 32, b"\x78\x9c" + bytes(range(7, 250)))


def _one(message: dict[str, Any]) -> ev.Event:
    result = parse(json.dumps(message))
    assert isinstance(result, Accepted), result
    assert len(result.events) == 1
    return result.events[0]


@pytest.mark.parametrize("case", BAD, ids=lambda c: c["raw"][:48])
def test_each_bad_message_gets_its_exact_reason(case: dict[str, Any]) -> None:
    assert parse(case["raw"]) == Rejected(case["id"], case["reason"])


def test_the_reasons_name_the_problem_the_brief_asks_for() -> None:
    assert parse('{"type": "notify", "app" "x"}') == Rejected(None, "malformed JSON at line 1 column 26: "
                                                                    "Expecting ':' delimiter")
    assert parse('{"type": "notfy"}').reason.startswith("unknown message type 'notfy'; expected one of hello, notify")
    assert parse('{"type": "notify", "app": "a", "title": "b", "duration": "soon"}').reason == \
        "'duration' must be a number, got string \"soon\""


def test_a_message_over_64_kB_is_refused_by_its_size() -> None:
    big = json.dumps({"type": "say", "text": "x" * (1 << 20)})
    assert parse(big) == Rejected(None, f"message is {len(big)} bytes; the limit is 65536")
    # Bytes, not characters: 1,999 CJK characters fit; 22,000 are 66,000 bytes and do not.
    cjk = json.dumps({"type": "notify", "app": "a", "title": "b", "body": "确" * 1999}, ensure_ascii=False)
    assert isinstance(parse(cjk), Accepted)
    wide = '{"type": "say", "text": "' + "确" * 22000 + '"}'
    assert parse(wide).reason == f"message is {len(wide.encode())} bytes; the limit is 65536"


def test_binary_frames_and_deep_nesting_are_refused() -> None:
    assert parse(b'{"type": "wake"}').reason.startswith("binary frames are not accepted")
    assert parse("[" * 30000 + "]" * 30000).reason == "malformed JSON: nested too deeply (a message is one flat object)"


def test_every_problem_of_a_message_is_reported_at_once() -> None:
    reason = parse('{"type": "notify", "id": "n", "app": 1, "duration": "x", "extra": 0}').reason
    assert reason.split("; ") == [
        "missing required field 'title' for 'notify'", "'app' must be a string, got number 1",
        "'duration' must be a number, got string \"x\"",
        "unknown field 'extra' for 'notify' (its fields: id, app, title, body, urgent, duration, durationMs)"]


def test_nothing_is_coerced() -> None:
    assert isinstance(parse('{"type": "notify", "app": "a", "title": 5}'), Rejected)  # no str(5)
    assert isinstance(parse('{"type": "notify", "app": "a", "title": "b", "urgent": 0}'), Rejected)  # no bool(0)
    assert isinstance(parse('{"type": "status", "battery_main": "50"}'), Rejected)  # no int("50")
    assert isinstance(parse('{"type": "say", "text": null}'), Rejected)  # no "" for null
    assert isinstance(parse('{"type": "status", "battery_main": null}'), Rejected)  # omit a field to keep it


def test_json_numbers_become_the_dataclass_types() -> None:
    nav = _one({"type": "navigate", "maneuver": "roundabout", "exit": 2.0, "distance": 300})
    assert nav == ev.Navigate(maneuver="roundabout", exit=2, distance=300.0)
    assert type(nav.exit) is int and type(nav.distance) is float  # type: ignore[attr-defined]


def test_each_message_becomes_its_event() -> None:
    cases: list[tuple[dict[str, Any], ev.Event]] = [
        ({"type": "notify", "app": "Chat", "title": "Hi", "urgent": True, "duration": 2},
         ev.Notify(app="Chat", title="Hi", urgent=True, duration=2.0)),
        ({"type": "navigate", "maneuver": "left", "distance": 120, "street": "Main St", "eta": 4, "speed": 1.2},
         ev.Navigate(maneuver="left", distance=120.0, street="Main St", eta=4.0, speed=1.2)),
        ({"type": "nav_end"}, ev.NavEnd()),
        ({"type": "pay", "step": "detect", "merchant": "Cafe", "amount": 32, "currency": "EUR", "timeout": 20,
          "verify_seconds": 1, "outcome": "failed", "reason": "card expired"},
         ev.PayDetect(merchant="Cafe", amount=32.0, currency="EUR", timeout=20.0, verify_seconds=1.0,
                      outcome="failed", reason="card expired")),
        ({"type": "pay", "step": "confirm", "by": "tap"}, ev.PayConfirm(by="tap")),
        ({"type": "pay", "step": "confirm"}, ev.PayConfirm(by="voice")),
        ({"type": "pay", "step": "cancel"}, ev.PayCancel()),
        ({"type": "pay", "step": "result", "ok": False, "reason": "declined"},
         ev.PayResult(ok=False, reason="declined")),
        ({"type": "caption", "mode": "listening"}, ev.Wake()),
        ({"type": "caption", "mode": "thinking"}, ev.Think()),
        ({"type": "caption", "mode": "answer", "text": "Left, then 200 m", "cps": 40, "hold": 2},
         ev.Answer(text="Left, then 200 m", cps=40.0, hold=2.0)),
        ({"type": "caption", "mode": "idle"}, ev.Idle()),
        ({"type": "say", "text": "确认"}, ev.Say(text="确认")),
        ({"type": "status", "battery_swap": 12, "connectivity": "offline"},
         ev.Status(battery_swap=12, connectivity="offline")),
        ({"type": "gesture", "kind": "long_press"}, ev.Gesture(kind="long_press")),
        ({"type": "clear", "what": "navigation"}, Clear(what="navigation")),
        ({"type": "clear"}, Clear(what="all")),
        ({"type": "set_layout", "path": "compact.yaml"}, SetLayout(path="compact.yaml")),
        ({"type": "set_device", "name": "even-g2"}, SetDevice(name="even-g2")),
        ({"type": "show", "layout": "text_wall", "text": "Room 4.12"}, ShowCard(layout="text_wall", text="Room 4.12")),
        ({"type": "show", "layout": "double_text_wall", "top": "A", "bottom": "B", "view": "dashboard", "duration": 5},
         ShowCard(layout="double_text_wall", top="A", bottom="B", view="dashboard", duration=5.0)),
        ({"type": "show", "layout": "reference_card", "title": "Step 3", "text": "Fold"},
         ShowCard(layout="reference_card", title="Step 3", text="Fold")),
        ({"type": "show", "layout": "dashboard_card", "left": "AAPL", "right": "+1%", "view": "always_on"},
         ShowCard(layout="dashboard_card", left="AAPL", right="+1%", view="always_on")),
    ]
    for message, event in cases:
        assert _one({**message, "id": "x"}) == event, message
    assert is_command(Clear()) and not is_command(ev.Wake())


def test_ids_are_echoed_and_hello_is_its_own_result() -> None:
    assert parse('{"type": "nav_end", "id": "step-7"}') == Accepted("step-7", (ev.NavEnd(),), "nav_end")
    assert parse('{"type": "nav_end", "id": 7}').id == 7
    assert parse('{"type": "nav_end"}').id is None
    assert parse('{"type": "hello", "id": 1, "token": "s3cret"}') == Hello(1, "s3cret")
    assert parse('{"type": "hello"}') == Hello(None, None)
    assert parse('{"type": "nav_end", "id": true}') == Rejected(
        None, "'id' must be a string of 1 to 128 characters or an integer, got boolean true")


def test_bitmaps_must_be_real_pngs_within_576_by_288_and_100_kB() -> None:
    ok = png((576, 288))
    assert _one({"type": "show", "layout": "bitmap", "data": ok}) == ShowCard(layout="bitmap", data=ok)
    big = parse(json.dumps({"type": "show", "id": 1, "layout": "bitmap", "data": png((577, 100))}))
    assert big == Rejected(1, "'data' is a 577 x 100 PNG; the limit is 576 x 288")
    raw = base64.b64decode(ok)
    broken = base64.b64encode(raw[:40] + b"\x00" * 20 + raw[60:]).decode()
    assert parse(json.dumps({"type": "show", "layout": "bitmap", "data": broken})).reason.startswith(
        "'data' is a broken PNG: ")


def test_bitmap_byte_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # A 100 kB PNG cannot fit a 64 kB message, so the byte limit is checked with a lower limit.
    monkeypatch.setattr(p, "BITMAP_MAX_BYTES", 500)
    data = png((200, 100), noise=True)
    size = len(base64.b64decode(data))
    assert parse(json.dumps({"type": "show", "layout": "bitmap", "data": data})) == Rejected(
        None, f"'data' is {size} bytes of PNG; the limit is 500")


def test_a_bitmap_is_decoded_completely_at_the_edge() -> None:
    """verify() reads checksums only: broken pixel data used to pass here and end the frame loop."""
    reason = parse(json.dumps({"type": "show", "id": 1, "layout": "bitmap", "data": broken_png()})).reason
    assert reason.startswith("'data' is a broken PNG: ")
    short = raw_png(64, 32, zlib.compress(bytes(range(65)) * 32)[:-6])  # the compressed stream cut short
    assert parse(json.dumps({"type": "show", "layout": "bitmap", "data": short})).reason.startswith(
        "'data' is a broken PNG: ")
    empty = raw_png(0, 32, zlib.compress(b""))
    assert parse(json.dumps({"type": "show", "layout": "bitmap", "data": empty})).reason == (
        "'data' is a 0 x 32 PNG; an image needs at least one pixel")
    # A decompression bomb is refused by its header before any decoding: 1 MB of zeros, 20,000 x 20,000.
    bomb = raw_png(20000, 20000, zlib.compress(b"\x00" * (1 << 20), 9))
    assert parse(json.dumps({"type": "show", "layout": "bitmap", "data": bomb})).reason == (
        "'data' is a 20000 x 20000 PNG; the limit is 576 x 288")
    whole = raw_png(4, 2, zlib.compress(b"\x00\x10\x20\x30\x40" * 2))
    assert isinstance(parse(json.dumps({"type": "show", "layout": "bitmap", "data": whole})), Accepted)


@pytest.mark.parametrize(("text", "reason"), [
    ("\\ud800", "holds a lone surrogate (U+D800) at character 0: text must be valid Unicode, which UTF-8 can "
                "encode (a surrogate pair's two halves must come together)"),
    ("ok \\udfff", "holds a lone surrogate (U+DFFF) at character 3: text must be valid Unicode, which UTF-8 can "
                   "encode (a surrogate pair's two halves must come together)"),
    ("a\\u0000b", "holds the control character U+0000 at character 1; only tab, newline and carriage return are "
                  "allowed"),
    ("\\u001b[31m", "holds the control character U+001B at character 0; only tab, newline and carriage return "
                    "are allowed"),
    ("\\u200b", "holds the invisible character U+200B at character 0 with nothing to attach to: it is accepted "
                "only right after a visible letter or sign that is not CJK (the display cannot draw it alone, at "
                "the start of a line, after a space or after a CJK character)"),
])
def test_text_the_wire_or_the_display_cannot_carry_is_refused_by_its_path(text: str, reason: str) -> None:
    raw = '{"type": "notify", "id": 9, "app": "Chat", "title": "' + text + '"}'
    assert parse(raw) == Rejected(9, f"'title' {reason}")


def test_text_checks_name_every_path_and_never_echo_bad_text() -> None:
    raw = '{"type": "notify", "id": "\\ud800", "app": "\\u0007", "title": "t", "x\\udc00": ["\\ufeff"]}'
    assert parse(raw) == Rejected(None, (
        "'id' holds a lone surrogate (U+D800) at character 0: text must be valid Unicode, which UTF-8 can encode "
        "(a surrogate pair's two halves must come together); 'app' holds the control character U+0007 at "
        "character 0; only tab, newline and carriage return are allowed; a field name in the message holds a "
        "lone surrogate (U+DC00) at character 1: text must be valid Unicode, which UTF-8 can encode (a "
        "surrogate pair's two halves must come together); 'x\\udc00[0]' holds the invisible character U+FEFF at "
        "character 0 with nothing to attach to: it is accepted only right after a visible letter or sign that "
        "is not CJK (the display cannot draw it alone, at the start of a line, after a space or after a CJK "
        "character)"))
    assert parse('{"type": "\\ud800"}').reason.startswith("'type' holds a lone surrogate")


@pytest.mark.parametrize("text", ["Lunch?\\ttoday\\r\\nok", "\\u2764\\ufe0f", "\\ud83d\\udc68\\u200d\\ud83d\\udc69",
                                  "co\\u00adop", "\\u786e\\u8ba4", "\\u200e"[:0] + "abc\\u200e", "\\u0301"])
def test_ordinary_text_passes(text: str) -> None:
    """Emoji with joiners and variation selectors, soft hyphens, CJK, tabs and newlines are ordinary text."""
    result = parse('{"type": "notify", "app": "Chat", "title": "' + text + '"}')
    assert isinstance(result, Accepted), result


def test_a_mentra_display_event_is_accepted_as_the_sdk_sends_it() -> None:
    from mentra_bmps import sdk_b64

    bmp = sdk_b64([[x < 4 for x in range(8)] for _ in range(4)])
    message = {"type": "display_event", "id": "d1", "packageName": "com.x", "sessionId": "", "view": "main",
               "timestamp": "2025-01-01T08:41:00.000Z", "durationMs": 2500, "forceDisplay": False,
               "layout": {"layoutType": "reference_card", "title": "T", "text": "X"}}
    assert parse(json.dumps(message)) == Accepted("d1", (ShowCard(layout="reference_card", title="T", text="X",
                                                                  duration=2.5, app="com.x"),), "display_event")
    animation = {"type": "display_event", "layout": {"layoutType": "bitmap_animation", "frames": [bmp], "interval": 40}}
    (card,) = _accepted(animation)
    assert isinstance(card, ShowCard) and card.layout == "bitmap_animation" and card.interval == 0.04
    update = {"type": "dashboard_content_update", "packageName": "com.x", "content": "3 tasks", "modes": ["main"]}
    assert _accepted(update) == (ShowCard(layout="text_wall", view="dashboard", text="3 tasks", app="com.x"),)


def _accepted(message: dict[str, Any]) -> tuple[ev.Event, ...]:
    result = parse(json.dumps(message))
    assert isinstance(result, Accepted), result
    return result.events


@pytest.mark.parametrize(("message", "reason"), [
    ({"type": "display_event", "id": 5, "layout": {"layoutType": "double_text_wall", "topText": "a"}},
     "layout.bottomText: missing; expected a string"),
    ({"type": "display_event", "id": 5, "durationMs": "5s", "layout": {"layoutType": "text_wall", "text": "a"}},
     'durationMs must be a number of milliseconds >= 0, got string "5s"'),
    ({"type": "display_event", "id": True, "layout": {"layoutType": "text_wall", "text": "a"}},
     "'id' must be a string of 1 to 128 characters or an integer, got boolean true"),
])
def test_a_bad_display_event_is_refused_with_the_translations_located_reason(message: dict[str, Any],
                                                                            reason: str) -> None:
    result = parse(json.dumps(message))
    assert isinstance(result, Rejected) and result.reason == reason
    assert result.id == (5 if message["id"] == 5 else None)


@pytest.mark.parametrize(("message", "reason"), [
    ({"type": "show", "layout": "text_wall", "text": "a", "duration": 5000},
     "'duration' is in seconds: 5000 s is 1 h 23 min; for milliseconds send 'durationMs'"),
    ({"type": "notify", "app": "a", "title": "b", "duration": 1000},
     "'duration' is in seconds: 1000 s is 16 min 40 s; for milliseconds send 'durationMs'"),
    ({"type": "show", "layout": "text_wall", "text": "a", "duration": 5, "durationMs": 5000},
     "give 'duration' (seconds) or 'durationMs' (milliseconds), not both"),
    ({"type": "show", "layout": "text_wall", "text": "a", "durationMs": 50},
     "'durationMs' must be between 100 and 86400000, got 50"),
])
def test_a_duration_in_milliseconds_is_never_read_as_seconds(message: dict[str, Any], reason: str) -> None:
    result = parse(json.dumps(message))
    assert isinstance(result, Rejected) and result.reason == reason
    assert not p.client_validator().is_valid(message)  # the schema says the same to other languages


def test_seconds_stay_seconds_and_milliseconds_are_converted() -> None:
    assert _one({"type": "show", "layout": "text_wall", "text": "a", "durationMs": 5000}).duration == 5.0  # type: ignore[attr-defined]
    assert _one({"type": "show", "layout": "text_wall", "text": "a", "duration": 999}).duration == 999.0  # type: ignore[attr-defined]
    assert _one({"type": "show", "layout": "text_wall", "text": "a", "duration": 1000.5}).duration == 1000.5  # type: ignore[attr-defined]
    assert _one({"type": "notify", "app": "a", "title": "b", "durationMs": 1500}) == \
        ev.Notify(app="a", title="b", duration=1.5)


def test_hud_clients_can_show_animations_and_clear_one_view_of_their_own() -> None:
    png = p.DEFS["show_bitmap"]["examples"][0]["data"]
    assert _one({"type": "show", "layout": "bitmap_animation", "frames": [png, png], "interval": 0.5, "app": "me"}) == \
        ShowCard(layout="bitmap_animation", frames=(png, png), interval=0.5, app="me")
    assert _one({"type": "clear", "what": "cards", "view": "main", "app": "me"}) == \
        ev.Clear(what="cards", view="main", app="me")
    refused = parse(json.dumps({"type": "clear", "view": "main"}))
    assert isinstance(refused, Rejected)
    assert refused.reason == "'view' and 'app' narrow which cards are cleared: they need 'what': 'cards'"
    broken = parse(json.dumps({"type": "show", "layout": "bitmap_animation", "frames": [png, "iVBORw0KGgo="]}))
    assert isinstance(broken, Rejected) and broken.reason.startswith("'frames[1]' is not a PNG image")


def test_an_infinite_duration_is_refused_in_words() -> None:
    """JSON's 1e999 decodes to infinity: refused as too long, never a crash while wording the reason."""
    result = parse('{"type": "show", "layout": "text_wall", "text": "a", "duration": 1e999}')
    assert isinstance(result, Rejected) and result.reason == "'duration' must be between 0.1 and 86400, got inf"
    huge = parse('{"type": "show", "layout": "text_wall", "text": "a", "duration": 1e300}')
    assert isinstance(huge, Rejected) and "1e+300 s is far more than a lifetime" in huge.reason
