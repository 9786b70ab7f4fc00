"""The compositor: places the panel in the wearer's view and adds its light to the scene.

Additive, like a waveguide: black is transparent, light adds to the background and saturates
at white, and nothing is ever darkened. The panel covers the share of the camera picture that
the display's field of view covers (rectilinear camera model: sizes scale with tan(fov / 2)).
"""

from __future__ import annotations

import math

from hud.device import Device
from hud.pg import pygame

DEFAULT_CAMERA_HFOV = 70.0


def panel_rect(view: tuple[int, int], device: Device, camera_hfov: float = DEFAULT_CAMERA_HFOV) -> pygame.Rect:
    """Where the display's virtual image falls in a view of `view` pixels from a camera of `camera_hfov`."""
    vw, vh = view
    focal = (vw / 2) / math.tan(math.radians(camera_hfov) / 2)  # pixels per unit of tan(angle)
    w = 2 * focal * math.tan(math.radians(device.fov[0]) / 2)
    h = 2 * focal * math.tan(math.radians(device.fov[1]) / 2)
    cx = vw / 2 + focal * math.tan(math.radians(device.position[0]))
    cy = vh / 2 + focal * math.tan(math.radians(device.position[1]))
    return pygame.Rect(round(cx - w / 2), round(cy - h / 2), round(w), round(h))


class Compositor:
    """Holds the scaled-panel buffer between frames; `compose` is a function of its inputs."""

    def __init__(self, device: Device, view: tuple[int, int], camera_hfov: float = DEFAULT_CAMERA_HFOV) -> None:
        self.view = view
        self.rect = panel_rect(view, device, camera_hfov)
        self._scaled = pygame.Surface(self.rect.size, depth=32)
        self._out = pygame.Surface(view, depth=32)

    def compose(self, background: pygame.Surface, panel: pygame.Surface) -> pygame.Surface:
        """The wearer's view: `background` plus the panel's light (the returned surface is reused)."""
        out = self._out
        out.blit(background, (0, 0))
        if panel.get_size() == self.rect.size:
            out.blit(panel, self.rect, special_flags=pygame.BLEND_RGB_ADD)
        elif panel.get_bitsize() == self._scaled.get_bitsize():
            pygame.transform.smoothscale(panel, self.rect.size, self._scaled)
            out.blit(self._scaled, self.rect, special_flags=pygame.BLEND_RGB_ADD)
        else:  # smoothscale into a buffer needs matching formats; other panels take the slow path
            out.blit(pygame.transform.smoothscale(panel, self.rect.size), self.rect,
                     special_flags=pygame.BLEND_RGB_ADD)
        return out
