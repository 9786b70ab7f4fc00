"""The emulated MentraOS cloud's own behaviour: sessions, refusals, retries, the frame loop's side.

The conformance with the real `@mentra/sdk` is tests/test_mentra_sdk.py; here a small Python app
plays a MentraOS app (and a hostile one), so every refusal can be asserted exactly.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from hud import events as ev
from hud.device import load_device
from hud.mentra import wire
from hud.mentra.cloud import MentraCloud, MentraError, webhook_url
from hud.session import Options, Session


def wait_for(condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


class FakeApp:
    """An app server: answers the webhook by joining the session, as the SDK's AppServer does."""

    def __init__(self, package: str = "com.test.app", answer: bool = True, join: bool = True,
                 port: int = 0) -> None:
        self.package, self.answer, self.join = package, answer, join
        self.webhooks: list[dict[str, Any]] = []
        self.conn: ClientConnection | None = None
        self._stack = contextlib.ExitStack()
        self.on_join: Callable[[], None] | None = None
        self.joined = threading.Event()  # the webhook was answered after joining, as the SDK answers it
        self.ack: dict[str, Any] | None = None
        self.received: list[dict[str, Any]] = []
        app = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                app.webhooks.append(body)
                if not app.answer:
                    time.sleep(1)
                    return
                if body["type"] == "session_request" and app.join:
                    app.connect(body["mentraOSWebsocketUrl"], body["sessionId"])
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status":"success"}')
                if body["type"] == "session_request" and app.join:
                    app.joined.set()

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def connect(self, url: str, session_id: str) -> None:
        self.conn = self._stack.enter_context(connect(url))
        self.conn.send(json.dumps({"type": "tpa_connection_init", "sessionId": session_id,
                                   "packageName": self.package, "apiKey": "k"}))
        self.ack = json.loads(self.conn.recv(timeout=5))
        threading.Thread(target=self._read, args=(self.conn,), daemon=True).start()
        if self.on_join is not None:
            self.on_join()

    def _read(self, conn: ClientConnection) -> None:
        try:
            for raw in conn:
                self.received.append(json.loads(raw))
        except ConnectionClosed:
            pass

    def send(self, message: dict[str, Any] | str) -> None:
        assert self.conn is not None
        self.conn.send(message if isinstance(message, str) else json.dumps(message))

    def errors(self) -> list[str]:
        return [m["message"] for m in self.received if m["type"] == "tpa_connection_error"]

    def close(self) -> None:
        self._stack.close()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def session() -> Iterator[Session]:
    s = Session.open(Options(scenario="empty.yaml", device="even-g2", background="scene", view=(320, 180)))
    yield s
    s.close()


@pytest.fixture
def app() -> Iterator[FakeApp]:
    a = FakeApp()
    yield a
    a.close()


def start(apps: list[str], session: Session, **kwargs: Any) -> MentraCloud:
    return MentraCloud(apps, port=0, device=session.device, **kwargs).start()


def run_until(cloud: MentraCloud, session: Session, condition: Callable[[], bool], what: str) -> None:
    def step() -> bool:
        session.advance(1 / 30)
        cloud.frame(session)
        return condition()
    wait_for(step, what=what)


def display(text: str, view: str = "main") -> dict[str, Any]:
    return {"type": "display_event", "packageName": "com.test.app", "sessionId": "", "view": view,
            "layout": {"layoutType": "text_wall", "text": text}, "timestamp": "2026-01-01T00:00:00.000Z"}


