"""Scenarios: the city walk is valid and complete; bad scenarios report every problem exactly."""

from __future__ import annotations

import pytest

from hud import events as ev
from hud.scenario import load_scenario
from hud.schema import ConfigError

BAD = "tests/fixtures/scenarios"


def test_city_walk_covers_the_demo() -> None:
    s = load_scenario("city_walk.yaml")
    types = [t.event.type for t in s.timeline]
    assert 55 <= s.duration <= 65
    for needed in ("wake", "say", "think", "answer", "navigate", "notify", "gaze", "nav_end"):
        assert needed in types, needed  # the payment opens from the café's QR code, looked at (gaze)
    notes = [t.event for t in s.timeline if isinstance(t.event, ev.Notify)]
    assert any(n.app == "Flight" for n in notes) and any(n.app == "WeChat" for n in notes)
    assert [t.at for t in s.timeline] == sorted(t.at for t in s.timeline)
    assert s.start_time == 8 * 3600 + 41 * 60


def test_event_after_duration_is_reported_at_its_line(in_root) -> None:
    with pytest.raises(ConfigError) as caught:
        load_scenario(f"{BAD}/late_event.yaml")
    assert [str(p) for p in caught.value.problems] == [
        f"{BAD}/late_event.yaml:4:5: 'think' at 12.0 s is after the scenario's duration of 10.0 s; "
        "raise 'duration' or move the event"]


def test_every_bad_event_reported_at_once_in_line_order(in_root) -> None:
    with pytest.raises(ConfigError) as caught:
        load_scenario(f"{BAD}/bad_events.yaml")
    assert [str(p) for p in caught.value.problems] == [
        f"{BAD}/bad_events.yaml:2:9: unknown device 'vuzix-z10' (available: brilliant-frame, even-g1, even-g2, "
        "generic, meta-rayban-display, quark-s1, vuzix-z100); "
        "did you mean 'vuzix-z100'?",
        f"{BAD}/bad_events.yaml:4:20: unknown event 'wakeup' (expected one of: wake, say, think, answer, idle, "
        "navigate, nav_end, notify, pay_detect, pay_confirm, pay_cancel, pay_result, status, gesture, show, clear, "
        "button, head, gaze, set_layout, set_device); "
        "did you mean 'wake'?",
        f"{BAD}/bad_events.yaml:5:40: a 'roundabout' maneuver needs 'exit' (1 to 8, counted from the entry)",
        f"{BAD}/bad_events.yaml:6:5: missing required key 'title' in 'notify' event",
        f"{BAD}/bad_events.yaml:7:70: 'currency' must be an ISO 4217 code like 'CNY', got 'rmb'",
        f"{BAD}/bad_events.yaml:8:35: unknown kind 'pinch' (expected one of: tap, double_tap, swipe_forward, "
        "swipe_back, swipe_down, long_press)",
    ]


def test_same_time_events_keep_file_order(tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("duration: 5\ntimeline:\n  - {at: 2, event: think}\n  - {at: 1, event: wake}\n"
                    "  - {at: 2, event: answer, text: hi}\n")
    s = load_scenario(path)
    assert [t.event.type for t in s.timeline] == ["wake", "think", "answer"]


def test_missing_file_is_a_clear_problem(tmp_path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_scenario(tmp_path / "nope.yaml")


def test_a_device_name_in_a_timeline_is_bounded(tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("duration: 5\ntimeline:\n  - {at: 1, event: set_device, name: " + "a" * 300 + "}\n")
    with pytest.raises(ConfigError) as caught:
        load_scenario(path)
    assert [f"{p.line}:{p.col}: {p.message}" for p in caught.value.problems] == [
        "3:38: 'name' is 300 characters long; at most 64 allowed"]


def test_a_scenario_name_too_long_for_the_file_system_is_located(tmp_path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_scenario(tmp_path / ("a" * 300 + ".yaml"))
    (problem,) = caught.value.problems
    assert (problem.line, problem.col) == (1, 1) and "File name too long" in problem.message
