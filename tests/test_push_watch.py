"""What clients hear: every gesture with its time, each payment phase, and the display summary only
when something a glance would notice has changed (not every frame of a countdown or a stream)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from jsonschema import Draft202012Validator

from hud import events as ev
from hud import paths
from hud.push import protocol as p
from hud.push.watch import Watcher, summary
from hud.session import Options, Session

GLASSES = Draft202012Validator({"$ref": "#/$defs/glasses_message", "$defs": p.DEFS})


@pytest.fixture
def session() -> Iterator[Session]:
    s = Session.open(Options(scenario=paths.SCENARIOS / "empty.yaml", background="scene", view=(320, 180)))
    yield s
    s.close()


def _types(messages: list[dict]) -> list[str]:
    for m in messages:
        assert GLASSES.is_valid(m), m  # everything sent is valid under the protocol's schema
    return [m["type"] for m in messages]


def test_the_first_look_reports_the_display_and_then_only_changes(session: Session) -> None:
    w = Watcher()
    assert _types(w.changes(session)) == ["display"]
    session.advance(1 / 60)
    assert w.changes(session) == []


def test_the_navigation_countdown_is_reported_as_the_display_rounds_it(session: Session) -> None:
    w = Watcher()
    w.changes(session)
    session.push(ev.Navigate(maneuver="left", distance=100, street="Main St", speed=10))
    (shown,) = w.changes(session)
    assert shown["navigation"] == {"maneuver": "left", "distance": "100 m", "street": "Main St", "exit": None}
    reports = []
    for _ in range(60):  # 1 s at 10 m/s: 100 m -> 90 m, one visible step
        session.advance(1 / 60)
        reports += w.changes(session)
    assert [r["navigation"]["distance"] for r in reports] == ["90 m"]


def test_a_streamed_answer_is_one_message_not_one_per_character(session: Session) -> None:
    w = Watcher()
    w.changes(session)
    session.push(ev.Answer(text="Turn left after the bakery.", cps=20))
    messages = w.changes(session)
    for _ in range(30):
        session.advance(1 / 60)
        messages += w.changes(session)
    assert [m["caption"] for m in messages] == [{"mode": "answering", "text": "Turn left after the bakery."}]


def test_every_gesture_is_reported_with_its_time_even_two_in_one_frame(session: Session) -> None:
    w = Watcher()
    w.changes(session)
    session.advance(0.5)
    session.gesture("tap")
    session.gesture("swipe_down")
    gestures = [m for m in w.changes(session) if m["type"] == "gesture"]
    assert gestures == [{"type": "gesture", "kind": "tap", "at": 0.5}, {"type": "gesture", "kind": "swipe_down",
                                                                      "at": 0.5}]
    session.restart()
    session.gesture("long_press")
    assert [m for m in w.changes(session) if m["type"] == "gesture"] == [
        {"type": "gesture", "kind": "long_press", "at": 0.0}]


def test_gestures_from_before_watching_are_history(session: Session) -> None:
    session.gesture("tap")
    assert "gesture" not in _types(Watcher().changes(session))


def test_payment_phases(session: Session) -> None:
    w = Watcher()
    w.changes(session)
    session.push(ev.PayDetect(merchant="Cafe", amount=4.5, currency="EUR", verify_seconds=0.5))
    (pay,) = [m for m in w.changes(session) if m["type"] == "payment"]
    assert pay == {"type": "payment", "phase": "detected", "merchant": "Cafe", "amount": 4.5, "currency": "EUR",
                   "by": "", "reason": "", "at": 0.0}
    session.advance(1.0)
    session.push(ev.PayConfirm(by="tap"))
    phases = []
    for _ in range(3):
        phases += [(m["phase"], m["by"]) for m in w.changes(session) if m["type"] == "payment"]
        session.advance(0.5)
    # At 1.0 s the prompt had just moved on to awaiting (its 1 s deadline) when the tap confirmed it.
    assert phases == [("awaiting", ""), ("verifying", "tap"), ("success", "tap")]
    session.advance(5)
    assert [m for m in w.changes(session) if m["type"] == "payment"] == []  # the prompt is gone: no phase


def test_payment_steps_in_one_frame_are_each_reported_in_order(session: Session) -> None:
    w = Watcher()
    w.changes(session)
    session.push(ev.PayDetect(merchant="Cafe", amount=32, currency="CNY", verify_seconds=5))
    session.push(ev.PayConfirm(by="tap"))
    session.push(ev.PayResult(ok=False, reason="declined"))
    pays = [m for m in w.changes(session) if m["type"] == "payment"]
    assert [(m["phase"], m["by"], m["reason"], m["at"]) for m in pays] == [
        ("detected", "", "", 0.0), ("verifying", "tap", "", 0.0), ("failed", "tap", "declined", 0.0)]
    # Timed transitions between two looks are each reported too, at their own deadlines.
    session.push(ev.PayDetect(merchant="Cafe", amount=4, currency="CNY", timeout=2, verify_seconds=5))
    session.advance(3.5)
    pays = [m for m in w.changes(session) if m["type"] == "payment"]
    assert [(m["phase"], m["at"]) for m in pays] == [("detected", 0.0), ("awaiting", 1.0), ("timed_out", 3.0)]
    assert [m for m in w.changes(session) if m["type"] == "payment"] == []


def test_cards_and_notifications_in_the_summary(session: Session) -> None:
    png = base64.b64encode(b"\x89PNG" + bytes(96)).decode()
    session.push(ev.ShowCard(layout="bitmap", data=png, view="always_on"))
    session.push(ev.ShowCard(layout="reference_card", title="Step 3", text="Fold", view="main"))
    session.push(ev.Notify(app="Chat", title="A"))
    session.push(ev.Notify(app="Chat", title="B", urgent=True))
    shown = summary(session.state, session.now)
    assert shown["cards"] == {"main": {"layout": "reference_card", "title": "Step 3", "text": "Fold"},
                              "dashboard": None, "always_on": {"layout": "bitmap", "bytes": 100}}
    assert shown["notification"] == {"app": "Chat", "title": "B", "body": "", "urgent": True, "waiting": 1}
