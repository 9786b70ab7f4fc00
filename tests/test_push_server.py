"""The push server on loopback: every bad input gets its clear answer, the server keeps serving the
other clients afterwards, memory stays bounded, and the wearer's gestures reach the clients."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from test_push_messages import broken_png, png
from test_push_support import Glasses
from websockets.asyncio.client import connect as aconnect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as sconnect

from hud.push import messages
from hud.push import protocol as p
from hud.push.client import PushClosed, send
from hud.push.server import TRANSPORT_MAX_BYTES, PushServer, PushServerError, is_loopback

NOTE = {"type": "notify", "app": "Chat", "title": "Lunch?"}


@pytest.fixture(params=["thread", "process"])
def glasses(request: pytest.FixtureRequest) -> Iterator[Glasses]:
    """Glasses with the server as a thread of the frame loop's process, and in a process of its own
    (as the app runs it): every test that takes them holds for both."""
    g = Glasses(where=request.param)
    yield g
    g.close()


def _connect(url: str, **options: Any) -> ClientConnection:
    return sconnect(url, proxy=None, compression=None, open_timeout=5, **options)


def _recv(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    return json.loads(ws.recv(timeout=timeout))


def _recv_until(ws: ClientConnection, want: Callable[[dict[str, Any]], bool], timeout: float = 5.0) -> dict[str, Any]:
    """The first message `want`s, skipping the others (display updates come and go)."""
    deadline = time.monotonic() + timeout
    while True:
        msg = _recv(ws, max(0.01, deadline - time.monotonic()))
        if want(msg):
            return msg


def _wait(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


# -- binding and authentication -----------------------------------------------------------------
def test_listening_beyond_loopback_needs_a_token() -> None:
    for host in ("0.0.0.0", "192.168.1.20", "::", "", "glasses.local"):
        with pytest.raises(PushServerError, match=r"refusing to listen on .* without a token: anyone who can reach"):
            PushServer(host, 0)
    PushServer("0.0.0.0", 0, token="s3cret")  # allowed (not started: tests stay on loopback)
    with pytest.raises(PushServerError, match="must not be empty"):
        PushServer(token="")
    assert [is_loopback(h) for h in ("127.0.0.1", "127.8.0.1", "::1", "localhost")] == [True] * 4


def test_a_busy_port_is_a_clear_error() -> None:
    with PushServer("127.0.0.1", 0) as first:
        with pytest.raises(PushServerError, match=rf"cannot listen on 127\.0\.0\.1:{first.port}: "):
            PushServer("127.0.0.1", first.port).start()
        with _connect(first.url):  # the first one still listens
            pass


def test_a_token_must_come_first_in_hello() -> None:
    g = Glasses(token="s3cret", hello_timeout=0.3)
    try:
        with pytest.raises(PushClosed) as wrong:
            send([NOTE], g.url, token="guess")
        assert (wrong.value.code, wrong.value.reason) == (1008, "authentication failed")
        assert wrong.value.replies == [{"type": "error", "id": "hello", "reason": "wrong token"}]
        assert send([NOTE | {"id": 1}], g.url) == [  # its one reply, then the connection is closed
            {"type": "error", "id": 1, "reason": "authentication required: send hello with the token before 'notify'"}]
        with _connect(g.url) as ws:  # silent: refused after hello_timeout
            assert _recv(ws)["reason"] == "authentication required: no hello within 0.3 s"
            with pytest.raises(ConnectionClosed):
                ws.recv(timeout=5)
            assert ws.close_code == 1008
        (ack,) = send([NOTE | {"id": "n"}], g.url, token="s3cret")
        assert ack["type"] == "ack" and ack["id"] == "n"
    finally:
        g.close()


# -- bad input, and serving on afterwards -------------------------------------------------------
def test_bad_messages_get_errors_and_the_connection_stays_open(glasses: Glasses) -> None:
    with _connect(glasses.url) as ws:
        assert _recv(ws)["type"] == "display"  # what the display shows, first thing
        ws.send('{"type": "notify" "app": 1}')
        assert _recv(ws) == {"type": "error", "id": None,
                             "reason": "malformed JSON at line 1 column 19: Expecting ',' delimiter"}
        ws.send(json.dumps(NOTE | {"id": 7, "duration": "soon"}))
        assert _recv(ws) == {"type": "error", "id": 7, "reason": "'duration' must be a number, got string \"soon\""}
        ws.send(b"\x00\x01")
        assert _recv(ws)["reason"].startswith("binary frames are not accepted")
        ws.send(json.dumps(NOTE | {"id": 8}))
        ack = _recv_until(ws, lambda m: m["type"] == "ack")
        assert ack["id"] == 8 and ack["coalesced"] == 0 and isinstance(ack["applied_at"], float)
    assert glasses.call(lambda s: s.state.notes.current.title) == "Lunch?"


def test_a_1_MB_message_closes_only_its_connection(glasses: Glasses) -> None:
    """Beyond the transport's limit (256 kB) a frame is not even read: the close says why, and nothing else."""
    big = json.dumps({"type": "say", "text": "x" * (1 << 20)})
    with _connect(glasses.url) as other:
        with pytest.raises(PushClosed) as closed:
            send([big], glasses.url)
        assert closed.value.code == 1009
        assert closed.value.reason == f"frame with {len(big)} bytes exceeds limit of {TRANSPORT_MAX_BYTES} bytes"
        assert closed.value.replies == []
        # The server carries on, for the clients it had and for new ones.
        other.send(json.dumps(NOTE | {"id": "still"}))
        assert _recv_until(other, lambda m: m["type"] == "ack")["id"] == "still"
    assert [r["type"] for r in send([NOTE], glasses.url)] == ["ack"]


