"""The models: distances, ETAs and the route's arrival time, time of day, the primary item, repeats."""

from __future__ import annotations

import pytest

from hud import events as ev
from hud.model import primary
from hud.model.caption import acknowledgement, repeats
from hud.model.navigation import format_distance, format_eta
from hud.model.status import StatusState
from hud.state import HudState, apply


@pytest.mark.parametrize(("metres", "text"), [
    (1234, "1.2 km"), (420, "450 m"), (200, "200 m"), (191, "200 m"), (50, "50 m"), (44, "45 m"),
    (10, "10 m"), (6, "10 m"), (3.5, "5 m"), (3, "now"), (0, "now"),
])
def test_distance_rounds_up_like_navigation_apps(metres: float, text: str) -> None:
    assert format_distance(metres) == text


def test_arrival_reads_arrived() -> None:
    assert format_distance(2, "arrive") == "arrived"
    assert format_distance(25, "arrive") == "25 m"


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


# --- navigation: the route's arrival time ---------------------------------------------------

def _walk(*steps: tuple[float, ev.Navigate]) -> HudState:
    s = HudState()
    for at, step in steps:
        s = apply(s, step, at)
    return s


def test_arrival_time_belongs_to_the_route_not_the_step() -> None:
    """The city walk once showed 08:46, then 08:42 twelve seconds later."""
    first = _walk((5.0, ev.Navigate(maneuver="right", distance=200, eta=5)))
    later = _walk((5.0, ev.Navigate(maneuver="right", distance=200, eta=5)),
                  (26.5, ev.Navigate(maneuver="roundabout", exit=2, distance=90, eta=4.2)))
    assert first.nav is not None and later.nav is not None
    assert later.nav.arrive_at == first.nav.arrive_at == 305.0
    assert later.nav.eta_at(65.0) == pytest.approx(4.0)  # minutes left count down with the clock


def test_a_step_that_disagrees_by_more_than_two_minutes_moves_the_arrival() -> None:
    late = _walk((0.0, ev.Navigate(eta=5)), (60.0, ev.Navigate(eta=10)))
    assert late.nav is not None and late.nav.arrive_at == 660.0


def test_arrived_shows_no_minutes() -> None:
    s = _walk((0.0, ev.Navigate(maneuver="arrive", distance=2, eta=0.5)))
    assert s.nav is not None and s.nav.arrived(1.0)


# --- one primary item at a time -----------------------------------------------------------

def test_primary_order() -> None:
    assert primary.ORDER == ("payment", "urgent", "navigation", "card", "notification")
    s = apply(HudState(), ev.Notify(app="Chat", title="hi"), 0)
    assert primary.primary(s) == "notification"
    s = apply(s, ev.ShowCard(text="a card"), 0)
    assert primary.primary(s) == "card"
    s = apply(s, ev.Navigate(), 0)
    assert primary.primary(s) == "navigation"
    s = apply(s, ev.Notify(app="Flight", title="Gate changed", urgent=True), 0)
    assert primary.primary(s) == "urgent"
    s = apply(s, ev.PayDetect(merchant="Cafe", amount=3), 0)
    assert primary.primary(s) == "payment" and primary.live(s) == ("payment", "urgent", "navigation", "card")
    assert primary.primary(HudState()) is None


# --- the caption does not repeat the card ---------------------------------------------------

def test_an_answer_the_card_already_says_is_a_repeat() -> None:
    card = ["CA1705 boards 10:15", "Gate B12 · leave by 09:20"]
    assert repeats("CA1705 boards at 10:15 from gate B12. Leave by 09:20.", card)
    assert not repeats("Blue Bottle Coffee is 420 m away, about 5 minutes on foot.", card)
    assert repeats("CA1705 飞往北京，10:15 在 B12 登机。", ["CA1705 飞往北京 10:15 登机", "B12 登机口 · 准时"])
    assert not repeats("", card) and not repeats("anything", [])
    assert acknowledgement("CA1705 boards") == "Shown above" and acknowledgement("航班") == "见上方卡片"
