"""A running emulator: scenario, clock, state, and the renderers that turn them into pixels.

The window, the headless runner, `shot`, the benchmarks and the tests all drive this one class,
so they produce the same pixels for the same (scenario, time).
"""

from __future__ import annotations

import itertools
import sys
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from hud import events as ev
from hud import optics, paths
from hud.background import BackgroundSource, open_background
from hud.background.base import meter_size
from hud.clock import VirtualClock
from hud.codes.watcher import CodeWatcher
from hud.compositor import DEFAULT_CAMERA_HFOV, CameraTooNarrow, Compositor, default_view_fov
from hud.device import DEFAULT_DEVICE, Device, load_device
from hud.layout import Layout, load_layout
from hud.model.status import StatusState
from hud.optics import STAGES
from hud.panel import PanelRenderer
from hud.pg import pygame
from hud.recording import Recorder, RecordingError, load_recording
from hud.scenario import Scenario, load_scenario
from hud.schema import ConfigError, Problem
from hud.state import HudState, apply, settle

DEFAULT_VIEW = (1280, 720)

#: Events the log keeps before older ones are folded into its checkpoint. What needs old events is
#: the K recording, which renders at most 60 s: 2,000 events are 60 s of 33 messages a second (the
#: soak's busy backend sends 20), and about 2 MB. The one-minute city walk has about 60.
LOG_EVENTS = 2_000
#: ... and the most they may hold, as `_event_bytes` counts them (a 2,000-character card is 2-8 KB).
LOG_BYTES = 4 * 1024 * 1024

_generations = itertools.count(1)


def _event_bytes(timed: ev.Timed) -> int:
    """Roughly what an event costs to keep: the object plus its strings (cards and bitmaps dominate)."""
    return 200 + sum(sys.getsizeof(v) for v in vars(timed.event).values() if isinstance(v, str))


#: Light palettes kept, one per HUD gain (two digits). Why more than one: over a video or a camera
#: the gain wanders between a few neighbouring values (13 over the bench's 10 s clip, changing in
#: one frame of five), and building a palette costs 0.23 ms.
LIGHT_PALETTES = 32

#: The width, in pixels, of the picture codes are read from (see `Session.code_size`).
CODE_WIDTH = 1280

@dataclass
class EventLog:
    """What happened in a session: the latest events, and a checkpoint standing for all older ones.

    Why bounded: the log took every event forever, so a display fed 20 messages a second grew
    without end. Why a checkpoint and not streaming the log to the record file: what the log's
    readers need from old events is the state they produced, not the events. A device switch (D,
    optics) rebuilds the state from the log; the K recording renders a stretch again from it,
    starting from the state at the stretch's start; both work from `base` (the state after every
    folded event, at `base_at`) plus the kept events, exactly as from the whole log, because
    `hud.state.apply` is pure. Folding happens one event at a time as new ones arrive (one extra
    `apply` each), so there is never a pause to fold thousands at once. `--record-events` still
    writes every event to its file, so a whole session stays replayable from there.

    Bounds: at most `max_events` kept, and at most `max_bytes` of their text. What is lost: a K
    recording cannot start before `base_at` (it is clamped, and says so), and a hot reload of the
    scenario replays the kept pushed events only.

    `total` counts every event since the last restart (folded or kept) and `since(n)` gives the kept
    ones from that count on, so a reader can follow the log across folds; `generation` changes on
    every restart (and is copied with the log), so a reader can tell a restart from a fold.
    """

    max_events: int = LOG_EVENTS
    max_bytes: int = LOG_BYTES
    base: HudState = field(default_factory=HudState)
    base_at: float = 0.0
    folded: int = 0
    generation: int = field(default_factory=lambda: next(_generations))
    bytes: int = 0
    _events: deque[tuple[ev.Timed, int]] = field(default_factory=deque, repr=False)

    def reset(self, base: HudState, at: float = 0.0) -> None:
        """Start again from `base` at time `at` (a restart): everything before is forgotten."""
        self.base, self.base_at, self.folded, self.bytes = base, at, 0, 0
        self._events.clear()
        self.generation = next(_generations)

    def append(self, timed: ev.Timed) -> None:
        size = _event_bytes(timed)
        self._events.append((timed, size))
        self.bytes += size
        while len(self._events) > 1 and (len(self._events) > self.max_events or self.bytes > self.max_bytes):
            oldest, freed = self._events.popleft()
            self.base = apply(self.base, oldest.event, oldest.at)
            self.base_at = oldest.at
            self.folded += 1
            self.bytes -= freed

    @property
    def total(self) -> int:
        """Events since the restart, folded or kept."""
        return self.folded + len(self._events)

    def since(self, count: int) -> list[ev.Timed]:
        """The kept events from the `count`-th since the restart on (folded ones are gone)."""
        start = max(0, count - self.folded)
        return [timed for timed, _ in itertools.islice(self._events, start, None)]

    def state(self) -> HudState:
        """The state the whole log produced (unsettled: settle it at the time you need)."""
        state = self.base
        for timed, _ in self._events:
            state = apply(state, timed.event, timed.at)
        return state

    def copy(self) -> EventLog:
        other = replace(self, _events=deque(self._events))
        other.generation = self.generation  # the same history: readers carry on
        return other

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[ev.Timed]:
        return (timed for timed, _ in self._events)

    def __getitem__(self, index: int) -> ev.Timed:
        return self._events[index][0]


