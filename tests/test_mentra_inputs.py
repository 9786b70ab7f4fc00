"""The wearer's inputs as MentraOS apps hear them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hud import events as ev
from hud.mentra.inputs import GESTURE_NAMES, language_of, payloads

ALL = ("touch_event", "button_press", "head_position", "glasses_battery_update", "phone_notification",
       "transcription:en-US", "transcription:zh-CN")


def at(event: ev.Event, t: float = 2.5) -> ev.Timed:
    return ev.Timed(t, event)


@pytest.mark.parametrize(("kind", "name"), sorted(GESTURE_NAMES.items()))
def test_every_gesture_is_a_touch_event(kind: str, name: str) -> None:
    out = payloads(at(ev.Gesture(kind=kind)), ALL, "Even Realities G2", 1)
    assert out == [("touch_event", {"type": "touch_event", "device_model": "Even Realities G2", "gesture_name": name})]


def test_a_gesture_subscription_hears_only_its_gesture_under_its_own_name() -> None:
    subs = ("touch_event:double_tap",)
    assert payloads(at(ev.Gesture(kind="tap")), subs, "m", 1) == []
    assert [s for s, _ in payloads(at(ev.Gesture(kind="double_tap")), subs, "m", 1)] == ["touch_event:double_tap"]


def test_nothing_is_sent_without_a_subscription() -> None:
    for event in (ev.Gesture(kind="tap"), ev.Say(text="hello there"), ev.Button(), ev.Head(position="up"),
                  ev.Status(battery_main=50), ev.Notify(app="Chat", title="Hi")):
        assert payloads(at(event), (), "m", 1) == []


def test_a_typed_request_is_interim_results_then_the_final_one() -> None:
    out = payloads(at(ev.Say(text="what is the weather today"), 2.0), ALL, "m", 7)
    assert [(s, d["text"], d["isFinal"]) for s, d in out] == [
        ("transcription:en-US", "what", False), ("transcription:en-US", "what is", False),
        ("transcription:en-US", "what is the weather", False),
        ("transcription:en-US", "what is the weather today", True)]
    assert {d["utteranceId"] for _, d in out} == {"hud-7"}
    assert all(d["startTime"] == 2000 for _, d in out)
    ends = [d["endTime"] for _, d in out]
    assert ends == sorted(ends) and ends[-1] == 2000 + 60 * len("what is the weather today")


def test_a_chinese_request_reaches_chinese_and_auto_subscriptions_verbatim() -> None:
    subs = ("transcription:en-US", "transcription:zh-CN?hints=pay", "transcription:auto")
    out = payloads(at(ev.Say(text="导航去机场")), subs, "m", 1)
    assert {s for s, _ in out} == {"transcription:zh-CN?hints=pay", "transcription:auto"}
    assert [d["text"] for s, d in out if s == "transcription:auto"][-1] == "导航去机场"
    assert all(d["transcribeLanguage"] == "zh-CN" for _, d in out)


def test_one_word_has_no_interim_result() -> None:
    out = payloads(at(ev.Say(text="hello")), ALL, "m", 1)
    assert [(d["text"], d["isFinal"]) for _, d in out] == [("hello", True)]


def test_button_head_battery_and_notifications() -> None:
    assert payloads(at(ev.Button(press="long")), ALL, "m", 1) == [
        ("button_press", {"type": "button_press", "buttonId": "main", "pressType": "long"})]
    assert payloads(at(ev.Head(position="up")), ALL, "m", 1) == [
        ("head_position", {"type": "head_position", "position": "up"})]
    assert payloads(at(ev.Status(battery_main=41)), ALL, "m", 1) == [
        ("glasses_battery_update", {"type": "glasses_battery_update", "level": 41, "charging": False})]
    assert payloads(at(ev.Status(connectivity="wifi")), ALL, "m", 1) == []
    (stream, data), = payloads(at(ev.Notify(app="Chat", title="Mum", body="Call me", urgent=True)), ALL, "m", 1)
    assert stream == "phone_notification" and data["priority"] == "high" and data["content"] == "Call me"


@given(st.text(max_size=40))
def test_any_request_ends_with_its_whole_text_final(text: str) -> None:
    out = payloads(at(ev.Say(text=text)), ("transcription:auto",), "m", 1)
    if not text.strip():
        assert out == []
        return
    assert out[-1][1]["isFinal"] is True and out[-1][1]["text"] == text
    assert all(not d["isFinal"] for _, d in out[:-1]) and len(out) <= 4
    assert out[-1][1]["transcribeLanguage"] == language_of(text)
