"""Output at the edges: PNG files (through Pillow, with fixed settings) and fitting into a window."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from hud.pg import pygame


def to_image(surface: pygame.Surface) -> Image.Image:
    return Image.frombytes("RGB", surface.get_size(), pygame.image.tobytes(surface, "RGB"))


def save_png(surface: pygame.Surface, path: str | Path) -> Path:
    """Write `surface` as an RGB PNG (parent folders created). Never called inside a frame loop."""
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
