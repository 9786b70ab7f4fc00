"""Talk to the glasses from another program or the shell: `send()` and `python main.py push`.

Why raw strings go out as given: the glasses validate, and their reasons are the ones a client
author must see; the client only refuses what could never be accepted (a message over 64 kB, which
the glasses answer with an error and then close the connection), so the other messages still get
through on the same connection.

Replies can come out of order (errors at once, acks when the display loop takes the message), so
they are matched by count, one per message, and printed as they come; give each message an `id`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from hud.push.protocol import DEFAULT_HOST, DEFAULT_PORT, MAX_BYTES

# asyncio and websockets are imported where they are used: the command line builds this module's
# arguments on every start, and `main.py --headless` should not wait about 0.1 s for a client it never runs.

DEFAULT_URL = f"ws://{DEFAULT_HOST}:{DEFAULT_PORT}"
TOKEN_ENV = "HUD_PUSH_TOKEN"
EXIT_OK, EXIT_ERROR, EXIT_CONNECT = 0, 1, 2
_REPLIES = ("ack", "error")


class PushConnectError(ConnectionError):
    """The glasses could not be reached (nothing listening, wrong URL, handshake refused)."""


class PushClosed(ConnectionError):
    """The glasses closed the connection before every message was answered."""

    def __init__(self, code: int | None, reason: str, replies: list[dict[str, Any]]) -> None:
        self.code, self.reason, self.replies = code, reason, replies
        super().__init__(f"the glasses closed the connection ({code} {reason or 'no reason given'}) after "
                         f"{len(replies)} replies")


@dataclass
class Exchange:
    """What came back: replies (ack, error) and, in arrival order, everything else the glasses sent."""

    replies: list[dict[str, Any]] = field(default_factory=list)
    heard: list[dict[str, Any]] = field(default_factory=list)


def _text(message: str | dict[str, Any]) -> str:
    return message if isinstance(message, str) else json.dumps(message, ensure_ascii=False)


async def exchange(messages: Sequence[str | dict[str, Any]], url: str = DEFAULT_URL, token: str | None = None,
                   timeout: float = 5.0, listen: float = 0.0, on_message: Any = None) -> Exchange:
    """Send every message and wait for one reply each (`timeout` s at most after the last is sent),
    then keep listening `listen` s more. `on_message(msg)` sees each incoming message as it comes."""
    import asyncio

    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

    texts = [_text(m) for m in messages]
    result = Exchange()
    try:
        ws = await connect(url, open_timeout=timeout, compression=None, proxy=None, max_size=4 * MAX_BYTES)
    except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
        raise PushConnectError(f"cannot connect to {url}: {exc or type(exc).__name__}") from exc
    loop = asyncio.get_running_loop()
    all_replied = asyncio.Event()
    needed = len(texts) + (token is not None)

    async def receive() -> None:
        try:
            async for raw in ws:
                msg = json.loads(raw)
                if on_message is not None:
                    on_message(msg)
                (result.replies if msg.get("type") in _REPLIES else result.heard).append(msg)
                if len(result.replies) >= needed:
                    all_replied.set()
        except ConnectionClosed:
            pass  # why is in ws.close_code and ws.close_reason

    reader = loop.create_task(receive())
    try:
        if token is not None:
            await ws.send(json.dumps({"type": "hello", "id": "hello", "token": token}))
        for text in texts:
            await ws.send(text)
        done = loop.create_task(all_replied.wait())
        await asyncio.wait({done, reader}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        done.cancel()
        if all_replied.is_set() and listen > 0:
            await asyncio.wait({reader}, timeout=listen)
    except ConnectionClosed:
        pass  # reported below, with what did arrive
    finally:
        reader.cancel()
        await ws.close()
    if token is not None and result.replies and result.replies[0].get("id") == "hello" \
            and result.replies[0].get("type") == "ack":
        result.replies.pop(0)  # the hello's ack is ours, not the caller's
    if not all_replied.is_set():
        if ws.close_code not in (None, 1000):  # closed by the glasses (1000 is our own close, after a timeout)
            raise PushClosed(ws.close_code, ws.close_reason or "", result.replies)
        missing = len(texts) - len(result.replies)
        raise TimeoutError(f"{missing} of {len(texts)} replies did not come within {timeout:g} s")
    return result


def send(messages: Sequence[str | dict[str, Any]], url: str = DEFAULT_URL, token: str | None = None,
         timeout: float = 5.0) -> list[dict[str, Any]]:
    """Send messages (JSON text, or dicts) and return one reply each (ack or error), in arrival order.

    Raises PushConnectError when the glasses cannot be reached, PushClosed when they close the
    connection first (over-size message, failed authentication), TimeoutError when replies are late.
    """
    import asyncio

    return asyncio.run(exchange(messages, url, token, timeout)).replies


def read_messages(file: str | None, messages: Sequence[str] = ()) -> list[str]:
    """Messages from the command line, then one per non-blank line of `file` ('-' is stdin)."""
    out = list(messages)
    if file is not None:
        stream = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
        with stream:
            out.extend(line.rstrip("\r\n") for line in stream if line.strip())
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `push` command's options, for the CLI to add to its subparser."""
    parser.add_argument("messages", nargs="*", metavar="JSON", help="messages, each one JSON object")
    parser.add_argument("--file", metavar="FILE.jsonl", help="also send each line of this file ('-': stdin)")
    parser.add_argument("--url", default=DEFAULT_URL, help=f"the glasses' address (default {DEFAULT_URL})")
    parser.add_argument("--token", help=f"the shared secret, when the glasses have one (default: ${TOKEN_ENV})")
    parser.add_argument("--timeout", type=float, default=5.0, metavar="S",
                        help="seconds to wait for the connection, and for the replies after the last message")
    parser.add_argument("--listen", type=float, default=0.0, metavar="S",
                        help="then print what the glasses send (gestures, payments, display) for S seconds")


