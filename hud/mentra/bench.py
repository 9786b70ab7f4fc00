"""`bench --mentra`: how long a MentraOS app's `display_event` takes to reach the display's pixels.

Measured as an app sees it: a client joins through the webhook and the app WebSocket, exactly as an
`@mentra/sdk` app does, and sends text walls spaced wider than the display throttle (so each one is
due at once, as a single update from an app is); the frame loop runs at 60 fps in real time, and a
message's latency ends when the frame that shows it has been rendered. Figures, never a verdict:
the machine's load changes them.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from websockets.sync.client import ClientConnection, connect

from hud.mentra.cloud import MentraCloud
from hud.session import Options, Session

FPS = 60.0


class _BenchApp:
    """The smallest MentraOS app: joins the session the webhook offers, then sends what it is told."""

    def __init__(self) -> None:
        self.conn: ClientConnection | None = None
        self.joined = threading.Event()
        self.stack = contextlib.ExitStack()
        app = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if body.get("type") == "session_request" and app.conn is None:
                    app.conn = app.stack.enter_context(connect(body["mentraOSWebsocketUrl"]))
                    app.conn.send(json.dumps({"type": "tpa_connection_init", "sessionId": body["sessionId"],
                                              "packageName": "com.hud.bench", "apiKey": ""}))
                    app.conn.recv(timeout=5)
                    app.joined.set()
                self.send_response(200)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def show(self, text: str) -> None:
        assert self.conn is not None
        self.conn.send(json.dumps({"type": "display_event", "packageName": "com.hud.bench", "sessionId": "",
                                   "view": "main", "layout": {"layoutType": "text_wall", "text": text}}))

    def close(self) -> None:
        self.stack.close()
        self.server.shutdown()
        self.server.server_close()


def run_mentra_bench(messages: int = 60, spacing: float = 0.35, device: str = "even-g2") -> str:
    """Send `messages` text walls `spacing` s apart; report message-to-pixel latency (median, p99)."""
    session = Session.open(Options(scenario="empty.yaml", device=device, view=(1280, 720)))
    session.render_composite()
    app = _BenchApp()
    cloud = MentraCloud([app.url], port=0, device=session.device).start()
    sent: dict[str, float] = {}
    latencies: list[float] = []
    try:
        start = time.perf_counter()
        frame = 0
        next_send, number = 0.0, 0
        deadline = start + 15 + messages * spacing
        while len(latencies) < messages and time.perf_counter() < deadline:
            now = time.perf_counter()
            if app.joined.is_set() and number < messages and now >= next_send:
                number += 1
                text = f"message {number}"
                sent[text] = time.perf_counter()
                app.show(text)
                next_send = now + spacing
            session.advance(1 / FPS)
            cloud.frame(session)
            session.render_composite()
            shown = session.state.cards.main
            if shown is not None and shown.card.text in sent:
                latencies.append(time.perf_counter() - sent.pop(shown.card.text))
            frame += 1
            time.sleep(max(0.0, start + frame / FPS - time.perf_counter()))
    finally:
        cloud.stop(timeout=1.0)
        app.close()
        session.close()
    return _report(latencies, messages, device)


def _report(latencies: list[float], messages: int, device: str) -> str:
    if not latencies:
        return "MentraOS display_event -> pixels: no message reached the display (is the machine overloaded?)"
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    lines: list[Any] = [
        f"MentraOS display_event -> rendered frame ({device}, composite 1280x720, 60 fps, "
        f"{len(ms)} of {messages} messages, each alone in its throttle window):",
        f"  median {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, best {ms[0]:.1f} ms, worst {ms[-1]:.1f} ms",
        "  for comparison, not measured by this command: the Even Hub simulator 0.9.5 shows a text update after "
        "about 60 ms (docs/design-facts.md)",
    ]
    return "\n".join(lines)