def test_a_message_over_64_kB_gets_its_error_then_the_close(glasses: Glasses) -> None:
    """One reply per message, also for one too big: the error names the size and the limit, then 1009."""
    big = json.dumps({"type": "say", "id": 1, "text": "确" * 30000}, ensure_ascii=False)
    size = len(big.encode())
    with _connect(glasses.url) as ws, _connect(glasses.url) as other:
        assert _recv(ws)["type"] == "display"
        ws.send(big)
        reply = _recv_until(ws, lambda m: m["type"] != "display")  # (a display update may come first)
        assert reply == {"type": "error", "id": None, "reason": f"message is {size} bytes; the limit is 65536"}
        with pytest.raises(ConnectionClosed):
            _recv(ws)
        assert (ws.close_code, ws.close_reason) == (1009, f"message is {size} bytes; the limit is 65536")
        other.send(json.dumps(NOTE | {"id": "still"}))
        assert _recv_until(other, lambda m: m["type"] == "ack")["id"] == "still"


def test_text_that_utf8_cannot_carry_is_refused_and_the_server_lives(glasses: Glasses) -> None:
    """A lone surrogate once ended the process after its ack; a dashboard card holding one stopped every
    new client from getting its first message. Both are refused at the edge, naming the field."""
    replies = send(['{"type":"notify","id":1,"app":"A","title":"\\ud800"}',
                    {"type": "set_device", "id": 2, "name": "even-g2"},
                    '{"type":"show","id":3,"layout":"dashboard_card","left":"a","right":"\\udfff","view":"dashboard"}',
                    NOTE | {"id": 4}], glasses.url)
    by_id = {r["id"]: r for r in replies}
    assert by_id[1]["reason"].startswith("'title' holds a lone surrogate (U+D800) at character 0: ")
    assert by_id[3]["reason"].startswith("'right' holds a lone surrogate (U+DFFF) at character 0: ")
    assert (by_id[2]["type"], by_id[4]["type"]) == ("ack", "ack")
    _wait(lambda: glasses.call(lambda s: s.state.notes.current is not None))
    with _connect(glasses.url) as late:
        assert _recv(late)["type"] == "display"
    assert glasses.failure is None


def test_one_message_that_cannot_be_encoded_never_stops_sending() -> None:
    """The last line behind the edge: what the frame loop retains, replies or broadcasts is always sent."""
    with PushServer("127.0.0.1", 0) as server:
        server.retain({"type": "display", "note": "\udfff"})
        with _connect(server.url) as ws:
            assert _recv(ws) == {"type": "display", "note": "\udfff"}  # escaped in JSON, so sendable
            server.broadcast('{"type": "display", "note": "a\ud800"}')
            assert _recv(ws) == {"type": "display", "note": "a\ud800"}
            server.broadcast({"type": "display", "note": object()})  # not JSON: logged, not sent, nothing raised
            server.retain({"type": "display", "note": {1, 2}})
            server.broadcast({"type": "display", "note": "ok"})
            assert _recv(ws) == {"type": "display", "note": "ok"}


