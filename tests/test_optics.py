"""Optics: measurable properties of the light model and the effects."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from hud import events as ev
from hud import optics
from hud.compositor import Compositor
from hud.device import load_device
from hud.panel import dither
from hud.pg import pygame
from hud.session import Options, Session


def flat(size: tuple[int, int], grey: int) -> pygame.Surface:
    s = pygame.Surface(size, depth=32)
    s.fill((grey, grey, grey))
    return s


def test_black_panel_with_every_stage_leaves_the_background_bit_for_bit() -> None:
    device = load_device("generic")
    comp = Compositor(device, (640, 360), stages=frozenset(optics.STAGES))
    bg = pygame.surfarray.make_surface(np.random.default_rng(3).integers(0, 256, (640, 360, 3), dtype=np.uint8))
    bg32 = pygame.Surface((640, 360), depth=32)
    bg32.blit(bg, (0, 0))
    out = comp.compose(bg32, pygame.Surface(device.panel, depth=32))
    assert pygame.image.tobytes(out, "RGB") == pygame.image.tobytes(bg32, "RGB")


def test_a_brighter_scene_lowers_the_contrast_of_the_same_stroke() -> None:
    # The same HUD light over a dim and a bright uniform background: luminance contrast
    # (L_bg + L_hud) / L_bg must fall as the background gets brighter.
    layer = flat((40, 20), 0)
    layer.fill((60, 200, 70), pygame.Rect(10, 5, 20, 10))
    contrasts = []
    for grey in (40, 120, 220):
        out = flat((40, 20), grey)
        optics.add_light(out, layer, (0, 0))
        lit = optics.luminance(out.get_at((20, 10))[:3])
        contrasts.append(lit / optics.luminance((grey, grey, grey)))
    assert contrasts[0] > contrasts[1] > contrasts[2] > 1.0


def test_add_light_touches_only_lit_pixels_and_saturates() -> None:
    out = flat((8, 8), 100)
    layer = flat((8, 8), 0)
    layer.set_at((3, 3), (255, 255, 255))
    optics.add_light(out, layer, (0, 0))
    assert out.get_at((3, 3))[:3] == (255, 255, 255)
    assert out.get_at((4, 4))[:3] == (100, 100, 100)


def test_auto_brightness_follows_the_scene_within_limits() -> None:
    d = load_device("generic")
    every = frozenset(optics.STAGES)
    dim, mid, sunny = (optics.display_nits(d, a, every) for a in (0.1, 500, 1e6))
    assert dim == d.optics.min_nits and dim < mid < sunny == d.nits
    fixed = replace(d, optics=replace(d.optics, brightness="fixed", level=0.5))
    assert optics.display_nits(fixed, 0.1, every) == optics.display_nits(fixed, 1e6, every) == d.nits * 0.5
    assert optics.display_nits(d, 0.1, frozenset()) == d.nits  # brightness stage off: peak


def test_night_makes_the_hud_glow_and_day_washes_it_out() -> None:
    """Same stroke, same place: its light over the picture is far larger, relatively, at night."""
    lift = {}
    for bg in ("scene", "scene:night"):
        s = Session.open(Options(background=bg, view=(320, 180)))
        s.seek(16)
        box = s.compositor.rect
        plain = optics.luminance(pygame.transform.average_color(s.render_background(), box))
        lit = optics.luminance(pygame.transform.average_color(s.render_composite(), box))
        lift[bg] = lit / plain - 1  # the HUD's light relative to the world's, over its rectangle
    assert lift["scene:night"] > 3 * lift["scene"] > 0


def test_ambient_estimate_grows_with_the_picture() -> None:
    assert optics.ambient_nits(flat((64, 36), 200), 1000) > 4 * optics.ambient_nits(flat((64, 36), 60), 1000)


def test_eyebox_dims_the_edges() -> None:
    d = load_device("generic")
    effects = optics.Effects(d, (100, 80), pixels_per_degree=3.0)
    layer = flat((100, 80), 200)
    effects.apply(layer, frozenset({"eyebox"}))
    assert layer.get_at((50, 40))[0] > layer.get_at((1, 1))[0] + 20


def test_dither_makes_two_levels_and_keeps_the_average() -> None:
    grey = np.full((64, 64), 96, np.uint8)
    out = dither(grey)
    assert set(np.unique(out)) == {0, 255}
    assert abs(out.mean() - 96) < 8


def test_quantise_off_shows_the_designs_greys() -> None:
    s = Session.open(Options(device="vuzix-z100", background="scene", view=(320, 180), optics=frozenset()))
    s.push(ev.Notify(app="A", title="Quantise me", body="grey levels"))
    assert len(np.unique(pygame.surfarray.array3d(s.render_panel())[..., 1])) > 16


def test_unknown_stage_is_refused_with_the_list() -> None:
    with pytest.raises(ValueError, match=r"unknown optics stage.*glare.*expected all, none or any of: light"):
        optics.parse_stages("bloom,glare")
    assert optics.parse_stages("none") == frozenset()
    assert optics.parse_stages("bloom, ghost") == {"bloom", "ghost"}


@pytest.mark.parametrize("offset", [(0.3, 0.2), (-0.4, -0.3), (0.0, 9.0), (0.2, -40.0)])
@pytest.mark.parametrize("device", ["generic", "vuzix-z100", "even-g2"])
def test_effects_on_the_lit_rows_only_equal_the_effects_over_the_whole_layer(device: str,
                                                                             offset: tuple[float, float]) -> None:
    """Rows lit at both edges, alone and in runs, with ghosts moved up, down and past the layer's edge."""
    d = load_device(device)
    d = replace(d, optics=replace(d.optics, ghost_offset=offset, ghost=max(d.optics.ghost, 0.05),
                                  blur=max(d.optics.blur, 0.5), eyebox=max(d.optics.eyebox, 0.2)))
    size = (120, 90)
    rng = np.random.default_rng(3)
    rows = np.zeros(size[1], bool)
    rows[[0, 1, 7, 30, 31, 32, 33, 60, 88, 89]] = True
    picture = rng.integers(0, 256, (size[0], size[1], 3), np.uint8) * rows[None, :, None].astype(np.uint8)
    stages = frozenset(optics.STAGES)
    layers = []
    for banded in (True, False):
        effects = optics.Effects(d, size, pixels_per_degree=3.0)
        effects.banded = banded
        layer = pygame.Surface(size, depth=32)
        pygame.surfarray.blit_array(layer, picture)
        effects.apply(layer, stages)
        assert layer.get_clip() == layer.get_rect()
        glow = effects.bloom(layer, stages)
        layers.append((pygame.image.tobytes(layer, "RGB"), glow and pygame.image.tobytes(glow, "RGB")))
    assert layers[0] == layers[1]
