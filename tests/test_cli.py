"""Every command-line command, run the way a user runs it (in-process through `main`)."""

from __future__ import annotations

import pytest
from conftest import ROOT

from hud.cli import main
from hud.output import load_png
from hud.pg import pygame


@pytest.mark.parametrize("argv", [[], ["shot"], ["validate"], ["bench"]])
def test_help_on_each_command(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    assert "usage: python main.py" in capsys.readouterr().out


def test_shot_panel_is_at_panel_resolution(tmp_path, capsys) -> None:
    out = tmp_path / "panel.png"
    assert main(["shot", "--at", "16", "--out", str(out), "--view", "panel"]) == 0
    assert load_png(out).get_size() == (640, 480)
    assert "panel, 640x480, generic, t=16 s" in capsys.readouterr().out


def test_shot_composite_at_size_with_device_and_night(tmp_path) -> None:
    out = tmp_path / "c.png"
    assert main(["shot", "--at", "8", "--out", str(out), "--device", "even-g2", "--background", "scene:night",
                 "--size", "960x540"]) == 0
    img = load_png(out)
    assert img.get_size() == (960, 540)
    assert max(img.get_at((480, 500))[:3]) < 200  # a night street is dark outside the HUD


def test_shot_over_an_image_background(tmp_path) -> None:
    still = pygame.Surface((320, 240), depth=24)
    still.fill((90, 90, 200))
    pygame.image.save(still, str(tmp_path / "blue.png"))
    out = tmp_path / "o.png"
    assert main(["shot", "--at", "0", "--out", str(out), "--background", str(tmp_path / "blue.png"),
                 "--size", "320x180"]) == 0
    assert load_png(out).get_at((5, 170))[:3] == (90, 90, 200)


def test_shot_rejects_bad_input_clearly(tmp_path, capsys) -> None:
    assert main(["shot", "--at", "-1", "--out", str(tmp_path / "x.png")]) == 1
    assert "--at must be 0 or later; -1.0 given" in capsys.readouterr().err
    assert main(["shot", "--at", "1", "--out", str(tmp_path / "x.png"), "--device", "nope"]) == 1
    assert "unknown device 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["shot", "--at", "1", "--out", "x.png", "--size", "huge"])
    assert "size must be WIDTHxHEIGHT" in capsys.readouterr().err


def test_shot_with_a_broken_scenario_exits_2_with_positions(in_root, tmp_path, capsys) -> None:
    code = main(["shot", "--scenario", "tests/fixtures/scenarios/late_event.yaml", "--at", "1",
                 "--out", str(tmp_path / "x.png")])
    assert code == 2
    assert "tests/fixtures/scenarios/late_event.yaml:4:5: 'think' at 12.0 s" in capsys.readouterr().err


def test_validate_good_files(in_root, capsys) -> None:
    files = ["layouts/default.yaml", "layouts/compact.yaml", "assets/scenarios/city_walk.yaml",
             "assets/devices/generic.yaml"]
    assert main(["validate", *files]) == 0
    out = capsys.readouterr().out
    assert "ok   layouts/default.yaml (layout)" in out and "(scenario)" in out and "(device)" in out


def test_validate_bad_files_exit_2_with_every_message(in_root, capsys) -> None:
    code = main(["validate", "layouts/default.yaml", "tests/fixtures/layouts/many_problems.yaml",
                 "tests/fixtures/layouts/unknown_kind.yaml"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out.count("tests/fixtures/layouts/many_problems.yaml:") == 7
    assert "tests/fixtures/layouts/unknown_kind.yaml:2:11: unknown widget kind 'navigaton'" in captured.out
    assert "2 of 3 file(s) invalid" in captured.err


def test_validate_unknown_kind_of_file(tmp_path, capsys) -> None:
    path = tmp_path / "what.yaml"
    path.write_text("hello: world\n")
    assert main(["validate", str(path)]) == 2
    assert "cannot tell what this file is" in capsys.readouterr().out


def test_headless_runs_and_exits_0(tmp_path, capsys) -> None:
    out = tmp_path / "last.png"
    assert main(["--headless", "--seconds", "2", "--fps", "5", "--out", str(out), "--size", "320x180"]) == 0
    assert "rendered 11 frames of 'City walk'" in capsys.readouterr().out
    assert load_png(out).get_size() == (320, 180)


def test_demo_window_opens_and_closes(capsys) -> None:
    # SDL's dummy video driver (set by conftest) stands in for a display.
    assert main(["--seconds", "0.3", "--background", "scene", "--size", "320x180"]) == 0


def test_bench_prints_every_stage_with_ratios(capsys) -> None:
    assert main(["bench", "--frames", "5", "--size", "320x180"]) == 0
    out = capsys.readouterr().out
    for stage in ("memory copy", "background", "panel render", "composite", "whole frame"):
        assert stage in out
    assert "x copy" in out and "<= 20x" in out and "<= 5x" in out


def test_main_py_is_thin() -> None:
    text = (ROOT / "main.py").read_text()
    assert "from hud.cli import main" in text and len(text.splitlines()) < 12


def test_device_help_names_every_profile(capsys: pytest.CaptureFixture[str]) -> None:
    from hud.device import available

    with pytest.raises(SystemExit):
        main(["shot", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert len(available()) >= 7
    for name in available():
        assert name in out


def _interrupt(argv: list[str], ready: str, tmp_path) -> tuple[int, str]:
    """Start `python main.py ARGV`, wait for `ready` on its stderr or stdout, press Ctrl+C (SIGINT to its
    whole process group, as a terminal does, so helper processes get it too); its exit code and output."""
    import os
    import selectors
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *argv], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    seen = b""
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            sel.register(proc.stderr, selectors.EVENT_READ)
            deadline = time.monotonic() + 60
            while ready.encode() not in seen and time.monotonic() < deadline and proc.poll() is None:
                for key, _ in sel.select(timeout=0.5):
                    seen += os.read(key.fileobj.fileno(), 65536)  # type: ignore[union-attr]
        assert ready.encode() in seen, seen.decode(errors="replace")
        time.sleep(0.3)  # into the loop proper
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, (seen + out + err).decode(errors="replace")


@pytest.mark.parametrize(("argv", "ready"), [
    (["--headless", "--serve", "--port", "0", "--seconds", "60", "--size", "320x180"], "push API on"),
    (["--serve", "--port", "0", "--seconds", "60", "--background", "scene", "--size", "320x180"], "push API on"),
    (["--headless", "--mentra-app", "http://127.0.0.1:9", "--mentra-port", "0", "--seconds", "60", "--size",
      "320x180"], "MentraOS cloud on"),
    (["record", "--seconds", "60", "--fps", "10", "--size", "160x90", "--out", "demo.gif"], "hud: recording demo.gif"),
    (["bench", "--soak", "5"], "figures over"),
    (["fuzz", "--cases", "100000", "--boundary", "recording"], "fuzz: recording"),
], ids=["headless-serve", "window-serve", "headless-mentra", "record", "soak", "fuzz"])
def test_ctrl_c_exits_130_without_a_traceback(argv: list[str], ready: str, tmp_path) -> None:
    code, output = _interrupt(argv, ready, tmp_path)
    assert code == 130, output
    assert "Traceback" not in output and output.rstrip().endswith("hud: interrupted"), output
    assert not (tmp_path / "demo.gif").exists()  # no half-written recording


def test_a_camera_too_narrow_for_the_display_is_refused_before_allocating(tmp_path, capsys) -> None:
    """A 1° camera would make a 30° display's image 39,000 px wide (18 GB of buffers)."""
    assert main(["shot", "--at", "1", "--camera-fov", "1", "--out", str(tmp_path / "x.png")]) == 1
    assert "use a camera field of view of at least 21°" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "headless"), [
    (["replay", "r.jsonl"], False),  # plays in the window
    (["replay", "r.jsonl", "--at", "1", "--out", "x.png"], True),
    (["shot", "--at", "1", "--out", "x.png"], True),
])
def test_only_commands_without_a_window_pick_the_dummy_video_driver(
        monkeypatch: pytest.MonkeyPatch, argv: list[str], headless: bool) -> None:
    import hud.cli
    import hud.pg

    calls: list[str] = []
    monkeypatch.setattr(hud.pg, "use_headless_drivers", lambda: calls.append("headless"))
    for name in ("cmd_replay", "cmd_shot"):
        monkeypatch.setattr(hud.cli, name, lambda args: 0)
    assert main(argv) == 0
    assert bool(calls) is headless


def test_shot_past_the_scenarios_end_warns_and_still_writes(tmp_path, capsys) -> None:
    out = tmp_path / "late.png"
    assert main(["shot", "--at", "90", "--size", "320x180", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: --at 90 s is past the end of" in err and "(60 s)" in err
    assert out.is_file()
    assert main(["shot", "--at", "59", "--size", "320x180", "--out", str(out)]) == 0
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["--view-fov", "80"], "hud: --view-fov 80 is wider than the camera (--camera-fov 70): the view is a part of the "
                           "camera's picture, so it may be 1 to 70 degrees, or 'camera'"),
    (["--view-fov", "wide"], "hud: --view-fov must be a number of degrees between 1 and 170, or 'camera'; 'wide' "
                             "given"),
    (["--view-fov", "0.5"], "--view-fov must be a number of degrees between 1 and 170, or 'camera'; '0.5' given"),
    (["--view-fov", "60", "--camera-fov", "50"], "--view-fov 60 is wider than the camera (--camera-fov 50)"),
    (["--view-fov", "5"], "a 5° view is too narrow for generic's 30° x 22.5° display"),
])
def test_view_fov_is_checked_with_what_was_given_and_what_is_allowed(tmp_path, capsys, argv: list[str],
                                                                     message: str) -> None:
    assert main(["shot", "--at", "1", "--size", "320x180", "--out", str(tmp_path / "x.png"), *argv]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_view_fov_camera_shows_the_whole_picture_and_a_narrower_camera_narrows_the_default(tmp_path, capsys) -> None:
    from hud.cli import _options, build_parser

    def options(*argv: str):
        return _options(build_parser().parse_args(["shot", "--at", "1", "--out", "x.png", *argv]))

    assert options().view_fov is None  # the session's default: 50°, or the camera's when narrower
    assert options("--view-fov", "camera").view_fov == 70.0
    assert options("--view-fov", "camera", "--camera-fov", "90").view_fov == 90.0
    assert options("--view-fov", "40").view_fov == 40.0
    for command in ("legibility", "power", "record"):
        assert "--view-fov" in build_parser()._subparsers._group_actions[0].choices[command].format_help()
    assert main(["shot", "--at", "1", "--size", "320x180", "--camera-fov", "40", "--out", str(tmp_path / "n.png")]) == 0


def test_bench_sizes_prints_the_whole_frame_goals_per_size(capsys, monkeypatch) -> None:
    # Only that it runs and prints its rows: figures depend on the machine, so nothing is timed here.
    # The other goals' benches (tested in test_bench.py) are replaced by their names here.
    import hud.bench

    monkeypatch.setattr(hud.bench, "other_goals", lambda: iter(["OTHER GOAL 1", "OTHER GOAL 2"]))
    assert main(["bench", "--frames", "3", "--size", "160x90", "--sizes", "160x90,192x108",
                 "--sequence-frames", "6"]) == 0
    out = capsys.readouterr().out
    assert "memory copy" in out and "whole frame" in out  # the per-stage table is kept
    assert "60 frames/s" in out and "cold copy" in out and "p99" in out
    for size in ("160x90", "192x108"):
        row = next(line for line in out.splitlines() if line.startswith(size))
        assert "<= 10x copy:" in row and ("met" in row or "MISSED" in row)
    assert out.index("OTHER GOAL 1") > out.index("192x108") and "OTHER GOAL 2" in out
    still = out.index("over a still picture")  # the HUD's own share: each size again over a still
    assert all(size in out[still:] for size in ("160x90", "192x108"))


@pytest.mark.parametrize(("argv", "where"), [(["bench", "--push"], "process"),
                                             (["bench", "--push", "thread"], "thread")])
def test_bench_push_measures_the_server_where_asked(argv: list[str], where: str, capsys, monkeypatch) -> None:
    import hud.push.bench

    asked: list[str] = []
    monkeypatch.setattr(hud.push.bench, "run_push_bench", lambda where: asked.append(where) or f"PUSH {where}")
    assert main(argv) == 0
    assert asked == [where] and capsys.readouterr().out.strip() == f"PUSH {where}"
    with pytest.raises(SystemExit):
        main(["bench", "--push", "elsewhere"])  # refused by the parser, with its usage line
