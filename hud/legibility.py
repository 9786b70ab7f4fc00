"""Legibility: every text element's angular size and its contrast against the world behind it.

Two numbers from the design rules (docs/design-facts.md): text should be at least about
0.6 degrees tall, and on an additive display legibility falls fast below a contrast of about
1.6:1, where contrast = (L_background + L_text) / L_background in the wearer's eye.

* Angular size: the font size in panel pixels times the device's degrees per pixel (vertical).
* L_background: the mean luminance of the background picture behind the text's rectangle, in
  nits (hud.optics' exposure model), seen through the lens (`transmission`).
* L_text: the display's luminance for this frame (auto or fixed brightness) times the text's grey
  level in linear light (after the panel's quantisation), dimmed by the eyebox falloff there.
"""

from __future__ import annotations

from dataclasses import dataclass

from hud import optics
from hud.panel import quantise
from hud.pg import pygame
from hud.session import Session
from hud.text import TextElement

MIN_DEGREES = 0.6
MIN_CONTRAST = 1.6


@dataclass(frozen=True)
class Reading:
    text: str
    widget: str
    rect: pygame.Rect  # in the composite view
    size_px: int
    degrees: float
    level: int
    background_nits: float
    text_nits: float

    @property
    def contrast(self) -> float:
        if self.background_nits <= 0:
            return float("inf")
        return (self.background_nits + self.text_nits) / self.background_nits

    def problems(self, min_degrees: float = MIN_DEGREES, min_contrast: float = MIN_CONTRAST) -> list[str]:
        out = []
        if self.degrees < min_degrees:
            out.append(f"{self.degrees:.2f}° < {min_degrees:g}°")
        if self.contrast < min_contrast:
            out.append(f"contrast {self.contrast:.2f} < {min_contrast:g}")
        return out


def readings(session: Session, elements: list[TextElement] | None = None) -> list[Reading]:
    """A reading for every line of text on the panel at the session's current time (or for
    `elements`, lines already drawn at that time: `hud.check` draws widget by widget)."""
    device = session.device
    background = session.render_background()
    exposure = session.background.exposure_nits
    display = session.light(background)[1]  # metered on the camera's whole picture (Session.metered)
    transmission = device.optics.transmission
    box = session.compositor.rect
    pw, ph = device.panel
    sx, sy = box.width / pw, box.height / ph
    view = pygame.Rect((0, 0), session.view)
    falloff = device.optics.eyebox if "eyebox" in session.optics else 0.0
    levels = session.panel.levels if session.panel.quantise else 256
    out = []
    if elements is None:
        elements = session.panel.text_elements(session.state, session.now)
    for e in elements:
        where = pygame.Rect(box.x + int(e.rect.x * sx), box.y + int(e.rect.y * sy),
                            max(1, round(e.rect.width * sx)), max(1, round(e.rect.height * sy))).clip(view)
        if where.width and where.height:
            behind = optics.luminance(pygame.transform.average_color(background, where))
        else:
            behind = 0.0  # outside the camera's picture: nothing behind it
        cx, cy = (e.rect.centerx - pw / 2) / (pw / 2), (e.rect.centery - ph / 2) / (ph / 2)
        edge = 1 - falloff * min(1.0, (cx * cx + cy * cy) / 2)
        text_nits = display * optics.LINEAR[quantise(e.level, levels)] * edge
        out.append(Reading(e.text, e.widget, where, e.size, e.size * device.fov[1] / ph, e.level,
                           behind / optics.MID_GREY * exposure * transmission, float(text_nits)))
    return out


def table(rows: list[Reading], min_degrees: float = MIN_DEGREES, min_contrast: float = MIN_CONTRAST) -> str:
    head = f"{'text':<34}{'widget':<14}{'px':>4}{'deg':>7}{'bg nits':>10}{'text nits':>11}{'contrast':>10}  verdict"
    lines = [head, "-" * len(head)]
    for r in rows:
        text = r.text if len(r.text) <= 32 else r.text[:31] + "…"
        problems = r.problems(min_degrees, min_contrast)
        contrast = "inf" if r.contrast == float("inf") else f"{r.contrast:.2f}"
        lines.append(f"{text:<34}{r.widget:<14}{r.size_px:>4}{r.degrees:>7.2f}{r.background_nits:>10.0f}"
                     f"{r.text_nits:>11.0f}{contrast:>10}  {'; '.join(problems) or 'ok'}")
    return "\n".join(lines)
