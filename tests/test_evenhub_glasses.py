"""The glasses screenshot: the panel's light as the simulator's green RGBA PNG, exact to the panel's levels."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image

from hud import events as ev
from hud import paths
from hud.evenhub.glasses import glasses_light, glasses_png, light_table, rgb_png, surface_rgb
from hud.panel import quantise
from hud.pg import pygame
from hud.session import Options, Session


@pytest.fixture(scope="module")
def session() -> Iterator[Session]:
    s = Session.open(Options(scenario=paths.SCENARIOS / "empty.yaml", device="even-g2", background="scene",
                             view=(320, 180)))
    s.push(ev.ShowCard(layout="text_wall", text="Turn left in 200 m"))
    yield s
    s.close()


def test_every_palette_colour_reads_back_as_its_quantised_level(session: Session) -> None:
    panel = session.panel
    channel, table = light_table(panel)
    assert channel == 1  # #3CFA44: green is the brightest channel
    for index, colour in enumerate(panel.palette):
        assert table[colour[channel]] == quantise(index, panel.levels)
    assert table[panel.palette[255][channel]] == 255 and table[0] == 0


def test_the_light_is_where_the_panel_is_lit_in_16_levels(session: Session) -> None:
    surface = session.render_panel()
    light = np.frombuffer(glasses_light(surface, session.panel), np.uint8).reshape(288, 576)
    green = pygame.surfarray.array3d(surface)[:, :, 1].T
    assert ((light > 0) == (green > 0)).all() and light.max() == 255 and (light > 0).sum() > 200
    assert set(np.unique(light).tolist()) <= {17 * k for k in range(16)}


def test_the_png_is_the_simulators_form(session: Session) -> None:
    light = glasses_light(session.render_panel(), session.panel)
    image = Image.open(io.BytesIO(glasses_png(light, (576, 288))))
    assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (576, 288))
    pixels = np.asarray(image)
    assert (pixels[:, :, 0] == 0).all() and (pixels[:, :, 1] == 255).all() and (pixels[:, :, 2] == 0).all()
    assert pixels[:, :, 3].tobytes() == light


def test_a_colour_display_reads_light_from_its_theme_hue() -> None:
    s = Session.open(Options(scenario=paths.SCENARIOS / "empty.yaml", device="meta-rayban-display",
                             background="scene", view=(320, 180)))
    try:
        s.push(ev.ShowCard(layout="text_wall", text="Hello"))
        surface = s.render_panel()
        light = glasses_light(surface, s.panel)
        assert len(light) == s.device.panel[0] * s.device.panel[1] and max(light) == 255
    finally:
        s.close()


def test_hud_views_encode_as_rgb_pngs(session: Session) -> None:
    data, size = surface_rgb(session.render_panel())
    image = Image.open(io.BytesIO(rgb_png(data, size)))
    assert (image.mode, image.size) == ("RGB", (576, 288))
