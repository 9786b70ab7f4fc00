"""Goldens of every widget in every state, on two devices (a 640x480 and a 576x288 panel).

Each case pushes events onto an empty scenario, moves the clock, and compares the panel with its
golden. Record new ones with `pytest tests/test_snapshots_widgets.py --snapshot-update`, then look
at every new PNG before committing it.
"""

from __future__ import annotations

import pytest

from hud import events as ev

EMPTY = "empty.yaml"


def _bitmap() -> str:
    """A small 1-bit-looking map drawn in code (deterministic), as a base64 PNG."""
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("L", (240, 120), 0)
    draw = ImageDraw.Draw(image)
    draw.line([(10, 100), (90, 100), (90, 30), (200, 30)], fill=255, width=8)
    draw.ellipse((188, 18, 212, 42), outline=255, width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


DEVICES = ("generic", "even-g2")
COFFEE = ev.PayDetect(merchant="Blue Bottle Coffee", amount=32.0, currency="CNY", timeout=10, verify_seconds=2)

# name -> list of (events to push, seconds to advance after them)
CASES: dict[str, list[tuple[list[ev.Event], float]]] = {
    "status-normal": [([], 0.2)],
    "status-low-battery-on": [([ev.Status(battery_main=9)], 0.2)],
    "status-low-battery-off": [([ev.Status(battery_main=9)], 0.7)],
    "status-4g": [([ev.Status(connectivity="4g", battery_swap=55)], 0.2)],
    "status-wifi": [([ev.Status(connectivity="wifi")], 0.2)],
    "status-bluetooth": [([ev.Status(connectivity="bluetooth")], 0.2)],
    "status-offline": [([ev.Status(connectivity="offline")], 0.2)],
    **{f"nav-{m}": [([ev.Navigate(maneuver=m, distance=180, street="Nanshan Road", eta=4, speed=1.4,
                                  exit=2 if m == "roundabout" else None)], 0.5)]
       for m in ev.MANEUVERS},
    "nav-km": [([ev.Navigate(maneuver="straight", distance=2350, street="Hubin Road", eta=28)], 0.5)],
    "nav-now": [([ev.Navigate(maneuver="left", distance=60, street="Beishan Street", eta=1, speed=10)], 5.8)],
    "nav-arrived": [([ev.Navigate(maneuver="arrive", distance=20, street="Blue Bottle Coffee", speed=10)], 2.0)],
    "nav-cjk-street": [([ev.Navigate(maneuver="right", distance=90, street="北山街", eta=2)], 0.5)],
    "pay-detected": [([COFFEE], 0.5)],
    "pay-awaiting": [([COFFEE], 1.5)],
    "pay-verifying": [([COFFEE], 1.5), ([ev.Gesture("tap")], 1.0)],
    "pay-success": [([COFFEE], 1.5), ([ev.Say("confirm")], 2.5)],
    "pay-failed": [([COFFEE], 1.5), ([ev.PayConfirm()], 0.5), ([ev.PayResult(ok=False, reason="card declined")],
                                                                  0.5)],
    "pay-cancelled": [([COFFEE], 1.5), ([ev.Gesture("swipe_down")], 0.5)],
    "pay-timed-out": [([COFFEE], 11.5)],
    "pay-usd": [([ev.PayDetect(merchant="Joe's", amount=4.5, currency="USD")], 1.5)],
    "note-single": [([ev.Notify(app="Calendar", title="Stand-up in 10 min", body="Room 4B")], 0.5)],
    "note-queued": [([ev.Notify(app="WeChat", title="Lin Wei", body="Here?"),
                      ev.Notify(app="Mail", title="Invoice"), ev.Notify(app="News", title="Rain at 5")], 0.5)],
    "note-urgent-preempts": [([ev.Notify(app="WeChat", title="Lin Wei", body="Here?")], 1.0),
                             ([ev.Notify(app="Flight", title="Gate changed to B14", urgent=True)], 0.5)],
    "note-long-body": [([ev.Notify(app="Mail", title="Quarterly review notes from the design team", body=(
        "We went through every screen of the navigation flow and agreed to drop the second line of the "
        "street name, to bottom-align the caption, and to test everything again in bright sunlight."))], 0.5)],
    "note-cjk": [([ev.Notify(app="微信", title="林伟", body="到了吗？我在靠窗的位置等你，咖啡已经点好了。")], 0.5)],
    "note-nearly-dismissed": [([ev.Notify(app="Calendar", title="Stand-up", duration=6)], 5.5)],
    "caption-listening": [([ev.Wake()], 0.4)],
    "caption-heard": [([ev.Wake()], 0.5), ([ev.Say("Navigate to West Lake")], 0.3)],
    "caption-thinking": [([ev.Think()], 0.3)],
    "caption-streaming": [([ev.Answer(text="West Lake is 2.4 km away, about 30 minutes on foot.")], 0.8)],
    "caption-answered": [([ev.Answer(text="West Lake is 2.4 km away, about 30 minutes on foot.")], 3.0)],
    "caption-cjk": [([ev.Answer(text="西湖在两公里以外，步行大约三十分钟。")], 3.0)],
    "card-text-wall": [([ev.ShowCard(layout="text_wall", text="Slide 4 of 12: ship the glanceable UI first.")],
                        0.5)],
    "card-double-text-wall": [([ev.ShowCard(layout="double_text_wall", top="你好，欢迎来到杭州",
                                            bottom="Hello, welcome to Hangzhou")], 0.5)],
    "card-reference": [([ev.ShowCard(layout="reference_card", title="Gate B12",
                                     text="Boarding 10:15. Walk 9 min via Security East.")], 0.5)],
    "card-dashboard-and-always-on": [([ev.ShowCard(layout="dashboard_card", view="dashboard", left="22°C",
                                                   right="3 new"),
                                       ev.ShowCard(layout="text_wall", view="always_on", text="REC ● 12:04")], 0.5)],
    "card-bitmap": [([ev.ShowCard(layout="bitmap", data=_bitmap())], 0.5)],
    "navigation-outranks-card": [([ev.Navigate(maneuver="left", distance=120, street="Main St"),
                                   ev.ShowCard(layout="text_wall", text="A card waits while navigating")], 0.5)],
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_widget_state(hud, case: str, device: str) -> None:
    hud.load(scenario=EMPTY, device=device, size=(640, 360))
    for pushed, seconds in CASES[case]:
        for event in pushed:
            hud.push(event)
        hud.advance(seconds)
    hud.assert_snapshot(case)
