"""hud driven exactly as a script written for the Even Hub simulator drives it (plain urllib and
http.client), and everything hostile refused in one line without blocking anyone else."""

from __future__ import annotations

import http.client
import io
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from PIL import Image

from hud import events as ev
from hud import paths
from hud.evenhub.desk import Frame
from hud.evenhub.server import AutomationServer, AutomationServerError
from hud.pg import pygame
from hud.session import Options, Session

ACTIONS = "up, down, click, double_click, long_press, long_press_release, context_menu"


def _session() -> Session:
    s = Session.open(Options(scenario=paths.SCENARIOS / "empty.yaml", device="even-g2", background="scene",
                             view=(320, 180)))
    s.push(ev.ShowCard(layout="text_wall", text="Turn left in 200 m"))
    return s


class Loop:
    """A frame loop on its own thread, as the window's or the headless one: `server.frame(session)` each frame."""

    def __init__(self, server: AutomationServer, session: Session) -> None:
        self.server, self.session = server, session
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="test-frame-loop")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.server.frame(self.session)
            self._stop.wait(0.002)  # the frame's pace, not a synchronisation: requests wait on the desk

    def on_frame(self, work: Callable[[Frame], Any]) -> Any:
        """Run `work` on the frame loop's thread (to look at the session while it runs)."""
        return self.server.desk.ask(work, 5.0)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="module")
def running() -> Iterator[Loop]:
    session = _session()
    server = AutomationServer(io_timeout=2.0, request_timeout=3.0).start()
    loop = Loop(server, session)
    yield loop
    loop.stop()
    server.close()
    session.close()


@pytest.fixture
def hud(running: Loop) -> Loop:
    urllib.request.urlopen(urllib.request.Request(running.server.url + "/api/console", method="DELETE"))
    return running


