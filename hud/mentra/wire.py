"""The MentraOS cloud's side of the app WebSocket: reading app messages, writing the cloud's.

Why a module of pure functions: the shapes are MentraOS's (learned from `@mentra/sdk` 2.1.29's
published types and from running it), and each one is checked here once, so the server thread
(`hud.mentra.cloud`) only moves text, and tests need no sockets.

Names follow the SDK: an app sends `tpa_connection_init`, `subscription_update`, `display_event`,
`dashboard_content_update`; the cloud answers `tpa_connection_ack` or `tpa_connection_error`,
`capabilities_update`, and `data_stream` carrying the wearer's inputs, whose `streamType` must be
exactly the string the app subscribed with (the SDK dispatches on string equality).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hud.device import Device
from hud.push.messages import text_problem

#: The largest app message read: a `bitmap_animation` of many frames is the biggest legitimate one
#: (the SDK allows each bitmap up to 1e6 characters). Larger frames are closed unread (1009).
TRANSPORT_MAX_BYTES = 4 * 1024 * 1024
#: Subscriptions an app may hold at once (the SDK derives one per handler; a few dozen at most).
MAX_SUBSCRIPTIONS = 100
MAX_STREAM_NAME = 200
_PACKAGE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}")

#: What an app sends that the cloud reads; anything else is refused with this list.
APP_TYPES = ("tpa_connection_init", "subscription_update", "display_event", "dashboard_content_update")
#: What the SDK may send that hud does not emulate (audio, photos, streams, settings, storage,
#: location, LEDs, app-to-app messaging): logged once per app and type, never an error for the app.
NOT_EMULATED = (
    "audio_play_request", "audio_stop_request", "photo_request", "rtmp_stream_request", "rtmp_stream_stop",
    "managed_stream_request", "managed_stream_stop", "stream_status_check", "location_poll_request",
    "request_settings", "mentraos_settings_update_request", "rgb_led_control", "ownership_release",
    "app_broadcast_message", "app_direct_message", "app_user_discovery", "app_room_join", "app_room_leave",
    "restream_request", "tpa_ping", "ping",
)


class WireError(ValueError):
    """An app message that cannot be taken; the text names the field (`subscriptions[2]: ...`)."""


def now_iso() -> str:
    """A timestamp as the SDK writes one (`new Date()` in JSON). Wall time: it is metadata, never pixels."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _no_constant(name: str) -> Any:
    raise WireError(f"malformed JSON: {name} is not a JSON number")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise WireError(f"duplicate field {key!r}: each field may appear once")
            seen.add(key)
    return data