def run_push(messages: Sequence[str] = (), file: str | None = None, url: str = DEFAULT_URL,
             token: str | None = None, timeout: float = 5.0, listen: float = 0.0,
             out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`python main.py push`: print every reply (with `listen`, everything the glasses send) as one JSON line.

    Exit 0 when every message was acknowledged, 1 when any was refused or unanswered, 2 when the
    glasses cannot be reached (or the file cannot be read).
    """
    out, err = out or sys.stdout, err or sys.stderr
    token = token if token is not None else os.environ.get(TOKEN_ENV) or None
    try:
        texts = read_messages(file, messages)
    except OSError as exc:
        print(f"push: cannot read {file}: {exc.strerror or exc}", file=err)
        return EXIT_CONNECT
    if not texts:
        print("push: nothing to send: give messages as arguments or --file FILE.jsonl", file=err)
        return EXIT_CONNECT
    status = EXIT_OK
    sendable = []
    for n, text in enumerate(texts, 1):
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_BYTES:
            print(f"push: message {n} not sent: message is {size} bytes; the limit is {MAX_BYTES}", file=err)
            status = EXIT_ERROR
        else:
            sendable.append(text)

    def show(msg: dict[str, Any]) -> None:
        if msg.get("type") == "ack" and msg.get("id") == "hello" and token is not None:
            return
        if msg.get("type") in _REPLIES or listen > 0:  # what the glasses show is printed only when asked
            print(json.dumps(msg, ensure_ascii=False), file=out, flush=True)

    import asyncio

    try:
        result = asyncio.run(exchange(sendable, url, token, timeout, listen, on_message=show))
    except PushConnectError as exc:
        print(f"push: {exc}; is hud running, with its push server on?", file=err)
        return EXIT_CONNECT
    except PushClosed as exc:
        print(f"push: {exc}", file=err)
        return EXIT_ERROR
    except TimeoutError as exc:
        print(f"push: {exc}", file=err)
        return EXIT_ERROR
    if any(r.get("type") == "error" for r in result.replies):
        status = EXIT_ERROR
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python main.py push", description="Send messages to the glasses "
                                     "(see hud/push/protocol.schema.json) and print their replies.")
    add_arguments(parser)
    a = parser.parse_args(argv)
    return run_push(a.messages, a.file, a.url, a.token, a.timeout, a.listen)


if __name__ == "__main__":
    sys.exit(main())