def call(base: str, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    host, port = base.removeprefix("http://").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(method, path, body, headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def _lit(f: Frame) -> np.ndarray:
    return pygame.surfarray.array3d(f.session.render_panel())[:, :, 1].T > 0


# -- a script written for the simulator ---------------------------------------------------------
def test_a_script_written_for_the_simulator_drives_hud(hud: Loop) -> None:
    base = hud.server.url
    assert urllib.request.urlopen(f"{base}/api/ping").read() == b"pong"

    with urllib.request.urlopen(f"{base}/api/screenshot/glasses") as response:
        assert response.headers["Content-Type"] == "image/png"
        image = Image.open(io.BytesIO(response.read()))
    assert (image.mode, image.size) == ("RGBA", (576, 288))
    pixels = np.asarray(image)
    assert (pixels[:, :, :3] == (0, 255, 0)).all()  # every pixel green: the light is in alpha
    assert ((pixels[:, :, 3] > 0) == hud.on_frame(_lit)).all()  # lit exactly where the panel is
    assert (pixels[:, :, 3] > 0).sum() > 200

    request = urllib.request.Request(f"{base}/api/input", data=json.dumps({"action": "click"}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"] == "application/json"
        assert json.load(response) == {"ok": True}
    gestures = hud.on_frame(lambda f: [t.event for t in f.session.log if isinstance(t.event, ev.Gesture)])
    assert gestures[-1] == ev.Gesture(kind="tap")  # the tap reached the session, logged as any gesture

    console = json.load(urllib.request.urlopen(f"{base}/api/console"))
    assert console["total"] == len(console["entries"]) >= 1
    last = console["entries"][-1]
    assert set(last) == {"id", "level", "message", "ts"}
    assert (last["level"], last["message"]) == ("info", "input 'click' -> gesture tap")
    assert abs(last["ts"] / 1000 - time.time()) < 60
    assert json.load(urllib.request.urlopen(f"{base}/api/console?since_id={last['id']}"))["entries"] == []

    urllib.request.urlopen(urllib.request.Request(f"{base}/api/input", data=b'{"action": "down"}',
                                                  headers={"Content-Type": "application/json"}))
    newer = json.load(urllib.request.urlopen(f"{base}/api/console?since_id={last['id']}"))
    assert [e["message"] for e in newer["entries"]] == ["input 'down' -> gesture swipe_forward"]

    with urllib.request.urlopen(urllib.request.Request(f"{base}/api/console", method="DELETE")) as response:
        assert response.status == 204 and response.read() == b""
    assert json.load(urllib.request.urlopen(f"{base}/api/console")) == {"entries": [], "total": 0}


@pytest.mark.parametrize(("action", "gesture"), [
    ("up", "swipe_back"), ("double_click", "double_tap"), ("long_press", "long_press"), ("context_menu", "swipe_down"),
])
def test_each_action_becomes_its_gesture(hud: Loop, action: str, gesture: str) -> None:
    status, _, body = call(hud.server.url, "POST", "/api/input", json.dumps({"action": action}).encode(),
                           {"Content-Type": "application/json"})
    assert (status, body) == (200, b'{"ok":true}')
    assert hud.on_frame(lambda f: f.session.log[-1].event) == ev.Gesture(kind=gesture)


def test_long_press_release_is_ok_and_changes_nothing(hud: Loop) -> None:
    before = hud.on_frame(lambda f: f.session.log.total)
    status, _, body = call(hud.server.url, "POST", "/api/input", b'{"action":"long_press_release"}',
                           {"Content-Type": "application/json"})
    assert (status, body) == (200, b'{"ok":true}')
    assert hud.on_frame(lambda f: f.session.log.total) == before


def test_replies_have_the_simulators_status_and_content_types(hud: Loop) -> None:
    base = hud.server.url
    status, headers, body = call(base, "GET", "/api/ping?x=1")
    assert (status, headers["Content-Type"], body) == (200, "text/plain; charset=utf-8", b"pong")
    status, headers, body = call(base, "HEAD", "/api/screenshot/glasses")
    assert (status, headers["Content-Type"], body) == (200, "image/png", b"")
    assert int(headers["Content-Length"]) > 100
    status, headers, body = call(base, "GET", "/api/console")
    assert (status, headers["Content-Type"]) == (200, "application/json")


def test_hud_additions_show_the_world_and_the_state(hud: Loop) -> None:
    base = hud.server.url
    status, headers, body = call(base, "GET", "/api/hud/screenshot/composite")
    assert (status, headers["Content-Type"]) == (200, "image/png")
    assert Image.open(io.BytesIO(body)).size == (320, 180)
    status, _, body = call(base, "GET", "/api/hud/screenshot/panel")
    assert Image.open(io.BytesIO(body)).mode == "RGB"
    status, _, body = call(base, "GET", "/api/hud/state")
    state = json.loads(body)
    assert (state["device"], state["panel"]) == ("even-g2", [576, 288])
    assert state["cards"]["main"] == {"layout": "text_wall", "text": "Turn left in 200 m"}


def test_one_connection_serves_many_requests(hud: Loop) -> None:
    host, port = hud.server.url.removeprefix("http://").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        for _ in range(5):
            conn.request("GET", "/api/screenshot/glasses")
            response = conn.getresponse()
            assert response.status == 200 and response.read()[:4] == b"\x89PNG"
    finally:
        conn.close()


# -- refused, each in one line ------------------------------------------------------------------
JSON_HEADERS = {"Content-Type": "application/json"}


@pytest.mark.parametrize(("method", "path", "body", "headers", "status", "says"), [
    ("POST", "/api/input", b'{"action":"jump"}', JSON_HEADERS, 400, f"invalid action 'jump', expected: {ACTIONS}"),
    ("POST", "/api/input", b'{"action":3}', JSON_HEADERS, 422, "'action' must be a string, got number 3"),
    ("POST", "/api/input", b"{", JSON_HEADERS, 400, "the body is not JSON: Expecting property name"),
    ("POST", "/api/input", b"", JSON_HEADERS, 400, "the body is empty"),
    ("POST", "/api/input", b'{"action":"click"}', {}, 415, "Expected request with `Content-Type: application/json`"),
    ("GET", "/api/nothing", None, {}, 404, "no such path '/api/nothing'"),
    ("GET", "/api/ping/", None, {}, 404, "no such path"),
    ("POST", "/api/ping", b"", {}, 405, "method POST is not allowed on /api/ping; allowed: GET,HEAD"),
    ("PUT", "/api/console", b"", {}, 405, "allowed: GET,HEAD,DELETE"),
    ("GET", "/api/input", None, {}, 405, "allowed: POST"),
    ("GET", "/api/console?since_id=abc", None, {}, 400, "since_id must be a whole number"),
    ("GET", "/api/console?since_id=18446744073709551616", None, {}, 400, "since_id must be a whole number"),
    ("GET", "/api/console?since_id=1&since_id=2", None, {}, 400, "since_id is given more than once"),
    ("GET", "/api/screenshot/webview", None, {}, 501, "hud runs no web app"),
    ("GET", "/api/ping", None, {"Origin": "https://evil.example"}, 403, "Origin 'https://evil.example' is not allowed"),
    ("POST", "/api/input", b'{"action":"click"}', {**JSON_HEADERS, "Origin": "null"}, 403, "Origin 'null'"),
    ("GET", "/api/screenshot/glasses", None, {"Sec-Fetch-Site": "cross-site"}, 403, "a web page's request"),
    ("GET", "/api/ping", None, {"Host": "attacker.example:9898"}, 403, "refused against DNS rebinding"),
    ("BREW", "/api/ping", None, {}, 501, "Unsupported method ('BREW')"),
])
def test_hostile_and_mistaken_requests_are_refused_in_one_line(hud: Loop, method: str, path: str, body: bytes | None,
                                                             headers: dict[str, str], status: int, says: str) -> None:
    got, reply_headers, text = call(hud.server.url, method, path, body, headers)
    assert got == status
    assert reply_headers["Content-Type"] == "text/plain; charset=utf-8"
    line = text.decode()
    assert says in line and "\n" not in line and len(line) < 300
    if status == 405:
        assert reply_headers["Allow"] == says.rsplit(" ", 1)[1]


def test_a_foreign_origin_never_presses_the_touchpad(hud: Loop) -> None:
    before = hud.on_frame(lambda f: f.session.log.total)
    call(hud.server.url, "POST", "/api/input", b'{"action":"click"}', {**JSON_HEADERS, "Origin": "https://evil.example"})
    assert hud.on_frame(lambda f: f.session.log.total) == before


def _raw(base: str, data: bytes) -> bytes:
    """Send raw bytes, read the reply until the server closes."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_huge_body_is_refused_before_it_is_read(hud: Loop) -> None:
    reply = _raw(hud.server.url, b"POST /api/input HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 10000000\r\n\r\n{")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 Payload Too Large") and b"Connection: close" in head
    assert body == b"the body is 10000000 bytes; the limit is 65536"


def test_a_chunked_body_is_refused(hud: Loop) -> None:
    reply = _raw(hud.server.url, b"POST /api/input HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                 b"Transfer-Encoding: chunked\r\n\r\n3\r\n{}\n\r\n0\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 411") and reply.endswith(b"a body must come with Content-Length "
                                                                b"(chunked bodies are not read)")


@pytest.mark.parametrize(("data", "status", "says"), [
    (b"garbage\r\n\r\n", b"400", b"Bad request syntax ('garbage')"),
    (b"GET /api/ping HTTP/2.0\r\n\r\n", b"505", b"Invalid HTTP version (2.0)"),
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", b"414", b"Request-URI Too Long"),
    (b"GET /api/ping HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n", b"431", b"Too many headers"),
])
def test_a_malformed_request_gets_a_status_and_one_line(hud: Loop, data: bytes, status: bytes, says: bytes) -> None:
    head, _, body = _raw(hud.server.url, data).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 " + status) and b"Content-Type: text/plain; charset=utf-8" in head
    assert body == says


def test_an_allowed_origin_may_ask_and_read() -> None:
    session = _session()
    server = AutomationServer(allowed_origins={"http://localhost:5173"}).start()
    loop = Loop(server, session)
    try:
        origin = {"Origin": "http://localhost:5173"}
        status, headers, _ = call(server.url, "OPTIONS", "/api/input", None,
                                  {**origin, "Access-Control-Request-Method": "POST"})
        assert (status, headers["Access-Control-Allow-Methods"], headers["Access-Control-Allow-Origin"]) == \
            (204, "POST", "http://localhost:5173")
        status, headers, body = call(server.url, "POST", "/api/input", b'{"action":"click"}',
                                     {**origin, **JSON_HEADERS})
        assert (status, body, headers["Access-Control-Allow-Origin"]) == (200, b'{"ok":true}', "http://localhost:5173")
    finally:
        loop.stop()
        server.close()
        session.close()


# -- nobody blocks anybody ----------------------------------------------------------------------
def test_without_frames_requests_get_503_quickly_and_are_not_applied_later() -> None:
    session = _session()
    server = AutomationServer(frame_timeout=0.1).start()
    try:
        started = time.monotonic()
        status, headers, body = call(server.url, "POST", "/api/input", b'{"action":"click"}', JSON_HEADERS)
        assert status == 503 and headers["Retry-After"] == "1"
        assert body.startswith(b"no frame from hud's display loop within 0.1 s")
        assert time.monotonic() - started < 2
        assert call(server.url, "GET", "/api/ping")[2] == b"pong"  # what needs no frame still answers
        before = session.log.total
        server.frame(session)
        assert session.log.total == before  # the withdrawn click is not applied by a late frame
    finally:
        server.close()
        session.close()


def _until(condition: Callable[[], bool], what: str, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.005)


def test_idle_clients_cannot_take_every_connection() -> None:
    session = _session()
    server = AutomationServer(max_connections=3, io_timeout=0.3, request_timeout=5.0).start()
    loop = Loop(server, session)
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(3)]
    try:
        _until(lambda: server.connections == 3, "the idle connections were not accepted")
        status, _, body = call(server.url, "GET", "/api/ping")  # the 4th: told at once, not left hanging
        assert (status, body) == (503, b"too many connections (at most 3 at once); retry shortly")
        _until(lambda: server.connections == 0, "idle connections were kept past the socket timeout")
        assert call(server.url, "GET", "/api/ping")[2] == b"pong"
    finally:
        for sock in idle:
            sock.close()
        loop.stop()
        server.close()
        session.close()


def test_a_client_trickling_its_request_is_cut_off_at_the_deadline() -> None:
    server = AutomationServer(io_timeout=2.0, request_timeout=0.5).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port)) as slow:
            started = time.monotonic()
            with pytest.raises(OSError):  # a byte every 50 ms keeps each read in time, never the whole request
                while time.monotonic() - started < 5:
                    slow.sendall(b"G")
                    try:
                        if slow.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK) == b"":
                            raise ConnectionResetError("closed by the server")
                    except BlockingIOError:
                        pass  # nothing to read: still open
                    time.sleep(0.05)  # the slow client's pace, which is what is tested
            assert time.monotonic() - started < 2
        assert server.cut == 1
        assert call(server.url, "GET", "/api/ping")[2] == b"pong"
    finally:
        server.close()


# -- life ---------------------------------------------------------------------------------------
def test_a_taken_port_is_a_clear_error() -> None:
    with AutomationServer() as first, pytest.raises(AutomationServerError,
                                                    match=rf"127\.0\.0\.1:{first.port}: the port is in use"):
        AutomationServer(port=first.port).start()


def test_listening_beyond_loopback_is_refused() -> None:
    with pytest.raises(AutomationServerError, match=r"refusing to serve the automation API on '0\.0\.0\.0'"):
        AutomationServer("0.0.0.0")


def test_status_port_url_and_a_second_close() -> None:
    server = AutomationServer().start()
    try:
        assert server.url == f"http://127.0.0.1:{server.port}" and server.port > 0
        assert server.status() == f"automation {server.url}, 0 requests"
        call(server.url, "GET", "/api/ping")
        call(server.url, "GET", "/api/ping", None, {"Origin": "http://evil.example"})
        assert server.status() == f"automation {server.url}, 2 requests, 1 refused"
    finally:
        server.close()
    server.close()
    with pytest.raises(AutomationServerError, match="does not start again"):
        server.start()


def test_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    try:
        server = AutomationServer("::1").start()
    except AutomationServerError as exc:
        pytest.skip(f"no IPv6 loopback here: {exc}")
    try:
        assert server.url.startswith("http://[::1]:")
        conn = http.client.HTTPConnection("::1", server.port, timeout=5)
        conn.request("GET", "/api/ping")
        assert conn.getresponse().read() == b"pong"
        conn.close()
    finally:
        server.close()
