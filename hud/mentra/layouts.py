"""A MentraOS app message -> the hud events it means, or the located reason it was refused.

MentraOS apps (`@mentra/sdk` 2.1.29, `LayoutManager.createDisplayEvent`, `DashboardAPI.write`) send
    display_event             {type, packageName, sessionId, timestamp, view, layout: {layoutType, ...},
                               durationMs?, forceDisplay?}
    dashboard_content_update  {type, packageName, sessionId, content, modes: ["main"|"expanded"], timestamp}
and this module is the one translation of both into `hud.events`, used by the emulated cloud
(`hud.mentra.cloud`) and by hud's own push API (`hud.push.messages`), so the two cannot drift.

Layouts become `ShowCard`s: text_wall {text}, double_text_wall {topText, bottomText} -> top/bottom,
reference_card {title, text}, dashboard_card {leftText, rightText} -> left/right, bitmap_view {data:
base64 BMP} -> bitmap (a grey PNG, see `hud.mentra.bmp` for the polarity), bitmap_animation {frames,
interval ms, repeat} -> bitmap_animation (seconds); clear_view {} becomes `Clear(what="cards",
view=..., app=packageName)`, which clears only a card that app showed (MentraOS apps cannot clear
each other's displays). A dashboard_content_update is the text of the dashboard view.

Why refuse instead of coerce, when the SDK and cloud coerce (a bad view becomes main, a bad duration
is ignored): an app author running against hud wants to hear what was wrong, located by the field's
path (`layout.topText`, `layout.frames[3]`) and in words, with what was given. Fields the SDK sends
that hud has no use for (timestamp, sessionId, forceDisplay) are accepted; a field nobody sends is
refused with a suggestion, since a misspelt `durationMS` would otherwise leave a card up forever.
"""

from __future__ import annotations

import math
from typing import Any

from hud import events as ev
from hud.mentra import bmp
from hud.push import protocol
from hud.push.messages import strings, text_problem
from hud.push.protocol import suggest

MESSAGE_TYPES = ("display_event", "dashboard_content_update")
LAYOUT_TYPES = ("text_wall", "double_text_wall", "reference_card", "dashboard_card", "bitmap_view",
                "bitmap_animation", "clear_view")
VIEWS = ev.CARD_VIEWS
DASHBOARD_MODES = ("main", "expanded")
#: hud's limits on what the card shows (those of `hud.scenario.EVENT_FIELDS`, so every event made
#: here is one a scenario and a recording accept too).
MAX_TEXT = 2000
MAX_PACKAGE = 200
MAX_DURATION_MS = 86_400_000
MIN_DURATION_MS = 100
MAX_FRAMES = 32
MIN_INTERVAL_MS = 10
MAX_INTERVAL_MS = 3_600_000
DEFAULT_INTERVAL_MS = 1650  # the SDK's default for showBitmapAnimation

#: Each message's fields; the SDK's bookkeeping fields (and hud's push `id`) are accepted and unused.
_COMMON = ("type", "packageName", "sessionId", "timestamp", "id")
_FIELDS = {
    "display_event": (*_COMMON, "view", "layout", "durationMs", "forceDisplay"),
    "dashboard_content_update": (*_COMMON, "content", "modes"),
}
#: Each layout's text fields -> the ShowCard field each becomes.
_TEXTS: dict[str, dict[str, str]] = {
    "text_wall": {"text": "text"},
    "double_text_wall": {"topText": "top", "bottomText": "bottom"},
    "reference_card": {"title": "title", "text": "text"},
    "dashboard_card": {"leftText": "left", "rightText": "right"},
}
_LAYOUT_FIELDS: dict[str, tuple[str, ...]] = {
    **{name: tuple(texts) for name, texts in _TEXTS.items()},
    "bitmap_view": ("data",), "bitmap_animation": ("frames", "interval", "repeat"), "clear_view": (),
}


class MentraFormatError(ValueError):
    """A MentraOS message hud cannot take, and why: `layout.topText must be a string, got number 3`."""


def events_for(message: dict[str, Any]) -> tuple[ev.Event, ...]:
    """The hud events a MentraOS app message means (`display_event`, `dashboard_content_update`).

    Raises `MentraFormatError` (and nothing else, whatever the input) naming the field at fault.
    """
    if not isinstance(message, dict):
        raise MentraFormatError(f"a message must be an object, got {describe(message)}")
    _texts_carried(message)
    kind = message.get("type")
    if not isinstance(kind, str):
        raise MentraFormatError("missing required field 'type'" if kind is None
                                else f"type must be a string, got {describe(kind)}")
    if kind not in MESSAGE_TYPES:
        raise MentraFormatError(f"type: unknown message type {_quote(kind)}; expected one of "
                                f"{', '.join(MESSAGE_TYPES)}" + _suggest(kind, MESSAGE_TYPES))
    _known_fields(message, _FIELDS[kind], "", kind)
    app = _package(message)
    if kind == "dashboard_content_update":
        return (_dashboard(message, app),)
    return (_display(message, app),)


