"""hud as the MentraOS cloud for one wearer: real MentraOS apps, unmodified, drive hud's display.

What the cloud does, as MentraOS's does it (learned from `@mentra/sdk` 2.1.29):
    1. POST `session_request` to each app's `/webhook` with the URL of this server's app WebSocket
       (`ws://HOST:PORT/app-ws`); the SDK connects, then answers 200 once its `onSession` has run.
    2. The app sends `tpa_connection_init` (sessionId, packageName, apiKey); the cloud answers
       `tpa_connection_ack` with the glasses' capabilities (from the current device profile; a device
       change sends `capabilities_update`), or `tpa_connection_error` and close 1008.
    3. The app sends `subscription_update` (each replaces the last) and `display_event` /
       `dashboard_content_update`; displays go through `hud.mentra.layouts` into hud events, then
       through the device's display throttle (MentraOS's 200-300 ms) into the session, so they are
       recorded and replayed like any other event.
    4. The wearer's inputs go back as `data_stream` to the apps that subscribed (`hud.mentra.inputs`).
    5. Quitting POSTs `stop_request` to each app and closes with "User session ended".

Why one asyncio thread beside the frame loop (as the push API's): the frame loop must never wait
on an app, and apps must never wait on a frame. They meet in an inbox of checked events, drained
once per frame (`frame`), and an outbox of messages for apps, sent by the server thread.

A developer's loop, not a one-shot: an app that is not running yet, or that was restarted, gets
the webhook again (every `retry` seconds, never a hang), so `node app.mjs` can be started before or
after hud, and restarted at will. Everything an app does wrong is answered with a located
`tpa_connection_error` (the SDK logs it and emits its `error` event), logged on `hud.mentra`, and
shown in the window's status line; the display keeps its last good state.

Security, as the push API's: loopback only unless told otherwise (the apps' URLs come from the
command line), the app WebSocket refuses handshakes with a foreign Origin (web pages) or Host (DNS
rebinding), messages are capped in size (`wire.TRANSPORT_MAX_BYTES`), a connection must say
`tpa_connection_init` within `hello_timeout` seconds, and only sessions this cloud opened can join.
The SDK enforces no signature on the webhook and hud checks no API key: there is no key to check.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.http11 import Request, Response

from hud import events as ev
from hud import netguard
from hud.device import Device
from hud.mentra import inputs, wire
from hud.mentra.layouts import MentraFormatError, events_for
from hud.netguard import is_loopback, names_this_machine
from hud.push.server import PushServerError
from hud.push.server import wire as json_text
from hud.push.throttle import Busy, Throttle
from hud.session import Session

_LOG = logging.getLogger("hud.mentra")
DEFAULT_PORT = 8002  # MentraOS's local cloud listens on 8002 (the SDK's default `ws://localhost:8002/app-ws`)
WS_PATH = "/app-ws"
DEFAULT_USER = "wearer@hud.local"
MAX_INBOX = 1024
MAX_OUTBOX = 4096
MAX_APPS = 16


class MentraError(PushServerError):
    """The cloud cannot start (a bad app URL, a port in use, an unsafe binding)."""


@dataclass
class AppLink:
    """One app this cloud started a session with. Written by the server thread; read anywhere."""

    url: str  # the webhook's URL
    number: int
    session_id: str
    package: str = ""  # from its tpa_connection_init
    state: str = "starting"  # starting, waiting (not reachable yet), connected, disconnected, failed, stopped
    subscriptions: tuple[str, ...] = ()
    error: str = ""
    displays: int = 0  # display messages taken
    refused: int = 0  # messages answered with an error
    conn: ServerConnection | None = field(default=None, repr=False)
    outbox: asyncio.Queue[str | None] | None = field(default=None, repr=False)
    lost: asyncio.Event | None = field(default=None, repr=False)
    _noted: set[str] = field(default_factory=set, repr=False)

    @property
    def name(self) -> str:
        return self.package or self.url


@dataclass(frozen=True)
class _Display:
    link: int
    events: tuple[ev.Event, ...]
    received: float  # perf_counter, for latency figures


def webhook_url(app: str) -> str:
    """The webhook of an app given as its server's URL (`http://127.0.0.1:7010` -> `.../webhook`)."""
    parts = urlsplit(app)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MentraError(f"--mentra-app {app!r}: give the app server's URL, e.g. http://127.0.0.1:7010")
    path = parts.path if parts.path not in ("", "/") else "/webhook"
    return parts._replace(path=path, query="", fragment="").geturl()


