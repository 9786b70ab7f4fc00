"""`check`: what a layout does wrong on a device, at every moment that matters, located in the layout file.

Each problem is reported at the widget's `file:line:col` (`WidgetSpec.where`) with a message:

* clipped: text a widget could not show whole (ellipsised, cut by its edge, or dropped), from the
  widgets' own report (`TextRenderer.fit_problems`);
* overlap: two widgets that both draw something at that moment, whose rectangles intersect (the
  message says whether their drawings touch); a payment or a main-view card hides what it
  overlaps, so those pairs never count;
* off panel: a widget's rectangle not inside the panel;
* too small / low contrast: text under the legibility limits (`hud.legibility`: 0.6° and 1.6:1).

`problems(session)` is the current frame's list (the window's I key draws it with `overlay`);
`check_session` walks a scenario's moments (every event, and just after every timed transition)
and keeps each distinct problem once, at its worst moment. Widgets are drawn one at a time on a
scratch surface, in the panel renderer's order and with its hiding rule, so each text and each
lit pixel is attributed to its widget; the panel's own surfaces and caches are left as they were.
"""

from __future__ import annotations

import heapq
import math
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from hud import legibility, paths
from hud.layout import Where, WidgetSpec
from hud.panel import PanelRenderer
from hud.pg import pygame
from hud.session import Session
from hud.state import HudState
from hud.text import FitProblem, TextElement, TextRenderer

__all__ = ["KINDS", "Finding", "Problem", "Report", "check_file", "check_session", "moments_of", "overlay", "problems",
           "summary"]

KINDS = ("clipped", "overlap", "off panel", "too small", "low contrast")
#: "Just after a transition settles": this long after its deadline.
SETTLE = 0.05
#: A scenario with more moments than this is sampled no further (a flood of pushed events).
MAX_MOMENTS = 2000
RED = (255, 60, 60)
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    kind: str  # one of KINDS
    where: Where
    widget: str  # the widget's kind
    message: str
    label: str  # a few words for the window's overlay
    rect: pygame.Rect  # panel pixels: the text's or the widget's
    key: tuple[object, ...]  # the same problem at another moment has the same key
    severity: float = 0.0  # larger is worse (the moment reported is the worst)

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}: {self.message}"


@dataclass
class Drawn:
    """One widget as drawn at a moment: its lit pixels, its lines of text, its fit problems."""

    spec: WidgetSpec
    rect: pygame.Rect
    ink: np.ndarray  # bool, panel-sized (x, y)
    elements: list[TextElement] = field(default_factory=list)
    fits: list[FitProblem] = field(default_factory=list)


