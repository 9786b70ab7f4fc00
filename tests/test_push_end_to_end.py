"""As a team would use it: hud runs in its own process, another program pushes and hears back."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time

from conftest import ROOT

from hud.cli import main
from hud.push.client import exchange, send


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
