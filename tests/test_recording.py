"""Record and replay: a replayed run's screenshots are identical to the original's."""

from __future__ import annotations

import json
import os

import pytest

from hud import events as ev
from hud.cli import main
from hud.output import load_png
from hud.pg import pygame
from hud.recording import MAX_LINE_BYTES, MAX_RECORDING_BYTES, RecordingError, load_recording
from hud.session import Options, Session


def pixels(surface: pygame.Surface) -> bytes:
    return pygame.image.tobytes(surface, "RGB")


def test_replay_reproduces_scripted_typed_and_gesture_events(tmp_path) -> None:
    path = tmp_path / "walk.jsonl"
    original = Session.open(Options(background="scene", view=(320, 180), record_events=path))
    shots = {}
    original.seek(40.0)
    original.push(ev.Notify(app="Test", title="Pushed from outside"))
    original.seek(41.0)
    original.gesture("tap")  # the wearer confirms early, by touch
    original.schedule([ev.Timed(42.5, ev.Answer(text="Planned answer"))])
    for t in (41.2, 42.0, 43.0, 45.0):
        original.seek(t)
        shots[t] = (pixels(original.render_panel()), pixels(original.render_composite()))
    original.close()

    recording = load_recording(path)
    kinds = [t.event.type for t in recording.events]
    assert "notify" in kinds and "gesture" in kinds and "answer" in kinds and kinds[0] == "wake"
    replayed = Session.replay(path)
    for t, (panel, composite) in shots.items():
        replayed.seek(t)
        assert pixels(replayed.render_panel()) == panel, t
        assert pixels(replayed.render_composite()) == composite, t


def test_replay_command_writes_the_same_screenshot(tmp_path, capsys) -> None:
    path = tmp_path / "run.jsonl"
    assert main(["--headless", "--seconds", "20", "--fps", "4", "--size", "320x180",
                 "--record-events", str(path), "--out", str(tmp_path / "last.png")]) == 0
    assert main(["replay", str(path), "--at", "20", "--out", str(tmp_path / "again.png")]) == 0
    assert pixels(load_png(tmp_path / "last.png")) == pixels(load_png(tmp_path / "again.png"))


HEADER = ('{"format": "hud-recording/1", "scenario": "assets/scenarios/empty.yaml", "device": "generic", '
          '"layout": "layouts/default.yaml", "background": "scene", "view": [320, 180], "camera_fov": 70, '
          '"optics": ["light"]}\n')


