"""The compositor: places the panel in the wearer's view and adds its light to the scene.

Additive, like a waveguide: black is transparent, light adds to the background and saturates
at white, and nothing is ever darkened. The view shows the central `view_fov` degrees of the
camera's picture (`BackgroundSource.view`), and the panel covers the share of the view that the
display's field of view covers (rectilinear model: sizes scale with tan(fov / 2)).

Only the work that changed is done: everything on the panel's side (scaling into the view, eyebox,
blur, ghost, bloom, and where the light falls) is a function of the panel's pixels alone, and the
panel holds the light level too (it arrives relit, hud.session), so it is redone only when those
pixels differ from the last frame's, compared byte for byte (about 0.1 ms for a 640x480 panel).
Over the city walk at 60 frames/s that skips it in over half of the frames; the world behind
changes every frame, so the view is copied and the light added every frame (hud.lightadd).
"""

from __future__ import annotations

import math

from hud.background.base import DEFAULT_CAMERA_HFOV
from hud.device import Device
from hud.lightadd import LitBytes
from hud.optics import ADD_FLAT, Effects, add_light_pixels, lit_bands
from hud.pg import pygame

__all__ = ["DEFAULT_CAMERA_HFOV", "DEFAULT_VIEW_FOV", "CameraTooNarrow", "Compositor", "default_view_fov",
           "panel_rect"]

#: The view's horizontal field of view by default: the angle a laptop screen's window stands for, so
#: the display is drawn large enough to read (README "Optics"). Why 50°: the default display (30° x
#: 22.5°, centred 2° below the line of sight) and the Vuzix Z100's (3° below) must fit inside a 16:9
#: view, whose vertical field at 50° is 29.4° (the Z100's lower edge is at 14.25° of its 14.7° half);
#: at 50° the 30° display fills 57 % of the view's width and 76 % of its height, and text is drawn at
#: 1.15 view pixels per panel pixel at 1280x720 (0.77 through the 70° camera's whole picture).
DEFAULT_VIEW_FOV = 50.0
#: How much larger than the view the display's image may be, per side. Why a limit: through a narrow
#: camera a wide display's image grows as tan(display fov / 2) / tan(camera fov / 2): a 30° display
#: seen by a 1° camera is 39,000 px wide in a 1280 px view, and its buffers would need 18 GB.
MAX_LAYER_SCALE = 2.0


class CameraTooNarrow(ValueError):
    """The view's field of view is too narrow for the display's: its image would dwarf the view."""


def default_view_fov(camera_hfov: float) -> float:
    """The view's field of view when none is chosen: DEFAULT_VIEW_FOV, or the camera's when narrower."""
    return min(DEFAULT_VIEW_FOV, camera_hfov)


def panel_rect(view: tuple[int, int], device: Device, hfov: float = DEFAULT_CAMERA_HFOV) -> pygame.Rect:
    """Where the display's virtual image falls in a view of `view` pixels that shows `hfov` degrees
    horizontally (the whole camera picture, or the central part of it that `--view-fov` picks)."""
    vw, vh = view
    focal = (vw / 2) / math.tan(math.radians(hfov) / 2)  # pixels per unit of tan(angle)
    w = 2 * focal * math.tan(math.radians(device.fov[0]) / 2)
    h = 2 * focal * math.tan(math.radians(device.fov[1]) / 2)
    cx = vw / 2 + focal * math.tan(math.radians(device.position[0]))
    cy = vh / 2 + focal * math.tan(math.radians(device.position[1]))
    return pygame.Rect(round(cx - w / 2), round(cy - h / 2), round(w), round(h))


