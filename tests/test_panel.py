"""The panel renderer: placement, palette (hue and grey levels), purity, one primary item."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from hud import events as ev
from hud.device import load_device
from hud.layout import Dimension, WidgetSpec, load_layout
from hud.panel import PanelRenderer, one_bit, palette, place, quantise
from hud.pg import pygame
from hud.state import HudState, apply

SMALL = (Dimension(100), Dimension(50))


def spec(anchor: str, margin=(10, 20), size=SMALL) -> WidgetSpec:
    return WidgetSpec(kind="label", anchor=anchor, margin=margin, size=size, text="x")


@pytest.mark.parametrize(("anchor", "topleft"), [
    ("top-left", (10, 20)), ("top-right", (530, 20)), ("bottom-left", (10, 410)),
    ("bottom-right", (530, 410)), ("top", (270, 20)), ("bottom", (270, 410)), ("left", (10, 215)),
    ("right", (530, 215)), ("centre", (270, 215)),
])
def test_place_by_anchor_and_margin(anchor: str, topleft: tuple[int, int]) -> None:
    assert place(spec(anchor), (640, 480)).topleft == topleft


def test_percent_is_of_the_space_inside_the_margins() -> None:
    rect = place(spec("top", size=(Dimension(50, True), Dimension(10))), (640, 480))
    assert rect.width == 310


def test_quantise_and_palette() -> None:
    assert [quantise(v, 2) for v in (0, 127, 128, 255)] == [0, 0, 255, 255]
    assert len({quantise(v, 16) for v in range(256)}) == 16
    pal = palette((60, 250, 68), 256)
    assert pal[0] == (0, 0, 0) and pal[255] == (60, 250, 68)


def busy_state() -> HudState:
    s = HudState()
    s = apply(s, ev.Navigate(maneuver="left", distance=120, street="Main St", eta=3), 0)
    s = apply(s, ev.Notify(app="Chat", title="Hello", body="A message that wraps over lines"), 0)
    return apply(s, ev.Answer(text="Turn left in 120 m"), 0)


def renderer(device: str = "generic") -> PanelRenderer:
    d = load_device(device)
    return PanelRenderer(load_layout(d.layout), d)


def test_panel_uses_only_the_device_hue() -> None:
    img = renderer().render(busy_state(), 3.0)
    rgb = pygame.surfarray.array3d(img).reshape(-1, 3).astype(int)
    lit = rgb[rgb.sum(axis=1) > 0]
    assert len(lit) > 2000
    # Every lit pixel is a scaled copy of #3CFA44 (green dominant, red:green ~ 60:250).
    assert (lit[:, 1] >= lit[:, 0]).all() and (lit[:, 1] >= lit[:, 2]).all()
    bright = lit[lit[:, 1] > 200]
    assert np.allclose(bright[:, 0] / bright[:, 1], 60 / 250, atol=0.02)


def test_four_bit_device_shows_at_most_16_levels() -> None:
    img = renderer("vuzix-z100").render(busy_state(), 3.0)
    greens = np.unique(pygame.surfarray.array3d(img)[..., 1])
    assert 2 < len(greens) <= 16


def test_render_is_a_function_of_state_and_time() -> None:
    r = renderer()
    a = pygame.image.tobytes(r.render(busy_state(), 3.0), "RGB")
    r.render(HudState(), 9.0)  # something else in between must not leak into the next frame
    assert pygame.image.tobytes(r.render(busy_state(), 3.0), "RGB") == a
    assert pygame.image.tobytes(r.render(busy_state(), 20.0), "RGB") != a  # the countdown moved


def test_empty_state_draws_only_the_status_bar() -> None:
    grey = renderer().render_grey(HudState(), 0.0)
    rows = np.nonzero(pygame.surfarray.array_red(grey).max(axis=0))[0]
    assert rows.min() >= 10 and rows.max() < 45


def test_active_payment_hides_what_it_overlaps() -> None:
    r = renderer()
    nav = apply(HudState(), ev.Navigate(maneuver="left", distance=120), 0)
    with_pay = apply(nav, ev.PayDetect(merchant="Cafe", amount=3), 0)
    nav_rect = next(rect for s, rect in r.rects if s.kind == "navigation")
    area = pygame.surfarray.array_red(r.render_grey(nav, 0.5))[nav_rect.x:nav_rect.x + 60,
                                                                   nav_rect.y:nav_rect.y + 60]
    assert area.max() > 0
    pay_only = apply(HudState(), ev.PayDetect(merchant="Cafe", amount=3), 0)
    a = pygame.image.tobytes(r.render(with_pay, 0.5), "RGB")
    assert a == pygame.image.tobytes(r.render(pay_only, 0.5), "RGB")


def test_each_payment_phase_looks_different() -> None:
    r = renderer()
    s0 = apply(HudState(), ev.PayDetect(merchant="Cafe", amount=3, timeout=5), 0)
    frames = {
        "detected": (s0, 0.5),
        "awaiting": (s0, 1.5),
        "verifying": (apply(s0, ev.PayConfirm(), 2), 2.5),
        "success": (apply(s0, ev.PayConfirm(), 2), 4.5),
        "failed": (apply(apply(s0, ev.PayConfirm(), 2), ev.PayResult(ok=False, reason="declined"), 3), 3.5),
        "cancelled": (apply(s0, ev.PayCancel(), 2), 2.5),
        "timed_out": (s0, 6.5),
    }
    images = {}
    for phase, (state, t) in frames.items():
        from hud.state import settle

        assert settle(state, t).pay.phase == phase
        images[phase] = pygame.image.tobytes(r.render(settle(state, t), t), "RGB")
    assert len(set(images.values())) == len(images)


def _big_navigation(font_size: int) -> PanelRenderer:
    layout = load_layout("default.yaml")
    widgets = tuple(replace(w, font_size=font_size) if w.kind == "navigation" else w for w in layout.widgets)
    return PanelRenderer(replace(layout, widgets=widgets), load_device("generic"))


def test_text_that_does_not_fit_is_ellipsised_and_reported_never_cut_silently() -> None:
    """Raising navigation's font to 34 once made '5 min · 08:46' vanish without a word."""
    state = apply(HudState(), ev.Navigate(maneuver="right", distance=200, street="Beishan Street", eta=5), 0)
    assert PanelRenderer(load_layout("default.yaml"), load_device("generic")).fit_problems(state, 1.0) == []
    r = _big_navigation(34)
    problems = r.fit_problems(state, 1.0)
    assert problems and all(p.widget == "navigation" for p in problems)
    assert all(p.kind in ("ellipsised", "dropped") for p in problems)  # never "clipped" by the widget's edge
    shown = [e.text for e in r.text_elements(state, 1.0) if e.widget == "navigation"]
    assert any("08:46" in line or "…" in line for line in shown)
    assert all(p.spec is not None for p in problems)