def test_a_bitmap_with_broken_data_is_refused_and_the_server_lives(glasses: Glasses) -> None:
    card = {"type": "show", "layout": "bitmap", "view": "main"}
    replies = send([card | {"id": 1, "data": broken_png()}, card | {"id": 2, "data": png((64, 32))}], glasses.url)
    by_id = {r["id"]: r for r in replies}
    assert by_id[1]["type"] == "error" and by_id[1]["reason"].startswith("'data' is a broken PNG: ")
    assert by_id[2]["type"] == "ack"
    _wait(lambda: glasses.call(lambda s: s.state.cards.get("main") is not None))
    glasses.call(lambda s: s.render_composite())
    assert glasses.failure is None


def test_every_message_gets_exactly_one_reply(glasses: Glasses) -> None:
    """Invalid, unknown, binary, refused, hello and accepted messages: one reply each, matched by id."""
    sent: list[str | bytes] = [
        '{"type": "notify", "id": "json", "app" "x"}', '{"type": "teleport", "id": "unknown"}',
        json.dumps(NOTE | {"id": "field", "duration": "soon"}), json.dumps({"type": "hello", "id": "hello"}),
        json.dumps({"type": "hello", "id": "hello-token", "token": "unused"}),
        '{"type": "say", "id": "nul", "text": "a\\u0000"}', json.dumps(NOTE | {"id": "ok"}),
        json.dumps({"type": "caption", "id": "ok2", "mode": "answer", "text": "hi"}), b"binary",
    ]
    expected = ["json", "unknown", "field", "hello", "hello-token", "nul", "ok", "ok2", "binary"]
    with _connect(glasses.url) as ws:
        for frame in sent:
            ws.send(frame)
        ws.send(json.dumps(NOTE | {"id": "end"}))  # its ack comes after every reply to the messages above
        replies: list[dict[str, Any]] = []
        while not replies or replies[-1]["id"] != "end":
            replies.append(_recv_until(ws, lambda m: m["type"] in ("ack", "error")))
    ids = [r["id"] for r in replies[:-1]]
    assert sorted(str(i) for i in ids) == sorted(["None", "None", *expected[1:-1]]), ids  # malformed/binary: id null
    assert len(ids) == len(sent)


# -- who may connect: web pages, host names, idle sockets ---------------------------------------
def _handshake(port: int, host: str, origin: str | None = None) -> tuple[str, str]:
    """An opening handshake with exactly these headers; (status line, body)."""
    lines = ["GET / HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"]
    lines += [f"Origin: {origin}"] if origin is not None else []
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while chunk := s.recv(4096):
            answer += chunk
            if b" 101 " in answer.split(b"\r\n", 1)[0] and b"\r\n\r\n" in answer:
                break
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.split(b"\r\n", 1)[0].decode(), body.decode()


def test_a_web_page_origin_is_refused_unless_allowed() -> None:
    with PushServer("127.0.0.1", 0, allowed_origins=["http://localhost:3000"]) as server:
        with pytest.raises(InvalidStatus) as refused:
            _connect(server.url, origin="https://evil.example")
        response = refused.value.response
        assert response.status_code == 403
        assert response.body == (b"Origin 'https://evil.example' is not allowed: web pages may not drive the glasses "
                                 b"unless hud is started with --allow-origin for them\n")
        with _connect(server.url, origin="http://localhost:3000") as allowed, _connect(server.url) as program:
            for ws in (allowed, program):
                ws.send('{"type": "hello", "id": 1}')
                assert _recv(ws)["type"] == "ack"
        assert server.forbidden == 1 and server.received == 0


def test_only_loopback_host_names_pass_on_loopback() -> None:
    with PushServer("127.0.0.1", 0) as server:
        port = server.port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", "LOCALHOST", f"127.8.0.1:{port}", f"[::1]:{port}"):
            assert _handshake(port, host)[0] == "HTTP/1.1 101 Switching Protocols", host
        for host in (f"evil.example:{port}", "evil.example", f"192.168.1.20:{port}", "localhost.evil.example",
                     f"127.0.0.1:{port}x", "::1", ""):
            status, body = _handshake(port, host)
            assert status == "HTTP/1.1 403 Forbidden", host
            assert body == (f"Host {host!r} is not this push server's name (on loopback: localhost, 127.0.0.1 or "
                            f"[::1]); refused against DNS rebinding\n"), body
        status, body = _handshake(port, f"127.0.0.1:{port}", origin="null")
        assert (status, body) == ("HTTP/1.1 403 Forbidden", "Origin 'null' is not allowed: web pages may not drive "
                                                             "the glasses unless hud is started with --allow-origin "
                                                             "for them\n")


