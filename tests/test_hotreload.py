"""Hot reload: edits to a running session's layout, scenario and device files, good and broken.

Edits bump the file's mtime explicitly (os.utime) and polls pass their own clock, so nothing sleeps.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hud import events as ev
from hud import paths
from hud.hotreload import Change, HotReload, SessionFiles, session_files
from hud.pg import pygame
from hud.session import Options, Session

SCENARIO = """\
name: Hot
duration: 60
timeline:
  - {at: 0.5, event: notify, app: Chat, title: "Hello there", duration: 30}
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    layout = tmp_path / "layout.yaml"
    shutil.copy(paths.LAYOUTS / "default.yaml", layout)
    device = tmp_path / "generic.yaml"
    shutil.copy(paths.DEVICES / "generic.yaml", device)
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    return {"layout": layout, "device": device, "scenario": scenario}


@pytest.fixture
def session(files: dict[str, Path]) -> Iterator[Session]:
    s = Session.open(Options(scenario=files["scenario"], layout=files["layout"], device=str(files["device"]),
                             background="scene", view=(320, 180)))
    s.seek(1.0)
    yield s
    s.close()


@pytest.fixture
def hot(session: Session, files: dict[str, Path]) -> HotReload:
    watcher = HotReload(lambda: session_files(session, files["device"]), interval=0.25)
    assert watcher.poll(0.0) == []
    return watcher


def _edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there once) and move the mtime on, as a save a second later would."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path}"
    stat = path.stat()
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _pixels(session: Session) -> bytes:
    return pygame.image.tobytes(session.render_panel(), "RGB")


def _line_of(path: Path, text: str) -> tuple[int, str]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number, line
    raise AssertionError(f"{text!r} not in {path}")


def test_it_watches_the_session_files(hot: HotReload, files: dict[str, Path]) -> None:
    assert hot.watched == {"device": files["device"], "layout": files["layout"], "scenario": files["scenario"]}
    assert hot.error is None


def test_a_layout_edit_shows_within_one_interval_and_a_broken_one_keeps_the_last_good(
    session: Session, hot: HotReload, files: dict[str, Path]
) -> None:
    layout = files["layout"]
    before = _pixels(session)
    _edit(layout, "font_size: 20\n    brightness: 0.9\n", "font_size: 30\n    brightness: 0.9\n")  # the notification
    assert hot.poll(0.2) == []  # not yet: polls are `interval` apart
    assert hot.poll(0.25) == [Change("layout", layout)]
    assert hot.apply(session) is None
    good = _pixels(session)
    assert good != before
    assert next(w for w in session.layout.widgets if w.kind == "notification").font_size == 30

    _edit(layout, "font_size: 30", "font_size: huge")
    assert hot.poll(0.5) == [Change("layout", layout)]
    error = hot.apply(session)
    line, text = _line_of(layout, "font_size: huge")
    assert error is not None and error == hot.error
    assert error.startswith(f"{layout}:{line}:{text.index('huge') + 1}: expected an integer for 'font_size'")
    assert f"    {text}\n" in error and error.endswith("^")
    assert _pixels(session) == good  # the last good layout keeps running
    assert hot.poll(0.6) == [] and hot.apply(session) == error  # still broken: still said

    _edit(layout, "font_size: huge", "font_size: 22")
    assert hot.poll(0.75) == [Change("layout", layout)]
    assert hot.apply(session) is None and hot.error is None
    assert _pixels(session) not in (good, before)