def test_an_app_joins_shows_a_text_wall_and_hears_a_tap(session: Session, app: FakeApp) -> None:
    cloud = start([app.url], session)
    try:
        wait_for(lambda: cloud.links[0].state == "connected" and app.joined.is_set(), what="the app to join")
        assert app.ack is not None and app.ack["type"] == "tpa_connection_ack"
        assert app.ack["capabilities"]["display"]["resolution"] == {"width": 576, "height": 288}
        assert app.webhooks[0]["type"] == "session_request"
        assert app.webhooks[0]["mentraOSWebsocketUrl"] == cloud.url
        app.send({"type": "subscription_update", "packageName": app.package, "sessionId": "s",
                  "subscriptions": ["touch_event", "transcription:en-US"]})
        app.send(display("Hello from the app"))
        run_until(cloud, session, lambda: session.state.cards.main is not None, "the text wall")
        shown = session.state.cards.main
        assert shown is not None and shown.card.text == "Hello from the app" and shown.card.app == "com.test.app"
        assert cloud.links[0].subscriptions == ("touch_event", "transcription:en-US")
        session.push(ev.Gesture(kind="tap"))
        session.push(ev.Say(text="hi there"))
        run_until(cloud, session, lambda: sum(m["type"] == "data_stream" for m in app.received) >= 3, "inputs")
        streams = [(m["streamType"], m["data"].get("gesture_name") or m["data"].get("text"))
                   for m in app.received if m["type"] == "data_stream"]
        assert streams == [("touch_event", "single_tap"), ("transcription:en-US", "hi"),
                           ("transcription:en-US", "hi there")]
    finally:
        cloud.stop()
    assert app.webhooks[-1]["type"] == "stop_request"
    assert cloud.links[0].state == "stopped"


def test_a_device_change_sends_capabilities(session: Session, app: FakeApp) -> None:
    cloud = start([app.url], session)
    try:
        wait_for(lambda: cloud.links[0].state == "connected" and app.joined.is_set(), what="the app to join")
        cloud.frame(session)
        other = session.rebuilt(device=load_device("vuzix-z100"))
        cloud.frame(other)
        wait_for(lambda: any(m["type"] == "capabilities_update" for m in app.received), what="capabilities")
        update = next(m for m in app.received if m["type"] == "capabilities_update")
        assert update["modelName"] == other.device.label
        assert update["capabilities"]["display"]["resolution"]["width"] == other.device.panel[0]
        other.close()
    finally:
        cloud.stop()


@pytest.mark.parametrize(("message", "expected"), [
    ("{not json", "malformed JSON at line 1 column 2"),
    ('{"type": 3}', "'type' must be a string"),
    ('{"type": "photo_taken"}', "type: unknown message type 'photo_taken'"),
    (json.dumps({**display("x"), "layout": {"layoutType": "txt_wall", "text": "x"}}), "layout.layoutType"),
    (json.dumps({**display("x"), "durationMs": "5s"}), "durationMs"),
    ('{"type": "subscription_update", "subscriptions": "touch_event"}', "subscriptions: must be a list"),
    ('{"type": "tpa_connection_init", "sessionId": "x", "packageName": "p"}', "has joined already"),
])
def test_bad_messages_get_a_located_error_and_the_display_keeps_its_state(
        session: Session, app: FakeApp, message: str, expected: str) -> None:
    cloud = start([app.url], session)
    try:
        wait_for(lambda: cloud.links[0].state == "connected" and app.joined.is_set(), what="the app to join")
        app.send(display("good"))
        run_until(cloud, session, lambda: session.state.cards.main is not None, "the good card")
        app.send(message)
        wait_for(lambda: bool(app.errors()), what="the error")
        assert expected in app.errors()[0], app.errors()
        assert app.errors()[0].startswith("hud refused a message from com.test.app: ")
        for _ in range(20):
            session.advance(1 / 30)
            cloud.frame(session)
        shown = session.state.cards.main
        assert shown is not None and shown.card.text == "good"
        assert cloud.links[0].state == "connected" and cloud.links[0].refused == 1
        assert expected in cloud.status()
    finally:
        cloud.stop()


def test_a_one_megabyte_bitmap_is_refused_with_its_field(session: Session, app: FakeApp) -> None:
    cloud = start([app.url], session)
    try:
        wait_for(lambda: cloud.links[0].state == "connected" and app.joined.is_set(), what="the app to join")
        huge = {**display(""), "layout": {"layoutType": "bitmap_view", "data": "Qk" + "A" * 1_000_000}}
        app.send(huge)
        wait_for(lambda: bool(app.errors()), what="the error")
        assert "layout.data" in app.errors()[0]
        assert cloud.links[0].state == "connected"
    finally:
        cloud.stop()