def test_beyond_loopback_the_listening_name_passes_too() -> None:
    server = PushServer("192.168.1.20", 0, token="s3cret")  # not started: the check alone
    assert server._handshake_problem(["192.168.1.20:8765"], []) is None
    assert server._handshake_problem(["localhost:8765"], []) is None
    assert "DNS rebinding" in str(server._handshake_problem(["evil.example:8765"], []))
    everywhere = PushServer("0.0.0.0", 0, token="s3cret")
    assert everywhere._handshake_problem(["10.0.0.7:8765"], []) is None
    assert everywhere._handshake_problem([f"{socket.gethostname()}:8765"], []) is None
    assert everywhere._handshake_problem(["evil.example"], []) is not None
    assert everywhere._handshake_problem(["localhost", "evil.example"], []) is not None  # two Host headers


def test_a_client_that_never_says_hello_is_closed() -> None:
    """Without a token, the first valid message of any kind is the hello; silence is closed after hello_timeout."""
    with PushServer("127.0.0.1", 0, hello_timeout=0.3) as server:
        with _connect(server.url) as quiet, _connect(server.url) as talker:
            talker.send(json.dumps(NOTE | {"id": 1}))  # valid: it has said hello (its ack waits for a frame loop)
            assert _recv(quiet) == {"type": "error", "id": None, "reason": (
                "no hello within 0.3 s: a client sends hello (or any valid message) first, also one that only "
                "listens")}
            with pytest.raises(ConnectionClosed):
                _recv(quiet)
            assert (quiet.close_code, quiet.close_reason) == (1008, "no hello within 0.3 s")
            talker.send('{"type": "hello", "id": 2}')  # still there, well after the timeout
            assert _recv(talker) == {"type": "ack", "id": 2, "coalesced": 0, "applied_at": None}
        assert server.quiet_closed == 1


def test_idle_sockets_cannot_take_every_client_slot() -> None:
    """32 silent sockets once locked everyone out; now at most `max_waiting` of them wait, and not for long."""
    with PushServer("127.0.0.1", 0, max_waiting=2, hello_timeout=60) as server, \
            _connect(server.url) as idle, _connect(server.url) as late_greeter:
        _wait(lambda: server.waiting_hello == 2)
        with _connect(server.url) as third, pytest.raises(ConnectionClosed):
            third.recv(timeout=5)
        assert (third.close_code, third.close_reason) == (1013, "too many connections waiting to say hello "
                                                                "(at most 2)")
        late_greeter.send('{"type": "hello", "id": "h"}')
        assert _recv(late_greeter)["type"] == "ack"
        _wait(lambda: server.waiting_hello == 1)
        with _connect(server.url) as fourth:
            fourth.send('{"type": "hello", "id": "h"}')
            assert _recv(fourth)["type"] == "ack"
            assert server.clients == 3 and server.waiting_hello == 1  # the idle one, still waiting
        idle.close()


def test_the_server_is_warm_before_it_listens() -> None:
    """The first message costs what the hundredth does: every validator is built and the checks' imports
    done in start() (measured: bench figures in the report; no timing here)."""
    with PushServer("127.0.0.1", 0):
        assert messages.warm_up.cache_info().currsize == 1
        # MentraOS's own messages are checked by hud.mentra.layouts (imported by the warm-up), not by a validator.
        assert p.validator.cache_info().currsize >= len(p.CLIENT_LEAVES) - len(messages.MENTRA_MESSAGES)
        assert "hud.mentra.layouts" in sys.modules


def test_a_client_that_disconnects_mid_message_is_harmless(glasses: Glasses) -> None:
    ws = _connect(glasses.url)
    # A masked text frame announcing 1000 bytes, then 10 of them, then the connection drops.
    header = bytes([0x81, 0x80 | 126]) + (1000).to_bytes(2, "big") + os.urandom(4)
    ws.socket.sendall(header + b"0123456789")
    ws.socket.shutdown(socket.SHUT_RDWR)
    ws.socket.close()
    # ... and one that sends the first fragment of a message and goes.
    ws2 = _connect(glasses.url)
    ws2.socket.sendall(bytes([0x01, 0x80 | 5]) + os.urandom(4) + b"abcde")
    ws2.socket.close()
    ws.close(), ws2.close()  # end the client library's own threads too
    _wait(lambda: glasses.server.clients == 0)
    assert [r["type"] for r in send([NOTE], glasses.url)] == ["ack"]
    assert glasses.server.drain() == []


