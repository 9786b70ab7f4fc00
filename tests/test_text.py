"""Text rendering: bundled fonts only, CJK renders, mixed lines share a baseline, cache works."""

from __future__ import annotations

import numpy as np

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
