"""hud.testing.snapshots and hud.testing.report: what a failure leaves behind, and the HTML that shows it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hud.testing.report import write_report
from hud.testing.snapshots import SnapshotChecker, load_records, read_png, strip, write_png


def lit(h: int = 12, w: int = 20, channels: int = 3) -> np.ndarray:
    image = np.zeros((h, w, channels), np.uint8)
    image[4:8, 5:15, 1] = 250
    if channels == 4:
        image[4:8, 5:15, 3] = 255
    return image


def failing_check(tmp_path: Path, started: float | None = None) -> tuple[SnapshotChecker, Path]:
    golden = write_png(lit(), tmp_path / "golden.png")
    actual = lit()
    actual[0, 0] = (255, 0, 0)
    checker = SnapshotChecker(tmp_path / "report")
    result = checker.check(actual, golden, name="card", test="tests/test_x.py::test_card", started=started)
    assert result.status == "failed"
    return checker, checker.report_dir


def shown_ms(html: str) -> list[str]:
    return re.findall(r"check ([0-9.]+) ms", html)


def test_the_report_shows_the_checks_time_not_zero(tmp_path: Path) -> None:
    """The record was written before the time was taken, so every failure read "check 0.0 ms"."""
    checker, report_dir = failing_check(tmp_path)
    (record,) = load_records(report_dir)
    assert record.ms == checker.results[0].ms > 0
    html = write_report(report_dir, passed=0, environment={}).read_text(encoding="utf-8")
    assert shown_ms(html) == [f"{record.ms:.1f}"]
    assert "check 0.0 ms" not in html


def test_the_callers_start_counts_so_rendering_is_in_the_time(tmp_path: Path) -> None:
    _, report_dir = failing_check(tmp_path, started=time.perf_counter() - 0.25)
    (record,) = load_records(report_dir)
    assert record.ms >= 250
    html = write_report(report_dir, passed=0, environment={}).read_text(encoding="utf-8")
    (ms,) = shown_ms(html)
    assert float(ms) >= 250


def test_a_missing_golden_is_recorded_with_its_time(tmp_path: Path) -> None:
    checker = SnapshotChecker(tmp_path / "report")
    result = checker.check(lit(), tmp_path / "nope.png", name="card", started=time.perf_counter() - 0.1)
    assert result.status == "missing"
    (record,) = load_records(checker.report_dir)
    assert record.ms == result.ms >= 100


# --- RGBA goldens stay RGBA -------------------------------------------------------------------


def test_read_png_keeps_alpha_only_when_the_file_has_it(tmp_path: Path) -> None:
    rgba = lit(channels=4)
    rgba[0, 0] = (9, 9, 9, 0)
    assert read_png(write_png(rgba, tmp_path / "a.png")).shape == (12, 20, 4)
    assert np.array_equal(read_png(tmp_path / "a.png"), rgba)
    assert read_png(write_png(lit(), tmp_path / "b.png")).shape == (12, 20, 3)
    Image.fromarray(lit()[:, :, 1], "L").save(tmp_path / "grey.png")
    assert read_png(tmp_path / "grey.png").shape == (12, 20, 3)
    with Image.open(tmp_path / "a.png") as image:
        assert image.mode == "RGBA"


def test_an_rgba_golden_is_compared_with_its_alpha(tmp_path: Path) -> None:
    """Like another simulator's screenshot: green, alpha = light, the rest transparent."""
    golden = write_png(lit(channels=4), tmp_path / "golden.png")
    checker = SnapshotChecker(tmp_path / "report")
    hidden = lit(channels=4)
    hidden[0, :, :3] = 77  # a different colour under alpha 0: invisible, and pixelmatch agrees
    assert checker.check(hidden, golden, name="hidden").status == "passed"
    dimmer = lit(channels=4)
    dimmer[4, 5, 3] = 254  # one step of alpha is a change of light
    result = checker.check(dimmer, golden, name="dimmer")
    assert result.status == "failed" and result.message.startswith("dimmer: 1 pixel differs")
    assert read_png(Path(result.images["expected"])).shape[2] == 4
    assert read_png(Path(result.images["actual"])).shape[2] == 4
    assert read_png(Path(result.images["diff"])).shape[2] == 3  # pixelmatch's diff is opaque
    assert read_png(Path(result.images["strip"])).shape == (12, 3 * 20 + 2 * 8, 4)


def test_an_opaque_rgb_screenshot_matches_an_opaque_rgba_golden(tmp_path: Path) -> None:
    golden = write_png(np.dstack([lit(), np.full((12, 20), 255, np.uint8)]), tmp_path / "golden.png")
    assert SnapshotChecker(tmp_path / "report").check(lit(), golden, name="x").status == "passed"


@pytest.mark.parametrize("channels", [(3, 3, 3), (4, 3, 3), (3, 4, 3)])
def test_strip_takes_the_widest_channel_count(channels: tuple[int, int, int]) -> None:
    e, a, d = (lit(h=10 + i, channels=c) for i, c in enumerate(channels))
    out = strip(e, a, d)
    want = max(channels)
    assert out.shape == (12, 3 * 20 + 16, want)
    assert np.array_equal(out[:10, :20, :channels[0]], e)
    if want == 4:
        assert (out[:, 20:28] == (96, 96, 96, 255)).all()  # gutters opaque grey
        assert (out[:11, 28:48, 3] == (a[:, :, 3] if channels[1] == 4 else 255)).all()
