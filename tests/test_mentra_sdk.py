"""A real MentraOS app, unmodified, drives hud's display through hud's emulated MentraOS cloud.

The app (tests/mentra_app/app.mjs) is written with the real `@mentra/sdk` (pinned, with its
lockfile) and started with its usual command, `node app.mjs`. hud's cloud (`hud.mentra.cloud`)
POSTs the session webhook, the SDK connects to the cloud's WebSocket, and from then on the app
and the wearer talk as on real glasses: what the app shows must reach the panel (checked against
goldens), and what the wearer does (a tap, a sentence, a button) must reach the app, which writes
each event it hears as a JSON line on stdout.

Why pixels stay deterministic although messages arrive at real-time moments: the session's clock
stands still while the test waits for the app, so every display is applied at a clock time fixed
by the script (and the throttle, which counts clock time, never delays one); the clock then moves
by a fixed step before each screenshot.

The bitmap: the SDK pads the app's 526 x 100 drawing (white on black) to 576 x 135 with black and
writes a 1-bit BMP whose palette is [black, white], the bit set (white) for bright pixels, so on the
glasses the drawing is lit and the padding dark: the test checks both (a picture shown inverted fails).

Needs Node >= 20.19 (the SDK's dist is ES modules without `"type": "module"`, which older Node
cannot import) and `npm ci --prefix tests/mentra_app`. Without them the test skips, except in CI
(`CI` set, as .ci/run does), where it fails: .ci/run installs both. Record goldens with
`pytest tests/test_mentra_sdk.py --snapshot-update` and look at every new PNG before committing it.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from hud import events as ev
from hud.mentra.cloud import MentraCloud

APP_DIR = Path(__file__).resolve().parent / "mentra_app"
SDK_VERSION = "2.1.29"  # as pinned in tests/mentra_app/package.json
MIN_NODE = (20, 19)
PACKAGE = "com.hud.conformance"
DEVICE = "even-g2"
START_TIMEOUT = 15.0  # node app.mjs listens within about 0.5 s here
STEP_TIMEOUT = 10.0  # one input's round trip takes a few milliseconds; a bitmap (Jimp) about 100 ms
SETTLE = 1.0  # clock seconds between a display and its screenshot, so any transition has ended
# In the SDK's 576 x 135 frame of assets/arrow.bmp (526 x 100, placed at 50, 35): a pixel of the padding
# the SDK adds (black: dark on the glasses) and one of the arrow's shaft (drawn white: lit).
PADDING, SHAFT = (5, 5), (50 + 200, 35 + 50)


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def node() -> str:
    """The node binary, when it and the app's packages can run the app; else skip (fail in CI)."""
    binary = shutil.which("node")
    if binary is None:
        _unavailable("no node on PATH: the MentraOS SDK test runs a real app with Node >= 20.19 (.ci/run installs it)")
    assert binary is not None
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    try:
        numbers = tuple(int(part) for part in version.lstrip("v").split(".")[:2])
    except ValueError:
        numbers = (0, 0)
    if numbers < MIN_NODE:
        _unavailable(f"node {version} at {binary} is too old: @mentra/sdk {SDK_VERSION} needs Node >= "
                     f"{'.'.join(map(str, MIN_NODE))} (.ci/run installs one)")
    sdk = APP_DIR / "node_modules" / "@mentra" / "sdk" / "package.json"
    installed = json.loads(sdk.read_text(encoding="utf-8")).get("version") if sdk.is_file() else None
    if installed != SDK_VERSION:
        _unavailable(f"tests/mentra_app needs @mentra/sdk {SDK_VERSION} (found {installed or 'none'}): "
                     f"run npm ci --prefix tests/mentra_app (.ci/run does)")
    print(f"node {version}, @mentra/sdk {installed}")
    return binary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class App:
    """`node app.mjs` in its own process group; what it prints goes to a file read as it grows."""

    def __init__(self, node: str, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {k: v for k, v in os.environ.items() if k != "BETTERSTACK_SOURCE_TOKEN"}  # no log shipping
        env.update(PORT=str(self.port), MENTRAOS_API_KEY="hud-conformance-test-key")
        with log.open("wb") as out:
            self.proc = subprocess.Popen([node, "app.mjs"], cwd=APP_DIR, env=env, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def records(self) -> list[dict[str, Any]]:
        """The app's own JSON lines ({"heard": ...} and {"shown": ...}); the SDK's log lines are text."""
        out = []
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and ("heard" in record or "shown" in record):
                    out.append(record)
        return out

    def heard(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.records() if r.get("heard") == kind]

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        return "\n".join(text)

    def wait_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"node app.mjs exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as answer:
                    health = json.loads(answer.read())
                assert health["app"] == PACKAGE, health
                return
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"node app.mjs did not listen on {self.url} within {START_TIMEOUT:g} s:\n"
                                f"{self.tail()}")
                time.sleep(0.02)

    def close(self) -> None:
        """SIGTERM (the SDK's own shutdown), then SIGKILL to the whole group if it lingers."""
        if self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        else:  # the group may still hold a child the app started
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)


@contextmanager
def running_app(node: str, log: Path) -> Iterator[App]:
    app = App(node, log)
    try:
        app.wait_listening()
        yield app
    finally:
        app.close()


