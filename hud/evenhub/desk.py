"""The hand-off between HTTP threads and the frame loop: work that needs the session, done once a frame.

Why: pygame surfaces and the session are not thread-safe, so a screenshot must be rendered and an
input applied on the frame loop's thread, while the network stays on the server's threads. An
HTTP thread puts a job on the desk (`ask`) and waits for it; the frame loop calls `serve(session)`
once per frame, which runs the waiting jobs (at most `per_frame`, so a burst cannot stretch one
frame) and wakes each waiting thread with its result.

Never a hang, never a late surprise: `ask` waits at most `timeout` s for a frame to take the job.
A job no frame took by then is withdrawn (the frame loop will never run it: an input answered 503
is not applied later) and `NoFrame` says why. A job a frame has taken is waited for until it is
done (its work is a render or a push, milliseconds), up to `timeout` more.

One `Frame` is shared by the jobs served in one call, so ten screenshots asked in the same frame
render the panel once (`Frame.once`); a job that changes the session (an input) calls
`Frame.changed()` so that later jobs in the same frame render afresh.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from hud.session import Session

T = TypeVar("T")
DEFAULT_TIMEOUT = 2.0
DEFAULT_PER_FRAME = 32
DEFAULT_MAX_WAITING = 64

_WAITING, _TAKEN, _WITHDRAWN = "waiting", "taken", "withdrawn"


class NoFrame(Exception):
    """No frame took the job in time (the frame loop is stalled, paused in a debugger, or gone)."""


class Busy(Exception):
    """Too many jobs are already waiting for a frame."""


@dataclass
class Frame:
    """What the jobs of one `serve` call share: the session, and results computed once."""

    session: Session
    _memo: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` the first time `key` is asked in this frame (until `changed()`)."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    def changed(self) -> None:
        """The session changed: what was computed before no longer holds."""
        self._memo.clear()


@dataclass
class _Job(Generic[T]):
    work: Callable[[Frame], T]
    state: str = _WAITING
    result: T | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


class Desk:
    def __init__(self, per_frame: int = DEFAULT_PER_FRAME, max_waiting: int = DEFAULT_MAX_WAITING) -> None:
        self.per_frame, self.max_waiting = per_frame, max_waiting
        self._jobs: deque[_Job[Any]] = deque()
        self._lock = threading.Lock()
        self.frames = 0  # serve() calls so far (a frame loop that runs)
        self._closed: str | None = None  # why no job will be served any more
        self.served = 0  # jobs run

    @property
    def waiting(self) -> int:
        return len(self._jobs)

    def ask(self, work: Callable[[Frame], T], timeout: float = DEFAULT_TIMEOUT) -> T:
        """Run `work` on the frame loop's thread and return its result (or raise what it raised).

        Raises `NoFrame` when no frame takes it within `timeout` s, `Busy` when `max_waiting` jobs wait.
        """
        job: _Job[T] = _Job(work)
        with self._lock:
            if self._closed is not None:
                raise NoFrame(self._closed)
            if len(self._jobs) >= self.max_waiting:
                raise Busy(f"busy: {len(self._jobs)} requests are waiting for hud's display loop, which answers "
                           f"them once a frame; retry shortly")
            self._jobs.append(job)
        if not job.done.wait(timeout):
            with self._lock:
                if job.state == _WAITING:
                    job.state = _WITHDRAWN
                    self._jobs.remove(job)
                    raise NoFrame(f"no frame from hud's display loop within {timeout:g} s (is it paused, stopped or "
                                  f"stuck?); nothing was done")
            if not job.done.wait(timeout):  # taken by a frame: it is running now
                raise NoFrame(f"hud's display loop took this request but did not finish it within {timeout:g} s")
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[return-value]

    def close(self, reason: str) -> None:
        """No more jobs: those waiting are withdrawn and answered `NoFrame(reason)` at once."""
        with self._lock:
            self._closed = reason
            jobs, self._jobs = list(self._jobs), deque()
            for job in jobs:
                job.state = _WITHDRAWN
                job.error = NoFrame(reason)
                job.done.set()

    def serve(self, session: Session) -> int:
        """Run the waiting jobs (at most `per_frame`) on this thread; returns how many ran. Never raises."""
        self.frames += 1
        if not self._jobs:  # the common case, without the lock: a frame with nothing asked costs nothing
            return 0
        frame = Frame(session)
        ran = 0
        while ran < self.per_frame:
            with self._lock:
                if not self._jobs:
                    break
                job = self._jobs.popleft()
                job.state = _TAKEN
            try:
                job.result = job.work(frame)
            except Exception as exc:  # the HTTP thread answers 500 with it; the frame loop goes on
                job.error = exc
            job.done.set()
            ran += 1
        self.served += ran
        return ran
