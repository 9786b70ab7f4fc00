"""File boundaries for the fuzzer: mutated layouts, scenarios, device profiles and assistant data.

Why mutate the shipped files rather than generate YAML from nothing: a random document is refused
at its first line, while a shipped file with one thing wrong reaches every checker, the renderer,
and the places between them. Each case mutates one shipped file at the byte level (flip, insert,
delete, duplicate), the line level (duplicate, delete, swap, re-indent) and the value level (a scalar
replaced by a hostile one: NaN, huge numbers, odd tags, control characters, lone surrogates, deep
nesting, aliases, paths to devices), writes it into this process's temporary folder, loads it through
the real loader and, when it is accepted, renders it the way the emulator would.

The rule each boundary checks: accepted and rendered, or refused with a `schema.ConfigError` whose
every problem has a real `file:line:col`; anything else is "other".
"""

from __future__ import annotations

import base64
import io
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from hud import paths
from hud.fuzz import Boundary, Outcome, classify, workdir

if TYPE_CHECKING:
    from hud.background import BackgroundSource
    from hud.device import Device
    from hud.events import ShowCard
    from hud.layout import Layout
    from hud.scenario import Scenario

SHIPPED: dict[str, tuple[Path, ...]] = {
    "layout": tuple(sorted(paths.LAYOUTS.glob("*.yaml"))),
    "scenario": tuple(sorted(paths.SCENARIOS.glob("*.yaml"))),
    "device": tuple(sorted(paths.DEVICES.glob("*.yaml"))),
    "assistant": tuple(sorted((paths.ASSETS / "assistant").glob("*.yaml"))),
}

#: Paths a file field may be given: devices that never end, files that are not what they claim.
HOSTILE_PATHS: tuple[str, ...] = (
    "/etc/passwd", "/dev/zero", "/dev/null", "/dev/urandom", "/proc/self/status", "/tmp", ".", "..",
    "../../x", "README.md", "assets/fonts/Inter-OFL.txt", "Inter-OFL.txt", "DroidSansFallback-LICENSE.txt",
    "'" + "a" * 300 + ".otf'", '"x\\0y.otf"', "'~/x.otf'", "default.yaml", "compact.yaml", "'nope.ttf'",
    str(paths.PROJECT_ROOT / "README.md"), "city_walk.yaml", "generic.yaml",
)

#: Scalars in YAML source form, each trying one way to get past a checker.
HOSTILE_SCALARS: tuple[str, ...] = (
    ".nan", ".NaN", ".inf", "-.inf", "'nan%'", "'inf%'", "'-inf%'", "'1e400%'", "'-5%'", "'0%'", "'100.0000001%'",
    "-1", "0", "-0.0", "1", "65535", "1e400", "-1e400", "1" + "0" * 400, "9" * 400 + ".5", "9" * 5000,
    "0x" + "f" * 200, "1:30:00", "0o777", "1_000", "0b101", "1e-400", "4097", "-4097", "2147483648",
    "2048", "4096", "200", "8", "12", "255", "256", "100", "0.0001", "1.0e-300", "86400", "1000000", "-45", "45",
    "120", "0.01", "0.1", "600", "3600",
    "!!int abc", "!!int ''", "!!int 9.5", "!!bool maybe", "!!float xyz", "!!float ''", "!!timestamp nope",
    "!!timestamp 2020-02-30", "2020-13-45", "2020-01-01", "2001-12-14t21:59:43.10-05:00", "!!null x",
    "!!str 12", "!!binary aGVsbG8=", "!!binary '%%%'", "!!python/object:os.system ls",
    "!!python/name:os.system ''", "!custom x", "!custom", "!<tag:example.com,2000:x> y", "!!set {a, b}",
    "!!omap [a: 1]", "!!pairs [a: 1]", "!!map [1]", "!!seq {a: 1}", "!!merge x", "!!value x", "!!str [1]",
    '"\\ud800"', '"a\\udfffb"', '"\\x07"', '"\\0"', '"\\e[31m"', '"\\uFFFE"', '"\\x85"', '"a\\rb"',
    '"\\u202e"', '"\\t"', '"\\x7f"', '"\\U0010FFFF"', '"\\uFEFF"', "'" + "x" * 300 + "'", "x" * 5000,
    "'" + "y" * 200_000 + "'", "[" * 63 + "]" * 63, "[" * 70 + "]" * 70, "[" * 2000 + "]" * 2000,
    "{a: 1}", "[1, 2]", "[1, 2, 3]", "[]", "{}", "~", "null", "''", "true", "yes", "No", "'   '",
    "&a x", "*a", "*nope", "&a [1, *a]", "&r [*r]", "[" + "1, " * 100_000 + "1]", "{" + "a: 1, " * 3 + "}",
    "? [a, b]", "? {a: 1}", "|\n  block\n  text", ">-\n  folded", "'", '"', "{", "[", "&", "*", "!", "%",
    "@x", "`x", "- x", ": x", "x: y: z", "#", "'a'b", "🙂", "中文", "a\u200bb", "\u3000",
    *HOSTILE_PATHS,
)

