"""A folder of frames as the background: name order (numbers as numbers), the frame at t depends
only on t, it loops, specs `DIR/` and `DIR/@FPS`, and bad folders name what is wrong."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image

from hud.pg import use_headless_drivers

use_headless_drivers()

from hud.background import (  # noqa: E402
    SPEC_HELP,
    BackgroundError,
    SequenceBackground,
    open_background,
)
from hud.background.sequence import parse_sequence_spec  # noqa: E402
from hud.pg import pygame  # noqa: E402

COUNT = 12


def colour(i: int) -> tuple[int, int, int]:
    return (10 + 20 * i, 200 - 15 * i, (37 * i) % 256)


@pytest.fixture
def frames(tmp_path: Path) -> Path:
    """frame1.png .. frame12.png (so plain string order would put frame10 before frame2), frame i
    flat `colour(i - 1)`; every third one twice the size, to be covered the same."""
    folder = tmp_path / "walk"
    folder.mkdir()
    for i in range(COUNT):
        size = (64, 48) if i % 3 else (128, 96)
        Image.new("RGB", size, colour(i)).save(folder / f"frame{i + 1}.png")
    (folder / "notes.txt").write_text("not a frame")
    return folder


def shown(surface: pygame.Surface) -> int:
    """The index of the frame `surface` shows, from its colour."""
    red = surface.get_at((surface.get_width() // 2, surface.get_height() // 2))[0]
    return round((red - 10) / 20)


def pixels(surface: pygame.Surface) -> bytes:
    return pygame.image.tobytes(surface, "RGB")


def test_frames_play_in_name_order_at_the_given_rate(frames: Path) -> None:
    source = SequenceBackground(frames, fps=6)
    assert [p.name for p in source.files][:3] == ["frame1.png", "frame2.png", "frame3.png"]
    assert source.frame_count == COUNT and source.duration == 2.0
    for i in range(COUNT):
        assert shown(source.frame(i / 6, (32, 24))) == i, i
        assert shown(source.frame(i / 6 + 0.08, (32, 24))) == i, i  # halfway to the next
        assert shown(source.frame((i + 1) / 6, (32, 24))) == (i + 1) % COUNT, i


def test_it_loops_and_jumping_gives_the_same_pixels_as_playing(frames: Path) -> None:
    playing = SequenceBackground(frames, fps=6)
    expected = [pixels(playing.frame(i / 6, (40, 30))) for i in range(COUNT)]
    jumping = SequenceBackground(frames, fps=6, cache=2)
    for i in random.Random(2).choices(range(4 * COUNT), k=60):
        assert pixels(jumping.frame(i / 6, (40, 30))) == expected[i % COUNT], i


def test_frames_follow_the_contract_and_are_cached(frames: Path) -> None:
    source = SequenceBackground(frames)
    frame = source.frame(0.0, (50, 20))
    assert frame.get_size() == (50, 20) and frame.get_bitsize() == 32
    assert source.frame(0.01, (50, 20)) is frame
    assert source.label == "frames walk/ (12 at 30 fps)"
    for i in range(40):
        source.frame(i / 30, (50, 20))
    assert len(source._frames) <= 8  # a small LRU, not every frame ever shown


def test_a_bigger_frame_is_covered_not_stretched(tmp_path: Path) -> None:
    folder = tmp_path / "wide"
    folder.mkdir()
    image = Image.new("RGB", (300, 100), (0, 200, 0))
    image.paste((200, 0, 0), (0, 0, 50, 100))  # a red left band: cropped away in a square frame
    image.save(folder / "0001.png")
    frame = SequenceBackground(folder).frame(0.0, (50, 50))
    assert frame.get_at((0, 25))[:3] == (0, 200, 0)


def test_jpeg_frames_are_read_too(tmp_path: Path) -> None:
    folder = tmp_path / "jpegs"
    folder.mkdir()
    for i, name in enumerate(["a.jpg", "b.JPEG", "c.png"]):
        Image.new("RGB", (16, 16), colour(i)).save(folder / name, format="PNG" if name.endswith("png") else "JPEG")
    assert [shown(SequenceBackground(folder).frame(i / 30, (16, 16))) for i in range(3)] == [0, 1, 2]


def test_specs_name_a_folder_and_optionally_a_rate(frames: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_sequence_spec(str(frames)) == (frames, 30.0)
    assert parse_sequence_spec(f"{frames}/") == (frames, 30.0)
    assert parse_sequence_spec(f"{frames}/@24") == (frames, 24.0)
    assert parse_sequence_spec(f"{frames}/@12.5") == (frames, 12.5)
    assert parse_sequence_spec("scene") is None
    monkeypatch.chdir(frames.parent)
    source = open_background("walk/@24")
    assert isinstance(source, SequenceBackground) and source.fps == 24.0
    assert isinstance(open_background("walk/"), SequenceBackground)


def test_a_missing_folder_with_a_rate_is_reported_as_missing(tmp_path: Path) -> None:
    with pytest.raises(BackgroundError, match=r"frame folder '.*nowhere' not found"):
        open_background(f"{tmp_path / 'nowhere'}/@24")


def test_a_missing_folder_without_a_rate_is_an_unknown_spec(tmp_path: Path) -> None:
    with pytest.raises(BackgroundError, match="unknown background spec") as caught:
        open_background(str(tmp_path / "nowhere"))
    assert SPEC_HELP in str(caught.value)
    assert "DIR/@FPS" in SPEC_HELP and ".mp4" in SPEC_HELP


def test_an_empty_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("no frames here")
    with pytest.raises(BackgroundError) as caught:
        SequenceBackground(tmp_path)
    assert str(caught.value) == f"frame folder {str(tmp_path)!r} has no PNG or JPEG files"


def test_unreadable_frames_are_all_named_at_once(frames: Path) -> None:
    (frames / "frame5.png").write_bytes(b"garbage")
    (frames / "frame9.png").write_bytes(b"")
    with pytest.raises(BackgroundError) as caught:
        SequenceBackground(frames)
    message = str(caught.value)
    assert message.startswith(f"frame folder {str(frames)!r}: cannot read frame5.png (not an image)")
    assert "frame9.png" in message


@pytest.mark.parametrize("fps", [0, -1, float("nan"), float("inf")])
def test_the_rate_must_be_positive(frames: Path, fps: float) -> None:
    with pytest.raises(BackgroundError, match=r"frame rate of .* must be a positive number"):
        SequenceBackground(frames, fps)
