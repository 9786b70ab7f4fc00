"""The WebSocket server other programs push to, beside the window's (or a headless) frame loop.

Why a thread with its own asyncio loop: the frame loop is synchronous pygame code that must not
wait on the network, and the network must not wait on a frame. The two meet in two places only:
an inbox of validated messages the frame loop drains once per frame (`drain`), and an outbox of
replies and broadcasts the server thread sends (`reply`, `broadcast`, callable from any thread).

Every client message gets exactly one reply (ack or error), also when it is refused for its size,
for authentication or because the server is busy; the only frames closed without a reply are those
over `TRANSPORT_MAX_BYTES`, which the server does not read.

Limits, each with a clear answer rather than a silent drop:
    message size   64 kB (`protocol.MAX_BYTES`): a larger message, up to 256 kB (`TRANSPORT_MAX_BYTES`),
                   gets the error "message is N bytes; the limit is 65536", then the connection is
                   closed with 1009 (message too big); a frame over 256 kB is closed with 1009 at once,
                   unread (the transport's own limit, so a client cannot make the server buffer megabytes)
    inbox          `inbox_size` validated messages waiting for a frame; beyond it: error "busy: ..."
    fairness       after `intake_per_frame` messages the server waits for the frame loop's next drain
                   before reading more (TCP slows the sender; nothing is dropped), so a flood cannot
                   starve the frame loop of the interpreter lock; if no drain comes within
                   `frame_wait` s the loop is stalled and the server reads on, up to the inbox's limit
    clients        `max_clients` connections (32); beyond it: close 1013 (try again later)
    saying hello   a client must say hello within `hello_timeout` s (10) of connecting: with a token, a
                   hello with it; without one, its first valid message of any kind (hello, or anything
                   that is acknowledged: a client that only listens sends hello). Else it gets an error
                   and close 1008. At most `max_waiting` connections (8) may be waiting to say hello;
                   beyond it: close 1013, so idle sockets cannot take every client slot
    unread replies `reply_backlog` per client; a client that stops reading is closed with 1013
    auth           a token is required to listen beyond loopback; with a token the first message
                   must be hello with it, else error and close 1008 (policy violation)
    web pages      a handshake with an Origin header (a browser's: any web page can open a WebSocket
                   to 127.0.0.1) is refused with HTTP 403 unless that origin is in `allowed_origins`
                   (`--allow-origin`); programs send no Origin and are not affected
    host names     the Host header must name this server (HTTP 403 otherwise), against DNS rebinding
                   (a web site's own name pointed at 127.0.0.1): on loopback only localhost, 127.x.x.x
                   and [::1]; elsewhere also the address listened on (on every interface: any IP
                   address and this machine's host name), each with any port
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, NamedTuple, Protocol

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.http11 import Request, Response

from hud import events as ev
from hud.netguard import host_name as _host_name
from hud.netguard import is_ip as _is_ip
from hud.netguard import is_loopback
from hud.netguard import url as _url
from hud.push.messages import Accepted, Hello, Id, Rejected, parse, warm_up
from hud.push.protocol import DEFAULT_HOST, DEFAULT_PORT, MAX_BYTES

DEFAULT_INBOX = 4096
DEFAULT_MAX_CLIENTS = 32
#: Connections that have not said hello yet, at most (a share of `max_clients`, never all of it).
DEFAULT_MAX_WAITING = 8
DEFAULT_HELLO_TIMEOUT = 10.0
DEFAULT_REPLY_BACKLOG = 8192
#: The largest frame the server reads: four times the message limit, so a message somewhat too big
#: (a bitmap a little over) is answered with its size and the limit before the close. Larger frames
#: are closed unread.
TRANSPORT_MAX_BYTES = 4 * MAX_BYTES
#: Frames read ahead per connection (websockets' default). With `TRANSPORT_MAX_BYTES` that bounds
#: read-ahead at 4 MB a client, 128 MB for 32, what 64 frames of 64 kB were before; the flood bench
#: measured no difference between 16 and 64.
READ_AHEAD_FRAMES = 16
#: Replies written to a client's socket in one write, at most (see `PushServer._write`).
WRITE_BATCH = 512
#: The server's share of a frame under a flood. 96 messages a frame is 5,760 a second at 60 fps, and
#: at about 60 us each (receive, validate, acknowledge) 6 ms, which with the 1280x720 frame loop's
#: own 8 ms keeps a frame inside 16.7 ms. Measured with `bench --push` (1280x720, 2 cores, 2 runs
#: each): 128 accepted 6,227/s but the clock ran at 0.82 of real time and push-to-pixel p99 was
#: 371 ms; 96 accepts 5,236-5,300/s, clock 0.91-0.92, p99 326-338 ms; 80 keeps the clock at
#: 0.97-0.98 and p99 at 305-321 ms but accepts only 4,644-4,708/s. None: no fairness wait.
DEFAULT_INTAKE_PER_FRAME = 96
#: How long the frame loop lets the server take its share under a flood, at most (see `drain`):
#: 96 messages at about 60 us each.
DEFAULT_TURN_BUDGET = 0.006
_LOG = logging.getLogger("hud.push")


class _Connection(ServerConnection):
    """A connection whose queued frames go to the socket in one write instead of one write each.

    `ServerConnection.send_data` writes every frame separately, and asyncio sends each at once: a
    system call per reply. Joining the frames (in order; an empty chunk still means half-close)
    changes nothing else on the wire.
    """

    def send_data(self) -> None:
        chunks = self.protocol.data_to_send()
        if len(chunks) > 1 and all(chunks):
            self.protocol.writes = [b"".join(chunks)]  # read back by send_data below, in one write
        else:
            self.protocol.writes = chunks
        super().send_data()


class PushServerError(RuntimeError):
    """The server cannot start (unsafe binding, port in use)."""


@dataclass(frozen=True)
class Client:
    """An opaque handle for one connection, to reply to it; `remote` is its address, for logs."""

    number: int
    remote: str


class Incoming(NamedTuple):
    """A validated message waiting for the frame loop; `received` is a perf_counter time, for metrics."""

    client: Client
    id: Id
    events: tuple[ev.Event, ...]
    received: float


@dataclass(frozen=True)
class _Close:
    """Queued after a client's last reply: the writer closes the connection once that reply is sent."""

    code: int
    reason: str


