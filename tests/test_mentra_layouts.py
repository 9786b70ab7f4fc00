"""hud.mentra.layouts: every MentraOS display message -> hud events, bad ones refused with located
reasons (and nothing but MentraFormatError, whatever the input), and each layout on the panel."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mentra_bmps import lit, sdk_b64

from hud import events as ev
from hud.mentra.layouts import MentraFormatError, events_for
from hud.session import Options, Session

PKG = "com.example.notes"
BLOCK = sdk_b64([[8 <= x < 24 and 2 <= y < 10 for x in range(32)] for y in range(12)])


def display(layout: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A display_event as the SDK 2.1.29 sends it (its bookkeeping fields included)."""
    return {"type": "display_event", "packageName": PKG, "sessionId": "", "timestamp": "2025-01-01T08:41:00.000Z",
            "view": "main", "layout": layout, **extra}


@pytest.mark.parametrize(("message", "expected"), [
    (display({"layoutType": "text_wall", "text": "Hi"}), ev.ShowCard(layout="text_wall", text="Hi", app=PKG)),
    (display({"layoutType": "double_text_wall", "topText": "A", "bottomText": "B"}, durationMs=5000),
     ev.ShowCard(layout="double_text_wall", top="A", bottom="B", duration=5.0, app=PKG)),
    (display({"layoutType": "reference_card", "title": "T", "text": "X"}, view="always_on", forceDisplay=True),
     ev.ShowCard(layout="reference_card", title="T", text="X", view="always_on", app=PKG)),
    (display({"layoutType": "dashboard_card", "leftText": "L", "rightText": "R"}, view="dashboard", durationMs=0),
     ev.ShowCard(layout="dashboard_card", left="L", right="R", view="dashboard", app=PKG)),
    (display({"layoutType": "clear_view"}, view="dashboard"), ev.Clear(what="cards", view="dashboard", app=PKG)),
    ({"type": "dashboard_content_update", "packageName": PKG, "sessionId": "s", "content": "3 tasks",
      "modes": ["expanded"], "timestamp": "2025-01-01T08:41:00.000Z"},
     ev.ShowCard(layout="text_wall", view="dashboard", text="3 tasks", app=PKG)),
    ({"type": "display_event", "layout": {"layoutType": "text_wall", "text": ""}}, ev.ShowCard(layout="text_wall")),
])
def test_each_layout_becomes_its_event(message: dict[str, Any], expected: ev.Event) -> None:
    assert events_for(message) == (expected,)


def test_a_bitmap_view_becomes_a_bitmap_card_lit_where_the_source_was_bright() -> None:
    (card,) = events_for(display({"layoutType": "bitmap_view", "data": BLOCK}, durationMs=1500))
    assert isinstance(card, ev.ShowCard) and (card.layout, card.duration, card.app) == ("bitmap", 1.5, PKG)
    assert lit(card.data) == [[8 <= x < 24 and 2 <= y < 10 for x in range(32)] for y in range(12)]


def test_a_bitmap_animation_keeps_its_frames_interval_in_seconds_and_repeat() -> None:
    empty = sdk_b64([[False] * 8] * 4)
    (card,) = events_for(display({"layoutType": "bitmap_animation", "frames": [BLOCK, empty], "interval": 500,
                                  "repeat": True}))
    assert isinstance(card, ev.ShowCard) and card.layout == "bitmap_animation"
    assert (len(card.frames), card.interval, card.repeat) == (2, 0.5, True)
    assert lit(card.frames[1]) == [[False] * 8] * 4
    (default,) = events_for(display({"layoutType": "bitmap_animation", "frames": [BLOCK]}))
    assert isinstance(default, ev.ShowCard) and (default.interval, default.repeat) == (1.65, False)


TEXT = {"layoutType": "text_wall", "text": "x"}


