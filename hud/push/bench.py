"""`run_push_bench()`: how many pushed messages the glasses accept per second, and how soon they show.

Why a separate process floods: a real client is another program, and a flooding thread in this
process would compete for the interpreter lock with the server and the frame loop it measures.
The frame loop is the headless one (`Session`, virtual clock stepped at 60 fps, paced in real
time like the window), rendering the composite every frame, so the server shares the interpreter
with rendering as it does beside the window.

Push-to-pixel latency of a message: from the moment the server put it in the inbox to the end of
the render of the first frame whose state includes it, in frames of 1/60 s. Only updates that
reach the display have one (coalesced ones never show, by design). It includes the wait for the
next frame (< 1 frame), the throttle's wait for the next display update (< throttle interval)
and the render. The server runs in a process of its own, as the app runs it
(`hud.push.process`); its share per frame (`intake_per_frame`) bounds what the frame loop must
offer and acknowledge in one frame while it is flooded. It reads the next frame's share while the
frame loop sleeps, so under a flood a message is stamped a little before the frame that takes it,
where the thread form reads (and stamps) at that frame's start: the medians differ by about a frame
for that reason alone. `--where thread` measures the server as a thread of the frame loop's
process instead (before it had a process of its own). Bounded: at
most `max_messages`, `seconds` of flooding, loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import subprocess
import sys
import time
from typing import Any

FPS = 60.0
RATE_GOAL = 5000.0
#: The composite the frame loop renders: the window's default size, so the frame loop's share of
#: the interpreter is what it is beside a real window (320x180 hid most of it: 1 ms a frame).
VIEW = (1280, 720)


def _message(i: int) -> str:
    """A realistic mix: mostly streamed updates (navigation, caption, status), 1 % notifications."""
    if i % 100 == 0:
        return f'{{"type":"notify","id":{i},"app":"Bench","title":"note {i}","duration":1}}'
    kind = i % 3
    if kind == 0:
        return f'{{"type":"navigate","id":{i},"maneuver":"left","distance":{1000 - i % 1000},"street":"Street {i}"}}'
    if kind == 1:
        return f'{{"type":"caption","id":{i},"mode":"answer","text":"answer number {i}","cps":200}}'
    return f'{{"type":"status","id":{i},"battery_main":{i % 101}}}'


async def _flood(url: str, seconds: float, limit: int, window: int) -> dict[str, Any]:
    """Send as fast as replies come back, at most `window` unanswered, for `seconds` or `limit` messages."""
    from websockets.asyncio.client import connect

    counts = {"sent": 0, "acked": 0, "errors": 0, "busy": 0, "heard": 0}
    first_error: list[str] = []
    slots = asyncio.Semaphore(window)
    finished = asyncio.Event()
    last_reply = [0.0]
    async with connect(url, compression=None, proxy=None, max_size=1 << 20) as ws:
        sending = [True]

        async def read() -> None:
            async for raw in ws:  # cheaper than json.loads for every ack: the server writes "type" first
                if isinstance(raw, str) and raw.startswith('{"type": "ack"'):
                    counts["acked"] += 1
                elif isinstance(raw, str) and raw.startswith('{"type": "error"'):
                    counts["errors"] += 1
                    reason = json.loads(raw)["reason"]
                    counts["busy"] += reason.startswith("busy")
                    first_error[:] = first_error or [reason]
                else:
                    counts["heard"] += 1
                    continue
                last_reply[0] = time.perf_counter()
                slots.release()
                if not sending[0] and counts["acked"] + counts["errors"] >= counts["sent"]:
                    finished.set()

        reader = asyncio.get_running_loop().create_task(read())
        start = time.perf_counter()
        deadline = start + seconds
        while counts["sent"] < limit and time.perf_counter() < deadline:
            await slots.acquire()
            await ws.send(_message(counts["sent"]))
            counts["sent"] += 1
        sending[0] = False
        if counts["acked"] + counts["errors"] < counts["sent"]:
            await asyncio.wait_for(finished.wait(), timeout=10.0)
        reader.cancel()
    return {**counts, "seconds": last_reply[0] - start, "first_error": first_error[0] if first_error else ""}


def _alone(session: Any, frames: int = 30) -> tuple[float, float]:
    """The median wall and CPU ms of a frame (render and step) with no client: the floor a flood adds to."""
    wall, cpu = [], []
    for _ in range(frames):
        began, cpu_began = time.perf_counter(), time.process_time()
        session.render_composite()
        session.advance(1.0 / FPS)
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - cpu_began) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def run_push_bench(seconds: float = 3.0, throttle: float = 0.3, max_messages: int = 60_000,
                   window: int = 2048, view: tuple[int, int] = VIEW, where: str = "process") -> str:
    """Flood a headless session's push server from another process; returns the report to print.

    `where` is "process" (the server in a process of its own, as the app runs it) or "thread" (a
    thread of the frame loop's process, sharing its interpreter lock: how it ran before)."""
    from hud import paths
    from hud.push.bridge import PushBridge
    from hud.push.process import PushServerProcess
    from hud.push.server import PushEndpoint, PushServer
    from hud.push.throttle import Throttle
    from hud.session import Options, Session

    session = Session.open(Options(scenario=paths.SCENARIOS / "empty.yaml", background="scene", view=view))
    server: PushEndpoint
    if where == "thread":  # the server before it had a process of its own, for comparison
        server = PushServer("127.0.0.1", 0, inbox_size=4096).start()
    else:
        server = PushServerProcess("127.0.0.1", 0, inbox_size=4096).start()
    bridge = PushBridge(server, Throttle(throttle))
    session.render_composite()  # the first frame builds the scene (about a second): before the flood starts
    alone_ms, alone_cpu = _alone(session)
    flood = subprocess.Popen([sys.executable, "-m", "hud.push.bench", "--flood", server.url, str(seconds),
                              str(max_messages), str(window)], stdout=subprocess.PIPE, text=True,
                             start_new_session=True)  # a terminal's Ctrl+C is ours to handle: we end it below
    latency: list[float] = []  # frames, arrival to rendered
    beyond_throttle: list[float] = []  # the same less the throttle's wait
    frame_ms: list[float] = []  # wall time of each frame's work: bridge (drain, acks, apply) and render
    showing_ms: list[float] = []  # the same, of the frames that applied a display update
    frames, applied, cpu_flooded = 0, 0, 0.0
    flooded_until: tuple[float, int] | None = None  # (wall time, frames) when the client finished
    period = 1.0 / FPS
    next_frame = time.perf_counter()
    started, cpu_started = next_frame, time.process_time()
    hard_stop = next_frame + seconds + 20.0
    try:
        while True:
            began = time.perf_counter()
            entries = bridge.frame(session)
            session.render_composite()
            rendered = time.perf_counter()
            bridge.rendered()
            frame_ms.append((rendered - began) * 1000)
            if entries:
                showing_ms.append(frame_ms[-1])
            for entry in entries:
                frames_late = (rendered - entry.tag.received) * FPS
                latency.append(frames_late)
                beyond_throttle.append(frames_late - (session.now - entry.offered_at) * FPS)
            applied += len(entries)
            frames += 1
            if flooded_until is None and flood.poll() is not None:
                flooded_until = (rendered, frames)
                cpu_flooded = time.process_time() - cpu_started
            if flooded_until is not None and not bridge.throttle.pending:
                break
            if rendered > hard_stop:
                flood.kill()
                break
            session.advance(period)
            next_frame += period
            time.sleep(max(0.0, next_frame - time.perf_counter()))
        out, _ = flood.communicate(timeout=10)
    finally:
        if flood.poll() is None:  # interrupted or failed: the client must not outlive the bench
            flood.kill()
            flood.wait()
        server.stop()
        session.close()
    if flood.returncode != 0 or not out.strip():
        return f"push bench: the flooding client failed (exit {flood.returncode})"
    r = json.loads(out)
    rate = r["acked"] / r["seconds"] if r["seconds"] > 0 else 0.0
    goal_frames = 1 + throttle * FPS
    # The clock is stepped 1/60 s a frame and paced in real time: a frame loop that keeps up runs it
    # at 1.00 of real time; one that the flood slows down runs it slower (the display lags).
    end, flooded_frames = flooded_until or (time.perf_counter(), frames)
    clock_rate = flooded_frames * period / (end - started) if end > started else 0.0
    ok = {True: "met", False: "NOT met"}
    lines = [
        f"push bench: {r['sent']} messages from a separate client process over {server.url} to a server "
        f"{'in its own process' if where == 'process' else 'thread in the frame loop process'} "
        f"(at most {window} unanswered), throttle {throttle * 1000:g} ms, headless session at {FPS:g} fps "
        f"({frames} frames, composite {view[0]}x{view[1]} rendered each frame)",
        f"accepted   {r['acked']} in {r['seconds']:.2f} s = {rate:,.0f} messages/s "
        f"(goal >= {RATE_GOAL:,.0f}/s: {ok[rate >= RATE_GOAL]}); "
        f"{r['errors']} errors ({r['busy']} busy){': ' + r['first_error'] if r['first_error'] else ''}",
        f"display    {bridge.throttle.updates_total} display updates applied {applied} updates; "
        f"{bridge.throttle.coalesced_total} coalesced (replaced before reaching the display, each counted in an ack)",
    ]
    lines.append(f"frames     work per frame (drain, acks, apply, render) while flooded: median "
                 f"{statistics.median(frame_ms):.1f} ms, p99 {_percentile(frame_ms, 0.99):.1f} ms "
                 f"(a frame is {1000 / FPS:.1f} ms)")
    push_cpu_us = (cpu_flooded - flooded_frames * alone_cpu / 1000) / max(1, r["acked"]) * 1e6
    lines.append(f"cost       the frame loop alone (no client): {alone_ms:.1f} ms a frame, {alone_cpu:.1f} ms of CPU; "
                 f"the push path while flooded: {push_cpu_us:.0f} us of CPU a message in the frame loop's process "
                 f"({'drain, offer, ack' if where == 'process' else 'receive, check, offer, ack, send'}; all "
                 f"threads, less the frame loop's own frames)")
    lines.append(f"clock      the frame loop's clock ran at {clock_rate:.2f} of real time while flooded "
                 f"({flooded_frames} frames in {end - started:.2f} s; goal 1.00 within 2 %: "
                 f"{ok[clock_rate >= 0.98]})")
    if latency:
        med, p99 = statistics.median(latency), _percentile(latency, 0.99)
        lines.append(
            f"latency    push to pixel: median {med:.1f} frames ({med * 1000 / FPS:.0f} ms), p99 {p99:.1f} frames "
            f"({p99 * 1000 / FPS:.0f} ms) over {len(latency)} updates shown (goal p99 <= {goal_frames:g} frames = "
            f"{goal_frames * 1000 / FPS:.0f} ms, one frame + the throttle: {ok[p99 <= goal_frames]})")
        med, p99 = statistics.median(beyond_throttle), _percentile(beyond_throttle, 0.99)
        lines.append(f"           of which not the throttle's wait (waiting for a frame, contention, render): "
                     f"median {med:.2f} frames, p99 {p99:.2f} frames")
        if showing_ms:
            # What sets the p99: an update that arrives just after a display update waits the throttle
            # (exactly 18 frames of the clock at 60 fps), then for the frame that shows it, whose
            # panel changed and which is the slowest kind of frame; how far past 18 frames the p99
            # lands is that frame's work less the time the update arrived after the one before.
            lines.append(f"           the frames that showed an update (their panel changed, the slowest kind): "
                         f"median {statistics.median(showing_ms):.1f} ms, at most {max(showing_ms):.1f} ms of "
                         f"work, over {len(showing_ms)} of them; the throttle is {throttle * FPS:g} frames of these")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hud.push.bench")
    parser.add_argument("--flood", nargs=4, metavar=("URL", "SECONDS", "LIMIT", "WINDOW"),
                        help="(internal) be the flooding client and print its counts as JSON")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--size", default=f"{VIEW[0]}x{VIEW[1]}", metavar="WxH", help="the composite rendered")
    parser.add_argument("--where", choices=("process", "thread"), default="process",
                        help="the server in its own process (as the app runs it) or a thread of the frame loop's")
    args = parser.parse_args(argv)
    if args.flood:
        url, seconds, limit, window = args.flood
        print(json.dumps(asyncio.run(_flood(url, float(seconds), int(limit), int(window)))))
        return 0
    width, height = (int(n) for n in args.size.lower().split("x"))
    print(run_push_bench(seconds=args.seconds, view=(width, height), where=args.where))
    return 0


if __name__ == "__main__":
    sys.exit(main())
