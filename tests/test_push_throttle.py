"""The throttle: one display update per interval, newest wins per slot, every notification kept,
order kept, counts exact, memory bounded, and a refusal instead of a silent drop."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hud import events as ev
from hud.push.throttle import Ack, Busy, Throttle, slot_of

FRAME = 1 / 60


def test_the_first_update_goes_through_at_once_and_the_next_waits_for_the_interval() -> None:
    t = Throttle(0.3)
    ack = t.offer("a", [ev.Navigate(distance=500)], 10.0)
    assert ack == Ack("a", 0, (), 10.0)
    assert t.due(10.0) == [ev.Navigate(distance=500)]
    ack = t.offer("b", [ev.Navigate(distance=450)], 10.1)
    assert ack.applied_at == pytest.approx(10.3)
    assert t.due(10.2) == []
    assert t.due(10.3) == [ev.Navigate(distance=450)]
    assert t.updates_total == 2


def test_coalescing_keeps_the_newest_per_slot_and_counts_what_it_replaced() -> None:
    t = Throttle(0.3)
    t.offer(0, [ev.Idle()], 0.0)
    t.due(0.0)
    assert t.offer(1, [ev.Think()], 0.05) == Ack(1, 0, (), 0.3)
    assert t.offer(2, [ev.Answer(text="a")], 0.10) == Ack(2, 1, (1,), 0.3)
    assert t.offer(None, [ev.Answer(text="ab")], 0.15) == Ack(None, 1, (2,), 0.3)
    assert t.offer(4, [ev.Navigate(distance=5)], 0.2) == Ack(4, 0, (), 0.3)  # another slot
    assert t.coalesced_total == 2
    assert t.due(0.3) == [ev.Answer(text="ab"), ev.Navigate(distance=5)]
    assert Ack(2, 1, (1,), 0.3).message() == {"type": "ack", "id": 2, "coalesced": 1, "applied_at": 0.3,
                                               "superseded": [1]}


def test_notifications_are_never_coalesced_and_keep_their_order() -> None:
    t = Throttle(0.3)
    t.offer(0, [ev.Idle()], 0.0)
    t.due(0.0)
    notes = [ev.Notify(app="Chat", title=f"message {i}") for i in range(50)]
    for i, note in enumerate(notes):
        assert t.offer(i, [note], 0.01 + i * 0.001).coalesced == 0
    assert t.due(0.3) == notes
    assert t.coalesced_total == 0


def test_survivors_keep_their_arrival_order_across_slots() -> None:
    """A spoken 'confirm' must reach the payment after the prompt it answers, whatever was coalesced."""
    t = Throttle(0.3)
    t.offer(0, [ev.Idle()], 0.0)
    t.due(0.0)
    sequence = [ev.PayDetect(merchant="Cafe", amount=3), ev.Answer(text="old"), ev.Say(text="confirm"),
                ev.Navigate(distance=9), ev.Answer(text="new"), ev.Gesture(kind="tap"), ev.Clear(what="cards"),
                ev.ShowCard(text="x"), ev.ShowCard(text="y", view="dashboard"), ev.ShowCard(text="z")]
    for i, event in enumerate(sequence):
        t.offer(i, [event], 0.1)
    assert t.due(0.3) == [ev.PayDetect(merchant="Cafe", amount=3), ev.Say(text="confirm"), ev.Navigate(distance=9),
                          ev.Answer(text="new"), ev.Gesture(kind="tap"), ev.Clear(what="cards"),
                          ev.ShowCard(text="y", view="dashboard"), ev.ShowCard(text="z")]
    assert t.coalesced_total == 2  # the old answer, the first main-view card


def test_status_updates_merge_field_by_field() -> None:
    t = Throttle(0.3)
    t.offer(0, [ev.Idle()], 0.0)
    t.due(0.0)
    t.offer(1, [ev.Status(battery_main=50)], 0.1)
    ack = t.offer(2, [ev.Status(connectivity="wifi")], 0.1)
    ack = t.offer(3, [ev.Status(battery_main=49)], 0.2)
    assert ack.coalesced == 1
    assert t.due(0.3) == [ev.Status(battery_main=49, connectivity="wifi")]


def test_slots() -> None:
    assert {slot_of(e) for e in (ev.Wake(), ev.Think(), ev.Answer(), ev.Idle())} == {"caption"}
    assert slot_of(ev.NavEnd()) == slot_of(ev.Navigate()) == "navigation"
    assert slot_of(ev.ShowCard(view="always_on")) == "card:always_on"
    for ordered in (ev.Notify(), ev.Say(), ev.PayDetect(), ev.PayConfirm(), ev.PayCancel(), ev.PayResult(),
                    ev.Gesture(), ev.Clear()):
        assert slot_of(ordered) is None


def test_a_flood_of_10000_updates_in_one_second_is_coalesced_with_exact_counts() -> None:
    """10,000 messages in 1 s of clock, offered frame by frame at 60 fps, as the bridge does."""
    t = Throttle(0.3)
    acks: list = []
    applied: list = []
    peak = 0
    per_frame = 10_000 // 60 + 1
    sent = 0
    for frame in range(61):
        now = frame * FRAME
        for _ in range(min(per_frame, 10_000 - sent)):
            kind = sent % 4
            event = (ev.Answer(text=str(sent)) if kind == 0 else ev.Navigate(distance=sent) if kind == 1
                     else ev.Status(battery_main=sent % 101) if kind == 2 else ev.ShowCard(text=str(sent)))
            acks.append(t.offer(sent, [event], now))
            sent += 1
        peak = max(peak, t.pending)
        applied += t.due_entries(now)
    applied += t.due_entries(2.0)
    assert sent == 10_000 and all(isinstance(a, Ack) for a in acks)
    assert t.coalesced_total == sum(a.coalesced for a in acks) == 10_000 - len(applied)
    # Every message is accounted for exactly once: it reached the display, or a later ack names it.
    superseded = [i for a in acks for i in a.superseded]
    assert sorted(superseded + [e.id for e in applied]) == list(range(10_000))
    # One display update per 0.3 s: the first at 0 s, then 0.3, 0.6, 0.9 and the leftovers at 2 s.
    assert t.updates_total == 5
    assert len(applied) == 4 * 5
    assert peak <= 4  # one pending per slot, however many arrive


def test_ordered_updates_are_bounded_and_refused_whole_never_dropped() -> None:
    t = Throttle(0.3, max_ordered=10)
    t.offer(0, [ev.Idle()], 0.0)
    t.due(0.0)
    results = [t.offer(i, [ev.Notify(title=str(i))], 0.1) for i in range(12)]
    assert [isinstance(r, Ack) for r in results] == [True] * 10 + [False] * 2
    busy = results[10]
    assert isinstance(busy, Busy)
    assert busy.message() == {"type": "error", "id": 10, "reason": busy.reason}
    assert busy.reason.startswith("busy: 10 notifications, payment steps, words, gestures and clears are waiting")
    assert "the next at 0.300 s" in busy.reason
    assert t.refused_total == 2 and t.pending == 10
    # A message is taken whole or not at all.
    t2 = Throttle(0.3, max_ordered=2)
    t2.offer(0, [ev.Idle()], 0.0)
    t2.due(0.0)
    t2.offer(1, [ev.Notify()], 0.1)
    assert isinstance(t2.offer(2, [ev.Notify(), ev.Notify(), ev.Answer()], 0.1), Busy)
    assert t2.pending == 1
    assert len(t.due(0.3)) == 10 and isinstance(t.offer(12, [ev.Notify()], 0.31), Ack)


def test_the_clock_decides_and_frame_steps_add_up_to_the_interval() -> None:
    t = Throttle(0.2)
    t.offer(0, [ev.Idle()], 0.0)
    t.due(0.0)
    t.offer(1, [ev.Think()], FRAME)
    now = 0.0
    for _ in range(12):  # 12 steps of 1/60 s, summed in floating point, are 0.19999999999999998 s
        now += FRAME
    assert now < 0.2
    assert t.due(now) == [ev.Think()]


def test_no_throttle_and_bad_settings() -> None:
    t = Throttle(0.0)
    for i in range(5):
        assert t.offer(i, [ev.Answer(text=str(i))], 1.0).applied_at == 1.0
        assert t.due(1.0) == [ev.Answer(text=str(i))]
    with pytest.raises(ValueError, match="0 or more seconds; -1 given"):
        Throttle(-1)
    with pytest.raises(ValueError, match="at least 1; 0 given"):
        Throttle(0.3, max_ordered=0)


def test_entries_carry_their_id_tag_and_offer_time() -> None:
    t = Throttle(0.3)
    t.offer("n", [ev.Notify()], 1.0, tag="who")
    (entry,) = t.due_entries(1.0)
    assert (entry.id, entry.tag, entry.offered_at) == ("n", "who", 1.0)


_IDS = st.none() | st.integers(-10**12, 10**12) | st.text(min_size=1, max_size=20)


@given(ident=_IDS, superseded=st.lists(_IDS, max_size=4),
       applied_at=st.floats(0, 1e6, allow_nan=False, allow_infinity=False))
def test_an_acks_wire_text_is_what_json_dumps_makes_of_its_message(ident: object, superseded: list[object],
                                                                    applied_at: float) -> None:
    ack = Ack(ident, len(superseded), tuple(superseded), applied_at)
    assert ack.wire() == json.dumps(ack.message(), ensure_ascii=False)
