"""The protocol's JSON Schema: valid, documented, its examples valid, bad messages refused, and in
step with the scenario format's fields (hud.scenario.EVENT_FIELDS), so a pushed event and a
scripted event accept the same values."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from conftest import FIXTURES
from jsonschema import Draft202012Validator

from hud import events as ev
from hud.push import protocol as p
from hud.push.messages import Accepted, Hello, parse
from hud.scenario import EVENT_FIELDS
from hud.schema import Bool, Float, Int, List, Str

BAD = [json.loads(line) for line in (FIXTURES / "push" / "bad_messages.jsonl").read_text("utf-8").splitlines()]

#: Protocol subschema -> the event type it becomes.
EVENT_OF = {
    "notify": "notify", "navigate": "navigate", "nav_end": "nav_end", "say": "say", "status": "status",
    "clear": "clear", "set_layout": "set_layout", "set_device": "set_device", "gesture_in": "gesture",
    "pay_detect": "pay_detect", "pay_confirm": "pay_confirm", "pay_cancel": "pay_cancel", "pay_result": "pay_result",
    "caption_listening": "wake", "caption_thinking": "think", "caption_answer": "answer", "caption_idle": "idle",
    **{f"show_{layout}": "show" for layout in ev.CARD_LAYOUTS},
}
#: MentraOS's own messages, accepted as its SDK sends them (translated by hud.mentra.layouts).
MENTRA = ["dashboard_content_update", "display_event"]
CLIENT_LEAVES = [*sorted(EVENT_OF), "hello", *MENTRA]


def _examples() -> list[tuple[str, Any]]:
    return [(name, example) for name, d in p.DEFS.items() for example in d.get("examples", [])]


def _walk(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every (path, property schema) under `properties` anywhere in the schema."""
    found = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            found.append((f"{path}.{name}", sub))
        for key, value in node.items():
            found += _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _walk(value, f"{path}[{i}]")
    return found


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(p.SCHEMA)
    assert p.SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_field_and_message_is_documented() -> None:
    undocumented = [path for path, sub in _walk(p.SCHEMA["$defs"])
                    if "description" not in sub and "/if" not in path  # `if` only tests a discriminator
                    and set(sub) != {"$ref"}]  # documented where it points (checked below)
    undocumented += [name for name, sub in p.DEFS.items() if "description" not in sub]
    assert undocumented == []
    for name in [*CLIENT_LEAVES, "ack", "error", "gesture_out", "payment", "display"]:
        assert p.DEFS[name].get("description"), name
        assert p.DEFS[name].get("examples"), f"{name} has no example"


def test_every_message_kind_has_a_type_discriminator_and_an_id() -> None:
    for name in CLIENT_LEAVES:
        props = p.DEFS[name]["properties"]
        assert "const" in props["type"], name
        assert props["id"] == {"$ref": "#/$defs/id"}, name
        assert p.DEFS[name]["additionalProperties"] is False, name


