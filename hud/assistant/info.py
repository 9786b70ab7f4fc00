"""Flight reminder, weather, time of day and canned answers to questions.

Why "I don't know that one yet" for unknown questions: an assistant that guesses on a display
in the wearer's eye is worse than one that says plainly what it cannot answer.
"""

from __future__ import annotations

import re

from hud import events as ev
from hud.assistant.plan import Request, Steps, answer
from hud.assistant.records import Flight, Text
from hud.background.scene.weather import WEATHER as SKY

_FLIGHT_NUMBER = re.compile(r"\b([A-Z0-9]{2}\d{1,4})\b", re.IGNORECASE)


def flight(req: Request) -> Steps:
    """The next flight (or the one whose number was said): an urgent card and a spoken summary."""
    flights = req.data.flights
    said = {m.upper() for m in _FLIGHT_NUMBER.findall(req.text)}
    f: Flight = next((f for f in flights if f.number in said), flights[0])
    to, status = f.to.pick(req.lang), f.status.pick(req.lang)
    card = ev.Notify(app=req.say("Flight", "航班"), urgent=True, duration=8.0,
                     title=req.say(f"{f.number} to {to} boards {f.boards}", f"{f.number} 飞往{to} {f.boards} 登机"),
                     body=req.say(f"Gate {f.gate} · {status}. Leave by {f.leave_by}.",
                                  f"{f.gate} 登机口 · {status}。{f.leave_by} 前出发。"))
    text = req.say(f"Your flight {f.number} to {to} boards at {f.boards} from gate {f.gate}, {status}. "
                   f"Leave by {f.leave_by}.",
                   f"你的航班 {f.number} 飞往{to}，{f.boards} 在 {f.gate} 登机口登机，{status}。"
                   f"请在 {f.leave_by} 前出发。")
    return [(0.0, card), *answer(text, hold=5.0)]


def weather(req: Request) -> Steps:
    """The weather now. Unless the answers file names a condition, it is the one the built-in scene's
    sky shows (`hud.background.scene.weather`), so the answer never contradicts the street behind it."""
    w, lang = req.data.weather, req.lang
    if w.condition.en or w.condition.zh:
        condition, advice = w.condition, w.advice
    else:
        condition, advice = Text(SKY.condition_en, SKY.condition_zh), Text(SKY.advice_en, SKY.advice_zh)
        if w.advice.en or w.advice.zh:
            advice = w.advice
    said = advice.pick(lang)
    text = req.say(f"{w.place.en} now: {condition.en}, {w.temp_c}°C (high {w.high_c}°, low {w.low_c}°). {said}",
                   f"{w.place.zh}现在{condition.zh}，{w.temp_c}°C（最高 {w.high_c}°，最低 {w.low_c}°）。{said}")
    return answer(text.strip())


def time_of_day(req: Request) -> Steps:
    """The glasses' own clock: the same time the status bar shows when the answer appears."""
    total = int(req.day_start + req.answer_at) % 86400
    hhmm = f"{total // 3600:02d}:{total % 3600 // 60:02d}"
    return answer(req.say(f"It's {hhmm}.", f"现在是 {hhmm}。"))


def question(req: Request) -> Steps:
    folded = req.text.casefold()
    for fact in req.data.facts:
        if any(k.casefold() in folded for k in fact.keywords):
            return answer(fact.answer.pick(req.lang), hold=5.0)
    return answer(req.say("I don't know that one yet.", "这个我还不知道。"))
