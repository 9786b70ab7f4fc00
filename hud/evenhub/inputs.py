"""`POST /api/input`: the simulator's touchpad actions, the body that carries one, and hud's gesture for each.

| simulator action     | hud gesture     | why                                                                  |
|----------------------|-----------------|----------------------------------------------------------------------|
| `up`                 | `swipe_back`    | the simulator sends SCROLL_TOP: towards the top, the previous item   |
| `down`               | `swipe_forward` | SCROLL_BOTTOM: towards the bottom, the next item (next notification) |
| `click`              | `tap`           | CLICK: select / confirm                                              |
| `double_click`       | `double_tap`    | DOUBLE_CLICK                                                         |
| `long_press`         | `long_press`    | the press itself; hud's long press starts listening                  |
| `long_press_release` | (nothing)       | hud has no release gesture: answered ok, logged to the console      |
| `context_menu`       | `swipe_down`    | the system's menu over the app (the app only hears a foreground      |
|                      |                 | event): hud's system-level "back out of what is in front"            |

Why `context_menu` is `swipe_down`: on the simulator it opens the glasses' own menu over the app,
which then receives no input of its own (it gets FOREGROUND_ENTER, measured), so it is not an app
action; hud has no system menu, and the closest thing it has is `swipe_down` (the window's
Backspace): leave what is in front (cancel a prompt, dismiss a notification, stop listening), which
is what opening the system's menu does to the app underneath. Why `up` is `swipe_back` and not
`swipe_forward`: the simulator reports `up` as SCROLL_TOP (measured), the way back up a list.

The body parser mirrors the simulator's status codes (415 without a JSON content type, 400 for a
body that is not JSON or an unknown action, 422 for JSON of the wrong shape; measured on 0.9.5)
with hud's own one-line messages, each saying where the problem is, except the unknown action,
whose wording is the simulator's (already clear, and a script may match it). It never raises.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

#: The simulator's actions, in the order its 400 message lists them.
ACTIONS = ("up", "down", "click", "double_click", "long_press", "long_press_release", "context_menu")
GESTURE_FOR: dict[str, str | None] = {
    "up": "swipe_back", "down": "swipe_forward", "click": "tap", "double_click": "double_tap",
    "long_press": "long_press", "long_press_release": None, "context_menu": "swipe_down",
}
EXAMPLE = '{"action": "click"}'
#: Longest piece of a client's value quoted back in a message.
MAX_QUOTED = 60


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: an HTTP status and one line of text."""

    status: int
    message: str


def is_json_type(content_type: str | None) -> bool:
    """application/json or application/*+json, parameters allowed (what the simulator's axum accepts)."""
    if not content_type:
        return False
    mime = content_type.split(";", 1)[0].strip().lower()
    kind, _, subtype = mime.partition("/")
    return kind == "application" and (subtype == "json" or (subtype.endswith("+json") and len(subtype) > 5))


def quoted(text: str, limit: int = MAX_QUOTED) -> str:
    """A client's string as a message shows it: control characters escaped, at most `limit` characters."""
    shown = text if text.isprintable() else text.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= limit else shown[:limit - 3] + "..."


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, and the value when it is short (for messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"number {quoted(json.dumps(value))}"
    if isinstance(value, str):
        return f"string '{quoted(value)}'"
    if isinstance(value, list):
        return "an array"
    return "an object"


class _Duplicate(ValueError):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key == "action" and key in out:
            raise _Duplicate("'action' is given twice")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_input(body: bytes, content_type: str | None) -> str | Refusal:
    """The action a POST /api/input body asks for, or why not (never raises)."""
    if not is_json_type(content_type):
        return Refusal(415, "Expected request with `Content-Type: application/json`")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Refusal(400, f"the body is not UTF-8: byte {exc.start} is {body[exc.start]:#04x}; expected {EXAMPLE}")
    if not text.strip():
        return Refusal(400, f"the body is empty; expected {EXAMPLE}")
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_no_constant)
    except _Duplicate as exc:
        return Refusal(422, str(exc))
    except json.JSONDecodeError as exc:
        return Refusal(400, f"the body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}; "
                            f"expected {EXAMPLE}")
    except RecursionError:
        return Refusal(400, "the body is not JSON hud can read: nested too deeply")
    except ValueError as exc:  # NaN / Infinity (not JSON), an integer with too many digits
        return Refusal(400, f"the body is not JSON: {quoted(str(exc), 120)}")
    if not isinstance(value, dict):
        return Refusal(422, f"the body must be a JSON object like {EXAMPLE}, got {json_type(value)}")
    if "action" not in value:
        return Refusal(422, f"missing 'action': the body must be like {EXAMPLE}")
    action = value["action"]
    if not isinstance(action, str):
        return Refusal(422, f"'action' must be a string, got {json_type(action)}")
    if action not in GESTURE_FOR:
        return Refusal(400, f"invalid action '{quoted(action)}', expected: {', '.join(ACTIONS)}")
    return action
