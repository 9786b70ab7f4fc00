"""The city the walk goes through, as a plan: street blocks' facades, the ground, the props.

Facades are vertical planes (segments in plan) painted once into an atlas of elevations; the
ground (roads, pavements, kerbs, markings, the roundabout's ring and island) is painted once into
a plan texture. `raycast.py` looks both up per frame for the wearer's pose. All positions derive
from the route (`route.py`), so the corner, the roundabout and the café are where it goes.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from hud.background.scene.route import CITY_WALK, Route
from hud.background.scene.world import RGB, RIGHT_FACADE, Palette, mix, tint
from hud.pg import pygame

__all__ = ["CAFE_NAME", "City", "Facade", "Prop", "build_city", "cafe_front"]

CAFE_NAME = "Blue Bottle Coffee"
WALLS: tuple[RGB, ...] = (
    (205, 190, 165), (214, 206, 190), (160, 100, 80), (172, 168, 160), (196, 164, 112),
    (178, 120, 96), (150, 158, 160), (220, 216, 208), (138, 126, 114), (188, 176, 150),
)
SIGNS: tuple[RGB, ...] = ((40, 62, 52), (38, 48, 72), (92, 36, 40), (48, 48, 50), (214, 204, 180), (120, 84, 48))
AWNINGS: tuple[RGB, ...] = ((58, 82, 62), (112, 48, 46), (48, 60, 82), (150, 132, 104), (70, 70, 72))

# Street cross-sections (m): carriageway half-width, facade offset from the centre line.
MAIN_ROAD, MAIN_FACADE = 3.5, 8.0
SIDE_ROAD, SIDE_FACADE = 3.0, 5.8
ISLAND, RING = 2.4, 5.3  # the roundabout's central island and the outer kerb of its ring road
COUNTER_DEPTH, COUNTER_CARD = 0.55, 0.3  # the walk-up counter's depth from the café front; its QR stand


@dataclass(frozen=True)
class Building:
    start: float  # metres along its facade segment
    length: float
    height: float
    wall: RGB
    ground: float
    floor: float
    bay: float
    window: tuple[float, float]
    awning: RGB | None
    seed: int
    cafe: bool = False
    hatch: float = 0.0  # the café's serving hatch and counter: metres along the facade


@dataclass(frozen=True)
class Facade:
    """A row of building fronts from p0 to p1 (plan metres), seen from the street side."""

    p0: tuple[float, float]
    p1: tuple[float, float]
    buildings: tuple[Building, ...]

    @property
    def length(self) -> float:
        return math.dist(self.p0, self.p1)


@dataclass(frozen=True)
class Prop:
    """A street thing drawn as a sprite: `kind` is tree, lamp or island_tree; at plan (x, z)."""

    kind: str
    x: float
    z: float
    variant: int = 0


@dataclass(frozen=True)
class City:
    route: Route
    centre_x: float  # the start street's centre line
    main_z: float  # Beishan Street's and Baidi Road's centre line
    roundabout: tuple[float, float]
    cafe_x: float  # the café counter's centre, on the facade line z = main_z - MAIN_FACADE
    counter: tuple[float, float]  # where the QR stand is (plan x, z)
    facades: tuple[Facade, ...]
    props: tuple[Prop, ...]
    bounds: tuple[float, float, float, float]  # ground texture x0, z0, x1, z1


def _row(rng: random.Random, p0: tuple[float, float], p1: tuple[float, float],
         cafe_at: float | None = None) -> Facade:
    length, s = math.dist(p0, p1), 0.0
    out: list[Building] = []
    while s < length - 0.5:
        cafe = cafe_at is not None and s <= cafe_at < s + 22.0 and not any(b.cafe for b in out)
        if cafe and cafe_at is not None:
            # The café ends at most at the row's end (the corner) and its hatch is where the walk stops.
            start = min(cafe_at - 4.5, length - 9.0)
            size = min(9.0, length - start)
            if start > s + 3.0:  # the building before the café
                out.append(_building(rng, s, start - s))
            out.append(_building(rng, start, size, cafe=True, hatch=cafe_at))
            s = start + size
            continue
        size = min(rng.uniform(9.0, 22.0), length - s)
        out.append(_building(rng, s, size))
        s += size
    return Facade(p0, p1, tuple(out))


def _building(rng: random.Random, start: float, length: float, cafe: bool = False,
              hatch: float | None = None) -> Building:
    ground, floor, floors = rng.uniform(3.9, 4.6), rng.uniform(2.9, 3.4), rng.randint(3, 5)
    wall = WALLS[rng.randrange(len(WALLS))] if not cafe else (232, 230, 224)
    bays = max(2, round(length / rng.uniform(2.6, 3.6)))
    awning = AWNINGS[rng.randrange(len(AWNINGS))] if rng.random() < 0.45 and not cafe else None
    height = ground + floors * floor + rng.uniform(0.4, 1.2)
    return Building(start, length, height, wall, ground, floor, length / bays,
                    (rng.uniform(1.0, 1.5), rng.uniform(1.5, 1.9)), awning, rng.randrange(1 << 30), cafe,
                    start + length / 2 if hatch is None else hatch)


def build_city(route: Route = CITY_WALK, seed: int = 20240917) -> City:
    """The plan round the city walk's route: fixed by the route and the seed."""
    rng = random.Random(seed)
    start = route.start
    cx = start.x - 4.7  # the wearer walks 4.7 m right of the start street's centre line
    _, corner = route.leg_start("turn right")
    arc = next(leg for leg in route.legs if leg.name == "turn right")
    south = corner.z + arc.radius - RIGHT_FACADE  # Beishan Street's south facade: the corner building's north wall
    mz = south + MAIN_FACADE
    rx, _ = route.arc_centre("roundabout")
    _, at_cafe = route.leg_start("face the cafe")
    _, counter = route.leg_start("at the counter")
    e, w = cx + MAIN_FACADE, cx - MAIN_FACADE
    n = mz + MAIN_FACADE
    far_n, far_s, far_w, far_e = mz + 80.0, south - 55.0, cx - 50.0, rx + 100.0
    rw, re = rx - SIDE_FACADE, rx + SIDE_FACADE
    segments = [
        ((e, south), (e, far_s)), ((w, far_s), (w, south)),  # start street, south of the crossing
        ((e, far_n), (e, n)), ((w, n), (w, far_n)),  # and north of it
        ((w, south), (far_w, south)), ((far_w, n), (w, n)),  # Beishan Street, west arm
        ((rw, south), (e, south)), ((e, n), (rw, n)),  # Beishan Street
        ((rw, far_s), (rw, south)), ((re, south), (re, far_s)),  # the roundabout's south arm
        ((rw, n), (rw, far_n)), ((re, far_n), (re, n)),  # north arm
        ((re, n), (far_e, n)),  # Baidi Road, north side
        ((w, far_n), (e, far_n)), ((e, far_s), (w, far_s)), ((far_w, south), (far_w, n)),  # street ends
        ((rw, far_n), (re, far_n)), ((re, far_s), (rw, far_s)), ((far_e, n), (far_e, south)),
    ]
    facades = [_row(rng, p0, p1) for p0, p1 in segments]
    # Rows run left to right as seen from their street (the street on the right of p0 -> p1).
    facades.append(_row(rng, (far_e, south), (re, south), cafe_at=far_e - at_cafe.x))  # Baidi Road, café side
    props: list[Prop] = []
    for i, z in enumerate(range(int(far_s) + 6, int(far_n) - 4, 15)):  # start street
        if not south - 3 < z < n + 3:
            props.append(Prop("tree", w + 1.9, z, i % 3))
        if not south - 3 < z + 7.0 < n + 3:  # no lamp in the crossing, nor just ahead of the walk's start
            props.append(Prop("lamp", cx - MAIN_ROAD - 0.35, z + 7.0))  # across the street: none in the wearer's way
    for i, x in enumerate(range(int(far_w) + 5, int(far_e) - 4, 15)):  # Beishan Street and Baidi Road
        if not (w - 3 < x < e + 3 or rw - 6 < x < re + 6):
            props += [Prop("tree", x, n - 1.9, i % 3), Prop("lamp", x + 7.0, mz + MAIN_ROAD + 0.35)]
    props += [Prop("island_tree", rx - 0.6, mz + 0.4, 0), Prop("island_tree", rx + 0.9, mz - 0.4, 1)]
    bounds = (far_w - 2.0, far_s - 2.0, far_e + 2.0, far_n + 2.0)
    card = (counter.x, south + COUNTER_CARD)
    return City(route, cx, mz, (rx, mz), at_cafe.x, card, tuple(facades), tuple(props), bounds)