@pytest.mark.parametrize(("content", "message"), [
    ("", ":1:1: empty recording"),
    ('{"format": "other"}\n', ":1:12: not a hud recording"),
    ('{"format": "hud-recording/1"}\n', ":1:1: incomplete recording header: missing 'scenario'"),
    (HEADER.replace("[320, 180]", "[320, 99999]"), ":1:160: 'view' must be [width, height]"),
    (HEADER.replace('"camera_fov": 70', '"camera_fov": NaN'), ":1:186: malformed JSON: NaN is not a JSON number"),
    (HEADER.replace('["light"]', '["light", "lasers"]'), ":1:200: 'optics' must be a list of optics stages"),
    (HEADER + '{"at": 1, "event": "wakeup"}\n', ":2:20: unknown event 'wakeup'"),
    (HEADER + '{"at": 1, "event": "notify", "app": "A", "title": "B", "colour": 3}\n', ":2:56: unknown key 'colour'"),
    (HEADER + '{"event": "wake"}\n', ":2:1: missing required key 'at'"),
    (HEADER + '{"at": 2, "event": "wake"}\n{"at": 1, "event": "wake"}\n', ":3:8: events must be in time order"),
    (HEADER + '{"at": 1, "event": "wake"\n', ":2:26: malformed JSON: expecting"),
    (HEADER + '{"at": 1, "event": "wake"}}\n', ":2:27: malformed JSON: more after the object"),
    (HEADER + '[1, 2]\n', ":2:1: expected a JSON object"),
    (HEADER + '{"at": 1, "at": 2, "event": "wake"}\n', ":2:11: duplicate field 'at'"),
    (HEADER + '{"at": 1e999, "event": "wake"}\n', ":2:8: malformed JSON: 1e999 is too large a number"),
    (HEADER + '{"at": -Infinity, "event": "wake"}\n', ":2:8: malformed JSON"),
    (HEADER + '{"at": 1, "event": "say", "text": "\\ud800"}\n', ":2:35: 'text' holds a lone surrogate"),
    (HEADER + '{"at": 1, "event": "say", "text": ' + "[" * 500 + "]" * 500 + "}\n", ":2:35: 'text' is nested more"),
    (HEADER + '{"at": 1, "event": "navigate", "maneuver": "left", "distance": "far"}\n',
     ":2:64: expected a number for 'distance'"),
    (HEADER + '{"at": 1, "event": "gesture", "kind": "tapp"}\n', ":2:39: unknown kind 'tapp'"),
    (HEADER + '{"at": 1, "event": "show", "layout": "text_wal", "text": "x"}\n', ":2:38: unknown layout 'text_wal'"),
    (HEADER + '{"at": 1, "event": "show", "layout": "bitmap", "data": "bm90IGEgcG5n"}\n', ":2:56: 'data'"),
    (HEADER + '{"at": 1, "event": "notify", "app": "A", "title": ' + '"' + "x" * 300 + '"}\n',
     ":2:51: 'title' is 300 characters long"),
])
def test_bad_recordings_name_the_line_and_column(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(RecordingError) as caught:
        load_recording(path)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_bad_bytes_are_located(tmp_path) -> None:
    path = tmp_path / "bytes.jsonl"
    path.write_bytes(HEADER.encode() + b'{"at": 1, "event": "say", "text": "caf\xe9"}\n')
    with pytest.raises(RecordingError, match=r":2:39: not UTF-8 text: byte 0xE9"):
        load_recording(path)


def test_every_problem_is_reported_with_its_line_and_a_caret(tmp_path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text(HEADER + '{"at": 1, "event": "gesture", "kind": "tapp"}\n{"at": 2, "event": "wake"}\n'
                    '{"at": 3, "event": "nope"}\n')
    with pytest.raises(RecordingError) as caught:
        load_recording(path)
    lines = caught.value.report().splitlines()
    assert [line.split(": ")[0][len(str(path)):] for line in lines if line.startswith(str(path))] == [":2:39", ":4:20"]
    assert lines[1].strip().startswith('{"at": 1') and lines[2].index("^") == 4 + 38


def test_a_fifo_is_refused_without_waiting(tmp_path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(RecordingError, match=r"pipe.jsonl:1:1: not a regular file"):
        load_recording(fifo)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path) -> None:
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as f:
        f.write(HEADER.encode())
        f.truncate(MAX_RECORDING_BYTES + 1)  # sparse: no disk used
    with pytest.raises(RecordingError, match=r"huge.jsonl:1:1: the recording is \d+ bytes; the limit is"):
        load_recording(huge)


def test_a_huge_line_is_refused_without_reading_it_all(tmp_path) -> None:
    path = tmp_path / "line.jsonl"
    path.write_text(HEADER + '{"at": 1, "event": "say", "text": "' + "x" * (MAX_LINE_BYTES + 10) + '"}\n')
    with pytest.raises(RecordingError, match=r":2:1: line is longer than the limit"):
        load_recording(path)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(RecordingError, match=r"nope.jsonl:1:1: file not found"):
        load_recording(tmp_path / "nope.jsonl")


@pytest.mark.parametrize(("content", "message"), [
    (HEADER + "{nope\n", "bad.jsonl:2:2: malformed JSON"),
    (HEADER.replace('"device": "generic"', '"device": "no-such-glasses"'), "no-such-glasses"),
    ("\x00\x01", "bad.jsonl:1:1: malformed JSON"),
    (HEADER.replace('"camera_fov": 70', '"camera_fov": 1'), "bad.jsonl:1:186: cannot replay with camera_fov '1': a 1° "
                                                         "camera is too narrow"),
])
def test_replay_command_refuses_with_exit_2_and_no_traceback(tmp_path, capsys, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    assert main(["replay", str(path), "--at", "1", "--out", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_a_window_recording_replays(tmp_path) -> None:
    """What Event.to_dict writes (every field, nulls for unset optional ones) is read back as it was."""
    path = tmp_path / "all.jsonl"
    session = Session.open(Options(scenario="empty.yaml", background="scene", view=(320, 180), record_events=path))
    pushed = [ev.ShowCard(layout="reference_card", title="Gate", text="B12"), ev.Navigate(maneuver="left", distance=50),
              ev.Status(battery_main=40), ev.Navigate(maneuver="roundabout", distance=80, exit=2),
              ev.PayDetect(merchant="Cafe", amount=18), ev.PayConfirm(by="tap"), ev.Clear(what="cards"),
              ev.Answer(text="hi", cps=30.5), ev.Notify(app="A", title="B", urgent=True)]
    for i, event in enumerate(pushed):
        session.seek(i * 0.5)
        session.push(event)
    session.close()
    assert [t.event for t in load_recording(path).events] == pushed


def test_header_describes_the_setup(tmp_path) -> None:
    path = tmp_path / "r.jsonl"
    Session.open(Options(background="scene:night", device="even-g2", view=(320, 180), record_events=path)).close()
    header = json.loads(path.read_text().splitlines()[0])
    assert header["device"] == "even-g2" and header["background"] == "scene:night" and header["view"] == [320, 180]


def test_bundled_files_are_stored_relative_so_a_recording_replays_from_anywhere(tmp_path, monkeypatch) -> None:
    path = tmp_path / "r.jsonl"
    Session.open(Options(background="scene", device="even-g2", view=(320, 180), record_events=path)).close()
    header = json.loads(path.read_text().splitlines()[0])
    assert header["scenario"] == "assets/scenarios/city_walk.yaml"
    assert header["layout"] == "layouts/compact.yaml"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # another folder, as on another machine or install
    replayed = Session.replay(path)
    try:
        assert replayed.scenario.path.name == "city_walk.yaml"
    finally:
        replayed.close()


def test_mentra_cards_clears_and_buttons_round_trip(tmp_path) -> None:
    """The fields MentraOS brought (animation frames, app, clear's view and app, the button) are recorded
    and read back as they were."""
    from mentra_bmps import sdk_b64

    from hud.mentra.bmp import png_from_bmp

    frame = png_from_bmp(sdk_b64([[x == y for x in range(6)] for y in range(6)]))
    path = tmp_path / "mentra.jsonl"
    session = Session.open(Options(scenario="empty.yaml", background="scene", view=(320, 180), record_events=path))
    pushed = [ev.ShowCard(layout="bitmap_animation", frames=(frame, frame), interval=0.25, repeat=True, app="com.a"),
              ev.ShowCard(layout="text_wall", text="hi", view="dashboard", app="com.b", duration=2.5),
              ev.Clear(what="cards", view="main", app="com.a"), ev.Button(button="main", press="long"),
              ev.Clear(what="cards", app="com.b")]
    for i, event in enumerate(pushed):
        session.seek(i * 0.5)
        session.push(event)
    session.close()
    assert [t.event for t in load_recording(path).events] == pushed


def test_a_recording_without_view_fov_replays_at_the_cameras_fov_and_one_with_it_at_its_own(tmp_path) -> None:
    """Recordings made before view_fov showed the camera's whole picture: they replay so, pixel for pixel."""
    old = tmp_path / "old.jsonl"
    old.write_text(HEADER + '{"at": 1, "event": "notify", "app": "A", "title": "Hello"}\n')
    session = Session.replay(old)
    assert session.view_fov == session.camera_hfov == 70.0
    session.seek(2.0)
    plain = Session.open(Options(scenario="empty.yaml", background="scene", view=(320, 180),
                                 optics=frozenset({"light"}), view_fov=70.0))
    plain.seek(1.0)
    plain.push(ev.Notify(app="A", title="Hello"))
    plain.seek(2.0)
    assert pixels(session.render_composite()) == pixels(plain.render_composite())
    session.close()
    plain.close()
    new = tmp_path / "new.jsonl"
    Session.open(Options(scenario="empty.yaml", background="scene", view=(320, 180), record_events=new)).close()
    assert json.loads(new.read_text().splitlines()[0])["view_fov"] == 50.0
    assert Session.replay(new).view_fov == 50.0
    assert Session.replay(new, view_fov=60.0).view_fov == 60.0


@pytest.mark.parametrize(("field", "message"), [
    ('"view_fov": 80', "bad.jsonl:1:202: 'view_fov' (80) must be at most 'camera_fov' (70): the view is a part of "
                       "the camera's picture"),
    ('"view_fov": "camera"', "bad.jsonl:1:202: 'view_fov' must be a number of degrees between 1 and 170, got "
                             "\"camera\""),
    ('"view_fov": 0', "'view_fov' must be a number of degrees between 1 and 170, got 0"),
])
def test_a_bad_view_fov_in_the_header_is_located(tmp_path, capsys, field: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(HEADER.replace('"camera_fov": 70', '"camera_fov": 70, ' + field))
    assert main(["replay", str(path), "--at", "1", "--out", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_replay_view_fov_option_is_checked_against_the_recordings_camera(tmp_path, capsys) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(HEADER)
    assert main(["replay", str(path), "--at", "1", "--out", str(tmp_path / "x.png"), "--view-fov", "90"]) == 1
    assert "--view-fov 90 is wider than the recording's camera (70°)" in capsys.readouterr().err
    assert main(["replay", str(path), "--at", "1", "--out", str(tmp_path / "x.png"), "--view-fov", "camera"]) == 0
