"""The demo window: the composite view scaled to fit a resizable window, driven by real time.

The frame loop is split as pygame_gui does it: `handle(event)`, `update(dt)`, `draw(window)`.
The window chrome (the SIMULATED badge, the time line, the help overlay) is drawn on the
window only, never into the composite, so screenshots and tests see the same pixels as `shot`.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hud import events as ev
from hud.attach import Attachment, close_all, frame_all
from hud.check import overlay, problems
from hud.compositor import default_view_fov
from hud.device import available, load_device
from hud.gaze import GazeDwell
from hud.hotreload import HotReload, session_files
from hud.optics import STAGES
from hud.output import fit, save_png
from hud.pg import pygame, use_exact_scaling
from hud.session import Options, Session

if TYPE_CHECKING:
    from hud.push.bridge import PushBridge
    from hud.push.server import PushEndpoint
from hud.text import FontSet, TextRenderer
from hud.voice_input import VoiceInput

#: Key -> (what it does, as the help overlay says it).
KEYS: list[tuple[str, str]] = [
    ("Space", "pause / resume"),
    ("Right", "step one second"),
    ("R", "restart the scenario"),
    ("S", "save a numbered screenshot (./screenshots)"),
    ("H", "show / hide this help"),
    ("L or /", "long press: wake the assistant and type what you say"),
    ("Enter", "tap (confirm a payment, dismiss a card)"),
    ("2", "double tap (clear all cards)"),
    ("] / [", "swipe forward / swipe back"),
    ("Backspace", "swipe down (back: cancel, dismiss)"),
    ("B / Shift+B", "button press, short / long (heard by MentraOS apps)"),
    ("mouse", "gaze: look at a payment for 0.8 s to confirm it; at the top edge: head up"),
    ("D", "next device profile"),
    ("N", "the built-in street by night / by day"),
    ("O", "optics on / off"),
    ("Z", "view: the screen's field of view / the camera's whole picture"),
    ("V", "view: what the wearer sees / the panel / both eyes"),
    ("E", "both eyes side by side / one view"),
    ("F", "frame-time overlay"),
    ("K", "start / stop recording an animated GIF (./recordings)"),
    ("F11", "fullscreen"),
    ("I", "mark the layout check's findings (clipped, overlapping, illegible)"),
    ("Esc", "quit"),
]
VIEWS = ("composite", "panel", "eyes")
GESTURE_KEYS = {pygame.K_RETURN: "tap", pygame.K_KP_ENTER: "tap", pygame.K_BACKSPACE: "swipe_down",
                pygame.K_2: "double_tap", pygame.K_RIGHTBRACKET: "swipe_forward",
                pygame.K_LEFTBRACKET: "swipe_back"}
CHROME = (200, 200, 200)
# In the panel view the chrome gets bands of its own above and below the panel: the panel's top
# edge is its status bar (the clock), and the badge drawn over it hid the clock.
CHROME_BAND = 30


@dataclass
class DemoWindow:
    session: Session
    loop: bool = True
    show_help: bool = False
    view: str = "composite"  # composite, panel or eyes
    mark_illegible: bool = False
    show_times: bool = False
    running: bool = True
    screenshots: Path = Path("screenshots")
    recordings: Path = Path("recordings")
    recording_from: float | None = None  # clock time when K started a recording
    network: str = "typical"
    narrow_fov: float | None = None  # the view's field of view while Z shows the camera's whole picture

    def __post_init__(self) -> None:
        from hud import paths
        from hud.assistant import Assistant

        self.chrome = TextRenderer(FontSet(paths.FONTS / "Inter-Medium.otf", paths.FONTS / "Inter-SemiBold.otf",
                                           paths.FONTS / "DroidSansFallbackFull.ttf"))
        self._scaled: pygame.Surface | None = None
        self.assistant = Assistant(self.network)
        self.voice = VoiceInput()
        self.gaze = GazeDwell()
        self.pointer: tuple[int, int] | None = None  # the mouse, standing in for the wearer's gaze
        self._frame = pygame.Rect(0, 0, 1, 1)
        self.bridge: PushBridge | None = None  # the push API, when serving
        self.attached: list[Attachment] = []  # the MentraOS cloud, the automation API, when serving
        self.head = "down"  # where the pointer puts the wearer's head (see _follow_head)
        self.hot: HotReload | None = None  # edits to the layout, scenario or device, live
        self.times: deque[float] = deque(maxlen=120)  # render milliseconds, for the F overlay
        self.ticker: pygame.time.Clock | None = None
        if self.session.codes is not None:  # the window reads codes on a worker thread (hud.codes.watcher)
            self.session.codes.sync, self.session.codes.assistant = False, self.assistant

    def ask(self, request: str) -> None:
        """The wearer said `request`: the assistant's plan joins the session's timeline."""
        self.session.schedule(self.assistant.respond(request, self.session.now))

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
        elif event.type == pygame.MOUSEMOTION:
            self.pointer = event.pos
        elif event.type == pygame.WINDOWLEAVE:
            self.pointer = None
        elif self.voice.active:
            request = self.voice.handle(event)
            if request:
                self.ask(request)
        elif event.type == pygame.KEYDOWN:
            key, s = event.key, self.session
            if key in (pygame.K_l, pygame.K_SLASH):
                s.push(ev.Gesture(kind="long_press"))
                self.voice.open(event)  # its own TEXTINPUT ("l" or "/") follows: not typed into the line
            elif key == pygame.K_ESCAPE:
                self.running = False
            elif key == pygame.K_SPACE:
                s.clock.paused = not s.clock.paused
            elif key == pygame.K_RIGHT:
                s.step(1.0)
            elif key == pygame.K_r:
                s.restart()
            elif key == pygame.K_h:
                self.show_help = not self.show_help
            elif key == pygame.K_s:
                self.save_screenshot()
            elif key in GESTURE_KEYS:
                s.push(ev.Gesture(kind=GESTURE_KEYS[key]))
            elif key == pygame.K_b:
                s.push(ev.Button(press="long" if event.mod & pygame.KMOD_SHIFT else "short"))
            elif key == pygame.K_d:
                names = available()
                following = names[(names.index(s.device.name) + 1) % len(names)] if s.device.name in names else names[0]
                try:
                    self.session = s.rebuilt(device=load_device(following))
                except ValueError as exc:  # e.g. too wide a display for this camera: keep this one
                    print(f"hud: cannot switch to {following}: {exc}", file=sys.stderr)
            elif key == pygame.K_e:
                self.view = "composite" if self.view == "eyes" else "eyes"
            elif key == pygame.K_v:
                self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
            elif key == pygame.K_f:
                self.show_times = not self.show_times
            elif key == pygame.K_k:
                if self.recording_from is None:
                    self.recording_from = s.now
                else:
                    self.save_recording()
            elif key == pygame.K_F11:
                try:
                    pygame.display.toggle_fullscreen()
                except pygame.error as exc:  # the dummy driver (tests) has no fullscreen
                    print(f"hud: fullscreen unavailable: {exc}", file=sys.stderr)
            elif key == pygame.K_i:
                self.mark_illegible = not self.mark_illegible
            elif key == pygame.K_n:
                self._toggle_night()
            elif key == pygame.K_o:
                self.session = s.rebuilt(optics_stages=frozenset() if s.optics else frozenset(STAGES))
            elif key == pygame.K_z:
                self.toggle_view_fov()

    def toggle_view_fov(self) -> None:
        """Z: between the view's field of view and the camera's whole picture (the world as the
        camera saw it, the display smaller in it); the moment and every event are kept."""
        s = self.session
        assert s.view_fov is not None
        if s.view_fov < s.camera_hfov:
            self.narrow_fov, fov = s.view_fov, s.camera_hfov
        else:
            fov = self.narrow_fov if self.narrow_fov is not None else default_view_fov(s.camera_hfov)
        if fov == s.view_fov:
            return  # a camera no wider than the default view: there is nothing to toggle
        try:
            self.session = s.rebuilt(view_fov=fov)
        except ValueError as exc:  # e.g. too narrow a view for this display: keep this one
            print(f"hud: cannot show a {fov:g}° view: {exc}", file=sys.stderr)

    def update(self, dt: float) -> None:
        self.session.advance(min(dt, 0.25))  # a stalled frame must not skip a whole notification
        if self.bridge is not None:
            self.bridge.frame(self.session)
        self._follow_head()
        frame_all(self.attached, self.session)
        if self.hot is not None and self.hot.poll(time.monotonic()):  # real time: works while paused
            self.hot.apply(self.session)
        if self.loop and self.session.now > self.session.scenario.duration + 2.0:
            self.session.restart()
        if self.gaze.update(self._gaze_target(), self.session.now) == "payment":
            self.session.push(ev.PayConfirm(by="gaze"))
        codes = self.session.codes
        if codes is not None:  # the pointer is the gaze on the codes the camera sees, too
            if not codes.scripted:  # a scenario's gaze leads while it lasts (hud.codes.watcher)
                pointer = self._pointer_in_view() if self.view != "panel" else None
                to_codes = self.session.code_size[0] / self.session.view[0]  # view pixels -> the codes' picture
                codes.gaze = None if pointer is None else (pointer[0] * to_codes, pointer[1] * to_codes)
            plan = codes.poll(self.session.now)
            if plan:
                self.session.schedule(plan)

    def _pointer_in_view(self) -> tuple[float, float] | None:
        """The pointer in view pixels (either eye in the both-eyes view), None outside the window."""
        if self.pointer is None or self._frame.height <= 0:
            return None
        scale = self._frame.height / self.session.view[1]
        return (((self.pointer[0] - self._frame.x) / scale) % self.session.view[0],
                (self.pointer[1] - self._frame.y) / scale)

    def _toggle_night(self) -> None:
        """The built-in street by night or by day (the same moment of the walk); other backgrounds stay."""
        from hud.background.scene import StreetScene

        old = self.session.background
        if not isinstance(old, StreetScene):
            print(f"hud: N switches the built-in street between day and night; the background is {old.label}",
                  file=sys.stderr)
            return
        scene = StreetScene(night=not old.night)
        scene.camera_hfov = old.camera_hfov
        scene.start()
        self.session.background = scene
        old.stop()

    def _follow_head(self) -> None:
        """The pointer stands in for the head: in the view's top fifth the wearer looks up (MentraOS
        shows its dashboard then); a Head event is logged only when the position changes."""
        frame = self._frame
        up = self.pointer is not None and frame.height > 0 and self.pointer[1] < frame.y + frame.height / 5
        position = "up" if up else "down"
        if position != self.head:
            self.head = position
            self.session.push(ev.Head(position=position))

    def _gaze_target(self) -> str | None:
        """What the pointer rests on: the payment prompt while it waits for confirmation."""
        s = self.session
        if self.pointer is None or s.state.pay is None or s.state.pay.phase not in ("detected", "awaiting"):
            return None
        scale = self._frame.height / s.view[1]
        vx = ((self.pointer[0] - self._frame.x) / scale) % s.view[0]  # either eye in the both-eyes view
        vy = (self.pointer[1] - self._frame.y) / scale
        box = s.compositor.rect
        px = (vx - box.x) * s.device.panel[0] / box.width
        py = (vy - box.y) * s.device.panel[1] / box.height
        hit = any(spec.kind == "payment" and rect.collidepoint(px, py) for spec, rect in s.panel.rects)
        return "payment" if hit else None

    def save_recording(self, fps: float = 12.0) -> Path | None:
        """The stretch since K was pressed, rendered again from the event log: exact frames, and the
        window never stalls to capture them while recording."""
        from hud.record import record

        start, self.recording_from = self.recording_from, None
        if start is None or self.session.now <= start:
            return None
        if start < self.session.log.base_at:  # the log keeps the latest events only (Session.log)
            print(f"hud: recording from {self.session.log.base_at:.1f} s, not {start:.1f} s: older events "
                  f"are no longer in the event log", file=sys.stderr)
            start = self.session.log.base_at
        taken = [int(p.stem[4:]) for p in self.recordings.glob("hud-[0-9][0-9][0-9][0-9].gif")]
        out = self.recordings / f"hud-{max(taken, default=0) + 1:04d}.gif"
        replay = self.session.as_replay()
        backend = pygame.transform.get_smoothscale_backend()
        use_exact_scaling(True)
        try:
            record(replay, min(self.session.now - start, 60.0), fps, out, start=start)
        except ValueError as exc:  # too long for a GIF at this size: say so, keep the demo running
            print(f"hud: recording not saved: {exc}", file=sys.stderr)
            return None
        finally:
            pygame.transform.set_smoothscale_backend(backend)
        print(f"saved {out} ({start:.1f}-{self.session.now:.1f} s)", file=sys.stderr)
        return out

    def save_screenshot(self) -> Path:
        """The current view as the next numbered PNG (hud-0001.png, ...), as `shot` would render it."""
        backend = pygame.transform.get_smoothscale_backend()
        use_exact_scaling(True)  # the same pixels `shot` writes for this moment
        try:
            frame = self.session.render(self.view)
        finally:
            pygame.transform.set_smoothscale_backend(backend)
        taken = [int(p.stem[4:]) for p in self.screenshots.glob("hud-[0-9][0-9][0-9][0-9].png")]
        path = save_png(frame, self.screenshots / f"hud-{max(taken, default=0) + 1:04d}.png")
        print(f"saved {path} (t = {self.session.now:.2f} s)", file=sys.stderr)
        return path

    def draw(self, window: pygame.Surface) -> None:
        started = time.perf_counter()
        frame = self.session.render(self.view)
        self.times.append((time.perf_counter() - started) * 1000)
        codes = self.session.codes
        if codes is not None and codes.wants(self.session.now):  # a copy goes to the worker thread
            codes.offer(self.session.code_frame(self.session.now), self.session.now)
        area = window.get_rect()
        if self.view == "panel" and area.height > 4 * CHROME_BAND:
            area = area.inflate(0, -2 * CHROME_BAND)
        target = fit(frame.get_size(), area.size).move(area.topleft)
        self._frame = target
        window.fill((0, 0, 0))
        if target.size == frame.get_size():
            window.blit(frame, target)
        else:
            if self._scaled is None or self._scaled.get_size() != target.size:
                self._scaled = pygame.Surface(target.size, 0, frame)  # smoothscale needs matching formats
            if self.view == "panel":  # the display's own pixels, shown sharp
                pygame.transform.scale(frame, target.size, self._scaled)
            else:
                pygame.transform.smoothscale(frame, target.size, self._scaled)
            window.blit(self._scaled, target)
        if self.mark_illegible:
            self._draw_markers(window, target)
        if self.view == "composite":
            self._draw_codes(window, target)
        if self.show_times:
            self._draw_times(window, target)
        self._draw_chrome(window, target)
        if self.hot is not None and self.hot.error:
            self._draw_reload_error(window, target)
        self._draw_gaze(window)
        if self.voice.active:
            self._draw_voice(window, target)

    def _draw_reload_error(self, window: pygame.Surface, frame: pygame.Rect) -> None:
        """A broken edit: its file:line:col messages over a red band; the last good version keeps running."""
        assert self.hot is not None and self.hot.error
        lines = ["Edit not applied; still showing the last good version:", *self.hot.error.splitlines()[:9]]
        strip = pygame.Surface((frame.width - 20, 20 * len(lines) + 12))
        strip.fill((120, 20, 20))
        strip.set_alpha(220)
        window.blit(strip, (frame.x + 10, frame.y + 44))
        for i, line in enumerate(lines):
            x = frame.x + 18
            if line.strip() == "^" and i:  # proportional font: measure to put the caret under the column
                x += self.chrome.width(lines[i - 1][:len(line) - 1], 15)
                line = "^"
            window.blit(self.chrome.render(line, 15, 255), (x, frame.y + 50 + 20 * i),
                        special_flags=pygame.BLEND_RGB_MAX)

    def _draw_times(self, window: pygame.Surface, frame: pygame.Rect) -> None:
        """Median and worst render time of the last frames, and the real frame rate."""
        times = sorted(self.times)
        rate = self.ticker.get_fps() if self.ticker is not None else 0.0
        line = (f"render {times[len(times) // 2]:.1f} ms median, {times[-1]:.1f} ms worst "
                f"(last {len(times)} frames) · {rate:.0f} fps")
        text = self.chrome.render(line, 16, 255)
        top, _ = self._chrome_rows(frame)
        window.blit(text, (frame.right - text.get_width() - 12, top + 2), special_flags=pygame.BLEND_RGB_MAX)

    def _draw_codes(self, window: pygame.Surface, frame: pygame.Rect) -> None:
        """A thin box and a label on each code the camera read: window chrome, like the legibility
        marks, so screenshots keep equalling `shot` (README "The camera" says why)."""
        codes = self.session.codes
        if codes is None:
            return
        scale = frame.height / self.session.code_size[1]  # code boxes are in the codes' picture's pixels
        for code in codes.codes:
            x, y, w, h = code.box
            box = pygame.Rect(frame.x + round(x * scale), frame.y + round(y * scale), max(2, round(w * scale)),
                              max(2, round(h * scale)))
            label = codes.label(code)
            colour = (150, 150, 150) if label.endswith("ignored") else (255, 196, 40)
            pygame.draw.rect(window, colour, box.inflate(6, 6), width=1)
            text = self.chrome.render(label, 13, 255)
            strip = pygame.Surface((text.get_width() + 8, text.get_height() + 2))
            strip.set_alpha(170)
            at = (box.x - 3, max(frame.y, box.y - text.get_height() - 6))
            window.blit(strip, at)
            window.blit(text, (at[0] + 4, at[1] + 1), special_flags=pygame.BLEND_RGB_MAX)

    def _draw_gaze(self, window: pygame.Surface) -> None:
        progress = self.gaze.progress(self.session.now)
        if self.session.codes is not None:
            progress = max(progress, self.session.codes.progress(self.session.now))
        if self.pointer is not None and progress > 0:
            box = pygame.Rect(0, 0, 28, 28)
            box.center = self.pointer
            pygame.draw.arc(window, (255, 255, 255), box, 1.5708, 1.5708 + 6.2832 * progress, 3)

    def _draw_voice(self, window: pygame.Surface, frame: pygame.Rect) -> None:
        prompt = f"Say: {self.voice.text}▏  (Enter to send, Esc to cancel; network: {self.network})"
        text = self.chrome.render(prompt, 20, 255)
        strip = pygame.Surface((frame.width - 20, text.get_height() + 12))
        strip.set_alpha(200)
        window.blit(strip, (frame.x + 10, frame.bottom - 80))
        window.blit(text, (frame.x + 20, frame.bottom - 74), special_flags=pygame.BLEND_RGB_MAX)

    def _draw_markers(self, window: pygame.Surface, frame: pygame.Rect) -> None:
        """I: the layout check's findings at this frame (`hud.check`), boxed and labelled, or "all clear"."""
        overlay(window, frame, self.session, self.view, problems(self.session), self.chrome)

    def _chrome_rows(self, frame: pygame.Rect) -> tuple[int, int]:
        """Where the top chrome starts and the status line ends: over the view's edges, or in the
        panel view's bands (draw() reserves them when the window is tall enough)."""
        if self.view == "panel" and frame.y >= CHROME_BAND:
            return frame.y - CHROME_BAND + 5, frame.bottom + CHROME_BAND
        return frame.y + 10, frame.bottom

    def _draw_chrome(self, window: pygame.Surface, frame: pygame.Rect) -> None:
        s = self.session
        badge = self.chrome.render(" SIMULATED ", 15, 255, bold=True)
        top, bottom = self._chrome_rows(frame)
        box = badge.get_rect(topleft=(frame.x + 10, top)).inflate(6, 4)
        pygame.draw.rect(window, (170, 30, 30), box, border_radius=4)
        window.blit(badge, badge.get_rect(center=box.center), special_flags=pygame.BLEND_RGB_MAX)
        state = "paused" if s.clock.paused else "playing"
        if self.recording_from is not None:
            state += f" · ● REC since {self.recording_from:.1f} s"
        optics_on = "optics on" if s.optics else "optics off"
        if self.bridge is not None:  # throttling is visible: coalesced updates are counted, never hidden
            b = self.bridge
            failure = getattr(b.server, "failure", None)  # the server's process died: say so, the HUD goes on
            served = f"{b.server.url}, {b.server.clients} client(s), {b.throttle.coalesced_total} coalesced"
            optics_on += f" · push STOPPED: {failure}" if failure else f" · push {served}"
        camera = getattr(s.background, "status", None)
        background = s.background.label + (
            f" ({camera}, {getattr(s.background, 'reconnects', 0)} reconnects)" if camera not in (None, "live") else "")
        line = (f"{s.scenario.name} · {s.device.label} · {background} · view {s.view_fov:g}° of "
                f"{s.camera_hfov:g}° · {optics_on} · "
                f"t = {s.now:.1f} / {s.scenario.duration:g} s · {state} · H help · N night · V panel · O optics")
        lines = [line, *(a.status() for a in reversed(self.attached))]
        if s.codes is not None and (s.codes.codes or s.codes.note):
            lines.insert(1, s.codes.status())
        for row, text_line in enumerate(lines):
            text = self.chrome.render(text_line, 15, 220)
            strip = pygame.Surface((text.get_width() + 16, text.get_height() + 6))
            strip.set_alpha(170)  # a dark strip: the chrome must stay readable over a bright street
            window.blit(strip, (frame.x + 6, bottom - 30 - 24 * row))
            window.blit(text, (frame.x + 14, bottom - 27 - 24 * row), special_flags=pygame.BLEND_RGB_MAX)
        if self.show_help:
            rows = [("Keys", ""), *KEYS]
            h = 28 * len(rows) + 20
            panel = pygame.Rect(0, 0, 168 + max(self.chrome.width(what, 18) for _, what in rows), h)
            panel.center = frame.center
            shade = pygame.Surface(panel.size)
            shade.set_alpha(200)
            window.blit(shade, panel)
            pygame.draw.rect(window, CHROME, panel, width=1, border_radius=8)
            for i, (key, what) in enumerate(rows):
                y = panel.y + 12 + 28 * i
                window.blit(self.chrome.render(key, 18, 255, bold=True), (panel.x + 18, y),
                            special_flags=pygame.BLEND_RGB_MAX)
                window.blit(self.chrome.render(what, 18, 220), (panel.x + 150, y),
                            special_flags=pygame.BLEND_RGB_MAX)


def run_window(options: Options, seconds: float | None = None, network: str = "typical",
               serve: Callable[[], PushEndpoint | None] = lambda: None, allow: tuple[Path, ...] = (),
               attach: Callable[[Session], list[Attachment]] = lambda session: []) -> int:
    """Open the demo window; loops the scenario unless `seconds` limits the run.

    `serve` starts the push server, called only after the first frame is rendered: that frame builds
    the scene (about a second), and a client connecting earlier would wait that long for its first ack.
    """
    pygame.display.init()
    device_file = options.device if str(options.device or "").endswith((".yaml", ".yml")) else None
    session = Session.open(options)
    session.render_composite()
    server = serve()
    attached: list[Attachment] = []
    try:
        attached = attach(session)
        return run_session_window(session, seconds, network, server, device_file, watch=True, allow=allow,
                                  attached=attached)
    finally:
        close_all(attached)
        if server is not None:
            server.stop()


def run_session_window(session: Session, seconds: float | None = None, network: str = "typical",
                       server: PushEndpoint | None = None, device_file: str | None = None,
                       watch: bool = False, allow: tuple[Path, ...] = (),
                       attached: list[Attachment] | None = None) -> int:
    """The window loop; `watch` hot-reloads edits (off for replays, whose timeline is the recording)."""
    """The window loop around an open session (a scenario's or a replayed recording's)."""
    pygame.display.init()
    use_exact_scaling(False)  # interactive: this CPU's fastest smoothscale (screenshots switch back)
    window = pygame.display.set_mode(session.view, pygame.RESIZABLE)
    pygame.display.set_caption(f"hud: simulated AI glasses ({session.scenario.name}, {session.device.label})")
    demo = DemoWindow(session, loop=seconds is None, network=network)
    if server is not None:
        from hud.push.bridge import PushBridge

        demo.bridge = PushBridge(server, allow=allow)  # allow: --allow folders for pushed files
    demo.attached = list(attached or ())
    if watch:
        demo.hot = HotReload(lambda: session_files(demo.session, device_file))
    ticker = pygame.time.Clock()
    demo.ticker = ticker
    elapsed = 0.0
    try:
        while demo.running:
            dt = ticker.tick(60) / 1000.0
            elapsed += dt
            for event in pygame.event.get():
                demo.handle(event)
            demo.update(dt)
            demo.draw(window)
            pygame.display.flip()
            if demo.bridge is not None:
                demo.bridge.rendered()  # the next frame's pushed messages may be read while this one shows
            if seconds is not None and elapsed >= seconds:
                break
    finally:
        demo.session.close()
        if demo.bridge is not None:
            demo.bridge.close()
        pygame.display.quit()
        use_exact_scaling(True)
    return 0
