from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, JpegImagePlugin

from hud.output import JPEG_QUALITY, fit, load_png, parse_size, save_image, save_png
from hud.pg import pygame


def test_png_round_trip(tmp_path: Path) -> None:
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


# --- JPEG for .jpg/.jpeg, a clear refusal for anything else ----------------------------------


def _frame() -> pygame.Surface:
    s = pygame.Surface((32, 16), depth=24)
    s.fill((0, 0, 0))
    pygame.draw.rect(s, (60, 250, 68), (4, 4, 20, 6))
    return s


@pytest.mark.parametrize(("name", "fmt"), [("a.png", "PNG"), ("a.jpg", "JPEG"), ("a.jpeg", "JPEG"),
                                           ("A.JPG", "JPEG"), ("sub/a.PNG", "PNG")])
def test_save_image_writes_the_format_the_extension_names(tmp_path: Path, name: str, fmt: str) -> None:
    path = save_image(_frame(), tmp_path / name)
    with Image.open(path) as image:
        assert image.format == fmt
        assert image.size == (32, 16) and image.mode == "RGB"
        if fmt == "JPEG":  # the fixed settings: quality 92 and no chroma subsampling (4:4:4)
            assert JpegImagePlugin.get_sampling(image) == 0
            pixel = image.getpixel((10, 6))
            assert isinstance(pixel, tuple) and abs(pixel[1] - 250) <= 6


def test_jpeg_output_is_deterministic(tmp_path: Path) -> None:
    one, two = save_image(_frame(), tmp_path / "1.jpg"), save_image(_frame(), tmp_path / "2.jpg")
    assert one.read_bytes() == two.read_bytes()
    assert JPEG_QUALITY == 92


@pytest.mark.parametrize("name", ["a.bmp", "a.webp", "a", "a.png.txt"])
def test_other_extensions_are_refused_with_the_supported_ones(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match=r"extension must be one of \.png, \.jpg, \.jpeg \(PNG or JPEG\)"):
        save_image(_frame(), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_shot_out_jpg_writes_jpeg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hud.cli import main

    out = tmp_path / "shot.jpg"
    assert main(["shot", "--at", "16", "--out", str(out), "--view", "panel"]) == 0
    with Image.open(out) as image:
        assert image.format == "JPEG" and image.size == (640, 480)
    assert main(["shot", "--at", "16", "--out", str(tmp_path / "shot.bmp")]) != 0
    assert ".png, .jpg, .jpeg" in capsys.readouterr().err
    assert not (tmp_path / "shot.bmp").exists()


def test_headless_out_refuses_a_bad_extension_before_rendering(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from hud.cli import main

    assert main(["--headless", "--seconds", "600", "--out", str(tmp_path / "last.gif")]) != 0
    assert "extension must be one of" in capsys.readouterr().err
