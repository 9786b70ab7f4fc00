"""A real browser against the push server: a web page must not drive the glasses nor read what they show.

Why a browser and not only a Python client with an Origin header: the threat is a page the wearer
opens in a browser on the same computer. Browsers apply no same-origin rule to WebSockets, so any
page's script can open ws://127.0.0.1:8765; all the server gets is the Origin header the browser
adds, and the only defence is to refuse it. Only a real browser shows which headers it really sends
and what its script gets to see of a refusal (an error event and close code 1006, never the HTTP
status). The page, tests/browser/attack.html, is served from a local HTTP server, runs in headless
Chromium and POSTs what it saw to /report; the test waits for that with a real timeout (virtual time,
as in `--dump-dom --virtual-time-budget`, works too here but says nothing of real time) and then
ends Chromium's process group.

Written against Chromium 156.0.8078.114 (Debian bookworm's `chromium` package); each run prints the
version it used. Without Chromium the tests skip, except in CI (`CI` set, as .ci/run does), where
they fail: .ci/run installs Chromium first.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from test_push_support import Glasses

from hud.push.server import PushServer

PAGES = Path(__file__).resolve().parent / "browser"
REPORT_TIMEOUT = 10.0  # the page reports within 4 s of loading; Chromium itself starts in about 0.5 s here
REBOUND = "evil.example"  # a public name an attacker's DNS answers with 127.0.0.1 (Chromium maps it, below)


@pytest.fixture(scope="module")
def chromium() -> str:
    """The browser binary; a missing one fails in CI (which must run this test) and skips elsewhere."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        message = ("no chromium or chromium-browser on PATH: the browser tests need it "
                   "(apt-get install -y chromium; .ci/run does this)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    print(f"browser: {version}")
    return binary


class AttackSite:
    """The attacker's web site on loopback: serves tests/browser and collects the page's POST /report."""

    def __init__(self) -> None:
        self.reports: queue.Queue[dict[str, Any]] = queue.Queue()
        reports = self.reports

        class Handler(SimpleHTTPRequestHandler):
            timeout = 5  # an idle connection Chromium opened ahead must not hold a handler thread for long

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the test prints what matters

            def do_POST(self) -> None:
                if self.path != "/report":
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                reports.put(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(HTTPStatus.NO_CONTENT)
                self.end_headers()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(PAGES)))
        self.port = self._httpd.server_address[1]
        # A short poll: shutdown() waits for it, once per test.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="attack-site", daemon=True)
        self._thread.start()

    def origin(self, host: str = "127.0.0.1") -> str:
        """What the browser sends as Origin for this site's page, when reached as `host`."""
        return f"http://{host}:{self.port}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)


@pytest.fixture
def site() -> Iterator[AttackSite]:
    s = AttackSite()
    yield s
    s.close()


def visit(chromium: str, site: AttackSite, push_port: int, profile: Path, host: str = "127.0.0.1") -> dict[str, Any]:
    """Open the attack page in headless Chromium, reached as `host`; return its report.

    `host` other than 127.0.0.1 is resolved to 127.0.0.1 by Chromium itself (--host-resolver-rules),
    which is what DNS rebinding achieves: a public name, the attacker's origin, pointing at loopback.
    """
    url = f"{site.origin(host)}/attack.html?host={host}&port={push_port}"
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            f"--user-data-dir={profile}", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-proxy-server", f"--host-resolver-rules=MAP {REBOUND} 127.0.0.1", url]
    log = profile.with_name(profile.name + ".log")
    # Its own process group: Chromium starts a zygote, a GPU and a renderer process, all ended together below.
    with log.open("wb") as err:
        browser = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    try:
        return site.reports.get(timeout=REPORT_TIMEOUT)
    except queue.Empty:
        _stop(browser)
        tail = log.read_text(errors="replace")[-3000:]
        pytest.fail(f"the page sent no report within {REPORT_TIMEOUT:g} s; Chromium's stderr ends:\n{tail}")
    finally:
        _stop(browser)


def _stop(browser: subprocess.Popen[bytes]) -> None:
    """End the browser's whole process group, the one this test started, by its id.

    Killed before the leader is reaped (no poll() first), so the group id cannot belong to anyone else;
    a leader that already exited leaves children to end all the same.
    """
    if browser.returncode is not None:
        return  # reaped by an earlier call
    with contextlib.suppress(ProcessLookupError):
        os.killpg(browser.pid, signal.SIGTERM)
    try:
        browser.wait(5)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(browser.pid, signal.SIGKILL)
        browser.wait(5)