#: Lines inserted as they are, at a random line (some at top level, some as list items).
COMMON_LINES: tuple[str, ...] = (
    "? [a, b]\n: 1", "~: 1", "null: x", "yes: 1", "1: x", "1.5: x", "[a]: 1", "<<: {name: x}", "<<: *a",
    "<<: [*a, *b]", "x: &a {name: y}", "'': 1", "? |\n  k\n: v", "---", "...", "--- !custom", "%YAML 1.1",
    "%TAG ! tag:example.com,2000:", "\t- x", "  \t: y", "!!python/object:x {}", "&a", "*a",
)

_PNG_1x1 = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a49444154789c6360000000020001e221bc330000000049454e44ae426082")).decode()


@cache
def _bomb_png() -> str:
    """A 20,000 x 20,000 black PNG: a few kB of base64 that decode to 400 megapixels."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG", optimize=True)
    return base64.b64encode(out.getvalue()).decode()


def _bitmaps() -> tuple[str, ...]:
    return (_PNG_1x1, _PNG_1x1[:-8], base64.b64encode(b"hello, not a picture").decode(), "!!!notbase64",
            "''", _bomb_png(), base64.b64encode(b"GIF89a" + b"\0" * 20).decode(), "'" + _PNG_1x1 + "\n'")


#: Valid values at the edges of their ranges, by field name: accepted files that push the renderer.
EXTREMES: dict[str, tuple[str, ...]] = {
    "number": ("0", "0.1", "0.5", "1", "8", "600", "3600", "86400", "1000000", "0.0001"),
    "text": ("''", "x", "'" + "W" * 2000 + "'", "'" + "中" * 2000 + "'", "'" + "word " * 399 + "'", "🙂🙂",
             "'a\tb'", '"line\nbreaks\n\nhere"', "'   '", "'​'", "'ـــ'", "'́́'", "'x" + "́" * 500 + "'"),
    "maneuver": ("straight", "slight_left", "left", "sharp_left", "slight_right", "right", "sharp_right", "uturn",
                 "roundabout", "arrive"),
    "layout": ("text_wall", "double_text_wall", "reference_card", "dashboard_card", "bitmap", "bitmap_animation"),
    "view": ("main", "dashboard", "always_on"),
    "interval": ("0.01", "0.1", "1.65", "3600"), "repeat": ("true", "false"),
    "press": ("short", "long"), "button": ("main", "'" + "b" * 40 + "'"),
    "what": ("all", "notifications", "navigation", "payment", "caption", "cards"),
    "kind": ("tap", "double_tap", "swipe_forward", "swipe_back", "swipe_down", "long_press"),
    "connectivity": ("5g", "4g", "wifi", "bluetooth", "offline"),
    "outcome": ("success", "failed"), "by": ("voice", "tap", "gaze"), "currency": ("CNY", "USD", "XXX", "JPY"),
    "exit": ("1", "8"), "ok": ("true", "false"), "urgent": ("true", "false"),
    "battery_main": ("0", "1", "14", "100"), "battery_swap": ("0", "100"),
    "name": ("generic", "even-g1", "even-g2", "meta-rayban-display", "nope", "'" + "a" * 300 + "'"),
    "path": ("compact.yaml", "g1.yaml", "square.yaml", "/dev/zero", "/etc/passwd", "'" + "a" * 300 + "'", "../x"),
}


def _value(field: str, rng: random.Random) -> str:
    """Mostly a valid extreme for `field` (so the file is accepted and rendered), sometimes a hostile one."""
    if rng.random() < 0.15:
        return rng.choice(HOSTILE_SCALARS)
    if field == "data":
        return rng.choice(_bitmaps())
    if field == "frames":
        return "[" + ", ".join(rng.choice(_bitmaps()) for _ in range(rng.choice((0, 1, 2, 33)))) + "]"
    if field in EXTREMES:
        return rng.choice(EXTREMES[field])
    if field in ("text", "title", "body", "app", "merchant", "street", "reason", "top", "bottom", "left", "right"):
        return rng.choice(EXTREMES["text"])
    return rng.choice(EXTREMES["number"])


def _event_line(rng: random.Random) -> str:
    """A timeline item of a random type, with a random selection of its fields."""
    from hud.scenario import EVENT_FIELDS

    kind = rng.choice(sorted(EVENT_FIELDS))
    names = sorted(EVENT_FIELDS[kind])
    chosen = rng.sample(names, rng.randint(0, len(names)))
    parts = [f"at: {rng.choice(('0', '0.5', '1', '2.5', '30', '59.9', '60'))}", f"event: {kind}"]
    parts += [f"{name}: {_value(name, rng)}" for name in chosen]
    return "  - {" + ", ".join(parts) + "}"


def _kind_lines(kind: str, rng: random.Random) -> list[str]:
    """Lines that reach the fields a shipped file of `kind` does not use (bitmap cards, fonts, layouts)."""
    value = rng.choice(HOSTILE_SCALARS)
    file = rng.choice(HOSTILE_PATHS)
    if kind == "layout":
        return [f"  - {{kind: label, text: {value}}}", f"  - {{kind: card, view: {value}}}",
                f"  - {{kind: label, text: x, size: [{value}, 10]}}", f"    regular: {file}",
                f"    cjk: {file}", f"  fonts: {{bold: {file}}}", f"  hue: {value}", f"  levels: {value}",
                "  - {kind: caption, max_lines: 12, size: ['1%', '1%']}", f"  - {{kind: card, margin: {value}}}"]
    if kind == "scenario":
        data = rng.choice(_bitmaps())
        return [*(_event_line(rng) for _ in range(6)),f"  - {{at: 1, event: show, layout: bitmap, data: {data}}}",
                f"  - {{at: 0, event: show, layout: {rng.choice(('bitmap', 'text_wall', 'reference_card'))}, "
                f"title: {value}, text: {value}}}",
                f"  - {{at: 0.5, event: set_layout, path: {file}}}", f"layout: {file}",
                f"  - {{at: 0.5, event: set_device, name: {value}}}", f"background: {value}",
                f"  - {{at: 0, event: notify, app: {value}, title: t, body: {value}}}",
                f"  - {{at: 0, event: answer, text: {value}, cps: {value}}}", f"duration: {value}",
                f"  - {{at: {value}, event: navigate, maneuver: left, distance: {value}, street: {value}}}",
                f"start_time: {value}", f"status: {{battery_main: {value}}}"]
    if kind == "device":
        number = rng.choice(("0", "1", "16", "4096", "120", "-45", "45", "0.01", "100", "100000", "8", "5", "-5"))
        return [f"panel: [{rng.choice(('16', '4096', '640'))}, {rng.choice(('16', '4096', '200'))}]",
                f"fov: [{rng.choice(('1', '120', '30'))}, {rng.choice(('1', '120', '7.8'))}]",
                f"position: [{rng.choice(('-45', '45', '0'))}, {rng.choice(('-45', '45', '0'))}]",
                f"grey_bits: {rng.choice(('1', '8'))}", f"nits: {rng.choice(('1', '100000'))}",
                f"optics: {{{rng.choice(('blur', 'bloom', 'ghost', 'eyebox', 'level', 'auto_ratio', 'min_nits'))}: "
                f"{number}, brightness: {rng.choice(('auto', 'fixed'))}, dither: {rng.choice(('true', 'false'))}}}",
                f"optics: {{transmission: {rng.choice(('0.01', '1'))}, ghost_offset: [{number}, {number}]}}",
                f"power: {{{rng.choice(('base_mw', 'full_mw', 'system_mw', 'battery_wh', 'swap_wh'))}: {number}}}",
                "eyes: left", "hue: '#000000'", "hue: '#FFFFFF'",
                f"layout: {file}", f"position: [0, {value}]", f"fov: [{value}, 20]", f"panel: [{value}, 100]",
                f"optics: {{blur: {value}}}", f"optics: {{ghost_offset: [{value}, 0]}}", f"nits: {value}",
                f"power: {{battery_wh: {value}}}", f"hue: {value}", f"grey_bits: {value}"]
    return [f"  - {{names: [{value}], name: {value}, amount: {value}}}", f"      - {{shop: {value}, price: {value}}}",
            f"  - {{title: {value}, artist: a, length: {value}}}", f"  temp_c: {value}",
            f"    - {{at: {value}, text: {value}}}"]


# -- mutations --------------------------------------------------------------------------------
@cache
def _scalar_spans(path: Path) -> tuple[tuple[int, int], ...]:
    """Where each scalar of a shipped file is in its text (start, end), from PyYAML's scanner."""
    text = path.read_text(encoding="utf-8")
    spans = [(t.start_mark.index, t.end_mark.index) for t in yaml.scan(text, Loader=yaml.SafeLoader)
             if isinstance(t, yaml.ScalarToken)]
    return tuple(spans)


