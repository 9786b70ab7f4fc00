"""The push server in a process of its own: the same answers as the thread, a frame loop that is
asked for nothing while the child reads, and a frame loop that lives on when the child dies."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as sconnect

from hud import events as ev
from hud.push.process import PushServerProcess
from hud.push.server import PushServerError


def _connect(url: str) -> ClientConnection:
    return sconnect(url, proxy=None, compression=None, open_timeout=5)


def _recv(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    reply: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
    return reply


def _drain_until(server: PushServerProcess, count: int, timeout: float = 5.0) -> list[Any]:
    deadline = time.monotonic() + timeout
    items: list[Any] = []
    while len(items) < count:
        assert time.monotonic() < deadline, f"got {len(items)} of {count} messages"
        items += server.drain()
        time.sleep(0.01)
    return items


@pytest.fixture
def server() -> Iterator[PushServerProcess]:
    with PushServerProcess("127.0.0.1", 0) as s:
        yield s


def test_a_message_is_checked_in_the_child_and_drained_by_the_frame_loop(server: PushServerProcess) -> None:
    with _connect(server.url) as ws:
        ws.send(json.dumps({"type": "notify", "id": 7, "app": "Chat", "title": "Lunch?"}))
        (item,) = _drain_until(server, 1)
        assert item.id == 7 and isinstance(item.events[0], ev.Notify) and item.events[0].title == "Lunch?"
        assert abs(item.received - time.perf_counter()) < 5.0  # one clock for both processes (latency figures)
        server.reply(item.client, {"type": "ack", "id": 7, "coalesced": 0, "applied_at": 1.0})
        server.flush()
        assert _recv(ws) == {"type": "ack", "id": 7, "coalesced": 0, "applied_at": 1.0}
        assert server.clients == 1 and server.received == 1


def test_a_bad_message_is_answered_by_the_child_without_the_frame_loop(server: PushServerProcess) -> None:
    with _connect(server.url) as ws:
        ws.send('{"type": "notify", "id": 3, "app": 1}')
        reply = _recv(ws)  # nobody drained: the child answers errors itself
        assert reply["type"] == "error" and reply["id"] == 3 and "'app'" in reply["reason"]
    assert server.drain() == []
    deadline = time.monotonic() + 5
    while server.refused != 1:  # the child's counters come with its answer to a drain: a frame later
        assert time.monotonic() < deadline
        time.sleep(0.01)
        assert server.drain() == []


def test_broadcasts_and_the_retained_display_reach_every_client(server: PushServerProcess) -> None:
    with _connect(server.url) as first:
        first.send('{"type": "hello", "id": 1}')
        assert _recv(first)["type"] == "ack"
        server.retain({"type": "display", "text": "kept"})
        server.broadcast({"type": "display", "text": "now"})
        server.flush()
        assert _recv(first) == {"type": "display", "text": "now"}
        with _connect(server.url) as second:
            assert _recv(second) == {"type": "display", "text": "kept"}  # a newcomer is told at once


def test_replies_wait_for_the_next_drain_when_not_flushed(server: PushServerProcess) -> None:
    with _connect(server.url) as ws:
        ws.send('{"type": "hello", "id": 1}')
        _recv(ws)
        server.broadcast({"type": "display", "text": "later"})
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.3)
        server.drain()
        assert _recv(ws) == {"type": "display", "text": "later"}


def test_the_child_reads_a_share_a_frame_then_waits_for_the_next_drain() -> None:
    with PushServerProcess("127.0.0.1", 0, intake_per_frame=4, frame_wait=60.0) as server, \
            _connect(server.url) as ws:
        for i in range(10):
            ws.send(json.dumps({"type": "status", "id": i, "battery_main": i}))
        time.sleep(0.5)  # time to read all ten: the child takes four and waits for a drain
        drains = []
        deadline = time.monotonic() + 10
        while sum(len(d) for d in drains) < 10:
            assert time.monotonic() < deadline
            drains.append([item.id for item in server.drain()])
            time.sleep(0.05)
        assert drains[0] == [0, 1, 2, 3]
        assert all(len(d) <= 4 for d in drains) and [i for d in drains for i in d] == list(range(10))


def test_unsafe_options_are_refused_before_any_process_starts() -> None:
    with pytest.raises(PushServerError, match="without a token"):
        PushServerProcess("0.0.0.0", 0)
    with pytest.raises(PushServerError, match="must not be empty"):
        PushServerProcess(token="")


def test_a_busy_port_is_the_childs_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PushServerError, match=f"cannot listen on 127.0.0.1:{port}"):
            PushServerProcess("127.0.0.1", port).start()


def test_when_the_child_dies_the_frame_loop_lives_on_and_says_why(server: PushServerProcess) -> None:
    assert server.pid is not None
    os.kill(server.pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while server.drain() == [] and server.failure is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert server.failure is not None and "ended" in server.failure and "-9" in server.failure
    server.broadcast({"type": "display", "text": "nobody hears this"})  # no exception: like a client gone
    server.flush()
    assert server.drain() == []


def test_stop_ends_the_child(server: PushServerProcess) -> None:
    pid = server.pid
    assert pid is not None
    server.stop()
    assert server.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    server.stop()  # twice is harmless
    with pytest.raises(PushServerError, match="not running"):
        server.broadcast({"type": "display"})


def _script(tmp_path: Any, body: str) -> list[str]:
    path = tmp_path / "user_script.py"
    path.write_text(body)
    return [sys.executable, str(path)]


def test_a_users_script_without_a_main_guard_can_start_it(tmp_path: Any) -> None:
    """The child is `python -m hud.push.process`, not multiprocessing's spawn (which runs the
    parent's script again and fails without `if __name__ == "__main__":`)."""
    argv = _script(tmp_path, "from hud.push.process import PushServerProcess\n"
                             "server = PushServerProcess('127.0.0.1', 0).start()\n"
                             "print(server.url)\n"
                             "server.stop()\n")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ws://127.0.0.1:") and "Traceback" not in done.stderr


