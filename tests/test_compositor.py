"""The compositor: additive light, black transparent, field-of-view geometry."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hud.background.base import BackgroundError, BackgroundSource, blank_frame, view_crop
from hud.compositor import DEFAULT_VIEW_FOV, CameraTooNarrow, Compositor, default_view_fov, panel_rect
from hud.device import available, load_device
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
    rect = panel_rect((1280, 720), device, hfov=70)
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


class Ruler(BackgroundSource):
    """A camera picture whose every column says its angle: the red channel is the column's
    horizontal angle in degrees + 100 (rectilinear: x = focal * tan(angle)), green marks the centre
    row. `frame` records the sizes it was asked for."""

    def __init__(self, native: tuple[int, int] | None = None) -> None:
        self.asked: list[tuple[int, int]] = []
        self._native = native

    @property
    def label(self) -> str:
        return "ruler"

    @property
    def native_size(self) -> tuple[int, int] | None:
        return self._native

    def frame(self, t: float, size: tuple[int, int]) -> pygame.Surface:
        self.asked.append(size)
        w, h = size
        focal = (w / 2) / math.tan(math.radians(self.camera_hfov) / 2)
        x = np.arange(w) + 0.5 - w / 2
        red = np.round(np.degrees(np.arctan(x / focal)) + 100).astype(np.uint8)
        pixels = np.zeros((w, h, 3), np.uint8)
        pixels[:, :, 0] = red[:, None]
        pixels[:, h // 2 - 1:h // 2 + 1 + h % 2, 1] = 255  # the centre row(s)
        out = blank_frame(size)
        pygame.surfarray.blit_array(out, pixels)
        return out


def angle_at(view: pygame.Surface, x: int) -> int:
    return int(view.get_at((x, view.get_height() // 2))[0]) - 100


def test_view_crops_the_centre_at_the_right_angles() -> None:
    ruler = Ruler()  # a 70° camera
    view = ruler.view(0.0, (1280, 720), 50.0)
    assert view.get_size() == (1280, 720)
    assert ruler.asked[-1] == (1922, 1082)  # 1280 / k, k = tan 25° / tan 35° = 0.666: the crop is not resampled
    assert angle_at(view, 640) in (0, 1) and angle_at(view, 639) in (-1, 0)  # the centre stays the centre
    assert view.get_at((640, 359))[1] == 255 and view.get_at((640, 360))[1] == 255  # ... vertically too
    focal = 640 / math.tan(math.radians(25))  # the view's own focal length: its edges at +-25°
    for degrees in (-24, -20, -10, 10, 20, 24):
        x = 640 + focal * math.tan(math.radians(degrees))
        assert abs(angle_at(view, int(x)) - degrees) <= 1, degrees
    assert angle_at(view, 0) == -25 and angle_at(view, 1279) == 25


def test_view_at_the_camera_fov_is_the_frame_itself() -> None:
    ruler = Ruler()
    frame = ruler.frame(0.0, (320, 180))
    view = ruler.view(0.0, (320, 180), 70.0)
    assert ruler.asked[-1] == (320, 180)
    assert pygame.image.tobytes(view, "RGB") == pygame.image.tobytes(frame, "RGB")


def test_view_render_is_bounded_and_never_beyond_the_native_pixels() -> None:
    ruler = Ruler()
    ruler.view(0.0, (1280, 720), 20.0)  # k = 0.25: would need 4x per side
    assert ruler.asked[-1] == (2560, 1440)  # at most MAX_VIEW_RENDER (2x) per side; the crop is scaled up
    render, crop = view_crop((1280, 720), 20.0, 70.0)
    k = math.tan(math.radians(10)) / math.tan(math.radians(35))
    assert render == (2560, 1440) and crop.center == (1280, 720) and abs(crop.width - k * 2560) <= 1
    camera = Ruler(native=(640, 480))  # a webcam: rendering above 1280x720 would only upscale it twice
    view = camera.view(0.0, (1280, 720), 50.0)
    assert camera.asked[-1] == (1280, 720)
    assert angle_at(view, 0) in (-25, -24) and angle_at(view, 1279) in (24, 25) and angle_at(view, 640) in (0, 1)
    photo = Ruler(native=(1920, 1080))  # needs 1922x1082: 0.1 % past its pixels, so the crop is copied, not resampled
    photo.view(0.0, (1280, 720), 50.0)
    assert photo.asked[-1] == (1922, 1082)


def test_view_wider_than_the_camera_is_refused() -> None:
    with pytest.raises(BackgroundError, match="a view of 80° cannot be cut from a 70° camera picture"):
        Ruler().view(0.0, (320, 180), 80.0)


def test_the_panel_covers_its_share_of_the_view() -> None:
    device = load_device("generic")  # 30° x 22.5°
    for fov in (70.0, DEFAULT_VIEW_FOV, 40.0):
        rect = panel_rect((1280, 720), device, fov)
        share = math.tan(math.radians(15)) / math.tan(math.radians(fov / 2))
        assert abs(rect.width - 1280 * share) <= 1, fov
    # At the default 50° the 30° display is 57 % of the view's width: text 1.15 view px per panel px.
    rect = panel_rect((1280, 720), device, DEFAULT_VIEW_FOV)
    assert (rect.width, rect.height) == (736, 546)
    assert default_view_fov(70.0) == 50.0 and default_view_fov(40.0) == 40.0


def test_every_device_fits_in_the_default_view() -> None:
    for name in available():
        rect = panel_rect((1280, 720), load_device(name), DEFAULT_VIEW_FOV)
        assert pygame.Rect(0, 0, 1280, 720).contains(rect), name


def test_a_panel_partly_outside_a_narrow_view_adds_its_light_in_linear_light_up_to_the_edge() -> None:
    device = load_device("generic")
    comp = Compositor(device, (320, 180), 36.0, frozenset({"light"}))
    assert comp.rect.bottom > 180  # the display's lower edge is below the view
    bg = blank_frame((320, 180), (100, 100, 100))
    panel = pygame.Surface(device.panel, depth=32)
    panel.fill((0, 40, 0))
    out = comp.compose(bg, panel)
    bottom = out.get_at((160, 179))
    assert bottom[1] > 100 and bottom[0] == 100  # lit to the last row, red untouched


def test_too_narrow_a_view_names_the_view() -> None:
    with pytest.raises(CameraTooNarrow, match=r"a 5° view is too narrow .* use a view field of view of at least"):
        Compositor(load_device("generic"), (1280, 720), 5.0, what="view")


@pytest.mark.parametrize(("hfov", "rows"), [(50.0, [0, 1, 200, 479]), (36.0, [5, 470, 479]), (36.0, [])])
def test_the_glow_added_by_its_lit_rows_is_the_glow_added_whole(hfov: float, rows: list[int]) -> None:
    """Lit panel rows at the edges and alone, in a view that cuts the display off (36°) or not."""
    from hud.optics import STAGES

    device = load_device("generic")
    rng = np.random.default_rng(5)
    panel = pygame.Surface(device.panel, depth=32)
    pixels = rng.integers(0, 256, (*device.panel, 3), np.uint8)
    lit = np.zeros(device.panel[1], bool)
    lit[rows] = True
    pygame.surfarray.blit_array(panel, pixels * lit[None, :, None].astype(np.uint8))
    bg = blank_frame((320, 180), (90, 60, 30))
    outs = []
    for cache in (True, False):
        comp = Compositor(device, (320, 180), hfov, frozenset(STAGES))
        comp.cache = cache
        outs.append(pygame.image.tobytes(comp.compose(bg, panel), "RGB"))
    assert outs[0] == outs[1]
