"""What a code's text means: hudpay:// payments, EAN-13 products, and hostile payloads refused in words."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hud.codes.payload import MAX_PAYLOAD, PayCode, ProductCode, Refused, ean13_ok, parse
from hud.codes.samples import CAFE_PAYLOAD


def test_the_cafe_code_is_a_payment() -> None:
    assert parse("qr", CAFE_PAYLOAD) == PayCode("Blue Bottle Coffee", 32.0, "CNY")


def test_fields_in_any_order_and_utf8_names() -> None:
    got = parse("qr", "hudpay://currency=CNY&amount=4&merchant=%E7%9F%A5%E5%91%B3%E8%A7%82")
    assert got == PayCode("知味观", 4.0, "CNY")


def test_product_codes_need_the_check_digit() -> None:
    assert parse("ean13", "2000000001012") == ProductCode("2000000001012")
    assert isinstance(parse("ean13", "2000000001013"), Refused)
    assert ean13_ok("4006381333931") and not ean13_ok("400638133393") and not ean13_ok("４００６３８１３３３９３１")


@pytest.mark.parametrize(("payload", "words"), [
    ("https://example.com/menu", "not a payment code hud knows"),
    ("wxp://f2f0abc", "a WeChat Pay code"),
    ("https://qr.alipay.com/fkx123", "an Alipay code"),
    ("00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN", "EMVCo"),
    ("hudpay://merchant=A&amount=1&currency=CNY&tip=2", "unknown hudpay:// field 'tip' at character 43"),
    ("hudpay://merchant=A&merchant=B&amount=1&currency=CNY", "'merchant' at character 21 is given twice"),
    ("hudpay://merchant=A&amount=1", "without currency"),
    ("hudpay://merchant=A%zz&amount=1&currency=CNY", "'%' at character 2 of the value"),
    ("hudpay://merchant=%FF%FE&amount=1&currency=CNY", "not UTF-8"),
    ("hudpay://merchant=A%00B&amount=1&currency=CNY", "control character '\\x00' at character 2"),
    ("hudpay://merchant=A\x07&amount=1&currency=CNY", "control character '\\x07' at character 20"),
    ("hudpay://merchant=&amount=1&currency=CNY", "1 to 80 characters, got 0"),
    ("hudpay://merchant=A&amount=0.00&currency=CNY", "between 0.01 and 1,000,000"),
    ("hudpay://merchant=A&amount=9999999.99&currency=CNY", "between 0.01 and 1,000,000"),
    ("hudpay://merchant=A&amount=1e9&currency=CNY", "a decimal like 32.00"),
    ("hudpay://merchant=A&amount=-5&currency=CNY", "a decimal like 32.00"),
    ("hudpay://merchant=A&amount=NaN&currency=CNY", "a decimal like 32.00"),
    ("hudpay://merchant=A&amount=1&currency=cny", "ISO 4217"),
    ("hudpay://merchant=A&amount", "has no '='"),
    ("hudpay://" + "x" * MAX_PAYLOAD, f"at most {MAX_PAYLOAD}"),
])
def test_hostile_payloads_are_refused_with_where_and_why(payload: str, words: str) -> None:
    got = parse("qr", payload)
    assert isinstance(got, Refused)
    assert words in got.message


def _printable(message: str) -> bool:
    return all(ch.isprintable() for ch in message)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["qr", "ean13"]),
       st.one_of(st.text(max_size=700),
                 st.builds(lambda a, b, c: f"hudpay://merchant={a}&amount={b}&currency={c}",
                           st.text(max_size=120), st.text(max_size=20), st.text(max_size=6)),
                 st.builds(lambda s: "hudpay://" + s,
                           st.text(alphabet=string.printable + "%&=\x00\u2028é", max_size=200))))
def test_any_payload_gives_a_meaning_or_a_printable_refusal(kind: str, text: str) -> None:
    got = parse(kind, text)
    if isinstance(got, Refused):
        assert got.message and len(got.message) < 300 and _printable(got.message)
    elif isinstance(got, PayCode):
        assert 0.01 <= got.amount <= 1_000_000 and len(got.currency) == 3 and 1 <= len(got.merchant) <= 80
        assert _printable(got.merchant) or all(ord(c) >= 0xA0 or c.isprintable() for c in got.merchant)
    else:
        assert isinstance(got, ProductCode) and ean13_ok(got.ean)
