"""hud.testing.compare: pixelmatch's counts exactly, and the failures a HUD team must never miss."""

from __future__ import annotations

import itertools
import math

from hud.pg import use_headless_drivers

use_headless_drivers()

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hud.testing.compare as compare_module  # noqa: E402
from hud import paths  # noqa: E402
from hud.panel import palette  # noqa: E402
from hud.pg import pygame  # noqa: E402
from hud.testing.compare import AA, DIFF, SAME, Budget, Comparison, compare, diff_image  # noqa: E402
from hud.text import FontSet, TextRenderer  # noqa: E402
from hud.widgets.arrows import MANEUVERS, maneuver_icon  # noqa: E402

HUE = (60, 250, 68)  # #3CFA44, every monochrome device profile's hue
TEXT = TextRenderer(FontSet(paths.FONTS / "Inter-Medium.otf", paths.FONTS / "Inter-SemiBold.otf",
                            paths.FONTS / "DroidSansFallbackFull.ttf"))
SIZE = (120, 44)  # small: the reference package is pure Python


# --- drawing: grey intensities on black, colourised like the panel renderer ----------------


def grey(*items: tuple[pygame.Surface, tuple[int, int]], size: tuple[int, int] = SIZE) -> np.ndarray:
    """Grey surfaces added as light (like hud.canvas) onto black; returns H x W intensities."""
    canvas = pygame.Surface(size, depth=24)
    canvas.fill((0, 0, 0))
    for surface, pos in items:
        canvas.blit(surface, pos, special_flags=pygame.BLEND_RGB_MAX)
    return pygame.surfarray.array3d(canvas)[:, :, 0].T.copy()


def panel(intensity: np.ndarray, levels: int = 16) -> np.ndarray:
    """H x W x 3 RGB through the panel's palette: one hue, `levels` grey levels."""
    return np.array(palette(HUE, levels), np.uint8)[intensity]


def word(text: str, level: int = 255, size: int = 20) -> pygame.Surface:
    return TEXT.render(text, size, level)


def aliased_word(text: str, level: int = 255, size: int = 20) -> pygame.Surface:
    font = pygame.font.Font(str(paths.FONTS / "Inter-Medium.otf"), size)
    return font.render(text, False, (level,) * 3, (0, 0, 0))


def arrow(level: int = 255, size: int = 40) -> pygame.Surface:
    return maneuver_icon("right", size, level)


