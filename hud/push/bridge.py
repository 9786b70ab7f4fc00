"""Once per frame: the server's inbox -> acks and the throttle -> the session -> what clients hear back.

Why one object for it: the window, the headless loop and the bench must treat pushed messages
the same way, in the same order (drain, offer, apply what is due, watch), and a frame loop should
need one line for it: `bridge.frame(session)` (and `bridge.rendered()` once the frame is drawn).

The throttle interval follows the session's device (`throttle_ms` in its profile, when it has
one), so `set_device` to a slower pair of glasses slows the updates down too.

Files (`set_layout`, `set_device`) are loaded in a worker thread, never on the server's asyncio
thread nor in the frame loop. Why: a file read can take any time (a 1 MiB YAML file parses in
about a second with the pure-Python loader; a network drive may hang), and neither every
client's connection nor the display may wait on it. The worker resolves the path under the roots
policy (`hud.roots`: layouts/, assets/, the scenario's folder, `--allow DIR`), loads and checks
the layout or device, and hands the loaded objects to the frame loop, which acknowledges the
message (or answers with the one-line refusal) and later applies exactly those objects: the
session reads nothing from disk for a pushed message. So an acknowledged layout is one that
loaded, and a refused one changed nothing.

Order: a client's messages behind one that is loading wait for it (at most `max_held`, then
"busy:"), so a client's `set_layout` and the `notify` it sent next reach the display in order;
other clients are not held up. Loads run one at a time.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hud.push.commands import Loaded, Refused, needs_files, prepare
from hud.push.server import Client, Incoming, PushEndpoint
from hud.push.throttle import Ack, Entry, Throttle
from hud.push.watch import Watcher
from hud.roots import Roots, one_line
from hud.schema import ConfigError
from hud.session import Session

#: Messages of one client that may wait behind its loading set_layout / set_device.
DEFAULT_MAX_HELD = 256
#: Longest reason quoted from an exception raised while applying an acknowledged update.
MAX_APPLY_REASON = 300


@dataclass
class _Job:
    """A message whose files the worker loads; `result` is set by the worker, then `done`."""

    item: Incoming
    scenario: Path | None
    allow: tuple[Path, ...]
    result: list[Loaded] | Refused | None = None


class _Loader:
    """One daemon thread, started with the first job, that loads files in the order asked."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._done: queue.Queue[_Job] = queue.Queue()
        self._thread: threading.Thread | None = None

    def submit(self, job: _Job) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="hud-push-files", daemon=True)
            self._thread.start()
        self._jobs.put(job)

    def finished(self) -> list[_Job]:
        out: list[_Job] = []
        while True:
            try:
                out.append(self._done.get_nowait())
            except queue.Empty:
                return out

    def close(self, timeout: float = 5.0) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            job.result = _load(job)
            self._done.put(job)


def _load(job: _Job) -> list[Loaded] | Refused:
    """Every event of the message, with the files it names loaded; or why not (never raises)."""
    try:
        roots = Roots.of(job.scenario, job.allow)
        return [prepare(event, roots) for event in job.item.events]
    except Refused as exc:
        return exc
    except Exception as exc:  # the worker must outlive any surprise; what it says is not quoted
        return Refused(f"could not be loaded ({type(exc).__name__})")