def where(spec: WidgetSpec, panel: PanelRenderer) -> Where:
    """The widget's place in its layout file, the path shown relative to the working folder."""
    at = spec.where or Where(str(panel.layout.path), 1, 1)
    try:
        shown = str(Path(at.path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        shown = at.path
    return Where(shown, at.line, at.col)


class _Attributing(TextRenderer):
    """A text renderer for the check's own copy of the panel: the panel names each widget in
    `recording_spec` just before drawing it (the fit-problem hook), so here that moment ends the
    previous widget (its lit pixels, lines and fit problems are kept) and clears the surface, so
    every widget is drawn alone, in the panel's own order and with its own hiding rules."""

    def __init__(self, base: TextRenderer, panel: PanelRenderer, surface: pygame.Surface) -> None:
        self._spec: object = None
        self.panel, self.surface, self.drawn = panel, surface, list[Drawn]()
        self._starts = (0, 0)
        super().__init__(base.fonts)
        self.lines, self.wrapped = base.lines, base.wrapped  # the panel's caches: same lines, same wraps

    @property
    def recording_spec(self) -> object:
        return self._spec

    @recording_spec.setter
    def recording_spec(self, spec: object) -> None:
        recorded = self.recording if self.recording is not None else []
        if isinstance(self._spec, WidgetSpec):
            red = pygame.surfarray.pixels_red(self.surface)
            ink = red > 0
            del red
            rect = next(r for s, r in self.panel.rects if s is self._spec)
            self.drawn.append(Drawn(self._spec, rect, ink, recorded[self._starts[0]:],
                                    self.fit_problems[self._starts[1]:]))
        self._spec = spec
        if isinstance(spec, WidgetSpec):
            clip = self.surface.get_clip()
            self.surface.set_clip(None)
            self.surface.fill((0, 0, 0))
            self.surface.set_clip(clip)
            self._starts = (len(recorded), len(self.fit_problems))


_PANELS: weakref.WeakKeyDictionary[PanelRenderer, PanelRenderer] = weakref.WeakKeyDictionary()


def draw_widgets(panel: PanelRenderer, state: HudState, now: float) -> list[Drawn]:
    """Every widget `panel` draws at `now`, each drawn alone (on a copy of the panel: its surfaces and
    its text renderer's state are left as they were)."""
    mine = _PANELS.get(panel)
    if mine is None:
        mine = _PANELS[panel] = PanelRenderer(panel.layout, panel.device)
        mine.text = _Attributing(panel.text, mine, mine._grey)
    text = mine.text
    assert isinstance(text, _Attributing)
    text.drawn, text.recording = [], []
    try:
        mine.render_grey(state, now)
        return text.drawn
    finally:
        text.recording = None


def _quote(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= width else text[:width - 1] + '…'}”"


def _cut_characters(fit: FitProblem) -> int | None:
    """How many characters of an ellipsised text the wearer does not see (None: cannot tell)."""
    shown = fit.shown.rstrip("…").strip()
    if not shown:
        return None
    start = fit.text.find(shown)
    return None if start < 0 else max(0, len(fit.text) - start - len(shown))


def _fit_problem(fit: FitProblem, d: Drawn, at: Where, text: TextRenderer) -> Problem:
    kind = d.spec.kind
    if fit.kind == "ellipsised":
        cut = _cut_characters(fit)
        amount = f"{cut} of {len(fit.text)} characters cut" if cut is not None else "shortened"
        message = f"{kind}: {_quote(fit.text)} ellipsised to fit: {amount} (ends {_quote(fit.shown[-24:], 24)})"
        label, severity = f"ellipsised ({cut} chars)" if cut is not None else "ellipsised", float(cut or 1)
    elif fit.kind == "clipped" and fit.rect is not None:
        element = next((e for e in d.elements if e.text == fit.text and e.rect == fit.rect), None)
        if element is not None:
            full_w, full_h = text.width(fit.text, element.size), text.line_height(element.size)
            lost_w, lost_h = max(0, full_w - fit.rect.width), max(0, full_h - fit.rect.height)
            parts = [f"{lost_w} of its {full_w} px width"] if lost_w else []
            parts += [f"{lost_h} of its {full_h} px height"] if lost_h else []
            amount = " and ".join(parts)
        else:
            lost_w = lost_h = 0
        message = f"{kind}: {_quote(fit.text)} cut by the widget's edge" + (f": {amount} cut" if lost_w or lost_h
                                                                              else "")
        label, severity = "clipped", float(max(1, lost_w + lost_h))
    else:
        message = f"{kind}: {_quote(fit.text)} not shown at all: no room left for it in the widget"
        label, severity = "dropped", float(len(fit.text))
    rect = fit.rect or next((e.rect for e in d.elements if fit.shown and e.text == fit.shown), d.rect)
    return Problem("clipped", at, kind, message, label, rect, ("clipped", at, fit.text), severity)


def _off_panel(spec: WidgetSpec, rect: pygame.Rect, panel: PanelRenderer) -> Problem | None:
    pw, ph = panel.size
    sides = {"left": -rect.left, "top": -rect.top, "right": rect.right - pw, "bottom": rect.bottom - ph}
    out = {side: px for side, px in sides.items() if px > 0}
    if not out:
        return None
    at = where(spec, panel)
    beyond = ", ".join(f"{px} px past the {side} edge" for side, px in out.items())
    message = (f"{spec.kind} leaves the {pw}x{ph} panel: its rectangle is x {rect.left}..{rect.right}, "
               f"y {rect.top}..{rect.bottom} ({beyond})")
    return Problem("off panel", at, spec.kind, message, "off panel", rect, ("off panel", at), float(max(out.values())))


def _overlap(a: Drawn, b: Drawn, panel: PanelRenderer) -> Problem:
    """`b` (the later widget in the file) over `a`: reported at `b`, naming `a`."""
    common = a.rect.clip(b.rect)
    touch = bool(np.logical_and(a.ink, b.ink).any())
    at, other = where(b.spec, panel), where(a.spec, panel)
    message = (f"{b.spec.kind} overlaps {a.spec.kind} ({other}) by {common.width}x{common.height} px while both "
               f"show something; " + ("their drawings touch" if touch else "their drawings do not touch (yet)"))
    return Problem("overlap", at, b.spec.kind, message, f"overlaps {a.spec.kind}", common,
                   ("overlap", at, other), float(common.width * common.height) * (2 if touch else 1))


def problems(session: Session, min_degrees: float = legibility.MIN_DEGREES,
             min_contrast: float = legibility.MIN_CONTRAST) -> list[Problem]:
    """Everything wrong with the panel at the session's current moment."""
    panel = session.panel
    drawn = draw_widgets(panel, session.state, session.now)
    out = [p for spec, rect in panel.rects if (p := _off_panel(spec, rect, panel)) is not None]
    showing = [d for d in drawn if d.ink.any()]
    for i, b in enumerate(showing):
        out += [_overlap(a, b, panel) for a in showing[:i] if a.rect.colliderect(b.rect)]
    for d in drawn:
        at = where(d.spec, panel)
        out += [_fit_problem(fit, d, at, panel.text) for fit in d.fits]
    owners = [d for d in drawn for _ in d.elements]
    elements = [e for d in drawn for e in d.elements]
    device = session.device.name
    for d, e, r in zip(owners, elements, legibility.readings(session, elements), strict=True):
        at = where(d.spec, panel)
        if r.degrees < min_degrees:
            message = (f"{d.spec.kind}: {e.size} px text is {r.degrees:.2f}° tall on {device} (under "
                       f"{min_degrees:g}°; {_min_px(session, min_degrees)} px or more needed): {_quote(e.text)}")
            out.append(Problem("too small", at, d.spec.kind, message, f"{r.degrees:.2f}°", e.rect,
                               ("too small", at, e.size), min_degrees - r.degrees))
        if r.contrast < min_contrast:
            message = (f"{d.spec.kind}: {_quote(e.text)} has contrast {r.contrast:.2f}:1 against the world behind "
                       f"it (under {min_contrast:g}:1): {r.text_nits:.0f} nits of text over {r.background_nits:.0f}")
            out.append(Problem("low contrast", at, d.spec.kind, message, f"{r.contrast:.2f}:1", e.rect,
                               ("low contrast", at), min_contrast - r.contrast))
    return out


def _min_px(session: Session, min_degrees: float) -> int:
    """The smallest font size (panel pixels) that is `min_degrees` tall on this device."""
    ph = session.device.panel[1]
    return math.ceil(min_degrees * ph / session.device.fov[1] - 1e-9)


# -- over a scenario --------------------------------------------------------------------------
def transitions(state: HudState) -> list[float]:
    """When the clock alone will next change what is shown (answers fully streamed, expiries, deadlines)."""
    out: list[float] = []
    cap = state.caption
    if cap.mode == "answering" and cap.cps > 0:
        out.append(cap.since + len(cap.text) / cap.cps)
    if (end := cap.ends_at()) is not None:
        out.append(end)
    if state.notes.current is not None:
        out.append(state.notes.shown_at + state.notes.current.duration)
    if state.pay is not None and (deadline := state.pay.deadline()) is not None:
        out.append(deadline)
    for view in ("main", "dashboard", "always_on"):
        shown = state.cards.get(view)
        if shown is not None and (end := shown.ends_at()) is not None:
            out.append(end)
    return out


def moments_of(session: Session) -> list[float]:
    """The moments `check_session` renders: t = 0, every event (scripted, or made by the run: an answer, a
    payment opened by a QR code), and just after every timed transition."""
    return [t for t, _ in _walk(session, lambda: None)]


def _walk(session: Session, visit: Callable[[], T]) -> list[tuple[float, T]]:
    """Seek to each moment in time order, calling `visit` there; transitions found on the way add moments."""
    duration = session.scenario.duration
    todo = sorted({0.0, *(round(e.at, 6) for e in session.scenario.timeline if e.at <= duration)})
    heapq.heapify(todo)
    done: set[float] = set()
    out: list[tuple[float, T]] = []
    while todo and len(out) < MAX_MOMENTS:
        t = heapq.heappop(todo)
        if t in done:
            continue
        done.add(t)
        session.seek(t)
        out.append((t, visit()))
        for u in transitions(session.state):
            after = round(u + SETTLE, 6)
            if t < after <= duration and after not in done:
                heapq.heappush(todo, after)
        for timed in session.log:  # what the run itself made (an answer, a payment a code opened) is a moment too
            at = round(timed.at, 6)
            if at <= duration and at not in done:
                heapq.heappush(todo, at)
    return sorted(out, key=lambda moment: moment[0])  # a made event can be found after a later moment


@dataclass
class Finding:
    """A distinct problem on one device: at its worst moment, with when it first showed and how often."""

    problem: Problem
    device: str
    at: float
    first: float
    moments: int = 1
    last: float = 0.0

    def __str__(self) -> str:
        p = self.problem
        when = f"at {round(self.at, 2):g} s" + (f"; {self.moments} moments from {round(self.first, 2):g} s"
                                                 if self.moments > 1 else "")
        return f"{p.where}: {p.kind} on {self.device}: {p.message} ({when})"


def check_session(session: Session, min_degrees: float = legibility.MIN_DEGREES,
                  min_contrast: float = legibility.MIN_CONTRAST) -> tuple[list[Finding], int]:
    """Every distinct problem over the session's scenario (seeking it), and how many moments were rendered."""
    found: dict[tuple[object, ...], Finding] = {}
    walked = _walk(session, lambda: problems(session, min_degrees, min_contrast))
    for t, listed in walked:
        for p in listed:
            seen = found.get(p.key)
            if seen is None:
                found[p.key] = Finding(p, session.device.name, t, t, last=t)
                continue
            if seen.last != t:
                seen.moments, seen.last = seen.moments + 1, t
            if p.severity > seen.problem.severity:
                seen.problem, seen.at = p, t
    order = {k: i for i, k in enumerate(KINDS)}
    findings = sorted(found.values(), key=lambda f: (f.problem.where.path, f.problem.where.line,
                                                     order[f.problem.kind], f.first))
    return findings, len(walked)


def summary(findings: Iterable[Finding], devices: list[str]) -> str:
    """Counts per device (rows) and kind (columns), with totals."""
    findings = list(findings)
    width = max(8, *(len(d) + 2 for d in devices))
    columns = (*KINDS, "total")
    lines = [f"{'device':<{width}}" + "".join(f"{k:>14}" for k in columns)]
    for device in (*devices, "total"):
        counts = [sum(1 for f in findings if device in ("total", f.device) and kind in ("total", f.problem.kind))
                  for kind in columns]
        lines.append(f"{device:<{width}}" + "".join(f"{c:>14}" for c in counts))
    return "\n".join(lines)


@dataclass
class Report:
    """What `check FILE` found: every distinct problem on every device, and what was rendered."""

    title: str
    devices: list[str]
    findings: list[Finding]
    moments: dict[str, int]
    seconds: float

    def text(self) -> str:
        order = {d: i for i, d in enumerate(self.devices)}
        kinds = {k: i for i, k in enumerate(KINDS)}
        rows = sorted(self.findings, key=lambda f: (order[f.device], f.problem.where.path, f.problem.where.line,
                                                    kinds[f.problem.kind], f.first))
        rendered = sum(self.moments.values())
        lines = [self.title, *map(str, rows), ""]
        if rows:
            lines += [summary(self.findings, self.devices), "",
                      f"{len(rows)} problem(s); {rendered} moments rendered on {len(self.devices)} device(s) "
                      f"in {self.seconds:.2f} s"]
        else:
            lines.append(f"check: all clear: nothing clipped or overlapping, legibility ok ({rendered} moments "
                         f"on {len(self.devices)} device(s) in {self.seconds:.2f} s)")
        return "\n".join(lines)


def check_file(path: str | Path, devices: list[str] | None = None, *, layout: str | Path | None = None,
               scenario: str | Path | None = None, background: str | None = None,
               view: tuple[int, int] = (1280, 720), min_degrees: float = legibility.MIN_DEGREES,
               min_contrast: float = legibility.MIN_CONTRAST) -> Report:
    """Check a layout (over `scenario`, by default the bundled layout check) or a scenario (over its
    layout, `layout`, or each device's own) on `devices` ("all", or the default: for a layout, the
    devices whose profile uses it, else generic; for a scenario, its device). Raises ConfigError
    (located) for an invalid or unknown file."""
    from hud.background import open_background
    from hud.device import DEFAULT_DEVICE, available, load_device
    from hud.layout import load_layout
    from hud.scenario import load_scenario
    from hud.schema import ConfigError
    from hud.schema import Problem as Located
    from hud.validate import kind_of

    started = time.perf_counter()
    kind, error = kind_of(Path(path))
    if error is not None:
        raise error
    if kind == "layout":
        if layout is not None:
            raise ValueError("a layout is checked over a scenario (--scenario), not over another layout")
        layout, scenario = path, scenario or paths.SCENARIOS / "layout_check.yaml"
        load_layout(layout)  # invalid: exit 2 before anything is rendered
    elif kind == "scenario":
        if scenario is not None:
            raise ValueError("a scenario is checked with a layout (--layout), not with another scenario")
        scenario = path
    else:
        what = "a device profile" if kind == "device" else f"{kind} data" if kind else "something else"
        raise ConfigError([Located(str(path), 1, 1, f"check takes a layout or a scenario; this is {what}")])
    script = load_scenario(scenario)
    if devices is None or devices == ["all"]:
        if devices is None and kind == "layout" and layout is not None:
            target = Path(layout).resolve()
            devices = [n for n in available() if load_device(n).layout.resolve() == target] or [DEFAULT_DEVICE]
        elif devices is None:
            devices = [script.device or DEFAULT_DEVICE]
        else:
            devices = available()
    profiles = [load_device(name) for name in devices]
    source = open_background(background or script.background or "scene")
    findings: list[Finding] = []
    moments: dict[str, int] = {}
    try:
        for device in profiles:
            chosen = load_layout(layout or script.layout or device.layout)
            session = Session(script, device, chosen, source, view)
            found, moments[device.name] = check_session(session, min_degrees, min_contrast)
            findings += found
    finally:
        source.stop()
    names = [d.name for d in profiles]
    what = (f"{_shown(path)} (layout) over {_shown(scenario)}" if kind == "layout"
            else f"{_shown(path)} (scenario)" + (f" with {_shown(layout)}" if layout else ""))
    title = f"check: {what} on {', '.join(names)} over {source.label}"
    return Report(title, names, findings, moments, time.perf_counter() - started)


def _shown(path: str | Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


# -- the window's overlay ---------------------------------------------------------------------
def _to_view(session: Session, rect: pygame.Rect, view: str, frame: pygame.Rect) -> list[pygame.Rect]:
    """A panel rectangle as drawn in the window: in the panel view, the composite, or each eye with a display."""
    pw, ph = session.device.panel
    ox: float
    oy: float
    if view == "panel":
        sx, sy, ox, oy, eyes = frame.width / pw, frame.height / ph, frame.x, frame.y, [0]
    else:
        box = session.compositor.rect
        scale = frame.height / session.view[1]
        sx, sy = box.width / pw * scale, box.height / ph * scale
        ox, oy = frame.x + box.x * scale, frame.y + box.y * scale
        eyes = ([i for i, eye in enumerate(("left", "right")) if session.device.eyes in (eye, "both")]
                if view == "eyes" else [0])
        eyes = [round(i * session.view[0] * scale) for i in eyes]
    return [pygame.Rect(round(ox + dx + rect.x * sx), round(oy + rect.y * sy), max(1, round(rect.width * sx)),
                        max(1, round(rect.height * sy))) for dx in eyes]


def overlay(window: pygame.Surface, frame: pygame.Rect, session: Session, view: str, found: list[Problem],
            text: TextRenderer) -> None:
    """The check's findings on the window: a red box and a short label at each, and one line saying
    what was found, or that all is clear."""
    boxes: dict[tuple[int, int, int, int], list[Problem]] = {}
    for p in found:  # one box and one label for the findings on the same text or widget
        boxes.setdefault((p.rect.x, p.rect.y, p.rect.width, p.rect.height), []).append(p)
    taken: list[pygame.Rect] = []
    for listed in boxes.values():
        first = listed[0]
        words = "; ".join(dict.fromkeys(f"{p.kind}: {p.label}" for p in listed))
        label = text.render(f"{words} · {Path(first.where.path).name}:{first.where.line}", 13, 255)
        for box in _to_view(session, first.rect, view, frame):
            pygame.draw.rect(window, RED, box.inflate(4, 4), width=2)
            for tag in (label.get_rect(bottomleft=(box.x - 2, box.y - 2)), label.get_rect(topleft=box.bottomleft)):
                tag.clamp_ip(frame)
                if tag.collidelist(taken) < 0:  # where it covers no other label, else left out
                    taken.append(tag.inflate(4, 2))
                    window.fill((90, 10, 10), tag.inflate(4, 2))
                    window.blit(label, tag, special_flags=pygame.BLEND_RGB_MAX)
                    break
    if found:
        counts = {k: sum(1 for p in found if p.kind == k) for k in KINDS}
        line = f"check: {len(found)} problem(s) — " + ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    else:
        line = f"check: all clear — {len(session.panel.rects)} widgets, nothing clipped or overlapping, legibility ok"
    shown = text.render(line, 15, 255)
    # Over the view under the SIMULATED badge; in the panel view, in the band above the panel beside it.
    x, y = (frame.x + 120, frame.y - 27) if view == "panel" and frame.y >= 30 else (frame.x + 6, frame.y + 40)
    strip = pygame.Rect(x, y, shown.get_width() + 16, shown.get_height() + 6)
    window.fill((90, 10, 10) if found else (10, 70, 20), strip)
    window.blit(shown, (strip.x + 8, strip.y + 3), special_flags=pygame.BLEND_RGB_MAX)