def street(seed: int, size: tuple[int, int] = SIZE) -> np.ndarray:
    """A picture-like background: smooth colour blobs plus texture, like a street scene."""
    rng = np.random.default_rng(seed)
    w, h = size
    coarse = rng.integers(30, 200, (h // 8 + 2, w // 8 + 2, 3))
    smooth = np.kron(coarse, np.ones((8, 8, 1)))[:h, :w]
    smooth = (smooth + np.roll(smooth, 3, 0) + np.roll(smooth, 3, 1)) / 3
    return np.clip(smooth + rng.integers(-6, 7, smooth.shape), 0, 255).astype(np.uint8)


def composite(background: np.ndarray, hud: np.ndarray) -> np.ndarray:
    """Additive, like the compositor (black is transparent, light saturates)."""
    return np.minimum(background.astype(int) + hud, 255).astype(np.uint8)


def hud_render(t: float, view: str = "panel") -> np.ndarray:
    from hud.session import Options, Session

    session = Session.open(Options(background="scene", view=(320, 180)))
    try:
        session.seek(t)
        surface = session.render_panel() if view == "panel" else session.render_composite()
        return pygame.surfarray.array3d(surface).swapaxes(0, 1)
    finally:
        session.close()


def palette_pair(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random images from 2-4 colours with random pixels repainted: many ties and equal siblings,
    so every branch of the anti-aliasing test (and the image border) is exercised."""
    rng = np.random.default_rng(seed)
    h, w = (int(v) for v in rng.integers(1, 16, 2))
    colours = rng.integers(0, 256, (int(rng.integers(2, 5)), 3)).astype(np.uint8)
    a = colours[rng.integers(0, len(colours), (h, w))]
    b = a.copy()
    n = int(rng.integers(0, h * w + 1))
    b[rng.integers(0, h, n), rng.integers(0, w, n)] = colours[rng.integers(0, len(colours), n)]
    return a, b


def blocky_pair(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat blocks with soft (averaged) edges, shifted by one pixel: anti-aliasing everywhere."""
    rng = np.random.default_rng(seed)
    h, w = (int(v) for v in rng.integers(4, 24, 2))
    base = np.kron(rng.integers(0, 3, (h // 2 + 1, w // 2 + 1)) * 110, np.ones((2, 2)))[:h, :w]
    if seed % 2:
        base = (base + np.roll(base, 1, 0) + np.roll(base, 1, 1)) / 3
    a = panel(base.astype(np.uint8), 256)
    return a, np.roll(a, 1, axis=int(seed % 3 == 0)).copy()


def pairs() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    bg = street(1)
    out = {
        "word shifted 1 px": (panel(grey((word("Turn left"), (6, 8)))), panel(grey((word("Turn left"), (7, 8))))),
        "word shifted 1 px down": (panel(grey((word("Turn left"), (6, 8)))),
                                   panel(grey((word("Turn left"), (6, 9))))),
        "anti-aliased vs aliased word": (panel(grey((word("Turn left"), (6, 8)))),
                                         panel(grey((aliased_word("Turn left"), (6, 8))))),
        "grey level 255 -> 238": (panel(grey((word("Turn left", 255), (6, 8)))),
                                  panel(grey((word("Turn left", 238), (6, 8))))),
        "changed word": (panel(grey((word("in 200 m"), (6, 8)))), panel(grey((word("in 300 m"), (6, 8))))),
        "arrow shifted 1 px": (panel(grey((arrow(), (4, 2)))), panel(grey((arrow(), (5, 2))))),
        "changed block": (panel(grey((word("ETA 5 min"), (6, 8)))),
                          panel(grey((word("ETA 5 min"), (6, 8)), (_block(30, 14, 180), (70, 20))))),
        "word at the image edges": (panel(grey((word("Turn left", size=40), (-3, -6)))),
                                    panel(grey((word("Turn left", size=40), (-4, -6))))),
        "noise on a street picture": (composite(bg, panel(grey((word("Turn left"), (6, 8))))),
                                      composite(np.clip(bg.astype(int) + _noise(bg.shape), 0, 255).astype(np.uint8),
                                                panel(grey((word("Turn left"), (6, 8)))))),
        "word moved on a street picture": (composite(bg, panel(grey((word("Turn left"), (6, 8))))),
                                           composite(bg, panel(grey((word("Turn left"), (7, 8)))))),
    }
    out.update({f"random palette {seed}": palette_pair(seed) for seed in range(12)})
    out.update({f"soft blocks shifted {seed}": blocky_pair(seed) for seed in range(6)})
    return out


def _block(w: int, h: int, level: int) -> pygame.Surface:
    surface = pygame.Surface((w, h), depth=24)
    surface.fill((level,) * 3)
    return surface


def _noise(shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.integers(-3, 4, shape) * (rng.random(shape[:2]) < 0.3)[:, :, None]


PAIRS = pairs()


def rgba(image: np.ndarray) -> list[int]:
    """The flat R, G, B, A list the reference takes; RGB images are given alpha 255."""
    h, w, channels = image.shape
    if channels == 4:
        return np.ascontiguousarray(image).reshape(-1).tolist()
    out = np.full((h, w, 4), 255, np.uint8)
    out[:, :, :3] = image
    return out.reshape(-1).tolist()


def reference(a: np.ndarray, b: np.ndarray, threshold: float, include_aa: bool,
              output: list[int] | None = None) -> int:
    pixelmatch = pytest.importorskip("pixelmatch")
    h, w, _ = a.shape
    return pixelmatch.pixelmatch(rgba(a), rgba(b), w, h, output=output, threshold=threshold, includeAA=include_aa)


# --- (1) the same counts as the reference ---------------------------------------------------


@pytest.mark.parametrize("include_aa", [False, True])
@pytest.mark.parametrize("threshold", [0.0, 0.1, 0.3])
@pytest.mark.parametrize("name", list(PAIRS))
def test_counts_match_reference_pixelmatch(name: str, threshold: float, include_aa: bool) -> None:
    a, b = PAIRS[name]
    result = compare(a, b, Budget(threshold=threshold, include_aa=include_aa))
    assert result.diff_pixels == reference(a, b, threshold, include_aa)
    # pixelmatch counts differing + anti-aliased pixels as one set when told to include AA.
    if not include_aa:
        everything = compare(a, b, Budget(threshold=threshold, include_aa=True))
        assert result.diff_pixels + result.aa_pixels == everything.diff_pixels


def test_the_cross_check_exercises_anti_aliasing() -> None:
    """Otherwise the reference test above could pass with the anti-aliasing test broken."""
    found = {name: compare(*PAIRS[name], Budget(threshold=0.1, include_aa=False)) for name in PAIRS}
    assert sum(c.aa_pixels > 0 and c.diff_pixels > 0 for c in found.values()) >= 8
    assert found["word shifted 1 px"].aa_pixels > 0


@pytest.mark.parametrize("threshold", [0.0, 0.1, 0.3])
@pytest.mark.parametrize("t", [9, 10])
def test_hud_panel_render_matches_reference(threshold: float, t: float) -> None:
    """A real frame: the distance counting down (navigation is the primary item), cropped to the HUD's rows."""
    a, b = hud_render(9)[:210], hud_render(t)[:210]
    for include_aa in (False, True):
        result = compare(a, b, Budget(threshold=threshold, include_aa=include_aa))
        assert result.diff_pixels == reference(a, b, threshold, include_aa)
        assert result.passes() == (t == 9)


def test_hud_composite_render_matches_reference() -> None:
    a, b = hud_render(16, "composite"), hud_render(17, "composite")
    for threshold in (0.0, 0.1):
        result = compare(a, b, Budget(threshold=threshold, include_aa=False))
        assert result.diff_pixels == reference(a, b, threshold, False)
        assert result.diff_pixels > 0


@pytest.mark.parametrize("name", ["word shifted 1 px", "random palette 3", "noise on a street picture"])
def test_diff_image_matches_reference_output(name: str) -> None:
    a, b = PAIRS[name]
    h, w, _ = a.shape
    for threshold, include_aa in [(0.0, True), (0.0, False), (0.1, False)]:
        output = [0] * (h * w * 4)
        reference(a, b, threshold, include_aa, output)
        expected = np.array(output, np.uint8).reshape(h, w, 4)[:, :, :3]
        budget = Budget(threshold=threshold, include_aa=include_aa)
        assert np.array_equal(diff_image(a, b, compare(a, b, budget)), expected)


@pytest.mark.parametrize("layout", ["row-major", "column-major", "mixed", "strided"])
def test_memory_layout_does_not_change_the_result(layout: str) -> None:
    """pygame.surfarray gives column-major arrays, PNG files row-major ones."""
    a, b = PAIRS["word shifted 1 px"]
    want = compare(a, b)

    def column_major(x: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(x.swapaxes(0, 1)).swapaxes(0, 1)

    if layout == "column-major":
        a, b = column_major(a), column_major(b)
    elif layout == "mixed":
        b = column_major(b)
    elif layout == "strided":
        a, b = np.pad(a, ((0, 0), (0, 1), (0, 0)))[:, :-1], np.pad(b, ((0, 0), (0, 1), (0, 0)))[:, :-1]
    got = compare(a, b)
    assert (got.diff_pixels, got.aa_pixels) == (want.diff_pixels, want.aa_pixels)
    assert got.mask is not None and want.mask is not None and np.array_equal(got.mask, want.mask)
    assert compare(a, a.copy()).identical


# --- (1b) RGBA: alpha blended with white, as pixelmatch 5.x/6.x does ------------------------


def alpha_pair(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random RGBA images from 2-4 colours (random alpha, or only 0/128/255 so that fully
    transparent and opaque pixels meet), random pixels repainted: every branch, alpha included."""
    rng = np.random.default_rng(1000 + seed)
    h, w = (int(v) for v in rng.integers(1, 16, 2))
    colours = rng.integers(0, 256, (int(rng.integers(2, 5)), 4)).astype(np.uint8)
    if seed % 3 == 0:
        colours[:, 3] = rng.choice(np.array([0, 128, 255], np.uint8), len(colours))
    a = colours[rng.integers(0, len(colours), (h, w))]
    b = a.copy()
    n = int(rng.integers(0, h * w + 1))
    b[rng.integers(0, h, n), rng.integers(0, w, n)] = colours[rng.integers(0, len(colours), n)]
    return a, b


def alpha_noise(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Every byte random, alpha too; 30% of the pixels repainted."""
    rng = np.random.default_rng(2000 + seed)
    a = rng.integers(0, 256, (18, 26, 4), dtype=np.uint8)
    b = a.copy()
    repaint = rng.random(a.shape[:2]) < 0.3
    b[repaint] = rng.integers(0, 256, (int(repaint.sum()), 4), dtype=np.uint8)
    return a, b


def green_on_transparent(light: np.ndarray) -> np.ndarray:
    """Like a glasses simulator's screenshot (Even Hub's are 576x288 RGBA): lit pixels green,
    alpha = light, everything else transparent black."""
    image = np.zeros((*light.shape, 4), np.uint8)
    image[:, :, 1] = np.where(light > 0, 255, 0)
    image[:, :, 3] = light
    return image


def green_pair() -> tuple[np.ndarray, np.ndarray]:
    """576x288: a word moved one pixel and an arrow one grey step dimmer."""
    size = (576, 288)
    a = grey((word("Turn left", size=40), (40, 60)), (arrow(size=80), (400, 100)), size=size)
    b = grey((word("Turn left", size=40), (41, 60)), (arrow(238, size=80), (400, 100)), size=size)
    return green_on_transparent(a), green_on_transparent(b)


ALPHA_PAIRS = {f"random alpha palette {seed}": alpha_pair(seed) for seed in range(18)}
ALPHA_PAIRS.update({f"random alpha noise {seed}": alpha_noise(seed) for seed in range(4)})
ALPHA_PAIRS["green on transparent 576x288"] = green_pair()


def reference_output(a: np.ndarray, b: np.ndarray, threshold: float, include_aa: bool) -> tuple[int, np.ndarray]:
    """The reference's count and its diff image (H x W x 4)."""
    h, w, _ = a.shape
    output = [0] * (h * w * 4)
    count = reference(a, b, threshold, include_aa, output)
    return count, np.array(output, np.uint8).reshape(h, w, 4)


@pytest.mark.parametrize("include_aa", [False, True])
@pytest.mark.parametrize("threshold", [0.0, 0.1, 0.3])
@pytest.mark.parametrize("name", list(ALPHA_PAIRS))
def test_rgba_counts_and_diff_image_match_reference_pixelmatch(name: str, threshold: float, include_aa: bool) -> None:
    a, b = ALPHA_PAIRS[name]
    count, output = reference_output(a, b, threshold, include_aa)
    result = compare(a, b, Budget(threshold=threshold, include_aa=include_aa))
    assert result.diff_pixels == count
    # pixelmatch's output is opaque, so our RGB diff image plus alpha 255 is its output, byte for byte.
    opaque = np.concatenate([diff_image(a, b, result), np.full((*a.shape[:2], 1), 255, np.uint8)], axis=2)
    assert np.array_equal(opaque, output)


def test_the_rgba_cross_check_exercises_alpha_and_anti_aliasing() -> None:
    """Otherwise the test above could pass with the blend (or the AA test's use of it) broken."""
    found = {name: compare(*pair, Budget(threshold=0.1, include_aa=False)) for name, pair in ALPHA_PAIRS.items()}
    assert sum(c.aa_pixels > 0 for c in found.values()) >= 5
    green = found["green on transparent 576x288"]
    assert green.aa_pixels > 0 and green.diff_pixels > 0
    semi = [a for a, _ in ALPHA_PAIRS.values() if ((a[:, :, 3] > 0) & (a[:, :, 3] < 255)).any()]
    assert len(semi) >= 15
    # Ignoring alpha would change the verdicts: the blend matters in these pairs.
    ignored = sum(compare(a[:, :, :3], b[:, :, :3], Budget(threshold=0.1)).diff_pixels
                  != compare(a, b, Budget(threshold=0.1)).diff_pixels for a, b in ALPHA_PAIRS.values())
    assert ignored >= 10


def test_rgba_blends_with_white_like_pixelmatch_5_and_6() -> None:
    """Consequences of blending with white (pixelmatch 5.x/6.x), pinned so a change is noticed:
    every fully transparent pixel looks white, whatever its hidden RGB, and so does opaque white."""
    transparent_black = np.zeros((1, 2, 4), np.uint8)
    transparent_red = np.array([[[255, 0, 0, 0], [255, 0, 0, 0]]], np.uint8)
    opaque_white = np.full((1, 2, 4), 255, np.uint8)
    for other in (transparent_red, opaque_white):
        result = compare(transparent_black, other)
        assert not result.identical and result.diff_pixels == 0 and result.passes()
        assert result.diff_pixels == reference(transparent_black, other, 0.0, True)
    half_green = np.array([[[0, 255, 0, 128], [0, 255, 0, 128]]], np.uint8)
    a_bit_more = half_green.copy()
    a_bit_more[0, 0, 3] = 129
    assert compare(half_green, a_bit_more).diff_pixels == 1  # one step of alpha counts by default


def test_rgb_against_rgba_compares_as_opaque_rgba() -> None:
    a, b = PAIRS["word shifted 1 px"]
    opaque_a, opaque_b = (np.dstack([x, np.full(x.shape[:2], 255, np.uint8)]) for x in (a, b))
    plain = compare(a, b, Budget(include_aa=False))
    for expected, actual in ((a, opaque_b), (opaque_a, b)):
        mixed = compare(expected, actual, Budget(include_aa=False))
        assert (mixed.diff_pixels, mixed.aa_pixels) == (plain.diff_pixels, plain.aa_pixels)
        assert np.array_equal(diff_image(expected, actual, mixed), diff_image(a, b, plain))
    assert compare(a, opaque_a).identical
    # An RGB image is opaque: against a half-transparent copy of itself, every pixel differs.
    faded = np.dstack([a, np.full(a.shape[:2], 128, np.uint8)])
    assert compare(a, faded).diff_pixels == reference(a, faded, 0.0, True) == a.shape[0] * a.shape[1]
    assert compare(a, np.zeros((4, 5, 4), np.uint8)).size_mismatch == ((a.shape[1], a.shape[0]), (5, 4))


@pytest.mark.parametrize("layout", ["column-major", "mixed", "strided"])
def test_rgba_memory_layout_does_not_change_the_result(layout: str) -> None:
    a, b = ALPHA_PAIRS["green on transparent 576x288"]
    want = compare(a, b, Budget(include_aa=False))

    def column_major(x: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(x.swapaxes(0, 1)).swapaxes(0, 1)

    if layout == "column-major":
        a, b = column_major(a), column_major(b)
    elif layout == "mixed":
        b = column_major(b)
    else:
        a, b = np.pad(a, ((0, 0), (0, 1), (0, 0)))[:, :-1], np.pad(b, ((0, 0), (0, 1), (0, 0)))[:, :-1]
    got = compare(a, b, Budget(include_aa=False))
    assert (got.diff_pixels, got.aa_pixels) == (want.diff_pixels, want.aa_pixels)
    assert got.mask is not None and want.mask is not None and np.array_equal(got.mask, want.mask)


# --- (2) what a HUD team needs ----------------------------------------------------------------


def test_a_one_pixel_shift_of_any_arrow_fails() -> None:
    """Every icon, at every size, moved one pixel in any direction: never a pass."""
    excused = []
    for maneuver in MANEUVERS:
        for size in range(16, 97, 8):
            icon = maneuver_icon(maneuver, size, 255, 1 if maneuver == "roundabout" else None)
            canvas = (size + 8, size + 8)
            a = panel(grey((icon, (4, 4)), size=canvas))
            for dx, dy in [(1, 0), (-1, 0), (0, 1), (0, -1)]:
                b = panel(grey((icon, (4 + dx, 4 + dy)), size=canvas))
                result = compare(a, b)
                assert not result.passes(), (maneuver, size, dx, dy)
                assert result.diff_pixels >= 20, (maneuver, size, dx, dy)
                if compare(a, b, Budget(include_aa=False)).passes():
                    excused.append((maneuver, size, dx, dy))
    # Why include_aa defaults to True: pixelmatch's anti-aliasing detection calls every changed
    # pixel of some of these moves an anti-aliased edge, and the move passes.
    assert excused


def test_pixelmatchs_anti_aliasing_detection_hides_a_moved_arrow() -> None:
    icon = maneuver_icon("left", 32)
    a, b = panel(grey((icon, (3, 3)), size=(40, 40))), panel(grey((icon, (3, 4)), size=(40, 40)))
    excused = compare(a, b, Budget(include_aa=False))
    assert (excused.diff_pixels, excused.passes()) == (0, True) and excused.aa_pixels > 100
    assert reference(a, b, 0.1, False) == 0  # the reference with its defaults agrees: no difference
    assert compare(a, b).diff_pixels == excused.aa_pixels


def test_a_one_pixel_shift_on_a_street_picture_fails() -> None:
    a, b = PAIRS["word moved on a street picture"]
    assert not compare(a, b).passes()


def step_threshold(c1: tuple[int, ...], c2: tuple[int, ...]) -> float:
    """The smallest pixelmatch threshold that hides the change c1 -> c2 (its colour delta's scale)."""
    delta = compare_module._colour_delta(np.array([c1], np.uint8), np.array([c2], np.uint8))[0]
    return math.sqrt(delta / compare_module.MAX_YIQ_DELTA)


def test_what_pixelmatchs_threshold_does_to_grey_levels_in_our_hue() -> None:
    """The numbers the module docstring quotes: 0.1 hides one and two steps of a 16-level panel."""
    colours = sorted(set(palette(HUE, 16)))
    assert len(colours) == 16
    one_step = [step_threshold(c1, c2) for c1, c2 in itertools.pairwise(colours)]
    two_steps = [step_threshold(c1, c2) for c1, c2 in zip(colours, colours[2:], strict=False)]
    three_steps = [step_threshold(c1, c2) for c1, c2 in zip(colours, colours[3:], strict=False)]
    assert min(one_step) > 0.045 and max(one_step) < 0.049
    assert max(two_steps) < 0.1 < min(three_steps)
    fine = sorted(set(palette(HUE, 256)))
    one_unit = [step_threshold(c1, c2) for c1, c2 in itertools.pairwise(fine)]
    assert min(one_unit) > 0.0012 and max(one_unit) < 0.004


@pytest.mark.parametrize("level", range(17, 256, 17))
def test_one_grey_step_on_a_16_level_panel_fails_by_default(level: int) -> None:
    a = panel(grey((word("Turn left", level), (6, 8)), (_block(20, 10, level), (95, 30))))
    b = panel(grey((word("Turn left", level - 17), (6, 8)), (_block(20, 10, level - 17), (95, 30))))
    result = compare(a, b)
    assert not result.passes()
    assert result.diff_pixels >= 200  # the whole block (200 px) and the strokes' flat parts
    # ...which pixelmatch's default threshold would have hidden: the reason our default is 0.
    assert compare(a, b, Budget(threshold=0.1)).diff_pixels == 0


def test_two_grey_steps_hide_under_pixelmatchs_default_three_do_not() -> None:
    a = panel(grey((_block(20, 10, 255), (10, 10))))
    two, three = panel(grey((_block(20, 10, 221), (10, 10)))), panel(grey((_block(20, 10, 204), (10, 10))))
    assert compare(a, two, Budget(threshold=0.1)).passes()
    assert not compare(a, three, Budget(threshold=0.1)).passes()
    assert not compare(a, two).passes()


def test_one_grey_unit_on_a_256_level_panel_fails_by_default() -> None:
    a = panel(grey((_block(20, 10, 200), (10, 10))), 256)
    b = panel(grey((_block(20, 10, 199), (10, 10))), 256)
    assert not np.array_equal(a, b)
    result = compare(a, b)
    assert result.diff_pixels == 200 and not result.passes()


def test_default_budget_is_exact() -> None:
    budget = Budget()
    assert (budget.max_diff_pixels, budget.max_diff_ratio, budget.threshold, budget.include_aa) == (
        None, None, 0.0, True)


@pytest.mark.parametrize("name", list(PAIRS))
def test_by_default_every_changed_pixel_counts(name: str) -> None:
    a, b = PAIRS[name]
    result = compare(a, b)
    assert result.diff_pixels == np.count_nonzero((a != b).any(axis=2))
    assert result.aa_pixels == 0


def test_a_changed_word_fails() -> None:
    a, b = PAIRS["changed word"]
    result = compare(a, b)
    assert not result.passes()
    assert result.diff_pixels >= 20
    same = compare(a, panel(grey((word("in 200 m"), (6, 8)))))
    assert same.identical and same.passes()


def test_anti_aliased_pixels_are_counted_unless_excused() -> None:
    a, b = PAIRS["word shifted 1 px"]
    counted = compare(a, b)
    excused = compare(a, b, Budget(include_aa=False))
    assert excused.aa_pixels > 0
    assert counted.aa_pixels == 0
    assert counted.diff_pixels == excused.diff_pixels + excused.aa_pixels
    assert excused.mask is not None and counted.mask is not None
    assert np.count_nonzero(excused.mask == AA) == excused.aa_pixels
    assert np.count_nonzero(excused.mask == DIFF) == excused.diff_pixels
    assert np.array_equal(counted.mask != SAME, excused.mask != SAME)
    assert "anti-aliased ignored" in excused.summary() and "anti-aliasing excused" in excused.summary()
    assert "anti-alias" not in counted.summary()


# --- masks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("include_aa", [True, False])
def test_masks_hide_exactly_the_masked_region(include_aa: bool) -> None:
    a, b = PAIRS["word shifted 1 px"]
    plain = compare(a, b, Budget(include_aa=include_aa))
    rect = (20, 5, 30, 20)
    masked = compare(a, b, Budget(include_aa=include_aa, masks=(rect,)))
    x, y, w, h = rect
    assert masked.masked_pixels == w * h
    assert plain.mask is not None and masked.mask is not None
    expected_mask = plain.mask.copy()
    expected_mask[y:y + h, x:x + w] = SAME
    # Outside the mask every pixel keeps exactly the verdict it had without masks.
    assert np.array_equal(masked.mask, expected_mask)
    assert masked.diff_pixels == np.count_nonzero(expected_mask == DIFF)
    assert masked.aa_pixels == np.count_nonzero(expected_mask == AA)
    assert 0 < masked.diff_pixels < plain.diff_pixels


@pytest.mark.parametrize(("pixel", "hidden"), [
    ((20, 5), True), ((49, 24), True),  # the mask's first and last pixel
    ((19, 5), False), ((50, 24), False), ((20, 4), False), ((49, 25), False),  # one pixel outside
])
def test_mask_edges_are_exact(pixel: tuple[int, int], hidden: bool) -> None:
    a = panel(grey())
    b = a.copy()
    b[pixel[1], pixel[0]] = HUE
    result = compare(a, b, Budget(masks=((20, 5, 30, 20),)))
    assert result.passes() == hidden
    assert result.diff_pixels == (0 if hidden else 1)


def test_masks_past_the_edge_are_clipped_and_overlaps_count_once() -> None:
    a, b = PAIRS["changed word"]
    result = compare(a, b, Budget(masks=((100, 30, 50, 50), (110, 40, 5, 5), (0, 0, 1, 1))))
    assert result.masked_pixels == 20 * 14 + 1
    everything = compare(a, b, Budget(masks=((0, 0, 1000, 1000),)))
    assert everything.passes() and everything.diff_pixels == 0 and everything.ratio == 0.0
    assert everything.masked_pixels == everything.total_pixels


def test_masks_are_tinted_blue_in_the_diff_image() -> None:
    a, b = PAIRS["changed word"]
    result = compare(a, b, Budget(masks=((0, 0, 10, 10),)))
    image = diff_image(a, b, result)
    assert image.shape == a.shape and image.dtype == np.uint8
    assert (image[:10, :10, 2] == 255).all() and (image[:10, :10, 0] < 128).all()
    assert result.mask is not None
    assert (image[result.mask == DIFF] == (255, 0, 0)).all()
    plain = compare(a, b, Budget(include_aa=False))
    assert plain.mask is not None and plain.aa_pixels > 0
    assert (diff_image(a, b, plain)[plain.mask == AA] == (255, 255, 0)).all()


# --- budgets ---------------------------------------------------------------------------------


def dots(n: int, size: tuple[int, int] = (100, 10)) -> tuple[np.ndarray, np.ndarray]:
    """A black image and a copy with `n` isolated lit pixels: `n` differing pixels, none anti-aliased."""
    a = panel(grey(size=size))
    b = a.copy()
    for i in range(n):
        b[2 + (i % 3) * 3, 2 + (i // 3) * 3] = HUE
    return a, b


def test_pixel_budget_boundary() -> None:
    a, b = dots(10)
    result = compare(a, b)
    assert result.diff_pixels == 10 and result.aa_pixels == 0
    assert result.passes(Budget(max_diff_pixels=10, max_diff_ratio=1.0))
    assert not result.passes(Budget(max_diff_pixels=9, max_diff_ratio=1.0))


def test_ratio_budget_boundary() -> None:
    a, b = dots(10)  # 10 of 1000 pixels: exactly 1%
    result = compare(a, b)
    assert result.ratio == 0.01
    assert result.passes(Budget(max_diff_pixels=1000, max_diff_ratio=0.01))
    assert not result.passes(Budget(max_diff_pixels=1000, max_diff_ratio=0.0099))


def test_an_unset_budget_is_ignored_and_set_ones_must_all_hold() -> None:
    a, b = dots(10)
    result = compare(a, b)
    assert not result.passes()  # neither set: no pixel may differ
    assert result.passes(Budget(max_diff_pixels=10))
    assert not result.passes(Budget(max_diff_pixels=9))
    assert result.passes(Budget(max_diff_ratio=1.0))
    assert not result.passes(Budget(max_diff_pixels=10, max_diff_ratio=0.0))  # both set: both hold
    assert not result.passes(Budget(max_diff_pixels=0))


def test_masked_pixels_leave_the_ratios_denominator() -> None:
    a, b = dots(10)
    result = compare(a, b, Budget(masks=((50, 0, 50, 10),)))  # the dots are in the left half
    assert result.diff_pixels == 10 and result.masked_pixels == 500
    assert result.ratio == 10 / 500
    assert result.passes(Budget(max_diff_pixels=10, max_diff_ratio=0.02))
    assert not result.passes(Budget(max_diff_pixels=10, max_diff_ratio=0.019))


def test_passes_uses_the_budget_compared_with_by_default() -> None:
    a, b = dots(3)
    assert compare(a, b, Budget(max_diff_pixels=3, max_diff_ratio=1.0)).passes()
    assert not compare(a, b, Budget(max_diff_pixels=2, max_diff_ratio=1.0)).passes()


# --- the fast path, sizes, messages ----------------------------------------------------------


def test_identical_images_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("identical images must not reach the per-pixel comparison")

    monkeypatch.setattr(compare_module, "_classify", fail)
    a = hud_render(16)
    result = compare(a, a.copy(), Budget(masks=((0, 0, 10, 10),)))
    assert result.identical and result.passes()
    assert (result.diff_pixels, result.aa_pixels, result.mask) == (0, 0, None)
    assert result.total_pixels == 640 * 480 and result.masked_pixels == 100
    assert result.summary().startswith("identical (307200 pixels)")
    with pytest.raises(AssertionError, match="per-pixel"):
        compare(a, np.ascontiguousarray(a[::-1]))


def test_size_mismatch_never_passes() -> None:
    big, small = np.zeros((480, 640, 3), np.uint8), np.zeros((180, 320, 3), np.uint8)
    result = compare(big, small)
    assert result.size_mismatch == ((640, 480), (320, 180))
    assert not result.passes(Budget(max_diff_pixels=10**9, max_diff_ratio=1.0, threshold=1.0, include_aa=True,
                                    masks=((0, 0, 640, 480),)))
    assert result.ratio == 1.0 and result.diff_pixels == 640 * 480
    assert "expected 640x480, actual 320x180" in result.summary()
    assert result.summary().endswith("fails")
    with pytest.raises(ValueError, match="different sizes"):
        diff_image(big, small, result)


def test_summary_line() -> None:
    a, b = PAIRS["word shifted 1 px"]
    result = compare(a, b)
    want = f"{result.diff_pixels} pixels differ ({result.ratio * 100:.2f}%); budget 0 pixels — fails"
    assert result.summary() == want
    excused = compare(a, b, Budget(include_aa=False))
    assert (f"{excused.aa_pixels} anti-aliased ignored; budget 0 pixels, anti-aliasing excused — fails"
            in excused.summary())
    loose = Budget(max_diff_pixels=10**6, max_diff_ratio=1.0, threshold=0.1)
    assert compare(a, b, loose).summary().endswith("budget 1000000 pixels / 100.00%, threshold 0.1 — passes")


def test_summary_never_rounds_a_difference_to_zero_percent() -> None:
    a = np.zeros((480, 640, 3), np.uint8)
    b = a.copy()
    b[100, 100] = HUE
    text = compare(a, b).summary()
    assert text.startswith("1 pixel differs (0.00033%)")


def test_comparison_equality_ignores_the_mask_array() -> None:
    a, b = PAIRS["changed word"]
    one, two = compare(a, b), compare(a, b)
    assert one == two and isinstance(one, Comparison)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"max_diff_pixels": -1}, r"max_diff_pixels must be a whole number >= 0; -1 given"),
    ({"max_diff_pixels": 2.5}, r"max_diff_pixels .* 2.5 given"),
    ({"max_diff_pixels": True}, r"max_diff_pixels .* True given"),
    ({"max_diff_ratio": 1.5}, r"max_diff_ratio must be a fraction from 0 to 1 \(0.01 is 1%\); 1.5 given"),
    ({"max_diff_ratio": -0.1}, r"max_diff_ratio .* -0.1 given"),
    ({"max_diff_ratio": float("nan")}, r"max_diff_ratio .* nan given"),
    ({"threshold": 2}, r"threshold must be from 0 \(exact colours\) to 1; 2 given"),
    ({"threshold": "0.1"}, r"threshold .* '0.1' given"),
    ({"include_aa": 1}, r"include_aa must be True or False; 1 given"),
    ({"masks": (1, 2, 3, 4)}, r"mask 0 must be \(x, y, w, h\).*; 1 given"),
    ({"masks": ((0, 0, 10),)}, r"mask 0 must be \(x, y, w, h\).*; \(0, 0, 10\) given"),
    ({"masks": ((0, 0, 10, 10), (-1, 0, 5, 5))}, r"mask 1 .* x and y >= 0.*; \(-1, 0, 5, 5\) given"),
    ({"masks": ((0, 0, 0, 5),)}, r"mask 0 .* w and h > 0; \(0, 0, 0, 5\) given"),
    ({"masks": ((0, 0, 2.5, 5),)}, r"mask 0 .*integers.*2.5"),
    ({"masks": "0,0,5,5"}, r"masks must be a sequence of \(x, y, w, h\) rectangles; '0,0,5,5' given"),
])
def test_budget_validation_says_what_was_given(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Budget(**kwargs)  # type: ignore[arg-type]


def test_budget_accepts_lists_and_rects_and_stays_hashable() -> None:
    budget = Budget(max_diff_pixels=np.int64(3), masks=[[1, 2, 3, 4], pygame.Rect(5, 6, 7, 8)])  # type: ignore[arg-type]
    assert budget.masks == ((1, 2, 3, 4), (5, 6, 7, 8))
    assert type(budget.max_diff_pixels) is int
    assert hash(budget) == hash(Budget(max_diff_pixels=3, masks=((1, 2, 3, 4), (5, 6, 7, 8))))


@pytest.mark.parametrize(("image", "error", "message"), [
    ([[0, 0, 0]], TypeError, r"expected must be a numpy array .* list given"),
    (np.zeros((4, 4), np.uint8), ValueError,
     r"expected must be an H x W x 3 \(RGB\) or H x W x 4 \(RGBA\) uint8 array; shape \(4, 4\)"),
    (np.zeros((4, 4, 2), np.uint8), ValueError, r"shape \(4, 4, 2\) uint8 given"),
    (np.zeros((4, 4, 4), np.uint16), ValueError, r"shape \(4, 4, 4\) uint16 given"),
    (np.zeros((4, 4, 3), np.float32), ValueError, r"shape \(4, 4, 3\) float32 given"),
    (np.zeros((0, 4, 3), np.uint8), ValueError, r"expected is empty"),
])
def test_bad_images_are_rejected(image: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        compare(image, np.zeros((4, 4, 3), np.uint8))  # type: ignore[arg-type]
