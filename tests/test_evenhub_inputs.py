"""POST /api/input bodies: the simulator's status codes (measured on 0.9.5), hud's located one-line
messages, and a parser that never raises whatever the bytes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hud import events as ev
from hud.evenhub.inputs import ACTIONS, GESTURE_FOR, Refusal, is_json_type, parse_input

JSON_TYPE = "application/json"


@pytest.mark.parametrize("action", ACTIONS)
def test_every_simulator_action_is_accepted_and_maps_to_a_hud_gesture_or_nothing(action: str) -> None:
    assert parse_input(json.dumps({"action": action}).encode(), JSON_TYPE) == action
    assert GESTURE_FOR[action] is None or GESTURE_FOR[action] in ev.GESTURES


def test_the_mapping_is_the_documented_one() -> None:
    assert GESTURE_FOR == {"up": "swipe_back", "down": "swipe_forward", "click": "tap", "double_click": "double_tap",
                           "long_press": "long_press", "long_press_release": None, "context_menu": "swipe_down"}


@pytest.mark.parametrize(("body", "status", "message"), [
    (b'{"action":"jump"}', 400, "invalid action 'jump', expected: up, down, click, double_click, long_press, "
                                "long_press_release, context_menu"),
    (b'{"action":"CLICK"}', 400, "invalid action 'CLICK', expected: up, down,"),
    (b'{"action":3}', 422, "'action' must be a string, got number 3"),
    (b'{"action":null}', 422, "'action' must be a string, got null"),
    (b'{"action":true}', 422, "'action' must be a string, got boolean true"),
    (b'{"action":["click"]}', 422, "'action' must be a string, got an array"),
    (b"{}", 422, "missing 'action'"),
    (b"[]", 422, "the body must be a JSON object like {\"action\": \"click\"}, got an array"),
    (b'"click"', 422, "the body must be a JSON object like {\"action\": \"click\"}, got string 'click'"),
    (b'{"action":"click","action":"up"}', 422, "'action' is given twice"),
    (b"not json", 400, "the body is not JSON: Expecting value at line 1 column 1"),
    (b'{"action": "click"', 400, "the body is not JSON: Expecting ',' delimiter at line 1 column 19"),
    (b"", 400, "the body is empty"),
    (b"\xff\xfe", 400, "the body is not UTF-8: byte 0 is 0xff"),
    (b'{"action": NaN}', 400, "the body is not JSON: NaN is not JSON"),
    (b"[" * 100_000, 400, "the body is not JSON"),
])
def test_bad_bodies_get_the_simulators_status_and_a_located_line(body: bytes, status: int, message: str) -> None:
    refusal = parse_input(body, JSON_TYPE)
    assert isinstance(refusal, Refusal)
    assert (refusal.status, refusal.message[:len(message)]) == (status, message)
    assert "\n" not in refusal.message and len(refusal.message) < 300


def test_extra_fields_are_ignored_as_the_simulator_does() -> None:
    assert parse_input(b'{"action": "click", "x": 1}', JSON_TYPE) == "click"


@pytest.mark.parametrize(("content_type", "ok"), [
    ("application/json", True), ("application/json; charset=utf-8", True), ("Application/JSON", True),
    ("application/vnd.api+json", True), (None, False), ("", False), ("text/plain", False),
    ("application/x-www-form-urlencoded", False), ("application/+json", False), ("json", False),
])
def test_only_a_json_content_type_is_read_else_415(content_type: str | None, ok: bool) -> None:
    assert is_json_type(content_type) is ok
    result = parse_input(b'{"action": "click"}', content_type)
    refused = Refusal(415, "Expected request with `Content-Type: application/json`")
    assert result == "click" if ok else result == refused


def test_a_long_or_control_character_action_is_quoted_short_on_one_line() -> None:
    refusal = parse_input(json.dumps({"action": "x\n" * 5000}).encode(), JSON_TYPE)
    assert isinstance(refusal, Refusal) and refusal.status == 400
    assert "\n" not in refusal.message and len(refusal.message) < 200


SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                          max_size=4), max_leaves=12)


@settings(max_examples=200, deadline=None, database=None)
@given(st.one_of(st.binary(max_size=300),
                 st.builds(lambda v: json.dumps(v).encode(), VALUES),
                 st.builds(lambda a, extra: json.dumps({"action": a, **extra}).encode(),
                           st.sampled_from(ACTIONS) | VALUES,
                           st.dictionaries(st.text(max_size=8), VALUES, max_size=3))),
       st.sampled_from([JSON_TYPE, "application/ld+json", "text/plain", None]))
def test_the_parser_never_raises_and_accepts_exactly_a_known_action(body: bytes, content_type: str | None) -> None:
    result = parse_input(body, content_type)
    if isinstance(result, Refusal):
        assert result.status in (400, 415, 422)
        assert result.message and "\n" not in result.message and len(result.message) < 400
        return
    assert result in ACTIONS
    assert is_json_type(content_type)
    assert json.loads(body)["action"] == result
