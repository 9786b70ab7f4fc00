"""Display power: lit pixels and brightness cost battery; this estimates how much.

The model (README "Power", with its limits): the panel's average picture level (APL) is the mean
of its pixels' linear light, 0 for black and 1 for every pixel at full level. Then

    display mW = base_mw + full_mw * (APL if emissive else 1) * display_nits / peak_nits
    battery h  = (battery_wh + swap_wh) * 1000 / (display mW + system_mw)

Emissive panels (microLED, OLED) pay per lit pixel, which is why HUD design keeps them dark;
LCoS and LCD pay for their backlight whatever the content shows.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np

from hud import optics
from hud.device import Device
from hud.panel import quantise
from hud.pg import pygame
from hud.session import Session


@dataclass(frozen=True)
class Sample:
    t: float
    apl: float  # 0..1
    display_nits: float
    display_mw: float
    total_mw: float
    battery_hours: float


def apl(grey: pygame.Surface, levels: int) -> float:
    """Average picture level: mean linear light of the panel, quantised as the panel shows it."""
    table = optics.LINEAR[[quantise(i, levels) for i in range(256)]]
    return float(table[pygame.surfarray.pixels_red(grey)].mean())


def estimate(device: Device, level: float, display_nits: float) -> tuple[float, float, float]:
    """(display mW, total mW, battery hours) for an APL and a display luminance."""
    p = device.power
    content = level if p.emissive else 1.0
    display_mw = p.base_mw + p.full_mw * content * display_nits / device.nits
    total = display_mw + p.system_mw
    return display_mw, total, (p.battery_wh + p.swap_wh) * 1000 / total


def sample(session: Session) -> Sample:
    nits = session.light(session.render_background())[1]  # metered on the camera's whole picture
    grey = session.panel.render_grey(session.state, session.now)
    level = apl(grey, session.panel.levels if session.panel.quantise else 256)
    display_mw, total, hours = estimate(session.device, level, nits)
    return Sample(session.now, level, nits, display_mw, total, hours)


def timeline(session: Session, step: float = 1.0) -> list[Sample]:
    """One sample every `step` seconds over the scenario."""
    if step <= 0:
        raise ValueError(f"step must be positive; {step} given")
    out = []
    for t in np.arange(0.0, session.scenario.duration + 1e-9, step):
        session.seek(float(t))
        out.append(sample(session))
    return out


def report(session: Session, samples: list[Sample]) -> str:
    d = session.device
    lines = [f"power: {session.scenario.name} on {d.label} over {session.background.label}",
             f"model: display mW = {d.power.base_mw:g} + {d.power.full_mw:g} x "
             f"{'APL' if d.power.emissive else '1 (backlit: content does not matter)'} x nits / {d.nits}; "
             f"system {d.power.system_mw:g} mW; batteries {d.power.battery_wh:g} + {d.power.swap_wh:g} Wh",
             f"{'t s':>6}{'APL %':>8}{'nits':>8}{'display mW':>12}{'total mW':>10}{'battery h':>11}"]
    for s in samples:
        lines.append(f"{s.t:>6.1f}{s.apl * 100:>8.2f}{s.display_nits:>8.0f}{s.display_mw:>12.1f}"
                     f"{s.total_mw:>10.1f}{s.battery_hours:>11.1f}")
    worst = max(samples, key=lambda s: s.display_mw)
    mean_total = statistics.fmean(s.total_mw for s in samples)
    hours = (d.power.battery_wh + d.power.swap_wh) * 1000 / mean_total
    lines += [f"average: APL {statistics.fmean(s.apl for s in samples) * 100:.2f} %, display "
              f"{statistics.fmean(s.display_mw for s in samples):.1f} mW, total {mean_total:.1f} mW, "
              f"battery {hours:.1f} h",
              f"worst moment: t = {worst.t:g} s, APL {worst.apl * 100:.2f} %, display {worst.display_mw:.1f} mW "
              f"({worst.battery_hours:.1f} h at that rate)"]
    return "\n".join(lines)
