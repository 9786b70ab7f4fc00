"""`python main.py push`: replies one JSON line each, exit 0 when all were acknowledged, 1 when any
was refused, 2 when the glasses cannot be reached; and `send()` for programs."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES
from test_push_support import Glasses

from hud.push import client
from hud.push.client import PushConnectError, run_push, send

NOTE = '{"type": "notify", "id": 1, "app": "Chat", "title": "Lunch?"}'


@pytest.fixture(scope="module")
def glasses() -> Iterator[Glasses]:
    g = Glasses(token=None)
    yield g
    g.close()


def _run(**kwargs: object) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_push(out=out, err=err, **kwargs)  # type: ignore[arg-type]
    return code, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_all_acknowledged_is_exit_0(glasses: Glasses) -> None:
    code, lines, err = _run(messages=[NOTE], url=glasses.url)
    assert (code, err) == (0, "")
    assert [(r["type"], r["id"], r["coalesced"]) for r in lines] == [("ack", 1, 0)]


def test_a_refused_message_is_exit_1_and_the_others_still_go(glasses: Glasses) -> None:
    code, lines, _ = _run(messages=['{"type": "notfy", "id": 2}', NOTE], url=glasses.url)
    assert code == 1
    assert sorted((r["type"], r["id"]) for r in lines) == [("ack", 1), ("error", 2)]
    assert next(r for r in lines if r["type"] == "error")["reason"].startswith("unknown message type 'notfy'")


def test_no_glasses_is_exit_2_with_a_clear_message() -> None:
    port = _free_port()
    code, lines, err = _run(messages=[NOTE], url=f"ws://127.0.0.1:{port}", timeout=2)
    assert (code, lines) == (2, [])
    assert err.startswith(f"push: cannot connect to ws://127.0.0.1:{port}: ")
    assert err.rstrip().endswith("is hud running, with its push server on?")
    with pytest.raises(PushConnectError):
        send([NOTE], f"ws://127.0.0.1:{port}")


def test_a_file_of_messages_one_per_line(glasses: Glasses) -> None:
    code, lines, _ = _run(file=str(FIXTURES / "push" / "events.jsonl"), url=glasses.url)
    assert code == 0
    assert sorted(r["id"] for r in lines) == ["c1", "c2", "c3", "d1", "m1", "n1"]


def test_unreadable_input_is_exit_2(tmp_path: Path) -> None:
    code, _, err = _run(file=str(tmp_path / "missing.jsonl"))
    assert code == 2 and err.startswith(f"push: cannot read {tmp_path / 'missing.jsonl'}: No such file")
    code, _, err = _run(messages=[])
    assert code == 2 and "nothing to send" in err


def test_an_oversized_message_is_not_sent_and_the_rest_are(glasses: Glasses) -> None:
    big = json.dumps({"type": "say", "text": "x" * 70_000})
    code, lines, err = _run(messages=[NOTE, big], url=glasses.url)
    assert code == 1
    assert err == f"push: message 2 not sent: message is {len(big)} bytes; the limit is 65536\n"
    assert [r["type"] for r in lines] == ["ack"]


def test_the_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    g = Glasses(token="s3cret")
    try:
        monkeypatch.setenv(client.TOKEN_ENV, "s3cret")
        assert _run(messages=[NOTE], url=g.url)[0] == 0
        monkeypatch.setenv(client.TOKEN_ENV, "wrong")
        code, lines, err = _run(messages=[NOTE], url=g.url)
        assert code == 1
        assert lines == [{"type": "error", "id": "hello", "reason": "wrong token"}]
        assert "closed the connection (1008 authentication failed)" in err
    finally:
        g.close()


def test_listening_prints_what_the_glasses_send(glasses: Glasses) -> None:
    code, lines, _ = _run(messages=['{"type": "caption", "id": 5, "mode": "answer", "text": "On my way"}'],
                          url=glasses.url, listen=0.5)
    assert code == 0
    assert any(m["type"] == "display" and m["caption"]["text"] == "On my way" for m in lines)


def test_main_parses_the_command_line(glasses: Glasses, capsys: pytest.CaptureFixture[str]) -> None:
    assert client.main([NOTE, "--url", glasses.url, "--timeout", "3"]) == 0
    assert json.loads(capsys.readouterr().out)["type"] == "ack"


def test_building_the_command_line_imports_no_network_or_schema_library() -> None:
    """Every start builds `push`'s arguments; asyncio, websockets and jsonschema wait for a real push."""
    import subprocess
    import sys

    code = ("import sys; from hud.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('asyncio', 'websockets', 'jsonschema') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr
