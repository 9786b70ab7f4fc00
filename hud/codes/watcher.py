"""The camera that matters: codes read from the background, and the one the wearer's gaze rests on.

One `CodeWatcher` per session. It reads codes from background frames, keeps the latest list (the
window marks them), and when the wearer's gaze rests on one code for the dwell time, asks the
assistant what to do: a payment QR code opens the payment prompt, a product's EAN-13 code its price
comparison. Every source (webcam, video, image, frames, the street scene) goes through the same
path: there is no special case for the camera.

Two ways to be fed, one logic:

* **Headless and virtual-clock runs** (`sync`): the session calls `tick` at fixed clock times
  (every `interval`), decoding the background frame of that time on its own thread, so events and
  pixels are the same in every process, whatever the frame rate. Ticks run only while a scripted
  `gaze` rests somewhere: nothing can be triggered otherwise, and `shot` stays as fast as before.
* **The window** (`sync` off): `offer` hands a copy of the frame to a worker thread every
  `interval` of clock time; `poll` takes its result on the frame loop. Results carry the clock
  time of the frame they were read from. The window's pointer is the gaze.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hud import events as ev
from hud.codes.decode import Code, Grab, grab, read
from hud.codes.payload import PayCode, ProductCode, Refused, parse
from hud.gaze import GazeDwell
from hud.pg import pygame

if TYPE_CHECKING:
    from hud.assistant import Assistant

__all__ = ["DECODE_SECONDS", "GAZE_SLACK", "CodeWatcher"]

#: Clock seconds between two decodes: 10 a second, so a 0.8 s dwell is measured to 0.1 s.
DECODE_SECONDS = 0.1
#: Pixels around a code's box that still count as looking at it (about 2° of a 70° camera at
#: 1280 px: eye trackers are accurate to 1-2°).
GAZE_SLACK = 36
#: Distinct refused payloads remembered (each is logged once); the oldest are forgotten past this.
_NOTED = 256

Meaning = PayCode | ProductCode | Refused


@dataclass
class CodeWatcher:
    network: str = "typical"
    interval: float = DECODE_SECONDS
    sync: bool = True
    #: Where the wearer looks, in view pixels (None: nowhere in particular), and until when (clock).
    gaze: tuple[float, float] | None = None
    gaze_until: float = float("inf")
    #: A scripted gaze is being followed (a scenario's `gaze` event): read synchronously at fixed
    #: clock times even in the window, and the pointer does not move it, so the demo's autopilot
    #: (the city walk looks at the café's QR code) plays the same in the window as headless.
    scripted: bool = False
    dwell: GazeDwell = field(default_factory=GazeDwell)
    codes: list[Code] = field(default_factory=list)  # the latest read
    note: str = ""  # the latest thing worth a word on the status line
    log: Callable[[str], None] = field(default=lambda line: print(f"hud: {line}", file=sys.stderr))
    assistant: Assistant | None = None  # the window's; else one is made when first needed

    def __post_init__(self) -> None:
        self._tick = 0  # the next synchronous decode is at tick * interval
        self._meanings: dict[tuple[str, str], Meaning] = {}
        self._noted: dict[tuple[str, str], None] = {}
        self._worker: ThreadPoolExecutor | None = None
        self._pending: Future[list[Code]] | None = None
        self._offered_at = -float("inf")
        self._generation = 0
        self._pending_generation = 0

    # -- what a code means -----------------------------------------------------------------
    def meaning(self, code: Code) -> Meaning:
        key = (code.kind, code.text)
        found = self._meanings.get(key)
        if found is None:
            if len(self._meanings) >= _NOTED:
                self._meanings.clear()
            found = self._meanings[key] = parse(code.kind, code.text)
        return found

    def _data(self) -> Assistant:
        if self.assistant is None:
            from hud.assistant import Assistant

            self.assistant = Assistant(self.network)
        return self.assistant

    def label(self, code: Code) -> str:
        """A few words for the mark beside a code: what it is and what it would do."""
        meaning = self.meaning(code)
        if isinstance(meaning, PayCode):
            from hud.assistant.commerce import money

            return f"QR · pay {meaning.merchant} {money(meaning.amount, meaning.currency, cents=True)}"
        if isinstance(meaning, ProductCode):
            product = next((p for p in self._data().data.products if meaning.ean in p.ean), None)
            return f"EAN {meaning.ean} · {product.name.en if product else 'unknown product'}"
        return f"{'QR' if code.kind == 'qr' else 'EAN'} · ignored"

    # -- gaze and triggers -----------------------------------------------------------------
    def look(self, event: ev.Gaze, at: float, view: tuple[int, int]) -> None:
        """A scripted gaze: the wearer looks at (x, y) of the view for `seconds` from `at`."""
        self.gaze = (event.x * view[0], event.y * view[1])
        self.gaze_until = at + event.seconds
        self.scripted = True
        self._tick = max(self._tick, _ceil(at / self.interval))

    def target(self, codes: list[Code]) -> Code | None:
        """The code the gaze rests on: its box (with GAZE_SLACK around it) holds the gaze point;
        the nearest centre wins when boxes overlap."""
        if self.gaze is None:
            return None
        gx, gy = self.gaze
        near = [c for c in codes if pygame.Rect(c.box).inflate(2 * GAZE_SLACK, 2 * GAZE_SLACK).collidepoint(gx, gy)]
        return min(near, key=lambda c: (c.centre[0] - gx) ** 2 + (c.centre[1] - gy) ** 2, default=None)

    def observe(self, codes: list[Code], at: float, now: float) -> list[ev.Timed]:
        """Codes read from the frame of clock time `at`; the plan (events from `now`) when the
        gaze has just rested on one for the dwell time."""
        self.codes = codes
        for code in codes:
            meaning = self.meaning(code)
            if isinstance(meaning, Refused):
                self._refused(code, meaning)
        looked = self.target(codes)
        fired = self.dwell.update((looked.kind + ":" + looked.text) if looked else None, at)
        if fired is None or looked is None:
            return []
        meaning = self.meaning(looked)
        if isinstance(meaning, Refused):
            return []  # already noted: an unknown or hostile code is ignored
        kind = "payment QR code" if isinstance(meaning, PayCode) else f"product code {looked.text}"
        self.note = f"looked at a {kind} at {_where(looked)}, t = {at:.1f} s"
        return self._data().scanned(meaning, now)

    def _refused(self, code: Code, refused: Refused) -> None:
        self.note = f"ignored {_kind(code)} at {_where(code)}: {refused.message}"
        key = (code.kind, code.text)
        if key not in self._noted:
            if len(self._noted) >= _NOTED:
                del self._noted[next(iter(self._noted))]
            self._noted[key] = None
            self.log(f"t = {code.at:.1f} s: {self.note}")

    def progress(self, now: float) -> float:
        """0..1 towards selecting the code looked at (the window draws the dwell ring)."""
        return self.dwell.progress(now)

    def status(self) -> str:
        """One line for the window's status line: how many codes are in view and the latest note."""
        seen = f"codes: {len(self.codes)} in view"
        return f"{seen} · {self.note}" if self.note else seen

    def reset(self) -> None:
        """Back to t = 0 (a restart): no gaze, no codes, no dwell; a pending read is dropped."""
        self.gaze, self.gaze_until, self.codes, self.note = None, float("inf"), [], ""
        self.scripted = False
        self.dwell = GazeDwell(self.dwell.dwell)
        self._tick, self._pending, self._offered_at = 0, None, -float("inf")
        self._generation += 1

    # -- synchronous: fixed clock times ----------------------------------------------------
    def due(self, now: float) -> float | None:
        """The next decode time not after `now` while a scripted gaze lasts, else None."""
        if not (self.sync or self.scripted) or self.gaze is None:
            return None
        at = round(self._tick * self.interval, 6)
        if at > self.gaze_until:
            self.gaze, self.scripted = None, False
            self.codes = []
            self.dwell.update(None, at)
            return None
        return at if at <= now else None

    def tick(self, frame: pygame.Surface, at: float) -> list[ev.Timed]:
        """Decode the background frame of clock time `at` (the time `due` gave) on this thread."""
        self._tick += 1
        return self.observe(self._read(grab(frame, at)), at, at)

    def _read(self, frame: Grab) -> list[Code]:
        try:
            return read(frame)
        except Exception as exc:  # a decoder failure must never take the HUD down: say it, read nothing
            self.note = f"code reader failed: {exc}"
            return []

    # -- the window: a worker thread -------------------------------------------------------
    def wants(self, at: float) -> bool:
        """Whether `offer` would take the frame of clock time `at` (the worker is idle, a decode due)."""
        return self._pending is None and not 0 <= at - self._offered_at < self.interval - 1e-9

    def offer(self, frame: pygame.Surface, at: float) -> bool:
        """Hand a copy of `frame` (clock time `at`) to the worker if it is idle and a decode is due."""
        if not self.wants(at):
            return False
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hud-codes")
        self._offered_at = at
        self._pending = self._worker.submit(self._read, grab(frame, at))
        self._pending_generation = self._generation
        return True

    def poll(self, now: float) -> list[ev.Timed]:
        """The worker's result, if it is ready: observed at its frame's time, the plan from `now`."""
        pending = self._pending
        if pending is None or not pending.done():
            return []
        self._pending = None
        if self._pending_generation != self._generation:
            return []  # read before a restart
        codes = pending.result()
        return self.observe(codes, codes[0].at if codes else self._offered_at, now)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.shutdown(wait=True, cancel_futures=True)  # a read takes milliseconds
            self._worker = None


def _ceil(x: float) -> int:
    n = int(x)
    return n if n >= x - 1e-9 else n + 1


def _kind(code: Code) -> str:
    return "QR code" if code.kind == "qr" else "EAN-13 code"


def _where(code: Code) -> str:
    x, y, w, h = code.box
    return f"({x}, {y}) {w}x{h} px"