def test_too_many_clients_are_told_to_come_back_later() -> None:
    with PushServer("127.0.0.1", 0, max_clients=1) as server, _connect(server.url) as first:
        first.send('{"type": "hello"}')
        _wait(lambda: server.clients == 1 and server.waiting_hello == 0)
        with _connect(server.url) as second, pytest.raises(ConnectionClosed):
            second.recv(timeout=5)
        assert (second.close_code, second.close_reason) == (1013, "too many clients (at most 1)")


# -- floods and bounds --------------------------------------------------------------------------
async def _flood(url: str, count: int, replies: int, timeout: float = 60.0) -> list[dict[str, Any]]:
    """Send `count` messages as fast as possible; collect `replies` replies."""
    got: list[dict[str, Any]] = []
    async with aconnect(url, proxy=None, compression=None) as ws:
        async def read() -> None:
            async for raw in ws:
                msg = json.loads(raw)
                if msg["type"] in ("ack", "error"):
                    got.append(msg)
                    if len(got) == replies:
                        return

        reader = asyncio.get_running_loop().create_task(read())
        for i in range(count):
            await ws.send(f'{{"type":"caption","id":{i},"mode":"answer","text":"word {i}"}}')
            if i % 64 == 63:  # let our reader run too: a client that never reads is closed, by design
                await asyncio.sleep(0)
        await asyncio.wait_for(reader, timeout)
    return got


def test_a_flood_into_a_full_inbox_gets_busy_errors_never_silence() -> None:
    """10,000 messages as fast as a client can send, and nobody drains: 100 wait, 9,900 are told 'busy'."""
    with PushServer("127.0.0.1", 0, inbox_size=100) as server:
        replies = asyncio.run(_flood(server.url, 10_000, 9_900))  # speed is bench --push's job, not a test's
        assert {r["type"] for r in replies} == {"error"}
        assert replies[0]["reason"] == ("busy: 100 messages are waiting for the display loop, which takes them once "
                                        "per frame; retry shortly")
        assert sorted(r["id"] for r in replies) == list(range(100, 10_000))
        assert server.waiting == 100 and server.busy == 9_900
        assert [item.id for item in server.drain()] == list(range(100))


def test_a_flood_through_the_frame_loop_is_coalesced_with_exact_counts(glasses: Glasses) -> None:
    replies = asyncio.run(_flood(glasses.url, 10_000, 10_000))
    assert len(replies) == 10_000 and {r["type"] for r in replies} == {"ack"}
    coalesced = glasses.call(lambda s: glasses.bridge.throttle.coalesced_total)
    assert sum(r["coalesced"] for r in replies) == coalesced
    superseded = sorted(i for r in replies for i in r.get("superseded", []))
    assert len(superseded) == coalesced and len(set(superseded)) == coalesced
    updates, pending = glasses.call(lambda s: (glasses.bridge.throttle.updates_total, glasses.bridge.throttle.pending))
    assert 10_000 - coalesced == updates + pending  # each display update takes the newest caption of its interval
    assert glasses.peak_waiting <= glasses.server.inbox_size and glasses.peak_pending <= 1
    _wait(lambda: glasses.call(lambda s: s.state.caption.text) == "word 9999")  # the newest won


def test_a_client_that_stops_reading_is_closed_not_buffered_forever() -> None:
    with PushServer("127.0.0.1", 0, reply_backlog=100, close_timeout=0.2) as server:
        ws = _connect(server.url)
        _wait(lambda: server.clients == 1)
        blob = json.dumps({"type": "display", "pad": "x" * 8000})
        for _ in range(5000):  # 40 MB: more than the sockets hold, so the replies back up
            server.broadcast(blob)
        _wait(lambda: server.slow_closed == 1)
        _wait(lambda: server.clients == 0)  # gone, once its closing handshake timed out
        ws.socket.close()
        ws.close()  # ends the client library's reader and keepalive threads


