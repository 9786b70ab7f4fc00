"""The reducer: events and the clock, exact deadlines, gestures by context."""

from __future__ import annotations

from hud import events as ev
from hud.model import caption, payment
from hud.state import HudState, apply, settle

COFFEE = ev.PayDetect(merchant="Cafe", amount=32, timeout=10, verify_seconds=2)


def run(*timed: tuple[float, ev.Event], until: float) -> HudState:
    state = HudState()
    for at, event in timed:
        state = apply(state, event, at)
    return settle(state, until)


def test_payment_happy_path_by_voice() -> None:
    assert run((0, COFFEE), until=0.5).pay.phase == "detected"
    assert run((0, COFFEE), until=1.0).pay.phase == "awaiting"
    s = run((0, COFFEE), (3, ev.Say("confirm")), until=4)
    assert s.pay.phase == "verifying" and s.pay.confirmed_by == "voice" and s.pay.progress(4) == 0.5
    assert run((0, COFFEE), (3, ev.Say("确认")), until=5).pay.phase == "success"
    assert run((0, COFFEE), (3, ev.Say("confirm")), until=5 + payment.RESULT_SECONDS).pay is None


def test_payment_failure_timeout_cancel_and_override() -> None:
    failing = ev.PayDetect(merchant="Cafe", amount=1, outcome="failed", reason="insufficient funds")
    s = run((0, failing), (2, ev.Gesture("tap")), until=4.5)
    assert (s.pay.phase, s.pay.reason, s.pay.confirmed_by) == ("failed", "insufficient funds", "tap")
    assert run((0, COFFEE), until=11).pay.phase == "timed_out"
    assert run((0, COFFEE), (2, ev.Gesture("swipe_down")), until=2).pay.phase == "cancelled"
    assert run((0, COFFEE), (2, ev.Say("cancel")), until=2).pay.phase == "cancelled"
    s = run((0, COFFEE), (2, ev.PayConfirm()), (3, ev.PayResult(ok=False, reason="card blocked")), until=3)
    assert (s.pay.phase, s.pay.reason) == ("failed", "card blocked")


def test_confirming_twice_or_late_changes_nothing() -> None:
    s = run((0, COFFEE), (2, ev.Gesture("tap")), until=2.5)
    assert apply(s, ev.Gesture("tap"), 2.6).pay == settle(s, 2.6).pay
    done = run((0, COFFEE), until=11)
    assert apply(done, ev.PayConfirm(), 11).pay.phase == "timed_out"


def test_deadlines_are_exact_whatever_the_tick() -> None:
    coarse = run((0, COFFEE), (2, ev.PayConfirm()), until=7)
    fine = HudState()
    fine = apply(apply(fine, COFFEE, 0), ev.PayConfirm(), 2)
    for i in range(1, 701):
        fine = settle(fine, i / 100)
    assert coarse == fine


def test_notifications_queue_preempt_and_expire() -> None:
    a = ev.Notify(app="A", title="a", duration=5)
    b = ev.Notify(app="B", title="b", duration=5)
    urgent = ev.Notify(app="U", title="u", urgent=True, duration=2)
    s = run((0, a), (1, b), until=1)
    assert s.notes.current == a and s.notes.waiting == 1
    s = run((0, a), (1, b), until=5)
    assert s.notes.current == b and s.notes.shown_at == 5
    s = run((0, a), (1, b), (2, urgent), until=2)
    assert s.notes.current == urgent and s.notes.queue == (a, b)
    s = run((0, a), (1, b), (2, urgent), until=4.5)
    assert s.notes.current == a and s.notes.shown_at == 4  # pre-empted card gets its full time again
    assert run((0, a), (1, b), until=20).notes.current is None


def test_tap_dismisses_a_card_when_no_payment_waits() -> None:
    a, b = ev.Notify(app="A", title="a"), ev.Notify(app="B", title="b")
    s = run((0, a), (0, b), (1, ev.Gesture("tap")), until=1)
    assert s.notes.current == b and s.last_gesture == "tap"
    assert run((0, a), (0, b), (1, ev.Gesture("double_tap")), until=1).notes.current is None


def test_caption_flow_and_streaming() -> None:
    s = run((0, ev.Wake()), until=0.1)
    assert s.caption.mode == "listening"
    assert run((0, ev.Wake()), until=caption.LISTEN_TIMEOUT).caption.mode == "idle"
    s = run((0, ev.Wake()), (1, ev.Say("hi")), (2, ev.Think()), until=2.5)
    assert s.caption.mode == "thinking"
    s = run((0, ev.Answer(text="0123456789", cps=10, hold=1)), until=0.55)
    assert s.caption.visible_text(0.55) == "01234"
    assert s.caption.visible_text(5) == "0123456789"
    assert run((0, ev.Answer(text="0123456789", cps=10, hold=1)), until=2.0).caption.mode == "idle"
    assert run((0, ev.Wake()), (1, ev.Gesture("long_press")), until=1).caption.since == 1


def test_navigation_counts_down_and_ends() -> None:
    s = run((0, ev.Navigate(maneuver="right", distance=200, speed=10, eta=3)), until=5)
    assert s.nav.distance_at(5) == 150 and s.nav.eta_at(30) == 2.5
    assert run((0, ev.Navigate()), (1, ev.NavEnd()), until=1).nav is None


def test_status_changes_only_what_is_given() -> None:
    s = run((0, ev.Status(battery_swap=40)), until=0)
    assert (s.status.battery_main, s.status.battery_swap, s.status.connectivity) == (82, 40, "5g")


def test_a_notification_flood_is_bounded_and_counted() -> None:
    from hud.model.notifications import MAX_WAITING

    state = HudState()
    for i in range(MAX_WAITING + 30):
        state = apply(state, ev.Notify(app="Flood", title=str(i), urgent=(i == 40)), 0.0)
    assert state.notes.waiting == MAX_WAITING and state.notes.dropped == 29
    assert state.notes.current.urgent  # the urgent one pre-empted the flood
    assert state.notes.queue[-1].title == str(MAX_WAITING + 29)  # the newest are kept
