"""Text rendering: bundled fonts only, CJK renders, mixed lines share a baseline, cache works."""

from __future__ import annotations

import numpy as np
import pytest

from hud.layout import Theme
from hud.pg import pygame
from hud.text import FontSet, TextRenderer, runs


def renderer() -> TextRenderer:
    t = Theme()
    return TextRenderer(FontSet(t.font_regular, t.font_bold, t.font_cjk))


def lit(surface: pygame.Surface) -> int:
    return int((pygame.surfarray.pixels_red(surface) > 0).sum())


def test_runs_split_by_script() -> None:
    assert runs("Hi 你好!") == [(False, "Hi "), (True, "你好"), (False, "!")]


def test_chinese_renders_glyphs_not_boxes() -> None:
    r = renderer()
    a, b = r.render("你好", 24), r.render("世界", 24)
    assert lit(a) > 100 and lit(b) > 100
    assert not np.array_equal(pygame.surfarray.array_red(a), pygame.surfarray.array_red(b))


def test_mixed_line_is_as_wide_as_its_parts() -> None:
    r = renderer()
    assert r.width("Go 你好", 24) == r.width("Go ", 24) + r.width("你好", 24)
    assert r.render("Go 你好", 24).get_width() == r.width("Go 你好", 24)


def test_level_sets_the_grey() -> None:
    r = renderer()
    assert pygame.surfarray.pixels_red(r.render("Hello", 30, level=120)).max() == 120
    surf = r.render("Hello", 30, level=255)
    rgb = pygame.surfarray.array3d(surf)
    assert (rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all()


def test_bold_differs_from_regular() -> None:
    r = renderer()
    assert lit(r.render("Beishan", 24, bold=True)) > lit(r.render("Beishan", 24))


def test_render_is_cached() -> None:
    r = renderer()
    assert r.render("same", 20) is r.render("same", 20)


def test_line_cache_never_holds_more_bytes_than_its_cap() -> None:
    """Unique pushed texts (a card a second for hours) must not grow the process: the cap is in bytes."""
    t = Theme()
    cap = 2 * 1024 * 1024
    r = TextRenderer(FontSet(t.font_regular, t.font_bold, t.font_cjk), cache_bytes=cap)
    for i in range(400):
        r.render(f"card {i} " + "wide text 你好 " * (1 + i % 40), 22, level=200)
        held = sum(s.get_width() * s.get_height() * s.get_bytesize() for s, _ in r.lines._items.values())
        assert held == r.lines.bytes <= cap
    assert len(r.lines) >= 2  # it still caches


def test_a_line_too_big_to_keep_is_drawn_but_not_cached() -> None:
    t = Theme()
    r = TextRenderer(FontSet(t.font_regular, t.font_bold, t.font_cjk), cache_bytes=64 * 1024)
    long = "x" * 2000
    surface = r.render(long, 20)
    assert surface.get_width() > 1000 and len(r.lines) == 0
    assert r.render("short", 20) is r.render("short", 20)


def test_wrap_cache_is_bounded_too() -> None:
    r = renderer()
    r.wrapped.capacity = 64 * 1024
    for i in range(200):
        r.wrap(f"paragraph {i} " + "word " * 100, 18, 300)
        assert r.wrapped.bytes <= r.wrapped.capacity
    assert 5 < len(r.wrapped) < 200


@pytest.mark.parametrize("text", ["\u200b", "\x00", "a\x00b", "\u200d\u200b", "\ufe0f", "你\u200b好"])
def test_characters_sdl_cannot_draw_never_raise(text: str) -> None:
    r = renderer()
    surface = r.render(text, 20)
    assert surface.get_height() > 0
    assert r.width(text, 20) >= 0
    assert lit(r.render(text + "x", 20)) > 0  # the drawable part still draws


def test_icon_cache_is_bounded_in_bytes_too() -> None:
    from hud.widgets import arrows

    for size in range(400, 1024, 40):
        arrows.maneuver_icon("left", size)
        assert arrows._ICONS.bytes <= arrows.ICON_CACHE_BYTES
    assert arrows.maneuver_icon("left", 96) is arrows.maneuver_icon("left", 96)


def test_a_line_wider_than_its_width_is_ellipsised_and_recorded() -> None:
    r = renderer()
    target = pygame.Surface((400, 60), depth=24)
    r.draw(target, "Blue Bottle Coffee on Beishan Street", (0, 0), 24, 255, width=120)
    assert [(p.kind, p.shown.endswith("…")) for p in r.fit_problems] == [("ellipsised", True)]
    assert r.width(r.fit_problems[0].shown, 24) <= 120


def test_a_line_cut_by_the_clip_is_recorded_as_clipped_or_dropped() -> None:
    r = renderer()
    target = pygame.Surface((400, 200), depth=24)
    target.set_clip(pygame.Rect(0, 0, 60, 200))
    r.draw(target, "Beishan Street", (0, 0), 24, 255)
    r.draw(target, "gone", (100, 0), 24, 255)
    assert [p.kind for p in r.fit_problems] == ["clipped", "dropped"]
    r.fit_problems.clear()
    target.set_clip(None)
    r.draw(target, "fits", (0, 0), 24, 255)
    assert r.wrap("fits well", 24, 400, max_lines=1) == ["fits well"] and r.fit_problems == []


def test_runs_of_text_without_cjk_are_one_run_and_nul_is_still_dropped() -> None:
    assert runs("Gate B12 boards 10:15 — café ⟶") == [(False, "Gate B12 boards 10:15 — café ⟶")]
    assert runs("a\x00b") == [(False, "ab")]
    assert runs("") == []
    assert runs("\u2e7f\u2e80") == [(False, "\u2e7f"), (True, "\u2e80")]