@dataclass
class _Peer:
    conn: ServerConnection
    queue: asyncio.Queue[str | _Close] = field(default_factory=asyncio.Queue)
    writer: asyncio.Task[None] | None = None
    closing: bool = False
    greeted: bool = False  # has said hello (with a token: authenticated), see `hello_timeout`
    quiet_timer: asyncio.TimerHandle | None = None


def wire(message: dict[str, Any] | str) -> str:
    """A message as it goes out: JSON text that can always be encoded as UTF-8.

    Why: a string holding a lone surrogate (from JSON's "\\ud800") cannot be sent; one such message
    must never stop a client's replies or every new client's first message. The edge refuses such
    text, so this is the last line: JSON escapes the surrogate instead (valid JSON, pure ASCII).
    """
    text = message if isinstance(message, str) else json.dumps(message, ensure_ascii=False)
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return json.dumps(json.loads(text) if isinstance(message, str) else message)
        except ValueError:  # not JSON: replace what cannot be sent
            return text.encode("utf-8", "replace").decode("utf-8")
    return text


def _wire_or_log(message: dict[str, Any] | str) -> str | None:
    """`wire(message)`; None (logged) for a dict that is not JSON: a caller's bug must not end the frame loop."""
    try:
        return wire(message)
    except (TypeError, ValueError):
        _LOG.exception("push: a message for clients is not JSON and was not sent: %.200r", message)
        return None


def _error(msg_id: Id, reason: str) -> str:
    return wire({"type": "error", "id": msg_id, "reason": reason})


def _oversize(raw: str | bytes) -> int | None:
    """The frame's size in bytes when it is over the message limit, else None (cheap for small frames)."""
    if isinstance(raw, str):
        if len(raw) * 4 <= MAX_BYTES:
            return None
        size = len(raw.encode("utf-8", "surrogatepass"))
    else:
        size = len(raw)
    return size if size > MAX_BYTES else None