@pytest.mark.parametrize(("message", "reason"), [
    (display({"layoutType": "txt_wall"}), "layout.layoutType: unknown layout 'txt_wall'; expected one of text_wall, "
     "double_text_wall, reference_card, dashboard_card, bitmap_view, bitmap_animation, clear_view; did you mean "
     "'text_wall'?"),
    (display(TEXT, durationMs="5s"), 'durationMs must be a number of milliseconds >= 0, got string "5s"'),
    (display(TEXT, durationMs=-1), "durationMs must be a number of milliseconds >= 0, got number -1"),
    (display(TEXT, durationMs=50), "durationMs must be 0 (until replaced) or between 100 and 86400000 milliseconds "
     "(24 h), got number 50"),
    (display(TEXT, durationMS=5000), "durationMS: unknown field for display_event (its fields: packageName, "
     "sessionId, timestamp, view, layout, durationMs, forceDisplay); did you mean 'durationMs'?"),
    (display(TEXT, view="mian"), "view: unknown view 'mian'; expected one of main, dashboard, always_on; "
     "did you mean 'main'?"),
    (display({"layoutType": "double_text_wall", "topText": "a", "bottomText": 3}),
     "layout.bottomText must be a string, got number 3"),
    (display({"layoutType": "double_text_wall", "topText": "a"}), "layout.bottomText: missing; expected a string"),
    (display({"layoutType": "text_wall", "txt": "a"}), "layout.txt: unknown field for text_wall (its fields: text); "
     "did you mean 'text'?"),
    (display({"layoutType": "text_wall", "text": "a\x00"}), "layout.text: holds the control character U+0000 at "
     "character 1; only tab, newline and carriage return are allowed"),
    (display({"layoutType": "text_wall", "text": "a" * 2001}), "layout.text: is 2001 characters long; at most 2000 "
     "allowed"),
    (display({"layoutType": "bitmap_view", "data": "Qk0="}), "layout.data: not a BMP image (it must start with 'BM' "
     "and a DIB header; got b'BM', 2 bytes)"),
    (display({"layoutType": "bitmap_animation", "frames": [BLOCK, BLOCK, BLOCK, "nop*"]}),
     "layout.frames[3]: not valid base64 (Only base64 data is allowed)"),
    (display({"layoutType": "bitmap_animation", "frames": []}), "layout.frames: has 0 frames; 1 to 32 allowed"),
    (display({"layoutType": "bitmap_animation", "frames": [BLOCK], "interval": 0}),
     "layout.interval must be a number of milliseconds between 10 and 3600000, got number 0"),
    (display({"layoutType": "bitmap_animation", "frames": [BLOCK], "repeat": "yes"}),
     'layout.repeat must be true or false, got string "yes"'),
    ({"type": "display_event"}, "missing required field 'layout' for 'display_event'"),
    ({"type": "display_event", "layout": []}, "layout must be an object, got an array"),
    ({"type": "display_event", "layout": {}}, "layout.layoutType: missing; expected one of text_wall, "
     "double_text_wall, reference_card, dashboard_card, bitmap_view, bitmap_animation, clear_view"),
    ({"type": "display_event", "packageName": 7, "layout": TEXT}, "packageName must be a string, got number 7"),
    ({"type": "display", "layout": TEXT}, "type: unknown message type 'display'; expected one of display_event, "
     "dashboard_content_update; did you mean 'display_event'?"),
    ({"layout": TEXT}, "missing required field 'type'"),
    ({"type": "dashboard_content_update", "content": "x", "modes": ["full"]},
     'modes[0] must be one of main, expanded, got string "full"'),
    ({"type": "dashboard_content_update", "modes": ["main"]},
     "missing required field 'content' for 'dashboard_content_update'"),
    ({"type": "display_event", "layout": {"layoutType": "text_wall", "text": "\ud800"}},
     "layout.text: holds a lone surrogate (U+D800) at character 0: text must be valid Unicode, which UTF-8 can "
     "encode (a surrogate pair's two halves must come together)"),
])
def test_bad_messages_are_refused_with_a_located_reason(message: dict[str, Any], reason: str) -> None:
    with pytest.raises(MentraFormatError) as caught:
        events_for(message)
    assert str(caught.value) == reason


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                       lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                       max_leaves=12)
KEYS = st.sampled_from(["type", "packageName", "view", "layout", "durationMs", "forceDisplay", "content", "modes",
                        "layoutType", "text", "topText", "bottomText", "title", "leftText", "rightText", "data",
                        "frames", "interval", "repeat"])
VALUES = (JSONISH | st.sampled_from(["display_event", "dashboard_content_update", "main", "dashboard", "text_wall",
                                     "double_text_wall", "bitmap_view", "bitmap_animation", "clear_view", BLOCK])
          | st.lists(st.sampled_from([BLOCK, "x", "main"]), max_size=3))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, VALUES | st.dictionaries(KEYS, VALUES, max_size=5), max_size=6) | JSONISH)
def test_any_json_ish_input_is_events_or_a_mentra_format_error(message: Any) -> None:
    try:
        events = events_for(message)
    except MentraFormatError as exc:
        assert str(exc)
        str(exc).encode("utf-8")  # a reason can always be sent
    else:
        assert len(events) == 1 and isinstance(events[0], ev.ShowCard | ev.Clear)


@pytest.fixture(scope="module")
def session():
    s = Session.open(Options(scenario="empty.yaml", device="generic", background="scene", view=(320, 180)))
    yield s
    s.close()


def _lit_pixels(session: Session) -> int:
    panel = session.render_panel()
    return sum(1 for x in range(0, panel.get_width(), 2) for y in range(0, panel.get_height(), 2)
               if max(panel.get_at((x, y))[:3]) > 60)


@pytest.mark.parametrize("layout", [
    {"layoutType": "text_wall", "text": "Meeting at 10:30"},
    {"layoutType": "double_text_wall", "topText": "Next: Louvre", "bottomText": "Opens 9:00"},
    {"layoutType": "reference_card", "title": "Step 3", "text": "Fold the edges"},
    {"layoutType": "bitmap_view", "data": BLOCK},
    {"layoutType": "bitmap_animation", "frames": [BLOCK], "interval": 100},
])
def test_each_layout_lights_the_main_view_and_clear_view_darkens_it(session: Session, layout: dict[str, Any]) -> None:
    session.push(ev.Clear())
    dark = _lit_pixels(session)
    for event in events_for(display(layout)):
        session.push(event)
    assert _lit_pixels(session) > dark + 20
    for event in events_for(display({"layoutType": "clear_view"})):
        session.push(event)
    assert _lit_pixels(session) == dark


def test_a_dashboard_card_lights_the_dashboard(session: Session) -> None:
    session.push(ev.Clear())
    dark = _lit_pixels(session)
    for event in events_for(display({"layoutType": "dashboard_card", "leftText": "22°C", "rightText": "3 new"},
                                    view="dashboard")):
        session.push(event)
    assert _lit_pixels(session) > dark + 20


def test_an_app_cannot_clear_another_apps_card(session: Session) -> None:
    session.push(ev.Clear())
    for event in events_for(display({"layoutType": "text_wall", "text": "mine"})):
        session.push(event)
    other = {**display({"layoutType": "clear_view"}), "packageName": "com.other.app"}
    for event in events_for(other):
        session.push(event)
    assert session.state.cards.main is not None
    for event in events_for(display({"layoutType": "clear_view"})):
        session.push(event)
    assert session.state.cards.main is None
