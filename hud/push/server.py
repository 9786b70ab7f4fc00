"""The WebSocket server other programs push to, beside the window's (or a headless) frame loop.

Why a thread with its own asyncio loop: the frame loop is synchronous pygame code that must not
wait on the network, and the network must not wait on a frame. The two meet in two places only:
an inbox of validated messages the frame loop drains once per frame (`drain`), and an outbox of
replies and broadcasts the server thread sends (`reply`, `broadcast`, callable from any thread).

Limits, each with a clear answer rather than a silent drop:
    message size   64 kB, the library's `max_size`: a larger frame closes the connection with 1009
                   (message too big) and the server carries on
    inbox          `inbox_size` validated messages waiting for a frame; beyond it: error "busy: ..."
    fairness       after `intake_per_frame` messages the server waits for the frame loop's next drain
                   before reading more (TCP slows the sender; nothing is dropped), so a flood cannot
                   starve the frame loop of the interpreter lock; if no drain comes within
                   `frame_wait` s the loop is stalled and the server reads on, up to the inbox's limit
    clients        `max_clients` connections; beyond it: close 1013 (try again later)
    unread replies `reply_backlog` per client; a client that stops reading is closed with 1013
    auth           a token is required to listen beyond loopback; with a token the first message
                   must be hello with it, else error and close 1008 (policy violation)
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode

from hud import events as ev
from hud.push.messages import Accepted, Hello, Id, Rejected, parse
from hud.push.protocol import MAX_BYTES

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
DEFAULT_INBOX = 4096
DEFAULT_MAX_CLIENTS = 32
DEFAULT_REPLY_BACKLOG = 8192
#: 128 messages a frame is 7,680 a second at 60 fps, and at about 80 us each (receive, validate,
#: acknowledge) leaves most of a 16.7 ms frame to the frame loop. None: no fairness wait.
DEFAULT_INTAKE_PER_FRAME = 128


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


@dataclass
class _Peer:
    conn: ServerConnection
    queue: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    writer: asyncio.Task[None] | None = None
    closing: bool = False


def is_loopback(host: str | None) -> bool:
    """Only this machine can connect (127.0.0.0/8, ::1, localhost); '' and None mean every interface."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name may resolve anywhere


def _error(msg_id: Id, reason: str) -> str:
    return json.dumps({"type": "error", "id": msg_id, "reason": reason}, ensure_ascii=False)