def _display(message: dict[str, Any], app: str) -> ev.Event:
    view = message.get("view", "main")
    if not isinstance(view, str):
        raise MentraFormatError(f"view must be a string, got {describe(view)}")
    if view not in VIEWS:
        raise MentraFormatError(f"view: unknown view {_quote(view)}; expected one of {', '.join(VIEWS)}"
                                + _suggest(view, VIEWS))
    if "forceDisplay" in message and not isinstance(message["forceDisplay"], bool):
        raise MentraFormatError(f"forceDisplay must be true or false, got {describe(message['forceDisplay'])}")
    duration = _duration(message.get("durationMs"))
    if "layout" not in message:
        raise MentraFormatError("missing required field 'layout' for 'display_event'")
    layout = message["layout"]
    if not isinstance(layout, dict):
        raise MentraFormatError(f"layout must be an object, got {describe(layout)}")
    layout_type = layout.get("layoutType")
    if layout_type is None:
        raise MentraFormatError(f"layout.layoutType: missing; expected one of {', '.join(LAYOUT_TYPES)}")
    if not isinstance(layout_type, str):
        raise MentraFormatError(f"layout.layoutType must be a string, got {describe(layout_type)}")
    if layout_type not in LAYOUT_TYPES:
        raise MentraFormatError(f"layout.layoutType: unknown layout {_quote(layout_type)}; expected one of "
                                f"{', '.join(LAYOUT_TYPES)}" + _suggest(layout_type, LAYOUT_TYPES))
    _known_fields(layout, ("layoutType", *_LAYOUT_FIELDS[layout_type]), "layout.", layout_type)
    if layout_type == "clear_view":
        return ev.Clear(what="cards", view=view, app=app)
    if layout_type in _TEXTS:
        names = _TEXTS[layout_type]
        texts: dict[str, Any] = {card: _text(layout, name, f"layout.{name}") for name, card in names.items()}
        return ev.ShowCard(layout=layout_type, view=view, duration=duration, app=app, **texts)
    if layout_type == "bitmap_view":
        if "data" not in layout:
            raise MentraFormatError("layout.data: missing; a bitmap_view needs 'data', a base64 BMP image")
        return ev.ShowCard(layout="bitmap", view=view, duration=duration, app=app,
                           data=_bitmap(layout["data"], "layout.data"))
    frames, interval, repeat = _animation(layout)
    return ev.ShowCard(layout="bitmap_animation", view=view, duration=duration, app=app, frames=frames,
                       interval=interval, repeat=repeat)


def _dashboard(message: dict[str, Any], app: str) -> ev.Event:
    """The dashboard's text. MentraOS shows it in the dashboard's "main" and "expanded" modes; hud's
    dashboard view has one size, so both modes show it there (the modes are still checked)."""
    if "content" not in message:
        raise MentraFormatError("missing required field 'content' for 'dashboard_content_update'")
    modes = message.get("modes", ["main"])
    if not isinstance(modes, list):
        raise MentraFormatError(f"modes must be an array of {' or '.join(DASHBOARD_MODES)}, got {describe(modes)}")
    for i, mode in enumerate(modes):
        if not isinstance(mode, str) or mode not in DASHBOARD_MODES:
            raise MentraFormatError(f"modes[{i}] must be one of {', '.join(DASHBOARD_MODES)}, got {describe(mode)}"
                                    + (_suggest(mode, DASHBOARD_MODES) if isinstance(mode, str) else ""))
    text = _text(message, "content", "content")
    return ev.ShowCard(layout="text_wall", view="dashboard", text=text, app=app)


def _package(message: dict[str, Any]) -> str:
    for name in ("sessionId", "timestamp"):  # unused, but they must be what the SDK sends
        value = message.get(name)
        if value is not None and not isinstance(value, str):
            raise MentraFormatError(f"{name} must be a string, got {describe(value)}")
    package = message.get("packageName", "")
    if not isinstance(package, str):
        raise MentraFormatError(f"packageName must be a string, got {describe(package)}")
    if len(package) > MAX_PACKAGE:
        raise MentraFormatError(f"packageName: is {len(package)} characters long; at most {MAX_PACKAGE} allowed")
    problem = text_problem(package)
    if problem is not None:
        raise MentraFormatError(f"packageName: {problem}")
    return package