def decode(raw: str | bytes) -> dict[str, Any]:
    """One app frame as a JSON object with a string `type`, or WireError saying why not."""
    if not isinstance(raw, str):
        raise WireError("binary frames are not read: hud does not emulate the microphone's audio stream "
                        "(send each message as one JSON text frame)")
    try:
        data = json.loads(raw, parse_constant=_no_constant, object_pairs_hook=_unique)
    except json.JSONDecodeError as exc:
        raise WireError(f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise WireError("malformed JSON: nested too deeply") from None
    except WireError:
        raise
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise WireError(f"malformed JSON: {exc}") from None
    if not isinstance(data, dict):
        raise WireError(f"a message must be a JSON object, got {type(data).__name__}")
    kind = data.get("type")
    if not isinstance(kind, str):
        raise WireError("'type' must be a string naming the message, e.g. \"display_event\"")
    return data


@dataclass(frozen=True)
class Init:
    """An app's `tpa_connection_init`: which session it joins, as which package."""

    session_id: str
    package: str


def connection_init(data: dict[str, Any]) -> Init:
    """The fields of a `tpa_connection_init` (its apiKey is not checked: hud knows no keys)."""
    if data.get("type") != "tpa_connection_init":
        raise WireError(f"the first message must be 'tpa_connection_init', got {str(data.get('type'))[:60]!r}")
    session_id, package = data.get("sessionId"), data.get("packageName")
    if not isinstance(session_id, str) or not session_id:
        raise WireError("sessionId: must be the session's id from the webhook (a non-empty string)")
    if not isinstance(package, str) or not _PACKAGE.fullmatch(package):
        raise WireError("packageName: must be a package name such as \"com.example.myapp\" (letters, digits, "
                        "'.', '_' or '-', at most 200)")
    if "apiKey" in data and not isinstance(data["apiKey"], str):
        raise WireError("apiKey: must be a string")
    return Init(session_id, package)


def subscriptions(data: dict[str, Any]) -> tuple[str, ...]:
    """The streams of a `subscription_update` (each replaces the last): strings, or `{stream, rate}`."""
    items = data.get("subscriptions")
    if not isinstance(items, list):
        raise WireError("subscriptions: must be a list of stream names such as \"touch_event\"")
    if len(items) > MAX_SUBSCRIPTIONS:
        raise WireError(f"subscriptions: {len(items)} streams; at most {MAX_SUBSCRIPTIONS}")
    out: list[str] = []
    for i, item in enumerate(items):
        stream = item.get("stream") if isinstance(item, dict) else item
        if not isinstance(stream, str) or not stream or len(stream) > MAX_STREAM_NAME:
            raise WireError(f"subscriptions[{i}]: must be a stream name (a string of 1 to {MAX_STREAM_NAME} "
                            f"characters) or {{\"stream\": ..., \"rate\": ...}}")
        problem = text_problem(stream)
        if problem is not None:  # it goes back verbatim as streamType: it must be text that can be sent
            raise WireError(f"subscriptions[{i}]: {problem}")
        out.append(stream)
    return tuple(dict.fromkeys(out))


def capabilities(device: Device) -> dict[str, Any]:
    """What the emulated glasses can do, in MentraOS's `Capabilities` shape, from the device profile.

    Honest about what hud emulates: a display (the profile's panel, field of view and colour), a
    microphone (typed requests arrive as transcriptions), head position (the pointer's height) and a
    temple touchpad and button (keys); no camera photos, speaker, lights or Wi-Fi.
    """
    width, height = device.panel
    colour = "full color" if device.hue is None else "#{:02X}{:02X}{:02X}".format(*device.hue)
    return {
        "modelName": device.label,
        "hasCamera": False, "camera": None,
        "hasDisplay": True,
        "display": {"count": 2 if device.eyes == "both" else 1, "isColor": device.hue is None, "color": colour,
                    "canDisplayBitmap": True, "resolution": {"width": width, "height": height},
                    "fieldOfView": {"horizontal": device.fov[0], "vertical": device.fov[1]},
                    "adjustBrightness": True},
        "hasMicrophone": True, "microphone": {"count": 1, "hasVAD": False},
        "hasSpeaker": False, "speaker": None,
        "hasIMU": True, "imu": {"axisCount": 3, "hasAccelerometer": True, "hasCompass": False,
                                "hasGyroscope": True},
        "hasButton": True,
        "button": {"count": 1, "buttons": [
            {"type": "press", "events": ["short", "long"], "isCapacitive": False},
            {"type": "swipe1d", "events": ["single_tap", "double_tap", "forward_swipe", "backward_swipe",
                                           "down_swipe", "long_press"], "isCapacitive": True}]},
        "hasLight": False, "light": None,
        "power": {"hasExternalBattery": device.power.swap_wh > 0},
        "hasWifi": False,
    }


def ack(session_id: str, device: Device) -> dict[str, Any]:
    return {"type": "tpa_connection_ack", "sessionId": session_id, "settings": [], "mentraosSettings": {},
            "capabilities": capabilities(device), "timestamp": now_iso()}


def capabilities_update(session_id: str, device: Device) -> dict[str, Any]:
    return {"type": "capabilities_update", "sessionId": session_id, "capabilities": capabilities(device),
            "modelName": device.label, "timestamp": now_iso()}


def connection_error(message: str, code: str = "INVALID_MESSAGE") -> dict[str, Any]:
    """How the cloud tells an app what it refused: the SDK logs it and emits its `error` event."""
    return {"type": "tpa_connection_error", "code": code, "message": message, "timestamp": now_iso()}


def data_stream(session_id: str, stream: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "data_stream", "sessionId": session_id, "streamType": stream, "data": data,
            "timestamp": now_iso()}


def webhook_session_request(session_id: str, user_id: str, ws_url: str) -> dict[str, Any]:
    return {"type": "session_request", "sessionId": session_id, "userId": user_id, "timestamp": now_iso(),
            "augmentOSWebsocketUrl": ws_url, "mentraOSWebsocketUrl": ws_url}


def webhook_stop_request(session_id: str, user_id: str, reason: str = "user_disabled") -> dict[str, Any]:
    return {"type": "stop_request", "sessionId": session_id, "userId": user_id, "reason": reason,
            "timestamp": now_iso()}
