"""Screenshot comparison: pixelmatch's per-pixel test, vectorised, exact unless a budget says otherwise.

Why pixelmatch (mapbox/pixelmatch): it is the reference other screenshot tools use, so counts can
be cross-checked (tests/test_compare.py checks ours against the `pixelmatch` package, pixel for
pixel), and its two tolerances are available when a team wants them: a perceptual colour
`threshold` (YIQ delta) and anti-aliasing detection. Here it runs in numpy: an exact byte compare
first, then the colour delta for the differing pixels only, then (when asked) the anti-aliasing
test for the pixels over the threshold only.

The default Budget() is exact: any pixel whose bytes differ counts. Renders are deterministic
(pinned pygame, portable smoothscale), so a golden is either matched or something changed. Both
of pixelmatch's tolerances were measured hiding the changes a HUD team must see:

- `threshold` (pixelmatch's default 0.1) hides every change whose colour delta is below it. In our
  hue (#3CFA44) one step of a 16-level panel (grey 255 -> 238) equals a threshold of only
  0.045-0.048, so 0.1 hides one AND two steps of grey (three show); on a 256-level panel one unit
  equals 0.0013-0.0038. Default here: 0.0, which hides nothing.
- anti-aliasing detection (pixelmatch's default, `include_aa=False`) excuses a changed pixel that
  sits on a soft edge next to a flat region. The HUD's strokes are all soft-edged (supersampled
  icons, anti-aliased text), and a one-pixel move changes only edge pixels: a 40 px turn arrow
  moved right by one pixel leaves 1 counted pixel and 171 excused ones, and 5 of 420 icon/size/
  direction cases leave none (e.g. "left" at 32 px moved down). Default here: `include_aa=True`
  (count them).

Either tolerance is an explicit, visible choice: `summary()` names it.

Images are H x W x 3 (RGB) or H x W x 4 (RGBA) uint8, so screenshots from other glasses
simulators compare too (Even Hub's are 576x288 RGBA: lit pixels green, alpha = light). RGB against
RGBA promotes the RGB one to opaque RGBA (alpha 255), which is what an image without alpha is.
Alpha is handled exactly as pixelmatch 5.x and 6.x do: before the colour delta and the
anti-aliasing brightness test, a pixel with alpha < 255 is blended with white
(`c = 255 + (c - 255) * a / 255`); "same colour" for the anti-aliasing sibling test compares all
four bytes; the diff image's grey is the luma of the stored RGB faded by `alpha * a / 255` (a
transparent expected pixel draws white). So with RGBA "exact" means exact after the blend: a fully
transparent pixel equals opaque white and any other fully transparent pixel, as in pixelmatch.

Which pixelmatch: counts and diff images equal those of pixelmatch 5.x and 6.x (checked against
the JavaScript 5.3.0 and 6.0.0 on 100 RGB and RGBA pairs at thresholds 0/0.1/0.3 with and
without anti-aliasing detection, all 600 settings, diff images byte for byte, and in
tests/test_compare.py against the Python port `pixelmatch` 0.4.0, which follows 5.x). Newer ones
differ: 7.x blends semi-transparent pixels over a pattern of 48/207 per channel that varies
with the pixel's offset instead of white (7.2's `checkerboard: false` restores white and agrees
again); opaque images agree. 8.0 measures colour difference as HyAB distance in OKLab (threshold 1
= black against white, no longer YIQ), so its counts differ at thresholds above 0; at 0 they
agreed on every pair tried.

Budgets: `max_diff_pixels` and `max_diff_ratio` are each optional (None: not set). With neither
set, no pixel may differ; with one set, that one decides; with both set, both must hold (the rule
Playwright's `toHaveScreenshot` uses). A budget is never looser than it reads.
A size mismatch never passes. Masks (x, y, w, h) remove their pixels from the count and from
the ratio's denominator; pixels outside them get exactly the verdict they get without masks.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["AA", "DIFF", "SAME", "Budget", "Comparison", "compare", "diff_image"]

SAME, DIFF, AA = 0, 1, 2  # values in Comparison.mask
MAX_YIQ_DELTA = 35215  # the largest possible YIQ delta (black against white), pixelmatch's scale

Rect = tuple[int, int, int, int]

# A 5x5 patch around a pixel, row by row; cell (dy, dx) is at 5 * (dy + 2) + dx + 2.
_PY, _PX = (a.ravel() for a in np.mgrid[-2:3, -2:3])
_CENTRE = 12
_STEPS = [(dy, dx) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy]
# The 8 neighbours in pixelmatch's scan order (x outer, y inner): the order decides which of two
# equally bright neighbours the anti-aliasing test looks at next.
_NEAR = np.array([5 * (dy + 2) + dx + 2 for dy, dx in _STEPS])
_INNER = np.array([_CENTRE, *_NEAR])  # the 3x3, centre first
# For each of those 8, the cells of its own 8 neighbours (all inside the 5x5 patch).
_AROUND = np.array([[5 * (dy + ey + 2) + dx + ex + 2 for ey, ex in _STEPS] for dy, dx in _STEPS])
# Candidates are tested in chunks, so a frame where every pixel changed needs bounded memory.
_CHUNK = 1 << 15


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_fraction(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and 0 <= float(value) <= 1


@dataclass(frozen=True)
class Budget:
    """How much difference a screenshot may show and still pass (see the module docstring)."""

    max_diff_pixels: int | None = None  # None: not set (with neither set, no pixel may differ)
    max_diff_ratio: float | None = None
    threshold: float = 0.0  # pixelmatch's is 0.1: it hides two grey steps (module docstring)
    include_aa: bool = True  # pixelmatch's is False: excusing soft edges can hide a moved arrow
    masks: tuple[Rect, ...] = ()

    def __post_init__(self) -> None:
        if self.max_diff_pixels is not None and (not _is_int(self.max_diff_pixels) or self.max_diff_pixels < 0):
            raise ValueError(f"max_diff_pixels must be a whole number >= 0; {self.max_diff_pixels!r} given")
        if self.max_diff_ratio is not None and not _is_fraction(self.max_diff_ratio):
            raise ValueError(f"max_diff_ratio must be a fraction from 0 to 1 (0.01 is 1%); "
                             f"{self.max_diff_ratio!r} given")
        if not _is_fraction(self.threshold):
            raise ValueError(f"threshold must be from 0 (exact colours) to 1; {self.threshold!r} given")
        if not isinstance(self.include_aa, bool):
            raise ValueError(f"include_aa must be True or False; {self.include_aa!r} given")
        if isinstance(self.masks, str | bytes) or not isinstance(self.masks, Sequence):
            raise ValueError(f"masks must be a sequence of (x, y, w, h) rectangles; {self.masks!r} given")
        masks = []
        for n, mask in enumerate(self.masks):
            try:
                values = tuple(mask)
            except TypeError:
                values = ()
            if (len(values) != 4 or not all(_is_int(v) for v in values)
                    or values[0] < 0 or values[1] < 0 or values[2] <= 0 or values[3] <= 0):
                raise ValueError(f"mask {n} must be (x, y, w, h): integers, x and y >= 0, w and h > 0; "
                                 f"{mask!r} given")
            masks.append(tuple(int(v) for v in values))
        if self.max_diff_pixels is not None:
            object.__setattr__(self, "max_diff_pixels", int(self.max_diff_pixels))
        object.__setattr__(self, "masks", tuple(masks))

    def describe(self) -> str:
        """The budget in words, naming every tolerance that is on."""
        limits = []
        if self.max_diff_pixels is not None or self.max_diff_ratio is None:
            limits.append(f"{self.max_diff_pixels or 0} pixels")
        if self.max_diff_ratio is not None:
            limits.append(_percent(self.max_diff_ratio))
        text = "budget " + " / ".join(limits)
        if self.threshold:
            text += f", threshold {self.threshold:g}"
        if not self.include_aa:
            text += ", anti-aliasing excused"
        return text


@dataclass(frozen=True)
class Comparison:
    """What `compare` found. `mask` is HxW uint8 (SAME, DIFF, AA); None when nothing was computed."""

    identical: bool
    diff_pixels: int
    aa_pixels: int
    total_pixels: int
    masked_pixels: int
    size_mismatch: tuple[tuple[int, int], tuple[int, int]] | None  # ((w, h) expected, (w, h) actual)
    mask: np.ndarray | None = field(default=None, compare=False, repr=False)
    budget: Budget = field(default_factory=Budget)  # the one compared with: its masks, its default verdict

    @property
    def ratio(self) -> float:
        """Differing pixels over the pixels compared (masked pixels are not compared)."""
        counted = self.total_pixels - self.masked_pixels
        return self.diff_pixels / counted if counted > 0 else 0.0

    def passes(self, budget: Budget | None = None) -> bool:
        """Every budget that is set holds (none set: no pixel differs), and the sizes match."""
        budget = budget or self.budget
        if self.size_mismatch is not None:
            return False
        if budget.max_diff_pixels is None and budget.max_diff_ratio is None:
            return self.diff_pixels == 0
        return ((budget.max_diff_pixels is None or self.diff_pixels <= budget.max_diff_pixels)
                and (budget.max_diff_ratio is None or self.ratio <= budget.max_diff_ratio))

    def summary(self, budget: Budget | None = None) -> str:
        """One line for a test report: what differs, what was excused, the budget, the verdict."""
        budget = budget or self.budget
        if self.size_mismatch is not None:
            (ew, eh), (aw, ah) = self.size_mismatch
            return f"size differs: expected {ew}x{eh}, actual {aw}x{ah}; a size change never passes — fails"
        if self.identical:
            head = f"identical ({self.total_pixels} pixels)"
        else:
            noun = "pixel differs" if self.diff_pixels == 1 else "pixels differ"
            head = f"{self.diff_pixels} {noun} ({_percent(self.ratio)})"
        if self.aa_pixels:
            head += f", {self.aa_pixels} anti-aliased ignored"
        if self.masked_pixels:
            head += f", {self.masked_pixels} masked"
        verdict = "passes" if self.passes(budget) else "fails"
        return f"{head}; {budget.describe()} — {verdict}"


def _percent(fraction: float) -> str:
    """Two decimals, but never rounds a non-zero share to "0.00%" (one pixel in a million shows)."""
    pct = fraction * 100
    return f"{pct:.2g}%" if 0 < pct < 0.01 else f"{pct:.2f}%"


def _check_image(name: str, image: Any) -> None:
    if not isinstance(image, np.ndarray):
        raise TypeError(f"{name} must be a numpy array (H x W x 3 or 4, uint8); {type(image).__name__} given")
    if image.ndim != 3 or image.shape[2] not in (3, 4) or image.dtype != np.uint8:
        raise ValueError(f"{name} must be an H x W x 3 (RGB) or H x W x 4 (RGBA) uint8 array; "
                         f"shape {image.shape} {image.dtype} given")
    if image.size == 0:
        raise ValueError(f"{name} is empty (shape {image.shape}): there is nothing to compare")


def _opaque(image: np.ndarray) -> np.ndarray:
    """RGB as RGBA with alpha 255: what pixelmatch would be given for an image without alpha."""
    out = np.empty((*image.shape[:2], 4), np.uint8)
    out[:, :, :3] = image
    out[:, :, 3] = 255
    return out


def _same_channels(expected: np.ndarray, actual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RGB against RGBA: the RGB one is promoted to opaque RGBA (an image without alpha is opaque)."""
    if expected.shape[2] == 3 and actual.shape[2] == 4:
        return _opaque(expected), actual
    if expected.shape[2] == 4 and actual.shape[2] == 3:
        return expected, _opaque(actual)
    return expected, actual


