"""Walking navigation from bundled routes: the answer, then one Navigate event per step.

Why steps are scheduled, not computed live: the plan is data, so each next step is emitted at the
moment the previous one's distance has been walked at the route's speed, and the HUD's countdown
(`NavState.distance_at`) reaches zero exactly when the next instruction appears.
"""

from __future__ import annotations

import math

from hud import events as ev
from hud.assistant.plan import Request, Steps, answer, find_named
from hud.assistant.records import Route, Step
from hud.model.navigation import format_distance

#: The "arrived" screen stays this long before navigation ends.
ARRIVED_SECONDS = 5.0

_EN = {"straight": "continue straight onto {s}", "slight_left": "bear left onto {s}", "left": "turn left onto {s}",
       "sharp_left": "turn sharp left onto {s}", "slight_right": "bear right onto {s}",
       "right": "turn right onto {s}", "sharp_right": "turn sharp right onto {s}", "uturn": "make a U-turn on {s}",
       "roundabout": "take exit {x} at the roundabout onto {s}", "arrive": "arrive at {s}"}
_ZH = {"straight": "直行进入{s}", "slight_left": "向左前方进入{s}", "left": "左转进入{s}",
       "sharp_left": "向左急转进入{s}", "slight_right": "向右前方进入{s}", "right": "右转进入{s}",
       "sharp_right": "向右急转进入{s}", "uturn": "在{s}掉头",
       "roundabout": "在环岛从第 {x} 出口进入{s}", "arrive": "到达{s}"}


def distance_words(metres: float, lang: str) -> str:
    words = format_distance(metres)
    return words.replace(" km", " 公里").replace(" m", " 米") if lang == "zh" else words


def instruction(step: Step, lang: str) -> str:
    """'In 300 m, turn right onto Pinghai Road.' / '300 米后右转进入平海路。'"""
    street = step.street.pick(lang)
    if lang == "zh":
        return f"{distance_words(step.distance, lang)}后{_ZH[step.maneuver].format(s=street, x=step.exit)}。"
    return f"In {distance_words(step.distance, lang)}, {_EN[step.maneuver].format(s=street, x=step.exit)}."


def route_plan(route: Route, lang: str, walk_speed: float | None = None) -> Steps:
    """Navigate events at the moments each step begins, the arrival and the end of navigation.

    ETAs use the route's own walking speed even when `walk_speed` time-lapses the walk, so the
    HUD shows the minutes a real walk would take (as the city-walk demo does).
    """
    speed = walk_speed or route.speed
    remaining = sum(s.distance for s in route.steps)
    steps: Steps = []
    at = 0.0
    for step in route.steps:
        steps.append((at, ev.Navigate(maneuver=step.maneuver, distance=step.distance, street=step.street.pick(lang),
                                      eta=round(remaining / route.speed / 60.0, 2), speed=speed, exit=step.exit)))
        at += step.distance / speed
        remaining -= step.distance
    where = route.destination.pick(lang)
    steps += answer(f"你已到达{where}。" if lang == "zh" else f"You have arrived at {where}.", at)
    steps.append((at + ARRIVED_SECONDS, ev.NavEnd()))
    return steps


def navigate(req: Request) -> Steps:
    route = find_named(req.data.routes, req.text)
    if not isinstance(route, Route):
        known = " / ".join(r.destination.pick(req.lang) for r in req.data.routes[:3])
        if not req.arg:
            return answer(req.say(f"Where to? I know routes to {known}.", f"去哪里？我知道去{known}的路线。"))
        return answer(req.say(f"I don't have a route to “{req.arg}” yet. Try {known}.",
                              f"我还没有去“{req.arg}”的路线。试试：{known}。"))
    total = sum(s.distance for s in route.steps)
    minutes = max(1, math.ceil(total / route.speed / 60.0))
    where, far = route.destination.pick(req.lang), distance_words(total, req.lang)
    first = instruction(route.steps[0], req.lang)
    # The first instruction on its own line: the caption keeps explicit line breaks.
    text = req.say(f"{where}: {far}, about {minutes} min on foot.\n{first}",
                   f"{where}：{far}，步行约 {minutes} 分钟。\n{first}")
    return answer(text) + route_plan(route, req.lang, req.walk_speed)
