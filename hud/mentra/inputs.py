"""The wearer's inputs, as MentraOS apps hear them: hud events -> `data_stream` payloads.

Why from the session's event log: a tap may come from a key, a scenario, a test, the automation
API or a push client; reading the log catches all of them alike, each at its clock time, and a
replayed recording sends the same inputs again.

Mapping (hud -> MentraOS stream, data):
    Gesture tap, double_tap, swipe_forward, swipe_back, swipe_down, long_press
                   -> touch_event (and touch_event:<gesture>): single_tap, double_tap, forward_swipe,
                      backward_swipe, down_swipe, long_press
    Button         -> button_press: buttonId, pressType short|long
    Say (typed or scripted request)
                   -> transcription:<language> (the request's: zh-CN when it has CJK characters,
                      else en-US; `transcription:auto` hears both): interim results growing word by
                      word (at most 3), then the final one, as a recogniser streams them
    Head           -> head_position: up|down
    Status battery -> glasses_battery_update: level, charging false
    Notify         -> phone_notification: app, title, content, priority (urgent: high)

An app hears a stream only when subscribed to it, and `streamType` is exactly the string it
subscribed with (the SDK dispatches on string equality, so `transcription:en-US?hints=a` must come
back verbatim).
"""

from __future__ import annotations

from typing import Any

from hud import events as ev
from hud.wrap import is_cjk

GESTURE_NAMES = {"tap": "single_tap", "double_tap": "double_tap", "swipe_forward": "forward_swipe",
                 "swipe_back": "backward_swipe", "swipe_down": "down_swipe", "long_press": "long_press"}
MAX_INTERIMS = 3


def language_of(text: str) -> str:
    """The BCP 47 tag a recogniser would report for a typed request (hud's requests: English or Chinese)."""
    return "zh-CN" if any(is_cjk(ch) for ch in text) else "en-US"


def _transcription_streams(subscribed: tuple[str, ...], language: str) -> list[str]:
    out = []
    for stream in subscribed:
        if not stream.startswith("transcription:"):
            continue
        wanted = stream.split(":", 1)[1].split("?", 1)[0]
        if wanted.lower() in (language.lower(), "auto"):
            out.append(stream)
    return out


def _interims(text: str) -> list[str]:
    """Growing prefixes of the request, as a streaming recogniser sends them before the final text."""
    words = text.split() if not any(is_cjk(ch) for ch in text) else list(text)
    if len(words) < 2:
        return []
    joiner = "" if any(is_cjk(ch) for ch in text) else " "
    cuts = sorted({max(1, round(len(words) * k / (MAX_INTERIMS + 1))) for k in range(1, MAX_INTERIMS + 1)})
    return [joiner.join(words[:cut]) for cut in cuts if cut < len(words)]


def payloads(timed: ev.Timed, subscribed: tuple[str, ...], device_model: str,
             utterance: int) -> list[tuple[str, dict[str, Any]]]:
    """(streamType, data) for every message one event means to an app with these subscriptions.

    `utterance` numbers transcriptions (the SDK's `utteranceId`); times are the session clock's, in ms.
    """
    event, at_ms = timed.event, round(timed.at * 1000)
    out: list[tuple[str, dict[str, Any]]] = []
    match event:
        case ev.Gesture(kind=kind) if kind in GESTURE_NAMES:
            name = GESTURE_NAMES[kind]
            data: dict[str, Any] = {"type": "touch_event", "device_model": device_model, "gesture_name": name}
            out += [(s, data) for s in subscribed if s in ("touch_event", f"touch_event:{name}")]
        case ev.Say(text=text) if text.strip():
            language = language_of(text)
            streams = _transcription_streams(subscribed, language)
            if streams:
                # A typed request has no audio: it is given a spoken length of about 60 ms a character.
                end_ms = at_ms + max(300, 60 * len(text))
                base: dict[str, Any] = {
                    "type": "transcription", "utteranceId": f"hud-{utterance}", "transcribeLanguage": language,
                    "detectedLanguage": language, "startTime": at_ms, "speakerId": "0", "provider": "hud"}
                steps = [(part, False) for part in _interims(text)] + [(text, True)]
                for i, (part, final) in enumerate(steps):
                    end = end_ms if final else at_ms + (end_ms - at_ms) * (i + 1) // len(steps)
                    data = {**base, "text": part, "isFinal": final, "endTime": end, "duration": end - at_ms}
                    out += [(s, data) for s in streams]
        case ev.Status(battery_main=level) if level is not None and "glasses_battery_update" in subscribed:
            out.append(("glasses_battery_update", {"type": "glasses_battery_update", "level": level,
                                                   "charging": False}))
        case ev.Notify() if "phone_notification" in subscribed:
            out.append(("phone_notification", {
                "type": "phone_notification", "notificationId": f"hud-{at_ms}", "app": event.app,
                "title": event.title, "content": event.body, "priority": "high" if event.urgent else "normal"}))
        case _:
            out += _other(event, subscribed)
    return out


def _other(event: ev.Event, subscribed: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    """Button and head position, which are events of their own."""
    if event.type == "button" and "button_press" in subscribed:
        return [("button_press", {"type": "button_press", "buttonId": str(getattr(event, "button", "main")),
                                  "pressType": str(getattr(event, "press", "short"))})]
    if event.type == "head" and "head_position" in subscribed:
        return [("head_position", {"type": "head_position", "position": str(getattr(event, "position", "up"))})]
    return []