def handshake(port: int, host: str, origin: str | None = None) -> tuple[str, str]:
    """A WebSocket opening handshake with exactly these Host and Origin headers: (status line, body).

    Raw bytes because client libraries set Host from the URL. ('', '') when the server closes without
    answering; a refusal's body is read to the end, which the server marks by closing.
    """
    lines = ["GET / HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while not (b"\r\n\r\n" in answer and answer.startswith(b"HTTP/1.1 101 ")):
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.decode(errors="replace").partition("\r\n\r\n")
    return head.split("\r\n", 1)[0], body.strip()


def _switched(answer: tuple[str, str]) -> bool:
    return answer[0].startswith("HTTP/1.1 101 ")


def _opened(report: dict[str, Any]) -> bool:
    return any(e["kind"] == "open" for e in report["events"])


def _reply(report: dict[str, Any], msg_id: str) -> dict[str, Any] | None:
    return next((m for m in report["messages"] if m.get("id") == msg_id and m.get("type") in ("ack", "error")), None)


def _summary(report: dict[str, Any]) -> str:
    """The report without the user agent and with each message cut short (one quotes a whole file)."""
    short = {**report, "messages": [json.dumps(m)[:160] for m in report["messages"]]}
    short.pop("userAgent", None)
    return json.dumps(short, indent=1)


def _show(what: str, report: dict[str, Any]) -> None:
    """Print what the browser saw, the record of each run (pytest -s or a failure shows it)."""
    print(f"{what}: {_summary(report)}")


# -- a browser page, default settings ---------------------------------------------------------------
def test_a_web_page_cannot_open_the_push_socket(chromium: str, site: AttackSite, tmp_path: Path) -> None:
    """The default: a page on this very machine (http://127.0.0.1:PORT) is refused before the socket opens,
    so nothing it sends reaches the display and nothing the glasses show reaches it."""
    glasses = Glasses()
    try:
        report = visit(chromium, site, glasses.server.port, tmp_path / "profile")
        _show("default server", report)
        answer = handshake(glasses.server.port, f"127.0.0.1:{glasses.server.port}", origin=report["origin"])
        print(f"the same handshake from Python with Origin {report['origin']}: {answer}")
        assert report["origin"] == site.origin()  # what the browser sent (the Origin header is the page's origin)
        assert not _opened(report), f"a web page at {report['origin']} opened the push socket: {_summary(report)}"
        assert report["messages"] == [], "the page read messages from the glasses"
        close = next(e for e in report["events"] if e["kind"] == "close")
        assert (close["code"], close["wasClean"]) == (1006, False)  # all a page learns of a refused handshake
        assert glasses.server.received == 0 and glasses.server.clients == 0
        assert glasses.server.forbidden == 2  # the browser's handshake and ours, refused by the check itself
        assert not _switched(answer), answer
    finally:
        glasses.close()


def test_the_same_page_drives_the_display_once_its_origin_is_allowed(
        chromium: str, site: AttackSite, tmp_path: Path) -> None:
    """The control: the refusal above is the Origin check's, not a page or browser that cannot connect."""
    glasses = Glasses(allowed_origins=[site.origin()])
    try:
        report = visit(chromium, site, glasses.server.port, tmp_path / "profile")
        _show("origin allowed", report)
        assert _opened(report), _summary(report)
        notify = _reply(report, "notify")
        assert notify is not None and notify["type"] == "ack", _summary(report)
        layout = _reply(report, "layout")
        assert layout is not None and layout["type"] == "error", _summary(report)
        assert "root:" not in layout["reason"], "the reply quotes /etc/passwd: " + layout["reason"][:300]
        assert any(m["type"] == "display" for m in report["messages"])  # and it reads what the glasses show
        assert glasses.server.received >= 1
    finally:
        glasses.close()


# -- DNS rebinding: a public name that resolves to loopback -----------------------------------------
def test_a_rebound_host_name_is_refused_even_from_an_allowed_origin(
        chromium: str, site: AttackSite, tmp_path: Path) -> None:
    """The page is reached as evil.example (resolved to 127.0.0.1) and its origin is allowed, so only the
    Host check (Host: evil.example:PORT) stands between it and the glasses."""
    glasses = Glasses(allowed_origins=[site.origin(REBOUND)])
    try:
        report = visit(chromium, site, glasses.server.port, tmp_path / "profile", host=REBOUND)
        _show("rebound host name", report)
        assert report["origin"] == site.origin(REBOUND)  # the page really ran as evil.example
        assert not _opened(report), f"a page reached as {REBOUND} opened the push socket: {_summary(report)}"
        assert report["messages"] == []
        assert glasses.server.received == 0 and glasses.server.forbidden == 1
    finally:
        glasses.close()


def test_only_loopback_host_names_and_no_foreign_origin_get_the_handshake() -> None:
    """The same checks without a browser, where the HTTP status shows: loopback names pass, others not."""
    with PushServer("127.0.0.1", 0) as server:
        port = server.port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
            assert _switched(handshake(port, host)), host
        refused = {host: handshake(port, host) for host in (f"{REBOUND}:{port}", REBOUND, f"192.168.1.20:{port}")}
        refused[f"Origin http://{REBOUND}"] = handshake(port, f"127.0.0.1:{port}", origin=f"http://{REBOUND}")
        print(f"refused handshakes: {refused}")
        assert not [h for h, answer in refused.items() if _switched(answer)], refused
        assert server.received == 0 and server.forbidden == len(refused)


# -- the command line, as a user starts it ----------------------------------------------------------
def test_allow_origin_on_the_command_line_lets_that_page_in_and_no_other(
        chromium: str, site: AttackSite, tmp_path: Path) -> None:
    """`main.py --serve --allow-origin ORIGIN` in its own process: the named page drives the display,
    the same page reached under another name (another origin) is still refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (tmp_path / "hud.log").open("wb") as log:
        hud = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--headless", "--serve", "--port", str(port),
                                "--allow-origin", site.origin(), "--seconds", "30", "--size", "320x180",
                                "--scenario", "empty.yaml"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 15
        while not _listening(port):
            assert hud.poll() is None, f"hud exited with {hud.returncode}: {(tmp_path / 'hud.log').read_text()}"
            assert time.monotonic() < deadline, "hud did not start listening"
            time.sleep(0.1)
        allowed = visit(chromium, site, port, tmp_path / "profile")
        _show("hud --allow-origin, that origin", allowed)
        other = visit(chromium, site, port, tmp_path / "profile-2", host="localhost")
        _show("hud --allow-origin, another origin", other)
    finally:
        hud.terminate()
        hud.wait(10)
    notify = _reply(allowed, "notify")
    assert notify is not None and notify["type"] == "ack", _summary(allowed)
    assert other["origin"] == site.origin("localhost")  # a loopback Host: only the Origin check refuses it
    assert not _opened(other) and other["messages"] == [], _summary(other)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True
