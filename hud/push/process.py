"""The push server in a process of its own: `PushServerProcess`, the same API as `PushServer`.

Why: in one process the server and the frame loop share the interpreter lock. Under a flood every
message costs 60-90 us of it (WebSocket framing, JSON, the schema check), so the frame loop had to
hand the server a share of each frame (`intake_per_frame`) and a 1280x720 frame plus that share
no longer fit in 16.7 ms: the clock fell behind real time and the display with it (README
"Performance", the push rows). Here a child process listens, reads and checks every message and
sends each accepted one on as it arrives; once per frame the frame loop reads what is there
without waiting (`drain`), sends the frame's replies back in one write (`flush`), and once the frame
is drawn lets the child read the next frame's share (`rendered`). The frame loop keeps the
throttle, the acks and the session, so what a client sees is the same as with `PushServer`,
message for message.

The channel carries pickles, between this process and the child it started: no one else can
write to it (an inherited, unnamed socket pair: no address, no file). The child is a fresh
`python -m hud.push.process`, so it shares no threads, pygame state or locks with the frame loop's
process. It needs a POSIX system (an inherited descriptor); elsewhere `push_server` runs the
server as a thread (`PushServer`), as before.

If the child dies, the frame loop lives on: `drain` returns nothing, replies are dropped, and
`failure` says why (logged once), like a client that went away.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing.connection
import os
import signal
import site
import socket
import subprocess
import sys
import sysconfig
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hud import netguard
from hud.push.protocol import DEFAULT_HOST, DEFAULT_PORT
from hud.push.server import Client, Incoming, PushEndpoint, PushServer, PushServerError, _wire_or_log

__all__ = ["PushServerProcess", "push_server"]

_LOG = logging.getLogger("hud.push")

#: Whether a child can be handed a descriptor (`pass_fds`): POSIX systems.
CAN_INHERIT = os.name == "posix"
#: The `PushServer` counters a frame loop reads, mirrored from the child's answers to drains (a
#: frame old); `waiting` is counted here, by the drain.
COUNTERS = ("clients", "received", "refused")


#: Messages the child reads between two drains before it waits for the next one (TCP then slows
#: the sender; nothing is dropped). Why a bound at all: each accepted message still costs the frame
#: loop its throttle offer and its ack (about 10-25 us); unbounded, a flood of 16,000 messages/s
#: took 50 ms of every frame. 96 a frame is 5,760 messages/s at 60 fps (128 took the frame loop's
#: clock to 0.97 of real time with the street scene at 1280x720, README "Performance").
PROCESS_INTAKE_PER_FRAME = 96


@dataclass(frozen=True)
class _Post:
    """A reply (`client`) or a broadcast (`client` None), as wire text."""

    client: Client | None
    text: str


@dataclass(frozen=True)
class _Retain:
    """The message each joining client receives (None: none), as wire text."""

    text: str | None


class PushServerProcess:
    """`PushServerProcess(...).start()`; then, once per frame, `drain()`, `reply()`/`broadcast()`, `flush()`,
    and `rendered()` once the frame is drawn.

    The options are `PushServer`'s and are checked here before anything starts (an unsafe binding
    is refused in this process, with the same message). Replies and broadcasts are kept until
    `flush()` or the next `drain()`, so a frame's replies cost one pipe write.
    """

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None,
                 **options: Any) -> None:
        options.setdefault("intake_per_frame", PROCESS_INTAKE_PER_FRAME)
        options["turn_budget"] = 0.0  # the child has its own interpreter lock: the frame loop never waits for it
        checked = PushServer(host, port, token, **options)  # the same checks, here: nothing is started by it
        self.host, self.token, self._port = host, token, port
        self.inbox_size = checked.inbox_size
        self._options = options
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: multiprocessing.connection.Connection | None = None
        self._posts: list[_Post | _Retain] = []  # in order: replies, broadcasts, what new clients are told
        self._drains = 0  # shares opened so far: the child tags what it sends with the latest it has heard of
        self._ahead = False  # a share is open that no drain has taken yet
        self._next: list[Incoming] = []  # received early, in the next drain's share
        self._counters = dict.fromkeys((*COUNTERS, "waiting"), 0)
        self.failure: str | None = None  # why the child is gone, once it is

    # -- life ----------------------------------------------------------------------------------
    def start(self, timeout: float = 20.0) -> PushServerProcess:
        """Start the child and return once it listens; raises PushServerError with its reason."""
        if self._process is not None:
            raise PushServerError("the push server is already started")
        ours, theirs = socket.socketpair()
        env = _child_environment()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "hud.push.process", str(theirs.fileno())], pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env,
                start_new_session=True)  # a signal to hud's process group (Ctrl+C, SIGTERM) is hud's to handle
        except OSError as exc:
            ours.close()
            raise PushServerError(f"cannot start the push server's process: {exc}") from None
        finally:
            theirs.close()
        self._conn = conn = multiprocessing.connection.Connection(ours.detach())
        try:
            conn.send((self.host, self._port, self.token, self._options))
            if not conn.poll(timeout):
                raise PushServerError(f"the push server did not start within {timeout:g} s")
            kind, value = conn.recv()
        except (EOFError, OSError):
            self._end()
            raise PushServerError("the push server's process ended before it listened (its error is above)"
                                  ) from None
        except PushServerError:
            self._end()
            raise
        if kind != "ready":
            self._end()
            raise PushServerError(str(value))
        self._port = int(value)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Close every connection (1001 going away) and end the child."""
        conn = self._conn
        if conn is not None and self.failure is None:
            with contextlib.suppress(OSError, EOFError, ValueError):
                self._send_posts()
                conn.send(("stop", timeout))
                conn.poll(timeout + 1.0)
        self._end(timeout)

    def _end(self, timeout: float = 5.0) -> None:
        process, self._process = self._process, None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if process is not None:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)

    def __enter__(self) -> PushServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return netguard.url("ws", self.host, self._port)

    @property
    def pid(self) -> int | None:
        """The child's process id (None before start and after stop)."""
        return self._process.pid if self._process is not None else None

    @property
    def clients(self) -> int:
        return self._counters["clients"]

    @property
    def waiting(self) -> int:
        return self._counters["waiting"]

    @property
    def received(self) -> int:
        return self._counters["received"]

    @property
    def refused(self) -> int:
        return self._counters["refused"]

    # -- the frame loop's side -----------------------------------------------------------------
    def drain(self) -> list[Incoming]:
        """Every validated message the child accepted for this frame, in arrival order.

        Nothing is waited for: the child sends accepted messages as they arrive, and this reads
        what is already here. Why not ask and wait: the child may be waiting for a core (two
        processes and a client on two cores), and the answer took 0.8 ms at the median and 4 ms at
        p99 of a flooded frame. The child reads a share (`intake_per_frame`) after `rendered()`
        opens it, or, for a frame loop that does not call it, after this drain."""
        conn = self._conn
        if conn is None or self.failure is not None:
            return []
        items, self._next = self._next, []
        try:
            self._send_posts()
            if self._ahead:  # opened after the last frame was drawn (or by the last drain): this frame's
                limit = self._drains
                self._ahead = False
            else:  # a frame loop that does not call rendered(): open the next frame's share now
                self._open_share()
                limit = self._drains - 1
            while conn.poll(0):
                share, got, counters = conn.recv()
                if share <= limit:
                    items += got
                else:
                    self._next += got
                self._counters.update(counters)
        except (EOFError, OSError) as exc:
            self._lost(exc)
            return []
        self._counters["waiting"] = len(items)  # what had arrived when the frame loop asked
        return items

    def rendered(self) -> None:
        """The frame is drawn: the child may read the next frame's share now.

        Why after the render and not at the drain: a message the child reads is stamped and then
        waits for the next drain; read while the frame loop sleeps, it waits a few milliseconds,
        read as the frame starts, it would wait the whole frame (measured: p99 push to pixel 318
        ms opening the share at the drain, see README "Performance")."""
        if self._conn is None or self.failure is not None:
            return
        try:
            self._send_posts()
            if not self._ahead:  # (a share the last drain opened is not taken yet: one at a time)
                self._open_share()
        except (EOFError, OSError) as exc:
            self._lost(exc)

    def _open_share(self) -> None:
        """Let the child read one more frame's share (`intake_per_frame`), for the next drain."""
        assert self._conn is not None
        self._drains += 1
        self._conn.send(("drained", self._drains))
        self._ahead = True

    def reply(self, client: Client, message: dict[str, Any] | str) -> None:
        """Send to one client at the next `flush` (silently nothing if it has gone)."""
        self._post(client, message)

    def broadcast(self, message: dict[str, Any] | str) -> None:
        """Send to every authenticated client at the next `flush`."""
        self._post(None, message)

    def retain(self, message: dict[str, Any] | str | None) -> None:
        """The message each client receives when it joins (see `PushServer.retain`)."""
        self._posts.append(_Retain(None if message is None else _wire_or_log(message)))

    def flush(self) -> None:
        """Send the replies and broadcasts kept since the last flush (one pipe write)."""
        if self._conn is None or self.failure is not None or not self._posts:
            return
        try:
            self._send_posts()
        except (EOFError, OSError) as exc:
            self._lost(exc)

    def _post(self, client: Client | None, message: dict[str, Any] | str) -> None:
        if self._conn is None:
            if self.failure is None:
                raise PushServerError("the push server is not running")
            return
        text = _wire_or_log(message)
        if text is not None:
            self._posts.append(_Post(client, text))

    def _send_posts(self) -> None:
        if self._posts and self._conn is not None:
            posts, self._posts = self._posts, []
            self._conn.send(("posts", posts))

    def _lost(self, exc: BaseException) -> None:
        process = self._process
        code = None
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = process.wait(1.0)  # reaped, so its exit code (a signal's is negative) can be told
        self.failure = (f"the push server's process ended (exit code {code}); pushed messages are no longer "
                        f"received" if code is not None else f"lost the push server's process ({exc})")
        self._posts.clear()
        _LOG.error("push: %s", self.failure)


