"""The test driver shares one street scene per spec across its sessions, and only scenes."""

from __future__ import annotations

import numpy as np

from hud.background import ImageBackground, StreetScene
from hud.pg import pygame
from hud.testing.pilot import Pilot, shared_source, to_array


def test_sessions_of_one_scene_spec_share_the_scene_and_its_pixels() -> None:
    first = Pilot().load(device="generic", background="scene:night", size=(160, 90))
    second = Pilot().load(device="even-g2", background="scene:night", size=(160, 90))
    assert first.session is not None and second.session is not None
    assert first.session.background is second.session.background
    assert isinstance(first.session.background, StreetScene) and first.session.background.night
    assert shared_source("scene") is not first.session.background  # day is another scene

    # A scene frame is a pure function of (t, size, fov): sharing changes no pixel.
    first.advance(16.0)
    shared = first.screenshot("composite")
    alone = StreetScene(night=True)
    own = to_array(alone.view(16.0, (160, 90), 50.0))
    assert np.array_equal(to_array(first.session.background.view(16.0, (160, 90), 50.0)), own)
    assert shared.shape == (90, 160, 3)


def test_other_sources_are_never_shared(tmp_path) -> None:
    still = pygame.Surface((32, 18), depth=24)
    still.fill((10, 20, 30))
    pygame.image.save(still, str(tmp_path / "still.png"))
    a, b = shared_source(str(tmp_path / "still.png")), shared_source(str(tmp_path / "still.png"))
    assert isinstance(a, ImageBackground) and a is not b
