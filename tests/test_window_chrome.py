"""The window's chrome in the panel view: the SIMULATED badge and the status line stay off the panel.

The panel's top edge is its status bar (the clock): the badge used to be drawn over it.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from hud.app import CHROME_BAND, DemoWindow
from hud.device import load_device
from hud.pg import pygame, use_headless_drivers
from hud.session import Options, Session

use_headless_drivers()

BADGE = (170, 30, 30)


@pytest.fixture
def demo() -> Iterator[DemoWindow]:
    session = Session.open(Options(background="scene", view=(320, 180)))
    window = DemoWindow(session)
    yield window
    window.session.close()


def drawn(demo: DemoWindow, size: tuple[int, int]) -> tuple[np.ndarray, pygame.Rect]:
    window = pygame.Surface(size, depth=32)
    demo.draw(window)
    return pygame.surfarray.array3d(window).swapaxes(0, 1), demo._frame


@pytest.mark.parametrize("device", ["generic", "even-g2"])
@pytest.mark.parametrize("size", [(1280, 720), (640, 480), (700, 400), (600, 900)])
def test_nothing_is_drawn_over_the_panel_view(demo: DemoWindow, device: str, size: tuple[int, int]) -> None:
    demo.session = demo.session.rebuilt(device=load_device(device))
    demo.session.seek(16)
    demo.view = "panel"
    pixels, frame = drawn(demo, size)
    badge = np.argwhere((pixels == BADGE).all(axis=2))
    assert len(badge) > 100  # the badge is drawn...
    top = badge[:, 0].max()
    assert top < frame.y  # ...above the panel, not on its status bar
    # The panel area holds exactly the scaled panel: no badge, no status line, nothing.
    panel = pygame.transform.scale(demo.session.render("panel"), frame.size)
    assert np.array_equal(pixels[frame.top:frame.bottom, frame.left:frame.right],
                          pygame.surfarray.array3d(panel).swapaxes(0, 1))


def test_the_other_views_keep_the_badge_on_the_view(demo: DemoWindow) -> None:
    """The composite's corner is the street, not the HUD: the badge stays where it always was."""
    demo.session.seek(16)
    pixels, frame = drawn(demo, (1280, 720))
    assert frame == pygame.Rect(0, 0, 1280, 720)
    badge = np.argwhere((pixels == BADGE).all(axis=2))
    assert badge[:, 0].min() == frame.y + 8 and badge[:, 1].min() >= frame.x + 7


def test_a_window_too_short_for_bands_still_draws_the_badge(demo: DemoWindow) -> None:
    demo.view = "panel"
    pixels, frame = drawn(demo, (160, 4 * CHROME_BAND))
    assert frame.y < CHROME_BAND  # no bands: the panel fills the height, the badge goes on it
    assert (pixels == BADGE).all(axis=2).any()
