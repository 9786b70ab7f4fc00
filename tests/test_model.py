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