def compare(expected: np.ndarray, actual: np.ndarray, budget: Budget | None = None) -> Comparison:
    """Compare two H x W x 3 (RGB) or x 4 (RGBA) uint8 images the way pixelmatch 5.x/6.x does (plus
    masks); never raises on content. RGB against RGBA compares the RGB one as opaque RGBA."""
    budget = budget or Budget()
    _check_image("expected", expected)
    _check_image("actual", actual)
    expected, actual = _same_channels(expected, actual)
    h, w = expected.shape[:2]
    total = h * w
    if expected.shape != actual.shape:
        ah, aw = actual.shape[:2]
        worst = max(total, ah * aw)  # counts that fail whoever reads only them
        return Comparison(False, worst, 0, worst, 0, ((w, h), (aw, ah)), None, budget)
    masked = _mask_map(budget.masks, h, w)
    masked_pixels = int(np.count_nonzero(masked)) if masked is not None else 0
    pixels = _Pixels(expected, actual)
    if np.array_equal(pixels.a, pixels.b):
        return Comparison(True, 0, 0, total, masked_pixels, None, None, budget)
    ys, xs, aa = _classify(pixels, budget.threshold, budget.include_aa, masked)
    mask = np.zeros((h, w), np.uint8)
    mask[ys, xs] = np.where(aa, AA, DIFF)
    aa_count = int(np.count_nonzero(aa))
    return Comparison(False, len(ys) - aa_count, aa_count, total, masked_pixels, None, mask, budget)


