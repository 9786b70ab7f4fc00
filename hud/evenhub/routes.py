"""What each path answers: the Even Hub simulator's API, then hud's additions under /api/hud/.

This module knows paths, methods, bodies and replies, and nothing of sockets (`server.py` carries
the bytes and enforces the limits), so every reply can be tested without a network.

Mirrored from the simulator 0.9.5 (measured, see README "Automate it like the Even Hub simulator"):
    GET  /api/ping                 200 text/plain; charset=utf-8  "pong"
    GET  /api/screenshot/glasses   200 image/png  576x288 RGBA, green, alpha = light
    GET  /api/console[?since_id=N] 200 application/json  {"entries": [...], "total": N}
    DELETE /api/console            204, no body
    POST /api/input                200 application/json  {"ok":true}; 400/415/422 text/plain (see inputs.py)
    HEAD on each GET path          the GET's headers, no body
    another method on a path       405 with Allow (the simulator's list: "GET,HEAD")
    another path                   404
hud's replies to refusals carry one line of text saying why (the simulator's 404 and 405 are empty).

hud's additions (the simulator has none of them):
    GET /api/hud/screenshot/composite   PNG (RGB) of what the wearer sees: the world with the HUD over it
    GET /api/hud/screenshot/panel       PNG (RGB) of the panel in the device's own hue, as hud draws it
    GET /api/hud/state                  JSON: the clock, the device, and what the display shows (the push
                                        API's `display` summary)
and `/api/screenshot/webview` answers 501: hud runs no web app, so it has no webview to show.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from hud import events as ev
from hud.evenhub.console import Console
from hud.evenhub.desk import Busy, Desk, Frame, NoFrame
from hud.evenhub.glasses import glasses_light, glasses_png, rgb_png, surface_rgb
from hud.evenhub.inputs import GESTURE_FOR, Refusal, parse_input, quoted

TEXT = "text/plain; charset=utf-8"
JSON = "application/json"
PNG = "image/png"
U64_MAX = 2**64 - 1  # since_id is the simulator's u64
_LOG = logging.getLogger("hud.evenhub")


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


def text(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, message.encode("utf-8", "replace"), TEXT, headers)


def json_reply(value: Any, status: int = 200) -> Reply:
    """Compact JSON, as the simulator's serde_json writes it (`{"ok":true}`)."""
    return Reply(status, json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"), JSON)


def since_id(query: str) -> int | Refusal | None:
    """The `since_id` query parameter (a whole number 0 .. 2**64-1), None without it, or why not."""
    values = [v for k, v in parse_qsl(query, keep_blank_values=True) if k == "since_id"]
    if not values:
        return None
    if len(values) > 1:
        return Refusal(400, "since_id is given more than once")
    value = values[0]
    if not (value.isascii() and value.isdigit()) or int(value) > U64_MAX:
        return Refusal(400, f"since_id must be a whole number from 0 to {U64_MAX}, got '{quoted(value)}'")
    return int(value)


class Api:
    """`handle(method, target, content_type, body) -> Reply`; work on the session goes through `desk`."""

    def __init__(self, desk: Desk, console: Console, frame_timeout: float) -> None:
        self.desk, self.console, self.frame_timeout = desk, console, frame_timeout
        # The last glasses PNG and the light it encodes: a script polling a display that does not
        # change gets the same bytes without encoding them again (any HTTP thread; one tuple, swapped whole).
        self._last_glasses: tuple[bytes, tuple[int, int], bytes] | None = None
        get = ("GET", "HEAD")
        self.routes: dict[str, dict[str, Callable[[str, str | None, bytes], Reply]]] = {
            "/api/ping": dict.fromkeys(get, lambda q, c, b: text(200, "pong")),
            "/api/screenshot/glasses": dict.fromkeys(get, self._glasses),
            "/api/screenshot/webview": dict.fromkeys(get, self._webview),
            "/api/console": {**dict.fromkeys(get, self._console), "DELETE": self._clear},
            "/api/input": {"POST": self._input},
            "/api/hud/screenshot/composite": dict.fromkeys(get, self._composite),
            "/api/hud/screenshot/panel": dict.fromkeys(get, self._panel),
            "/api/hud/state": dict.fromkeys(get, self._state),
        }

    def allowed(self, path: str) -> tuple[str, ...] | None:
        """The methods a path answers, None for an unknown path."""
        methods = self.routes.get(path)
        return None if methods is None else tuple(methods)

    def handle(self, method: str, target: str, content_type: str | None, body: bytes) -> Reply:
        """The reply to one request (never raises: an unexpected error is a 500 with one line)."""
        parts = urlsplit(target)
        methods = self.routes.get(parts.path)
        if methods is None:
            return text(404, f"no such path '{quoted(parts.path)}': the Even Hub simulator's API is /api/ping, "
                             f"/api/screenshot/glasses, /api/console and /api/input; hud's own is under /api/hud/ "
                             f"(screenshot/composite, screenshot/panel, state)")
        route = methods.get(method)
        if route is None:
            allow = ",".join(methods)
            return text(405, f"method {quoted(method)} is not allowed on {parts.path}; allowed: {allow}",
                        (("Allow", allow),))
        try:
            return route(parts.query, content_type, body)
        except (NoFrame, Busy) as exc:
            return text(503, str(exc), (("Retry-After", "1"),))
        except Exception as exc:  # a bug or a render that failed: the client hears it in one line, the log has it
            _LOG.exception("automation: %s %s failed", method, parts.path)
            return text(500, f"internal error ({type(exc).__name__}) while answering {method} {parts.path}; "
                             f"hud's log (/api/console) has the details")

    def _ask(self, work: Callable[[Frame], Any]) -> Any:
        return self.desk.ask(work, self.frame_timeout)

    # -- the simulator's paths -----------------------------------------------------------------
    def _glasses(self, query: str, content_type: str | None, body: bytes) -> Reply:
        def work(frame: Frame) -> tuple[bytes, tuple[int, int]]:
            session = frame.session
            return frame.once("glasses", lambda: (glasses_light(session.render_panel(), session.panel),
                                                  session.panel.size))

        light, size = self._ask(work)
        last = self._last_glasses
        if last is not None and last[1] == size and last[0] == light:
            return Reply(200, last[2], PNG)
        png = glasses_png(light, size)
        self._last_glasses = (light, size, png)
        return Reply(200, png, PNG)

    def _webview(self, query: str, content_type: str | None, body: bytes) -> Reply:
        return text(501, "hud runs no web app, so it has no webview to capture; what the wearer sees is "
                         "/api/hud/screenshot/composite, the glasses' display /api/screenshot/glasses")

    def _console(self, query: str, content_type: str | None, body: bytes) -> Reply:
        since = since_id(query)
        if isinstance(since, Refusal):
            return text(since.status, since.message)
        return json_reply(self.console.read(since))

    def _clear(self, query: str, content_type: str | None, body: bytes) -> Reply:
        self.console.clear()
        return Reply(204)

    def _input(self, query: str, content_type: str | None, body: bytes) -> Reply:
        action = parse_input(body, content_type)
        if isinstance(action, Refusal):
            return text(action.status, action.message)
        gesture = GESTURE_FOR[action]

        def work(frame: Frame) -> None:
            if gesture is None:
                _LOG.info("input '%s': nothing in hud (it has no gesture for it)", action)
                return
            frame.session.push(ev.Gesture(kind=gesture))
            frame.changed()
            _LOG.info("input '%s' -> gesture %s", action, gesture)

        self._ask(work)
        return json_reply({"ok": True})

    # -- hud's additions -----------------------------------------------------------------------
    def _composite(self, query: str, content_type: str | None, body: bytes) -> Reply:
        data, size = self._ask(lambda f: f.once("composite", lambda: surface_rgb(f.session.render_composite())))
        return Reply(200, rgb_png(data, size), PNG)

    def _panel(self, query: str, content_type: str | None, body: bytes) -> Reply:
        data, size = self._ask(lambda f: f.once("panel", lambda: surface_rgb(f.session.render_panel())))
        return Reply(200, rgb_png(data, size), PNG)

    def _state(self, query: str, content_type: str | None, body: bytes) -> Reply:
        return json_reply(self._ask(lambda f: f.once("state", lambda: state_of(f))))


def state_of(frame: Frame) -> dict[str, Any]:
    """GET /api/hud/state: the clock, the device and the display summary (on the frame loop's thread)."""
    from hud.push.watch import summary

    session = frame.session
    return {"at": round(session.now, 6), "device": session.device.name, "panel": list(session.device.panel),
            "scenario": session.scenario.name, **summary(session.state, session.now)}
