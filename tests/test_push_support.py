"""Shared by the push tests: glasses on loopback, driven by a frame loop in a thread, like the window.

Named test_push_*.py only to sit with them; it holds no tests.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hud import paths
from hud.push.bridge import PushBridge
from hud.push.process import PushServerProcess
from hud.push.server import PushEndpoint, PushServer
from hud.push.throttle import Throttle
from hud.session import Options, Session

FRAME = 1 / 60


class Glasses:
    """A headless session with a push server; the frame loop (bridge, then the clock) runs in a thread.

    The virtual clock moves 1/60 s per frame and frames come every 5 ms, so the 300 ms throttle
    lets an update through about every 90 ms of real time. Code that touches the session runs in
    the loop's thread, through `call()`.
    """

    def __init__(self, interval: float = 0.3, allow: tuple[Path, ...] = (), where: str = "thread",
                 **server_options: Any) -> None:
        self.session = Session.open(Options(scenario=paths.SCENARIOS / "empty.yaml", background="scene",
                                            view=(320, 180)))
        self.server: PushEndpoint = (PushServerProcess if where == "process" else PushServer)(
            "127.0.0.1", 0, **server_options).start()
        self.bridge = PushBridge(self.server, Throttle(interval), allow=allow)
        self._calls: queue.Queue[tuple[Callable[[Session], Any], queue.Queue[Any]]] = queue.Queue()
        self._stop = threading.Event()
        self.failure: BaseException | None = None
        self.peak_waiting = 0  # the most messages seen waiting in the server's inbox at a frame
        self.peak_pending = 0  # the most updates seen waiting in the throttle after a frame
        self._thread = threading.Thread(target=self._loop, name="test-frame-loop", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return self.server.url

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                while not self._calls.empty():
                    fn, answer = self._calls.get_nowait()
                    answer.put(fn(self.session))
                self.peak_waiting = max(self.peak_waiting, self.server.waiting)
                self.bridge.frame(self.session)
                self.bridge.rendered()  # (this loop renders nothing: the frame is done)
                self.peak_pending = max(self.peak_pending, self.bridge.throttle.pending)
                self.session.advance(FRAME)
                time.sleep(0.005)
        except BaseException as exc:
            self.failure = exc
            raise

    def call(self, fn: Callable[[Session], Any], timeout: float = 5.0) -> Any:
        """Run `fn(session)` in the frame loop's thread, between frames; returns its result."""
        answer: queue.Queue[Any] = queue.Queue()
        self._calls.put((fn, answer))
        return answer.get(timeout=timeout)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.bridge.close()
        self.server.stop()
        self.session.close()
        if self.failure is not None:
            raise self.failure
