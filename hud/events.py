"""Typed events: the only things (besides the clock) that change what the HUD shows.

Why dataclasses with a `type` name each: scenarios, tests, the window's keys and (later)
pushed messages all produce the same records, so one reducer (`hud.state.apply`) handles
them and a session can be logged and replayed as data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

MANEUVERS = ("straight", "slight_left", "left", "sharp_left", "slight_right", "right", "sharp_right",
             "uturn", "roundabout", "arrive")
GESTURES = ("tap", "double_tap", "swipe_forward", "swipe_back", "swipe_down", "long_press")
CONNECTIVITY = ("5g", "4g", "wifi", "bluetooth", "offline")
PAY_OUTCOMES = ("success", "failed")


@dataclass(frozen=True)
class Event:
    type: ClassVar[str] = "event"

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.type, **asdict(self)}


@dataclass(frozen=True)
class Wake(Event):
    """The wearer woke the assistant (long press or wake word): it starts listening."""

    type: ClassVar[str] = "wake"


@dataclass(frozen=True)
class Say(Event):
    """What the wearer said (voice stands in as text); shown as the live transcript.

    Words like "confirm"/"确认" or "cancel"/"取消" also answer a pending payment.
    """

    type: ClassVar[str] = "say"
    text: str = ""


@dataclass(frozen=True)
class Think(Event):
    type: ClassVar[str] = "think"


@dataclass(frozen=True)
class Answer(Event):
    """The assistant's reply, streamed onto the caption at `cps` characters per second."""

    type: ClassVar[str] = "answer"
    text: str = ""
    cps: float = 28.0
    hold: float = 4.0  # seconds the full answer stays before the caption goes idle


@dataclass(frozen=True)
class Idle(Event):
    type: ClassVar[str] = "idle"


@dataclass(frozen=True)
class Navigate(Event):
    """A navigation step: the next maneuver `distance` metres ahead, walked at `speed` m/s."""

    type: ClassVar[str] = "navigate"
    maneuver: str = "straight"
    distance: float = 100.0
    street: str = ""
    eta: float = 0.0  # minutes to the destination at the time of the step
    speed: float = 1.4
    exit: int | None = None


@dataclass(frozen=True)
class NavEnd(Event):
    type: ClassVar[str] = "nav_end"


@dataclass(frozen=True)
class Notify(Event):
    type: ClassVar[str] = "notify"
    app: str = ""
    title: str = ""
    body: str = ""
    urgent: bool = False
    duration: float = 6.0


@dataclass(frozen=True)
class PayDetect(Event):
    """A merchant QR code was detected; the stub backend's verdict comes with it (`outcome`)."""

    type: ClassVar[str] = "pay_detect"
    merchant: str = ""
    amount: float = 0.0
    currency: str = "CNY"
    timeout: float = 15.0  # seconds to confirm before the prompt times out
    verify_seconds: float = 2.0  # how long the voiceprint check takes
    outcome: str = "success"
    reason: str = ""  # why it failed, when outcome is "failed"


@dataclass(frozen=True)
class PayConfirm(Event):
    type: ClassVar[str] = "pay_confirm"
    by: str = "voice"


@dataclass(frozen=True)
class PayCancel(Event):
    type: ClassVar[str] = "pay_cancel"


@dataclass(frozen=True)
class PayResult(Event):
    """Overrides the verdict while verifying (for scripting a failure at a precise moment)."""

    type: ClassVar[str] = "pay_result"
    ok: bool = True
    reason: str = ""


@dataclass(frozen=True)
class Status(Event):
    """Battery and connectivity; None leaves a value as it is."""

    type: ClassVar[str] = "status"
    battery_main: int | None = None
    battery_swap: int | None = None
    connectivity: str | None = None


@dataclass(frozen=True)
class Gesture(Event):
    """A temple-touchpad gesture; what it does depends on what is on screen."""

    type: ClassVar[str] = "gesture"
    kind: str = "tap"


CARD_LAYOUTS = ("text_wall", "double_text_wall", "reference_card", "dashboard_card", "bitmap", "bitmap_animation")
CARD_VIEWS = ("main", "dashboard", "always_on")
CLEAR_WHAT = ("all", "notifications", "navigation", "payment", "caption", "cards")


