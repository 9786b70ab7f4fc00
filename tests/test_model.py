"""Formatting helpers of the models: distances, ETAs, time of day."""

from __future__ import annotations

import pytest

from hud.model.navigation import format_distance, format_eta
from hud.model.status import StatusState


@pytest.mark.parametrize(("metres", "text"), [
    (1234, "1.2 km"), (420, "450 m"), (200, "200 m"), (191, "200 m"), (50, "50 m"), (44, "50 m"),
    (10, "now"), (0, "now"),
])
def test_distance_rounds_up_like_navigation_apps(metres: float, text: str) -> None:
    assert format_distance(metres) == text


def test_arrival_reads_arrived() -> None:
    assert format_distance(5, "arrive") == "arrived"
    assert format_distance(25, "arrive") == "30 m"


def test_eta() -> None:
    assert (format_eta(0.4), format_eta(4.2)) == ("< 1 min", "5 min")


def test_time_of_day_follows_the_clock_and_wraps_midnight() -> None:
    s = StatusState(day_start=23 * 3600 + 59 * 60)
    assert (s.time_of_day(0), s.time_of_day(59.9), s.time_of_day(60)) == ("23:59", "23:59", "00:00")


def test_an_animations_frame_is_chosen_by_the_clock() -> None:
    """Frame k from since + k * interval; repeating starts over, else the last frame stays: at any t."""
    from hud.events import ShowCard
    from hud.model.cards import Shown, frame_index

    once = Shown(ShowCard(layout="bitmap_animation", frames=("a", "b", "c"), interval=0.1), since=10.0)
    looped = Shown(ShowCard(layout="bitmap_animation", frames=("a", "b", "c"), interval=0.1, repeat=True), since=10.0)
    times = [10.0, 10.05, 10.1, 10.2, 10.3, 10.35, 10.4, 11.0]
    assert [frame_index(once, t) for t in times] == [0, 0, 1, 2, 2, 2, 2, 2]
    assert [frame_index(looped, t) for t in times] == [0, 0, 1, 2, 0, 0, 1, 1]
    assert frame_index(Shown(ShowCard(layout="bitmap_animation", frames=("a",)), since=0.0), 99.0) == 0
