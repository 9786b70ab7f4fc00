"""The café's payment QR code: its payload, and its modules made with zxing-cpp.

Why zxing-cpp here: the code the payment decoder (`hud.codes`) reads with zxing-cpp is made by the
same library, so what the scene shows is a standard QR code, not a look-alike.
"""

from __future__ import annotations

import numpy as np
import zxingcpp

from hud import paths
from hud.pg import pygame

__all__ = ["CAFE_QR_PAYLOAD", "paint_card", "qr_modules"]

#: What Blue Bottle Coffee's counter code says; the decoder imports it to check what it read.
CAFE_QR_PAYLOAD = "hudpay://merchant=Blue%20Bottle%20Coffee&amount=32.00&currency=CNY"


def qr_modules(payload: str) -> np.ndarray:
    """The QR code's modules as a square bool array (True: dark), without a quiet zone."""
    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = np.asarray(code.to_image(scale=1, add_quiet_zones=False))
    return np.asarray(image < 128)


_TEXT: dict[str, pygame.Surface] = {}


def _text(text: str, colour: tuple[int, int, int], ground: tuple[int, int, int]) -> pygame.Surface:
    key = f"{text}{colour}{ground}"
    found = _TEXT.get(key)
    if found is None:
        pygame.font.init()
        font = pygame.font.Font(str(paths.FONTS / "Inter-SemiBold.otf"), 64)
        rendered = font.render(text, True, colour, ground)
        found = _TEXT[key] = pygame.Surface(rendered.get_size(), 0, 32)
        found.blit(rendered, (0, 0))
    return found


def paint_card(modules: np.ndarray, size: tuple[int, int], night: bool,
               card: tuple[float, float, float]) -> pygame.Surface:
    """The café's QR card, `size` pixels, for a card `card[0]` x `card[1]` metres: a blue band with
    the café's name, the code with a two-module quiet zone (modules scaled without smoothing, so
    every module stays sharp and the code reads), "Scan to pay" under it."""
    w = size[0]
    ppm = w / card[0]
    blue = (38, 110, 196) if not night else (30, 70, 130)
    paper = (250, 250, 248) if not night else (176, 172, 164)
    out = pygame.Surface(size, 0, 32)
    out.fill(paper)
    band = max(1, round(0.07 * ppm))
    out.fill(blue, (0, 0, w, band))
    for text, colour, ground, y0, y1 in (("Blue Bottle Coffee", (255, 255, 255), blue, 0.015, 0.055),
                                         ("Scan to pay", (90, 90, 96), paper, 0.355, 0.39)):
        th = round((y1 - y0) * ppm)
        if th >= 3:
            src = _text(text, colour, ground)
            tw = min(w - 4, round(src.get_width() * th / src.get_height()))
            out.blit(pygame.transform.smoothscale(src, (max(1, tw), th)), ((w - tw) // 2, round(y0 * ppm)))
    n = modules.shape[0]
    box = min(w - 2, round(0.27 * ppm))
    inner = round(box * n / (n + 4))
    if inner >= n:
        image = np.where(modules, 0, 255).astype(np.uint8)
        ink = pygame.surfarray.make_surface(np.stack([image.T] * 3, axis=-1))
        ink = pygame.transform.scale(ink, (inner, inner))
        ink.set_colorkey((255, 255, 255))
        top = round(0.08 * ppm) + (box - inner) // 2
        out.fill((255, 255, 255) if not night else paper, ((w - box) // 2, round(0.08 * ppm), box, box))
        out.blit(ink, ((w - inner) // 2, top))
    return out
