"""As a team would use it: hud runs in its own process, another program pushes and hears back."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from test_push_support import Glasses

from hud import paths
from hud.cli import main
from hud.push.client import exchange, send
from hud.push.messages import Accepted, parse


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_separate_process_pushes_a_notification_and_hears_the_tap(tmp_path) -> None:
    port = free_port()
    hud = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--headless", "--serve", "--port", str(port),
                            "--seconds", "20", "--size", "320x180", "--scenario", "empty.yaml",
                            "--record-events", str(tmp_path / "run.jsonl")],
                           cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"ws://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                replies = send([{"type": "notify", "id": 1, "app": "Chat", "title": "From another process"}], url)
                break
            except ConnectionError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert (replies[0]["type"], replies[0]["id"]) == ("ack", 1)
        # The wearer taps (here pushed by a second client); every connected program hears it.
        done = asyncio.run(exchange([{"type": "gesture", "id": 2, "kind": "tap"}], url, listen=1.0))
        assert (done.replies[0]["type"], done.replies[0]["id"]) == ("ack", 2)
        assert any(m["type"] == "gesture" and m["kind"] == "tap" for m in done.heard), done.heard
    finally:
        hud.terminate()
        hud.wait(timeout=10)
    recorded = (tmp_path / "run.jsonl").read_text()
    assert '"event": "notify"' in recorded and '"kind": "tap"' in recorded


def test_push_command_without_a_server_exits_2(capsys) -> None:
    assert main(["push", '{"type": "clear", "id": 1}', "--url", f"ws://127.0.0.1:{free_port()}"]) == 2
    assert "cannot connect" in capsys.readouterr().err


def test_serving_on_a_public_address_needs_a_token(capsys) -> None:
    assert main(["--headless", "--serve", "--host", "0.0.0.0", "--seconds", "0.1", "--size", "320x180"]) == 1
    assert "token" in capsys.readouterr().err


# -- hostile paths ------------------------------------------------------------------------------------
SECRET = "SECRET-4b9e-never-in-a-reply"


def _wait(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _hostile_tree(base: Path) -> tuple[Path, Path]:
    """allowed/ (given with --allow) and outside/ (not a root), holding what an attacker would name."""
    allowed, outside = base / "allowed", base / "outside"
    allowed.mkdir()
    outside.mkdir()
    shutil.copy(paths.LAYOUTS / "compact.yaml", allowed / "good.yaml")
    key = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{SECRET}\n-----END OPENSSH PRIVATE KEY-----\n"
    (outside / "id_rsa").write_text(key)
    (outside / ".env").write_text(f"API_TOKEN={SECRET}\n")
    (outside / "stolen.yaml").write_text(f"name: {SECRET}\nwidgets: {SECRET}\n")
    with (allowed / "big.yaml").open("wb") as f:
        f.truncate(20 * 1024 * 1024)  # 20 MB as far as stat can tell; never read
    os.mkfifo(allowed / "pipe.yaml")  # opening it for reading would block until a writer comes: never opened
    (allowed / "escape.yaml").symlink_to(outside / "stolen.yaml")
    (allowed / "nan.yaml").write_text(re.sub(r"brightness: [0-9.]+", "brightness: .nan",
                                             (paths.LAYOUTS / "default.yaml").read_text(), count=1))
    return allowed, outside


def _assert_clean(reason: str) -> None:
    """One line, short, and nothing of the files it is about."""
    assert "\n" not in reason and len(reason) < 1000, reason
    assert SECRET not in reason and "root:x:0" not in reason and "PRIVATE KEY" not in reason, reason


def test_hostile_set_layouts_get_one_line_errors_and_the_display_keeps_its_layout(tmp_path: Path) -> None:
    allowed, outside = _hostile_tree(tmp_path)
    good = str((allowed / "good.yaml").resolve())
    hostile = {
        "etc-passwd": ("/etc/passwd", "is outside the allowed folders"),
        "dot-dot": ("../../../../../../../../etc/passwd", "is outside the allowed folders"),
        "private-key": (str(outside / "id_rsa"), "is outside the allowed folders"),
        "dot-env": (str(outside / ".env"), "is outside the allowed folders"),
        "key-by-dot-dot": (str(allowed / ".." / "outside" / "id_rsa"), "is outside the allowed folders"),
        "20-MB": (str(allowed / "big.yaml"), "bytes; a layout may have at most 1,048,576 bytes"),
        "fifo": (str(allowed / "pipe.yaml"), "is a FIFO, not a regular file"),
        "dev-zero": ("/dev/zero", "is outside the allowed folders"),
        "proc-environ": ("/proc/self/environ", "is outside the allowed folders"),
        "symlink-escape": (str(allowed / "escape.yaml"), "leads outside the allowed folders"),
        "nan-brightness": (str(allowed / "nan.yaml"), "brightness"),
        "missing": (str(allowed / "nope.yaml"), "not found"),
    }
    glasses = Glasses(allow=(allowed,))
    try:
        first = send([{"type": "set_layout", "id": "good", "path": good}], glasses.url)
        assert first == [{"type": "ack", "id": "good", "coalesced": 0, "applied_at": first[0]["applied_at"]}]
        _wait(lambda: str(glasses.call(lambda s: s.layout.path)) == good)
        done = asyncio.run(exchange([{"type": "set_layout", "id": name, "path": path}
                                     for name, (path, _) in hostile.items()], glasses.url, timeout=20, listen=0.5))
        replies = {r["id"]: r for r in done.replies}
        for name, (_, expected) in hostile.items():
            reply = replies[name]
            assert reply["type"] == "error", (name, reply)
            assert reply["reason"].startswith("'path'") and expected in reply["reason"], (name, reply["reason"])
            _assert_clean(reply["reason"])
        assert SECRET not in json.dumps(done.heard)
        assert glasses.failure is None
        assert str(glasses.call(lambda s: s.layout.path)) == good  # the last good layout stays
        # ... and the glasses still take a good one.
        assert send([{"type": "set_layout", "id": 9, "path": "layouts/default.yaml"}], glasses.url)[0]["type"] == "ack"
        _wait(lambda: glasses.call(lambda s: s.layout.path.name) == "default.yaml")
    finally:
        glasses.close()


def test_an_existing_outside_path_gets_the_same_reply_as_a_missing_one(tmp_path: Path) -> None:
    allowed, outside = _hostile_tree(tmp_path)
    pairs = [("/etc/passwd", "/etc/no-such-passwd"), (str(outside / "id_rsa"), str(outside / "no-such-key")),
             (str(outside / ".env"), str(outside / ".no-such-env")), (str(outside), str(tmp_path / "no-such-dir")),
             ("../outside/id_rsa", "../outside/no-such-key")]
    glasses = Glasses(allow=(allowed,))
    try:
        texts = [path for pair in pairs for path in pair]
        replies = send([{"type": "set_layout", "id": i, "path": path} for i, path in enumerate(texts)], glasses.url)
        reasons = {r["id"]: r["reason"].replace(repr(texts[r["id"]]), "PATH") for r in replies}
        for i in range(0, len(texts), 2):
            assert reasons[i] == reasons[i + 1], (texts[i], texts[i + 1])
            if Path(texts[i]).is_absolute():
                assert Path(texts[i]).exists() and "is outside the allowed folders" in reasons[i]
            # a relative name is looked for inside each root (assets/scenarios/../outside/id_rsa lies in
            # assets/), where 'id_rsa' is refused by its name: also before anything is looked at
    finally:
        glasses.close()


def test_a_clients_messages_after_a_set_layout_wait_for_it(tmp_path: Path) -> None:
    glasses = Glasses()
    try:
        replies = send([{"type": "set_layout", "id": 1, "path": "compact.yaml"},
                        {"type": "notify", "id": 2, "app": "Chat", "title": "after the layout"},
                        {"type": "set_layout", "id": 3, "path": "/etc/passwd"},
                        {"type": "notify", "id": 4, "app": "Chat", "title": "after the refusal"}], glasses.url)
        assert [(r["type"], r["id"]) for r in replies] == [("ack", 1), ("ack", 2), ("error", 3), ("ack", 4)]
    finally:
        glasses.close()


def test_the_network_thread_never_opens_a_pushed_path(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result: list[Any] = []
    parser = threading.Thread(target=lambda: result.append(parse(json.dumps(
        {"type": "set_layout", "id": 1, "path": str(fifo)}))), name="test-parse")
    parser.start()
    parser.join(10)
    if parser.is_alive():  # it opened the FIFO: let it go before failing
        with open(fifo, "w"):
            pass
        parser.join(5)
        pytest.fail("parsing a set_layout opened its file")
    assert isinstance(result[0], Accepted)


def test_allow_must_name_an_existing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--headless", "--serve", "--allow", str(tmp_path / "typo"), "--seconds", "0.1"])
    assert exited.value.code == 2
    assert "is not a folder" in capsys.readouterr().err


def test_allow_lets_a_separate_process_show_a_layout_from_that_folder_only(tmp_path: Path) -> None:
    allowed, outside = _hostile_tree(tmp_path)
    port = free_port()
    hud = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--headless", "--serve", "--port", str(port),
                            "--seconds", "30", "--size", "320x180", "--scenario", "empty.yaml",
                            "--allow", str(allowed)],
                           cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"ws://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                replies = send([{"type": "set_layout", "id": 1, "path": str(allowed / "good.yaml")},
                                {"type": "set_layout", "id": 2, "path": str(outside / "id_rsa")},
                                {"type": "set_layout", "id": 3, "path": "/proc/self/environ"}], url, timeout=20)
                break
            except ConnectionError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert [(r["type"], r["id"]) for r in replies] == [("ack", 1), ("error", 2), ("error", 3)]
        for reply in replies[1:]:
            assert "is outside the allowed folders" in reply["reason"]
            _assert_clean(reply["reason"])
        assert hud.poll() is None  # still serving
    finally:
        hud.terminate()
        _, err = hud.communicate(timeout=10)
    assert SECRET not in err


# -- payment phases ------------------------------------------------------------------------------------
def test_payment_steps_sent_together_each_get_their_phase_message() -> None:
    glasses = Glasses()
    try:
        done = asyncio.run(exchange([
            {"type": "pay", "id": 1, "step": "detect", "merchant": "Cafe", "amount": 32, "currency": "CNY",
             "verify_seconds": 5},
            {"type": "pay", "id": 2, "step": "confirm", "by": "tap"},
            {"type": "pay", "id": 3, "step": "result", "ok": False, "reason": "declined"}], glasses.url, listen=1.0))
        assert [r["type"] for r in done.replies] == ["ack", "ack", "ack"]
        phases = [(m["phase"], m["by"], m["reason"]) for m in done.heard if m["type"] == "payment"]
        assert phases == [("detected", "", ""), ("verifying", "tap", ""), ("failed", "tap", "declined")]
    finally:
        glasses.close()
