"""Codes in the background trigger the assistant where the wearer's gaze rests: images, a video,
headless on fixed clock times (the same events in every process), and the window's worker thread."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from hud.pg import use_headless_drivers

use_headless_drivers()

from hud import events as ev  # noqa: E402
from hud.codes.decode import decode  # noqa: E402
from hud.codes.samples import CAFE_PAYLOAD, code_pixels, frame_with  # noqa: E402
from hud.output import save_png  # noqa: E402
from hud.session import Options, Session  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AIRPODS, UNKNOWN = "2000000001012", "2000000009995"
QR_AT, EAN_AT = (200, 250), (800, 300)  # the QR's centre is about (0.22, 0.5) of the picture, the EAN's (0.78, 0.5)
#: The gaze is a fraction of the view; these tests look at the camera's whole picture (the Z key's view),
#: where picture and view fractions are the same. The default, narrower view: test_the_gaze_is_on_the_view.
WHOLE = 70.0


def picture(tmp_path: Path, qr: str = CAFE_PAYLOAD, ean: str = AIRPODS) -> Path:
    frame = frame_with([("qr", qr, 5, QR_AT), ("ean13", ean, 3, EAN_AT)])
    return save_png(frame, tmp_path / "codes.png")


def scenario(tmp_path: Path, background: Path | str, *gazes: str, duration: int = 12) -> Path:
    lines = [f"name: Look\nduration: {duration}\nbackground: {background}\ntimeline:" + ("" if gazes else " []")]
    lines += [f"  - {g}" for g in gazes]
    path = tmp_path / "look.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def events_of(session: Session) -> list[ev.Timed]:
    return [t for t in session.log if not isinstance(t.event, ev.Gaze)]


def test_both_kinds_are_read_with_boxes_and_the_frames_time() -> None:
    codes = decode(frame_with([("qr", CAFE_PAYLOAD, 4, QR_AT), ("ean13", AIRPODS, 2, EAN_AT)]), at=3.5)
    assert [(c.kind, c.text) for c in codes] == [("qr", CAFE_PAYLOAD), ("ean13", AIRPODS)]
    assert all(c.at == 3.5 for c in codes)
    x, y, w, _ = codes[0].box
    assert abs(x - QR_AT[0] - 16) <= 4 and abs(y - QR_AT[1] - 16) <= 4 and 120 <= w <= 145


def test_half_a_code_is_no_code() -> None:
    from hud.pg import pygame

    frame = frame_with([("qr", CAFE_PAYLOAD, 4, QR_AT)])
    pygame.draw.rect(frame, (128, 128, 128), (QR_AT[0] + 80, QR_AT[1], 200, 200))  # cover the right half
    assert decode(frame) == []


def test_looking_at_the_payment_code_opens_the_prompt(tmp_path: Path) -> None:
    path = scenario(tmp_path, picture(tmp_path), "{at: 1.0, event: gaze, x: 0.22, y: 0.5, seconds: 1.5}")
    session = Session.open(Options(scenario=path, view_fov=WHOLE))
    session.seek(3.0)
    detect = [t for t in events_of(session) if isinstance(t.event, ev.PayDetect)]
    assert len(detect) == 1 and detect[0].at == pytest.approx(1.8)  # 0.8 s of dwell, read every 0.1 s
    assert (detect[0].event.merchant, detect[0].event.amount, detect[0].event.currency) == \
        ("Blue Bottle Coffee", 32.0, "CNY")
    assert session.state.pay is not None and session.state.pay.phase in ("detected", "awaiting")
    session.close()


def test_looking_at_a_product_code_compares_prices(tmp_path: Path) -> None:
    path = scenario(tmp_path, picture(tmp_path), "{at: 1.0, event: gaze, x: 0.78, y: 0.5, seconds: 1.5}")
    session = Session.open(Options(scenario=path, view_fov=WHOLE))
    session.seek(8.0)
    cards = [t.event for t in events_of(session) if isinstance(t.event, ev.Notify)]
    assert len(cards) == 1 and cards[0].app == "Prices · AirPods Pro 2"
    assert not any(isinstance(t.event, ev.PayDetect) for t in session.log)
    session.close()


def test_an_unknown_product_gets_an_honest_answer(tmp_path: Path) -> None:
    path = scenario(tmp_path, picture(tmp_path, ean=UNKNOWN), "{at: 1.0, event: gaze, x: 0.78, y: 0.5}")
    session = Session.open(Options(scenario=path, view_fov=WHOLE))
    session.seek(8.0)
    answers = [t.event.text for t in events_of(session) if isinstance(t.event, ev.Answer)]
    assert answers == [f"I don't know that product (barcode {UNKNOWN})."]
    session.close()


def test_a_hostile_code_is_ignored_with_a_located_note(tmp_path: Path, capsys) -> None:
    hostile = "hudpay://merchant=Evil&amount=99999999&currency=CNY"
    path = scenario(tmp_path, picture(tmp_path, qr=hostile), "{at: 1.0, event: gaze, x: 0.22, y: 0.5, seconds: 3}")
    session = Session.open(Options(scenario=path, view_fov=WHOLE))
    session.seek(5.0)
    assert events_of(session) == []
    assert session.codes is not None and "ignored QR code at (2" in session.codes.note
    logged = capsys.readouterr().err.splitlines()
    assert len([line for line in logged if "ignored QR code" in line]) == 1  # said once, not every tick
    assert "'amount' must be a decimal" in logged[0] and "t = 1.0 s" in logged[0]
    session.close()


def test_no_gaze_no_reading_and_replays_do_not_read_again(tmp_path: Path) -> None:
    path = scenario(tmp_path, picture(tmp_path), "{at: 1.0, event: gaze, x: 0.22, y: 0.5}")
    session = Session.open(Options(scenario=path, record_events=tmp_path / "run.jsonl", view_fov=WHOLE))
    session.seek(4.0)
    session.close()
    replay = Session.replay(tmp_path / "run.jsonl")
    assert replay.codes is None
    replay.seek(4.0)
    assert [type(t.event) for t in replay.log].count(ev.PayDetect) == 1
    replay.close()


def test_the_same_events_and_pixels_in_two_processes(tmp_path: Path) -> None:
    path = scenario(tmp_path, picture(tmp_path), "{at: 1.0, event: gaze, x: 0.22, y: 0.5}")
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"shot-{seed}.png"
        subprocess.run([sys.executable, "main.py", "shot", "--scenario", str(path), "--at", "2.5", "--out", str(out)],
                       cwd=ROOT, check=True, capture_output=True, env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin"})
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_a_code_in_a_video_is_read_on_the_videos_clock(tmp_path: Path) -> None:
    av = pytest.importorskip("av")
    import numpy as np

    qr = code_pixels("qr", CAFE_PAYLOAD, 5)
    video = tmp_path / "phone.mp4"
    with av.open(str(video), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
        for i in range(30):  # the code comes into view at frame 10 (1.0 s) and stays
            picture = np.full((720, 1280, 3), 90, np.uint8)
            if i >= 10:
                picture[300:300 + qr.shape[0], 520:520 + qr.shape[1]] = qr[:, :, None]
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode(None))
    path = scenario(tmp_path, video, "{at: 0.2, event: gaze, x: 0.5, y: 0.55, seconds: 2.5}")
    session = Session.open(Options(scenario=path, view_fov=WHOLE))
    session.seek(2.9)
    detect = [t for t in session.log if isinstance(t.event, ev.PayDetect)]
    assert len(detect) == 1 and detect[0].at == pytest.approx(1.8)  # seen from 1.0 s, 0.8 s of dwell
    session.close()


def test_the_window_reads_on_a_worker_and_the_pointer_is_the_gaze(tmp_path: Path) -> None:
    from hud.app import DemoWindow
    from hud.pg import pygame

    session = Session.open(Options(background=str(picture(tmp_path)), scenario=scenario(
        tmp_path, picture(tmp_path), duration=60)))
    window = pygame.Surface((1280, 720))
    demo = DemoWindow(session)
    assert session.codes is not None and not session.codes.sync
    demo.draw(window)
    demo.pointer = (282, 332)  # on the QR code
    deadline = time.monotonic() + 20
    while not any(isinstance(t.event, ev.PayDetect) for t in session.log) and time.monotonic() < deadline:
        demo.update(0.05)
        demo.draw(window)
        time.sleep(0.01)
    assert any(isinstance(t.event, ev.PayDetect) for t in session.log)
    assert "QR · pay Blue Bottle Coffee ¥32.00" in {session.codes.label(c) for c in session.codes.codes}
    session.close()


def test_the_gaze_is_on_the_view_the_composite_shows(tmp_path: Path) -> None:
    """In the default view (the camera picture's central 50°), codes are read from that view and the
    gaze's fractions are the view's: a QR at the picture's centre is at the view's centre, 1.5 times as big."""
    centred = save_png(frame_with([("qr", CAFE_PAYLOAD, 4, (576, 296))]), tmp_path / "centre.png")
    path = scenario(tmp_path, centred, "{at: 1.0, event: gaze, x: 0.5, y: 0.5, seconds: 1.5}")
    session = Session.open(Options(scenario=path))
    assert session.view_fov is not None and session.view_fov < WHOLE
    session.seek(3.0)
    assert [t.event.merchant for t in events_of(session) if isinstance(t.event, ev.PayDetect)] == ["Blue Bottle Coffee"]
    session.close()
    aside = scenario(tmp_path, centred, "{at: 1.0, event: gaze, x: 0.1, y: 0.5, seconds: 1.5}")
    session = Session.open(Options(scenario=aside))
    session.seek(3.0)
    assert not any(isinstance(t.event, ev.PayDetect) for t in session.log)
    session.close()
