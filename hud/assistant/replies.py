"""What the assistant says when no service answers: help, the fallback, offline refusals.

Why they list what does work: a refusal on a glanceable display should say what to try instead.
"""

from __future__ import annotations

from hud.assistant.plan import Request, Steps, answer
from hud.assistant.rules import INTENTS, Intent, by_name

#: Offered in help and the fallback, in this order (the others are reached through these).
_OFFER = ("navigation", "payment", "translation", "prices", "flight", "notes", "music", "weather")
_VERBS = {
    "navigation": ("navigate", "导航"), "payment": ("pay", "付款"), "translation": ("translate", "翻译"),
    "prices": ("prices", "比价"), "flight": ("flight", "航班"), "notes": ("notes", "会议记录"),
    "music": ("music", "音乐"), "weather": ("weather", "天气"),
}


def _try(lang: str, online: bool) -> str:
    names = [n for n in _OFFER if online or by_name(n).on_device]
    return ("、" if lang == "zh" else ", ").join(_VERBS[n][lang == "zh"] for n in names)


def on_device_labels(lang: str) -> str:
    """'translation, meeting notes, music, time': what still works offline."""
    labels = [i.label.pick(lang) for i in INTENTS if i.on_device and i.name not in ("payment_reply", "help")]
    return ("、" if lang == "zh" else ", ").join(labels)


def fallback(req: Request, online: bool = True) -> Steps:
    if not req.text:
        return answer(req.say("I didn't catch that.", "我没听清。"))
    return answer(req.say(f"Sorry, I can't help with that yet.\nTry: {_try('en', online)}.",
                          f"抱歉，这个我还帮不上。\n试试：{_try('zh', online)}。"))


def help_text(req: Request, online: bool = True) -> Steps:
    return answer(req.say(f"Try: {_try('en', online)}, or ask me the time or a question."
                          if online else f"Offline I can help with: {on_device_labels('en')}.",
                          f"试试：{_try('zh', online)}，也可以问我时间或问题。"
                          if online else f"离线时我可以：{on_device_labels('zh')}。"), hold=5.0)


def offline(intent: Intent, req: Request) -> Steps:
    """The HUD says which service needs the network, and what still works."""
    label = intent.label.pick(req.lang)
    return answer(req.say(f"Offline: {label} needs the network.\nStill available: {on_device_labels('en')}.",
                          f"离线：{label}需要联网。\n仍可使用：{on_device_labels('zh')}。"), hold=5.0)