class MentraCloud:
    """`MentraCloud(apps).start()`; then `frame(session)` once per frame; `stop()` at the end."""

    def __init__(self, apps: Sequence[str], *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 user_id: str = DEFAULT_USER, device: Device | None = None, retry: float = 1.0,
                 webhook_timeout: float = 10.0, hello_timeout: float = 10.0, reconnect_grace: float = 3.0,
                 allowed_origins: Sequence[str] = ()) -> None:
        if not is_loopback(host):
            raise MentraError(f"refusing to serve MentraOS apps on {host or 'every interface'!r}: the app "
                              f"WebSocket has no authentication (as MentraOS's local cloud); use 127.0.0.1")
        if not apps:
            raise MentraError("give at least one app with --mentra-app URL")
        if len(apps) > MAX_APPS:
            raise MentraError(f"{len(apps)} apps; at most {MAX_APPS}")
        self.host, self._port, self.user_id = host, port, user_id
        self.retry, self.webhook_timeout, self.hello_timeout = retry, webhook_timeout, hello_timeout
        self.reconnect_grace = reconnect_grace
        self.allowed_origins = frozenset(allowed_origins)
        self.links = [AppLink(webhook_url(app), n, f"{user_id}-app{n}") for n, app in enumerate(apps, 1)]
        self._by_session = {link.session_id: link for link in self.links}
        self._device = device
        self._device_known = threading.Event()
        if device is not None:
            self._device_known.set()
        self._lock = threading.Lock()
        self._inbox: list[_Display] = []
        self.throttle = Throttle()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._seen, self._generation = 0, -1  # the session log as last read (see `frame`)
        self._utterances = 0
        self._ending = False  # stop() has begun: apps leaving now are expected
        self.latencies: deque[float] = deque(maxlen=1000)  # received -> applied, seconds (for bench)

    # -- life ----------------------------------------------------------------------------------
    def start(self, timeout: float = 5.0) -> MentraCloud:
        self._thread = threading.Thread(target=self._run, name="hud-mentra", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout) or self._failure is not None:
            raise MentraError(f"cannot serve MentraOS apps on {self.host}:{self._port}: "
                              f"{self._failure or 'did not start in time'}") from self._failure
        return self

    def stop(self, timeout: float = 3.0) -> None:
        """Tell every app the session ended (webhook `stop_request`), then close their connections."""
        self._ending = True
        stoppers = [threading.Thread(target=self._post_stop, args=(link, timeout), daemon=True)
                    for link in self.links if link.state in ("connected", "disconnected", "failed", "starting")]
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join(timeout + 0.5)
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stopping.set)
        if self._thread is not None:
            self._thread.join(timeout + 2.0)

    close = stop

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        """The app WebSocket's URL, as the webhook gives it to apps."""
        return netguard.url("ws", self.host, self._port, WS_PATH)

    def status(self) -> str:
        """One line for the window: each app and its state."""
        parts = []
        for link in self.links:
            text = f"{link.name}: {link.state}"
            if link.state == "connected":
                text += f" ({len(link.subscriptions)} streams, {link.displays} displays"
                text += f", {link.refused} refused, last: {link.error[:80]})" if link.refused else ")"
            elif link.error:
                text += f" ({link.error[:80]})"
            parts.append(text)
        return "MentraOS " + "; ".join(parts)

    # -- the frame loop's side -----------------------------------------------------------------
    def frame(self, session: Session) -> None:
        """Apply the apps' displays that are due, tell apps about a new device, send the wearer's inputs."""
        if self._device is not session.device:
            changed = self._device is not None and self._device != session.device
            self._device = session.device
            self._device_known.set()
            if changed:
                for link in self.links:
                    if link.state == "connected":
                        self._send(link, wire.capabilities_update(link.session_id, session.device))
        throttle_ms: Any = getattr(session.device, "throttle_ms", None)
        if isinstance(throttle_ms, int | float) and throttle_ms >= 0:
            self.throttle.interval = throttle_ms / 1000
        with self._lock:
            taken, self._inbox = self._inbox, []
        now = session.now
        for item in taken:
            result = self.throttle.offer(None, item.events, now, tag=item)
            if isinstance(result, Busy):
                self._refuse(self.links[item.link - 1], result.reason)
        for entry in self.throttle.due_entries(now):
            item = entry.tag
            try:
                session.push(entry.event)
            except (ValueError, TypeError) as exc:  # a checked event the renderer still refuses
                self._refuse(self.links[item.link - 1], f"display not applied: {exc}")
                continue
            self.latencies.append(time.perf_counter() - item.received)
        self._send_inputs(session)

    def _send_inputs(self, session: Session) -> None:
        log = session.log
        if log.generation != self._generation or self._seen > log.total:  # started, or the session restarted
            self._generation, self._seen = log.generation, log.total
            return
        new = log.since(self._seen)
        self._seen = log.total
        model = session.device.label
        for timed in new:
            if isinstance(timed.event, ev.Say):
                self._utterances += 1
            for link in self.links:
                if link.state != "connected" or not link.subscriptions:
                    continue
                for stream, data in inputs.payloads(timed, link.subscriptions, model, self._utterances):
                    self._send(link, wire.data_stream(link.session_id, stream, data))

    def _send(self, link: AppLink, message: dict[str, Any]) -> None:
        loop, queue = self._loop, link.outbox
        if loop is None or queue is None or loop.is_closed():
            return
        text = json_text(message)

        def put() -> None:
            if queue.qsize() >= MAX_OUTBOX:
                link.error = f"not reading: {queue.qsize()} messages unread"
                if link.conn is not None:
                    asyncio.get_running_loop().create_task(link.conn.close(CloseCode.TRY_AGAIN_LATER, link.error))
                return
            queue.put_nowait(text)

        with contextlib.suppress(RuntimeError):  # the loop stopped in between
            loop.call_soon_threadsafe(put)

    def _refuse(self, link: AppLink, reason: str) -> None:
        """Tell the app (the SDK logs a `tpa_connection_error` and emits `error`), the log and the window."""
        link.refused += 1
        link.error = reason
        _LOG.warning("mentra: %s: %s", link.name, reason)
        self._send(link, wire.connection_error(f"hud refused a message from {link.name}: {reason}"))

    # -- the server thread ---------------------------------------------------------------------
    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported by start()
            self._failure = exc
        finally:
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        for link in self.links:
            link.lost = asyncio.Event()
        async with serve(self._serve, self.host, self._port, max_size=wire.TRANSPORT_MAX_BYTES, compression=None,
                         process_request=self._check_handshake) as server:
            self._port = next(iter(server.sockets)).getsockname()[1]
            self._ready.set()
            keepers = [asyncio.create_task(self._keep(link)) for link in self.links]
            await self._stopping.wait()
            for task in keepers:
                task.cancel()
            for link in self.links:
                if link.conn is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(link.conn.close(CloseCode.NORMAL_CLOSURE, "User session ended"), 2.0)

    def _check_handshake(self, conn: ServerConnection, request: Request) -> Response | None:
        parsed = urlsplit(request.path)
        if parsed.path != WS_PATH:
            return conn.respond(HTTPStatus.NOT_FOUND, f"hud's MentraOS cloud serves apps on {WS_PATH} only\n")
        origins = request.headers.get_all("Origin")
        if origins and (len(origins) > 1 or origins[0] not in self.allowed_origins):
            return conn.respond(HTTPStatus.FORBIDDEN, "web pages may not connect as MentraOS apps\n")
        hosts = request.headers.get_all("Host")
        if len(hosts) != 1 or not names_this_machine(hosts[0]):
            return conn.respond(HTTPStatus.FORBIDDEN, "the Host header must name this machine (localhost, "
                                                      "127.0.0.1 or [::1]); refused against DNS rebinding\n")
        return None

    # -- webhooks ------------------------------------------------------------------------------
    async def _keep(self, link: AppLink) -> None:
        """Start the app's session, and start it again when the app is restarted (see the module's docstring)."""
        assert self._stopping is not None and link.lost is not None
        while not self._stopping.is_set():
            if link.conn is None:
                ok = await self._start_session(link)
                if not ok:
                    await asyncio.sleep(self.retry)
                    continue
            link.lost.clear()
            if link.conn is not None:
                await link.lost.wait()
            # The SDK reconnects by itself after an abnormal close; give it time before a new webhook.
            deadline = time.monotonic() + self.reconnect_grace
            while link.conn is None and time.monotonic() < deadline and not self._stopping.is_set():
                await asyncio.sleep(0.1)

    async def _start_session(self, link: AppLink) -> bool:
        await asyncio.get_running_loop().run_in_executor(None, self._device_known.wait, 30.0)
        body = wire.webhook_session_request(link.session_id, self.user_id, self.url)
        status, text = await asyncio.get_running_loop().run_in_executor(None, self._post, link.url, body,
                                                                         self.webhook_timeout)
        if status == 200 and link.conn is not None:  # (the join cleared the last error; a refusal since stays)
            return True
        if status is None and "refused" in text:
            if link.state != "waiting":
                _LOG.warning("mentra: waiting for the app at %s (%s); start it with its usual command", link.url,
                             text)
            link.state, link.error = "waiting", f"not reachable: {text}"
        else:
            shown = f"HTTP {status}: {text}" if status is not None else text
            if link.conn is not None:  # connected, but the webhook's answer was not 200: connected wins
                link.error = f"webhook answered {shown}"
                return True
            link.state, link.error = "failed", f"webhook: {shown}"
            _LOG.warning("mentra: %s: %s", link.url, link.error)
        return False

    @staticmethod
    def _post(url: str, body: dict[str, Any], timeout: float) -> tuple[int | None, str]:
        """POST JSON; (status, first 200 characters of the answer) or (None, why it failed). Never raises."""
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read(2000).decode("utf-8", "replace")[:200]
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(2000).decode("utf-8", "replace")[:200]
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, ConnectionRefusedError):
                return None, "connection refused"
            if isinstance(reason, TimeoutError):
                return None, f"no answer within {timeout:g} s"
            return None, str(reason)[:200]
        except TimeoutError:
            return None, f"no answer within {timeout:g} s"
        except Exception as exc:  # a malformed answer, a reset: reported, never raised into the loop
            return None, f"{type(exc).__name__}: {exc}"[:200]

    def _post_stop(self, link: AppLink, timeout: float) -> None:
        status, text = self._post(link.url, wire.webhook_stop_request(link.session_id, self.user_id), timeout)
        link.state = "stopped"
        if status != 200:
            _LOG.info("mentra: stop_request to %s: %s", link.url, text if status is None else f"HTTP {status}")

    # -- one app connection --------------------------------------------------------------------
    async def _serve(self, conn: ServerConnection) -> None:
        link: AppLink | None = None
        writer: asyncio.Task[None] | None = None
        try:
            link = await self._join(conn)
            if link is None:
                return
            writer = asyncio.get_running_loop().create_task(self._write(conn, link))
            async for raw in conn:
                self._receive(link, raw)
        except ConnectionClosed:
            pass  # gone, also mid-join: whatever it had joined is released below
        finally:
            if link is not None and link.conn is conn:
                link.conn, link.state = None, "stopped" if self._ending else "disconnected"
                if link.outbox is not None:
                    link.outbox.put_nowait(None)
                if link.lost is not None:
                    link.lost.set()
                if not self._ending:
                    _LOG.warning("mentra: %s disconnected (code %s); its session starts again when it is back",
                                 link.name, conn.close_code)
            if writer is not None:
                writer.cancel()

    async def _join(self, conn: ServerConnection) -> AppLink | None:
        """Read `tpa_connection_init` and ack it; None (after an error and close 1008) when it is not right.

        The link takes the connection only once the ack is sent: an app that leaves mid-join (or a
        connection that dies then) never leaves its session looking connected.
        """
        try:
            raw = await asyncio.wait_for(conn.recv(), self.hello_timeout)
        except TimeoutError:
            await self._reject(conn, f"no tpa_connection_init within {self.hello_timeout:g} s")
            return None
        try:
            init = wire.connection_init(wire.decode(raw))
        except wire.WireError as exc:
            await self._reject(conn, str(exc))
            return None
        link = self._by_session.get(init.session_id)
        if link is None:
            await self._reject(conn, f"sessionId {init.session_id[:80]!r} is not a session this cloud started "
                                     f"(it starts one per app through the app's webhook)")
            return None
        await asyncio.get_running_loop().run_in_executor(None, self._device_known.wait, 5.0)
        assert self._device is not None
        await conn.send(json_text(wire.ack(link.session_id, self._device)))
        old = link.conn
        link.conn, link.package, link.state, link.error = conn, init.package, "connected", ""
        link.subscriptions, link.outbox = (), asyncio.Queue()
        if old is not None and old is not conn:
            with contextlib.suppress(Exception):
                await old.close(CloseCode.NORMAL_CLOSURE, "replaced by a new connection for this session")
        _LOG.info("mentra: %s connected (session %s)", init.package, link.session_id)
        return link

    async def _reject(self, conn: ServerConnection, reason: str) -> None:
        _LOG.warning("mentra: refused a connection: %s", reason)
        with contextlib.suppress(ConnectionClosed):
            await conn.send(json_text(wire.connection_error(reason, "CONNECTION_REFUSED")))
            await conn.close(CloseCode.POLICY_VIOLATION, reason[:120])

    async def _write(self, conn: ServerConnection, link: AppLink) -> None:
        queue = link.outbox
        assert queue is not None
        with contextlib.suppress(ConnectionClosed):
            while (text := await queue.get()) is not None:
                await conn.send(text)

    def _receive(self, link: AppLink, raw: str | bytes) -> None:
        """One app message: kept for the frame loop, or refused with its reason."""
        received = time.perf_counter()
        try:
            message = read_app_message(raw, link.package)
        except (wire.WireError, MentraFormatError) as exc:  # a located reason, for the app
            self._refuse(link, str(exc))
            return
        if isinstance(message, Subscriptions):
            link.subscriptions = message.streams
            return
        if isinstance(message, NotEmulated):
            if message.kind not in link._noted:
                link._noted.add(message.kind)
                _LOG.warning("mentra: %s sent '%s': hud does not emulate it (audio, photos, streams, settings, "
                             "storage and location are not emulated)", link.name, message.kind)
            return
        with self._lock:
            full = len(self._inbox) >= MAX_INBOX
            if not full:
                self._inbox.append(_Display(link.number, message, received))
        if full:
            self._refuse(link, f"busy: {MAX_INBOX} displays are waiting for the frame loop; retry shortly")
            return
        link.displays += 1


@dataclass(frozen=True)
class Subscriptions:
    streams: tuple[str, ...]


@dataclass(frozen=True)
class NotEmulated:
    kind: str


def read_app_message(raw: str | bytes, package: str) -> tuple[ev.Event, ...] | Subscriptions | NotEmulated:
    """What one frame from a joined app means: displays (as hud events), new subscriptions, or a kind hud
    does not emulate; raises WireError or MentraFormatError (both ValueError) with a located reason.

    Pure, so the fuzzer (`hud.fuzz.apps`) and the tests check exactly what the server does.
    `package` is the one the app joined as: a display always counts as that app's, whatever it claims.
    """
    data = wire.decode(raw)
    kind = data["type"]
    if kind == "subscription_update":
        return Subscriptions(wire.subscriptions(data))
    if kind in ("display_event", "dashboard_content_update"):
        data["packageName"] = package
        return events_for(data)
    if kind in wire.NOT_EMULATED:
        return NotEmulated(kind)
    if kind == "tpa_connection_init":
        raise wire.WireError("tpa_connection_init: this connection has joined already")
    raise wire.WireError(f"type: unknown message type {kind[:60]!r}; hud reads {', '.join(wire.APP_TYPES)}")