def test_what_the_sdk_sends_but_hud_does_not_emulate_is_logged_once(
        session: Session, app: FakeApp, caplog: pytest.LogCaptureFixture) -> None:
    cloud = start([app.url], session)
    try:
        wait_for(lambda: cloud.links[0].state == "connected" and app.joined.is_set(), what="the app to join")
        for _ in range(3):
            app.send({"type": "audio_play_request", "requestId": "1"})
        app.send(display("after"))
        run_until(cloud, session, lambda: session.state.cards.main is not None, "the card")
        assert not app.errors()
        assert sum("audio_play_request" in r.message for r in caplog.records) == 1
    finally:
        cloud.stop()


def test_only_sessions_it_started_may_join(session: Session, app: FakeApp) -> None:
    cloud = start([app.url], session)
    try:
        with connect(cloud.url) as intruder:
            intruder.send(json.dumps({"type": "tpa_connection_init", "sessionId": "someone-else",
                                      "packageName": "com.evil", "apiKey": ""}))
            reply = json.loads(intruder.recv(timeout=5))
            assert reply["type"] == "tpa_connection_error"
            assert "is not a session this cloud started" in reply["message"]
            with pytest.raises(ConnectionClosed) as closed:
                intruder.recv(timeout=5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    finally:
        cloud.stop()


def test_a_silent_connection_is_closed(session: Session) -> None:
    cloud = MentraCloud(["http://127.0.0.1:9"], port=0, device=session.device, hello_timeout=0.3).start()
    try:
        with connect(cloud.url) as quiet:
            reply = json.loads(quiet.recv(timeout=5))
            assert "no tpa_connection_init within 0.3 s" in reply["message"]
    finally:
        cloud.stop()


@pytest.mark.parametrize(("path", "headers", "status"), [
    ("/elsewhere", {}, 404),
    ("/app-ws", {"Origin": "https://evil.example"}, 403),
    ("/app-ws", {"Host": "evil.example"}, 403),
])
def test_handshakes_from_web_pages_and_other_hosts_are_refused(
        session: Session, path: str, headers: dict[str, str], status: int) -> None:
    cloud = MentraCloud(["http://127.0.0.1:9"], port=0, device=session.device).start()
    try:
        url = f"ws://127.0.0.1:{cloud.port}{path}"
        with pytest.raises(InvalidStatus) as refused:
            connect(url, additional_headers=headers, origin=None).close()
        assert refused.value.response.status_code == status
    finally:
        cloud.stop()


def test_an_app_started_later_is_found(session: Session) -> None:
    probe = FakeApp()
    port = probe.server.server_address[1]
    probe.close()  # nothing listens there now
    cloud = MentraCloud([f"http://127.0.0.1:{port}"], port=0, device=session.device, retry=0.05).start()
    try:
        wait_for(lambda: cloud.links[0].state == "waiting", what="waiting")
        assert "connection refused" in cloud.status()
        app = FakeApp(port=port)  # as a developer starts `node app.mjs` after hud
        try:
            wait_for(lambda: cloud.links[0].state == "connected", what="the late app to join")
        finally:
            app.close()
    finally:
        cloud.stop()


def test_an_app_that_never_answers_the_webhook_is_reported_not_waited_for(session: Session) -> None:
    app = FakeApp(answer=False)
    cloud = MentraCloud([app.url], port=0, device=session.device, webhook_timeout=0.3, retry=10).start()
    try:
        wait_for(lambda: cloud.links[0].state == "failed", what="the failure")
        assert "no answer within 0.3 s" in cloud.links[0].error
        session.advance(0.1)
        cloud.frame(session)  # the frame loop never waits on it
    finally:
        started = time.monotonic()
        cloud.stop(timeout=0.5)
        assert time.monotonic() - started < 4
        app.close()


def test_an_app_that_disconnects_gets_a_new_session(session: Session, app: FakeApp) -> None:
    cloud = start([app.url], session, reconnect_grace=0.1, retry=0.05)
    try:
        wait_for(lambda: cloud.links[0].state == "connected" and app.joined.is_set(), what="the app to join")
        assert app.conn is not None
        app.conn.close()
        wait_for(lambda: len(app.webhooks) >= 2 and cloud.links[0].state == "connected", what="a new session")
        assert [w["type"] for w in app.webhooks] == ["session_request", "session_request"]
    finally:
        cloud.stop()


def test_an_app_that_leaves_while_joining_does_not_look_connected(session: Session) -> None:
    app = FakeApp(join=False)  # answers the webhook; the joining is done by hand below
    cloud = start([app.url], session, retry=30)
    try:
        wait_for(lambda: bool(app.webhooks), what="the webhook")
        for _ in range(5):
            with connect(cloud.url) as leaver:
                leaver.send(json.dumps({"type": "tpa_connection_init", "sessionId": cloud.links[0].session_id,
                                        "packageName": "com.leaver", "apiKey": ""}))
            wait_for(lambda: cloud.links[0].conn is None and cloud.links[0].state != "connected",
                     what="the link released")
    finally:
        cloud.stop()
        app.close()


def test_an_oversized_frame_is_closed_unread(session: Session, app: FakeApp) -> None:
    cloud = start([app.url], session)
    try:
        wait_for(lambda: cloud.links[0].state == "connected" and app.joined.is_set(), what="the app to join")
        conn = app.conn  # the cloud starts the session again afterwards: a new connection replaces this one
        assert conn is not None
        app.send("x" * (wire.TRANSPORT_MAX_BYTES + 1))
        wait_for(lambda: conn.close_code is not None, what="the close")
        assert conn.close_code == 1009
    finally:
        cloud.stop()


@pytest.mark.parametrize(("url", "expected"), [
    ("http://127.0.0.1:7010", "http://127.0.0.1:7010/webhook"),
    ("http://localhost:7010/", "http://localhost:7010/webhook"),
    ("https://example.org/hooks/mentra?x=1", "https://example.org/hooks/mentra"),
])
def test_webhook_urls(url: str, expected: str) -> None:
    assert webhook_url(url) == expected


@pytest.mark.parametrize("url", ["127.0.0.1:7010", "ftp://x/", "file:///etc/passwd", "http://"])
def test_bad_app_urls_are_refused(url: str) -> None:
    with pytest.raises(MentraError, match="give the app server's URL"):
        webhook_url(url)


def test_it_serves_on_loopback_only() -> None:
    with pytest.raises(MentraError, match=r"refusing to serve MentraOS apps on '0\.0\.0\.0'"):
        MentraCloud(["http://127.0.0.1:7010"], host="0.0.0.0")
    with pytest.raises(MentraError, match="at least one app"):
        MentraCloud([])


def test_the_command_line_runs_an_app_session_and_records_it(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from hud.cli import main
    from hud.recording import load_recording

    scenario = tmp_path / "tap.yaml"
    scenario.write_text("name: Tap\nduration: 10\ntimeline:\n  - {at: 1.0, event: gesture, kind: tap}\n")
    app = FakeApp()
    app.on_join = lambda: app.send(display("from the app"))
    record = tmp_path / "session.jsonl"
    try:
        assert main(["--headless", "--scenario", str(scenario), "--device", "even-g2", "--mentra-app", app.url,
                     "--mentra-port", "0", "--seconds", "2", "--size", "160x90", "--record-events", str(record)]) == 0
    finally:
        app.close()
    assert "MentraOS cloud on ws://127.0.0.1:" in capsys.readouterr().err
    events = [t.event for t in load_recording(record).events]
    shown = [e for e in events if isinstance(e, ev.ShowCard)]
    assert shown and shown[0].text == "from the app" and shown[0].app == "com.test.app"
    assert [w["type"] for w in app.webhooks] == ["session_request", "stop_request"]
