"""`record`: a session on its virtual clock into GIF, APNG and MP4 files with the right number of
frames, size and timing; the same session gives the same GIF; every refusal says what to do."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image

from hud.pg import use_headless_drivers

use_headless_drivers()

from hud import record as rec  # noqa: E402
from hud.background import VideoSupportMissing  # noqa: E402
from hud.output import to_image  # noqa: E402
from hud.record import frame_count, record, text_progress  # noqa: E402
from hud.session import Options, Session  # noqa: E402

VIEW = (160, 90)


@pytest.fixture
def session() -> Session:
    return Session.open(Options(scenario="empty.yaml", background="scene", view=VIEW))


def durations(path: Path) -> list[int]:
    with Image.open(path) as image:
        out = []
        for i in range(image.n_frames):
            image.seek(i)
            out.append(image.info["duration"])
        return out


@pytest.mark.parametrize("name", ["walk.gif", "walk.png"])
def test_an_animation_has_one_frame_per_tick_at_the_view_size(session: Session, tmp_path: Path, name: str) -> None:
    out = record(session, 1.5, 10, tmp_path / "sub" / name)
    assert out == tmp_path / "sub" / name
    with Image.open(out) as image:
        assert image.format == ("GIF" if name.endswith("gif") else "PNG")
        assert (image.n_frames, image.size, image.is_animated) == (15, VIEW, True)
    assert durations(out) == [100] * 15


def test_gif_delays_add_up_to_the_recorded_time(session: Session, tmp_path: Path) -> None:
    out = record(session, 1.0, 30, tmp_path / "walk.gif")
    assert sorted(set(durations(out))) == [30, 40]  # hundredths of a second, spread evenly
    assert sum(durations(out)) == 1000


def test_the_same_session_gives_the_same_gif(tmp_path: Path) -> None:
    files = []
    for name in ("a.gif", "b.gif"):
        session = Session.open(Options(scenario="empty.yaml", background="scene", view=VIEW))
        files.append(record(session, 0.5, 10, tmp_path / name).read_bytes())
    assert files[0] == files[1]


def test_frame_i_is_the_composite_at_i_over_fps(session: Session, tmp_path: Path) -> None:
    out = record(session, 0.3, 10, tmp_path / "walk.png")
    with Image.open(out) as image:
        image.seek(2)
        recorded = image.convert("RGB").tobytes()
    session.seek(0.2)
    assert to_image(session.render_composite()).tobytes() == recorded


def test_mp4_has_every_frame_in_yuv420p(session: Session, tmp_path: Path) -> None:
    av = pytest.importorskip("av")
    out = record(session, 2.0, 10, tmp_path / "walk.mp4")
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        decoded = list(container.decode(stream))
        assert (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")
        assert stream.average_rate == 10
    assert len(decoded) == 20
    assert {(f.width, f.height) for f in decoded} == {VIEW}


def test_progress_is_reported_after_each_frame(session: Session, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    record(session, 0.5, 10, tmp_path / "walk.gif", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 5) for i in range(1, 6)]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal() -> None:
    stream = _Terminal()
    show = text_progress(stream, "recording demo.gif")
    for done in range(1, 91):
        show(done, 90)
    out = stream.getvalue()
    assert "recording demo.gif" in out and "90/90" in out and out.endswith("\n")


def test_progress_writes_nothing_into_a_log_file() -> None:
    stream = io.StringIO()  # not a terminal: a log file or a pipe
    show = text_progress(stream, "recording demo.gif")
    for done in range(1, 91):
        show(done, 90)
    assert stream.getvalue() == ""


def test_frame_count_covers_the_length_without_the_end() -> None:
    assert frame_count(3.0, 30) == 90
    assert frame_count(0.1, 30) == 3
    assert frame_count(0.01, 10) == 1


def test_an_unknown_suffix_lists_the_supported_ones(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ValueError) as caught:
        record(session, 1.0, 10, tmp_path / "walk.webm")
    assert str(caught.value) == ("cannot record 'walk.webm': unknown format '.webm'; supported: .gif (animated GIF), "
                                 ".png (animated PNG), .mp4 (H.264 video)")
    assert not (tmp_path / "walk.webm").exists()


def test_mp4_without_pyav_says_how_to_install_it(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "av", None)
    with pytest.raises(VideoSupportMissing) as caught:
        record(session, 1.0, 10, tmp_path / "walk.mp4")
    assert str(caught.value) == (
        "MP4 recordings need PyAV, which is not installed; add it with: pip install -e '.[video]'"
    )
    assert not (tmp_path / "walk.mp4").exists()


def test_mp4_needs_an_even_size(tmp_path: Path) -> None:
    pytest.importorskip("av")
    session = Session.open(Options(scenario="empty.yaml", background="scene", view=(161, 90)))
    with pytest.raises(ValueError, match=r"even width and height; 161x90 given"):
        record(session, 1.0, 10, tmp_path / "walk.mp4")


def test_a_gif_faster_than_browsers_play_is_refused(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"a GIF cannot play 60 frames/s .* use at most 50, or \.png or \.mp4"):
        record(session, 1.0, 60, tmp_path / "walk.gif")


def test_an_animation_too_big_to_hold_is_refused_before_rendering(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rec, "MAX_ANIMATION_BYTES", 10 * 160 * 90 * 6)
    calls: list[int] = []
    with pytest.raises(ValueError, match=r"20 frames of 160x90 is too long for animated PNG .* 10 frames at this size"):
        record(session, 2.0, 10, tmp_path / "walk.png", progress=lambda done, total: calls.append(done))
    assert calls == []
    record(session, 1.0, 10, tmp_path / "walk.png")  # 10 frames fit


@pytest.mark.parametrize(("seconds", "fps"), [(0, 10), (-1, 10), (1, 0), (float("nan"), 10)])
def test_length_and_rate_must_be_positive(session: Session, tmp_path: Path, seconds: float, fps: float) -> None:
    with pytest.raises(ValueError, match="must be a positive number"):
        record(session, seconds, fps, tmp_path / "walk.gif")
