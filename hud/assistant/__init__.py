"""The stub voice assistant: the glasses' single entry point to every service.

A request (voice stands in as text, English or Chinese) becomes a complete, deterministic plan
of timed HUD events: the wearer's words, the thinking caption for the network's round trip, then
the answer and whatever the service shows (route steps, a payment prompt, cards, subtitles).
Why a plan and not callbacks: the window, a scenario timeline and the push server can all
schedule the same list, and tests can check it without a clock.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hud import events as ev
from hud.assistant import commerce, info, media, navigation, replies, rules
from hud.assistant.data import DATA_DIR, load_data
from hud.assistant.network import NETWORKS, ON_DEVICE_SECONDS, is_online, thinking_seconds
from hud.assistant.plan import Request, Steps
from hud.assistant.records import AssistantData
from hud.codes.payload import PayCode, ProductCode
from hud.model.status import StatusState

#: How long the wearer's words stay on the caption before "thinking" replaces them.
WORDS_SECONDS = 0.8

__all__ = ["NETWORKS", "ON_DEVICE_SECONDS", "Assistant", "intents"]

_SERVICES: dict[str, Callable[[Request], Steps]] = {
    "translation": media.translate, "notes": media.notes, "music": media.music,
    "navigation": navigation.navigate, "payment": commerce.pay, "prices": commerce.prices,
    "flight": info.flight, "weather": info.weather, "time": info.time_of_day, "question": info.question,
}


def intents() -> list[tuple[str, str]]:
    """(intent name, 'English phrasing / 中文说法') for the README and the help overlay."""
    return [(i.name, f"{i.example.en} / {i.example.zh}") for i in rules.INTENTS]


class Assistant:
    """Answers requests on a simulated network with bundled data.

    `walk_speed` (m/s) overrides every route's walking speed, to time-lapse a walk in a short demo;
    `day_start` is the time of day at clock 0 (seconds since midnight), as in the status bar.
    """

    def __init__(self, network: str = "typical", data_dir: str | Path = DATA_DIR, *,
                 walk_speed: float | None = None, day_start: float = StatusState.day_start) -> None:
        self.thinking = thinking_seconds(network)  # raises ValueError listing the networks
        self.network = network
        self.online = is_online(network)
        if walk_speed is not None and not walk_speed > 0:
            raise ValueError(f"walk_speed must be a positive number of metres per second, got {walk_speed}")
        self.walk_speed = walk_speed
        self.day_start = day_start
        self.data: AssistantData = load_data(data_dir)  # raises schema.ConfigError, file:line:col

    def respond(self, text: str, now: float) -> list[ev.Timed]:
        """The plan for `text` heard at `now`: Say at `now`, Think a moment later, the rest after thinking.

        The wearer's words stay on the caption for WORDS_SECONDS before "thinking" replaces them:
        seeing what was understood is how the wearer catches a misheard request.
        """
        plan = [ev.Timed(now, ev.Say(text=text))]
        found = rules.match(text)
        if found.intent.name == "payment_reply":
            return plan  # "confirm"/"cancel": the payment prompt's state machine acts on the words
        plan.append(ev.Timed(round(now + WORDS_SECONDS, 3), ev.Think()))
        at = now + WORDS_SECONDS + self.thinking
        req = Request(text=found.text, arg=found.arg, lang=found.lang, data=self.data, answer_at=at,
                      day_start=self.day_start, walk_speed=self.walk_speed)
        steps = self._serve(found.intent, req)
        plan += [ev.Timed(round(at + dt, 3), event) for dt, event in sorted(steps, key=lambda s: s[0])]
        return plan

    def scanned(self, code: PayCode | ProductCode, now: float) -> list[ev.Timed]:
        """The plan for a code the wearer looked at (README "The camera"): a payment QR code opens
        the payment prompt at once (read on the glasses, as a merchant's code is); a product code
        is looked up like a spoken price request, after the network's round trip."""
        intent = rules.by_name("payment" if isinstance(code, PayCode) else "prices")
        at = now if isinstance(code, PayCode) else now + self.thinking
        plan = [] if isinstance(code, PayCode) else [ev.Timed(now, ev.Think())]
        req = Request(text="", arg="", lang="en", data=self.data, answer_at=at, day_start=self.day_start,
                      walk_speed=self.walk_speed)
        if not self.online:
            steps = replies.offline(intent, req)
        elif isinstance(code, PayCode):
            steps = commerce.pay_code(req, code.merchant, code.amount, code.currency)
        else:
            steps = commerce.product_code(req, code.ean)
        return plan + [ev.Timed(max(now, round(at + dt, 3)), event) for dt, event in sorted(steps, key=lambda s: s[0])]

    def _serve(self, intent: rules.Intent, req: Request) -> Steps:
        if not self.online and not intent.on_device:
            return replies.offline(intent, req)
        if intent.name == "help":
            return replies.help_text(req, self.online)
        if intent.name == "fallback":
            return replies.fallback(req, self.online)
        return _SERVICES[intent.name](req)