@pytest.mark.parametrize(("name", "example"), _examples(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_example_is_valid(name: str, example: Any) -> None:
    assert p.whole_validator().is_valid(example), name
    assert Draft202012Validator({**p.DEFS[name], "$defs": p.DEFS}).is_valid(example), name
    assert p.problems(example, name) == []
    if name in CLIENT_LEAVES or name in ("pay", "caption", "show"):
        assert p.client_validator().is_valid(example)
        assert isinstance(parse(json.dumps(example)), Accepted | Hello), example


@pytest.mark.parametrize("case", [c for c in BAD if c["schema_rejects"] is not None], ids=lambda c: c["raw"][:40])
def test_the_schema_refuses_bad_messages_as_the_parser_does(case: dict[str, Any]) -> None:
    data = json.loads(case["raw"])
    # False marks what only hud's own checks can see: a device or layout file, the inside of a PNG.
    assert p.client_validator().is_valid(data) is not case["schema_rejects"]


def _checker_matches(sub: dict[str, Any], checker: Any) -> None:
    if isinstance(checker, Float | Int):
        assert sub.get("type") == ("number" if isinstance(checker, Float) else "integer")
        assert (sub.get("minimum"), sub.get("maximum")) == (checker.min, checker.max)
    elif isinstance(checker, Bool):
        assert sub.get("type") == "boolean"
    elif isinstance(checker, Str):
        if checker.choices is not None:
            assert tuple(sub["enum"]) == checker.choices
        else:
            assert sub.get("type") == "string"
        if checker.pattern is not None:
            assert sub["pattern"] == f"^{checker.pattern}$"
        if checker.max_len is not None:
            assert sub["maxLength"] == checker.max_len
    elif isinstance(checker, List):
        assert sub.get("type") == "array"
        assert sub.get("maxItems") == checker.max_len
        _checker_matches(sub["items"], checker.item)
    else:
        raise AssertionError(f"no comparison for {checker!r}")


@pytest.mark.parametrize("name", sorted(EVENT_OF))
def test_fields_ranges_and_defaults_match_the_scenario_format(name: str) -> None:
    leaf, fields = p.DEFS[name], EVENT_FIELDS[EVENT_OF[name]]
    own = {k: v for k, v in leaf["properties"].items() if k not in ("type", "id", "durationMs") and "const" not in v}
    if "durationMs" in leaf["properties"]:  # the same duration, in milliseconds
        ms, seconds = leaf["properties"]["durationMs"], fields["duration"].checker
        assert (ms["minimum"], ms["maximum"]) == (seconds.min * 1000, seconds.max * 1000), name
    assert set(own) <= set(fields), f"{name}: fields the scenario format does not have"
    cls = ev.EVENT_TYPES[EVENT_OF[name]]
    defaults = {f.name: f.default for f in dataclasses.fields(cls)}
    for key, sub in own.items():
        _checker_matches(sub, fields[key].checker)
        if fields[key].required:
            assert key in leaf["required"], f"{name}.{key} is required in scenarios"
        if "default" in sub:
            assert sub["default"] == fields[key].default == defaults[key], f"{name}.{key}"
    if EVENT_OF[name] != "show":  # a card's layout picks which of the card fields apply
        assert set(own) == set(fields), f"{name}: scenario fields missing from the protocol"


def test_card_layouts_together_cover_every_card_field() -> None:
    covered = {k for layout in ev.CARD_LAYOUTS for k in p.DEFS[f"show_{layout}"]["properties"]}
    assert set(EVENT_FIELDS["show"]) - {"layout"} <= covered


def test_the_vocabularies_are_the_events_own() -> None:
    props = p.DEFS
    assert tuple(props["navigate"]["properties"]["maneuver"]["enum"]) == ev.MANEUVERS
    assert tuple(props["gesture_in"]["properties"]["kind"]["enum"]) == ev.GESTURES
    assert tuple(props["gesture_out"]["properties"]["kind"]["enum"]) == ev.GESTURES
    assert tuple(props["status"]["properties"]["connectivity"]["enum"]) == ev.CONNECTIVITY
    assert tuple(props["clear"]["properties"]["what"]["enum"]) == ev.CLEAR_WHAT
    assert tuple(props["show"]["properties"]["layout"]["enum"]) == ev.CARD_LAYOUTS
    assert tuple(props["show_text_wall"]["properties"]["view"]["enum"]) == ev.CARD_VIEWS


def test_glasses_messages_validate_and_client_messages_do_not_pass_as_them() -> None:
    glasses = Draft202012Validator({"$ref": "#/$defs/glasses_message", "$defs": p.DEFS})
    assert glasses.is_valid({"type": "gesture", "kind": "tap", "at": 1.5})
    assert not glasses.is_valid({"type": "gesture", "kind": "tap"})  # a client's gesture has no time
    assert not p.client_validator().is_valid({"type": "gesture", "kind": "tap", "at": 1.5})
    assert not glasses.is_valid({"type": "ack", "id": 1, "coalesced": -1, "applied_at": 0})


def test_the_client_leaves_and_their_examples_cover_every_message_kind() -> None:
    """What the server warms up with and the fuzzer mutates: an example of every kind a client may send."""
    assert sorted(p.CLIENT_LEAVES) == sorted(CLIENT_LEAVES)
    assert {name for name, _ in p.client_examples()} == set(CLIENT_LEAVES)
    assert all(isinstance(parse(json.dumps(example)), Accepted | Hello) for _, example in p.client_examples())
