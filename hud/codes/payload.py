"""What a code's text means to hud: a payment, a product, or a refusal saying why, in words.

Payloads are hostile input: anyone can print a QR code. Every check here refuses with a message
that names the field and the character where the problem is, never raises, and never passes on
text the HUD would choke on (control characters, endless strings, absurd amounts).

The payment format hud defines:

    hudpay://merchant=<URL-encoded name>&amount=<decimal>&currency=<ISO 4217>

e.g. `hudpay://merchant=Blue%20Bottle%20Coffee&amount=32.00&currency=CNY`. Each key exactly once,
in any order; nothing else. Real wallets' codes (WeChat Pay `wxp://`, Alipay `qr.alipay.com`,
EMVCo merchant codes starting `000201`) are recognised by name only: their amount is held by the
wallet's server or needs a bank's scheme, so hud says which wallet's code it is and that it cannot
pay it, rather than guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["MAX_AMOUNT", "MAX_PAYLOAD", "PayCode", "ProductCode", "Refused", "ean13_ok", "parse"]

#: Longest payload read at all (a QR code holds up to about 4,000 characters; a payment needs 200).
MAX_PAYLOAD = 512
#: Merchant names as long as the assistant's data allows (`merchants.yaml`).
MAX_MERCHANT = 80
#: The same range as the bundled merchants' amounts.
MIN_AMOUNT, MAX_AMOUNT = Decimal("0.01"), Decimal("1000000")
SCHEME = "hudpay://"

_AMOUNT = re.compile(r"\d{1,7}(?:\.\d{1,2})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_WALLETS = (("wxp://", "a WeChat Pay code"), ("https://qr.alipay.com/", "an Alipay code"),
            ("HTTPS://QR.ALIPAY.COM/", "an Alipay code"), ("000201", "an EMVCo merchant code"))


@dataclass(frozen=True)
class PayCode:
    merchant: str
    amount: float
    currency: str


@dataclass(frozen=True)
class ProductCode:
    ean: str


@dataclass(frozen=True)
class Refused:
    """Why a code is ignored, in words (shown on the status line and logged)."""

    message: str


def _control(text: str) -> int | None:
    """The index of the first control character (C0, DEL, C1, or a line/paragraph separator)."""
    for i, ch in enumerate(text):
        if ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            return i
    return None


def _shown(text: str, limit: int = 40) -> str:
    """`text` safe to print: repr'd (control characters escaped) and cut at `limit` characters."""
    return repr(text[:limit]) + ("…" if len(text) > limit else "")


def ean13_ok(digits: str) -> bool:
    """13 digits whose last is the EAN-13 check digit of the other twelve."""
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


def parse(kind: str, text: str) -> PayCode | ProductCode | Refused:
    """What the code of `kind` ("qr" or "ean13") with `text` asks for."""
    if len(text) > MAX_PAYLOAD:
        return Refused(f"payload is {len(text):,} characters; hud reads at most {MAX_PAYLOAD}")
    if kind == "ean13":
        return ProductCode(text) if ean13_ok(text) else Refused(f"not a valid EAN-13 product code: {_shown(text)}")
    if kind != "qr":
        return Refused(f"hud reads QR and EAN-13 codes, not {_shown(kind)}")
    where = _control(text)
    if where is not None:
        return Refused(f"control character {text[where]!r} at character {where + 1} of the payload")
    if not text.startswith(SCHEME):
        for prefix, what in _WALLETS:
            if text.startswith(prefix):
                return Refused(f"{what}: not a payment code hud can pay (its amount is held by the wallet)")
        return Refused(f"not a payment code hud knows: {_shown(text)} (expected {SCHEME}merchant=…&amount=…"
                       f"&currency=…)")
    return _hudpay(text)


def _hudpay(text: str) -> PayCode | Refused:
    from urllib.parse import unquote

    fields: dict[str, str] = {}
    offset = len(SCHEME)
    for part in text[len(SCHEME):].split("&"):
        key, eq, value = part.partition("=")
        at = f"at character {offset + 1}"
        offset += len(part) + 1
        if not eq:
            return Refused(f"{SCHEME} field {_shown(part)} {at} has no '=' (expected key=value)")
        if key not in ("merchant", "amount", "currency"):
            return Refused(f"unknown {SCHEME} field {_shown(key)} {at} (expected merchant, amount, currency)")
        if key in fields:
            return Refused(f"{SCHEME} field '{key}' {at} is given twice")
        bad = _ESCAPE.search(value)
        if bad:
            return Refused(f"'{key}' {at}: '%' at character {bad.start() + 1} of the value is not followed by "
                           f"two hex digits")
        try:
            fields[key] = unquote(value, errors="strict")
        except UnicodeDecodeError:
            return Refused(f"'{key}' {at}: its %-escapes are not UTF-8")
    missing = [k for k in ("merchant", "amount", "currency") if k not in fields]
    if missing:
        return Refused(f"{SCHEME} code without {' or '.join(missing)}")
    merchant, amount, currency = fields["merchant"].strip(), fields["amount"], fields["currency"]
    where = _control(merchant)
    if where is not None:
        return Refused(f"'merchant' has a control character {merchant[where]!r} at character {where + 1} "
                       f"(after URL-decoding)")
    if not merchant or len(merchant) > MAX_MERCHANT:
        return Refused(f"'merchant' must be 1 to {MAX_MERCHANT} characters, got {len(merchant)}")
    if not _AMOUNT.fullmatch(amount):
        return Refused(f"'amount' must be a decimal like 32.00 (at most 2 decimals), got {_shown(amount)}")
    try:
        number = Decimal(amount)
    except InvalidOperation:  # the pattern admits only decimals; kept so nothing here can raise
        return Refused(f"'amount' {_shown(amount)} is not a number")
    if not MIN_AMOUNT <= number <= MAX_AMOUNT:
        return Refused(f"'amount' must be between {MIN_AMOUNT} and {MAX_AMOUNT:,}, got {amount}")
    if not _CURRENCY.fullmatch(currency):
        return Refused(f"'currency' must be an ISO 4217 code like CNY, got {_shown(currency)}")
    return PayCode(merchant, float(number), currency)
