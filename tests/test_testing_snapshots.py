"""A golden whose pixels are known by their digest is not decoded again, and that changes no verdict."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hud.testing import snapshots
from hud.testing.snapshots import SnapshotChecker, pixels_digest, write_png


@pytest.fixture
def golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("HUD_NO_CACHE", raising=False)
    image = np.zeros((30, 40, 3), np.uint8)
    image[10:20, 5:25] = (0, 200, 90)
    return write_png(image, tmp_path / "card.png")


def _image(golden: Path) -> np.ndarray:
    return snapshots.read_png(golden).copy()


def _no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path | bytes) -> np.ndarray:
        raise AssertionError("decoded")

    monkeypatch.setattr(snapshots, "read_png", refuse)


def test_an_identical_image_passes_without_decoding_the_second_time(golden: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    actual = _image(golden)
    first = SnapshotChecker(tmp_path / "report").check(actual, golden, name="card")
    _no_decoding(monkeypatch)
    second = SnapshotChecker(tmp_path / "report").check(actual, golden, name="card")
    assert first.status == second.status == "passed"
    assert first.message == second.message == "identical (1200 pixels); budget 0 pixels — passes"


def test_a_different_image_is_decoded_and_fails_as_always(golden: Path, tmp_path: Path) -> None:
    checker = SnapshotChecker(tmp_path / "report")
    assert checker.check(_image(golden), golden, name="card").ok
    changed = _image(golden)
    changed[0, 0] = (255, 255, 255)
    result = checker.check(changed, golden, name="card")
    assert result.status == "failed" and "1 pixel differs" in result.message
    assert result.images["diff"]


def test_an_edited_golden_is_not_known(golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    actual = _image(golden)
    assert SnapshotChecker(tmp_path / "report").check(actual, golden, name="card").ok
    edited = actual.copy()
    edited[1, 1] = (9, 9, 9)
    write_png(edited, golden)
    result = SnapshotChecker(tmp_path / "report").check(actual, golden, name="card")  # decoded: the bytes changed
    assert result.status == "failed" and "1 pixel differs" in result.message


def test_without_the_cache_every_golden_is_decoded(golden: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUD_NO_CACHE", "1")
    actual = _image(golden)
    assert SnapshotChecker(tmp_path / "report").check(actual, golden, name="card").ok
    _no_decoding(monkeypatch)
    with pytest.raises(AssertionError, match="decoded"):
        SnapshotChecker(tmp_path / "report").check(actual, golden, name="card")


def test_the_digest_holds_shape_and_type() -> None:
    flat = np.zeros((2, 6, 3), np.uint8)
    assert pixels_digest(flat) != pixels_digest(flat.reshape(4, 3, 3))
    assert pixels_digest(flat) != pixels_digest(np.zeros((2, 6, 3), np.int8))
    assert pixels_digest(flat) == pixels_digest(np.zeros((2, 6, 3), np.uint8))
