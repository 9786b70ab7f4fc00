"""Record and replay: a replayed run's screenshots are identical to the original's."""

from __future__ import annotations

import json

import pytest

from hud import events as ev
from hud.cli import main
from hud.output import load_png
from hud.pg import pygame
from hud.recording import load_recording
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


@pytest.mark.parametrize(("content", "message"), [
    ("", "empty recording"),
    ('{"format": "other"}\n', "not a hud recording"),
    ('{"format": "hud-recording/1"}\n{"at": 1, "event": "wakeup"}\n', ":2: unknown event 'wakeup'"),
    ('{"format": "hud-recording/1"}\n{"at": 1, "event": "notify", "colour": 3}\n', ":2: unknown field(s) colour"),
    ('{"format": "hud-recording/1"}\n{"event": "wake"}\n', ":2: missing 'at'"),
    ('{"format": "hud-recording/1"}\n{"at": 2, "event": "wake"}\n{"at": 1, "event": "wake"}\n', ":3: events must be"),
    ('{"format": "hud-recording/1"}\n{"at": 1, "event": "wake"\n', ":2:26: malformed JSON"),
])
def test_bad_recordings_name_the_line(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_recording(path)


def test_header_describes_the_setup(tmp_path) -> None:
    path = tmp_path / "r.jsonl"
    Session.open(Options(background="scene:night", device="even-g2", view=(320, 180), record_events=path)).close()
    header = json.loads(path.read_text().splitlines()[0])
    assert header["device"] == "even-g2" and header["background"] == "scene:night" and header["view"] == [320, 180]
