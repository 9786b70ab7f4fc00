"""What the wearer wants: ordered keyword rules (English and Chinese) mapping a request to an intent.

Why rules and not a model: the stub must be deterministic and explainable, and a designer can
read this table to know exactly which phrasings work. The first rule that matches wins, so the
order resolves overlaps ("how do I say ..." is a translation, not a question).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hud.assistant.records import Text
from hud.wrap import is_cjk

_I = re.IGNORECASE


@dataclass(frozen=True)
class Intent:
    name: str
    on_device: bool  # works without the network
    label: Text  # what the service is called ("Offline: navigation needs the network")
    example: Text  # a phrasing that triggers it, for the README and the help overlay
    patterns: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Match:
    intent: Intent
    text: str  # the request without wake words and trailing punctuation
    arg: str  # what the rule captured (a destination, a phrase, a product), "" if nothing
    lang: str  # "en" or "zh": the reply uses the request's language


def _rules(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, _I) for p in patterns)


INTENTS: tuple[Intent, ...] = (
    # A bare "confirm"/"cancel" answers a payment prompt; the HUD's state machine handles the words.
    Intent("payment_reply", True, Text("payment confirmation", "确认付款"), Text("confirm", "确认"),
           _rules(r"^(?:confirm|yes|cancel|no|stop)$", r"^(?:确认|确定|取消)(?:支付|付款)?$")),
    Intent("help", True, Text("help", "帮助"), Text("what can you do", "你能做什么"),
           _rules(r"^(?:help|what can you do|what can i say)\??$",
                  r"^(?:帮助|你能做什么|你会什么|你可以做什么)[?？]?$")),
    Intent("translation", True, Text("translation", "翻译"), Text("translate thank you", "翻译 谢谢"),
           _rules(r"^translate\b[\s:,]*(?P<arg>.*)$",
                  r"^how do (?:you|i) say\s+(?P<arg>.+?)(?:\s+in\s+(?:chinese|mandarin|english))?\??$",
                  r"^what(?:'s| is)\s+(?P<arg>.+?)\s+in\s+(?:chinese|mandarin|english)\??$",
                  r"^翻译(?:一下)?[\s:：,，]*(?P<arg>.*)$",
                  r"^(?P<arg>.+?)用?(?:英文|英语|中文|汉语)怎么说[?？]?$")),
    Intent("notes", True, Text("meeting notes", "会议记录"), Text("take notes", "会议记录"),
           _rules(r"\b(?:take|start|make)\s+(?:meeting\s+)?notes\b", r"\brecord\s+(?:the\s+|this\s+)?meeting\b",
                  r"\bmeeting\s+notes\b", r"会议记录|会议纪要|记笔记|做笔记|开始记录|录会议")),
    Intent("navigation", False, Text("navigation", "导航"), Text("navigate to West Lake", "导航到西湖"),
           _rules(r"\b(?:navigate|directions?|route|guide me)\b\s*(?:(?:to|for)\b)?\s*(?P<arg>.*)$",
                  r"\b(?:take|bring|walk|get) me\s+(?:to\s+)?(?P<arg>.+)$",
                  r"\bhow (?:do|can) i get to\s+(?P<arg>.+?)\??$",
                  r"^(?:go|walk|head) to\s+(?P<arg>.+)$",
                  r"(?:导航|带我|领我)(?:去|到|前往)?(?P<arg>.*)$",
                  r"怎么去(?P<arg>.+?)[?？]?$",
                  r"^(?:我要|我想)?去(?P<arg>.+?)(?:怎么走)?[?？]?$",
                  r"^(?P<arg>.+?)怎么走[?？]?$")),
    Intent("payment", False, Text("payment", "付款"), Text("pay", "扫码支付"),
           _rules(r"\bpay\b", r"\bscan\b.*\b(?:code|qr)\b", r"\bcheck ?out\b", r"付款|付钱|支付|扫码|买单|结账")),
    Intent("prices", False, Text("price comparison", "比价"), Text("compare prices for AirPods", "AirPods 多少钱"),
           _rules(r"\bcompare\s+(?:the\s+)?prices?\b(?:\s+(?:for|of|on)\b)?\s*(?P<arg>.*)$",
                  r"\bprices?\s+(?:for|of)\s+(?P<arg>.+)$",
                  r"\bhow much (?:is|are|does|do)\s+(?:an?\s+|the\s+)?(?P<arg>.+?)(?:\s+cost)?\??$",
                  r"\b(?:cheapest|where can i buy)\s+(?P<arg>.+?)\??$",
                  r"^(?:比价|比一下价|比较价格)[\s:：]*(?P<arg>.*)$",
                  r"^(?P<arg>.*?)(?:多少钱|什么价|价格|哪里买便宜|哪家便宜|最便宜)")),
    Intent("flight", False, Text("flight info", "航班信息"), Text("my flight", "我的航班"),
           _rules(r"\bflights?\b|\bboarding\b|\bmy gate\b", r"航班|登机|飞机")),
    Intent("music", True, Text("music", "音乐"), Text("play music", "播放音乐"),
           _rules(r"^play\b\s*(?P<arg>.*)$", r"\b(?:music|songs?)\b",
                  r"^(?:播放|放一?首|来一?首|放点)(?P<arg>.*)$", r"音乐|听歌|放歌")),
    Intent("weather", False, Text("weather", "天气"), Text("what's the weather", "今天天气怎么样"),
           _rules(r"\bweather\b|\bforecast\b|\bwill it rain\b|\btemperature\b|\bumbrella\b",
                  r"天气|下雨|气温|温度|带伞")),
    Intent("time", True, Text("time", "时间"), Text("what time is it", "现在几点"),
           _rules(r"\bwhat time is it\b|\b(?:what(?:'s| is)|tell me) the time\b|^time$", r"几点|现在时间|什么时间")),
    Intent("question", False, Text("question answering", "问答"), Text("how tall is Mount Everest", "珠穆朗玛峰有多高"),
           _rules(r"^(?:what|what's|who|who's|when|where|where's|why|how|which|is|are|can|could|do|does|did|will"
                  r"|would|tell me)\b", r"\?$",
                  r"[吗呢][?？]?$|什么|怎么|为什么|哪|谁|多少|几|是不是|有多|[?？]$")),
)

#: What an unrecognised request gets (not listed: it has no phrasing of its own).
FALLBACK = Intent("fallback", True, Text("fallback", "兜底"), Text("", ""))

_WAKE = re.compile(r"^(?:(?:hey|hi|ok|okay)[\s,]+(?:assistant|glasses|quark)\b|(?:你好|嗨)?[,，\s]*小?助手)"
                   r"[\s,，.。!！]*", _I)
_POLITE = re.compile(r"^(?:please[\s,]+|can you[\s,]+|could you[\s,]+|请)", _I)
_TRAILING = re.compile(r"[\s.!。！]+$")


def language(text: str) -> str:
    """"zh" when the request has any Chinese (or other CJK) character, else "en"."""
    return "zh" if any(is_cjk(ch) for ch in text) else "en"


def clean(text: str, polite: bool = True) -> str:
    """The request without a wake phrase, trailing full stops and (if `polite`) "please"/"can you"."""
    text = _TRAILING.sub("", _WAKE.sub("", text.strip()))
    return _TRAILING.sub("", _POLITE.sub("", text) if polite else text).strip()


def match(text: str) -> Match:
    """The first intent whose rule matches `text`, with what the rule captured; else FALLBACK.

    "Can you play music" is tried as "play music" first, then as said ("can you fly?" is a question).
    """
    lang = language(text)
    for request in dict.fromkeys((clean(text), clean(text, polite=False))):
        for intent in INTENTS:
            for pattern in intent.patterns:
                found = pattern.search(request)
                if found:
                    arg = found.groupdict().get("arg") or ""
                    return Match(intent, request, arg.strip(" \t,，:：\"'“”‘’?？"), lang)
    return Match(FALLBACK, clean(text), "", lang)


def by_name(name: str) -> Intent:
    for intent in INTENTS:
        if intent.name == name:
            return intent
    raise KeyError(name)