def _mask_map(masks: tuple[Rect, ...], h: int, w: int) -> np.ndarray | None:
    """True where a mask covers the image (rectangles past the edge are clipped; overlaps count once)."""
    if not masks:
        return None
    out = np.zeros((h, w), bool)
    for x, y, mw, mh in masks:
        out[y:y + mh, x:x + mw] = True
    return out


class _Pixels:
    """Both images as N x C views in memory order (C = 3 or 4), plus how (y, x) maps to a row of them.

    Why: a flat byte compare and `np.take` are many times faster than comparing over the channel
    axis or fancy-indexing in 2D. Row-major arrays (PNG files, `pygame.image.tobytes`) and
    column-major ones (`pygame.surfarray`) are both used without a copy when both images share
    the layout; otherwise they are copied to row-major once.
    """

    def __init__(self, expected: np.ndarray, actual: np.ndarray) -> None:
        self.h, self.w, self.channels = expected.shape
        la, lb = self._flat(expected), self._flat(actual)
        if la is None or lb is None or la[1:] != lb[1:]:
            la, lb = self._flat(np.ascontiguousarray(expected)), self._flat(np.ascontiguousarray(actual))
        assert la is not None and lb is not None
        self.a, self.b = la[0], lb[0]
        self.row_step, self.col_step = la[1], la[2]

    def _flat(self, img: np.ndarray) -> tuple[np.ndarray, int, int] | None:
        if img.flags.c_contiguous:
            return img.reshape(-1, self.channels), self.w, 1
        if img.swapaxes(0, 1).flags.c_contiguous:
            return img.swapaxes(0, 1).reshape(-1, self.channels), 1, self.h
        return None

    def differing(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows and columns of the pixels whose bytes differ."""
        index = np.flatnonzero(self.a.reshape(-1) != self.b.reshape(-1)) // self.channels
        if len(index) > 1:  # the channels of one pixel give one index (they come sorted)
            first = np.empty(len(index), bool)
            first[0] = True
            np.not_equal(index[1:], index[:-1], out=first[1:])
            index = index[first]
        if self.col_step == 1:
            ys, xs = np.divmod(index, self.row_step)
        else:
            xs, ys = np.divmod(index, self.col_step)
        return ys, xs

    def index(self, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
        flat: np.ndarray = ys * self.row_step + xs * self.col_step
        return flat


def _classify(pixels: _Pixels, threshold: float, include_aa: bool,
              masked: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pixels over the threshold (row and column indices) and which of them are anti-aliasing."""
    ys, xs = pixels.differing()
    if masked is not None:
        keep = ~masked[ys, xs]
        ys, xs = ys[keep], xs[keep]
    # Same expression as pixelmatch, so the float comparison at the boundary agrees too.
    max_delta = MAX_YIQ_DELTA * threshold * threshold
    index = pixels.index(ys, xs)
    over = _colour_delta(np.take(pixels.a, index, axis=0), np.take(pixels.b, index, axis=0)) > max_delta
    ys, xs = ys[over], xs[over]
    aa = np.zeros(len(ys), bool)
    if not include_aa:
        for start in range(0, len(ys), _CHUNK):
            part = slice(start, start + _CHUNK)
            aa[part] = _antialiased(pixels, ys[part], xs[part])
    return ys, xs, aa


def _luma(px: np.ndarray) -> np.ndarray:
    """pixelmatch's rgb2y of the stored R, G, B (alpha ignored), operation for operation (float64).

    Used as is for the diff image's grey (pixelmatch's drawGrayPixel); comparisons use `_brightness`.
    """
    r, g, b = (px[..., c].astype(np.float64) for c in range(3))
    return r * 0.29889531 + g * 0.58662247 + b * 0.11448223


def _blended(px: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R, G, B as pixelmatch 5.x/6.x's colorDelta sees them (float64): blended with white by alpha.

    pixelmatch: `if (a < 255) { a /= 255; r = 255 + (r - 255) * a; ... }`. Here every pixel is
    blended: for a = 255 the factor is exactly 1.0 and every step is exact, so opaque pixels come
    out unchanged, bit for bit, and the float results agree with pixelmatch's everywhere.
    """
    r, g, b = (px[..., c].astype(np.float64) for c in range(3))
    if px.shape[-1] == 3:
        return r, g, b
    a = px[..., 3] / 255.0
    return 255 + (r - 255) * a, 255 + (g - 255) * a, 255 + (b - 255) * a


def _brightness(px: np.ndarray) -> np.ndarray:
    """pixelmatch's `colorDelta(..., yOnly)` operand: rgb2y of the alpha-blended colour."""
    r, g, b = _blended(px)
    return r * 0.29889531 + g * 0.58662247 + b * 0.11448223


def _colour_delta(p1: np.ndarray, p2: np.ndarray) -> np.ndarray:
    """pixelmatch 5.x/6.x's colorDelta (its magnitude): squared YIQ distance of the blended colours, weighted."""
    r1, g1, b1 = _blended(p1)
    r2, g2, b2 = _blended(p2)
    y = (r1 * 0.29889531 + g1 * 0.58662247 + b1 * 0.11448223) - (r2 * 0.29889531 + g2 * 0.58662247 + b2 * 0.11448223)
    i = (r1 * 0.59597799 - g1 * 0.27417610 - b1 * 0.32180189) - (r2 * 0.59597799 - g2 * 0.27417610 - b2 * 0.32180189)
    q = (r1 * 0.21147017 - g1 * 0.52261711 + b1 * 0.31114694) - (r2 * 0.21147017 - g2 * 0.52261711 + b2 * 0.31114694)
    return 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q


def _antialiased(pixels: _Pixels, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """pixelmatch's `antialiased(img1, ...) or antialiased(img2, ...)` for K pixels at once.

    A pixel is anti-aliasing in an image when at most two neighbours share its brightness, it
    has both a brighter and a darker neighbour, and the brightest or the darkest of them has 3+
    identical siblings in both images (it is inside a flat region, the pixel on its edge).
    """
    h, w = pixels.h, pixels.w
    ny, nx = ys[:, None] + _PY[_INNER], xs[:, None] + _PX[_INNER]
    valid = ((ny >= 0) & (ny < h) & (nx >= 0) & (nx < w))[:, 1:]
    # pixelmatch counts a border pixel as having one equal sibling already.
    border = (ys == 0) | (ys == h - 1) | (xs == 0) | (xs == w - 1)
    index = pixels.index(np.clip(ny, 0, h - 1), np.clip(nx, 0, w - 1))
    slopes = [_slope(_brightness(np.take(img, index, axis=0)), valid, border) for img in (pixels.a, pixels.b)]
    out = np.zeros(len(ys), bool)
    k = np.flatnonzero(slopes[0][0] | slopes[1][0])
    if len(k):
        many = _many_siblings(pixels, ys[k], xs[k])
        rows = np.arange(len(k))
        for possible, lo, hi in slopes:
            out[k] |= possible[k] & (many[rows, lo[k]] | many[rows, hi[k]])
    return out


def _slope(luma: np.ndarray, valid: np.ndarray, border: np.ndarray) -> tuple[np.ndarray, ...]:
    """From the 3x3 brightness (centre first): which pixels may be anti-aliasing, and the
    neighbours (0..7) to test next: the brightest and the darkest, the first in scan order."""
    delta = luma[:, :1] - luma[:, 1:]
    zeroes = border + np.count_nonzero((delta == 0) & valid, axis=1)
    brighter = np.where(valid & (delta < 0), delta, 0.0)  # pixelmatch's "min"
    darker = np.where(valid & (delta > 0), delta, 0.0)  # pixelmatch's "max"
    lo, hi = brighter.argmin(axis=1), darker.argmax(axis=1)
    rows = np.arange(len(delta))
    return (zeroes <= 2) & (brighter[rows, lo] < 0) & (darker[rows, hi] > 0), lo, hi


def _many_siblings(pixels: _Pixels, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """pixelmatch's `hasManySiblings`, in both images, for the 8 neighbours of each pixel (K x 8).

    Reads the 5x5 around each pixel: the 3x3 around each neighbour lies inside it.
    """
    h, w = pixels.h, pixels.w
    py, px = ys[:, None] + _PY, xs[:, None] + _PX
    inside = ((py >= 0) & (py < h) & (px >= 0) & (px < w))[:, _AROUND]
    border = ((py == 0) | (py == h - 1) | (px == 0) | (px == w - 1))[:, _NEAR]
    index = pixels.index(np.clip(py, 0, h - 1), np.clip(px, 0, w - 1))
    out = np.ones((len(ys), 8), bool)
    for img in (pixels.a, pixels.b):
        packed = _pack(np.take(img, index, axis=0))
        same = (packed[:, _AROUND] == packed[:, _NEAR][:, :, None]) & inside
        out &= border + np.count_nonzero(same, axis=2) > 2
    return out


def _pack(px: np.ndarray) -> np.ndarray:
    """One int per colour, so "same colour" is one comparison (alpha included, as pixelmatch's
    hasManySiblings compares all four bytes, not the blended colour)."""
    packed: np.ndarray = (px[..., 0].astype(np.int64) << 16) | (px[..., 1].astype(np.int64) << 8) | px[..., 2]
    if px.shape[-1] == 4:
        packed = (packed << 8) | px[..., 3]
    return packed


def diff_image(expected: np.ndarray, actual: np.ndarray, comparison: Comparison, alpha: float = 0.1) -> np.ndarray:
    """pixelmatch's diff output: expected as faded grey, red differences, yellow anti-aliasing; masks blue.

    Unmasked pixels are byte-identical to pixelmatch 5.x/6.x's output (same `alpha`; written to a
    Uint8Array or Buffer, which truncate, as the Python port's int() does). Always H x W x 3:
    pixelmatch's output is opaque (alpha 255 everywhere), whatever the inputs. Why faded: the red
    must be the only thing that catches the eye, the grey only says where it is.
    """
    _check_image("expected", expected)
    _check_image("actual", actual)
    expected, actual = _same_channels(expected, actual)
    if comparison.size_mismatch is not None or expected.shape != actual.shape:
        raise ValueError(f"no diff image for images of different sizes: {comparison.summary()}")
    if comparison.mask is not None and comparison.mask.shape != expected.shape[:2]:
        raise ValueError(f"comparison is for {comparison.mask.shape[1]}x{comparison.mask.shape[0]} images; "
                         f"these are {expected.shape[1]}x{expected.shape[0]}")
    # pixelmatch's drawGrayPixel: the luma of the stored RGB, faded towards white by alpha * a / 255,
    # so a transparent pixel of expected draws white.
    opacity = expected[:, :, 3].astype(np.float64) if expected.shape[2] == 4 else 255
    weight = alpha * opacity / 255
    grey = (255 + (_luma(expected) - 255) * weight).astype(np.uint8)  # truncates, like pixelmatch's int()
    out = np.repeat(grey[:, :, None], 3, axis=2)
    h, w = grey.shape
    masked = _mask_map(comparison.budget.masks, h, w)
    if masked is not None:
        out[masked, :2] //= 2
        out[masked, 2] = 255
    if comparison.mask is not None:
        out[comparison.mask == DIFF] = (255, 0, 0)
        out[comparison.mask == AA] = (255, 255, 0)
    return out