@dataclass
class Options:
    """What to load; None means the scenario's choice, then the default."""

    scenario: str | Path = paths.DEFAULT_SCENARIO
    device: str | None = None
    layout: str | Path | None = None
    background: str | None = None
    view: tuple[int, int] = DEFAULT_VIEW
    camera_hfov: float = DEFAULT_CAMERA_HFOV
    #: The view's horizontal field of view: the central part of the camera's picture the composite
    #: shows (None: DEFAULT_VIEW_FOV, or the camera's when that is narrower).
    view_fov: float | None = None
    fallback_background: str = "scene"  # used when neither the options nor the scenario choose
    optics: frozenset[str] = frozenset(STAGES)
    record_events: str | Path | None = None  # write every event to this JSON Lines file
    codes: bool = True  # read QR and product codes from the background (hud.codes; README "The camera")


@dataclass
class Session:
    scenario: Scenario
    device: Device
    layout: Layout
    background: BackgroundSource
    view: tuple[int, int] = DEFAULT_VIEW
    camera_hfov: float = DEFAULT_CAMERA_HFOV
    optics: frozenset[str] = frozenset(STAGES)
    #: The view's horizontal field of view, at most the camera's (None: `default_view_fov`).
    view_fov: float | None = None
    clock: VirtualClock = field(default_factory=VirtualClock)
    log: EventLog = field(default_factory=EventLog)
    recorder: Recorder | None = None
    #: Where `restart` begins: (time, state) of a checkpoint instead of t = 0 and the scenario's
    #: initial status (a K recording rendered from a log whose older events were folded).
    origin: tuple[float, HudState] | None = None
    #: Reads codes from the background and triggers the assistant when the gaze rests on one
    #: (hud.codes). None in replays: their recorded events already hold what the codes triggered.
    codes: CodeWatcher | None = None

    def __post_init__(self) -> None:
        if self.view_fov is None:
            self.view_fov = default_view_fov(self.camera_hfov)
        if not 0 < self.view_fov <= self.camera_hfov:
            raise ValueError(f"the view's field of view must be above 0° and at most the camera's "
                             f"({self.camera_hfov:g}°); {self.view_fov:g}° given")
        self.background.camera_hfov = self.camera_hfov  # what its frames picture: view() crops against it
        self.panel = PanelRenderer(self.layout, self.device)
        self.panel.quantise = "quantise" in self.optics
        self.compositor = self._compositor(self.device)
        self._light: dict[float, list[tuple[int, int, int]]] = {}  # gain -> light palette, oldest use first
        self._eyes: pygame.Surface | None = None
        self.restart()

    @classmethod
    def open(cls, options: Options, open_source: Callable[[str], BackgroundSource] = open_background) -> Session:
        """`open_source` opens the background spec (the test driver shares one street scene per spec)."""
        scenario = load_scenario(options.scenario)
        device = load_device(options.device or scenario.device or DEFAULT_DEVICE)
        layout = load_layout(options.layout or scenario.layout or device.layout)
        spec = options.background or scenario.background or options.fallback_background
        background = open_source(spec)
        session = cls(scenario, device, layout, background, options.view, options.camera_hfov, options.optics,
                      options.view_fov,
                      codes=CodeWatcher() if options.codes else None)
        if options.record_events:
            # Bundled files are stored relative to the bundle, so the recording replays on another machine.
            setup = {"scenario": paths.portable(scenario.path) if scenario.path else None, "device": device.name,
                     "layout": paths.portable(layout.path),
                     "background": spec, "view": list(options.view), "camera_fov": options.camera_hfov,
                     "view_fov": session.view_fov, "optics": sorted(options.optics)}
            session.recorder = Recorder(options.record_events, setup)
            session.restart()  # records the run from t = 0
        return session

    @classmethod
    def replay(cls, path: str | Path, view: tuple[int, int] | None = None, background: str | None = None,
               open_source: Callable[[str], BackgroundSource] = open_background,
               view_fov: float | None = None) -> Session:
        """A session that plays a recording's events instead of its scenario's timeline.

        Every problem with the recording, including a device or background its header names that
        cannot be opened here, is a RecordingError at `file:1:col`; a broken scenario or layout file
        it names is a ConfigError in that file. `background` overrides the recorded one, `view_fov`
        the recorded view's field of view (a recording made before `view_fov` existed showed the
        camera's whole picture, and replays so); `open_source` opens the spec (the fuzzer reuses one
        street scene across thousands of cases).
        """
        from hud.background import BackgroundError

        recording = load_recording(path)
        setup, columns = recording.setup, recording.columns

        def refused(key: str, exc: Exception) -> RecordingError:
            return RecordingError([Problem(str(path), 1, columns.get(key, 1), f"cannot replay with {key} "
                                           f"{str(setup[key])[:80]!r}: {exc}")])

        scenario = load_scenario(setup["scenario"])
        try:
            device = load_device(setup["device"])
        except ValueError as exc:
            raise refused("device", exc) from None
        layout = load_layout(setup["layout"])
        spec = background or setup["background"]
        try:
            source = open_source(spec)
        except (BackgroundError, ValueError, OSError) as exc:
            raise refused("background", exc) from None
        camera_fov = float(setup["camera_fov"])
        if view_fov is not None and view_fov > camera_fov:
            source.stop()
            raise ValueError(f"--view-fov {view_fov:g} is wider than the recording's camera ({camera_fov:g}°): "
                             f"the view is a part of the camera's picture, so at most {camera_fov:g} is allowed")
        fov = view_fov if view_fov is not None else float(setup.get("view_fov", camera_fov))
        try:
            session = cls(scenario, device, layout, source, view or (setup["view"][0], setup["view"][1]),
                          camera_fov, frozenset(setup["optics"]), fov)
        except BaseException as exc:
            source.stop()  # a camera's reader thread must not outlive a replay that never started
            if isinstance(exc, CameraTooNarrow):
                if view_fov is not None:  # the option's fault, not the recording's
                    raise ValueError(str(exc)) from None
                raise refused("view_fov" if "view_fov" in setup else "camera_fov", exc) from None
            raise
        last = recording.events[-1].at if recording.events else 0.0
        session.scenario = replace(session.scenario, timeline=recording.events,
                                   duration=max(session.scenario.duration, last))
        session.restart()
        return session

    # -- time and events ---------------------------------------------------------------------
    def restart(self) -> None:
        """Back to t = 0 with the scenario's initial status."""
        s = self.scenario
        if self.origin is None:
            self.clock.reset()
            self.state = HudState(status=StatusState(battery_main=s.battery_main, battery_swap=s.battery_swap,
                                                     connectivity=s.connectivity, day_start=s.start_time))
        else:
            self.clock.reset(self.origin[0])
            self.state = self.origin[1]
        self.log.reset(self.state, self.clock.now)
        self._scheduled: list[ev.Timed] = []
        self._next = 0
        if self.codes is not None:
            self.codes.reset()
        if self.recorder is not None:  # a recording holds one run: a restart starts it again
            self.recorder.truncate_to_header()
        self._run_until(self.clock.now)

    @property
    def now(self) -> float:
        return self.clock.now

    def _run_until(self, now: float) -> None:
        """Apply the script's and the scheduled events due by `now`, in time order (script first)."""
        timeline = self.scenario.timeline
        while True:
            scripted = timeline[self._next] if self._next < len(timeline) else None
            planned = self._scheduled[0] if self._scheduled else None
            tick = self.codes.due(now) if self.codes is not None else None
            if tick is not None and all(e is None or tick < e.at for e in (scripted, planned)):
                assert self.codes is not None  # a code read at a fixed clock time (hud.codes.watcher)
                plan = self.codes.tick(self.code_frame(tick), tick)
                self._scheduled = sorted([*self._scheduled, *plan], key=lambda t: t.at)
            elif planned is not None and planned.at <= now and (scripted is None or planned.at < scripted.at):
                self._apply(self._scheduled.pop(0))
            elif scripted is not None and scripted.at <= now:
                self._apply(scripted)
                self._next += 1
            else:
                break
        self.state = settle(self.state, now)

    def _apply(self, timed: ev.Timed, *, layout: Layout | None = None, device: Device | None = None) -> None:
        if isinstance(timed.event, ev.SetDevice | ev.SetLayout):
            try:
                self._reconfigure(timed.event, layout=layout, device=device)
            except (ValueError, ConfigError) as exc:
                if timed in self.scenario.timeline:  # a script cannot be told; say it and go on
                    print(f"hud: '{timed.event.type}' at {timed.at:g} s ignored: {exc}", file=sys.stderr)
                    return
                raise
        if isinstance(timed.event, ev.Gaze) and self.codes is not None:
            self.codes.look(timed.event, timed.at, self.code_size)
        self.state = apply(self.state, timed.event, timed.at)
        self.log.append(timed)
        if self.recorder is not None:
            self.recorder.write(timed)

    def _reconfigure(self, event: ev.SetDevice | ev.SetLayout, *, layout: Layout | None = None,
                     device: Device | None = None) -> None:
        """Another device or layout at the same moment; the state on the display is kept.

        `layout` and `device`, when given, are the event's files already loaded (the push bridge
        loads them off the frame loop), so nothing is read here. Raises (changing nothing) when the
        device or layout cannot be loaded.
        """
        if isinstance(event, ev.SetDevice):
            device = device or load_device(event.name)
            layout = self.layout if self.scenario.layout else layout or load_layout(device.layout)
        else:
            device, layout = self.device, layout or load_layout(event.path)
        panel = PanelRenderer(layout, device)
        panel.quantise = "quantise" in self.optics
        compositor = self._compositor(device)
        self.device, self.layout, self.panel, self.compositor = device, layout, panel, compositor
        self._light = {}

    def schedule(self, plan: list[ev.Timed]) -> None:
        """Events planned for later (an assistant's answer, a route's next step); due ones apply now."""
        for timed in plan:
            if timed.at < self.now:
                raise ValueError(f"cannot schedule '{timed.event.type}' at {timed.at} s: the clock is at {self.now} s")
        self._scheduled = sorted([*self._scheduled, *plan], key=lambda t: t.at)
        self._run_until(self.now)

    def advance(self, seconds: float) -> None:
        """Move the clock (unless paused) and play the scenario up to the new time."""
        self._run_until(self.clock.advance(seconds))

    def step(self, seconds: float) -> None:
        """Move the clock even while paused (single-step)."""
        self._run_until(self.clock.step(seconds))

    def seek(self, t: float) -> None:
        """Jump to time `t`, replaying from the start if `t` is in the past."""
        if self.origin is not None and t < self.origin[0]:
            raise ValueError(f"cannot go back to {t:g} s: this session starts from a checkpoint at "
                             f"{self.origin[0]:g} s")
        if t < self.now:
            self.restart()
        self.clock.step(t - self.now)
        self.clock.reset(t)  # exactly t: now + (t - now) can be a rounding step off, and pixels follow it
        self._run_until(t)

    def push(self, event: ev.Event, *, layout: Layout | None = None, device: Device | None = None) -> None:
        """An event from outside the script (a key, a gesture, a test), at the current time.

        For a set_layout or set_device, `layout` and `device` may give its files already loaded.
        """
        self._apply(ev.Timed(self.now, event), layout=layout, device=device)

    def gesture(self, kind: str) -> None:
        if kind not in ev.GESTURES:
            raise ValueError(f"unknown gesture {kind!r} (expected one of: {', '.join(ev.GESTURES)})")
        self.push(ev.Gesture(kind=kind))

    @property
    def finished(self) -> bool:
        return self.now >= self.scenario.duration

    # -- pixels ------------------------------------------------------------------------------
    def render_panel(self) -> pygame.Surface:
        return self.panel.render(self.state, self.now)

    def _compositor(self, device: Device) -> Compositor:
        assert self.view_fov is not None
        return Compositor(device, self.view, self.view_fov, self.optics,
                          what="view" if self.view_fov < self.camera_hfov else "camera")

    def render_background(self) -> pygame.Surface:
        """The world in the view: the central `view_fov` degrees of the camera's picture."""
        return self._view_of_world(self.now)

    def _view_of_world(self, t: float, size: tuple[int, int] | None = None) -> pygame.Surface:
        """The world in the view at clock time `t` (at `size`, the view's by default)."""
        assert self.view_fov is not None
        return self.background.view(t, size or self.view, self.view_fov)

    @property
    def code_size(self) -> tuple[int, int]:
        """The pixels codes are read at: the view's picture at a fixed width (CODE_WIDTH).

        Why fixed: the glasses' camera has its own resolution, whatever the size of the window or
        the screenshot; a code readable in a 1280-wide view must trigger the same events in a
        320x180 test run (where it would be 1 px a module) and at 4K (where reading would cost 9x).
        A gaze's x, y are fractions of the view, so they mean the same place in this picture."""
        width, height = self.view
        return CODE_WIDTH, max(1, round(CODE_WIDTH * height / width))

    def code_frame(self, t: float) -> pygame.Surface:
        """What the codes are read from at clock time `t` (see `code_size`)."""
        return self._view_of_world(t, self.code_size)

    def metered(self, background: pygame.Surface) -> pygame.Surface:
        """What the display's auto-brightness meters in a frame whose view is `background`: the
        camera's whole picture, as a thumbnail when the view is only a part of it.

        Why not the view: the display's light sensor sees the world, not the viewer's window; so
        the display's brightness, the HUD's gain and `legibility` do not change with `--view-fov`.
        """
        assert self.view_fov is not None
        if self.view_fov >= self.camera_hfov:
            return background  # the view is the whole picture (as before view_fov: the same pixels)
        return self.background.frame(self.now, meter_size(self.view))

    def light(self, background: pygame.Surface) -> tuple[float, float, float]:
        """(scene luminance, display luminance, HUD gain in picture units) for this frame."""
        exposure = self.background.exposure_nits
        ambient = optics.ambient_nits(self.metered(background), exposure)
        display = optics.display_nits(self.device, ambient, self.optics)
        return ambient, display, optics.gain(display, exposure, self.device.optics.transmission)

    def render_composite(self) -> pygame.Surface:
        """What the wearer sees (the returned surface is reused by the next call: copy to keep)."""
        background = self.render_background()
        if "light" not in self.optics:
            return self.compositor.compose(background, self.render_panel())
        self.panel.render_levels(self.state, self.now)  # only the relit colours are composited
        g = float(f"{self.light(background)[2]:.2g}")  # 2 digits: a palette per gain, kept (LIGHT_PALETTES)
        palette = self._light.pop(g, None)
        if palette is None:
            palette = optics.light_palette(self.panel.palette, g)
            while len(self._light) >= LIGHT_PALETTES:
                del self._light[next(iter(self._light))]  # the least recently used
        self._light[g] = palette
        return self.compositor.compose(background, self.panel.relit(palette))

    def rebuilt(self, device: Device | None = None, optics_stages: frozenset[str] | None = None,
                view_fov: float | None = None) -> Session:
        """The same moment on another device, with other optics or another view field of view: the
        event log is replayed.

        The layout follows the device unless the scenario chose one.
        """
        device = device or self.device
        layout = self.layout if device is self.device or self.scenario.layout else load_layout(device.layout)
        other = Session(self.scenario, device, layout, self.background, self.view, self.camera_hfov,
                        self.optics if optics_stages is None else optics_stages,
                        self.view_fov if view_fov is None else view_fov, origin=self.origin)
        other.log = self.log.copy()
        other.state = other.log.state()
        other._next = self._next
        other._scheduled = list(self._scheduled)
        other.recorder = self.recorder
        other.codes = self.codes
        other.clock.reset(self.now)
        other.clock.paused = self.clock.paused
        other.state = settle(other.state, self.now)
        return other

    def render_eyes(self) -> pygame.Surface:
        """Both eyes side by side (left | right): an eye without a display sees only the world.

        One camera picture serves both eyes (no stereo disparity).
        """
        w, h = self.view
        if self._eyes is None:
            self._eyes = pygame.Surface((2 * w, h), depth=32)
        composite = self.render_composite()
        for i, eye in enumerate(("left", "right")):
            source = composite if self.device.eyes in (eye, "both") else self.render_background()
            self._eyes.blit(source, (i * w, 0))
        return self._eyes

    def render(self, view: str) -> pygame.Surface:
        """One of the views by name: "composite", "panel" or "eyes" (reused surfaces: copy to keep)."""
        renderers = {"composite": self.render_composite, "panel": self.render_panel, "eyes": self.render_eyes}
        if view not in renderers:
            raise ValueError(f"unknown view {view!r} (expected one of: {', '.join(renderers)})")
        return renderers[view]()

    def as_replay(self) -> Session:
        """A session that plays exactly what happened in this one so far (its event log).

        It starts from the log's checkpoint (`log.base_at`): events before it were folded away.
        """
        scenario = replace(self.scenario, timeline=tuple(self.log))
        origin = (self.log.base_at, self.log.base) if self.log.folded or self.origin else None
        return Session(scenario, self.device, self.layout, self.background, self.view, self.camera_hfov, self.optics,
                       self.view_fov, origin=origin)

    def close(self) -> None:
        self.background.stop()
        if self.codes is not None:
            self.codes.close()
        if self.recorder is not None:
            self.recorder.close()
            self.recorder = None
