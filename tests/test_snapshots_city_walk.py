"""Goldens of the city walk's key moments: panel on two devices, composite over day and night."""

from __future__ import annotations

import pytest

MOMENTS = {
    "listening": 2.5,
    "answer-and-turn": 8.0,
    "flight-reminder-queued": 16.0,
    "chat-message": 21.0,
    "roundabout": 30.0,
    "arriving": 37.0,
    "payment-awaiting": 41.0,
    "payment-verifying": 44.0,
    "payment-success": 45.5,
    "second-answer": 55.0,
}


@pytest.mark.parametrize("device", ["generic", "even-g2"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_panel(hud, moment: str, device: str) -> None:
    hud.load(device=device, size=(640, 360))
    hud.advance(MOMENTS[moment])
    hud.assert_snapshot(moment)


@pytest.mark.parametrize("background", ["scene", "scene:night"])
@pytest.mark.parametrize("moment", ["flight-reminder-queued", "payment-awaiting", "second-answer"])
def test_composite(hud, moment: str, background: str) -> None:
    hud.load(background=background, size=(640, 360))
    hud.advance(MOMENTS[moment])
    hud.assert_snapshot(f"composite-{moment}-{background.replace(':', '-')}", view="composite")


def test_tap_confirms_the_coffee_payment(hud) -> None:
    hud.load(device="vuzix-z100", size=(640, 360))
    hud.advance(41.0)
    hud.gesture("tap")
    hud.advance(0.5)
    assert hud.state.pay.phase == "verifying"
    hud.assert_snapshot("payment-verifying-after-tap")


DEVICES = ["generic", "quark-s1", "even-g1", "even-g2", "vuzix-z100", "meta-rayban-display", "brilliant-frame"]


@pytest.mark.parametrize("background", ["scene", "scene:night"])
@pytest.mark.parametrize("device", DEVICES)
def test_each_device_view(hud, device: str, background: str) -> None:
    """What the wearer of each profile sees, with every optics stage, by day and by night."""
    hud.load(device=device, background=background, size=(640, 360))
    hud.advance(16.0)
    hud.assert_snapshot(f"device-view-{background.replace(':', '-')}", view="composite")
