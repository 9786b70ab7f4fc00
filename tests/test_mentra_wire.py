"""Reading app messages and writing the cloud's, without sockets."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hud.device import available, load_device
from hud.mentra import wire

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)


@pytest.mark.parametrize(("raw", "expected"), [
    (b"\x00\x01", "binary frames are not read"),
    ("{", "malformed JSON at line 1 column 2"),
    ("[1]", "a message must be a JSON object, got list"),
    ('{"type": "a", "type": "b"}', "duplicate field 'type'"),
    ('{"type": NaN}', "NaN is not a JSON number"),
    ('{"kind": "display_event"}', "'type' must be a string"),
    ("[" * 100_000, "nested too deeply"),
])
def test_decode_refuses_with_a_reason(raw: str | bytes, expected: str) -> None:
    with pytest.raises(wire.WireError, match=None) as refused:
        wire.decode(raw)
    assert expected in str(refused.value)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_any_json_is_read_or_refused_with_wire_error(value: Any) -> None:
    raw = json.dumps(value)
    try:
        data = wire.decode(raw)
    except wire.WireError:
        return
    assert isinstance(data["type"], str)
    for reader in (wire.connection_init, wire.subscriptions):
        with contextlib.suppress(wire.WireError):
            reader(data)


@pytest.mark.parametrize(("message", "expected"), [
    ({"type": "display_event"}, "the first message must be 'tpa_connection_init'"),
    ({"type": "tpa_connection_init", "packageName": "com.x"}, "sessionId: must be"),
    ({"type": "tpa_connection_init", "sessionId": "s", "packageName": "com x"}, "packageName: must be"),
    ({"type": "tpa_connection_init", "sessionId": "s", "packageName": "com.x", "apiKey": 3}, "apiKey: must be"),
])
def test_connection_init_names_the_field(message: dict[str, Any], expected: str) -> None:
    with pytest.raises(wire.WireError) as refused:
        wire.connection_init(message)
    assert str(refused.value).startswith(expected)


def test_connection_init_reads_session_and_package() -> None:
    init = wire.connection_init({"type": "tpa_connection_init", "sessionId": "u-app1", "packageName": "com.a.b",
                                 "apiKey": "k", "timestamp": "2026-01-01T00:00:00Z"})
    assert init == wire.Init("u-app1", "com.a.b")


def test_subscriptions_keep_strings_and_streams_with_rates_in_order_without_duplicates() -> None:
    subs = wire.subscriptions({"subscriptions": ["touch_event", {"stream": "location_stream", "rate": "fast"},
                                                 "touch_event", "transcription:en-US?hints=a"]})
    assert subs == ("touch_event", "location_stream", "transcription:en-US?hints=a")


@pytest.mark.parametrize(("items", "expected"), [
    ("touch_event", "subscriptions: must be a list"),
    ([3], "subscriptions[0]: must be a stream name"),
    (["ok", {"rate": 1}], "subscriptions[1]: must be a stream name"),
    (["x" * 201], "subscriptions[0]"),
    (["s"] * 101, "101 streams; at most 100"),
])
def test_bad_subscriptions_are_located(items: Any, expected: str) -> None:
    with pytest.raises(wire.WireError) as refused:
        wire.subscriptions({"subscriptions": items})
    assert expected in str(refused.value)


@pytest.mark.parametrize("name", available())
def test_capabilities_follow_each_device_profile(name: str) -> None:
    device = load_device(name)
    caps = wire.capabilities(device)
    assert caps["modelName"] == device.label
    assert caps["display"]["resolution"] == {"width": device.panel[0], "height": device.panel[1]}
    assert caps["display"]["isColor"] is (device.hue is None)
    assert caps["display"]["count"] == (2 if device.eyes == "both" else 1)
    assert caps["hasCamera"] is False and caps["hasSpeaker"] is False  # not emulated: said so
    json.dumps(caps)  # goes on the wire as it is


def test_ack_and_webhooks_have_the_sdks_fields() -> None:
    device = load_device("even-g2")
    ack = wire.ack("u-app1", device)
    assert {"type", "sessionId", "settings", "capabilities", "timestamp"} <= set(ack)
    request = wire.webhook_session_request("u-app1", "u", "ws://127.0.0.1:1/app-ws")
    assert request["augmentOSWebsocketUrl"] == request["mentraOSWebsocketUrl"] == "ws://127.0.0.1:1/app-ws"
    assert wire.webhook_stop_request("u-app1", "u")["type"] == "stop_request"
    assert wire.now_iso().endswith("Z")


def test_a_subscription_that_could_not_be_sent_back_is_refused() -> None:
    with pytest.raises(wire.WireError, match=r"subscriptions\[1\]: holds a lone surrogate"):
        wire.subscriptions({"subscriptions": ["touch_event", "transcription:\udcaa"]})