@dataclass
class PushBridge:
    server: PushEndpoint
    throttle: Throttle = field(default_factory=Throttle)
    watcher: Watcher = field(default_factory=Watcher)
    allow: tuple[Path, ...] = ()  # the --allow folders pushed files may come from, besides the defaults
    max_held: int = DEFAULT_MAX_HELD
    _loader: _Loader = field(default_factory=_Loader, repr=False)
    _held: dict[Client, deque[Incoming]] = field(default_factory=dict, repr=False)
    _loaded: dict[int, Loaded] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.allow = tuple(Path(a) for a in self.allow)
        Roots.of(None, self.allow)  # a missing --allow folder is an error at start, not on the first push

    def frame(self, session: Session) -> list[Entry]:
        """Take this frame's messages and apply the updates due at the session's clock time.

        Returns the applied entries (each `tag` is the `Incoming` it came from), for metrics.
        """
        if not self.watcher.started:
            self.watcher.start(session)
        self._follow_device(session)
        now = session.now
        for job in self._loader.finished():  # before the new messages: they arrived later
            self._finish(job, session)
        for item in self.server.drain():
            self._take(item, session)
        applied = self.throttle.due_entries(now)
        for entry in applied:
            self._apply(entry, session)
        if applied:
            self._loaded.clear()  # the throttle is empty after a flush: the rest were superseded
        for message in self.watcher.changes(session):
            self.server.broadcast(message)
            if message["type"] == "display":
                self.server.retain(message)
        self.server.flush()  # this frame's acks and broadcasts, together
        return applied

    def rendered(self) -> None:
        """Call once the frame is drawn: the server may read the next frame's messages now (see
        `PushServerProcess.rendered`; a frame loop that never calls it still works, a frame later)."""
        self.server.rendered()

    def close(self) -> None:
        """Stop the file worker (a frame loop's `finally`, beside the server's `stop`)."""
        self._loader.close()

    @property
    def loading(self) -> int:
        """Messages waiting for files to load, or behind one that is (for a debug overlay and tests)."""
        return sum(len(held) for held in self._held.values())

    # -- messages ------------------------------------------------------------------------------
    def _take(self, item: Incoming, session: Session) -> None:
        held = self._held.get(item.client)
        if held is not None:  # this client has a message loading: keep its order
            if len(held) - 1 >= self.max_held:
                self.server.reply(item.client, {
                    "type": "error", "id": item.id,
                    "reason": f"busy: {len(held) - 1} of your messages are waiting behind a layout or device "
                              f"that is loading (at most {self.max_held}); retry shortly"})
                return
            held.append(item)
            return
        if any(needs_files(e) for e in item.events):
            self._held[item.client] = deque([item])
            self._submit(item, session)
        else:
            self._offer(item, item.events, session.now)

    def _submit(self, item: Incoming, session: Session) -> None:
        scenario = session.scenario.path
        self._loader.submit(_Job(item, Path(scenario) if scenario is not None else None, self.allow))

    def _finish(self, job: _Job, session: Session) -> None:
        item = job.item
        held = self._held[item.client]
        held.popleft()
        if isinstance(job.result, list):
            for loaded in job.result:
                self._loaded[id(loaded.event)] = loaded
            self._offer(item, tuple(loaded.event for loaded in job.result), session.now)
        else:
            reason = str(job.result) if job.result is not None else "could not be loaded"
            self.server.reply(item.client, {"type": "error", "id": item.id, "reason": reason})
        while held:  # release what waited behind it, up to the next message that loads files
            nxt = held[0]
            if any(needs_files(e) for e in nxt.events):
                self._submit(nxt, session)
                return
            held.popleft()
            self._offer(nxt, nxt.events, session.now)
        del self._held[item.client]

    def _offer(self, item: Incoming, events: tuple[Any, ...], now: float) -> None:
        result = self.throttle.offer(item.id, events, now, tag=item)
        self.server.reply(item.client, result.wire() if isinstance(result, Ack) else result.message())

    def _apply(self, entry: Entry, session: Session) -> None:
        loaded = self._loaded.pop(id(entry.event), None)
        try:
            if loaded is not None:
                session.push(entry.event, layout=loaded.layout, device=loaded.device)
            else:
                session.push(entry.event)
        except Exception as exc:
            # A loaded layout or device that still cannot be shown (a font the renderer refuses) must
            # not end the process: the session changed nothing, and the client hears why.
            if loaded is None and not isinstance(exc, ValueError | ConfigError | OSError):
                raise
            incoming: Incoming = entry.tag
            text = one_line(str(exc), MAX_APPLY_REASON) or type(exc).__name__
            self.server.reply(incoming.client, {"type": "error", "id": entry.id,
                                                "reason": f"acknowledged but could not be applied: {text}"})

    def _follow_device(self, session: Session) -> None:
        throttle_ms: Any = getattr(session.device, "throttle_ms", None)
        if isinstance(throttle_ms, int | float) and throttle_ms >= 0:
            self.throttle.interval = throttle_ms / 1000