class Script:
    """Waits for the app with the clock standing still, so what it shows lands at scripted clock times."""

    def __init__(self, hud: Any, cloud: MentraCloud, app: App) -> None:
        self.hud, self.cloud, self.app = hud, cloud, app
        self.timings: dict[str, float] = {}

    def until(self, what: str, done: Callable[[], bool], timeout: float = STEP_TIMEOUT) -> None:
        start = time.monotonic()
        while True:
            self.cloud.frame(self.hud.session)
            if done():
                self.timings[what] = time.monotonic() - start
                return
            if self.app.proc.poll() is not None or time.monotonic() - start > timeout:
                link = self.cloud.links[0]
                pytest.fail(f"{what}: not within {timeout:g} s; cloud: {self.cloud.status()} "
                            f"(refused {link.refused}); app exit code {self.app.proc.poll()}; app log:\n"
                            f"{self.app.tail()}")
            time.sleep(0.005)

    def settle(self) -> None:
        self.hud.advance(SETTLE)
        self.cloud.frame(self.hud.session)

    def main_card(self) -> ev.ShowCard | None:
        shown = self.hud.state.cards.main
        return shown.card if shown is not None else None

    def shows(self, layout: str, **fields: str) -> Callable[[], bool]:
        def check() -> bool:
            card = self.main_card()
            return (card is not None and card.layout == layout and card.app == PACKAGE
                    and all(getattr(card, k) == v for k, v in fields.items()))
        return check


def test_a_real_mentraos_app_drives_the_panel_and_hears_the_wearer(hud: Any, node: str, tmp_path: Path) -> None:
    hud.load(scenario="empty.yaml", device=DEVICE, size=(640, 360))
    started = time.monotonic()
    with running_app(node, tmp_path / "app.log") as app:
        cloud = MentraCloud([app.url], host="127.0.0.1", port=0).start()
        try:
            script = Script(hud, cloud, app)
            link = cloud.links[0]

            # The webhook starts the app's session: it connects, subscribes and shows its text wall.
            script.until("the app's first text wall", script.shows("text_wall", text="Hello from a MentraOS app"))
            assert (link.state, link.package) == ("connected", PACKAGE), cloud.status()
            script.until("the app's subscriptions", lambda: len(link.subscriptions) == 3)
            assert set(link.subscriptions) == {"touch_event", "transcription:en-US", "button_press"}
            script.settle()
            hud.assert_snapshot("text-wall")

            # A tap in hud reaches the app as touch_event single_tap; it answers with a reference card.
            hud.gesture("tap")
            script.until("the reference card after a tap",
                         script.shows("reference_card", title="Tapped", text="tap number 1"))
            script.settle()
            hud.assert_snapshot("reference-card")

            # A typed sentence reaches it as a transcription, interim results first; it answers the final one.
            hud.say("hello glasses")
            script.until("the text wall answering a sentence", script.shows("text_wall", text="Heard: hello glasses"))
            script.settle()

            # A sentence naming the bitmap: the app sends its BMP (padded and made 1-bit by the SDK).
            hud.say("show the bitmap")
            script.until("the bitmap", script.shows("bitmap"))
            assert _polarity(script.main_card()) == "right", "the SDK's bitmap is shown inverted"
            script.settle()
            hud.assert_snapshot("bitmap")

            # A button press is heard too (nothing is shown for it).
            hud.push(ev.Button(button="main"))
            script.until("the button press", lambda: bool(app.heard("button_press")))
            assert link.refused == 0 and not link.error, f"the cloud refused the app's messages: {link.error}"
        finally:
            cloud.stop()
        stopped = time.monotonic()
        # stop_request reached the app's webhook (its onStop ran).
        deadline = time.monotonic() + STEP_TIMEOUT
        while not app.heard("stop") and time.monotonic() < deadline and app.proc.poll() is None:
            time.sleep(0.01)
        records = app.records()
    print(f"timings (s): {json.dumps({k: round(v, 3) for k, v in script.timings.items()})}; "
          f"whole run {stopped - started:.2f} s")

    heard = [r for r in records if "heard" in r]
    sessions = [r for r in heard if r["heard"] == "session"]
    assert [(r["sessionId"], r["userId"]) for r in sessions] == [(link.session_id, cloud.user_id)], records
    assert [r["gesture_name"] for r in heard if r["heard"] == "touch_event"] == ["single_tap"], records

    transcriptions = [(r["text"], r["isFinal"]) for r in heard if r["heard"] == "transcription"]
    finals = [i for i, (_, final) in enumerate(transcriptions) if final]
    assert [transcriptions[i][0] for i in finals] == ["hello glasses", "show the bitmap"], transcriptions
    first, second = transcriptions[: finals[0] + 1], transcriptions[finals[0] + 1: finals[1] + 1]
    for utterance in (first, second):
        *interims, (text, _) = utterance
        assert interims, f"no interim result before the final {text!r}: {transcriptions}"
        assert all(not final and text.startswith(part) and part != text for part, final in interims), transcriptions

    assert [(r["buttonId"], r["pressType"]) for r in heard if r["heard"] == "button_press"] == [("main", "short")]
    assert [r for r in heard if r["heard"] == "stop"], f"stop_request did not reach the app:\n{app.tail()}"
    assert [r["shown"] for r in records if "shown" in r] == ["text_wall", "reference_card", "text_wall",
                                                            "bitmap_view"], records


def _polarity(card: ev.ShowCard | None) -> str:
    """'right' when the app's white-on-black drawing is lit and the SDK's black padding dark, 'inverted'
    when the other way round; anything else fails (the picture is not the app's)."""
    assert card is not None and card.layout == "bitmap"
    with Image.open(io.BytesIO(base64.b64decode(card.data)), formats=("PNG",)) as image:
        grey = image.convert("L")
    assert grey.size == (576, 135), f"the SDK sends a 576 x 135 frame; hud shows {grey.size}"
    padding, shaft = (int(grey.getpixel(xy)) > 127 for xy in (PADDING, SHAFT))  # type: ignore[arg-type]
    assert padding != shaft, f"padding lit {padding}, arrow lit {shaft}: not the app's picture"
    return "right" if shaft else "inverted"

