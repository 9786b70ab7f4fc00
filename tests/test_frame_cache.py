"""The compositor's cache and the lit-bytes light addition give the same bytes as doing everything
every frame: over the city walk's real frame sequence, at moments at 1280x720, and at the edges."""

from __future__ import annotations

import numpy as np
import pytest

from hud import optics
from hud.compositor import Compositor
from hud.device import load_device
from hud.pg import pygame
from hud.session import Options, Session


def frames(view: tuple[int, int], times: list[float], cache: bool) -> tuple[list[bytes], int]:
    """The composites at `times` (in order, as a run plays them) and how often the panel side was redone."""
    session = Session.open(Options(background="scene", view=view))
    try:
        out = []
        for t in times:
            session.compositor.cache = cache
            session.seek(t)
            out.append(pygame.image.tobytes(session.render_composite(), "RGB"))
        return out, session.compositor.redone
    finally:
        session.close()


def test_two_seconds_of_the_city_walk_at_60_fps_are_identical_with_and_without_the_cache() -> None:
    times = [14.5 + i / 60 for i in range(120)]  # navigation counting down, the flight reminder arriving
    cached, redone = frames((320, 180), times, cache=True)
    plain, _ = frames((320, 180), times, cache=False)
    for t, a, b in zip(times, cached, plain, strict=True):
        assert a == b, f"frame at {t:.4f} s differs"
    assert 0 < redone < len(times) - 10  # both paths ran: reused frames and redone ones


def test_moments_at_1280x720_are_identical_with_and_without_the_cache() -> None:
    times = [t + d for t in (3.0, 16.0, 41.0) for d in (0.0, 1 / 60, 2 / 60)]
    cached, redone = frames((1280, 720), times, cache=True)
    plain, _ = frames((1280, 720), times, cache=False)
    assert cached == plain
    assert redone < len(times)


def test_a_new_light_level_redoes_the_panel_side() -> None:
    device = load_device("generic")
    comp = Compositor(device, (640, 360), stages=frozenset(optics.STAGES))
    bg = pygame.surfarray.make_surface(np.random.default_rng(4).integers(0, 256, (640, 360, 3), dtype=np.uint8))
    panel = pygame.Surface(device.panel, depth=32)
    results = []
    for level in (200, 200, 90, 90, 200):
        panel.fill((0, 0, 0))
        panel.fill((level // 3, level, level // 4), pygame.Rect(40, 40, 200, 60))
        comp.cache = True
        cached = pygame.image.tobytes(comp.compose(bg, panel), "RGB")
        comp.cache = False
        plain = pygame.image.tobytes(comp.compose(bg, panel), "RGB")
        assert cached == plain
        results.append(cached)
    assert results[0] == results[1] != results[2] == results[3] != results[4] == results[0]


def random_layer(size: tuple[int, int], depth: int, seed: int) -> pygame.Surface:
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 256, (size[0], size[1], 3), dtype=np.uint8)
    values[rng.random(size) < 0.7] = 0  # mostly black, as a HUD is
    surface = pygame.Surface(size, depth=depth)
    pygame.surfarray.blit_array(surface, values)
    return surface


@pytest.mark.parametrize("at", [(0, 0), (5, 3), (-7, -4), (30, 20), (-50, 0), (100, 100)])
@pytest.mark.parametrize("depth", [24, 32])
def test_lit_bytes_add_light_like_the_per_pixel_form(at: tuple[int, int], depth: int) -> None:
    view = random_layer((48, 32), depth, 1)
    view.fill((90, 140, 200), pygame.Rect(0, 0, 10, 10))
    layer = random_layer((40, 24), depth, 2)
    expected = view.copy()
    optics.add_light_pixels(expected, layer, at) if depth == 32 else None
    got = view.copy()
    optics.add_light(got, layer, at)
    if depth == 32:
        assert pygame.image.tobytes(got, "RGB") == pygame.image.tobytes(expected, "RGB")
    else:  # the per-pixel form needs 32-bit pixels: compare with a 32-bit copy of the same pixels
        view32, layer32 = view.convert(32, 0), layer.convert(32, 0)
        optics.add_light_pixels(view32, layer32, at)
        assert pygame.image.tobytes(got, "RGB") == pygame.image.tobytes(view32, "RGB")


def test_a_display_larger_than_a_narrow_view_is_cut_at_its_edge_the_same_way() -> None:
    device = load_device("generic")
    comp = Compositor(device, (320, 180), hfov=25.0, stages=frozenset(optics.STAGES), what="view")
    assert comp.rect.left < 0 and comp.rect.right > 320
    bg = random_layer((320, 180), 32, 5)
    panel = random_layer(device.panel, 32, 6)
    comp.cache = True
    cached = pygame.image.tobytes(comp.compose(bg, panel), "RGB")
    comp.cache = False
    assert cached == pygame.image.tobytes(comp.compose(bg, panel), "RGB")
