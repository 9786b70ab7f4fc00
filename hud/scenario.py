"""Scenario files: a scripted assistant session as a timeline of events at times in seconds.

Kept under `assets/scenarios/`. A scenario may also choose its layout, device and background;
command-line options override them. See README "Writing a scenario".
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hud import events as ev
from hud import paths, schema
from hud.schema import Bool, Field, FileRef, Float, Int, List, Record, Str, Tagged

_TEXT = Str(max_len=2000)
#: The largest bitmap card, as the push protocol's: Even G2's panel, and MentraOS's bitmap budget.
BITMAP_MAX_SIZE = (576, 288)
BITMAP_MAX_BYTES = 100 * 1024
#: A `bitmap_animation` card: at most this many frames, of at most this many base64 characters in
#: all (a recording holds an event on one line of at most 1 MB; an SDK-made 576 x 135 frame is ~2 kB
#: as a PNG, so 32 such frames are far below it).
ANIMATION_MAX_FRAMES = 32
ANIMATION_MAX_CHARS = 700_000

#: The YAML fields of each event type; names and defaults mirror the dataclasses in hud.events.
EVENT_FIELDS: dict[str, dict[str, Field]] = {
    "wake": {},
    "say": {"text": Field(_TEXT, required=True)},
    "think": {},
    "answer": {"text": Field(_TEXT, required=True), "cps": Field(Float(1, 1000), default=28.0),
               "hold": Field(Float(0, 600), default=4.0)},
    "idle": {},
    "navigate": {
        "maneuver": Field(Str(choices=ev.MANEUVERS), required=True),
        "distance": Field(Float(0, 1_000_000), required=True),
        "street": Field(Str(max_len=200), default=""),
        "eta": Field(Float(0, 10_000), default=0.0),
        "speed": Field(Float(0, 100), default=1.4),
        "exit": Field(Int(1, 8), default=None),
    },
    "nav_end": {},
    "notify": {
        "app": Field(Str(max_len=60), required=True),
        "title": Field(Str(max_len=200), required=True),
        "body": Field(_TEXT, default=""),
        "urgent": Field(Bool(), default=False),
        "duration": Field(Float(0.5, 3600), default=6.0),
    },
    "pay_detect": {
        "merchant": Field(Str(max_len=80), required=True),
        "amount": Field(Float(0, 1_000_000), required=True),
        "currency": Field(Str(pattern=r"[A-Z]{3}", pattern_help="an ISO 4217 code like 'CNY'"),
                          default="CNY"),
        "timeout": Field(Float(1, 600), default=15.0),
        "verify_seconds": Field(Float(0.1, 60), default=2.0),
        "outcome": Field(Str(choices=ev.PAY_OUTCOMES), default="success"),
        "reason": Field(Str(max_len=120), default=""),
    },
    "pay_confirm": {"by": Field(Str(choices=("voice", "tap", "gaze")), default="voice")},
    "pay_cancel": {},
    "pay_result": {"ok": Field(Bool(), required=True), "reason": Field(Str(max_len=120), default="")},
    "status": {
        "battery_main": Field(Int(0, 100), default=None),
        "battery_swap": Field(Int(0, 100), default=None),
        "connectivity": Field(Str(choices=ev.CONNECTIVITY), default=None),
    },
    "gesture": {"kind": Field(Str(choices=ev.GESTURES), required=True)},
    "show": {
        "layout": Field(Str(choices=ev.CARD_LAYOUTS), required=True),
        "view": Field(Str(choices=ev.CARD_VIEWS), default="main"),
        "duration": Field(Float(0.1, 86_400), default=None),
        **{name: Field(_TEXT, default="") for name in ("text", "top", "bottom", "title", "left", "right")},
        "data": Field(Str(max_len=140_000), default=""),
        "frames": Field(List(Str(max_len=140_000), max_len=ANIMATION_MAX_FRAMES), default=()),
        "interval": Field(Float(0.01, 3600), default=1.65),
        "repeat": Field(Bool(), default=False),
        "app": Field(Str(max_len=200), default=""),
    },
    "clear": {"what": Field(Str(choices=ev.CLEAR_WHAT), default="all"),
              "view": Field(Str(choices=ev.CARD_VIEWS), default=None),
              "app": Field(Str(max_len=200), default="")},
    "button": {"button": Field(Str(max_len=40), default="main"),
               "press": Field(Str(choices=ev.BUTTON_PRESSES), default="short")},
    "head": {"position": Field(Str(choices=ev.HEAD_POSITIONS), required=True)},
    "gaze": {"x": Field(Float(0, 1), default=0.5), "y": Field(Float(0, 1), default=0.5),
             "seconds": Field(Float(0.1, 600), default=2.0)},
    "set_layout": {"path": Field(Str(max_len=500), required=True)},
    "set_device": {"name": Field(Str(pattern=r"[a-z0-9][a-z0-9-]*", pattern_help="a device name like 'vuzix-z100'",
                                     max_len=64),
                                 required=True)},
}
assert set(EVENT_FIELDS) == set(ev.EVENT_TYPES), "every event type needs its YAML fields"


@dataclass(frozen=True)
class Scenario:
    path: Path | None
    name: str
    duration: float
    timeline: tuple[ev.Timed, ...]
    layout: Path | None = None
    device: str | None = None
    background: str | None = None
    battery_main: int = 82
    battery_swap: int = 100
    connectivity: str = "5g"
    start_time: float = 8 * 3600 + 41 * 60  # time of day at t = 0, seconds since midnight

    def events_between(self, start: float, end: float) -> list[ev.Timed]:
        """Events with start < at <= end, in timeline order (the first frame includes at == 0)."""
        return [t for t in self.timeline if start < t.at <= end or (start == end == t.at == 0)]


def _timed(type_name: str) -> Record:
    cls = ev.EVENT_TYPES[type_name]

    def build(values: dict[str, Any]) -> ev.Timed:
        at = values.pop("at")
        if isinstance(values.get("frames"), list):  # events are frozen and hashable: tuples, not lists
            values["frames"] = tuple(values["frames"])
        return ev.Timed(at=at, event=cls(**values))

    post = {"navigate": _roundabout_exit, "show": _bitmap_data, "clear": _clear_cards}.get(type_name)
    return Record(name=f"'{type_name}' event", build=build, post=post,
                  fields={"at": Field(Float(0, 86_400), required=True), **EVENT_FIELDS[type_name]})


def _roundabout_exit(values: dict[str, Any], nodes: dict[str, Any], ctx: schema.Context, node: Any) -> bool:
    maneuver, exit_number = values.get("maneuver"), values.get("exit")
    if maneuver == "roundabout" and exit_number is None:
        ctx.error(nodes["maneuver"], "a 'roundabout' maneuver needs 'exit' (1 to 8, counted from the entry)")
        return False
    if maneuver not in ("roundabout", None, schema.INVALID) and exit_number not in (None, schema.INVALID):
        ctx.error(nodes["exit"], f"'exit' applies only to the 'roundabout' maneuver, not {maneuver!r}")
        return False
    return True


def bitmap_problem(data: str) -> str | None:
    """Why `data` is not a base64 PNG a card can show, or None: decoded completely here, at the edge."""
    from PIL import Image

    try:
        png = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        return f"is not valid base64 ({exc})"
    if len(png) > BITMAP_MAX_BYTES:
        return f"is {len(png)} bytes of PNG; the limit is {BITMAP_MAX_BYTES}"
    if not png.startswith(b"\x89PNG\r\n\x1a\n") or png[12:16] != b"IHDR" or len(png) < 33:
        return f"is not a PNG image (it must start with the PNG signature and IHDR; got {png[:8]!r})"
    (w, h), (max_w, max_h) = (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")), BITMAP_MAX_SIZE
    if w > max_w or h > max_h:  # read from the header before Pillow sees it: a small file can claim gigapixels
        return f"is a {w} x {h} image; the limit is {max_w} x {max_h}"
    try:
        with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
            image.load()
    except Exception as exc:  # Pillow raises several types for broken files
        return f"is not a PNG image that can be decoded ({type(exc).__name__}: {exc})"
    return None


def _clear_cards(values: dict[str, Any], nodes: dict[str, Any], ctx: schema.Context, node: Any) -> bool:
    """`view` and `app` narrow which cards are cleared, so they go with `what: cards` only."""
    what = values.get("what")
    for name in ("view", "app"):
        if values.get(name) not in (None, "", schema.INVALID) and what not in ("cards", schema.INVALID):
            ctx.error(nodes[name], f"'{name}' narrows which cards are cleared: it needs 'what: cards', "
                      f"not {what!r}")
            return False
    return True


def _animation_frames(values: dict[str, Any], nodes: dict[str, Any], ctx: schema.Context, node: Any) -> bool:
    """A bitmap_animation card needs 1 to ANIMATION_MAX_FRAMES frames, each a PNG that decodes."""
    frames = values.get("frames")
    if frames is schema.INVALID:
        return True
    if not frames:
        ctx.error(node, "a 'bitmap_animation' card needs 'frames': a list of base64 PNGs")
        return False
    total = sum(len(frame) for frame in frames)
    if total > ANIMATION_MAX_CHARS:
        ctx.error(nodes["frames"], f"'frames' hold {total} characters of base64 in all; the limit is "
                  f"{ANIMATION_MAX_CHARS}")
        return False
    for i, frame in enumerate(frames):
        why = bitmap_problem(frame)
        if why is not None:
            ctx.error(nodes["frames"].value[i], f"'frames[{i}]' {why}")
            return False
    return True


def _bitmap_data(values: dict[str, Any], nodes: dict[str, Any], ctx: schema.Context, node: Any) -> bool:
    """A bitmap card needs `data`, a PNG that decodes; an animation needs its frames; other cards
    ignore both."""
    if values.get("layout") == "bitmap_animation":
        return _animation_frames(values, nodes, ctx, node)
    data = values.get("data")
    if values.get("layout") != "bitmap" or data is schema.INVALID:
        return True
    if not data:
        ctx.error(node, "a 'bitmap' card needs 'data': a base64 PNG")
        return False
    why = bitmap_problem(data)
    if why is not None:
        ctx.error(nodes["data"], f"'data' {why}")
        return False
    return True


EVENT_SCHEMA = Tagged(tag="event", name="event", variants={name: _timed(name) for name in EVENT_FIELDS})


BACKGROUND_SPEC = (r"auto|scene(:day|:night)?|camera(:.+)?|.+\.(png|jpe?g|PNG|JPE?G)"
                   r"|.+\.(mp4|mov|mkv|avi|MP4|MOV|MKV|AVI)|.+/(@[0-9]+(\.[0-9]+)?)?")


def _cross_checks(values: dict[str, Any], nodes: dict[str, Any], ctx: schema.Context, node: Any) -> bool:
    """What single fields cannot check: events within the duration, a device and a background that exist."""
    from hud.device import available

    ok = True
    device = values.get("device")
    if device not in (None, schema.INVALID) and device not in available():
        ctx.error(nodes["device"], f"unknown device {device!r} (available: {', '.join(available())})"
                  + schema.suggest(device, available()))
        ok = False
    ok = _background_found(values.get("background"), nodes, ctx) and ok
    timeline, duration = values.get("timeline"), values.get("duration")
    if timeline in (None, schema.INVALID) or duration in (None, schema.INVALID):
        return ok
    for timed, node in zip(timeline, nodes["timeline"].value, strict=True):
        if timed.at > duration:
            ctx.error(node, f"'{timed.event.type}' at {timed.at} s is after the scenario's duration of "
                      f"{duration} s; raise 'duration' or move the event")
            ok = False
    return ok


def _background_found(spec: Any, nodes: dict[str, Any], ctx: schema.Context) -> bool:
    """A background image must be found and decode, as the window would load it; a video or a folder
    of frames must be found. Cameras are hardware: only the window can tell."""
    from hud.background import BackgroundError
    from hud.background.image import IMAGE_SUFFIXES, load_image
    from hud.background.sequence import find_folder
    from hud.background.video import VIDEO_SUFFIXES

    if not isinstance(spec, str) or re.fullmatch(r"auto|scene(:day|:night)?|camera(:.+)?", spec):
        return True
    text = spec.strip()
    try:
        if Path(spec).suffix.lower() in IMAGE_SUFFIXES:
            found = paths.find(spec, paths.ASSETS)
            if found is not None:
                load_image(found)
        elif Path(text).suffix.lower() in VIDEO_SUFFIXES:
            found = paths.find(text, paths.ASSETS)
        else:
            found = find_folder(text.rsplit("@", 1)[0] if "/@" in text else text)
    except (BackgroundError, OSError, ValueError) as exc:
        ctx.error(nodes["background"], f"background {schema.shown(spec)} cannot be used: {exc}")
        return False
    if found is None:
        ctx.error(nodes["background"], f"background {schema.shown(spec)} not found (searched: "
                  + ", ".join(str(p) for p in paths.candidates(text, paths.ASSETS)) + ")")
        return False
    return True


SCENARIO_SCHEMA = Record(name="scenario", post=_cross_checks, fields={
    "name": Field(Str(max_len=200), default=""),
    "duration": Field(Float(0.1, 86_400), required=True),
    "layout": Field(FileRef(roots=(paths.LAYOUTS,), kind="layout"), default=None),
    "device": Field(Str(pattern=r"[a-z0-9][a-z0-9-]*", pattern_help="a device name like 'vuzix-z100'",
                        max_len=64), default=None),
    "background": Field(Str(pattern=BACKGROUND_SPEC, pattern_help="scene, scene:night, camera[:N], auto, a "
                            "PNG/JPEG, a video or a folder of frames ending in '/'"), default=None),
    "start_time": Field(Str(pattern=r"([01]\d|2[0-3]):[0-5]\d", pattern_help="a time of day like '08:41'"),
                        default="08:41"),
    "status": Field(Record(name="status", fields=EVENT_FIELDS["status"]), default=None),
    "timeline": Field(List(EVENT_SCHEMA), required=True),
})


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario; raises `schema.ConfigError` listing every problem."""
    try:
        found = Path(path) if Path(path).is_file() else paths.find(path, paths.SCENARIOS) or Path(path)
    except (OSError, ValueError):  # a name too long for the file system: the loader says so, located
        found = Path(path)
    v = schema.load(found, SCENARIO_SCHEMA, "scenario")
    status: dict[str, Any] = v["status"] or {}
    hours, minutes = (int(x) for x in v["start_time"].split(":"))
    timeline = tuple(sorted(v["timeline"], key=lambda t: t.at))  # stable: same-time events keep file order
    return Scenario(
        path=found, name=v["name"] or found.stem, duration=v["duration"], timeline=timeline,
        layout=v["layout"], device=v["device"], background=v["background"],
        battery_main=_given(status.get("battery_main"), 82),
        battery_swap=_given(status.get("battery_swap"), 100),
        connectivity=status.get("connectivity") or "5g",
        start_time=hours * 3600 + minutes * 60,
    )


def _given(value: int | None, default: int) -> int:
    return default if value is None else value