# ---------------------------------------------------------------- painting


FACADE_PPM = 16  # atlas pixels per metre (level 0)
ATLAS_HEIGHT = 24.0  # metres: taller than any building


def paint_facade(surface: pygame.Surface, x0: int, f: Facade, pal: Palette, font: pygame.font.Font | None) -> None:
    """Paint one facade row's elevation into `surface` from column `x0` (ATLAS_HEIGHT tall, bottom = ground)."""
    k = surface.get_height() / ATLAS_HEIGHT

    def rect(colour: RGB, s0: float, s1: float, y0: float, y1: float) -> None:
        left, right = round(x0 + s0 * k), round(x0 + s1 * k)
        top, bottom = round((ATLAS_HEIGHT - y1) * k), round((ATLAS_HEIGHT - y0) * k)
        if right > left and bottom > top:
            surface.fill(colour, (left, top, right - left, bottom - top))

    light = pal.sunlit
    for b in f.buildings:
        rng = random.Random(b.seed)
        s0, s1 = b.start, b.start + b.length
        wall = tint(b.wall, light)
        trim = tint(mix(b.wall, (236, 232, 222), 0.55) if sum(b.wall) < 560 else mix(b.wall, (90, 84, 78), 0.3),
                    light)
        rect(wall, s0, s1, 0.0, b.height)
        rect(tint(trim, (0.7, 0.7, 0.72)), s0, s1, b.height - 0.3, b.height)
        rect(trim, s0, s1, b.height - 0.75, b.height - 0.3)
        rect(trim, s0, s1, b.ground - 0.05, b.ground + 0.25)
        rect(tint(b.wall, (0.55, 0.55, 0.58)), s0, s1, 0.0, 0.35)
        if s0 > 0.01:  # a thin shadow line where two buildings meet
            rect(tint(wall, (0.7, 0.7, 0.72)), s0, s0 + 0.08, 0.0, b.height)
        floors = int((b.height - b.ground - 0.8) // b.floor)
        ww, wh = b.window
        bays = round(b.length / b.bay)
        for j in range(bays):
            zc = s0 + (j + 0.5) * b.bay
            for i in range(floors):
                yb = b.ground + i * b.floor + 0.9
                yt = yb + min(wh, b.floor - 1.1)
                lit = pal.night and rng.random() < pal.lit_fraction
                if lit:
                    glass = mix(pal.lit_windows[rng.randrange(len(pal.lit_windows))], (0, 0, 0), rng.uniform(0, 0.45))
                else:
                    glass = mix(pal.glass, pal.glass_sky, rng.uniform(0.1, 0.6))
                rect(trim, zc - ww / 2 - 0.14, zc + ww / 2 + 0.14, yb - 0.14, yt + 0.16)
                rect(glass, zc - ww / 2, zc + ww / 2, yb, yt)
                if not lit:
                    rect(mix(glass, pal.glass_sky, 0.35), zc - ww / 2, zc + ww / 2, (yb + yt) / 2, yt)
                rect(tint(glass, (0.6, 0.6, 0.6)), zc - 0.03, zc + 0.03, yb, yt)
                rect(tint(wall, (0.62, 0.62, 0.66)), zc + ww / 2 - 0.12, zc + ww / 2, yb, yt)  # the reveal
                rect(mix(trim, (255, 255, 255), 0.15), zc - ww / 2 - 0.1, zc + ww / 2 + 0.1, yb - 0.12, yb)
            if not b.cafe:
                _shop_bay(rect, b, pal, rng, zc, j)
        if b.cafe:
            _cafe(rect, surface, x0, k, b, pal, font)
        elif b.awning is not None:
            rect(tint(b.awning, (0.55, 0.55, 0.55)), s0 + 0.3, s1 - 0.3, b.ground - 1.5, b.ground - 0.75)
            rect(tint(b.awning, light if not pal.night else (0.6, 0.5, 0.42)), s0 + 0.3, s1 - 0.3,
                 b.ground - 1.78, b.ground - 1.5)


def _shop_bay(rect, b: Building, pal: Palette, rng: random.Random, zc: float, j: int) -> None:  # type: ignore[no-untyped-def]
    sign = tint(SIGNS[b.seed % len(SIGNS)], pal.sunlit)
    frame = mix(sign, (0, 0, 0), 0.15)
    rect(sign, zc - b.bay / 2, zc + b.bay / 2, b.ground - 1.05, b.ground - 0.3)
    open_late = pal.night and random.Random(b.seed + 1).random() < 0.7
    glass = mix(pal.shop_glass, (0, 0, 0), rng.uniform(0.05, 0.35)) if open_late else (
        pal.shop_glass if not pal.night else pal.glass)
    half, top = b.bay * 0.4, b.ground - 1.25
    door = j % 3 == 1
    bottom = 0.0 if door else 0.55
    half = min(half, 0.6) if door else half
    rect(frame, zc - half - 0.1, zc + half + 0.1, 0.0, top + 0.12)
    rect(glass, zc - half, zc + half, bottom, top)
    if not pal.night:
        rect(mix(glass, pal.glass_sky, 0.3), zc - half, zc + half, (bottom + top) / 2 + 0.3, top)
    elif open_late:
        y = bottom + 0.45
        while y < top - 0.3:
            rect(mix(glass, (40, 30, 20), 0.45), zc - half, zc + half, y, y + 0.06)
            y += 0.55
    ink = (236, 226, 200) if sum(SIGNS[b.seed % len(SIGNS)]) < 400 else (40, 36, 34)
    if j % 2 == 0 and b.bay > 2.0:  # letters on the fascia
        z = zc - b.bay * 0.3
        while z < zc + b.bay * 0.3:
            width = rng.uniform(0.12, 0.3)
            rect(mix(ink, (255, 236, 200), 0.3) if pal.night else ink, z, z + width, b.ground - 0.8, b.ground - 0.52)
            z += width + rng.choice((0.06, 0.06, 0.25))


CAFE_BLUE: RGB = (38, 110, 196)


def cafe_front(rect, b: Building, pal: Palette) -> None:  # type: ignore[no-untyped-def]
    """The café's shop window below its fascia: the lit room, the serving hatch, what is behind it.

    Painted into the atlas and, near the walker, drawn again at full resolution (`StreetScene`).
    At night the room is lit warm but dim, so the hatch is not a bright wall behind the display.
    """
    s0, s1, mid = b.start, b.start + b.length, b.hatch
    if pal.night:
        room, back, tiles, wood = (92, 66, 44), (46, 34, 28), (64, 52, 44), (84, 56, 36)
        cup, steel, bulb = (176, 164, 146), (96, 96, 100), (255, 214, 150)
    else:
        room, back, tiles, wood = (70, 62, 54), (112, 104, 96), (188, 184, 176), (120, 84, 56)
        cup, steel, bulb = (240, 238, 232), (150, 152, 156), (236, 226, 200)
    rect((30, 30, 32), s0 + 0.5, s1 - 0.5, 0.0, b.ground - 1.3)  # window frame
    rect(room, s0 + 0.6, s1 - 0.6, 0.0, b.ground - 1.4)  # the room
    rect(mix(room, (0, 0, 0), 0.4), s0 + 0.6, s1 - 0.6, 0.0, 0.9)  # the inside counter
    for i in range(6):  # mullions
        x = s0 + 0.6 + (b.length - 1.2) * i / 5
        rect((30, 30, 32), x - 0.04, x + 0.04, 0.0, b.ground - 1.4)
    for i in range(4):  # pendant lights
        x = s0 + 1.6 + (b.length - 3.2) * i / 3
        rect((30, 30, 32), x - 0.01, x + 0.01, b.ground - 1.9, b.ground - 1.4)
        rect(bulb, x - 0.14, x + 0.14, b.ground - 2.05, b.ground - 1.9)
    rect((24, 24, 26), mid - 1.6, mid + 1.6, 1.0, 2.62)  # the serving hatch
    rect(back, mid - 1.5, mid + 1.5, 1.0, 2.52)
    for i in range(9):  # tiles behind the machine
        y = 1.0 + i * 0.17
        rect(tiles, mid - 1.5, mid + 1.5, y, y + 0.12)
    # A menu board, shelves of cups, the espresso machine.
    rect((34, 40, 52), mid - 1.35, mid - 0.15, 1.75, 2.4)
    rect(CAFE_BLUE, mid - 1.35, mid - 0.15, 2.3, 2.4)
    for i in range(5):
        rect((220, 220, 210) if not pal.night else (170, 168, 160), mid - 1.25, mid - 0.6 + (i % 2) * 0.25,
             2.18 - i * 0.09, 2.21 - i * 0.09)
        rect((220, 220, 210) if not pal.night else (170, 168, 160), mid - 0.45, mid - 0.27, 2.18 - i * 0.09,
             2.21 - i * 0.09)
    for y in (1.55, 2.05):
        rect(wood, mid + 0.05, mid + 1.45, y, y + 0.04)
        for i in range(7):
            rect(cup, mid + 0.12 + i * 0.19, mid + 0.24 + i * 0.19, y + 0.04, y + 0.16)
    rect(steel, mid - 1.2, mid - 0.3, 1.1, 1.5)
    rect((60, 62, 66), mid - 1.1, mid - 0.4, 1.2, 1.32)
    rect((30, 30, 32), mid - 0.95, mid - 0.85, 1.1, 1.2)
    rect((30, 30, 32), mid - 0.65, mid - 0.55, 1.1, 1.2)
    rect(CAFE_BLUE, mid - 0.2, mid + 0.9, 1.1, 1.18)


def _cafe(rect, surface: pygame.Surface, x0: int, k: float, b: Building, pal: Palette,  # type: ignore[no-untyped-def]
          font: pygame.font.Font | None) -> None:
    """Blue Bottle Coffee: a white front, a wide window with a walk-up counter, its name and bottle."""
    s0, s1, mid = b.start, b.start + b.length, b.start + b.length / 2
    rect(tint((250, 250, 248), pal.sunlit), s0 + 0.3, s1 - 0.3, b.ground - 1.2, b.ground - 0.1)  # fascia
    cafe_front(rect, b, pal)
    if font is not None:
        text = font.render(CAFE_NAME, True, CAFE_BLUE)
        height = max(1, round(0.48 * k))
        width = max(1, round(text.get_width() * height / text.get_height()))
        width = min(width, round((b.length - 2.4) * k))
        text = pygame.transform.smoothscale(text, (width, height))
        cx = round(x0 + (mid + 0.5) * k)
        surface.blit(text, (cx - width // 2, round((24.0 - b.ground + 1.0) * k) - height // 2 + 0))
        bx = cx - width // 2 - round(0.5 * k)  # the bottle
        by = round((24.0 - b.ground + 0.65) * k)
        pygame.draw.rect(surface, CAFE_BLUE, (bx, by - round(0.18 * k), max(1, round(0.22 * k)), round(0.48 * k)),
                         border_radius=max(1, round(0.06 * k)))
        pygame.draw.rect(surface, CAFE_BLUE, (bx + round(0.06 * k), by - round(0.3 * k), max(1, round(0.1 * k)),
                                              round(0.14 * k)))


def paint_ground(city: City, pal: Palette, texel: float) -> pygame.Surface:
    """The plan texture: row 0 is the north edge, column 0 the west edge; `texel` metres a pixel."""
    x0, z0, x1, z1 = city.bounds
    w, h = math.ceil((x1 - x0) / texel), math.ceil((z1 - z0) / texel)
    surf = pygame.Surface((w, h), 0, 32)

    def px(x: float, z: float) -> tuple[float, float]:
        return (x - x0) / texel, (z1 - z) / texel

    def box(colour: RGB, xa: float, za: float, xb: float, zb: float) -> None:
        (ax, ay), (bx, by) = px(min(xa, xb), max(za, zb)), px(max(xa, xb), min(za, zb))
        surf.fill(colour, (round(ax), round(ay), max(1, round(bx) - round(ax)), max(1, round(by) - round(ay))))

    def disc(colour: RGB, x: float, z: float, r: float) -> None:
        pygame.draw.circle(surf, colour, px(x, z), r / texel)
        pygame.draw.aacircle(surf, colour, px(x, z), r / texel)  # a smooth edge: no steps on the curve

    night_spill = (1.0, 1.0, 1.0)
    pave = pal.pavement
    surf.fill(pave)
    slab = tint(pave, (0.93, 0.93, 0.93))
    step = 0.9
    for i in range(int((x1 - x0) / step) + 1):  # slab joints
        box(slab, x0 + i * step, z0, x0 + i * step + texel, z1)
    for i in range(int((z1 - z0) / step) + 1):
        box(slab, x0, z0 + i * step, x1, z0 + i * step + texel)
    cx, mz, (rx, rz) = city.centre_x, city.main_z, city.roundabout
    kerb, road, dash = pal.kerb, pal.road, pal.dash
    # Carriageways, each with a kerb line.
    for half, xa, za, xb, zb in (
        (MAIN_ROAD, cx, z0, cx, z1), (MAIN_ROAD, x0, mz, x1, mz), (SIDE_ROAD, rx, z0, rx, z1),
    ):
        if xa == xb:
            box(kerb, xa - half - 0.18, za, xa + half + 0.18, zb)
        else:
            box(kerb, xa, za - half - 0.18, xb, zb + half + 0.18)
    disc(kerb, rx, rz, RING + 0.18)
    for half, xa, za, xb, zb in (
        (MAIN_ROAD, cx, z0, cx, z1), (MAIN_ROAD, x0, mz, x1, mz), (SIDE_ROAD, rx, z0, rx, z1),
    ):
        if xa == xb:
            box(road, xa - half, za, xa + half, zb)
            for lane in (-half / 2, half / 2):  # worn wheel tracks
                box(pal.road_worn, xa + lane - 0.5, za, xa + lane + 0.5, zb)
        else:
            box(road, xa, za - half, xb, zb + half)
            for lane in (-half / 2, half / 2):
                box(pal.road_worn, xa, za + lane - 0.5, xb, za + lane + 0.5)
    disc(road, rx, rz, RING)
    disc(mix(road, pal.kerb, 0.35), rx, rz, ISLAND + 0.9)  # the apron
    disc(kerb, rx, rz, ISLAND + 0.15)
    disc(tint(pal.foliage[0], (1.1, 1.1, 1.1)), rx, rz, ISLAND)  # planted island
    disc(tint(pal.foliage[1], (0.9, 0.9, 0.9)), rx + 0.5, rz + 0.4, ISLAND * 0.45)
    # Lane dashes on the straight roads, away from the junctions; zebra crossings at them.
    for i in range(int((z1 - z0) / 9.0)):
        z = z0 + i * 9.0
        if not mz - 14 < z < mz + 14:
            box(dash, cx - 0.07, z, cx + 0.07, z + 3.0)
    for i in range(int((x1 - x0) / 9.0)):
        x = x0 + i * 9.0
        if not (cx - 14 < x < cx + 14 or rx - 12 < x < rx + 12):
            box(dash, x, mz - 0.07, x + 3.0, mz + 0.07)
    zebra = mix(dash, (255, 255, 255), 0.2) if not pal.night else dash
    for k in range(-3, 4):  # across the south arm, where the walk crosses it, and the start street
        box(zebra, rx + k * 0.9 - 0.25, rz - 6.2 - 0.1, rx + k * 0.9 + 0.25, rz - 9.0)
        box(zebra, rx + k * 0.9 - 0.25, rz + 6.2 + 0.1, rx + k * 0.9 + 0.25, rz + 9.0)
    for k in range(-3, 4):
        box(zebra, cx + k * 0.9 - 0.25, mz - MAIN_FACADE - 1.0, cx + k * 0.9 + 0.25, mz - MAIN_FACADE - 4.0)
    del night_spill
    return surf
