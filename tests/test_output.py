from __future__ import annotations

import pytest

from hud.output import fit, load_png, parse_size, save_png
from hud.pg import pygame


def test_png_round_trip(tmp_path) -> None:
    s = pygame.Surface((7, 5), depth=24)
    s.fill((10, 200, 30))
    s.set_at((3, 2), (255, 0, 9))
    path = save_png(s, tmp_path / "sub" / "a.png")
    back = load_png(path)
    assert pygame.image.tobytes(back, "RGB") == pygame.image.tobytes(s, "RGB")


def test_fit_letterboxes() -> None:
    assert fit((1280, 720), (1280, 720)) == pygame.Rect(0, 0, 1280, 720)
    assert fit((1280, 720), (800, 800)) == pygame.Rect(0, 175, 800, 450)


def test_parse_size() -> None:
    assert parse_size("640x480") == (640, 480)
    with pytest.raises(ValueError, match="WIDTHxHEIGHT"):
        parse_size("big")
