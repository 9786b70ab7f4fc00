"""The Even Hub simulator's automation HTTP API, served by hud beside its frame loop.

    server = AutomationServer("127.0.0.1", 9898).start()   # listens in a daemon thread
    ... once per frame, on the frame loop's thread:  server.frame(session)
    ... at the end:                                   server.close()

Why threads and a desk: the frame loop is synchronous pygame code that must never wait on the
network, and pygame surfaces are not thread-safe. So the HTTP server runs on its own threads
(one per connection, `ThreadingHTTPServer`), answers what needs no session itself (ping, the
console), and hands what needs the session (screenshots, state, inputs) to the frame loop through
a `Desk`: the HTTP thread waits for the next `frame(session)` call, which renders or applies on
the frame loop's thread and hands the result back. If no frame comes within `frame_timeout`
(2 s), the request is answered 503 and withdrawn (a late frame will not apply it). The frame
loop's cost is one unlocked length check per frame when nothing is asked.

Limits, each refused with one line saying why, the same bar as the push API (hud/push/server.py):
    where             loopback only (guard.check_bind); no token exists, as none exists in the simulator
    who               Host must be localhost, 127.x.x.x or [::1] (DNS rebinding); a request with a foreign
                      Origin, or marked cross-site by the browser, is refused: 403 (guard.py)
    body              at most `max_body` bytes (64 KiB): a larger Content-Length is 413 before it is read;
                      a body without Content-Length (chunked) is 411
    connections       at most `max_connections` (16) at once; beyond it an immediate 503, so idle or slow
                      clients cannot take every thread
    slow clients      every socket read or write times out after `io_timeout` s (5, also the keep-alive idle
                      time), and a request must arrive whole within `request_timeout` s (10) of the first
                      wait and its reply be taken within as long: a client trickling bytes is cut off
    the frame loop    at most `per_frame` jobs a frame (32) and 64 waiting; beyond that 503 "busy"
No exception escapes to the frame loop or out of a connection's thread (a bug answers 500, logged).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import socketserver
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from hud import netguard
from hud.evenhub.console import Console, ConsoleHandler
from hud.evenhub.desk import DEFAULT_PER_FRAME, DEFAULT_TIMEOUT, Desk
from hud.evenhub.guard import AutomationServerError, check_bind, problem
from hud.evenhub.routes import TEXT, Api, Reply, text
from hud.session import Session

__all__ = ["AutomationServer", "AutomationServerError"]

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 9898
MAX_BODY = 64 * 1024
DEFAULT_MAX_CONNECTIONS = 16
DEFAULT_IO_TIMEOUT = 5.0
DEFAULT_REQUEST_TIMEOUT = 10.0
_LOG = logging.getLogger("hud.evenhub")


class AutomationServer:
    """`AutomationServer(host, port).start()`; `frame(session)` once a frame; `close()` at the end."""

    def __init__(self, host: str = DEFAULT_HOST, port: int = 0, *, allowed_origins: Iterable[str] = (),
                 frame_timeout: float = DEFAULT_TIMEOUT, max_body: int = MAX_BODY,
                 max_connections: int = DEFAULT_MAX_CONNECTIONS, io_timeout: float = DEFAULT_IO_TIMEOUT,
                 request_timeout: float = DEFAULT_REQUEST_TIMEOUT, per_frame: int = DEFAULT_PER_FRAME,
                 console: Console | None = None) -> None:
        check_bind(host)
        self.host, self._port = host, port
        self.allowed_origins = frozenset(allowed_origins)
        self.max_body, self.max_connections = max_body, max_connections
        self.io_timeout, self.request_timeout = io_timeout, request_timeout
        self.console = console if console is not None else Console()
        self.desk = Desk(per_frame=per_frame)
        self.api = Api(self.desk, self.console, frame_timeout)
        self._handler = ConsoleHandler(self.console)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._open: dict[socket.socket, float | None] = {}  # connection -> the time it must be done by
        # Counters (written by the server's threads, read by anyone: a status line, tests).
        self.requests = 0  # requests read (answered, refused or not)
        self.refused = 0  # answered 4xx or 503 by the transport or the guard (not by a path's own rules)
        self.forbidden = 0  # of which 403 (Host, Origin)
        self.cut = 0  # connections closed for taking too long

    # -- life ----------------------------------------------------------------------------------
    def start(self) -> AutomationServer:
        """Listen (serving in a daemon thread); raises AutomationServerError if it cannot."""
        if self._httpd is not None:
            raise AutomationServerError("the automation server is already started")
        if self._thread is not None:
            raise AutomationServerError("a stopped automation server does not start again; create a new one")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        try:
            httpd = _HTTPServer((self.host.strip("[]"), self._port), self, family)
        except OSError as exc:
            where = f"{self.host}:{self._port}"
            if exc.errno == errno.EADDRINUSE:
                raise AutomationServerError(f"cannot serve the automation API on {where}: the port is in use (another "
                                            f"hud, or the Even Hub simulator?); choose another port") from None
            raise AutomationServerError(f"cannot serve the automation API on {where}: {exc.strerror or exc}") from None
        self._httpd = httpd
        self._port = int(httpd.server_address[1])
        self._handler.install()
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="hud-evenhub-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening, close every connection and answer waiting requests 503. Idempotent."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()  # the accept loop ends (within its 0.1 s poll)
        httpd.server_close()
        self.desk.close("hud's automation server is stopping")
        with self._lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(2.0)
        self._handler.uninstall()

    def close(self) -> None:
        """`stop()` (the frame loop's `finally`, as for every attachment)."""
        self.stop()

    def __enter__(self) -> AutomationServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose when 0 was asked for)."""
        return self._port

    @property
    def url(self) -> str:
        return netguard.url("http", self.host, self._port)

    @property
    def connections(self) -> int:
        return len(self._open)

    # -- the frame loop's side -----------------------------------------------------------------
    def frame(self, session: Session) -> None:
        """Once per frame, on the frame loop's thread: render and apply what requests wait for. Never raises."""
        try:
            self.desk.serve(session)
        except Exception:  # the desk catches each job's errors; this is the last line for the frame loop
            _LOG.exception("automation: serving a frame failed")

    def status(self) -> str:
        """One short line for the window's chrome."""
        n = self.requests
        line = f"automation {self.url}, {n} request{'' if n == 1 else 's'}"
        if self.refused:
            line += f", {self.refused} refused"
        return line

    # -- the server's side ---------------------------------------------------------------------
    def _admit(self, sock: socket.socket) -> bool:
        with self._lock:
            if len(self._open) >= self.max_connections:
                return False
            self._open[sock] = None
            return True

    def _leave(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.pop(sock, None)

    def _deadline(self, sock: socket.socket, seconds: float | None) -> None:
        with self._lock:
            if sock in self._open:
                self._open[sock] = None if seconds is None else time.monotonic() + seconds

    def _reap(self) -> None:
        """Cut connections past their deadline (a blocked read or write then ends at once)."""
        now = time.monotonic()
        with self._lock:
            late = [sock for sock, due in self._open.items() if due is not None and due < now]
            for sock in late:
                self._open[sock] = None
        for sock in late:
            self.cut += 1
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _refuse_connection(self, sock: socket.socket) -> None:
        """An immediate 503 for a connection beyond `max_connections`, sent from the accept loop."""
        self.refused += 1
        body = f"too many connections (at most {self.max_connections} at once); retry shortly".encode()
        head = (f"HTTP/1.1 503 Service Unavailable\r\nContent-Type: {TEXT}\r\nContent-Length: {len(body)}\r\n"
                f"Retry-After: 1\r\nConnection: close\r\n\r\n").encode()
        with contextlib.suppress(OSError):
            sock.settimeout(0.2)
            sock.sendall(head + body)


#: Reason phrases as the simulator sends them, where Python's differ.
_PHRASES = {413: "Payload Too Large"}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], owner: AutomationServer, family: socket.AddressFamily) -> None:
        self.address_family = family
        self.owner = owner
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        """TCPServer's bind without HTTPServer's `getfqdn` (a DNS lookup that can take seconds)."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.owner._admit(request):
            self.owner._refuse_connection(request)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.owner._leave(request)

    def service_actions(self) -> None:
        self.owner._reap()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection's thread failed (a client that vanished mid-reply): logged for debugging, not printed."""
        _LOG.debug("automation: a connection from %s ended with an error", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, as the simulator's
    server_version = "hud-evenhub"
    sys_version = ""
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the client's
    # delayed ACK (40 ms on Linux) on a kept-alive connection. Measured: 51 ms a screenshot, 17 without.
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.owner.io_timeout)  # every read and write on the socket

    def handle_one_request(self) -> None:
        owner = self.server.owner
        owner._deadline(self.connection, owner.request_timeout)  # the whole request, from the first wait
        super().handle_one_request()

    def log_message(self, format: str, *args: Any) -> None:  # the base class names it `format`
        _LOG.debug("automation: %s " + format, self.address_string(), *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The base class's refusals (a malformed request line, headers too long, an unknown method) in one line."""
        self.close_connection = True
        self.server.owner.refused += 1
        if self.request_version == "HTTP/0.9" or not self.request_version.startswith("HTTP/1."):
            self.request_version = "HTTP/1.1"  # refused before its version was read: answer with a status line
        reason = message or self.responses.get(code, ("error",))[0]
        self._send(text(code, f"{reason}".replace("\r", " ").replace("\n", " ")), head_only=False)

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        owner = self.server.owner
        owner.requests += 1
        try:
            reply, cors = self._answer(owner)
        except Exception as exc:  # a bug in hud: one line to the client, the details in the log
            _LOG.exception("automation: answering %s %s failed", self.command, self.path)
            self.close_connection = True
            reply, cors = text(500, f"internal error ({type(exc).__name__}); hud's log has the details"), None
        if cors is not None:
            reply = Reply(reply.status, reply.body, reply.content_type,
                          (*reply.headers, ("Access-Control-Allow-Origin", cors), ("Vary", "Origin")))
        owner._deadline(self.connection, owner.request_timeout)  # the reply must be taken in time too
        self._send(reply, head_only=self.command == "HEAD")

    def _answer(self, owner: AutomationServer) -> tuple[Reply, str | None]:
        """The reply, and the Origin to allow in it (CORS, for an allowed web page), or None."""
        headers = self.headers
        reason = problem(headers.get_all("Host", []), headers.get_all("Origin", []),
                         headers.get_all("Sec-Fetch-Site", []), owner.allowed_origins)
        has_body = "Content-Length" in headers or "Transfer-Encoding" in headers
        if reason is not None:
            owner.refused += 1
            owner.forbidden += 1
            self.close_connection = self.close_connection or has_body  # its body is not read
            return text(403, reason), None
        origin = headers.get("Origin")
        if "Transfer-Encoding" in headers:
            return self._refused(411, "a body must come with Content-Length (chunked bodies are not read)"), origin
        lengths = headers.get_all("Content-Length", [])
        if len(lengths) > 1 or (lengths and not (lengths[0].strip().isascii() and lengths[0].strip().isdigit())):
            return self._refused(400, f"Content-Length must be one whole number, got {', '.join(lengths)[:60]!r}"), \
                origin
        length = int(lengths[0]) if lengths else 0
        if length > owner.max_body:
            return self._refused(413, f"the body is {length} bytes; the limit is {owner.max_body}"), origin
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the client closed (or was cut) mid-body: there is no one to answer
            self.close_connection = True
            return self._refused(400, f"the body ended after {len(body)} of {length} bytes"), origin
        owner._deadline(self.connection, None)  # processing: bounded by the desk's own timeout
        path = self.path.split("?", 1)[0]
        if self.command == "OPTIONS" and origin is not None and (methods := owner.api.allowed(path)) is not None:
            return Reply(204, headers=(("Access-Control-Allow-Methods", ",".join(methods)),
                                       ("Access-Control-Allow-Headers", "Content-Type"),
                                       ("Access-Control-Max-Age", "600"))), origin
        return owner.api.handle(self.command, self.path, headers.get("Content-Type"), body), origin

    def _refused(self, status: int, message: str) -> Reply:
        self.server.owner.refused += 1
        self.close_connection = True  # the body was not read (or not whole): the stream cannot be trusted
        return text(status, message)

    def _send(self, reply: Reply, *, head_only: bool) -> None:
        self.send_response(reply.status, _PHRASES.get(reply.status))
        if reply.content_type is not None:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.status != 204:
            self.send_header("Content-Length", str(len(reply.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if reply.body and not head_only and reply.status != 204:
            self.wfile.write(reply.body)
