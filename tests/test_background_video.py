"""A video file as the background: the frame at t depends only on t (however the clock got there),
it loops, it covers the frame, bad files and a missing PyAV say exactly what is wrong."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

from hud.pg import use_headless_drivers

use_headless_drivers()

from hud.background import BackgroundError, VideoBackground, VideoSupportMissing, open_background  # noqa: E402
from hud.pg import pygame  # noqa: E402

FPS, COUNT, SIZE = 10, 20, (64, 48)


def level(i: int) -> int:
    """Frame i's grey level: 12 apart, so compression and YUV rounding cannot confuse two frames."""
    return 10 + 12 * i


def write_video(path: Path, codec: str = "libx264", count: int = COUNT, gop: int = 5) -> Path:
    """A 64x48 clip at 10 fps whose frame i is flat grey `level(i)`, with a keyframe every `gop`
    frames and B-frames (so seeking and reordered timestamps are exercised)."""
    av = pytest.importorskip("av")
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=FPS)
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        stream.codec_context.gop_size = gop
        for i in range(count):
            picture = np.full((SIZE[1], SIZE[0], 3), level(i), np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode(None))
    return path


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_video(tmp_path / "clip.mp4")


def shown(surface: pygame.Surface) -> int:
    """The index of the frame `surface` shows, from its grey level."""
    value = surface.get_at((surface.get_width() // 2, surface.get_height() // 2))[1]
    return round((value - 10) / 12)


def pixels(surface: pygame.Surface) -> bytes:
    return pygame.image.tobytes(surface, "RGB")


@pytest.mark.parametrize("suffix", [".mp4", ".mov", ".mkv", ".avi"])
def test_each_clock_time_shows_floor_t_times_fps(tmp_path: Path, suffix: str) -> None:
    source = VideoBackground(write_video(tmp_path / f"clip{suffix}"))
    assert (source.fps, source.frame_count, source.size) == (FPS, COUNT, SIZE)
    for i in range(COUNT):
        assert shown(source.frame(i / FPS, SIZE)) == i, i
        assert shown(source.frame(i / FPS + 0.05, SIZE)) == i, i  # halfway to the next frame
        assert shown(source.frame((i + 1) / FPS, SIZE)) == (i + 1) % COUNT, i


def test_it_loops(clip: Path) -> None:
    source = VideoBackground(clip)
    assert source.duration == 2.0
    first_pass = [pixels(source.frame(i / FPS, SIZE)) for i in range(COUNT)]
    for lap in (1, 2, 7):
        for i in (0, 1, 13, 19):
            assert pixels(source.frame(lap * 2.0 + i / FPS, SIZE)) == first_pass[i], (lap, i)


@pytest.mark.parametrize("suffix", [".mp4", ".mkv", ".avi"])
def test_the_same_t_gives_the_same_pixels_from_two_sources_and_after_jumping(tmp_path: Path, suffix: str) -> None:
    clip = write_video(tmp_path / f"clip{suffix}")
    sequential = VideoBackground(clip)
    expected = [pixels(sequential.frame(i / FPS, SIZE)) for i in range(COUNT)]
    jumping = VideoBackground(clip)
    order = random.Random(4).choices(range(3 * COUNT), k=80)  # forward, back, across the loop
    for i in [19, 0, 7, 6, 12, 11, 3, 18, *order]:
        assert pixels(jumping.frame(i / FPS, SIZE)) == expected[i % COUNT], i


def test_a_scaled_frame_is_the_same_whichever_way_the_clock_came(clip: Path) -> None:
    a, b = VideoBackground(clip), VideoBackground(clip)
    for i in range(COUNT):
        a.frame(i / FPS, (40, 40))
    for t in (1.3, 0.2, 1.3, 1.9):
        assert pixels(a.frame(t, (40, 40))) == pixels(b.frame(t, (40, 40)))


def test_frames_follow_the_contract(clip: Path) -> None:
    source = VideoBackground(clip)
    frame = source.frame(0.0, (32, 32))
    assert frame.get_size() == (32, 32) and frame.get_bitsize() == 32
    assert source.frame(0.05, (32, 32)) is frame  # the same video frame: kept, not scaled again
    assert source.frame(0.0, (100, 50)).get_size() == (100, 50)
    assert source.label == "video clip.mp4"
    assert source.exposure_nits == 1000.0


def test_a_frame_of_another_shape_is_covered_not_stretched(tmp_path: Path) -> None:
    av = pytest.importorskip("av")
    path = tmp_path / "bands.mp4"
    picture = np.zeros((48, 96, 3), np.uint8)
    picture[:, :24], picture[:, 24:72], picture[:, 72:] = (220, 30, 30), (30, 200, 60), (30, 60, 220)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 96, 48, "yuv420p"
        container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode(None))
    source = VideoBackground(path)
    square = source.frame(0.0, (48, 48))  # only the green middle half is kept
    for point in [(0, 0), (47, 0), (0, 47), (47, 47)]:
        red, green, _, _ = square.get_at(point)
        assert green > 150 and red < 80, point
    wide = source.frame(0.0, (192, 48))  # twice as wide: the whole width, the middle rows
    assert wide.get_at((4, 24))[0] > 150 and wide.get_at((187, 24))[2] > 150
    assert source.frame(0.0, (33, 21)).get_size() == (33, 21)  # odd sizes: padded rows from swscale


def test_a_covered_frame_is_the_centre_of_the_frame_converted_at_cover_size(tmp_path: Path) -> None:
    """The crop is taken from the converted array, not from a cover-sized surface, and the swscale
    contexts kept per size (2 or 3 threads) give what a new one-thread context gives, frame after frame."""
    av = pytest.importorskip("av")
    path = tmp_path / "noise.mp4"
    rng = np.random.default_rng(1)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 96, 48, "yuv420p"
        for _ in range(3):
            picture = rng.integers(0, 256, (48, 96, 3), np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode(None))
    source = VideoBackground(path)
    for index in range(3):
        for size, cover in [((48, 48), (96, 48)), ((99, 49), (99, 50)), ((33, 21), (42, 21)), ((96, 48), (96, 48))]:
            shown_now = pixels(source.frame(index / FPS, size))
            whole = source._decoded.to_ndarray(format="rgb24", width=cover[0], height=cover[1],
                                               interpolation=source._interpolation, threads=1)
            left, top = (cover[0] - size[0]) // 2, (cover[1] - size[1]) // 2
            assert shown_now == np.ascontiguousarray(whole[top:top + size[1], left:left + size[0]]).tobytes(), size


def test_stop_releases_the_file_and_a_later_frame_opens_it_again(clip: Path) -> None:
    source = VideoBackground(clip)
    expected = pixels(source.frame(1.2, SIZE))
    source.stop()
    source.stop()  # safe twice
    assert pixels(source.frame(1.2, SIZE)) == expected
    with source:
        assert shown(source.frame(0.4, SIZE)) == 4


def write_noise(path: Path, count: int, size: tuple[int, int] = (96, 48)) -> Path:
    """A clip of `count` frames of fixed-seed noise: any two pictures, or conversions, differ."""
    av = pytest.importorskip("av")
    rng = np.random.default_rng(1)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = *size, "yuv420p"
        stream.codec_context.gop_size = 5
        for _ in range(count):
            picture = rng.integers(0, 256, (size[1], size[0], 3), np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode(None))
    return path


def test_playing_on_decodes_the_next_picture_ahead_and_shows_the_same_pixels(tmp_path: Path) -> None:
    path = write_noise(tmp_path / "noise.mp4", COUNT)
    ahead, now = VideoBackground(path), VideoBackground(path, ahead=False)
    times = [i / (2 * FPS) for i in range(3 * COUNT)]  # a clock at twice the video's rate, past the loop
    times += [1.0, 0.3, 0.4, 0.5, 0.7, 1.9, 2.0, 2.1, 2.2]  # jumps back and forward, steps of two
    for t in times:
        for size in [(100, 50), (64, 36), (33, 21)]:  # a view's render, the light meter's, odd
            assert pixels(ahead.frame(t, size)) == pixels(now.frame(t, size)), (t, size)
    assert ahead.adopted > COUNT and now.adopted == 0


@pytest.mark.parametrize("hfovs", [(70.0,), (50.0,), (70.0, 50.0)])  # the frame itself, a cut, both in turn
def test_frames_drawn_ahead_swap_with_the_shown_ones_and_a_step_back_shows_the_right_picture(
        tmp_path: Path, hfovs: tuple[float, ...]) -> None:
    path = write_noise(tmp_path / "noise.mp4", COUNT)
    ahead, now = VideoBackground(path), VideoBackground(path, ahead=False)
    try:
        for t in [i / FPS for i in range(6)] + [0.3, 0.4, 0.3, 0.4, 0.5, 0.2, 0.3, 0.4]:
            for hfov in hfovs:
                got = ahead.view(t, (80, 40), hfov)
                now._kept_view = None
                assert pixels(got) == pixels(now.view(t, (80, 40), hfov)), (t, hfov)
            assert pixels(ahead.frame(t, (64, 36))) == pixels(now.frame(t, (64, 36))), t
        assert ahead.adopted == 6  # 0.2 to 0.5 played on, then 0.5 and 0.4 each a step after a step back
        for t in (0.6, 0.7):
            ahead.frame(t, (64, 36))
            ahead.view(t, (80, 40), hfovs[0])
        ahead.frame(0.8, (64, 36))  # picture 8, drawn ahead: the frame 0.7's view was in is the worker's now
        now._kept_view = None
        assert pixels(ahead.view(0.7, (80, 40), hfovs[0])) == pixels(now.view(0.7, (80, 40), hfovs[0]))
    finally:
        ahead.stop()


def test_only_playing_on_decodes_ahead_not_a_jump(clip: Path) -> None:
    source = VideoBackground(clip)
    source.frame(0.0, SIZE)
    source.frame(0.5, SIZE)  # five frames on: a shot's jump, nothing decoded ahead
    assert source._pending is None
    source.frame(0.7, SIZE)  # two on: a clock at half the video's rate
    assert source._pending is not None
    source.stop()


def test_a_picture_the_worker_failed_on_is_decoded_when_asked(clip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = VideoBackground(clip)
    source.frame(0.0, SIZE)

    def fail(index: int, sizes: object) -> None:
        raise BackgroundError("cannot read video: broken")

    monkeypatch.setattr(source, "_decode_ahead", fail)
    assert shown(source.frame(0.1, SIZE)) == 1  # playing on: frame 2 goes to the worker, which fails
    monkeypatch.undo()
    assert shown(source.frame(0.2, SIZE)) == 2 and source.adopted == 0
    assert shown(source.frame(0.3, SIZE)) == 3 and source.adopted == 1


def test_stop_waits_for_the_worker_and_playing_on_afterwards_shows_the_right_frames(clip: Path) -> None:
    source = VideoBackground(clip)
    for i in range(3):
        source.frame(i / FPS, SIZE)  # a worker is decoding frame 3
    source.stop()
    assert source._pending is None and source._worker is None
    for i in range(3, 8):
        assert shown(source.frame(i / FPS, SIZE)) == i


def test_a_view_is_kept_while_its_picture_and_inputs_stay_and_redone_when_any_changes(tmp_path: Path) -> None:
    from hud.pg import use_exact_scaling

    path = write_noise(tmp_path / "noise.mp4", 4)
    kept, fresh = VideoBackground(path), VideoBackground(path, ahead=False)

    def same(t: float, size: tuple[int, int], hfov: float) -> pygame.Surface:
        got = kept.view(t, size, hfov)
        fresh._kept_view = None  # the reference scales every time
        assert pixels(got) == pixels(fresh.view(t, size, hfov)), (t, size, hfov)
        return got

    first = same(0.0, (80, 40), 50.0)
    assert same(0.05, (80, 40), 50.0) is first  # the same picture: kept, not scaled again
    same(0.1, (80, 40), 50.0)  # the next picture
    same(0.1, (80, 40), 40.0)  # another field of view, into the same buffer
    same(0.1, (80, 40), 50.0)
    same(0.1, (80, 40), 70.0)  # the camera's whole picture: the frame itself
    kept.frame(0.3, (80, 40))  # another picture written into that frame
    same(0.1, (80, 40), 70.0)
    kept.camera_hfov = fresh.camera_hfov = 60.0
    same(0.1, (80, 40), 50.0)
    use_exact_scaling(False)
    try:
        same(0.1, (80, 40), 50.0)  # the window's smoothscale rounds differently
    finally:
        use_exact_scaling(True)
    same(0.1, (80, 40), 50.0)


def test_open_background_routes_video_suffixes(tmp_path: Path) -> None:
    path = write_video(tmp_path / "Walk.MOV")
    source = open_background(str(path))
    assert isinstance(source, VideoBackground)
    assert source.label == "video Walk.MOV"
    source.stop()


def test_a_missing_file_names_the_path(tmp_path: Path) -> None:
    pytest.importorskip("av")
    with pytest.raises(BackgroundError, match=r"cannot open video '.*nowhere\.mp4': file .* not found") as caught:
        open_background(str(tmp_path / "nowhere.mp4"))
    assert str(tmp_path / "nowhere.mp4") in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"this is not a video at all" * 40])
