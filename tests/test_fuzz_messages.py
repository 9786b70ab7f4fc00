"""Property tests of the push edge: whatever a client sends, `messages.parse` answers Accepted, Hello or
Rejected with a human reason (never an exception), and every Accepted message renders.

Each property checks one frame through `hud.fuzz.messages.check`: parse, then (when accepted) apply the
events to a fresh headless session as the push bridge does, render a frame, and encode what the
display shows. The generated inputs: any JSON value, any object with a real message type, the
schema's example messages with one field replaced (lone surrogates, huge numbers, deep nesting,
wrong types), with characters or escapes inserted, and bitmaps whose base64 or PNG is broken.
"""

from __future__ import annotations

import base64
import json
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hud import events as ev
from hud import fuzz
from hud.fuzz import messages as fm
from hud.push import protocol as p
from hud.push.messages import Accepted, Hello, Rejected, parse

#: No example database (nothing written into the checkout), no deadline (a first render is slow).
SETTINGS = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: Characters that have broken things: surrogates, NUL and controls, invisible ones, bidi, CJK, emoji.
SPECIAL = ["\ud800", "\udbff", "\udc00", "\udfff", "\x00", "\x1b", "\x7f", "\x85", "\t", "\n", "\r", "\u200b",
           "\u200d", "\ufeff", "\ufe0f", "\u202e", "\u0301", "确", "\U0001f600", "\U000e0001", "\uffff", " ", '"',
           "\\"]
CHARS = st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL))
TEXT = st.text(CHARS, max_size=40)
#: `\uXXXX` escapes, weighted to the code points that have broken things.
ESCAPES = st.one_of(st.integers(0xD800, 0xDFFF), st.integers(0, 0x1F), st.sampled_from([0x200B, 0xFEFF, 0x202E]),
                    st.integers(0, 0xFFFF)).map(lambda c: f"\\u{c:04x}")
FIELD_NAMES = sorted({k for name in p.CLIENT_LEAVES for k in p.DEFS[name]["properties"]})
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40),
                    st.floats(allow_nan=False, allow_infinity=False), TEXT)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), TEXT), inner, max_size=5),
                    max_leaves=12)


def _holds(raw: str | bytes) -> None:
    """The edge's rule for one frame; also: parse's result is one of the three, with a real reason."""
    result = parse(raw)
    assert isinstance(result, Accepted | Hello | Rejected)
    if isinstance(result, Rejected):
        assert isinstance(result.reason, str) and result.reason.strip()
    outcome = fm.check(raw)
    assert outcome.kind in ("accepted", "located"), outcome.detail


def _dumps(value: Any, ascii_only: bool) -> str:
    try:
        return json.dumps(value, ensure_ascii=ascii_only)
    except RecursionError:
        return "[]"


@SETTINGS
@given(JSON, st.booleans())
def test_any_json_value(value: Any, ascii_only: bool) -> None:
    _holds(_dumps(value, ascii_only))


@SETTINGS
@given(st.sampled_from(sorted(p.CLIENT_TYPES)), st.dictionaries(st.sampled_from(FIELD_NAMES), JSON, max_size=6),
       st.booleans())
def test_any_object_with_a_real_type(kind: str, fields: dict[str, Any], ascii_only: bool) -> None:
    _holds(_dumps({**fields, "type": kind}, ascii_only))


@SETTINGS
@given(st.sampled_from(fm.SEEDS), st.data(), st.booleans())
def test_a_valid_message_with_one_field_replaced(seed: str, data: st.DataObject, ascii_only: bool) -> None:
    message = json.loads(seed)
    own = [k for k in message if k != "type"] or ["id"]
    key = data.draw(st.one_of(st.sampled_from(own), st.sampled_from(own), st.sampled_from(FIELD_NAMES)), label="field")
    message[key] = data.draw(st.one_of(
        TEXT, TEXT, st.sampled_from(fm.HOSTILE_TEXT), JSON, st.sampled_from(fm.HOSTILE_NUMBERS),
        st.integers(min_value=1, max_value=3000).map(fm._nested),
        st.integers(min_value=-(10**300), max_value=10**300)), label="value")
    _holds(_dumps(message, ascii_only))


@SETTINGS
@given(st.sampled_from(fm.SEEDS), st.data())
def test_a_valid_message_with_text_inserted(seed: str, data: st.DataObject) -> None:
    """Characters, `\\uXXXX` escapes (surrogates too), numbers JSON writers never write, at any place."""
    at = data.draw(st.integers(min_value=0, max_value=len(seed)), label="at")
    piece = data.draw(st.one_of(TEXT, ESCAPES, ESCAPES, st.sampled_from(fm.NUMBER_TEXTS),
                                st.sampled_from(list(fm.PUNCTUATION))), label="piece")
    _holds(seed[:at] + piece + seed[at:])


@SETTINGS
@given(st.integers(min_value=1, max_value=30000), st.sampled_from(["[", '{"a":']), st.booleans())
def test_deep_nesting(depth: int, opener: str, closed: bool) -> None:
    closer = "]" if opener == "[" else "}"
    _holds(opener * depth + '{"type": "nav_end"}' + (closer * depth if closed else ""))


GOOD_PNG = fm.png_bytes(16, 8, bytes(range(128)))


@SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(GOOD_PNG) - 1), st.integers(0, 255)), max_size=4),
       st.integers(min_value=1, max_value=len(GOOD_PNG)), st.binary(max_size=16), st.sampled_from(["", "!", "=", " "]))
def test_a_bitmap_with_broken_bytes(flips: list[tuple[int, int]], keep: int, tail: bytes, junk: str) -> None:
    png = bytearray(GOOD_PNG)
    for at, value in flips:
        png[at] = value
    text = base64.b64encode(bytes(png[:keep]) + tail).decode() + junk
    _holds(json.dumps({"type": "show", "id": 1, "layout": "bitmap", "data": text}))


@SETTINGS
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=0, max_value=2**32 - 1),
       st.sampled_from([0, 2, 3, 4, 6, 5]), st.sampled_from([1, 2, 4, 8, 16, 3]), st.binary(max_size=64))
def test_a_bitmap_with_any_header_and_data(width: int, height: int, mode: int, depth: int, idat: bytes) -> None:
    """Declared sizes up to 4 billion pixels a side (bombs are refused by their header), any compressed data."""
    png = fm.png_bytes(width, height, mode=mode, depth=depth, idat=idat)
    _holds(json.dumps({"type": "show", "layout": "bitmap", "data": base64.b64encode(png).decode()}))


def test_the_push_boundary_has_no_other_outcome() -> None:
    """The fuzz command's boundary, a few cases of it: every one accepted and rendered, or refused."""
    counts = fuzz.run("push", fm.push_case, 50, seed=0, bound=30.0)  # no time bound here: speed is bench's
    assert counts.other == 0, counts.examples
    assert counts.cases == 50 and counts.accepted + counts.located == 50


def test_mutations_reach_every_message_kind_and_the_renderer() -> None:
    """The fuzzer is worth its cases: the seeds are every kind's examples, and some cases are accepted."""
    kinds = {json.loads(seed)["type"] for seed in fm.SEEDS}
    assert kinds == set(p.CLIENT_TYPES)
    layouts = {layout for seed in fm.SEEDS if isinstance(layout := json.loads(seed).get("layout"), str)}
    assert set(ev.CARD_LAYOUTS) <= layouts
    accepted = sum(isinstance(parse(fm.make_case(random.Random(i))), Accepted) for i in range(300))
    assert 30 <= accepted <= 270
