"""The compositor: additive light, black transparent, field-of-view geometry."""

from __future__ import annotations

import math

import numpy as np

from hud.compositor import Compositor, panel_rect
from hud.device import load_device
from hud.pg import pygame


def noise(size: tuple[int, int], seed: int = 1) -> pygame.Surface:
    arr = np.random.default_rng(seed).integers(0, 256, (size[0], size[1], 3), dtype=np.uint8)
    return pygame.surfarray.make_surface(arr)


def test_black_panel_leaves_the_background_bit_for_bit() -> None:
    device = load_device("generic")
    comp = Compositor(device, (1280, 720))
    bg = noise((1280, 720))
    black = pygame.Surface(device.panel, depth=24)
    out = comp.compose(bg, black)
    assert pygame.image.tobytes(out, "RGB") == pygame.image.tobytes(bg, "RGB")


def test_light_adds_saturates_and_never_darkens() -> None:
    device = load_device("generic")
    comp = Compositor(device, (640, 360))
    bg = noise((640, 360))
    panel = noise(device.panel, seed=2)
    out = pygame.surfarray.array3d(comp.compose(bg, panel)).astype(int)
    base = pygame.surfarray.array3d(bg).astype(int)
    assert (out >= base).all()
    assert (out <= 255).all()
    inside = comp.rect
    region_out = out[inside.x:inside.right, inside.y:inside.bottom]
    region_bg = base[inside.x:inside.right, inside.y:inside.bottom]
    assert (region_out > region_bg).mean() > 0.5
    assert (region_out == 255).any()  # saturates rather than wrapping round


def test_panel_rect_matches_the_field_of_view_ratio() -> None:
    device = load_device("generic")  # 30 x 22.5 degrees, 2 degrees below centre
    rect = panel_rect((1280, 720), device, camera_hfov=70)
    expected_w = 1280 * math.tan(math.radians(15)) / math.tan(math.radians(35))
    assert abs(rect.width - expected_w) <= 1
    focal = 640 / math.tan(math.radians(35))
    expected_h = 2 * focal * math.tan(math.radians(11.25))
    assert abs(rect.height - expected_h) <= 1
    assert abs(rect.centerx - 640) <= 1
    assert abs(rect.centery - (360 + focal * math.tan(math.radians(2)))) <= 1


def test_wider_camera_makes_the_display_smaller() -> None:
    device = load_device("generic")
    assert panel_rect((1280, 720), device, 90).width < panel_rect((1280, 720), device, 60).width