def test_fit_problems_are_a_function_of_state_and_time() -> None:
    r = _big_navigation(60)
    state = apply(HudState(), ev.Navigate(maneuver="right", distance=200, street="Beishan Street", eta=5), 0)
    first = r.fit_problems(state, 1.0)
    assert first and first == r.fit_problems(state, 1.0)
    r.render(HudState(), 1.0)
    assert r.text.fit_problems == []


def test_one_bit_panels_threshold_text_and_dither_only_pictures() -> None:
    """Dithered glyph edges made small text on the Even G1 noise."""
    levels = np.full((16, 8), 100, dtype=np.uint8)
    levels[:, 4:] = 200
    out = one_bit(levels, [pygame.Rect(0, 0, 8, 8)], dithered=True)
    assert set(np.unique(out[8:])) == {0, 255}
    assert (out[8:, :4] == 0).all() and (out[8:, 4:] == 255).all()  # thresholded at half light
    assert 0 < (out[:8, :4] == 255).mean() < 1  # a picture's grey becomes a pattern
    assert (one_bit(levels, [pygame.Rect(0, 0, 8, 8)], dithered=False)[:8, :4] == 0).all()


@pytest.mark.parametrize("device", ["generic", "even-g2"])  # 8-bit levels and 1-bit dithered
def test_the_levels_alone_relit_in_the_display_palette_are_the_rendered_panel(device: str) -> None:
    r = PanelRenderer(load_layout(load_device(device).layout), load_device(device))
    expected = pygame.image.tobytes(r.render(busy_state(), 3.0), "RGB")
    r.render(HudState(), 9.0)
    r.render_levels(busy_state(), 3.0)
    assert pygame.image.tobytes(r.relit(r.palette), "RGB") == expected