def test_the_child_ends_when_its_parent_is_killed(tmp_path: Any) -> None:
    argv = _script(tmp_path, "import time\n"
                             "from hud.push.process import PushServerProcess\n"
                             "server = PushServerProcess('127.0.0.1', 0).start()\n"
                             "print(server.pid, flush=True)\n"
                             "time.sleep(60)\n")
    parent = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        parent.kill()  # no stop(), no atexit: its end of the socket pair just closes
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _alive(child):
            assert time.monotonic() < deadline, "the push server's process outlived its parent"
            time.sleep(0.05)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie (not reaped by init yet) has ended
    except FileNotFoundError:
        return False


def test_push_server_runs_its_own_process_where_it_can_and_a_thread_elsewhere(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from hud.push import process
    from hud.push.server import PushServer

    server = process.push_server("127.0.0.1", 0)
    try:
        assert isinstance(server, PushServerProcess) and server.pid is not None
    finally:
        server.stop()
    monkeypatch.setattr(process, "CAN_INHERIT", False)  # (a system without pass_fds, such as Windows)
    thread = process.push_server("127.0.0.1", 0)
    try:
        assert isinstance(thread, PushServer) and thread.url.startswith("ws://127.0.0.1:")
    finally:
        thread.stop()


def test_a_message_the_child_cannot_hand_over_still_gets_its_one_reply(tmp_path: Any,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug's guard: an event that cannot be pickled is answered with an error, and the server
    carries on (run in a child whose parser makes such an event, through a sitecustomize)."""
    (tmp_path / "sitecustomize.py").write_text(
        "import hud.push.messages as m\n"
        "original = m._event\n"
        "def _event(name, data):\n"
        "    event = original(name, data)\n"
        "    if getattr(event, 'title', '') == 'unpicklable':\n"
        "        object.__setattr__(event, 'title', lambda: None)\n"
        "    return event\n"
        "m._event = _event\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH")) if p))
    with PushServerProcess("127.0.0.1", 0) as server, _connect(server.url) as ws:
        ws.send(json.dumps({"type": "notify", "id": 1, "app": "A", "title": "unpicklable"}))
        deadline = time.monotonic() + 5
        while True:
            assert time.monotonic() < deadline
            server.drain()
            try:
                reply = _recv(ws, 0.05)
                break
            except TimeoutError:
                continue
        assert reply["type"] == "error" and reply["id"] == 1 and "internal error" in reply["reason"]
        ws.send(json.dumps({"type": "notify", "id": 2, "app": "A", "title": "fine"}))
        assert [item.id for item in _drain_until(server, 1)] == [2]


def test_rendered_lets_the_child_read_the_next_share_before_the_next_drain() -> None:
    with PushServerProcess("127.0.0.1", 0, intake_per_frame=4, frame_wait=60.0) as server, \
            _connect(server.url) as ws:
        for i in range(10):
            ws.send(json.dumps({"type": "status", "id": i, "battery_main": i}))
        time.sleep(0.5)
        assert [item.id for item in server.drain()] == [0, 1, 2, 3]
        server.rendered()  # the frame is drawn: the next four are read while the loop would sleep
        time.sleep(0.5)
        assert [item.id for item in server.drain()] == [4, 5, 6, 7]  # all here, none waits a frame more
        time.sleep(0.5)
        assert server.drain() == []  # no rendered(): this drain opens the share, its messages come next
        time.sleep(0.5)
        assert [item.id for item in server.drain()] == [8, 9]


def test_the_child_imports_the_same_hud_without_putting_site_packages_first(monkeypatch: pytest.MonkeyPatch) -> None:
    import site

    from hud.push import process

    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    clone = process._child_environment()["PYTHONPATH"].split(os.pathsep)
    assert clone[0] == str(Path(process.__file__).resolve().parents[2]) and clone[1] == "/elsewhere"
    installed = Path(site.getsitepackages()[0]) / "hud" / "push" / "process.py"
    monkeypatch.setattr(process, "__file__", str(installed))
    assert process._child_environment()["PYTHONPATH"] == "/elsewhere"  # found there anyway, after the stdlib