def _replace_scalars(text: str, spans: tuple[tuple[int, int], ...], rng: random.Random) -> str:
    chosen = sorted(rng.sample(spans, min(len(spans), rng.randint(1, 3))), reverse=True)
    for start, end in chosen:
        extreme = rng.choice(EXTREMES["text"] + EXTREMES["number"])
        text = text[:start] + (rng.choice(HOSTILE_SCALARS) if rng.random() < 0.6 else extreme) + text[end:]
    return text


def _set_top_level(text: str, line: str) -> str:
    """`line` (`key: value`) in place of the top-level key's own line and block, or added at the end."""
    key = line.split(":", 1)[0] + ":"
    lines = text.split("\n")
    for i, old in enumerate(lines):
        if old.startswith(key):
            end = i + 1
            while end < len(lines) and (lines[end].startswith((" ", "#")) or not lines[end].strip()):
                end += 1
            return "\n".join([*lines[:i], line, *lines[end:]])
    return text.rstrip("\n") + "\n" + line + "\n"


def _mutate_lines(text: str, rng: random.Random, kind: str) -> str:
    lines = text.split("\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    op = rng.randrange(7)
    if op == 0:
        lines.insert(i, lines[j])
    elif op == 1:
        del lines[i]
    elif op == 2:
        lines[i], lines[j] = lines[j], lines[i]
    elif op == 3:
        lines[i] = " " * rng.choice((1, 2, 3, 4, 8)) + lines[i]
    elif op == 4:
        lines[i] = lines[i].lstrip(" ") if rng.random() < 0.5 else "\t" + lines[i]
    elif op == 5:
        lines.insert(i, rng.choice(COMMON_LINES))
    else:
        line = rng.choice(_kind_lines(kind, rng))
        if not line.startswith(" "):
            return _set_top_level(text, line)
        if kind == "scenario" and line.startswith("  - ") and "timeline:" in text:  # an event: in the timeline
            at = text.index("timeline:") + len("timeline:")
            return text[:at] + "\n" + line + text[at:].replace("timeline: []", "timeline:")
        lines.insert(i, line)
    return "\n".join(lines)


def _mutate_whole(text: str, rng: random.Random) -> str:
    op = rng.randrange(9)
    if op == 0:
        return "\ufeff" + text
    if op == 1:
        return text + "\n---\nname: second\n"
    if op == 2:
        return rng.choice(("", "\n", "# only a comment\n", "---\n", "~\n", "[]\n", "'text'\n", "...\n"))
    if op == 3:  # billion laughs: each level lists the previous one nine times
        laughs = "".join(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]\n" for n in range(1, 9))
        return "l0: &l0 [lol]\n" + laughs + text.replace("\n", "\n", 1)
    if op == 4:  # past the size limit
        return text + "\n#" + "x" * (1 << 20) + "\n"
    if op == 5:
        return text.replace("\n", "\r\n")
    if op == 6:
        return text.replace("  ", "\t", 1)
    if op == 7:
        return "a: " + "[" * 3000 + "]" * 3000 + "\n" + text
    return text.replace(": ", ": &a ", 1).replace(": ", ": *a ", 3)


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    if not buf:
        return bytes(rng.choice((b"\x00", b"\xff", b"\x07")))
    i = rng.randrange(len(buf))
    op = rng.randrange(5)
    if op == 0:
        buf[i] ^= 1 << rng.randrange(8)
    elif op == 1:
        junk = rng.choice((b"\x00", b"\x07", b"\x1b", b"\x7f", b"\x85", b"\xff", b"\xc3", b"\xef\xbf\xbe",
                           b"\xed\xa0\x80", b"\xe2\x80\xae", b"\t", b"\r", b"\xef\xbb\xbf", b"\x0c"))
        buf[i:i] = junk
    elif op == 2:
        del buf[i:i + rng.randint(1, 40)]
    elif op == 3:
        span = bytes(buf[i:i + rng.randint(1, 200)])
        buf[i:i] = span * rng.choice((1, 2, 50))
    else:
        buf[i] = rng.randrange(256)
    return bytes(buf)


def _widget_line(rng: random.Random) -> str:
    """A widget of a random kind with valid values at the edges of their ranges."""
    kind = rng.choice(("status_bar", "navigation", "payment", "notification", "caption", "label", "card"))
    anchor = rng.choice(("top", "bottom", "left", "right", "centre", "top-left", "bottom-right"))
    size = rng.choice(("1", "4096", "'100%'", "'0.000001%'", "'50%'", "300"))
    margin = rng.choice(("0", "2048", "[0, 300]", "[700, 0]"))
    parts = [f"kind: {kind}", f"anchor: {anchor}", f"margin: {margin}",
             f"size: [{size}, {rng.choice(('1', '4096', '100%', '30'))}]",
             f"font_size: {rng.choice(('8', '200', '24'))}", f"brightness: {rng.choice(('0', '1', '0.001'))}"]
    if kind in ("notification", "caption"):
        parts.append(f"max_lines: {rng.choice(('1', '12'))}")
    if kind == "label":
        parts.append(f"text: {rng.choice(EXTREMES['text'][1:])}")
    if kind == "card":
        parts.append(f"view: {rng.choice(EXTREMES['view'])}")
    return "  - {" + ", ".join(parts) + "}"


def _extreme(text: str, rng: random.Random, kind: str) -> str:
    """One valid edit at the edge of what the schema allows, for the renderer rather than the checker."""
    if kind == "layout" and "widgets:" in text:
        at = text.index("widgets:") + len("widgets:")
        return text[:at] + "\n" + _widget_line(rng) + text[at:]
    if kind == "scenario" and "timeline:" in text:
        at = text.index("timeline:") + len("timeline:")
        return text[:at] + "\n" + _event_line(rng) + text[at:].replace("timeline: []", "timeline:")
    if kind == "device":
        return _set_top_level(text, rng.choice(_kind_lines("device", rng)[:12]))
    spans = [span for span in _scalar_spans_of(text) if text[span[1]:span[1] + 1] != ":"]  # values only
    if not spans:
        return text
    start, end = rng.choice(spans)
    return text[:start] + rng.choice(EXTREMES["text"] + EXTREMES["number"]) + text[end:]


def _scalar_spans_of(text: str) -> list[tuple[int, int]]:
    try:
        return [(t.start_mark.index, t.end_mark.index) for t in yaml.scan(text, Loader=yaml.CSafeLoader)
                if isinstance(t, yaml.ScalarToken)]
    except yaml.YAMLError:
        return []


def mutate(path: Path, rng: random.Random, kind: str) -> bytes:
    """One hostile variant of the shipped file at `path`: one to three mutations of mixed levels; or,
    one time in three, one to three valid edits at the edges of the ranges (for the renderer)."""
    text = path.read_text(encoding="utf-8")
    if rng.random() < 1 / 3:
        for _ in range(rng.randint(1, 3)):
            text = _extreme(text, rng, kind)
        return text.encode("utf-8")
    for _ in range(rng.randint(1, 3)):
        level = rng.random()
        if level < 0.4:
            text = _replace_scalars(text, _scalar_spans(path), rng) if text == _original(path) \
                else _mutate_lines(text, rng, kind)
        elif level < 0.75:
            text = _mutate_lines(text, rng, kind)
        elif level < 0.85:
            text = _mutate_whole(text, rng)
        else:
            return _mutate_bytes(text.encode("utf-8", "surrogatepass"), rng)
    return text.encode("utf-8", "surrogatepass")


@cache
def _original(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# -- the real loaders and renderers -----------------------------------------------------------




@cache
def _background() -> BackgroundSource:
    from hud.background.scene import StreetScene

    scene = StreetScene()
    scene.start()
    return scene


@cache
def _city_walk() -> Scenario:
    from hud.scenario import load_scenario

    return load_scenario(paths.DEFAULT_SCENARIO)


@cache
def _shipped_device(name: str) -> Device:
    from hud.device import load_device

    return load_device(name)


@cache
def _shipped_layout(path: Path) -> Layout:
    from hud.layout import load_layout

    return load_layout(path)


def _layout_for(path: Path) -> Layout:
    """A shipped layout from the cache, any other through the loader (it may be the case's own)."""
    from hud.layout import load_layout

    if path.parent == paths.LAYOUTS and path in SHIPPED["layout"]:
        return _shipped_layout(path)
    return load_layout(path)


def _render(scenario: Scenario, device: Device, layout: Layout, times: list[float], composite: bool,
            card: ShowCard | None = None) -> None:
    from hud.session import Session

    session = Session(scenario, device, layout, _background(), (160, 90))
    for t in sorted(times):
        session.seek(t)
        if card is not None:
            session.push(card)
        session.render_composite() if composite else session.render_panel()


def _write(name: str, data: bytes) -> Path:
    path = workdir("files") / name
    path.write_bytes(data)
    return path


def check_layout(data: bytes, rng: random.Random) -> Outcome:
    """A layout, rendered on a random shipped device at a random moment of the city walk (with a card)."""
    from hud.device import available
    from hud.layout import load_layout

    path = _write("layout.yaml", data)
    device = _shipped_device(rng.choice(available()))
    t = rng.uniform(0, 60)
    card = _card(rng)
    return classify(lambda: _render(_city_walk(), device, load_layout(path), [t], composite=False, card=card))


def _card(rng: random.Random) -> ShowCard | None:
    """A card pushed over the city walk (it has none), so card widgets draw too; or none."""
    from hud.events import CARD_VIEWS, ShowCard

    if rng.random() < 0.4:
        return None
    text = rng.choice(("Hello", "W" * 2000, "中" * 500, "word " * 300, "", "🙂 emoji"))
    layout = rng.choice(("text_wall", "double_text_wall", "reference_card", "dashboard_card", "bitmap",
                         "bitmap_animation"))
    return ShowCard(layout=layout, view=rng.choice(CARD_VIEWS), text=text, top=text, bottom=text, title=text,
                    left=text, right=text, data=_PNG_1x1, frames=(_PNG_1x1, _PNG_1x1), interval=0.01,
                    repeat=rng.random() < 0.5)


def check_scenario(data: bytes, rng: random.Random) -> Outcome:
    """A scenario on its device and layout, rendered at 0 s and at a random moment within its duration."""
    from hud.device import load_device
    from hud.scenario import load_scenario

    path = _write("scenario.yaml", data)
    fraction = rng.random()

    def run() -> None:
        scenario = load_scenario(path)
        device = load_device(scenario.device or "generic")
        layout = _layout_for(scenario.layout or device.layout)
        _render(scenario, device, layout, [0.0, fraction * scenario.duration], composite=False)

    return classify(run)


def check_device(data: bytes, rng: random.Random) -> Outcome:
    """A device profile: its layout's panel rendered and composited (optics) at a random moment."""
    from hud.device import load_device

    path = _write("device.yaml", data)
    t = rng.uniform(0, 60)

    def run() -> None:
        device = load_device(path)
        _render(_city_walk(), device, _layout_for(device.layout), [t], composite=True)

    return classify(run)


@cache
def _assistant_dir() -> Path:
    folder = workdir("files") / "assistant"
    shutil.copytree(paths.ASSETS / "assistant", folder)
    return folder


REQUESTS: tuple[str, ...] = (
    "take me to West Lake", "navigate to Blue Bottle", "pay for my coffee", "how much is a latte",
    "when does my flight board", "what's the weather", "translate thank you", "play some music",
    "what did I miss in the meeting", "what is the capital of China", "带我去西湖", "天气怎么样", "help",
)


def check_assistant(data: bytes, rng: random.Random, name: str = "answers.yaml") -> Outcome:
    """`data` as the assistant's data file `name`, among copies of the others: the assistant built, asked
    two random requests, and its answers shown on the panel."""
    from hud.assistant import Assistant
    from hud.scenario import load_scenario
    from hud.session import Session

    folder = _assistant_dir()
    target = folder / name
    target.write_bytes(data)
    requests = rng.sample(REQUESTS, 2)
    fraction = rng.random()

    def run() -> None:
        assistant = Assistant("fast", folder)
        empty = load_scenario(paths.SCENARIOS / "empty.yaml")
        device = _shipped_device("generic")
        session = Session(empty, device, _layout_for(device.layout), _background(), (160, 90))
        for text in requests:
            plan = assistant.respond(text, session.now)
            session.schedule(plan)
            end = max(t.at for t in plan)
            session.seek(session.now + fraction * (end - session.now))
            session.render_panel()
            session.seek(end)
            session.render_panel()

    try:
        return classify(run)
    finally:
        shutil.copyfile(paths.ASSETS / "assistant" / name, target)


def check(kind: str, data: bytes, rng: random.Random, name: str | None = None) -> Outcome:
    """`data` as a file of `kind` (for the assistant, data file `name`) through the real loader, and
    rendered when accepted."""
    if kind == "assistant":
        return check_assistant(data, rng, name or "answers.yaml")
    return {"layout": check_layout, "scenario": check_scenario, "device": check_device}[kind](data, rng)


def _case(kind: str) -> Callable[[random.Random], Outcome]:
    def case(rng: random.Random) -> Outcome:
        source = rng.choice(SHIPPED[kind])
        return check(kind, mutate(source, rng, kind), rng, source.name)

    case.__doc__ = f"One mutated shipped {kind} file, checked and rendered."
    return case


@dataclass(frozen=True)
class FileBoundary:
    """A boundary (called with a generator, it runs one case) whose `warm()` pays the one-time costs
    (imports, fonts, the background scene) before the runner starts timing cases."""

    case: Callable[[random.Random], Outcome]

    def __call__(self, rng: random.Random) -> Outcome:
        return self.case(rng)

    def warm(self) -> None:
        for i in range(3):
            self.case(random.Random(f"warm:{i}"))


BOUNDARIES: dict[str, Boundary] = {kind: FileBoundary(_case(kind)) for kind in SHIPPED}
