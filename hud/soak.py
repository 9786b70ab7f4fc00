"""`bench --soak MINUTES`: does a display fed for an hour stay the size it was after a minute?

Why a soak and not a unit test: what grows slowly (a cache keyed by text, a log that keeps every
event, a queue nobody drains) shows only under a long, varied stream of messages, and what it
costs is memory and frame time, which only a run that long can measure. The stream is a realistic
mix, not a flood (the push bench floods): a separate client process (a real client is another
program, and a thread here would share the interpreter lock with what is measured) sends about
20 messages a second — cards with unique 2,000-character text in every view, notifications,
navigation steps, captions, payments through their steps, status, gestures and clears — to a
headless session that renders the 1280x720 composite at 30 frames per second, paced in real time
like the window.

Figures, over a window right after a warm-up (a minute, or a third of a short run: caches fill, the
scene's layers are built) and over the last window (a minute each, less for short runs): the
resident set size (VmRSS from /proc/self/status, or where there is none the peak from `resource`,
which can only grow), as the median of one sample a second, with the single samples at the
warm-up's end and at the end; the frame time (the frame loop's work: drain the server's inbox,
acknowledge, apply, render) as median and 99th percentile; and the growth of each in %. The goal:
RSS growth under 5 % over an hour, frame time flat.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

FPS = 30.0
RATE = 20.0  # messages per second from the client
VIEW = (1280, 720)
RSS_GOAL = 5.0  # % growth over an hour
WARMUP = 60.0  # seconds
WINDOW = 60.0  # seconds of frames in each figure

_WORDS = ("gate", "boarding", "delayed", "coffee", "meeting", "north", "exit", "platform", "train", "rain",
          "sunny", "西湖", "会议", "航班", "咖啡", "opens", "closes", "price", "shop", "ticket", "seat", "row")
_STREETS = ("Nanshan Rd", "Beishan St", "Hubin Rd", "Yan'an Rd", "Qingchun Rd", "Fengqi Rd")
_GESTURES = ("tap", "double_tap", "swipe_forward", "swipe_back", "swipe_down")


def rss_bytes(also: int | None = None) -> tuple[int, str]:
    """The process's resident set size now, plus that of process `also` (the push server's child:
    a leak there is the app's too), and where it came from."""
    try:
        total = 0
        for pid in ("self", *([str(also)] if also is not None else [])):
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
                total += next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
        return total, "VmRSS" if also is None else "VmRSS of hud and its push server's process"
    except (OSError, StopIteration):
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak * (1 if sys.platform == "darwin" else 1024), "peak RSS of hud alone (no /proc here)"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# -- the client process ----------------------------------------------------------------------------
class Mix:
    """The messages a busy backend sends, in a realistic proportion; every text is new."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n = 0
        self.distance = 900.0
        self.paying = 0  # the payment's next step: 0 none, 1 detected, 2 confirmed

    def text(self, length: int) -> str:
        words: list[str] = [f"#{self.n}"]
        size = len(words[0])
        while size < length:
            word = self.rng.choice(_WORDS)
            words.append(word)
            size += len(word) + 1
        return " ".join(words)[:length]

    def next(self) -> dict[str, Any]:
        self.n += 1
        r, rng = self.rng.random(), self.rng
        message: dict[str, Any]
        if r < 0.25:
            view = rng.choice(("main", "dashboard", "always_on"))
            layout = rng.choice(("text_wall", "reference_card", "dashboard_card", "double_text_wall"))
            long = rng.choice((40, 300, 2000))
            fields = {"text_wall": {"text": self.text(long)},
                      "reference_card": {"title": self.text(30), "text": self.text(long)},
                      "dashboard_card": {"left": self.text(long), "right": self.text(rng.choice((10, 200)))},
                      "double_text_wall": {"top": self.text(long // 2), "bottom": self.text(long // 2)}}[layout]
            message = {"type": "show", "layout": layout, "view": view, **fields}
            if rng.random() < 0.5:
                message["duration"] = rng.choice((2, 5, 10))
            if layout == "text_wall" and rng.random() < 0.3:  # a MentraOS backend, in MentraOS's own shape
                message = {"type": "display_event", "packageName": "com.example.soak", "view": view,
                           "layout": {"layoutType": "text_wall", "text": fields["text"]},
                           **({"durationMs": message["duration"] * 1000} if "duration" in message else {})}
        elif r < 0.45:
            message = {"type": "notify", "app": rng.choice(("Chat", "Mail", "Calendar", "Flight")),
                       "title": self.text(rng.choice((10, 60))), "body": self.text(rng.choice((0, 80, 400))),
                       "urgent": rng.random() < 0.05, "duration": rng.choice((2, 4, 6))}
        elif r < 0.60:
            self.distance = 900.0 if self.distance < 45 else self.distance - rng.uniform(5, 40)
            if rng.random() < 0.03:
                message = {"type": "nav_end"}
            else:
                message = {"type": "navigate", "maneuver": rng.choice(("left", "right", "straight", "slight_left")),
                           "distance": round(self.distance, 1), "street": rng.choice(_STREETS),
                           "eta": round(self.distance / 80, 1)}
        elif r < 0.70:
            mode = rng.choice(("answer", "answer", "listening", "thinking", "idle"))
            message = {"type": "caption", "mode": mode}
            if mode == "answer":
                message.update(text=self.text(rng.choice((40, 200))), cps=200)
        elif r < 0.80:
            message = {"type": "status", "battery_main": rng.randint(0, 100),
                       "connectivity": rng.choice(("5g", "4g", "wifi", "offline"))}
        elif r < 0.88:
            if self.paying == 0:
                message = {"type": "pay", "step": "detect", "merchant": self.text(20), "amount": rng.randint(5, 500),
                           "currency": "CNY", "timeout": 15}
            elif self.paying == 1:
                message = {"type": "pay", "step": rng.choice(("confirm", "confirm", "cancel"))}
            else:
                message = {"type": "pay", "step": "result", "ok": rng.random() < 0.9}
            self.paying = (self.paying + 1) % 3
        elif r < 0.95:
            message = {"type": "gesture", "kind": rng.choice(_GESTURES)}
        else:
            message = {"type": "clear", "what": rng.choice(("all", "cards", "notifications", "caption"))}
        message["id"] = self.n
        return message


async def _client(url: str, seconds: float, rate: float, seed: int) -> dict[str, Any]:
    """Send `rate` messages a second for `seconds`, count the replies; wait briefly for the last ones."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    counts: dict[str, Any] = {"sent": 0, "acked": 0, "errors": 0, "busy": 0, "heard": 0, "reasons": []}
    mix = Mix(seed)
    try:
        async with connect(url, compression=None, proxy=None, max_size=1 << 22) as ws:
            async def read() -> None:
                async for raw in ws:
                    kind = json.loads(raw).get("type")
                    if kind == "ack":
                        counts["acked"] += 1
                    elif kind == "error":
                        counts["errors"] += 1
                        reason = json.loads(raw).get("reason", "")
                        counts["busy"] += reason.startswith("busy")
                        if len(counts["reasons"]) < 3:
                            counts["reasons"].append(reason[:160])
                    else:
                        counts["heard"] += 1

            reader = asyncio.get_running_loop().create_task(read())
            start = time.perf_counter()
            while (due := start + counts["sent"] / rate) < start + seconds:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                await ws.send(json.dumps(mix.next(), ensure_ascii=False))
                counts["sent"] += 1
            deadline = time.perf_counter() + 5.0
            while counts["acked"] + counts["errors"] < counts["sent"] and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)
            reader.cancel()
    except (OSError, ConnectionClosed) as exc:
        counts["closed"] = f"{type(exc).__name__}: {exc}"
    return counts


