"""The app-facing ports for the fuzzer: MentraOS app messages and the automation API's input body.

Why their own boundary: an app (or anything that reaches the app WebSocket) and a script (or a web
page refused by the guard, or a program on this machine) are outside input like a push client, so
the same rule holds: accepted and then rendered, or refused with a non-empty, sendable reason.

    mentra      a seed in the shape `@mentra/sdk` 2.1.29 sends (a display of every layout type, a
                dashboard update, subscriptions, an SDK-converted 1-bit BMP), mutated like push messages
                (`hud.fuzz.messages.mutate`), read by `hud.mentra.cloud.read_app_message` exactly as the
                server reads it, and its displays applied and rendered
    automation  a POST /api/input body (JSON mutated the same way, or raw bytes) with a content type,
                parsed by `hud.evenhub.inputs.parse_input`; an accepted action's gesture is applied
"""

from __future__ import annotations

import base64
import json
import random
import struct
from functools import cache
from typing import Any

from hud import events as ev
from hud.fuzz import Boundary, Outcome
from hud.fuzz.messages import mutate, render

_PACKAGE = "com.hud.fuzz"


def _bmp(width: int, height: int) -> str:
    """A 1-bit BMP as the SDK's converter writes it: palette [black, white], rows bottom-up, a lit bar."""
    row = (width + 31) // 32 * 4
    out = bytearray(b"BM" + struct.pack("<IHHI", 62 + row * height, 0, 0, 62))
    out += struct.pack("<IiiHHIIiiII", 40, width, height, 1, 1, 0, row * height, 2835, 2835, 2, 2)
    out += bytes((0, 0, 0, 0, 255, 255, 255, 0))
    for y in range(height):
        out += bytes(0xFF if 2 <= y < 6 and x < row // 2 else 0 for x in range(row))
    return base64.b64encode(bytes(out)).decode()


@cache
def mentra_seeds() -> tuple[str, ...]:
    def display(layout: dict[str, Any], **extra: Any) -> str:
        return json.dumps({"timestamp": "2026-12-02T10:00:00.000Z", "sessionId": "", "type": "display_event",
                           "packageName": _PACKAGE, "view": "main", "layout": layout, **extra}, ensure_ascii=False)

    bmp = _bmp(64, 16)
    return (
        display({"layoutType": "text_wall", "text": "Hello from a MentraOS app"}),
        display({"layoutType": "double_text_wall", "topText": "Gate B12", "bottomText": "Boarding 10:15"},
                durationMs=5000),
        display({"layoutType": "reference_card", "title": "Tapped", "text": "tap number 1"}),
        display({"layoutType": "dashboard_card", "leftText": "12:30", "rightText": "5G"}, view="dashboard"),
        display({"layoutType": "bitmap_view", "data": bmp}),
        display({"layoutType": "bitmap_animation", "frames": [bmp, bmp], "interval": 500, "repeat": True}),
        display({"layoutType": "clear_view"}),
        json.dumps({"type": "dashboard_content_update", "packageName": _PACKAGE, "sessionId": "s",
                    "content": "3 new messages", "modes": ["main"], "timestamp": "2026-12-02T10:00:00.000Z"}),
        json.dumps({"type": "subscription_update", "packageName": _PACKAGE, "sessionId": "s",
                    "subscriptions": ["touch_event", "transcription:en-US", {"stream": "location_stream",
                                                                               "rate": "standard"}]}),
        json.dumps({"type": "audio_play_request", "requestId": "r1", "audioUrl": "https://example.org/a.mp3"}),
    )


def _reason(reason: object) -> Outcome:
    if not isinstance(reason, str) or not reason.strip():
        return Outcome("other", f"refused without a reason: {reason!r}")
    try:
        reason.encode("utf-8")
    except UnicodeEncodeError:
        return Outcome("other", f"a reason that cannot be sent: {reason[:200]!r}")
    return Outcome("located", reason[:500])


def mentra_case(rng: random.Random) -> Outcome:
    """One mutated app message, read as the cloud reads it; its displays rendered."""
    from hud.mentra.cloud import Subscriptions, read_app_message
    from hud.mentra.layouts import MentraFormatError
    from hud.mentra.wire import WireError

    raw = mutate(rng.choice(mentra_seeds()), rng)
    try:
        message = read_app_message(raw, _PACKAGE)
    except (WireError, MentraFormatError) as exc:
        return _reason(str(exc))
    except Exception as exc:  # the very thing being counted
        return Outcome("other", f"{type(exc).__name__} reading an app message: {str(exc)[:300]}")
    if isinstance(message, tuple):
        return render(message, rng.choice((0.0, 0.3, 2.0)))
    if isinstance(message, Subscriptions):
        try:
            json.dumps(message.streams, ensure_ascii=False).encode("utf-8")  # streamType goes back verbatim
        except (UnicodeEncodeError, TypeError, ValueError) as exc:
            return Outcome("other", f"a subscription that cannot be sent back: {exc}")
    return Outcome("accepted")


CONTENT_TYPES = ("application/json", "application/json; charset=utf-8", "application/vnd.x+json", "text/plain",
                 None, "", "application/json\x00", "APPLICATION/JSON", "multipart/form-data; boundary=x")


def automation_case(rng: random.Random) -> Outcome:
    """One POST /api/input body and content type, parsed as the server parses it; an action applied."""
    from hud.evenhub.inputs import GESTURE_FOR, Refusal, parse_input

    roll = rng.random()
    if roll < 0.8:
        body = mutate(json.dumps({"action": rng.choice(sorted(GESTURE_FOR))}), rng).encode("utf-8", "surrogatepass")
    else:
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(40)))
    content_type = rng.choice(CONTENT_TYPES)
    try:
        result = parse_input(body, content_type)
    except Exception as exc:  # the very thing being counted
        return Outcome("other", f"parse_input raised {type(exc).__name__}: {str(exc)[:300]}")
    if isinstance(result, Refusal):
        if not 400 <= result.status < 500:
            return Outcome("other", f"a refusal with status {result.status}")
        return _reason(result.message)
    gesture = GESTURE_FOR.get(result)
    return render((ev.Gesture(kind=gesture),) if gesture else (), 0.1)


def __getattr__(name: str) -> Any:
    """`BOUNDARIES`, handed out once the renderer is warm (see `hud.fuzz.messages.__getattr__`)."""
    if name == "BOUNDARIES":
        from hud.fuzz.messages import warm_up

        warm_up()
        boundaries: dict[str, Boundary] = {"mentra": mentra_case, "automation": automation_case}
        return boundaries
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