class Compositor:
    """Holds the view's buffers between frames; `compose` is a function of its inputs."""

    def __init__(self, device: Device, view: tuple[int, int], hfov: float = DEFAULT_CAMERA_HFOV,
                 stages: frozenset[str] = frozenset(), *, what: str = "camera") -> None:
        """`hfov`: the view's horizontal field of view; `what` names it in errors ("camera" when the
        view is the camera's whole picture, "view" when it is a part of it)."""
        self.view = view
        self.stages = stages
        self.rect = panel_rect(view, device, hfov)
        if self.rect.width > MAX_LAYER_SCALE * view[0] or self.rect.height > MAX_LAYER_SCALE * view[1]:
            tan_h, tan_v = (math.tan(math.radians(f) / 2) for f in device.fov)
            half = max(tan_h, tan_v * view[0] / view[1])  # the side that overflows first, as a horizontal tangent
            needed = 2 * math.degrees(math.atan(half / MAX_LAYER_SCALE))
            raise CameraTooNarrow(f"a {hfov:g}° {what} is too narrow for {device.name}'s {device.fov[0]:g}° x "
                                  f"{device.fov[1]:g}° display: its image would be {self.rect.width} x "
                                  f"{self.rect.height} px in a {view[0]} x {view[1]} view; use a {what} field of "
                                  f"view of at least {math.ceil(needed)}°")
        self._scaled = pygame.Surface(self.rect.size, depth=32)
        self._out = pygame.Surface(view, depth=32)
        self.effects = Effects(device, self.rect.size, pixels_per_degree=self.rect.width / device.fov[0])
        #: False: redo every panel-side stage each frame and add light pixel by pixel (the reference
        #: the cache is tested against, tests/test_frame_cache.py).
        self.cache = True
        self.redone = 0  # frames whose panel-side stages were redone (the rest reused them)
        self._seen: tuple[object, bytes] | None = None  # (format, bytes) of the panel the layer is from
        self._glow: pygame.Surface | None = None
        self._glow_bands: list[pygame.Rect] = []  # the glow's rows that hold light (all it adds)
        self._lit: LitBytes | None = None

    def compose(self, background: pygame.Surface, panel: pygame.Surface) -> pygame.Surface:
        """The wearer's view: `background` plus the panel's light (the returned surface is reused).

        With the "light" stage, `panel` holds light in picture units (see hud.optics) and is added
        in linear light; without it, panel pixels are added as they are.
        """
        out = self._out
        out.blit(background, (0, 0))
        layer = self._scaled
        if not self.cache:
            self._seen = None
            glow = self._panel_side(panel)
            if "light" in self.stages:
                add_light_pixels(out, layer, self.rect.topleft)
        else:
            seen = ((panel.get_size(), panel.get_bitsize(), panel.get_masks(), panel.get_pitch(),
                     pygame.transform.get_smoothscale_backend()), panel.get_buffer().raw)
            if seen != self._seen:
                self._seen = None  # a failure half-way must not leave a stale layer marked good
                self._glow = self._panel_side(panel)
                self._glow_bands = lit_bands(self._glow) if self._glow is not None else []
                self._lit = LitBytes.of(layer, self.rect.topleft, out) if "light" in self.stages else None
                self._seen = seen
            glow = self._glow
            if "light" in self.stages:
                if self._lit is None:  # pixel layouts bytes cannot address
                    add_light_pixels(out, layer, self.rect.topleft)
                else:
                    self._lit.add_to(out, ADD_FLAT)
        if "light" not in self.stages:  # display-referred pixels: saturating add
            out.blit(layer, self.rect, special_flags=pygame.BLEND_RGB_ADD)
        if glow is not None and not self.cache:
            out.blit(glow, self.rect, special_flags=pygame.BLEND_RGB_ADD)
        elif glow is not None:  # only the rows with light: adding black changes nothing
            for band in self._glow_bands:
                out.blit(glow, (self.rect.x, self.rect.y + band.y), band, special_flags=pygame.BLEND_RGB_ADD)
        return out

    def _panel_side(self, panel: pygame.Surface) -> pygame.Surface | None:
        """Scale `panel` into the layer and reshape its light (eyebox, blur, ghost); the bloom it
        casts, or None. A panel partly outside the view is cut at the view's edge when added."""
        self.redone += 1
        layer = self._scaled
        if panel.get_size() == self.rect.size:
            layer.blit(panel, (0, 0))
        elif panel.get_bitsize() == layer.get_bitsize():
            pygame.transform.smoothscale(panel, self.rect.size, layer)
        else:  # smoothscale into a buffer needs matching formats; other panels take the slow path
            layer.blit(pygame.transform.smoothscale(panel, self.rect.size), (0, 0))
        self.effects.apply(layer, self.stages)
        return self.effects.bloom(layer, self.stages)
