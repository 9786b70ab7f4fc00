"""The test driver: load, push events, advance the clock, gesture, take screenshots.

In the spirit of Textual's `run_test` / `Pilot`: a test describes what the wearer does and when,
and nothing ever sleeps: the clock is virtual. Sessions are cached per configuration, because
building a scene's static layers for a new size costs far more than a whole snapshot check.
"""

from __future__ import annotations

import dataclasses
import json
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hud import events as ev
from hud import paths
from hud.background import BackgroundSource, StreetScene, open_background
from hud.pg import pygame
from hud.session import Options, Session
from hud.state import HudState

VIEWS = ("panel", "composite")
#: Sessions kept for reuse, least recently loaded dropped first: each holds its background's layers
#: (tens of MB at 1280x720), and a suite over many devices and sizes must not keep them all.
MAX_SESSIONS = 12
_SESSIONS: OrderedDict[tuple[Any, ...], Session] = OrderedDict()
#: Street scenes shared by every session of the process, one per spec. Why: a scene's frame is a
#: pure function of (t, size, field of view), but each new scene builds its per-size layers again
#: (sky, clouds, ray tables: about 20 ms a size), which made every device's first composite check
#: four times the median. Only scenes are shared: a camera or a video has a device or a decoder.
_SCENES: dict[str, BackgroundSource] = {}

#: Scenario event names whose push message has another type (and a discriminating field).
_AS_MESSAGE: dict[str, tuple[str, dict[str, str]]] = {
    "wake": ("caption", {"mode": "listening"}), "think": ("caption", {"mode": "thinking"}),
    "idle": ("caption", {"mode": "idle"}), "answer": ("caption", {"mode": "answer"}),
    "pay_detect": ("pay", {"step": "detect"}), "pay_confirm": ("pay", {"step": "confirm"}),
    "pay_cancel": ("pay", {"step": "cancel"}), "pay_result": ("pay", {"step": "result"}),
}


class PushRejected(ValueError):
    """`hud.push(dict)` was given a message the push API would refuse; `reason` says which field and why.

    Why the test driver validates: a test that pushes `{"kind": "tapp"}` and passes because nothing
    happened tests nothing, and `"distance": "far"` used to fail as a TypeError deep in the model.
    """

    def __init__(self, reason: str, message: Any) -> None:
        self.reason, self.message = reason, message
        shown = repr(message)
        super().__init__(f"{reason} (in {shown if len(shown) <= 200 else shown[:197] + '...'})")


def as_message(data: dict[str, Any]) -> dict[str, Any]:
    """A pushed dict as a push API message. Either form: `{"type": "notify", ...}` (the protocol's) as it
    is, or `{"event": "notify", ...}` (a scenario timeline's, `Event.to_dict()`), translated: `wake` is a
    listening caption, `pay_detect` a pay message with step detect, and so on; a null field whose
    default is null is left out."""
    if "event" not in data or "type" in data:
        return dict(data)
    fields = dict(data)
    name = fields.pop("event")
    cls = ev.EVENT_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise PushRejected(f"unknown event {name!r} (expected one of: {', '.join(ev.EVENT_TYPES)})", data)
    defaults = {f.name: f.default for f in dataclasses.fields(cls)}
    fields = {k: v for k, v in fields.items() if not (v is None and k in defaults and defaults[k] is None)}
    kind, discriminator = _AS_MESSAGE.get(name, (name, {}))
    return {"type": kind, **discriminator, **fields}


def validated(data: dict[str, Any]) -> tuple[ev.Event, ...]:
    """The events a pushed dict means, validated exactly as the push API validates a client's message;
    PushRejected with the API's reason when it would be refused."""
    from hud.push.messages import Accepted, parse

    if not isinstance(data, dict):
        raise PushRejected(f"a message must be a dict, got {type(data).__name__}", data)
    message = as_message(data)
    try:
        raw = json.dumps(message, ensure_ascii=False)
    except (TypeError, ValueError) as exc:  # a set, bytes, an object: not a JSON value
        raise PushRejected(f"not a JSON message: {exc}", data) from None
    result = parse(raw)
    if isinstance(result, Accepted):
        return result.events
    if hasattr(result, "reason"):
        raise PushRejected(result.reason, data)
    raise PushRejected(f"a {message.get('type')!r} message is for the push server, not the display", data)