def test_a_garbage_file_says_why_it_cannot_be_opened(tmp_path: Path, content: bytes) -> None:
    pytest.importorskip("av")
    path = tmp_path / "broken.mp4"
    path.write_bytes(content)
    with pytest.raises(BackgroundError) as caught:
        VideoBackground(path)
    message = str(caught.value)
    assert message.startswith(f"cannot open video {str(path)!r}: ")
    assert "Invalid data" in message or "End of file" in message, message


def test_a_truncated_file_is_refused_with_the_reason(clip: Path, tmp_path: Path) -> None:
    path = tmp_path / "truncated.mp4"
    path.write_bytes(clip.read_bytes()[:200])  # the header promises frames that are not there
    with pytest.raises(BackgroundError, match=r"^cannot open video '.*truncated\.mp4': "):
        VideoBackground(path)


def _without_pyav(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "av", None)  # `import av` now raises ImportError


def test_without_pyav_a_video_spec_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _without_pyav(monkeypatch)
    with pytest.raises(VideoSupportMissing) as caught:
        open_background(str(tmp_path / "walk.mp4"))
    assert str(caught.value) == (
        "video backgrounds need PyAV, which is not installed; add it with: pip install -e '.[video]'"
    )
    assert isinstance(caught.value, BackgroundError)


def test_the_bench_reports_every_stage_and_the_60_fps_verdict(tmp_path: Path) -> None:
    pytest.importorskip("av")
    from hud.background.video_bench import run_video_bench, write_test_video

    path = write_test_video(tmp_path / "bench.mp4", size=(128, 72), seconds=1.0, fps=10)
    report = run_video_bench(path, frames=3)
    for stage in ("memory copy", "video decode", "frame(t) @60fps", "panel render", "optics+composite",
                  "whole @60fps", "whole, new video", "whole, new, on call", "whole (exact)"):
        assert f"\n{stage} " in report, stage
    assert "60 fps: a whole frame with a new video frame takes" in report
    assert "bench.mp4 (128x72, 10 fps, 10 frames)" in report
    assert "goal: a whole 1280x720 frame with a new video frame under 8 ms: " in report
