"""`check`: each problem at its widget's file:line:col; the shipped files' counts; exit codes; the I overlay."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest

from hud.app import DemoWindow
from hud.check import KINDS, RED, check_file, moments_of, problems
from hud.cli import main
from hud.pg import pygame, use_headless_drivers
from hud.session import Options, Session

use_headless_drivers()

FIXTURE = "tests/fixtures/check/problems.yaml"
CLEAN = "tests/fixtures/check/clean.yaml"
STREET = "tests/fixtures/check/street.png"  # a still street: contrast does not move with the built-in scene


def test_each_problem_is_reported_at_its_widget_with_what_went_wrong() -> None:
    report = check_file(FIXTURE, ["generic"], background=STREET)
    lines = [str(f).split(" (at ")[0] for f in report.findings]
    assert lines == [
        f"{FIXTURE}:10:5: overlap on generic: label overlaps label ({FIXTURE}:5:5) by 120x30 px while both show "
        "something; their drawings do not touch (yet)",
        f"{FIXTURE}:15:5: off panel on generic: label leaves the 640x480 panel: its rectangle is x 520..720, "
        "y 400..440 (80 px past the right edge)",
        f"{FIXTURE}:20:5: too small on generic: label: 10 px text is 0.47° tall on generic (under 0.6°; 13 px or "
        "more needed): “Tiny print”",
        f"{FIXTURE}:26:5: clipped on generic: label: “window is ready; the” cut by the widget's edge: 28 of its "
        "30 px height cut",
        f"{FIXTURE}:26:5: clipped on generic: label: “barista is waiting” not shown at all: no room left for it "
        "in the widget",
        f"{FIXTURE}:31:5: low contrast on generic: label: “Dim” has contrast 1.07:1 against the world behind it "
        "(under 1.6:1): 28 nits of text over 406",
    ]
    assert all(f.moments == report.moments["generic"] for f in report.findings)  # a static layout: every moment


def test_an_ellipsised_text_says_how_much_was_cut() -> None:
    """The compact screen on the Meta's dense panel (not its device): its ETA, raised to the Meta's 26-px
    minimum, leaves one line for the exit and the street, which share it, ellipsised."""
    report = check_file("layouts/compact.yaml", ["meta-rayban-display"], background=STREET)
    nav = [str(f) for f in report.findings if f.problem.kind == "clipped" and f.problem.widget == "navigation"]
    assert nav == ["layouts/compact.yaml:13:5: clipped on meta-rayban-display: navigation: “exit 3 · Avenue des "
                   "Champs-Élysées” ellipsised to fit: 17 of 34 characters cut (ends “exit 3 · Avenue d…”) (at "
                   "9.05 s; 9 moments from 9.05 s)"]


def test_what_the_primary_item_hides_never_counts_as_overlapping() -> None:
    """The payment prompt and a main card overlap navigation and notifications by design (they hide them):
    only widgets that both show something at that moment overlap. The default screen on the 200-px-tall G1
    (not its device) has real overlaps too."""
    report = check_file("layouts/default.yaml", ["even-g1"], background=STREET)
    overlaps = [f.problem.message for f in report.findings if f.problem.kind == "overlap"]
    assert overlaps and not any("payment" in m or "card overlaps navigation" in m for m in overlaps)


def test_widgets_never_derive_text_under_the_devices_minimum() -> None:
    """A widget's own smaller text (the status bar's A/B tags at 0.7x, a notification's header at 0.75x,
    the ETA and the payment's merchant at 0.8x) is never under 0.6 deg on the device: on the G1 (25.6 px/deg)
    16 px, where 0.7 x 16 would be 11."""
    session = Session.open(Options(scenario="assets/scenarios/city_walk.yaml", device="even-g1", background="scene"))
    try:
        assert session.panel.min_text == 16
        for t in (5.0, 13.0, 41.0):
            session.seek(t)
            sizes = {e.size for e in session.panel.text_elements(session.state, session.now)}
            assert sizes and min(sizes) >= 16, (t, sizes)
    finally:
        session.close()


def test_problems_is_the_current_frame_only() -> None:
    session = Session.open(Options(scenario="assets/scenarios/city_walk.yaml", layout=FIXTURE, background="scene"))
    try:
        session.seek(1.0)
        found = problems(session)
    finally:
        session.close()
    assert {p.kind for p in found} == set(KINDS)
    assert {str(p.where) for p in found if p.kind == "off panel"} == {f"{FIXTURE}:15:5"}
    assert all(p.rect.width and p.rect.height for p in found)


def test_moments_are_the_events_and_just_after_each_transition() -> None:
    session = Session.open(Options(background="scene"))  # the city walk
    try:
        moments = moments_of(session)
    finally:
        session.close()
    events = {round(e.at, 6) for e in session.scenario.timeline}
    assert events <= set(moments) and moments == sorted(moments)
    answer = next(e for e in session.scenario.timeline if e.event.type == "answer")
    text, cps = answer.event.text, answer.event.cps  # type: ignore[attr-defined]
    assert round(answer.at + len(text) / cps + 0.05, 6) in moments  # the answer fully streamed
    pay = next(e for e in session.log if e.event.type == "pay_detect")  # opened by the café's QR code, looked at
    assert round(pay.at, 6) in moments and round(pay.at + 1.05, 6) in moments  # then "detected" became "awaiting"


#: `check FILE --device all --background STREET` over the shipped files: per device, (clipped, overlap, off
#: panel, too small, low contrast). A layout on a device it was not made for finds more (square.yaml on the
#: 200-px-tall G1). A still picture of a street, so that work on the built-in scene leaves these alone.
#: When a layout or a widget changes, the new counts are in the assertion's message.
SHIPPED = {
    "layouts/default.yaml": {
        "brilliant-frame": (1, 1, 0, 4, 2), "even-g1": (3, 2, 2, 0, 2), "even-g2": (0, 0, 0, 0, 2),
        "generic": (0, 0, 0, 0, 0), "meta-rayban-display": (2, 0, 0, 6, 0), "quark-s1": (0, 0, 0, 0, 0),
        "vuzix-z100": (0, 0, 0, 0, 2)},
    "layouts/compact.yaml": {
        "brilliant-frame": (1, 0, 0, 5, 3), "even-g1": (0, 0, 0, 0, 2), "even-g2": (0, 0, 0, 0, 2),
        "generic": (0, 0, 0, 0, 1), "meta-rayban-display": (1, 0, 0, 5, 0), "quark-s1": (0, 0, 0, 0, 1),
        "vuzix-z100": (0, 0, 0, 0, 3)},
    "layouts/g1.yaml": {
        "brilliant-frame": (0, 0, 0, 5, 0), "even-g1": (0, 0, 0, 0, 2), "even-g2": (0, 0, 0, 0, 0),
        "generic": (0, 0, 0, 0, 0), "meta-rayban-display": (0, 0, 0, 5, 0), "quark-s1": (0, 0, 0, 0, 0),
        "vuzix-z100": (0, 0, 0, 0, 3)},
    "layouts/frame.yaml": {
        "brilliant-frame": (0, 0, 0, 0, 3), "even-g1": (4, 1, 2, 0, 1), "even-g2": (0, 0, 1, 0, 3),
        "generic": (0, 0, 0, 0, 1), "meta-rayban-display": (2, 0, 0, 5, 0), "quark-s1": (0, 0, 0, 0, 1),
        "vuzix-z100": (0, 0, 0, 0, 3)},
    "layouts/square.yaml": {
        "brilliant-frame": (0, 1, 1, 0, 2), "even-g1": (7, 1, 4, 0, 0), "even-g2": (5, 0, 1, 0, 2),
        "generic": (0, 1, 0, 0, 1), "meta-rayban-display": (0, 0, 0, 0, 0), "quark-s1": (0, 1, 0, 0, 1),
        "vuzix-z100": (0, 1, 0, 0, 1)},
    "assets/scenarios/city_walk.yaml": {
        "brilliant-frame": (0, 0, 0, 0, 2), "even-g1": (0, 0, 0, 0, 2), "even-g2": (0, 0, 0, 0, 2),
        "generic": (0, 0, 0, 0, 0), "meta-rayban-display": (0, 0, 0, 0, 0), "quark-s1": (0, 0, 0, 0, 0),
        "vuzix-z100": (0, 0, 0, 0, 1)},
}


@pytest.mark.parametrize("path", list(SHIPPED))
def test_the_shipped_files_counts_on_every_device(path: str) -> None:
    started = time.perf_counter()
    report = check_file(path, ["all"], background=STREET)
    took = time.perf_counter() - started
    counts = {d: tuple(sum(1 for f in report.findings if f.device == d and f.problem.kind == k) for k in KINDS)
              for d in report.devices}
    assert counts == SHIPPED[path], f"{path}: {counts}\n{report.text()}"
    assert took < 60, f"{path}: {took:.1f} s for {sum(report.moments.values())} moments"  # about 1-2 s here


def test_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", CLEAN, "--device", "all"]) == 0
    out = capsys.readouterr().out
    assert "check: all clear" in out and "on 7 device(s)" in out

    assert main(["check", FIXTURE]) == 1
    out = capsys.readouterr().out
    assert f"{FIXTURE}:15:5: off panel on generic:" in out
    assert "6 problem(s); 27 moments rendered on 1 device(s) in" in out
    assert out.splitlines()[-4].split() == ["generic", "2", "1", "1", "1", "1", "6"]  # per device, per kind

    assert main(["check", "tests/fixtures/layouts/many_problems.yaml"]) == 2
    assert "tests/fixtures/layouts/many_problems.yaml:3:8: 'hue' must be a colour" in capsys.readouterr().err

    assert main(["check", "assets/devices/generic.yaml"]) == 2
    assert "assets/devices/generic.yaml:1:1: check takes a layout or a scenario; this is a device profile" in (
        capsys.readouterr().err)


# -- the window's I key -----------------------------------------------------------------------
@pytest.fixture
def window_for() -> Iterator[object]:
    opened: list[Session] = []

    def make(layout: str) -> DemoWindow:
        session = Session.open(Options(scenario="assets/scenarios/empty.yaml", layout=layout, background="scene",
                                       view=(640, 360)))
        opened.append(session)
        return DemoWindow(session)

    yield make
    for session in opened:
        session.close()


def _draw(demo: DemoWindow) -> np.ndarray:
    window = pygame.Surface((640, 360), depth=32)
    demo.draw(window)
    return pygame.surfarray.array3d(window)


@pytest.mark.parametrize("view", ["composite", "panel"])
def test_i_marks_the_findings_on_the_view(window_for, view: str) -> None:
    demo = window_for(FIXTURE)
    demo.view = demo_view = view
    assert not (_draw(demo) == RED).all(axis=2).any()
    demo.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_i, mod=0, unicode="i", scancode=0))
    pixels = _draw(demo)
    boxes = np.argwhere((pixels == RED).all(axis=2))
    assert len(boxes) > 100
    # The off-panel label's box is drawn where the widget is: its right edge past the panel's.
    frame = demo._frame
    scale = frame.width / 640 if demo_view == "panel" else None
    if scale is not None:
        assert boxes[:, 0].max() > frame.right - 2
    assert ((pixels == (90, 10, 10)).all(axis=2)).any()  # the labels and the summary line


def test_i_says_all_clear_when_nothing_is_wrong(window_for) -> None:
    demo = window_for(CLEAN)
    demo.mark_illegible = True
    pixels = _draw(demo)
    assert not (pixels == RED).all(axis=2).any()
    assert ((pixels == (10, 70, 20)).all(axis=2)).sum() > 500  # the green "check: all clear" strip
