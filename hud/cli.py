"""The command line: `python main.py [demo options] | shot | validate | bench`.

Every command is a thin function over `hud.session.Session`, so what the window shows, what
`shot` writes and what the tests compare are the same pixels.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from hud import paths
from hud.attach import Attachment, close_all, frame_all
from hud.optics import STAGES, parse_stages
from hud.schema import ConfigError

if TYPE_CHECKING:
    from hud.fuzz import Boundary
    from hud.push.server import PushEndpoint
    from hud.session import Options, Session

EXIT_OK, EXIT_FAIL, EXIT_INVALID = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command ended by Ctrl+C


def _size(text: str) -> tuple[int, int]:
    from hud.output import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _sizes(text: str) -> list[tuple[int, int]]:
    return [_size(part) for part in text.split(",") if part.strip()]


def _folder(text: str) -> Path:
    """An --allow folder: it must exist now, so a typo does not silently allow nothing."""
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder")
    return Path(text)


def _stages(text: str) -> frozenset[str]:
    try:
        return parse_stages(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _device_names() -> list[str]:
    from hud.device import available

    return available()


def _add_source_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", default=str(paths.DEFAULT_SCENARIO), metavar="FILE",
                   help="scenario YAML (default: the city walk)")
    p.add_argument("--device", metavar="NAME", help=f"device profile: {', '.join(_device_names())}, or a "
                   "profile's YAML file (default: the scenario's, else 'generic')")
    p.add_argument("--layout", metavar="FILE", help="layout YAML (default: the scenario's, else the device's)")
    p.add_argument("--background", metavar="SPEC",
                   help="scene, scene:night, camera[:N], auto, a PNG/JPEG, a video (MP4/AVI/MOV) or a folder of frames")
    p.add_argument("--camera", metavar="N", help="the webcam to use, by index or device path (same as "
                   "--background camera:N)")
    p.add_argument("--size", type=_size, default=(1280, 720), metavar="WxH",
                   help="size of the composite view (default 1280x720)")
    p.add_argument("--camera-fov", type=float, default=70.0, metavar="DEG",
                   help="horizontal field of view of the background camera (default 70)")
    p.add_argument("--view-fov", metavar="DEG", help="horizontal field of view the view shows: its central part of "
                   "the camera's picture, at most --camera-fov; 'camera' shows the whole picture (default 50, or the "
                   "camera's when narrower)")
    p.add_argument("--optics", type=_stages, default=frozenset(STAGES), metavar="STAGES",
                   help=f"optics stages in the composite: all (default), none, or a comma list of {', '.join(STAGES)}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description="hud: a heads-up display emulator for AI glasses. Without a command it opens the "
                    "demo window (webcam where one opens, else the built-in street scene).",
    )
    _add_source_options(parser)
    parser.add_argument("--headless", action="store_true", help="run without a window and exit at the end")
    parser.add_argument("--seconds", type=float, metavar="S",
                        help="how long to run (default: the scenario's duration; the window loops without it)")
    parser.add_argument("--fps", type=float, default=30.0, help="headless frames per second (default 30)")
    parser.add_argument("--out", metavar="FILE.png", help="headless: save the last frame here")
    parser.add_argument("--network", choices=("fast", "typical", "slow", "offline"), default="typical",
                        help="simulated network for the assistant: about 1 s, 3 s, 7 s of thinking, or none")
    parser.add_argument("--serve", action="store_true",
                        help="start the push API (a WebSocket server) beside the window or the headless run")
    parser.add_argument("--host", default="127.0.0.1", help="push API address (default 127.0.0.1; any other "
                        "address requires --token)")
    parser.add_argument("--port", type=int, default=8765, help="push API port (default 8765)")
    parser.add_argument("--token", help="push API shared secret: clients must send it in a 'hello' first")
    parser.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                        help="push API: a web page origin (e.g. http://localhost:3000) whose scripts may connect; "
                        "handshakes from any other page are refused; repeatable")
    parser.add_argument("--allow", action="append", default=[], type=_folder, metavar="DIR",
                        help="push API: a folder whose files pushed messages may name (set_layout), besides "
                        "layouts/, assets/ and the scenario's folder; repeatable")
    parser.add_argument("--mentra-app", action="append", default=[], metavar="URL",
                        help="be the MentraOS cloud for this app server (e.g. http://127.0.0.1:7010): hud POSTs "
                        "the session webhook to it and shows what the app displays; repeatable")
    parser.add_argument("--mentra-port", type=int, default=8002, metavar="PORT",
                        help="MentraOS: the port of the app WebSocket (ws://127.0.0.1:PORT/app-ws; default 8002, "
                        "as MentraOS's local cloud)")
    parser.add_argument("--automation-port", type=int, metavar="PORT",
                        help="serve the Even Hub simulator's HTTP automation API (/api/ping, /api/screenshot/"
                        "glasses, /api/input, /api/console) on 127.0.0.1:PORT")
    parser.add_argument("--record-events", metavar="FILE.jsonl",
                        help="log every event (scripted, pushed, typed, gesture) with its clock time")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    shot = sub.add_parser("shot", help="one deterministic screenshot",
                          description="Render the scenario at one moment and save it as a PNG.")
    _add_source_options(shot)
    shot.add_argument("--at", type=float, required=True, metavar="SECONDS", help="clock time to render")
    shot.add_argument("--out", required=True, metavar="FILE.png")
    shot.add_argument("--view", choices=("composite", "panel", "eyes"), default="composite",
                      help="panel: what the display shows, at panel resolution; composite: what the "
                           "wearer sees, at --size; eyes: both eyes side by side (2 x --size wide)")

    validate = sub.add_parser("validate", help="check layouts, scenarios and device profiles",
                              description="Exit 0 when every file is valid, 2 with file:line:col messages "
                                          "when not.")
    validate.add_argument("files", nargs="+", metavar="FILE")

    record = sub.add_parser("record", help="render the scenario into an animated GIF, APNG or MP4",
                            description="Render headlessly on the virtual clock (the composite view) into "
                                        "demo.gif, demo.png (APNG) or demo.mp4 (needs the video extra).")
    _add_source_options(record)
    record.add_argument("--seconds", type=float, required=True, metavar="S")
    record.add_argument("--out", required=True, metavar="FILE", help="a .gif, .png (APNG) or .mp4 file")
    record.add_argument("--fps", type=float, default=15.0, help="frames per second (default 15)")

    replay = sub.add_parser("replay", help="play a recorded session again",
                            description="Reproduce a session recorded with --record-events: in the window, "
                                        "or one screenshot with --at and --out (identical to the original's).")
    replay.add_argument("recording", metavar="FILE.jsonl")
    replay.add_argument("--at", type=float, metavar="SECONDS", help="render this moment instead of opening a window")
    replay.add_argument("--out", metavar="FILE.png", help="with --at: where to write the screenshot")
    replay.add_argument("--view", choices=("composite", "panel", "eyes"), default="composite")
    replay.add_argument("--size", type=_size, default=None, metavar="WxH", help="default: the recording's")
    replay.add_argument("--background", metavar="SPEC", help="default: the recording's (e.g. scene instead of the "
                        "camera a window recording was made over)")
    replay.add_argument("--view-fov", metavar="DEG", help="the view's field of view, at most the recording's camera's, "
                        "or 'camera' (default: the recording's; the camera's whole picture for recordings made "
                        "before --view-fov)")

    push = sub.add_parser("push", help="send messages to a running hud (--serve) and print the replies",
                          description="Send JSON messages (see hud/push/protocol.schema.json) to the push API "
                                      "and print every reply as one JSON line. Exit 0 when all are acknowledged, "
                                      "1 on any error reply, 2 when it cannot connect.")
    from hud.push.client import add_arguments as add_push_arguments

    add_push_arguments(push)

    legibility = sub.add_parser("legibility", help="angular size and contrast of every text element",
                                description="Exit 0 when every text element on screen at --at is large and "
                                            "bright enough against the world behind it, 1 when not.")
    _add_source_options(legibility)
    legibility.add_argument("--at", type=float, required=True, metavar="SECONDS")
    legibility.add_argument("--min-degrees", type=float, default=0.6, help="minimum text height (default 0.6)")
    legibility.add_argument("--min-contrast", type=float, default=1.6, help="minimum contrast (default 1.6)")

    check = sub.add_parser("check", help="text clipped, widgets overlapping or off the panel, illegible text",
                           description="Render a layout (over the bundled layout-check moments, or --scenario) or "
                                       "a scenario (each event's moment and just after each timed transition) on "
                                       "each device, and report every problem at the widget's file:line:col: text "
                                       "clipped or ellipsised, widgets that overlap while both show something or "
                                       "leave the panel, text under --min-degrees or --min-contrast. Exit 0 when "
                                       "clean, 1 with problems, 2 for an invalid file.")
    check.add_argument("file", metavar="LAYOUT|SCENARIO")
    check.add_argument("--device", metavar="NAME|all", help="a device profile, or all of them (default: for a "
                       "layout, the devices whose profile uses it, else generic; for a scenario, its device)")
    check.add_argument("--layout", metavar="FILE", help="a scenario: check it with this layout")
    check.add_argument("--scenario", metavar="FILE", help="a layout: check it over this scenario's moments")
    check.add_argument("--background", metavar="SPEC", help="the world behind the text, for contrast (default: "
                       "the scenario's, else the day scene)")
    check.add_argument("--size", type=_size, default=(1280, 720), metavar="WxH", help="composite view size")
    check.add_argument("--min-degrees", type=float, default=0.6, help="minimum text height (default 0.6)")
    check.add_argument("--min-contrast", type=float, default=1.6, help="minimum contrast (default 1.6)")

    power = sub.add_parser("power", help="display power and battery life over a scenario",
                           description="Average picture level, estimated display power and the battery life "
                                       "it implies, every --step seconds, with the average and the worst moment.")
    _add_source_options(power)
    power.add_argument("--step", type=float, default=1.0, metavar="SECONDS", help="sampling step (default 1)")

    snap = sub.add_parser("snap", help="screenshot tests from a folder of YAML cases",
                          description="Each DIR/*.yaml case renders one screenshot and compares it with the "
                                      "golden PNG of the same name beside it.")
    snap.add_argument("action", choices=("check", "record"), help="check: compare; record: write goldens")
    snap.add_argument("folder", metavar="DIR")
    snap.add_argument("--report", metavar="DIR", default="build/hud-snapshots",
                      help="where failures and the HTML report go (default build/hud-snapshots)")

    bench = sub.add_parser("bench", help="print per-stage frame times",
                           description="Median per-frame time of each stage at --size, and each as a "
                                       "ratio to a plain memory copy of a frame timed in the same run.")
    bench.add_argument("--frames", type=int, default=200, help="frames per stage (default 200)")
    bench.add_argument("--size", type=_size, default=(1280, 720), metavar="WxH")
    bench.add_argument("--sizes", type=_sizes, metavar="WxH,...",
                       help="also: the whole frame over the city walk's frames at 60 fps at each size, median and "
                            "p99 against a cold copy, beside the goals (e.g. 1280x720,1920x1080,3840x2160); then "
                            "the video, first-frame, snapshot and push benches, each beside its goals")
    bench.add_argument("--sequence-frames", type=int, default=360, metavar="N",
                       help="frames per size for --sizes (default 360: six runs of 60 consecutive frames)")
    bench.add_argument("--device", metavar="NAME")
    bench.add_argument("--background", default="scene", metavar="SPEC")
    bench.add_argument("--view-fov", metavar="DEG", help="the view's field of view, or 'camera' (default 50)")
    bench.add_argument("--snapshots", action="store_true",
                       help="instead: time the project's snapshot suite (median ms per check, whole suite)")
    bench.add_argument("--first-frame", action="store_true",
                       help="instead: seconds from starting `python main.py --headless` to its first frame")
    bench.add_argument("--video", metavar="FILE", help="instead: the stages over this video (1280x720 H.264 "
                       "recommended; 'generate' writes and uses a test clip)")
    bench.add_argument("--codes", action="store_true",
                       help="instead: milliseconds to read QR and EAN-13 codes in one frame (README \"The camera\")")
    bench.add_argument("--push", nargs="?", const="process", choices=("process", "thread"),
                       help="instead: flood the push API and print the accepted rate and push-to-pixel latency; "
                            "'thread' measures the server as a thread of the frame loop's process (before it had "
                            "a process of its own), for comparison")
    bench.add_argument("--mentra-latency", action="store_true",
                       help="instead: a MentraOS app's display_event to the rendered frame, median and p99")
    bench.add_argument("--soak", type=float, metavar="MINUTES",
                       help="instead: run the push server and a headless session for MINUTES under a realistic "
                            "message mix from a client process; print memory (RSS) and frame time after a "
                            "warm-up and at the end")
    fuzz = sub.add_parser("fuzz", help="throw mutated inputs at every boundary and count the outcomes",
                          description="Run N generated cases against each boundary (files, push messages, "
                                      "recordings) and print how many were accepted and rendered, refused with a "
                                      "located error, or did anything else. Exit 1 when any did anything else.")
    fuzz.add_argument("--cases", type=int, default=1000, metavar="N", help="cases per boundary (default 1000)")
    fuzz.add_argument("--seed", type=int, default=0, metavar="S", help="case i of a boundary is the same for the "
                      "same seed (default 0)")
    fuzz.add_argument("--boundary", action="append", metavar="NAME", help="only this boundary; repeatable "
                      "(default: all)")
    fuzz.add_argument("--bound", type=float, default=1.0, metavar="SECONDS",
                      help="a case slower than this counts as anything else (default 1)")
    return parser


def _options(args: argparse.Namespace, fallback_background: str = "scene") -> Options:
    from hud.session import Options

    if getattr(args, "camera", None) is not None:
        if args.background is not None:
            raise ValueError("give --camera or --background, not both")
        args.background = f"camera:{args.camera}"
    if not 1.0 <= args.camera_fov <= 170.0:
        raise ValueError(f"--camera-fov must be between 1 and 170 degrees; {args.camera_fov:g} given")
    return Options(scenario=args.scenario, device=args.device, layout=args.layout,
                   background=args.background, view=args.size, camera_hfov=args.camera_fov,
                   view_fov=view_fov(args.view_fov, args.camera_fov),
                   fallback_background=fallback_background, optics=args.optics,
                   record_events=getattr(args, "record_events", None))


def view_fov(text: str | None, camera_fov: float | None) -> float | None:
    """`--view-fov`: None (the default), the camera's fov for 'camera', else degrees between 1 and 170
    and at most `camera_fov` (None: the camera's is not known yet, as for a replay's recording)."""
    if text is None:
        return None
    if text.strip().lower() == "camera":
        return camera_fov
    try:
        degrees = float(text)
    except ValueError:
        degrees = float("nan")
    if not 1.0 <= degrees <= 170.0:
        raise ValueError(f"--view-fov must be a number of degrees between 1 and 170, or 'camera'; {text!r} given")
    if camera_fov is not None and degrees > camera_fov:
        raise ValueError(f"--view-fov {degrees:g} is wider than the camera (--camera-fov {camera_fov:g}): the view "
                         f"is a part of the camera's picture, so it may be 1 to {camera_fov:g} degrees, or 'camera'")
    return degrees


def cmd_shot(args: argparse.Namespace) -> int:
    from hud.output import image_format, save_image
    from hud.session import Session

    image_format(args.out)  # refuse a bad extension before rendering
    session = Session.open(_options(args))
    try:
        if args.at < 0:
            raise ValueError(f"--at must be 0 or later; {args.at} given")
        if args.at > session.scenario.duration:
            # A warning, not an error: the moment after the end is well defined (expired cards gone,
            # the last arrow kept) and sometimes wanted; a silent shot of it usually is a typo.
            print(f"hud: warning: --at {args.at:g} s is past the end of {session.scenario.path or 'the scenario'} "
                  f"({session.scenario.duration:g} s); the shot shows the display after the scenario ended",
                  file=sys.stderr)
        session.seek(args.at)
        image = session.render(args.view)
        path = save_image(image, args.out)
    finally:
        session.close()
    w, h = image.get_size()
    print(f"wrote {path} ({args.view}, {w}x{h}, {session.device.name}, t={args.at:g} s)")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from hud.validate import validate_file

    failed = 0
    for name in args.files:
        kind, error = validate_file(Path(name))
        if error is None:
            print(f"ok   {name} ({kind})")
        else:
            failed += 1
            print(error.report())
    if failed:
        print(f"{failed} of {len(args.files)} file(s) invalid", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def cmd_headless(args: argparse.Namespace) -> int:
    from hud.clock import frame_times
    from hud.output import image_format, save_image
    from hud.session import Session

    if args.out:
        image_format(args.out)  # refuse a bad extension before rendering every frame
    session = Session.open(_options(args))
    seconds = session.scenario.duration if args.seconds is None else args.seconds
    times = frame_times(seconds, args.fps)
    if getattr(args, "serve", False):
        session.render_composite()  # the first frame builds the scene (~1 s): before clients wait on it for acks
    elif _attaching(args):
        session.render_composite()
    server = _server(args)
    bridge = None
    if server is not None:
        from hud.push.bridge import PushBridge

        bridge = PushBridge(server, allow=tuple(args.allow))
    attached: list[Attachment] = []
    start = time.perf_counter()
    frame = None
    try:
        attached = attachments(args, session)
        for t in times:
            if bridge is not None or attached:  # serving: other programs are waiting, so keep to real time
                time.sleep(max(0.0, start + t - time.perf_counter()))
            session.seek(t)
            if bridge is not None:
                bridge.frame(session)
            frame_all(attached, session)
            frame = session.render_composite()
            if bridge is not None:
                bridge.rendered()
        if args.out and frame is not None:
            save_image(frame, args.out)
    finally:
        close_all(attached)
        session.close()
        if bridge is not None:
            bridge.close()
        if server is not None:
            server.stop()
    took = time.perf_counter() - start
    print(f"rendered {len(times)} frames of {session.scenario.name!r} (0-{seconds:g} s at {args.fps:g} fps) "
          f"in {took:.2f} s ({len(times) / max(took, 1e-9):.0f} frames/s)"
          + (f"; last frame: {args.out}" if args.out else ""))
    return EXIT_OK


def cmd_window(args: argparse.Namespace) -> int:
    from hud.app import run_window

    return run_window(_options(args, fallback_background="auto"), seconds=args.seconds, network=args.network,
                      serve=lambda: _server(args), allow=tuple(args.allow),
                      attach=lambda session: attachments(args, session))


def cmd_push(args: argparse.Namespace) -> int:
    from hud.push.client import run_push

    return run_push(args.messages, args.file, args.url, args.token, args.timeout, args.listen)


def _attaching(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "mentra_app", None)) or getattr(args, "automation_port", None) is not None


def attachments(args: argparse.Namespace, session: Session) -> list[Attachment]:
    """The MentraOS cloud and the automation API the options ask for, started (after the first frame)."""
    out: list[Attachment] = []
    try:
        if getattr(args, "automation_port", None) is not None:
            from hud.evenhub.server import AutomationServer

            automation = AutomationServer("127.0.0.1", args.automation_port).start()
            out.append(automation)
            print(f"hud: Even Hub automation API on {automation.url}", file=sys.stderr)
        if getattr(args, "mentra_app", None):
            from hud.mentra.cloud import MentraCloud

            cloud = MentraCloud(args.mentra_app, port=args.mentra_port, device=session.device).start()
            out.append(cloud)
            print(f"hud: MentraOS cloud on {cloud.url}, starting {len(cloud.links)} app session(s)", file=sys.stderr)
    except BaseException:
        close_all(out)
        raise
    return out


def _server(args: argparse.Namespace) -> PushEndpoint | None:
    if not getattr(args, "serve", False):
        return None
    from hud.push.process import push_server  # its own process: a flood cannot slow the frame loop

    server = push_server(args.host, args.port, args.token, allowed_origins=args.allow_origin)
    print(f"hud: push API on {server.url}" + (" (token required)" if args.token else ""), file=sys.stderr)
    return server


def cmd_record(args: argparse.Namespace) -> int:
    from hud.record import record, text_progress
    from hud.session import Session

    if args.seconds <= 0 or args.fps <= 0:
        raise ValueError(f"--seconds and --fps must be positive; {args.seconds:g} and {args.fps:g} given")
    session = Session.open(_options(args))
    try:
        # One line for logs; the live bar appears only on a terminal.
        print(f"hud: recording {args.out}: {args.seconds:g} s at {args.fps:g} fps", file=sys.stderr, flush=True)
        progress = text_progress(sys.stderr, f"recording {args.out}")
        path = record(session, args.seconds, args.fps, Path(args.out), progress)
    finally:
        session.close()
    print(f"wrote {path} ({args.seconds:g} s at {args.fps:g} fps, {session.view[0]}x{session.view[1]})")
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    if args.codes:
        from hud.codes.bench import run as run_codes_bench

        return run_codes_bench(size=args.size)
    if args.video:
        import tempfile

        from hud.background.video_bench import run_video_bench, write_test_video

        if args.video == "generate":
            with tempfile.TemporaryDirectory() as tmp:
                print(run_video_bench(write_test_video(Path(tmp) / "street-720p.mp4"), args.frames))
        else:
            print(run_video_bench(Path(args.video), args.frames))
        return EXIT_OK
    if args.soak is not None:
        from hud.soak import run_soak

        return run_soak(args.soak)
    if args.mentra_latency:
        from hud.mentra.bench import run_mentra_bench

        print(run_mentra_bench())
        return EXIT_OK
    if args.push:
        from hud.push.bench import run_push_bench

        print(run_push_bench(where=args.push))
        return EXIT_OK
    if args.first_frame:
        from hud.startup import run_first_frame_bench

        print(run_first_frame_bench())
        return EXIT_OK
    if args.snapshots:
        from hud.testing.bench import run_snapshot_bench

        print(run_snapshot_bench())
        return EXIT_OK
    from hud.bench import other_goals, run_bench, run_sizes

    fov = view_fov(args.view_fov, 70.0)
    print(run_bench(frames=args.frames, view=args.size, device=args.device, background=args.background,
                    view_fov=fov))
    if args.sizes:
        print(run_sizes(args.sizes, frames=args.sequence_frames, device=args.device, background=args.background,
                        view_fov=fov))
        for report in other_goals():  # every goal of the frame-cost work in one run (README "Performance")
            print()
            print(report, flush=True)
    return EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    from hud.session import Session

    if (args.at is None) != (args.out is None):
        raise ValueError("replay needs both --at and --out for a screenshot, or neither for the window")
    fov = _replay_view_fov(args)
    if args.at is None:
        from hud.app import run_session_window

        return run_session_window(Session.replay(args.recording, args.size, args.background, view_fov=fov))
    from hud.output import image_format, save_image

    image_format(args.out)
    if not (args.at >= 0 and args.at < float("inf")):
        raise ValueError(f"--at must be a time of 0 s or later; {args.at:g} given")
    session = Session.replay(args.recording, args.size, args.background, view_fov=fov)
    try:
        session.seek(args.at)
        path = save_image(session.render(args.view), args.out)
    finally:
        session.close()
    print(f"wrote {path} (replay of {args.recording}, {args.view}, t={args.at:g} s)")
    return EXIT_OK


def _replay_view_fov(args: argparse.Namespace) -> float | None:
    """`replay --view-fov`: checked here, and against the recording's camera by `Session.replay`;
    'camera' is the recording's camera fov (read from its header, which replay checks again)."""
    if args.view_fov is not None and args.view_fov.strip().lower() == "camera":
        from hud.recording import load_recording

        return float(load_recording(args.recording).setup["camera_fov"])
    return view_fov(args.view_fov, None)