def _child_environment() -> dict[str, str]:
    """The child's environment: this one, plus the folder this `hud` came from when it is not an
    installed package (a clone run as `python main.py`), so the child imports the very same code.

    Why not always: putting site-packages on PYTHONPATH would put it before the standard library."""
    root = Path(__file__).resolve().parents[2]
    paths = sysconfig.get_paths()
    installed = {Path(p).resolve() for p in (*site.getsitepackages(), site.getusersitepackages(), paths["purelib"],
                                             paths["platlib"])}
    if root in installed:
        return dict(os.environ)
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH")) if p)}


def push_server(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None,
                **options: Any) -> PushEndpoint:
    """A started push server as the app runs it: in a process of its own where the system can pass
    it a descriptor (POSIX), else a thread of this process."""
    if CAN_INHERIT:
        return PushServerProcess(host, port, token, **options).start()
    return PushServer(host, port, token, **options).start()


def _child(conn: multiprocessing.connection.Connection, host: str, port: int, token: str | None,
           options: dict[str, Any]) -> None:
    """The child: a `PushServer` that sends each accepted message to the parent as it arrives.

    Everything runs on the server's asyncio loop: the parent's requests are read there
    (`add_reader`) and every write to the parent is made there, so writes never interleave.
    It runs in a session of its own, so a terminal's Ctrl+C or a SIGTERM to hud's process group
    reaches only hud, which then stops it; it also ignores SIGINT, and ends when the parent says
    stop or its end of the socket pair closes (the parent is gone, however it ended).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        server = PushServer(host, port, token, **options).start()
    except Exception as exc:
        conn.send(("failed", str(exc)))
        return
    loop = server.loop
    assert loop is not None
    stopped = threading.Event()
    stop_timeout = [5.0]
    share = server.intake_per_frame
    shipped = [0]  # messages sent to the parent since its last drain
    scheduled = [False]
    heard = [0]  # the latest drain the parent told of

    def counters() -> dict[str, int]:
        return {name: int(getattr(server, name)) for name in COUNTERS}

    def ship() -> None:
        """Send what the inbox holds (on the loop's thread, the only one that writes to `conn`)."""
        scheduled[0] = False
        items = server.take()
        shipped[0] += len(items)
        try:
            conn.send((heard[0], items, counters()))
        except OSError:
            stopped.set()  # the parent is gone
        except Exception:  # an event that cannot be pickled: a bug, but each message still gets its one reply
            _LOG.exception("push: a message could not be handed to the frame loop")
            for item in items:
                server.reply(item.client, {"type": "error", "id": item.id,
                                           "reason": "internal error while passing this message to the display; "
                                                     "it was not applied"})
            conn.send((heard[0], [], counters()))

    def arrived() -> None:
        # Once per turn of the loop, however many messages arrived in it; past this frame's share
        # the server reads no more (`_fair_turn`) and the inbox waits for the next drain.
        if not scheduled[0] and (share is None or shipped[0] < share):
            scheduled[0] = True
            loop.call_soon(ship)

    def answer() -> None:
        try:
            kind, value = conn.recv()
        except (EOFError, OSError):
            kind, value = "stop", 5.0  # the parent is gone: so are we
        if kind == "posts":
            for post in value:
                if isinstance(post, _Retain):
                    server.retain(post.text)
                elif post.client is None:
                    server.broadcast(post.text)
                else:
                    server.reply(post.client, post.text)
        elif kind == "drained":
            ship()  # what waited past the share, still in this drain's (and the counters, every frame)
            heard[0], shipped[0] = int(value), 0
            server.next_share()
        else:
            loop.remove_reader(conn.fileno())
            stop_timeout[0] = float(value)
            stopped.set()

    def begin() -> None:
        # Here, on the loop's thread: from now on only it writes to `conn` (until the loop ends).
        server.on_inbox = arrived
        loop.add_reader(conn.fileno(), answer)
        conn.send(("ready", server.port))

    loop.call_soon_threadsafe(begin)
    stopped.wait()
    server.stop(stop_timeout[0])
    with contextlib.suppress(OSError):
        conn.send(("stopped", os.getpid()))


def main(argv: list[str] | None = None) -> int:
    """The child's entry point: `python -m hud.push.process FD`, FD its end of the socket pair.

    Why not `multiprocessing`: its `spawn` runs the parent's main module again in the child, which
    breaks a user's script that starts hud without an `if __name__ == "__main__":` guard; a plain
    `python -m` child imports only this module."""
    args = sys.argv[1:] if argv is None else argv
    conn = multiprocessing.connection.Connection(int(args[0]))
    try:
        host, port, token, options = conn.recv()
    except (EOFError, OSError):
        return 1
    _child(conn, host, port, token, options)
    return 0


if __name__ == "__main__":
    # Through the imported module, not this `__main__` copy: the parent's pickles name
    # `hud.push.process._Post`, and a second copy of the class would not match them.
    from hud.push.process import main as _main

    sys.exit(_main())