# -- the soak --------------------------------------------------------------------------------------
@dataclass
class Window:
    """Frame times (ms) from `start` (seconds into the run) for `length` seconds, and RSS once a second.

    Why the median of per-second samples: RSS is a sawtooth (the heap grows between the text cache's
    trims, see hud.text) of several MB, so one sample says more about where in the tooth it fell than
    about growth.
    """

    start: float
    length: float
    rss: list[int] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)

    def rss_median(self) -> float:
        return statistics.median(self.rss) if self.rss else float("nan")

    def median(self) -> float:
        return statistics.median(self.ms) if self.ms else float("nan")

    def p99(self) -> float:
        return percentile(self.ms, 0.99) if self.ms else float("nan")


def _mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def _growth(before: float, after: float) -> str:
    return f"{(after - before) / before * 100:+.1f} %" if before > 0 else "n/a"


def run_soak(minutes: float, out: TextIO | None = None, rate: float = RATE, fps: float = FPS,
             view: tuple[int, int] = VIEW, seed: int = 1) -> int:
    """Soak a headless session with the push server for `minutes`; print the figures to `out` as it goes.

    Returns 0, or 1 when the client process failed (the figures are printed anyway).
    """
    from hud import paths
    from hud.push.bridge import PushBridge
    from hud.push.process import push_server
    from hud.session import Options, Session

    if not (math.isfinite(minutes) and minutes > 0):
        raise ValueError(f"--soak needs a positive number of minutes; {minutes!r} given")
    seconds = minutes * 60.0
    warmup = min(WARMUP, seconds / 3)
    length = min(WINDOW, (seconds - warmup) / 2)
    first, last = Window(warmup, length), Window(seconds - length, length)
    every = 60.0 if seconds >= 180 else math.inf  # a progress line a minute on long runs

    stream = out or sys.stdout

    def say(line: str) -> None:
        print(line, file=stream, flush=True)

    session = Session.open(Options(scenario=paths.SCENARIOS / "empty.yaml", background="scene", view=view))
    server = push_server("127.0.0.1", 0)  # as the app runs it
    bridge = PushBridge(server)
    child: int | None = getattr(server, "pid", None)
    client: subprocess.Popen[str] | None = None
    try:
        client = subprocess.Popen([sys.executable, "-m", "hud.soak", "--client", server.url, str(seconds), str(rate),
                                   str(seed)], stdout=subprocess.PIPE, text=True, start_new_session=True)
        say(f"soak: {minutes:g} min, headless {view[0]}x{view[1]} composite at {fps:g} fps with the push server "
            f"({server.url}); a separate client process sends {rate:g} messages/s (cards with unique text up to "
            f"2,000 characters, notifications, navigation, captions, payments, status, gestures, clears)")
        say(f"figures over {length:g} s after a {warmup:g} s warm-up and over the last {length:g} s: RSS "
            f"({rss_bytes(child)[1]}, the median of one sample a second), frame time (drain, acknowledge, apply, "
            f"render) median and p99")
        period = 1.0 / fps
        start = time.perf_counter()
        next_frame, next_report = start, every
        recent: list[float] = []
        frames = 0
        overrun = start + seconds + 15.0  # after the run: let the client hear its last replies
        while True:
            began = time.perf_counter()
            elapsed = began - start
            if elapsed >= seconds and (client.poll() is not None or began > overrun):
                break
            bridge.frame(session)
            session.render_composite()
            ms = (time.perf_counter() - began) * 1000
            bridge.rendered()
            if elapsed < seconds:
                frames += 1
                recent.append(ms)
                for window in (first, last):
                    if window.start <= elapsed < window.start + window.length:
                        if len(window.rss) <= elapsed - window.start:
                            window.rss.append(rss_bytes(child)[0])
                        window.ms.append(ms)
                if elapsed >= next_report:
                    say(f"{elapsed / 60:6.1f} min  RSS {_mib(rss_bytes(child)[0]):>10}  frame median "
                        f"{statistics.median(recent):.2f} ms, p99 {percentile(recent, 0.99):.2f} ms "
                        f"({len(recent)} frames)  log {session.log.total} events ({len(session.log)} kept)")
                    recent.clear()
                    next_report += every
            session.advance(period)
            next_frame = max(next_frame + period, time.perf_counter() - period)  # never race to catch up
            time.sleep(max(0.0, next_frame - time.perf_counter()))
        end_rss = rss_bytes(child)[0]
        output, _ = client.communicate(timeout=10)
        text = session.panel.text
        before, after = first.rss_median(), last.rss_median()
        say(f"after warm-up ({warmup / 60:.2g} min): RSS {_mib(before)} (median of {len(first.rss)} samples, one a "
            f"second; {_mib(first.rss[0] if first.rss else 0)} at the warm-up's end); frame time median "
            f"{first.median():.2f} ms, p99 {first.p99():.2f} ms ({len(first.ms)} frames)")
        say(f"at the end ({minutes:g} min): RSS {_mib(after)} (median of {len(last.rss)} samples; {_mib(end_rss)} at "
            f"the end); frame time median {last.median():.2f} ms, p99 {last.p99():.2f} ms ({len(last.ms)} frames)")
        growth = (after - before) / before * 100 if before else math.nan
        verdict = ("met" if growth < RSS_GOAL else "NOT met") if minutes >= 60 else \
            f"{'under' if growth < RSS_GOAL else 'NOT under'} it so far, in {minutes:g} min"
        say(f"growth: RSS {_growth(before, after)} (goal < {RSS_GOAL:g} % over an hour: {verdict}); "
            f"frame time median {_growth(first.median(), last.median())}, p99 {_growth(first.p99(), last.p99())}")
        say(f"state: {frames} frames; event log {session.log.total} events, {len(session.log)} kept; "
            f"text cache {_mib(text.lines.bytes)} of {_mib(text.lines.capacity)}; "
            f"{bridge.throttle.updates_total} display updates, {bridge.throttle.coalesced_total} coalesced")
        try:
            r = json.loads(output)
        except (json.JSONDecodeError, TypeError):
            say(f"client: failed (exit {client.returncode})")
            return 1
        say(f"client: {r['sent']} sent, {r['acked']} acknowledged, {r['errors']} errors ({r['busy']} busy)"
            + (f"; first: {r['reasons'][0]}" if r["reasons"] else "") + (f"; {r['closed']}" if "closed" in r else ""))
        return 0 if client.returncode == 0 and "closed" not in r else 1
    finally:
        if client is not None and client.poll() is None:
            client.kill()
            client.wait()
        server.stop()
        session.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hud.soak")
    parser.add_argument("--client", nargs=4, metavar=("URL", "SECONDS", "RATE", "SEED"),
                        help="(internal) be the soak's client and print its counts as JSON")
    parser.add_argument("--minutes", type=float, default=1.0)
    args = parser.parse_args(argv)
    try:
        if args.client:
            url, seconds, rate, seed = args.client
            print(json.dumps(asyncio.run(_client(url, float(seconds), float(rate), int(seed)))))
            return 0
        return run_soak(args.minutes)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