@dataclass(frozen=True)
class ShowCard(Event):
    """A card in the glasses' common vocabulary (MentraOS's layouts), in one of three views.

    Which fields matter depends on `layout`: text_wall (text), double_text_wall (top, bottom),
    reference_card (title, text), dashboard_card (left, right), bitmap (data: a base64 PNG),
    bitmap_animation (frames: base64 PNGs, one every `interval` seconds, from the first again when
    `repeat`, else holding the last). `app` is the package that showed it (MentraOS's packageName;
    "" for hud's own clients), so a `Clear` from one app can leave another app's card alone.
    """

    type: ClassVar[str] = "show"
    layout: str = "text_wall"
    view: str = "main"
    duration: float | None = None  # seconds; None: until replaced or cleared
    text: str = ""
    top: str = ""
    bottom: str = ""
    title: str = ""
    left: str = ""
    right: str = ""
    data: str = ""
    frames: tuple[str, ...] = ()
    interval: float = 1.65  # seconds per frame (MentraOS's default, 1650 ms)
    repeat: bool = False
    app: str = ""


@dataclass(frozen=True)
class Clear(Event):
    """Remove things from the display. With `view` (and `what` "cards"), only that view's card;
    with `app`, only cards that app showed: MentraOS's `clear_view`, where one app can never clear
    another's display (its cloud keeps each app's view apart)."""

    type: ClassVar[str] = "clear"
    what: str = "all"
    view: str | None = None
    app: str = ""


BUTTON_PRESSES = ("short", "long")


@dataclass(frozen=True)
class Button(Event):
    """A hardware button press (MentraOS's `button_press`): nothing on the display changes by itself;
    it is logged, and apps that listen for it (through the emulated cloud) decide what it does."""

    type: ClassVar[str] = "button"
    button: str = "main"
    press: str = "short"


HEAD_POSITIONS = ("up", "down")


@dataclass(frozen=True)
class Head(Event):
    """The wearer's head tilted up or back down (MentraOS's `head_position`; the window's pointer
    stands in for it). Like a button, it changes nothing on the display by itself: apps decide."""

    type: ClassVar[str] = "head"
    position: str = "up"


@dataclass(frozen=True)
class Gaze(Event):
    """The wearer's eyes rest on (x, y) of the view (fractions, from the top-left) for `seconds`.

    A scripted stand-in for the eye tracker (the window's pointer is the live one): a code the
    camera reads under the gaze for the dwell time triggers the assistant (README "The camera").
    It changes nothing on the display by itself."""

    type: ClassVar[str] = "gaze"
    x: float = 0.5
    y: float = 0.5
    seconds: float = 2.0


@dataclass(frozen=True)
class SetLayout(Event):
    """Show another layout (a path, or a name under layouts/); the session reloads it."""

    type: ClassVar[str] = "set_layout"
    path: str = ""


@dataclass(frozen=True)
class SetDevice(Event):
    type: ClassVar[str] = "set_device"
    name: str = ""


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (Wake, Say, Think, Answer, Idle, Navigate, NavEnd, Notify, PayDetect, PayConfirm,
                PayCancel, PayResult, Status, Gesture, Button, Head, Gaze, ShowCard, Clear, SetLayout, SetDevice)
}
#: Events that change the session's configuration rather than what is on the display.
CONFIG_EVENTS = ("set_layout", "set_device")


def field_names(cls: type[Event]) -> list[str]:
    return [f.name for f in fields(cls)]


@dataclass(frozen=True)
class Timed:
    """An event scheduled at a clock time (seconds since the scenario started)."""

    at: float
    event: Event


def from_dict(data: dict[str, Any]) -> Event:
    """An event from its plain form, e.g. {"event": "notify", "app": "Chat", "title": "Hi"}.

    Field names are checked here; field values are the caller's to validate (the scenario schema,
    the push protocol's JSON Schema).
    """
    fields_ = dict(data)
    kind = fields_.pop("event", None)
    cls = EVENT_TYPES.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown event {kind!r} (expected one of: {', '.join(EVENT_TYPES)})")
    unknown = set(fields_) - set(field_names(cls))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))} for event {kind!r} "
                         f"(expected: {', '.join(field_names(cls)) or 'none'})")
    return cls(**fields_)