def _duration(value: Any) -> float | None:
    """`durationMs` in seconds; None (absent, null or 0) keeps the card until it is replaced or cleared.

    Why 0 means "until replaced": the SDK passes 0 on as a valid duration, and a card that vanished
    at once could never be seen. Below 100 ms (hud's shortest card) it is refused, not rounded up.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise MentraFormatError(f"durationMs must be a number of milliseconds >= 0, got {describe(value)}")
    if value == 0:
        return None
    if value < MIN_DURATION_MS or value > MAX_DURATION_MS:
        raise MentraFormatError(f"durationMs must be 0 (until replaced) or between {MIN_DURATION_MS} and "
                                f"{MAX_DURATION_MS} milliseconds (24 h), got {describe(value)}")
    return float(value) / 1000


def _text(obj: dict[str, Any], name: str, where: str) -> str:
    if name not in obj:
        raise MentraFormatError(f"{where}: missing; expected a string")
    text = obj[name]
    if not isinstance(text, str):
        raise MentraFormatError(f"{where} must be a string, got {describe(text)}")
    if len(text) > MAX_TEXT:
        raise MentraFormatError(f"{where}: is {len(text)} characters long; at most {MAX_TEXT} allowed")
    problem = text_problem(text)
    if problem is not None:
        raise MentraFormatError(f"{where}: {problem}")
    return text


def _bitmap(data: Any, where: str) -> str:
    try:
        return bmp.png_from_bmp(data, where)
    except bmp.BitmapError as exc:
        raise MentraFormatError(str(exc)) from None


def _animation(layout: dict[str, Any]) -> tuple[tuple[str, ...], float, bool]:
    frames = layout.get("frames")
    if frames is None:
        raise MentraFormatError("layout.frames: missing; a bitmap_animation needs 'frames', an array of base64 BMP "
                                "images")
    if not isinstance(frames, list):
        raise MentraFormatError(f"layout.frames must be an array of base64 BMP images, got {describe(frames)}")
    if not 1 <= len(frames) <= MAX_FRAMES:
        raise MentraFormatError(f"layout.frames: has {len(frames)} frames; 1 to {MAX_FRAMES} allowed")
    total = sum(len(frame) for frame in frames if isinstance(frame, str))
    if total > bmp.MAX_BASE64_CHARS:
        raise MentraFormatError(f"layout.frames: hold {total} characters of base64 in all; the limit is "
                                f"{bmp.MAX_BASE64_CHARS} per message")
    interval = layout.get("interval", DEFAULT_INTERVAL_MS)
    if (isinstance(interval, bool) or not isinstance(interval, int | float) or not math.isfinite(interval)
            or not MIN_INTERVAL_MS <= interval <= MAX_INTERVAL_MS):
        raise MentraFormatError(f"layout.interval must be a number of milliseconds between {MIN_INTERVAL_MS} and "
                                f"{MAX_INTERVAL_MS}, got {describe(interval)}")
    repeat = layout.get("repeat", False)
    if not isinstance(repeat, bool):
        raise MentraFormatError(f"layout.repeat must be true or false, got {describe(repeat)}")
    pngs = tuple(_bitmap(frame, f"layout.frames[{i}]") for i, frame in enumerate(frames))
    from hud.scenario import ANIMATION_MAX_CHARS

    if sum(len(png) for png in pngs) > ANIMATION_MAX_CHARS:
        raise MentraFormatError(f"layout.frames: as PNGs the frames hold more than {ANIMATION_MAX_CHARS} characters "
                                f"of base64, hud's limit for an animation (black and white frames, as the SDK "
                                f"makes, are far below it)")
    return pngs, float(interval) / 1000, repeat


def _texts_carried(message: dict[str, Any]) -> None:
    """Every string (field names too) must be text the display and the wire can carry, checked first:
    the other reasons quote given values, and a reason holding a lone surrogate could not be sent."""
    for path, text, is_key in strings(message):
        problem = text_problem(text)
        if problem is not None:
            where = _path(path) or "the message"
            raise MentraFormatError(f"a field name in {where} {problem}" if is_key else f"{where}: {problem}")


def _path(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{_field(part)}" if text else _field(part)
    return text


def describe(value: Any) -> str:
    """`hud.push.protocol.describe`, safe for any Python value (an int too long for str() included)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return f"number with {value.bit_length()} bits (too large)"
    if not isinstance(value, str | int | float | bool | list | dict) and value is not None:
        return f"a {type(value).__name__}"
    return protocol.describe(value)


def _known_fields(obj: dict[str, Any], known: tuple[str, ...], prefix: str, what: str) -> None:
    for name in obj:
        if name not in known:
            shown = [k for k in known if k not in ("type", "id", "layoutType")]
            raise MentraFormatError(f"{prefix}{_field(name)}: unknown field for {what} (its fields: "
                                    f"{', '.join(shown) or 'none'})"
                                    + (_suggest(name, known) if isinstance(name, str) else ""))


def _field(name: Any) -> str:
    return name if isinstance(name, str) and name.isidentifier() else _quote(str(name))


def _quote(value: str) -> str:
    shown = value if len(value) <= 40 else value[:37] + "..."
    return repr(shown)


def _suggest(value: str, choices: tuple[str, ...]) -> str:
    return suggest(value, choices)