@dataclass(frozen=True)
class Loaded:
    scenario: str
    device: str | None
    layout: str | None
    background: str
    size: tuple[int, int]


class Pilot:
    """Drives one emulator session headlessly for a test."""

    def __init__(self) -> None:
        self.session: Session | None = None
        self.loaded: Loaded | None = None

    def load(self, scenario: str | Path = paths.DEFAULT_SCENARIO, device: str | None = None,
             layout: str | Path | None = None, background: str = "scene",
             size: tuple[int, int] = (1280, 720)) -> Pilot:
        """Start from t = 0 of `scenario` (the city walk by default) on `device`."""
        view = (int(size[0]), int(size[1]))
        key = (str(scenario), device, str(layout) if layout else None, background, view)
        session = _SESSIONS.get(key)
        if session is None:
            session = Session.open(Options(scenario=scenario, device=device, layout=layout,
                                           background=background, view=view), open_source=shared_source)
            _SESSIONS[key] = session
            while len(_SESSIONS) > MAX_SESSIONS:
                _, oldest = _SESSIONS.popitem(last=False)
                oldest.close()
        _SESSIONS.move_to_end(key)
        session.restart()
        self.session = session
        self.loaded = Loaded(str(scenario), device, str(layout) if layout else None, background, view)
        return self

    @property
    def _s(self) -> Session:
        if self.session is None:
            self.load()
        assert self.session is not None
        return self.session

    @property
    def now(self) -> float:
        return self._s.now

    @property
    def state(self) -> HudState:
        return self._s.state

    @property
    def device(self) -> str:
        return self._s.device.name

    def advance(self, seconds: float) -> Pilot:
        """Move the virtual clock forward, playing the scenario's events on the way."""
        self._s.step(seconds)
        return self

    def seek(self, t: float) -> Pilot:
        self._s.seek(t)
        return self

    def push(self, event: ev.Event | dict[str, Any]) -> Pilot:
        """An event now, as another program would send it.

        A dict (a push message, or an event in a scenario's form) is validated as the push API
        validates messages: PushRejected names the field when the API would refuse it.
        """
        if isinstance(event, ev.Event):
            self._s.push(event)
            return self
        for each in validated(event):
            self._s.push(each)
        return self

    def gesture(self, kind: str) -> Pilot:
        self._s.gesture(kind)
        return self

    def say(self, text: str) -> Pilot:
        return self.push(ev.Say(text=text))

    def screenshot(self, view: str = "panel") -> np.ndarray:
        """The view as an HxWx3 uint8 array (a copy)."""
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r} (expected one of: {', '.join(VIEWS)})")
        return to_array(self._s.render(view))

    def widget_rect(self, kind: str, view: str = "panel") -> tuple[int, int, int, int]:
        """Where a widget sits in a view: for masks ("ignore the clock")."""
        s = self._s
        rects = [r for spec, r in s.panel.rects if spec.kind == kind]
        if not rects:
            kinds = sorted({spec.kind for spec, _ in s.panel.rects})
            raise ValueError(f"no {kind!r} widget in layout {s.layout.path.name} (it has: {', '.join(kinds)})")
        r = rects[0].unionall(rects[1:]) if len(rects) > 1 else rects[0]
        if view == "panel":
            return (r.x, r.y, r.width, r.height)
        box = s.compositor.rect
        sx, sy = box.width / s.device.panel[0], box.height / s.device.panel[1]
        x0, y0 = int(box.x + r.x * sx), int(box.y + r.y * sy)
        x1, y1 = -int(-(box.x + r.right * sx)), -int(-(box.y + r.bottom * sy))  # round outwards
        return (x0 - 1, y0 - 1, x1 - x0 + 2, y1 - y0 + 2)


def shared_source(spec: str) -> BackgroundSource:
    """The background `spec` names: the process's one street scene for it, or a new source of any other kind."""
    found = _SCENES.get(spec)
    if found is not None:
        return found
    source = open_background(spec)
    if isinstance(source, StreetScene):
        _SCENES[spec] = source
    return source


def to_array(surface: pygame.Surface) -> np.ndarray:
    w, h = surface.get_size()
    return np.frombuffer(pygame.image.tobytes(surface, "RGB"), dtype=np.uint8).reshape(h, w, 3).copy()