def cmd_legibility(args: argparse.Namespace) -> int:
    from hud.legibility import readings, table
    from hud.session import Session

    session = Session.open(_options(args))
    try:
        session.seek(args.at)
        rows = readings(session)
    finally:
        session.close()
    print(f"legibility: {session.scenario.name} at {args.at:g} s on {session.device.label} over "
          f"{session.background.label} (minimum {args.min_degrees:g}° and {args.min_contrast:g}:1)")
    print(table(rows, args.min_degrees, args.min_contrast))
    bad = [r for r in rows if r.problems(args.min_degrees, args.min_contrast)]
    print(f"{len(bad)} of {len(rows)} text element(s) below the thresholds" if bad
          else f"all {len(rows)} text element(s) legible")
    return EXIT_FAIL if bad else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from hud.check import check_file

    report = check_file(args.file, None if args.device is None else [args.device], layout=args.layout,
                        scenario=args.scenario, background=args.background, view=args.size,
                        min_degrees=args.min_degrees, min_contrast=args.min_contrast)
    print(report.text())
    return EXIT_FAIL if report.findings else EXIT_OK


def cmd_power(args: argparse.Namespace) -> int:
    from hud.power import report, timeline
    from hud.session import Session

    session = Session.open(_options(args))
    try:
        print(report(session, timeline(session, args.step)))
    finally:
        session.close()
    return EXIT_OK


