"""The café's payment QR code: its payload, and its modules made with zxing-cpp.

Why zxing-cpp here: the code the payment decoder (`hud.codes`) reads with zxing-cpp is made by the
same library, so what the scene shows is a standard QR code, not a look-alike.
"""

from __future__ import annotations

import numpy as np
import zxingcpp

__all__ = ["CAFE_QR_PAYLOAD", "qr_modules"]

#: What Blue Bottle Coffee's counter code says; the decoder imports it to check what it read.
CAFE_QR_PAYLOAD = "hudpay://merchant=Blue%20Bottle%20Coffee&amount=32.00&currency=CNY"


def qr_modules(payload: str) -> np.ndarray:
    """The QR code's modules as a square bool array (True: dark), without a quiet zone."""
    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = np.asarray(code.to_image(scale=1, add_quiet_zones=False))
    return np.asarray(image < 128)