class PushServer:
    """`PushServer(...).start()`; then, once per frame, `drain()`, and `reply()`/`broadcast()` from anywhere."""

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None, *,
                 inbox_size: int = DEFAULT_INBOX, max_clients: int = DEFAULT_MAX_CLIENTS,
                 reply_backlog: int = DEFAULT_REPLY_BACKLOG, hello_timeout: float = 10.0,
                 intake_per_frame: int | None = DEFAULT_INTAKE_PER_FRAME, frame_wait: float = 0.1,
                 close_timeout: float = 2.0) -> None:
        if token is not None and not token:
            raise PushServerError("the push token must not be empty")
        if token is None and not is_loopback(host):
            raise PushServerError(
                f"refusing to listen on {host or 'every interface'!r} without a token: anyone who can reach it "
                f"could drive the display and read what it shows. Set a token (clients then send "
                f'{{"type": "hello", "token": ...}} first) or listen on 127.0.0.1')
        self.host, self.token = host, token
        self.inbox_size, self.max_clients = inbox_size, max_clients
        self.reply_backlog, self.hello_timeout = reply_backlog, hello_timeout
        self.intake_per_frame, self.frame_wait = intake_per_frame, frame_wait
        self.close_timeout = close_timeout  # how long a closing handshake may take (a stalled client's)
        self._since_drain = 0  # messages taken since the frame loop last drained (server thread)
        self._drained: asyncio.Event | None = None
        self._stalled = False  # the frame loop missed `frame_wait`: stop waiting for it until it drains
        self._port = port
        self._lock = threading.Lock()
        self._inbox: list[Incoming] = []
        self._outbox: deque[tuple[Client | None, str]] = deque()
        self._wake_pending = False
        self._retained: str | None = None
        self._peers: dict[Client, _Peer] = {}  # the server thread's only
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

    # -- life ----------------------------------------------------------------------------------
    def start(self, timeout: float = 5.0) -> PushServer:
        """Listen (in a daemon thread); returns once listening, or raises PushServerError."""
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
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ws://{host}:{self._port}"

    @property
    def clients(self) -> int:
        return len(self._peers)

    @property
    def waiting(self) -> int:
        """Messages in the inbox, not yet drained (at most `inbox_size`)."""
        return len(self._inbox)

    # -- the frame loop's side -----------------------------------------------------------------
    def drain(self) -> list[Incoming]:
        """Every validated message received since the last call, in arrival order."""
        with self._lock:
            items, self._inbox = self._inbox, []
        loop = self._loop
        if loop is not None and self.intake_per_frame is not None:
            with contextlib.suppress(RuntimeError):  # stopped in between
                loop.call_soon_threadsafe(self._on_drained)
        return items

    def reply(self, client: Client, message: dict[str, Any] | str) -> None:
        """Send to one client (silently nothing if it has gone: there is no one left to tell)."""
        self._post(client, message)

    def broadcast(self, message: dict[str, Any] | str) -> None:
        """Send to every authenticated client."""
        self._post(None, message)

    def retain(self, message: dict[str, Any] | str | None) -> None:
        """The message each client receives when it joins (the latest `display`), so none starts blind."""
        self._retained = message if message is None or isinstance(message, str) else json.dumps(
            message, ensure_ascii=False)

    def _post(self, client: Client | None, message: dict[str, Any] | str) -> None:
        text = message if isinstance(message, str) else json.dumps(message, ensure_ascii=False)
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
        async with serve(self._serve, self.host, self._port, max_size=MAX_BYTES, compression=None,
                         max_queue=64, close_timeout=self.close_timeout) as server:
            self._port = next(iter(server.sockets)).getsockname()[1]
            self._ready.set()
            await self._stopping.wait()

    def _on_drained(self) -> None:
        self._since_drain, self._stalled = 0, False
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
            elif (peer := self._peers.get(client)) is not None:
                self._send(peer, text)

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

    async def _write(self, peer: _Peer) -> None:
        try:
            while True:
                await peer.conn.send(await peer.queue.get())
        except ConnectionClosed:
            pass

    async def _serve(self, conn: ServerConnection) -> None:
        if len(self._peers) >= self.max_clients:
            await conn.close(CloseCode.TRY_AGAIN_LATER, f"too many clients (at most {self.max_clients})")
            return
        self._numbers += 1
        address = conn.remote_address
        client = Client(self._numbers, f"{address[0]}:{address[1]}" if address else "?")
        peer = _Peer(conn)
        try:
            if self.token is not None and not await self._authenticate(conn):
                return
            self._peers[client] = peer
            peer.writer = asyncio.get_running_loop().create_task(self._write(peer))
            if self._retained is not None:
                self._send(peer, self._retained)
            async for raw in conn:
                await self._fair_turn()
                self._since_drain += 1
                self._receive(client, peer, raw)
        except ConnectionClosed:
            pass  # gone, also mid-message: its half frame is discarded with it
        finally:
            self._peers.pop(client, None)
            if peer.writer is not None:
                peer.writer.cancel()

    async def _authenticate(self, conn: ServerConnection) -> bool:
        try:
            raw = await asyncio.wait_for(conn.recv(), self.hello_timeout)
        except TimeoutError:
            await self._refuse(conn, None, f"authentication required: no hello within {self.hello_timeout:g} s")
            return False
        parsed = parse(raw)
        if isinstance(parsed, Hello) and self._token_ok(parsed.token):
            await conn.send(json.dumps({"type": "ack", "id": parsed.id, "coalesced": 0, "applied_at": None}))
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

    async def _refuse(self, conn: ServerConnection, msg_id: Id, reason: str) -> None:
        self.refused += 1
        try:
            await conn.send(_error(msg_id, reason))
        finally:
            await conn.close(CloseCode.POLICY_VIOLATION, "authentication failed")

    def _receive(self, client: Client, peer: _Peer, raw: str | bytes) -> None:
        parsed = parse(raw)
        if isinstance(parsed, Accepted):
            with self._lock:
                full = len(self._inbox) >= self.inbox_size
                if not full:
                    self._inbox.append(Incoming(client, parsed.id, parsed.events, time.perf_counter()))
            if not full:
                self.received += 1
                return
            self.busy += 1
            reason = (f"busy: {self.inbox_size} messages are waiting for the display loop, which takes them once "
                      f"per frame; retry shortly")
            parsed = Rejected(parsed.id, reason)
        elif isinstance(parsed, Hello):
            if self._token_ok(parsed.token):
                self._send(peer, json.dumps({"type": "ack", "id": parsed.id, "coalesced": 0, "applied_at": None}))
                return
            parsed = Rejected(parsed.id, "wrong token")
        self.refused += 1
        self._send(peer, _error(parsed.id, parsed.reason))
