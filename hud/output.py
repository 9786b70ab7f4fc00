"""Output at the edges: PNG and JPEG files (through Pillow, with fixed settings) and fitting into a window."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from hud.pg import pygame


def to_image(surface: pygame.Surface) -> Image.Image:
    return Image.frombytes("RGB", surface.get_size(), pygame.image.tobytes(surface, "RGB"))


# What `save_image` writes, by the file's extension (lower-cased).
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
# Fixed, so the same frame gives the same file. 92 with 4:4:4 chroma: the HUD is thin coloured
# strokes on black, and Pillow's defaults (75, 4:2:0) smear the green of small text into its edges.
JPEG_QUALITY = 92
JPEG_SUBSAMPLING = 0  # Pillow's code for 4:4:4 (no chroma subsampling)


def image_format(path: str | Path) -> str:
    """Pillow's format name for `path`'s extension; a clear error for any other extension.

    Why refuse instead of defaulting to PNG: `--out shot.jpg` used to write PNG bytes under a
    .jpg name, which viewers and uploaders then misread.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in IMAGE_FORMATS:
        supported = ", ".join(IMAGE_FORMATS)
        raise ValueError(f"can't write {str(path)!r}: the extension must be one of {supported} "
                         f"(PNG or JPEG); {suffix or 'no extension'} given")
    return IMAGE_FORMATS[suffix]


def save_image(surface: pygame.Surface, path: str | Path) -> Path:
    """Write `surface` as PNG or JPEG, chosen by the extension (see IMAGE_FORMATS); parent folders
    created. For paths the user names (`--out`). Never called inside a frame loop."""
    path = Path(path)
    if image_format(path) == "PNG":
        return save_png(surface, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    to_image(surface).save(path, format="JPEG", quality=JPEG_QUALITY, subsampling=JPEG_SUBSAMPLING)
    return path


def save_png(surface: pygame.Surface, path: str | Path) -> Path:
    """Write `surface` as an RGB PNG (parent folders created), whatever the name says: for paths
    hud chooses itself; for a user's path use `save_image`. Never called inside a frame loop."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    to_image(surface).save(path, format="PNG", compress_level=6)
    return path


def load_png(path: str | Path) -> pygame.Surface:
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        return pygame.image.frombytes(rgb.tobytes(), rgb.size, "RGB")


def fit(content: tuple[int, int], window: tuple[int, int]) -> pygame.Rect:
    """The largest rectangle of `content`'s aspect ratio centred in `window` (letterboxed)."""
    cw, ch = content
    ww, wh = window
    scale = min(ww / cw, wh / ch)
    w, h = max(1, round(cw * scale)), max(1, round(ch * scale))
    return pygame.Rect((ww - w) // 2, (wh - h) // 2, w, h)


def parse_size(text: str) -> tuple[int, int]:
    """'1280x720' -> (1280, 720), with a clear error for anything else."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"size must be WIDTHxHEIGHT like 1280x720; {text!r} given") from None
    if not (16 <= w <= 7680 and 16 <= h <= 4320):
        raise ValueError(f"size must be between 16x16 and 7680x4320; {text!r} given")
    return w, h