class PushEndpoint(Protocol):
    """What a frame loop needs of a push server: `PushServer` (a thread in this process) or
    `hud.push.process.PushServerProcess` (a process of its own, what the app runs)."""

    @property
    def url(self) -> str: ...

    @property
    def clients(self) -> int: ...

    @property
    def waiting(self) -> int: ...

    def drain(self) -> list[Incoming]: ...

    def reply(self, client: Client, message: dict[str, Any] | str) -> None: ...

    def broadcast(self, message: dict[str, Any] | str) -> None: ...

    def retain(self, message: dict[str, Any] | str | None) -> None: ...

    def flush(self) -> None: ...

    def rendered(self) -> None: ...

    def stop(self, timeout: float = 5.0) -> None: ...


class PushServer:
    """`PushServer(...).start()`; then, once per frame, `drain()`, and `reply()`/`broadcast()` from anywhere."""

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None, *,
                 inbox_size: int = DEFAULT_INBOX, max_clients: int = DEFAULT_MAX_CLIENTS,
                 max_waiting: int = DEFAULT_MAX_WAITING, reply_backlog: int = DEFAULT_REPLY_BACKLOG,
                 hello_timeout: float = DEFAULT_HELLO_TIMEOUT, allowed_origins: Iterable[str] = (),
                 intake_per_frame: int | None = DEFAULT_INTAKE_PER_FRAME, frame_wait: float = 0.1,
                 turn_budget: float = DEFAULT_TURN_BUDGET,
                 close_timeout: float = 2.0) -> None:
        if token is not None and not token:
            raise PushServerError("the push token must not be empty")
        if token is None and not is_loopback(host):
            raise PushServerError(
                f"refusing to listen on {host or 'every interface'!r} without a token: anyone who can reach it "
                f"could drive the display and read what it shows. Set a token (clients then send "
                f'{{"type": "hello", "token": ...}} first) or listen on 127.0.0.1')
        self.host, self.token = host, token
        self.allowed_origins = frozenset(allowed_origins)
        self.inbox_size, self.max_clients, self.max_waiting = inbox_size, max_clients, max_waiting
        self.reply_backlog, self.hello_timeout = reply_backlog, hello_timeout
        self.intake_per_frame, self.frame_wait = intake_per_frame, frame_wait
        self.close_timeout = close_timeout  # how long a closing handshake may take (a stalled client's)
        #: Called on the server thread after a message is put in the inbox (None: nothing is).
        self.on_inbox: Callable[[], None] | None = None
        self._since_drain = 0  # messages taken since the frame loop last drained (server thread)
        self._drained: asyncio.Event | None = None
        self._stalled = False  # the frame loop missed `frame_wait`: stop waiting for it until it drains
        self.turn_budget = turn_budget
        self._saturated = False  # the server's last turn took its whole share (see `drain`)
        self._turn_done = threading.Event()  # set by the server thread when its turn's share is taken
        self._port = port
        self._lock = threading.Lock()
        self._inbox: list[Incoming] = []
        self._outbox: deque[tuple[Client | None, str]] = deque()
        self._wake_pending = False
        self._retained: str | None = None
        self._peers: dict[Client, _Peer] = {}  # the server thread's only
        self._connections = 0  # accepted connections, greeted or not (the server thread's)
        self._waiting_hello = 0  # of which not greeted yet
        self._numbers = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        # Counters for a debug overlay and the bench (read from any thread; written by the server thread).
        self.received = 0  # valid messages put in the inbox
        self.refused = 0  # messages answered with an error by the server (invalid, busy, auth)
        self.busy = 0  # of which refused because the inbox was full
        self.slow_closed = 0  # clients closed because they stopped reading their replies
        self.quiet_closed = 0  # clients closed because they did not say hello in time
        self.forbidden = 0  # handshakes refused with 403 (foreign Origin or Host)

    # -- life ----------------------------------------------------------------------------------
    def start(self, timeout: float = 5.0) -> PushServer:
        """Listen (in a daemon thread); returns once listening, or raises PushServerError.

        Before it listens, the server thread parses one message of every kind (`messages.warm_up`,
        about 70 ms once per process), so no client's first message pays for it.
        """
        if self._thread is not None:
            raise PushServerError("the push server is already started")
        self._thread = threading.Thread(target=self._run, name="hud-push-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise PushServerError(f"the push server did not start within {timeout:g} s")
        if self._failure is not None:
            raise PushServerError(f"cannot listen on {self.host}:{self._port}: {self._failure}") from self._failure
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Close every connection (1001 going away) and the listening socket."""
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop ended in between
                loop.call_soon_threadsafe(stopping.set)
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> PushServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose when 0 was asked for)."""
        return self._port

    @property
    def url(self) -> str:
        return _url("ws", self.host, self._port)

    @property
    def clients(self) -> int:
        """Open connections, also those that have not said hello yet."""
        return self._connections

    @property
    def waiting_hello(self) -> int:
        """Connections that have not said hello yet (at most `max_waiting`)."""
        return self._waiting_hello

    @property
    def waiting(self) -> int:
        """Messages in the inbox, not yet drained (at most `inbox_size`)."""
        return len(self._inbox)

    # -- the frame loop's side -----------------------------------------------------------------
    def drain(self) -> list[Incoming]:
        """Every validated message received since the last call, in arrival order.

        Under a flood (the server's last turn took its whole share, `intake_per_frame`), the frame
        loop first gives the server its turn and waits for it, at most `turn_budget` s: the server
        reads its share with the interpreter lock to itself, then waits for the next frame, so
        the frame loop renders without it. Why: two threads that both want the lock trade it every
        5 ms (the interpreter's switch interval), and every time the renderer lets it go (numpy
        and SDL calls do) it could wait that long to get it back; measured, a flood slowed the
        frame loop to half of real time with far less work than a frame's time. Taken in turns,
        the same work fits. Not flooded, nothing waits: a message is read as soon as it comes.
        """
        loop = self._loop
        if loop is not None and self.intake_per_frame is not None:
            waiting = self._saturated and not self._stalled
            if waiting:
                self._turn_done.clear()
            with contextlib.suppress(RuntimeError):  # stopped in between
                loop.call_soon_threadsafe(self._on_drained)
                if waiting:
                    self._turn_done.wait(self.turn_budget)
        return self.take()

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The server thread's event loop while it runs (for code that must run on that thread)."""
        return self._loop

    def next_share(self) -> None:
        """On the server thread: a new frame's share of messages may be read (what `drain` asks
        for from the frame loop's thread; the push server's own process calls it directly)."""
        self._on_drained()

    def take(self) -> list[Incoming]:
        """The inbox's messages, without starting a new frame's share (`drain` does both; the push
        server's own process ships what arrives as it arrives, `hud.push.process`)."""
        with self._lock:
            items, self._inbox = self._inbox, []
        return items

    def reply(self, client: Client, message: dict[str, Any] | str) -> None:
        """Send to one client (silently nothing if it has gone: there is no one left to tell)."""
        self._post(client, message)

    def broadcast(self, message: dict[str, Any] | str) -> None:
        """Send to every authenticated client."""
        self._post(None, message)

    def retain(self, message: dict[str, Any] | str | None) -> None:
        """The message each client receives when it joins (the latest `display`), so none starts blind."""
        self._retained = None if message is None else _wire_or_log(message)

    def flush(self) -> None:
        """Nothing to do: replies go to the server thread as they are made (see `PushServerProcess.flush`)."""

    def rendered(self) -> None:
        """Nothing to do: the server thread takes its share at the drain (see `PushServerProcess.rendered`)."""

    def _post(self, client: Client | None, message: dict[str, Any] | str) -> None:
        text = _wire_or_log(message)
        if text is None:
            return
        loop = self._loop
        if loop is None or loop.is_closed():
            raise PushServerError("the push server is not running")
        self._outbox.append((client, text))
        with self._lock:
            if self._wake_pending:
                return
            self._wake_pending = True
        with contextlib.suppress(RuntimeError):  # stopped in between: the connections are closed
            loop.call_soon_threadsafe(self._flush)

    # -- the server thread ---------------------------------------------------------------------
    def _run(self) -> None:
        try:
            warm_up()  # here, in the server's thread: the first message then costs what the hundredth does
            asyncio.run(self._main())
        except BaseException as exc:  # reported by start(); after start, a crash ends the thread
            self._failure = exc
        finally:
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self._drained = asyncio.Event()
        # compression=None: loopback traffic gains nothing from deflate, and it costs CPU per message.
        async with serve(self._serve, self.host, self._port, max_size=TRANSPORT_MAX_BYTES, compression=None,
                         max_queue=READ_AHEAD_FRAMES, close_timeout=self.close_timeout, create_connection=_Connection,
                         process_request=self._check_handshake) as server:
            self._port = next(iter(server.sockets)).getsockname()[1]
            self._ready.set()
            await self._stopping.wait()

    def _on_drained(self) -> None:
        self._since_drain, self._stalled, self._saturated = 0, False, False
        if self._drained is not None:
            self._drained.set()  # wakes the waiting connections; later waits use a fresh event
            self._drained = asyncio.Event()

    async def _fair_turn(self) -> None:
        """Wait for the frame loop's next drain once this frame's share is taken (see `intake_per_frame`)."""
        if self.intake_per_frame is None or self._stalled or self._since_drain < self.intake_per_frame:
            return
        drained = self._drained
        if drained is None:
            return
        try:
            await asyncio.wait_for(drained.wait(), self.frame_wait)
        except TimeoutError:
            self._stalled = True

    def _flush(self) -> None:
        with self._lock:
            self._wake_pending = False
        while self._outbox:
            client, text = self._outbox.popleft()
            if client is None:
                for peer in list(self._peers.values()):
                    self._send(peer, text)
            elif (target := self._peers.get(client)) is not None:
                self._send(target, text)

    def _send(self, peer: _Peer, text: str) -> None:
        if peer.closing:
            return
        if peer.queue.qsize() >= self.reply_backlog:
            peer.closing = True
            self.slow_closed += 1
            reason = f"not reading: {peer.queue.qsize()} replies unread"
            asyncio.get_running_loop().create_task(peer.conn.close(CloseCode.TRY_AGAIN_LATER, reason))
            return
        peer.queue.put_nowait(text)

    def _send_then_close(self, peer: _Peer, text: str, code: int, reason: str) -> None:
        """A last reply, then the close (in that order: the writer sends what was queued before)."""
        if peer.closing:
            return
        peer.queue.put_nowait(text)
        peer.queue.put_nowait(_Close(code, reason))
        peer.closing = True

    async def _write(self, peer: _Peer) -> None:
        """Send the client's replies in order; everything queued at once goes out in one socket write.

        Why batches: a reply per `send` was a system call per message (about 70 us of the server's
        time under a flood, half of it waiting to get the interpreter lock back), and every call
        lets the frame loop and the server trade the lock. Each reply is still its own WebSocket
        message; only the TCP write is shared (see `_Connection.send_data`).
        """
        conn = peer.conn
        try:
            while True:
                batch = [await peer.queue.get()]
                while not peer.queue.empty() and len(batch) < WRITE_BATCH:
                    batch.append(peer.queue.get_nowait())
                texts = [item for item in batch if isinstance(item, str)]
                if texts:
                    await self._send_batch(conn, texts)
                if isinstance(batch[-1], _Close):  # always last: nothing is queued after a close
                    await conn.close(batch[-1].code, batch[-1].reason)
                    return
        except ConnectionClosed:
            pass

    async def _send_batch(self, conn: ServerConnection, texts: list[str]) -> None:
        """`conn.send` for each text, in one write (as `send` itself does it: wait for a fragmented
        send, then frames inside `send_context`, which writes and applies flow control on exit)."""
        while conn.send_in_progress is not None:
            await asyncio.shield(conn.send_in_progress)
        encoded: list[bytes] = []
        for text in texts:
            try:
                encoded.append(text.encode())
            except Exception:  # one message that cannot be sent must not end this client's replies
                _LOG.exception("push: a message to a client could not be sent: %.200r", text)
        async with conn.send_context():
            for data in encoded:
                conn.protocol.send_text(data)

    # -- the handshake: who may connect --------------------------------------------------------
    def _check_handshake(self, conn: ServerConnection, request: Request) -> Response | None:
        """Refuse (HTTP 403, one line saying why) a web page's handshake or one for another host name."""
        reason = self._handshake_problem(request.headers.get_all("Host"), request.headers.get_all("Origin"))
        if reason is None:
            return None
        self.forbidden += 1
        return conn.respond(HTTPStatus.FORBIDDEN, reason + "\n")

    def _handshake_problem(self, hosts: list[str], origins: list[str]) -> str | None:
        if len(hosts) != 1:
            return "a WebSocket handshake needs exactly one Host header"
        host = _host_name(hosts[0])
        if host is None or not self._host_ok(host):
            return (f"Host {hosts[0][:100]!r} is not this push server's name (on loopback: localhost, 127.0.0.1 "
                    f"or [::1]); refused against DNS rebinding")
        if len(origins) > 1:
            return "a WebSocket handshake may carry one Origin header at most"
        if origins and origins[0] not in self.allowed_origins:
            return (f"Origin {origins[0][:100]!r} is not allowed: web pages may not drive the glasses unless "
                    f"hud is started with --allow-origin for them")
        return None

    def _host_ok(self, host: str) -> bool:
        """Whether a Host header's host names this server (see the module's docstring)."""
        if host == "localhost" or (_is_ip(host) and ipaddress.ip_address(host).is_loopback):
            return True
        if is_loopback(self.host):
            return False
        listening = self.host.strip("[]").lower()
        if host == listening:
            return True
        if listening in ("", "0.0.0.0", "::"):  # every interface: any address of this machine, by number or name
            return _is_ip(host) or host in {socket.gethostname().lower(), socket.getfqdn().lower()}
        return False

    # -- one connection ------------------------------------------------------------------------
    async def _serve(self, conn: ServerConnection) -> None:
        if self._waiting_hello >= self.max_waiting:
            await conn.close(CloseCode.TRY_AGAIN_LATER,
                             f"too many connections waiting to say hello (at most {self.max_waiting})")
            return
        if self._connections >= self.max_clients:
            await conn.close(CloseCode.TRY_AGAIN_LATER, f"too many clients (at most {self.max_clients})")
            return
        self._numbers += 1
        address = conn.remote_address
        client = Client(self._numbers, f"{address[0]}:{address[1]}" if address else "?")
        peer = _Peer(conn)
        self._connections += 1
        self._waiting_hello += 1
        try:
            if self.token is not None:
                if not await self._authenticate(conn):
                    return
                self._greet(peer)
            else:
                peer.quiet_timer = asyncio.get_running_loop().call_later(self.hello_timeout, self._too_quiet, peer)
            self._peers[client] = peer
            peer.writer = asyncio.get_running_loop().create_task(self._write(peer))
            if self._retained is not None:
                self._send(peer, self._retained)
            async for raw in conn:
                await self._fair_turn()
                if peer.closing:  # closed while it waited (hello timeout, not reading): nothing more is taken
                    break
                self._since_drain += 1
                self._receive(client, peer, raw)
                if self._since_drain == self.intake_per_frame:  # this turn's share is taken: the frame loop's
                    self._saturated = True
                    self._turn_done.set()
                if peer.closing:
                    break
        except ConnectionClosed:
            pass  # gone, also mid-message: its half frame is discarded with it
        finally:
            self._peers.pop(client, None)
            self._connections -= 1
            if not peer.greeted:
                self._waiting_hello -= 1
            if peer.quiet_timer is not None:
                peer.quiet_timer.cancel()
            await self._finish_writing(peer)

    async def _finish_writing(self, peer: _Peer) -> None:
        """Let the writer send a last reply and its close; a client that does not read is cut off."""
        writer = peer.writer
        if writer is None or writer.done():
            return
        if peer.closing:
            await asyncio.wait({writer}, timeout=self.close_timeout + 1.0)
        writer.cancel()

    def _greet(self, peer: _Peer) -> None:
        """The client has said hello: it no longer counts against `max_waiting` nor `hello_timeout`."""
        if not peer.greeted:
            peer.greeted = True
            self._waiting_hello -= 1
            if peer.quiet_timer is not None:
                peer.quiet_timer.cancel()

    def _too_quiet(self, peer: _Peer) -> None:
        if peer.greeted or peer.closing:
            return
        self.quiet_closed += 1
        reason = (f"no hello within {self.hello_timeout:g} s: a client sends hello (or any valid message) "
                  f"first, also one that only listens")
        self._send_then_close(peer, _error(None, reason), CloseCode.POLICY_VIOLATION,
                              f"no hello within {self.hello_timeout:g} s")

    async def _authenticate(self, conn: ServerConnection) -> bool:
        try:
            raw = await asyncio.wait_for(conn.recv(), self.hello_timeout)
        except TimeoutError:
            self.quiet_closed += 1
            await self._refuse(conn, None, f"authentication required: no hello within {self.hello_timeout:g} s")
            return False
        if (size := _oversize(raw)) is not None:
            await self._refuse(conn, None, _size_reason(size), CloseCode.MESSAGE_TOO_BIG, _size_reason(size))
            return False
        parsed = self._parse(raw)
        if isinstance(parsed, Hello) and self._token_ok(parsed.token):
            await conn.send(_ack(parsed.id))
            return True
        if isinstance(parsed, Hello):
            reason = "wrong token" if parsed.token is not None else "hello needs the glasses' token"
        elif isinstance(parsed, Rejected):
            reason = f"authentication required: send hello with the token first; this was refused: {parsed.reason}"
        else:
            reason = f"authentication required: send hello with the token before '{parsed.kind}'"
        await self._refuse(conn, parsed.id, reason)
        return False

    def _token_ok(self, token: str | None) -> bool:
        if self.token is None:
            return True
        return token is not None and hmac.compare_digest(token.encode(), self.token.encode())

    async def _refuse(self, conn: ServerConnection, msg_id: Id, reason: str,
                      code: int = CloseCode.POLICY_VIOLATION, close_reason: str = "authentication failed") -> None:
        self.refused += 1
        try:
            await conn.send(_error(msg_id, reason))
        finally:
            await conn.close(code, close_reason)

    def _parse(self, raw: str | bytes) -> Accepted | Hello | Rejected:
        """`parse`, which raises nothing by design; if it ever did, the message still gets its one reply."""
        try:
            return parse(raw)
        except Exception as exc:
            _LOG.exception("push: checking a message failed")
            return Rejected(None, f"internal error while checking this message ({type(exc).__name__}); "
                                  f"it was not applied")

    def _receive(self, client: Client, peer: _Peer, raw: str | bytes) -> None:
        """Exactly one reply for every message: queued for the frame loop (which acks it), or an error now."""
        if (size := _oversize(raw)) is not None:
            self.refused += 1
            self._send_then_close(peer, _error(None, _size_reason(size)), CloseCode.MESSAGE_TOO_BIG,
                                  _size_reason(size))
            return
        parsed = self._parse(raw)
        if isinstance(parsed, Accepted):
            self._greet(peer)  # valid, even when busy below: the client is there
            with self._lock:
                full = len(self._inbox) >= self.inbox_size
                if not full:
                    self._inbox.append(Incoming(client, parsed.id, parsed.events, time.perf_counter()))
            if not full:
                self.received += 1
                if self.on_inbox is not None:
                    self.on_inbox()
                return
            self.busy += 1
            reason = (f"busy: {self.inbox_size} messages are waiting for the display loop, which takes them once "
                      f"per frame; retry shortly")
            parsed = Rejected(parsed.id, reason)
        elif isinstance(parsed, Hello):
            if self._token_ok(parsed.token):
                self._greet(peer)
                self._send(peer, _ack(parsed.id))
                return
            parsed = Rejected(parsed.id, "wrong token")
        self.refused += 1
        self._send(peer, _error(parsed.id, parsed.reason))


def _ack(msg_id: Id) -> str:
    """The reply to hello, answered by the server itself (nothing is applied: `applied_at` is null)."""
    return wire({"type": "ack", "id": msg_id, "coalesced": 0, "applied_at": None})


def _size_reason(size: int) -> str:
    return f"message is {size} bytes; the limit is {MAX_BYTES}"
