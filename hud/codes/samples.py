"""Codes to look at: frames with generated QR and EAN-13 codes, for the tests, `bench --codes` and
the README's demo code (`docs/demo-pay-qr.png`), written by zxing-cpp's own writer."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hud.pg import pygame

__all__ = ["CAFE_PAYLOAD", "Placed", "code_pixels", "frame_with", "write_demo_qr"]

#: The built-in scene's café counter code (README "The camera").
CAFE_PAYLOAD = "hudpay://merchant=Blue%20Bottle%20Coffee&amount=32.00&currency=CNY"

#: (kind "qr" or "ean13", text, pixels per module, top-left (x, y) in the frame)
Placed = tuple[str, str, int, tuple[int, int]]


def code_pixels(kind: str, text: str, module: int) -> np.ndarray:
    """The code as a grey image (rows, columns; 0 black, 255 white) with its quiet zone, `module`
    pixels per module (EAN-13 bars are 60 modules tall)."""
    import zxingcpp

    fmt = zxingcpp.BarcodeFormat.QRCode if kind == "qr" else zxingcpp.BarcodeFormat.EAN13
    image = np.asarray(zxingcpp.create_barcode(text, fmt).to_image(scale=1))
    if kind != "qr":
        image = np.repeat(image[:1], 60, axis=0)
    return np.repeat(np.repeat(image, module, axis=0), module, axis=1)


def frame_with(placed: list[Placed], size: tuple[int, int] = (1280, 720), blur: float = 0.0,
               seed: int = 1) -> pygame.Surface:
    """A frame of `size`: fixed-seed noise (a busy world), the codes pasted on it, then a box blur
    of about `blur` pixels (a camera out of focus)."""
    width, height = size
    rng = np.random.default_rng(seed)
    picture = rng.integers(60, 180, (height, width), dtype=np.uint8)
    for kind, text, module, (x, y) in placed:
        code = code_pixels(kind, text, module)[: height - y, : width - x]
        picture[y:y + code.shape[0], x:x + code.shape[1]] = code
    surface = pygame.surfarray.make_surface(np.repeat(picture.T[:, :, None], 3, axis=2)).convert(32, 0)
    if blur > 0:
        surface = pygame.transform.box_blur(surface, max(1, round(blur)))
    out = pygame.Surface(size, 0, 32)
    out.blit(surface, (0, 0))
    return out


def write_demo_qr(path: str | Path, payload: str = CAFE_PAYLOAD, module: int = 12) -> Path:
    """The café's payment code as a PNG to show from a phone or print (black on white)."""
    from PIL import Image

    path = Path(path)
    Image.fromarray(code_pixels("qr", payload, module)).save(path, optimize=True)
    return path
