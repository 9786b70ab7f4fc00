"""Navigation arrow icons: shape sanity, symmetry, scaling, caching and input errors."""

from __future__ import annotations

from hud.pg import use_headless_drivers

use_headless_drivers()

import itertools  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hud.pg import pygame  # noqa: E402
from hud.widgets.arrows import MANEUVERS, maneuver_icon  # noqa: E402

ICONS: list[tuple[str, int | None]] = [(m, None) for m in MANEUVERS if m != "roundabout"] + [
    ("roundabout", e) for e in range(1, 9)
]
MIRRORED = [("slight_left", "slight_right"), ("left", "right"), ("sharp_left", "sharp_right")]


def grey(maneuver: str, size: int = 96, level: int = 255, exit_number: int | None = None) -> np.ndarray:
    """The icon as a float (rows = y, columns = x) array of its one grey channel."""
    rgb = pygame.surfarray.array3d(maneuver_icon(maneuver, size, level, exit_number))
    assert (rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all(), "icons must be grey"
    return rgb[..., 0].T.astype(float)


def lit_ratio(img: np.ndarray) -> float:
    return float(img.sum() / (255.0 * img.size))


@pytest.mark.parametrize(("maneuver", "exit_number"), ICONS)
def test_every_icon_renders_lit_strokes_with_black_corners(maneuver: str, exit_number: int | None) -> None:
    surface = maneuver_icon(maneuver, 96, exit_number=exit_number)
    assert surface.get_size() == (96, 96)
    assert surface.get_bitsize() == 24
    img = grey(maneuver, exit_number=exit_number)
    assert img.max() == 255, "solid stroke centres should reach the full level"
    assert 0.08 < lit_ratio(img) < 0.35, "a bold, unfilled icon: neither empty nor a blob"
    for corner in (img[:8, :8], img[:8, -8:], img[-8:, :8], img[-8:, -8:]):
        assert corner.max() == 0


def test_all_icons_are_pairwise_different() -> None:
    images = {icon: grey(icon[0], exit_number=icon[1]) for icon in ICONS}
    for a, b in itertools.combinations(ICONS, 2):
        changed = (np.abs(images[a] - images[b]) > 32).mean()
        assert changed > 0.01, f"{a} and {b} look alike ({changed:.1%} of pixels differ)"


@pytest.mark.parametrize("size", [16, 47, 96, 128])
@pytest.mark.parametrize(("left", "right"), MIRRORED)
def test_left_turns_are_exact_mirrors_of_right_turns(left: str, right: str, size: int) -> None:
    assert np.array_equal(grey(left, size), grey(right, size)[:, ::-1])


@pytest.mark.parametrize("maneuver", ["straight", "arrive"])
def test_symmetric_icons_are_nearly_their_own_mirror(maneuver: str) -> None:
    # Drawn directly, so pygame's fill rules may shift an edge by one of the 4x subsamples.
    img = grey(maneuver, 96)
    diff = np.abs(img - img[:, ::-1])
    assert diff.max() <= 80 and diff.mean() < 3


def test_turns_lean_toward_their_side() -> None:
    def centroid_x(img: np.ndarray) -> float:
        return float((img * np.arange(img.shape[1])).sum() / img.sum() / img.shape[1])

    assert abs(centroid_x(grey("straight")) - 0.5) < 0.02
    for maneuver in ("slight_right", "right"):
        assert centroid_x(grey(maneuver)) > 0.52
    # Only the sharp turn points back down: its head reaches the lower right quarter.
    assert grey("sharp_right")[52:, 56:].mean() > 10
    assert grey("right")[52:, 56:].max() == 0


def test_uturn_turns_back_down_on_the_left() -> None:
    img = grey("uturn")
    # The arrowhead (widest part) sits in the lower left; the lower right holds only the stem.
    assert img[50:80, :48].sum() > 1.5 * img[50:80, 48:].sum()


@pytest.mark.parametrize("level", [1, 64, 128, 200])
def test_level_scales_the_brightest_pixel(level: int) -> None:
    assert abs(grey("right", level=level).max() - level) <= 1


def test_level_zero_is_fully_transparent() -> None:
    assert grey("straight", level=0).max() == 0


@pytest.mark.parametrize(("maneuver", "exit_number"), ICONS)
def test_icons_scale_consistently(maneuver: str, exit_number: int | None) -> None:
    small = lit_ratio(grey(maneuver, 48, exit_number=exit_number))
    large = lit_ratio(grey(maneuver, 192, exit_number=exit_number))
    assert abs(small - large) / large < 0.15


@pytest.mark.parametrize("size", [36, 90, 180])
def test_stroke_width_is_a_ninth_of_the_size(size: int) -> None:
    middle_row = grey("straight", size)[size // 2]
    assert abs((middle_row > 127).sum() - size / 9) <= 1


def test_roundabout_exits_differ_and_point_the_right_way() -> None:
    exits = {n: grey("roundabout", exit_number=n) for n in range(1, 5)}
    for a, b in itertools.combinations(exits, 2):
        assert (np.abs(exits[a] - exits[b]) > 32).mean() > 0.02, f"exits {a} and {b} look alike"

    def right_share(img: np.ndarray) -> float:
        return float(img[:, 48:].sum() / img.sum())

    assert right_share(exits[1]) > 0.65, "exit 1 leaves to the right"
    assert right_share(exits[3]) < 0.45, "exit 3 leaves to the left"
    assert exits[2][:20].sum() > exits[1][:20].sum() * 3, "exit 2 leaves straight ahead"
    bottom_left, bottom_right = exits[4][60:, :40].sum(), exits[4][60:, 56:].sum()
    assert bottom_left > 2 * bottom_right, "exit 4 leaves back down-left"


def test_cache_returns_the_same_surface() -> None:
    first = maneuver_icon("left", 64)
    assert maneuver_icon("left", 64) is first
    assert maneuver_icon("left", 64, 255) is first
    assert maneuver_icon("left", 64, level=128) is not first
    assert maneuver_icon("roundabout", 64, exit_number=2) is maneuver_icon("roundabout", 64, 255, 2)


@pytest.mark.parametrize(
    ("kwargs", "fragments"),
    [
        ({"maneuver": "hard_left", "size": 96}, ["'hard_left'", "straight", "sharp_left", "arrive"]),
        ({"maneuver": "left", "size": 8}, ["16", "1024", "8 given"]),
        ({"maneuver": "left", "size": 2048}, ["16", "1024", "2048 given"]),
        ({"maneuver": "left", "size": 96.0}, ["integer", "96.0 given"]),
        ({"maneuver": "left", "size": 96, "level": 256}, ["0 to 255", "256 given"]),
        ({"maneuver": "left", "size": 96, "level": -1}, ["0 to 255", "-1 given"]),
        ({"maneuver": "roundabout", "size": 96}, ["roundabout", "1 to 8", "None given"]),
        ({"maneuver": "roundabout", "size": 96, "exit_number": 9}, ["1 to 8", "9 given"]),
        ({"maneuver": "roundabout", "size": 96, "exit_number": 0}, ["1 to 8", "0 given"]),
        ({"maneuver": "left", "size": 96, "exit_number": 2}, ["only to 'roundabout'", "2 given", "'left'"]),
    ],
)
def test_bad_input_raises_an_informative_error(kwargs: dict[str, object], fragments: list[str]) -> None:
    with pytest.raises(ValueError) as caught:
        maneuver_icon(**kwargs)  # type: ignore[arg-type]
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_roundabout_exit_angles_are_right_hand_traffic() -> None:
    from hud.widgets.arrows import roundabout_exit_degrees
    assert [roundabout_exit_degrees(n) for n in (1, 2, 3, 4, 8)] == [0.0, 90.0, 180.0, 210.0, 210.0]


def test_roundabout_ring_survives_a_one_bit_threshold() -> None:
    """At 0.4 light the ring vanished on 1-bit panels and left an S-shaped squiggle."""
    img = grey("roundabout", exit_number=2)  # exit 2 goes round the right: the ring's left is ring alone
    assert img[44:49, 26:32].max() >= 128
    assert img[44:49, 40:56].max() < 64  # the middle of the ring is open (the exit number goes there)
