"""Payment by scanned QR code and price comparison, from bundled merchants and shop prices.

Why payment only opens the prompt: confirming is the wearer's act (a voice "confirm" or a tap),
and the HUD's payment state machine already handles it, so the plan must not confirm on its own.
"""

from __future__ import annotations

from dataclasses import replace

from hud import events as ev
from hud.assistant.plan import Request, Steps, answer, find_named
from hud.assistant.records import Merchant, Product

#: Seconds the wearer has to confirm, and the voiceprint check's duration.
CONFIRM_SECONDS = 15.0
VERIFY_SECONDS = 2.0
#: Shops shown on the price card (the cheapest).
CARD_SHOPS = 3

_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def money(amount: float, currency: str, cents: bool = False) -> str:
    """'¥1,499' for whole amounts (unless `cents`), '¥32.50' otherwise; other currencies by code ('CHF 12.00')."""
    number = f"{amount:,.0f}" if amount == int(amount) and not cents else f"{amount:,.2f}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{currency} {number}"


def pay(req: Request) -> Steps:
    """The QR code in view (the first merchant, unless the wearer names another) opens the prompt."""
    named = find_named(req.data.merchants, req.text)
    merchant = named if isinstance(named, Merchant) else req.data.merchants[0]
    price = money(merchant.amount, merchant.currency, cents=True)  # a bill is exact
    text = req.say(f"{merchant.name}: {price}. Say “confirm” or tap to pay.",
                   f"{merchant.name}：{price}。说“确认”或轻触付款。")
    prompt = ev.PayDetect(merchant=merchant.name, amount=merchant.amount, currency=merchant.currency,
                          timeout=CONFIRM_SECONDS, verify_seconds=VERIFY_SECONDS, outcome=merchant.outcome,
                          reason=merchant.reason)
    return [(0.0, prompt), *answer(text)]


def prices(req: Request) -> Steps:
    found = find_named(req.data.products, req.text)
    if not isinstance(found, Product):
        if not req.arg:
            return answer(req.say("Compare prices for what? Try “compare prices for AirPods”.",
                                  "比较什么的价格？试试“AirPods 多少钱”。"))
        return answer(req.say(f"I don't have prices for “{req.arg}” yet.", f"我还没有“{req.arg}”的价格。"))
    shops = sorted(found.shops, key=lambda s: s.price)[:CARD_SHOPS]
    name, best = found.name.pick(req.lang), shops[0]
    low = money(best.price, found.currency)
    # One shop per line, cheapest first and bold (the card's title); the product is in the header.
    lines = [f"{s.shop.pick(req.lang)} {money(s.price, found.currency)}" for s in shops]
    card = ev.Notify(app=req.say(f"Prices · {name}", f"比价 · {name}"), title=lines[0], body="\n".join(lines[1:]),
                     duration=10.0)
    text = req.say(f"{name}: cheapest at {best.shop.en}, {low} ({len(found.shops)} shops compared).",
                   f"{name}：{best.shop.zh}最便宜，{low}（比较了 {len(found.shops)} 家）。")
    return [(0.0, card), *answer(text)]


def pay_code(req: Request, merchant: str, amount: float, currency: str) -> Steps:
    """A payment QR code the wearer looked at: its merchant and amount open the prompt.

    The stub bank's verdict is the bundled merchant's of that name (`merchants.yaml`), else success.
    """
    known = next((m for m in req.data.merchants if m.name.casefold() == merchant.casefold()), None)
    price = money(amount, currency, cents=True)
    text = req.say(f"{merchant}: {price}. Say “confirm” or tap to pay.", f"{merchant}：{price}。说“确认”或轻触付款。")
    prompt = ev.PayDetect(merchant=merchant, amount=amount, currency=currency, timeout=CONFIRM_SECONDS,
                          verify_seconds=VERIFY_SECONDS, outcome=known.outcome if known else "success",
                          reason=known.reason if known else "")
    return [(0.0, prompt), *answer(text)]


def product_code(req: Request, ean: str) -> Steps:
    """An EAN-13 code the wearer looked at: the product's price card, or an honest "I don't know it"."""
    found = next((p for p in req.data.products if ean in p.ean), None)
    if found is None:
        return answer(req.say(f"I don't know that product (barcode {ean}).", f"我不认识这件商品（条码 {ean}）。"))
    return prices(replace(req, text=found.names[0]))