def test_a_scenario_edit_replays_to_the_same_moment(session: Session, hot: HotReload, files: dict[str, Path]) -> None:
    scenario = files["scenario"]
    pushed = ev.Notify(app="Mail", title="pushed by hand", duration=30)
    session.push(pushed)
    before = _pixels(session)
    _edit(scenario, "Hello there", "Goodbye for now")
    assert hot.poll(0.25) == [Change("scenario", scenario)]
    assert hot.apply(session) is None
    assert session.now == 1.0 and session.state.notes.current.title == "Goodbye for now"
    assert any(timed.event == pushed for timed in session.log)  # what was pushed survives the reload
    good = _pixels(session)
    assert good != before

    _edit(scenario, "at: 0.5", "at: soon")
    assert hot.poll(0.5) == [Change("scenario", scenario)]
    error = hot.apply(session)
    line, text = _line_of(scenario, "at: soon")
    assert error is not None and error.startswith(f"{scenario}:{line}:{text.index('soon') + 1}: ")
    assert text in error
    assert _pixels(session) == good and session.scenario.timeline[0].event.title == "Goodbye for now"

    _edit(scenario, "at: soon", "at: 0.5")
    assert hot.poll(0.75) == [Change("scenario", scenario)]
    assert hot.apply(session) is None and hot.error is None


def test_a_device_edit_keeps_the_state_and_the_chosen_layout(
    session: Session, hot: HotReload, files: dict[str, Path]
) -> None:
    device = files["device"]
    assert session.render_panel().get_size() == (640, 480)
    _edit(device, "panel: [640, 480]", "panel: [600, 400]")
    assert hot.poll(0.25) == [Change("device", device)]
    assert hot.apply(session) is None
    assert session.render_panel().get_size() == (600, 400)
    assert session.layout.path == files["layout"]  # not the device's default layout
    assert session.state.notes.current.title == "Hello there"
    good = _pixels(session)

    _edit(device, "panel: [600, 400]", "panel: [600]")
    assert hot.poll(0.5) == [Change("device", device)]
    error = hot.apply(session)
    line, _ = _line_of(device, "panel: [600]")
    assert error is not None and error.startswith(f"{device}:{line}:")
    assert "panel: [600]" in error
    assert _pixels(session) == good

    _edit(device, "panel: [600]", "panel: [640, 400]")
    assert hot.poll(0.75) == [Change("device", device)]
    assert hot.apply(session) is None and session.render_panel().get_size() == (640, 400)


def test_each_file_is_reloaded_on_its_own(session: Session, hot: HotReload, files: dict[str, Path]) -> None:
    _edit(files["layout"], "font_size: 26", "font_size: [26]")
    _edit(files["scenario"], "Hello there", "Still fine")
    assert {c.kind for c in hot.poll(0.25)} == {"layout", "scenario"}
    error = hot.apply(session)
    assert error is not None and error.startswith(str(files["layout"])) and "scenario" not in error
    assert session.state.notes.current.title == "Still fine"
    _edit(files["scenario"], "Still fine", "Fine again")  # a good edit elsewhere does not hide the layout's
    hot.poll(0.5)
    assert hot.apply(session) == error


def test_moving_to_another_file_is_not_an_edit(session: Session, hot: HotReload, files: dict[str, Path]) -> None:
    _edit(files["layout"], "font_size: 26", "font_size: lots")
    hot.poll(0.25)
    assert hot.apply(session) is not None
    session.push(ev.SetLayout(path="compact.yaml"))  # the session moves on: the broken file is not shown
    assert hot.poll(0.5) == [] and hot.error is None
    assert hot.watched["layout"] == paths.LAYOUTS / "compact.yaml"
    session.push(ev.SetDevice(name="even-g2"))  # a bundled profile: its own file is watched
    hot.poll(0.75)
    assert hot.watched["device"] == paths.DEVICES / "even-g2.yaml"


def test_fixed_paths_and_a_missing_file(session: Session, files: dict[str, Path]) -> None:
    hot = HotReload(SessionFiles(layout=files["layout"]), interval=0.1)
    files["layout"].unlink()  # an editor that saves by rename: gone for a moment, nothing to load
    assert hot.poll(0.1) == []
    shutil.copy(paths.LAYOUTS / "compact.yaml", files["layout"])
    assert hot.poll(0.2) == [Change("layout", files["layout"])]
    assert hot.apply(session) is None and session.layout.name == "compact"