# -- hearing the wearer back --------------------------------------------------------------------
def test_a_client_pushes_a_notification_and_hears_the_wearers_gesture(glasses: Glasses) -> None:
    with _connect(glasses.url) as pusher, _connect(glasses.url) as bystander:
        pusher.send(json.dumps(NOTE | {"id": "n1"}))
        ack = _recv_until(pusher, lambda m: m["type"] == "ack")
        assert ack == {"type": "ack", "id": "n1", "coalesced": 0, "applied_at": ack["applied_at"]}
        shown = _recv_until(pusher, lambda m: m["type"] == "display" and m["notification"] is not None)
        assert shown["notification"] == {"app": "Chat", "title": "Lunch?", "body": "", "urgent": False, "waiting": 0}
        at = glasses.call(lambda s: (s.gesture("tap"), s.now)[1])  # the wearer taps the temple
        for ws in (pusher, bystander):
            assert _recv_until(ws, lambda m: m["type"] == "gesture") == {"type": "gesture", "kind": "tap",
                                                                        "at": round(at, 6)}
        dismissed = _recv_until(pusher, lambda m: m["type"] == "display")
        assert dismissed["notification"] is None


def test_payment_phases_are_sent_as_they_change(glasses: Glasses) -> None:
    with _connect(glasses.url) as ws:
        ws.send(json.dumps({"type": "pay", "id": 1, "step": "detect", "merchant": "Cafe", "amount": 4.5,
                            "currency": "EUR", "verify_seconds": 0.1}))
        detected = _recv_until(ws, lambda m: m["type"] == "payment")
        assert (detected["phase"], detected["merchant"], detected["amount"]) == ("detected", "Cafe", 4.5)
        ws.send(json.dumps({"type": "say", "id": 2, "text": "confirm"}))  # the wearer's words
        verifying = _recv_until(ws, lambda m: m["type"] == "payment" and m["phase"] != "awaiting")
        assert (verifying["phase"], verifying["by"]) == ("verifying", "voice")
        assert _recv_until(ws, lambda m: m["type"] == "payment")["phase"] == "success"


def test_a_new_client_is_told_what_the_display_shows(glasses: Glasses) -> None:
    send([{"type": "show", "layout": "dashboard_card", "left": "AAPL", "right": "+1%", "view": "dashboard"}],
         glasses.url)
    _wait(lambda: glasses.call(lambda s: s.state.cards.dashboard is not None))
    time.sleep(0.05)  # the display message of that frame
    with _connect(glasses.url) as late:
        first = _recv(late)
        assert first["type"] == "display"
        assert first["cards"]["dashboard"] == {"layout": "dashboard_card", "left": "AAPL", "right": "+1%"}


def test_device_and_layout_can_be_switched(glasses: Glasses) -> None:
    replies = send([{"type": "set_device", "id": 1, "name": "even-g2"},
                    {"type": "set_layout", "id": 2, "path": "compact.yaml"}], glasses.url)
    assert sorted(r["id"] for r in replies) == [1, 2] and {r["type"] for r in replies} == {"ack"}
    _wait(lambda: glasses.call(lambda s: (s.device.name, s.layout.path.name)) == ("even-g2", "compact.yaml"))


def test_a_flood_gets_one_reply_per_message_in_order_with_turns_and_batched_writes() -> None:
    """Replies go out in batches (one socket write for many) and the server takes its share in turns
    while the frame loop waits for it: still one reply each, in order, none merged or lost."""
    g = Glasses(intake_per_frame=16)
    try:
        _flood_in_order(g)
    finally:
        g.close()


def _flood_in_order(g: Glasses) -> None:
    with _connect(g.url) as ws:
        count = 600
        for i in range(count):
            ws.send(json.dumps({"type": "status", "id": i, "battery_main": i % 101}))
        ids = [_recv_until(ws, lambda m: m["type"] in ("ack", "error"), 10.0)["id"] for _ in range(count)]
        assert ids == list(range(count))
        assert g.server.received == count and g.server.refused == 0


def test_the_frame_loop_gives_a_flooded_server_its_turn_and_waits_at_most_the_budget() -> None:
    # A budget far above scheduling noise, so a loaded machine cannot blur waiting and not waiting.
    server = PushServer("127.0.0.1", 0, intake_per_frame=4, turn_budget=0.5).start()
    try:
        server._saturated = True  # as after a turn that took its whole share, with no client to fill this one
        began = time.perf_counter()
        assert server.drain() == []
        assert 0.45 <= time.perf_counter() - began < 5.0
        began = time.perf_counter()
        server.drain()  # the last turn was not saturated: no wait
        assert time.perf_counter() - began < 0.45
    finally:
        server.stop()
