"""Checking a screenshot against its golden PNG, and keeping a record of what happened.

Shared by the pytest plugin and `python main.py snap`: both call `SnapshotChecker.check`.
Failures leave evidence in the report folder (expected, actual, diff and a strip of the three)
plus one JSON record each, so the report can be assembled by whichever process runs last, which
is what makes it work under pytest-xdist.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import PIL
from PIL import Image

from hud import diskcache
from hud.testing.compare import Budget, Comparison, compare, diff_image

Status = Literal["passed", "failed", "missing", "written", "updated"]


def read_png(path: Path | bytes) -> np.ndarray:
    """H x W x 3 RGB, or H x W x 4 RGBA when the file carries transparency (`path` may be the file's bytes).

    Why keep alpha: a golden from another simulator (Even Hub's screenshots are RGBA, alpha =
    light) must be compared with its alpha, which `compare` blends as pixelmatch does; dropping
    it would compare the hidden colour of transparent pixels. hud's own goldens are RGB.
    """
    with Image.open(io.BytesIO(path) if isinstance(path, bytes) else path) as image:
        return np.asarray(image.convert("RGBA" if image.has_transparency_data else "RGB"))


def pixels_digest(array: np.ndarray) -> str:
    """SHA-256 of an image's shape, type and bytes: equal digests, identical images."""
    digest = hashlib.sha256(f"{array.shape}{array.dtype.str}".encode())
    digest.update(np.ascontiguousarray(array).data)
    return digest.hexdigest()


class KnownGoldens:
    """Which decoded pixels each golden PNG holds, as a digest kept in the user's cache (`hud.diskcache`).

    Why: decoding a golden is about 3 ms of a 5 ms check (zlib inflating 0.9 MB), and most checks
    end with the image identical to it. A golden file whose bytes were decoded before is known by
    the digest of its pixels, so an actual image with that digest is identical without decoding;
    any other image, or a golden never seen, is decoded and compared as always. Keyed by the PNG's
    bytes and the decoder's version: an edited golden is a new key. `HUD_NO_CACHE=1` turns it off.
    """

    FORMAT = "golden-pixels 1"

    @staticmethod
    def _where(golden: Path, data: bytes) -> tuple[str, str]:
        name = "golden-" + diskcache.content_key(str(golden.resolve()))[:24]
        return name, diskcache.content_key(KnownGoldens.FORMAT, PIL.__version__, data)

    def identical(self, golden: Path, data: bytes, actual: np.ndarray) -> bool:
        """Whether `actual` is the image the golden's bytes `data` decode to, as far as the cache knows."""
        found = diskcache.load(*self._where(golden, data))
        known = found[0] if found is not None else None
        return isinstance(known, dict) and known.get("pixels") == pixels_digest(actual)

    def remember(self, golden: Path, data: bytes, expected: np.ndarray) -> None:
        diskcache.store(*self._where(golden, data), {"pixels": pixels_digest(expected)}, {})


def write_png(array: np.ndarray, path: Path) -> Path:
    """Write an H x W x 3 (RGB) or x 4 (RGBA) array as a PNG of that mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array, "RGBA" if array.shape[2] == 4 else "RGB").save(path, format="PNG", compress_level=6)
    return path


def strip(expected: np.ndarray, actual: np.ndarray, diff: np.ndarray) -> np.ndarray:
    """expected | actual | diff side by side, separated by grey gutters (sizes may differ).

    RGBA when any of the three is RGBA (the others opaque), so a transparent golden stays visible as such.
    """
    images = (expected, actual, diff)
    channels = max(a.shape[2] for a in images)
    fill = (96, 96, 96, 255)[:channels]
    h = max(a.shape[0] for a in images)
    gutter = np.full((h, 8, channels), fill, np.uint8)
    parts = []
    for a in images:
        pad = np.full((h, a.shape[1], channels), fill, np.uint8)
        pad[: a.shape[0], :, : a.shape[2]] = a
        parts.extend([pad, gutter])
    return np.concatenate(parts[:-1], axis=1)


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:120] or "snapshot"


@dataclass
class CheckResult:
    name: str
    test: str
    golden: str
    status: Status
    message: str
    ms: float = 0.0
    images: dict[str, str] = field(default_factory=dict)  # expected, actual, diff, strip -> paths

    @property
    def ok(self) -> bool:
        return self.status in ("passed", "written", "updated")


class SnapshotChecker:
    """Compares images with goldens; `update` writes new and changed goldens instead of failing."""

    def __init__(self, report_dir: Path, update: bool = False, default_budget: Budget | None = None) -> None:
        self.report_dir = report_dir
        self.update = update
        self.default_budget = default_budget or Budget()
        self.results: list[CheckResult] = []
        self.known = KnownGoldens()

    def check(self, actual: np.ndarray, golden: Path, *, name: str, test: str = "",
              budget: Budget | None = None, record_command: str = "", started: float | None = None) -> CheckResult:
        """Compare `actual` (H x W x 3 or 4) with the golden; failures leave evidence and a record.

        `started`: the caller's `time.perf_counter()` when its check began, so work done before
        this call (rendering the screenshot) is in `ms`; by default the time starts here. `ms` is
        set before the record is written: the report reads its timings from the records.
        """
        start = time.perf_counter() if started is None else started
        budget = budget or self.default_budget
        if not golden.exists():
            if self.update:
                write_png(actual, golden)
                result = CheckResult(name, test, str(golden), "written", f"wrote new golden {golden}")
            else:
                how = f"; create it with: {record_command}" if record_command else ""
                result = CheckResult(name, test, str(golden), "missing", f"missing golden {golden}{how}")
                result.images = self._evidence(name, None, actual, None)
        else:
            data = golden.read_bytes()
            # The golden's pixels known by their digest need no decoding.
            expected = actual if self.known.identical(golden, data, actual) else read_png(data)
            comparison = compare(expected, actual, budget)
            if comparison.identical and expected is not actual:
                self.known.remember(golden, data, expected)
            if comparison.passes(budget):
                result = CheckResult(name, test, str(golden), "passed", comparison.summary(budget))
            elif self.update:
                write_png(actual, golden)
                result = CheckResult(name, test, str(golden), "updated",
                                     f"updated golden {golden}: {comparison.summary(budget)}")
            else:
                result = CheckResult(name, test, str(golden), "failed", f"{name}: {comparison.summary(budget)}")
                result.images = self._evidence(name, expected, actual, comparison)
        result.ms = (time.perf_counter() - start) * 1000
        if not result.ok:
            self._record(result)
        self.results.append(result)
        return result

    def _evidence(self, name: str, expected: np.ndarray | None, actual: np.ndarray,
                  comparison: Comparison | None) -> dict[str, str]:
        stem = f"{safe_name(name)}-{uuid.uuid4().hex[:6]}"
        folder = self.report_dir / "images"
        images = {"actual": str(write_png(actual, folder / f"{stem}-actual.png"))}
        if expected is not None and comparison is not None:
            images["expected"] = str(write_png(expected, folder / f"{stem}-expected.png"))
            if comparison.size_mismatch is None:
                diff = diff_image(expected, actual, comparison)
                images["diff"] = str(write_png(diff, folder / f"{stem}-diff.png"))
                images["strip"] = str(write_png(strip(expected, actual, diff), folder / f"{stem}-strip.png"))
        return images

    def _record(self, result: CheckResult) -> None:
        folder = self.report_dir / "records"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{uuid.uuid4().hex}.json").write_text(json.dumps(asdict(result)), encoding="utf-8")


def load_records(report_dir: Path) -> list[CheckResult]:
    folder = report_dir / "records"
    records = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        records.append(CheckResult(**json.loads(path.read_text(encoding="utf-8"))))
    return sorted(records, key=lambda r: (r.test, r.name))
