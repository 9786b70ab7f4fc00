"""A still image as the background: upright, scaled to cover, cropped evenly, errors that name the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from hud.pg import use_headless_drivers

use_headless_drivers()

from hud.background import BackgroundError, ImageBackground  # noqa: E402

RED, GREEN, BLUE = (220, 30, 30), (30, 200, 60), (30, 60, 220)


def _bands(path: Path, size: tuple[int, int] = (400, 200), vertical: bool = True) -> Path:
    """An image in three bands: red | green | blue, left to right (or top to bottom), the outer
    bands a fifth of the image each."""
    w, h = size
    image = Image.new("RGB", size, GREEN)
    if vertical:
        image.paste(RED, (0, 0, w // 5, h))
        image.paste(BLUE, (w - w // 5, 0, w, h))
    else:
        image.paste(RED, (0, 0, w, h // 5))
        image.paste(BLUE, (0, h - h // 5, w, h))
    image.save(path)
    return path


def _near(a: tuple[int, ...], b: tuple[int, int, int], tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a[:3], b, strict=True))


def test_a_square_frame_from_a_wide_image_keeps_the_centre(tmp_path: Path) -> None:
    source = ImageBackground(_bands(tmp_path / "wide.png"))  # 400x200: the centre 200x200 is green
    frame = source.frame(0.0, (100, 100))
    assert frame.get_size() == (100, 100)
    for point in [(0, 0), (99, 0), (0, 99), (99, 99), (50, 50)]:
        assert _near(frame.get_at(point), GREEN), point


def test_a_wide_frame_from_a_tall_image_crops_top_and_bottom(tmp_path: Path) -> None:
    source = ImageBackground(_bands(tmp_path / "tall.png", (200, 400), vertical=False))
    frame = source.frame(0.0, (400, 200))  # scale 2, then only the middle 100 rows of the source show
    for point in [(0, 0), (399, 0), (0, 199), (200, 100)]:
        assert _near(frame.get_at(point), GREEN), point


def test_the_same_aspect_shows_everything(tmp_path: Path) -> None:
    source = ImageBackground(_bands(tmp_path / "wide.png"))
    frame = source.frame(0.0, (200, 100))
    assert _near(frame.get_at((2, 50)), RED)
    assert _near(frame.get_at((100, 50)), GREEN)
    assert _near(frame.get_at((197, 50)), BLUE)


def test_frames_are_prepared_once_per_size(tmp_path: Path) -> None:
    source = ImageBackground(_bands(tmp_path / "wide.png"))
    first = source.frame(0.0, (100, 100))
    assert source.frame(5.0, (100, 100)) is first
    assert source.frame(5.0, (120, 100)) is not first


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    _bands(tmp_path / "raw.png", (200, 100)).rename(path.with_suffix(".png"))
    Image.open(path.with_suffix(".png")).save(path, exif=exif, quality=95)
    source = ImageBackground(path)
    assert source.image_size == (100, 200)
    frame = source.frame(0.0, (100, 200))
    assert _near(frame.get_at((50, 5)), RED, 30)  # the left band is on top once upright
    assert _near(frame.get_at((50, 195)), BLUE, 30)


def test_a_missing_image_names_every_path_searched(tmp_path: Path) -> None:
    missing = tmp_path / "gone.jpg"
    with pytest.raises(BackgroundError) as caught:
        ImageBackground(missing)
    message = str(caught.value)
    assert str(missing) in message and "not found" in message


def test_an_unreadable_image_names_the_path_and_the_reason(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"this is not a PNG at all")
    with pytest.raises(BackgroundError) as caught:
        ImageBackground(garbage)
    message = str(caught.value)
    assert str(garbage) in message and "could not be read" in message


def test_a_truncated_jpeg_names_the_path(tmp_path: Path) -> None:
    whole, cut = tmp_path / "whole.jpg", tmp_path / "cut.jpg"
    Image.new("RGB", (300, 200), GREEN).save(whole)
    cut.write_bytes(whole.read_bytes()[:400])
    with pytest.raises(BackgroundError, match=r"cut\.jpg"):
        ImageBackground(cut)


def test_label_names_the_file(tmp_path: Path) -> None:
    assert ImageBackground(_bands(tmp_path / "cafe.png")).label == "image cafe.png"


def test_a_view_is_resampled_only_when_its_arguments_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from hud.pg import pygame, use_exact_scaling

    rng = np.random.default_rng(3)
    path = tmp_path / "noise.png"
    Image.fromarray(rng.integers(0, 255, (300, 500, 3), dtype=np.uint8)).save(path)
    from hud.background.base import BackgroundSource

    kept = ImageBackground(path)
    calls = []
    real = BackgroundSource._view  # where a view is made (`view` keeps its last one)
    monkeypatch.setattr(BackgroundSource, "_view", lambda self, *a: calls.append(a) or real(self, *a))
    steps = [((320, 180), 50.0, True), ((320, 180), 50.0, True), ((320, 180), 40.0, True), ((320, 180), 50.0, True),
             ((200, 150), 50.0, True), ((320, 180), 50.0, False), ((320, 180), 50.0, False), ((320, 180), 50.0, True)]
    try:
        for t, (size, hfov, exact) in enumerate(steps):
            use_exact_scaling(exact)
            got = pygame.image.tobytes(kept.view(float(t), size, hfov), "RGB")
            fresh = pygame.image.tobytes(ImageBackground(path).view(0.0, size, hfov), "RGB")
            assert got == fresh, (size, hfov, exact)  # the kept view is what a new source would show
    finally:
        use_exact_scaling(True)
    resampled_by_kept = len(calls) - len(steps)  # each fresh source makes its view once
    assert resampled_by_kept == len(steps) - 2  # steps 1 and 6 repeat the one before: kept, not redone