def cmd_snap(args: argparse.Namespace) -> int:
    from hud.testing.snap_cli import run_snap

    return run_snap(args.action, Path(args.folder), Path(args.report))


#: Modules whose `BOUNDARIES` `fuzz` runs (each is optional: a missing one is skipped with a note).
FUZZ_MODULES = ("hud.fuzz.files", "hud.fuzz.messages", "hud.fuzz.recordings", "hud.fuzz.apps")


def fuzz_boundaries(out: TextIO | None = None) -> tuple[dict[str, Boundary], bool]:
    """Every boundary the fuzz modules define, and whether one of them failed to import."""
    import importlib

    out = out or sys.stderr
    found: dict[str, Boundary] = {}
    broken = False
    for name in FUZZ_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            print(f"hud: fuzz: {name} does not exist yet; its boundaries are skipped", file=out)
            continue
        except Exception as exc:  # a fuzz module with a bug must not hide the others' results
            print(f"hud: fuzz: cannot import {name}: {type(exc).__name__}: {exc}", file=out)
            broken = True
            continue
        found.update(module.BOUNDARIES)
    return found, broken


def cmd_fuzz(args: argparse.Namespace) -> int:
    from hud.fuzz import run, table

    if args.cases < 1 or args.bound <= 0:
        raise ValueError(f"--cases must be at least 1 and --bound positive; {args.cases} and {args.bound:g} given")
    boundaries, broken = fuzz_boundaries()
    wanted = args.boundary or list(boundaries)
    unknown = [name for name in wanted if name not in boundaries]
    if unknown:
        raise ValueError(f"unknown boundary {', '.join(map(repr, unknown))} (available: "
                         f"{', '.join(boundaries) or 'none'})")
    rows = []
    for name in wanted:
        print(f"fuzz: {name}: {args.cases} cases, seed {args.seed}", file=sys.stderr, flush=True)
        rows.append(run(name, boundaries[name], args.cases, args.seed, args.bound))
    print(table(rows))
    return EXIT_FAIL if broken or any(row.other for row in rows) else EXIT_OK


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """The first Ctrl+C stops the command; later ones are ignored so its clean-up (closing the
    camera, the push server, a half-written file) is not cut short by an impatient second press."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; Ctrl+C anywhere ends it with exit 130 and one line, never a traceback."""
    own = threading.current_thread() is threading.main_thread() \
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if own:
        signal.signal(signal.SIGINT, _interrupt)
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("hud: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if own:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    opens_window = (args.command is None and not args.headless) or (
        args.command == "replay" and args.out is None)  # replay without --out plays in the window
    if not opens_window:
        from hud.pg import use_headless_drivers

        use_headless_drivers()
    commands = {"shot": cmd_shot, "validate": cmd_validate, "bench": cmd_bench, "snap": cmd_snap,
                "legibility": cmd_legibility, "power": cmd_power, "replay": cmd_replay, "push": cmd_push,
                "record": cmd_record, "fuzz": cmd_fuzz, "check": cmd_check}
    command = commands.get(args.command) or (cmd_headless if args.headless else cmd_window)
    from hud.background import BackgroundError

    try:
        return command(args)
    except ConfigError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_INVALID
    except (ValueError, OSError, RuntimeError, BackgroundError) as exc:  # RuntimeError: push server refused
        print(f"hud: {exc}", file=sys.stderr)
        return EXIT_FAIL
