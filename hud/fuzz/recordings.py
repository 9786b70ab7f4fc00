"""The recording boundary for the fuzzer: mutated `--record-events` files through `replay`.

Why mutate a real recording rather than write JSON Lines from nothing: a made-up file is refused at
its header, while a real one with one thing wrong reaches every check (the reader's limits, strict
JSON, the header's fields, each event's schema, time order) and, when it passes them, the session,
the state reducer and the renderer. The recording is made once per process by the real recorder:
the city walk on its clock with pushed events of every kind on top (each card layout, a bitmap,
CJK text, a roundabout, a payment through its steps, nulls for unset fields).

A case applies one to three mutations, at the value level (a field of a header or event line set
to a hostile JSON value, removed, added, renamed; an event renamed; a time moved out of order or
out of range), the line level (deleted, duplicated, swapped, cut short, a hostile line inserted),
the whole-file level (empty, a byte-order mark, CRLF, a line past the length limit) or the byte
level (a flip, invalid UTF-8, a deletion, a duplicated span). It then replays the file to a random
moment and renders the composite, as `replay FILE --at T --out F.png` does.

The rule: accepted and rendered, or refused with a `ConfigError` (RecordingError for the recording
itself) whose every problem has a real `file:line:col`; anything else is "other". Two choices keep
cases inside this boundary and the time bound: the background is never mutated into a camera
(`auto` or `camera` would open a webcam), and the composite is rendered at 160x90 (`--size`), so a
valid but huge recorded `view` is checked but not rendered at its size.
"""

from __future__ import annotations

import base64
import io
import json
import random
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from hud import events as ev
from hud import paths
from hud.fuzz import Boundary, Outcome, classify, workdir

if TYPE_CHECKING:
    from hud.background import BackgroundSource

VIEW = (160, 90)

#: JSON values (as JSON text) that try to get past a check.
HOSTILE_VALUES: tuple[str, ...] = (
    "NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e-400", "-1", "-0.0", "0", "86401", "1e308",
    "9" * 400, "9" * 5000, "-" + "9" * 30, "true", "false", "null", '""', '" "', '"x"', '"left"', '"tap"',
    '"\\ud800"', '"a\\udfffb"', '"\\u0000"', '"\\u001b[31m"', '"\\u202e"', '"\\ufffe"', '"\\u2028"',
    '"' + "x" * 3000 + '"', '"' + "字" * 2100 + '"', "[]", "{}", "[1, 2]", '{"a": 1}', '[' * 500 + ']' * 500,
    '"../../../etc/passwd"', '"/dev/zero"', '"/tmp"', '"nope.yaml"', '"text_wal"', '"tapp"', '"far"',
    '"2024-05-01"', '"0x10"', '"1_000"', '"!!python/object:os.system"', '"&a"', '"*a"',
)
#: Header values a mutation may use for its fields (never a camera: see the module's docstring).
HEADER_VALUES: dict[str, tuple[str, ...]] = {
    "scenario": ('"nope.yaml"', '"/dev/zero"', '"/etc/passwd"', '"README.md"', '"layouts/default.yaml"',
                 '"assets/scenarios"', '""', "3", "null"),
    "device": ('"vuzix-z100"', '"even-g1"', '"nope"', '"../generic"', '"assets/devices/generic.yaml"', '""', "[]"),
    "layout": ('"layouts/compact.yaml"', '"nope.yaml"', '"/dev/null"', '"assets/devices/generic.yaml"', '"x"'),
    "background": ('"scene:night"', '"scene:day"', '"missing.png"', '"README.md"', '"frames/"', '"x.mp4"', '""',
                   '"scene:dusk"'),
    "view": ("[320, 180]", "[0, 0]", "[16, 16]", "[7680, 4320]", "[7681, 10]", "[320]", '"320x180"', "[320.5, 180]",
             "[true, 180]", "[-320, 180]"),
    "camera_fov": ("1", "170", "0", "171", "NaN", '"70"', "1e999", "-70", "true"),
    "view_fov": ("1", "50", "70", "71", "170", "0", "NaN", '"camera"', "-50", "true"),
    "optics": ("[]", '["light", "bloom"]', '["lasers"]', '"all"', '["light", "light"]', "[1]", "null"),
    "format": ('"hud-recording/2"', '""', "1", "null"),
}


def _png() -> str:
    from PIL import Image

    out = io.BytesIO()
    image = Image.new("L", (48, 24))
    image.putpixel((10, 10), 255)
    image.save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()




@cache
def seed_recording() -> bytes:
    """A real recording: the city walk on its clock, with pushed events of every kind on top."""
    from hud.session import Options, Session

    path = workdir("recordings") / "seed.jsonl"
    session = Session.open(Options(scenario=paths.DEFAULT_SCENARIO, background="scene", view=VIEW,
                                   record_events=path))
    pushed: list[ev.Event] = [
        ev.ShowCard(layout="text_wall", text="Boarding at gate B12 · 登机口 B12"),
        ev.ShowCard(layout="double_text_wall", view="dashboard", top="Top", bottom="Bottom", duration=5.0),
        ev.ShowCard(layout="reference_card", title="Gate", text="B12, boarding 10:15"),
        ev.ShowCard(layout="dashboard_card", view="always_on", left="12:30", right="5G"),
        ev.ShowCard(layout="bitmap", data=_png()),
        ev.ShowCard(layout="bitmap_animation", frames=(_png(), _png()), interval=0.2, repeat=True, app="com.example"),
        ev.Clear(what="cards", view="main", app="com.example"),
        ev.Button(press="long"),
        ev.Notify(app="Chat", title="Lin Wei", body="到了吗？", urgent=True, duration=4.0),
        ev.Navigate(maneuver="roundabout", distance=120.0, street="Hubin Rd", exit=2),
        ev.Status(battery_main=40, connectivity="wifi"),
        ev.PayDetect(merchant="Cafe", amount=18.0), ev.PayConfirm(by="tap"), ev.PayResult(ok=False, reason="limit"),
        ev.Gesture(kind="swipe_down"), ev.Answer(text="On my way", cps=40.0), ev.Clear(what="cards"),
        ev.SetDevice(name="vuzix-z100"), ev.Say(text="confirm 确认"), ev.Idle(),
    ]
    try:
        for i, event in enumerate(pushed):
            session.seek(2.0 + i * 2.5)  # all within the city walk (60 s): seeking back re-records
            session.push(event)
        session.seek(session.scenario.duration)
    finally:
        session.close()
    return path.read_bytes()


# -- mutations ----------------------------------------------------------------------------------
def _set_value(line: str, rng: random.Random, header: bool) -> str:
    """One field of a line's object replaced, removed or added, or the event renamed, as JSON text."""
    try:
        obj = json.loads(line)
    except ValueError:
        return line
    if not isinstance(obj, dict):
        return line
    fields = {k: json.dumps(v, ensure_ascii=False) for k, v in obj.items()}
    op = rng.randrange(6)
    keys = list(fields)
    if op == 0 and keys:
        key = rng.choice(keys)
        choices = HEADER_VALUES.get(key, HOSTILE_VALUES) if header else HOSTILE_VALUES
        fields[key] = rng.choice(choices)
    elif op == 1 and keys:
        del fields[rng.choice(keys)]
    elif op == 2:
        fields[rng.choice(("colour", "At", "event ", "", "at", "text", "kind", "view", "exit"))] = \
            rng.choice(HOSTILE_VALUES)
    elif op == 3 and not header:
        fields["event"] = json.dumps(rng.choice((*ev.EVENT_TYPES, "wakeup", "Notify", "show ", "")))
    elif op == 4 and not header:
        fields["at"] = rng.choice(("0", "-0.5", "86400", "86400.5", "1e-9", str(rng.uniform(0, 100)),
                                   "NaN", '"12"', "9" * 30))
    else:
        key = rng.choice(keys) if keys else "x"
        return line.replace(f'"{key}"', f'"{key}", "{key}"', 1)  # a duplicate (usually breaks the syntax)
    return "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in fields.items()) + "}"


def _mutate_lines(lines: list[str], rng: random.Random) -> list[str]:
    if not lines:
        return lines
    i = rng.randrange(len(lines))
    op = rng.randrange(7)
    if op == 0:
        del lines[i]
    elif op == 1:
        lines.insert(i, lines[i])
    elif op == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == 3:
        lines[i] = lines[i][:rng.randrange(len(lines[i]) + 1)]
        del lines[i + 1:]  # cut short, as by a crash
    elif op == 4:
        lines.insert(i, rng.choice(('{"at": 1, "event": "notify", "app": "A", "title": "B"}', "{}", "[]", "null",
                                    '"text"', "42", "{", '{"at": 1}', '{"event": "wake"}', "   ", "\t",
                                    '{"format": "hud-recording/1"}')))
    else:
        lines[i] = _set_value(lines[i], rng, header=i == 0)
    return lines


def _mutate_whole(text: str, rng: random.Random) -> str:
    op = rng.randrange(6)
    if op == 0:
        return "\ufeff" + text
    if op == 1:
        return text.replace("\n", "\r\n")
    if op == 2:
        return rng.choice(("", "\n", "\n\n", "{}\n", text.split("\n", 1)[0]))
    if op == 3:
        return text + '{"at": 999, "event": "say", "text": "' + "x" * (1 << 20) + '"}\n'
    if op == 4:
        return text.rstrip("\n")  # no newline at the end
    return text + "\n" * 3 + "\x00"


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    if not buf:
        return b"\xff"
    i = rng.randrange(len(buf))
    op = rng.randrange(5)
    if op == 0:
        buf[i] ^= 1 << rng.randrange(8)
    elif op == 1:
        buf[i:i] = rng.choice((b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\r", b"\n", b"\\",
                               b'"', b"\x85", b"\xe2\x80\xa8"))
    elif op == 2:
        del buf[i:i + rng.randint(1, 60)]
    elif op == 3:
        buf[i:i] = bytes(buf[i:i + rng.randint(1, 300)]) * rng.choice((1, 2, 20))
    else:
        buf[i] = rng.randrange(256)
    return bytes(buf)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One hostile variant of a recording: one to three mutations of mixed levels."""
    text = data.decode("utf-8")
    for _ in range(rng.randint(1, 3)):
        level = rng.random()
        if level < 0.6:
            text = "\n".join(_mutate_lines(text.split("\n"), rng))
        elif level < 0.75:
            text = _mutate_whole(text, rng)
        else:
            return _mutate_bytes(text.encode("utf-8", "surrogatepass"), rng)
    return text.encode("utf-8", "surrogatepass")


# -- the real entry point ---------------------------------------------------------------------------
def _lines(data: bytes) -> list[str]:
    return [line.rstrip("\n") for line in data.decode("utf-8", "replace").split("\n")] or [""]


@cache
def _scene(night: bool) -> BackgroundSource:
    from hud.background.scene import StreetScene

    scene = StreetScene(night=night)
    scene.start()
    return scene


def _open_source(spec: str) -> BackgroundSource:
    """The street scene from this process's cache (its layers take longer to build than a case may),
    anything else through the real opener."""
    from hud.background import open_background

    if spec in ("scene", "scene:day", "scene:night"):
        return _scene(spec == "scene:night")
    return open_background(spec)


def replay_case(data: bytes, path: Path, at: float) -> Outcome:
    """Replay `data` (written to `path`) to time `at` and render it: accepted, located or other."""
    from hud.session import Session

    path.write_bytes(data)

    def run() -> None:
        session = Session.replay(path, VIEW, open_source=_open_source)
        try:
            session.seek(at)
            session.render_composite()
        finally:
            session.close()

    return classify(run, {str(path): _lines(data)}, elsewhere=True)


def recording_case(rng: random.Random) -> Outcome:
    """A mutated real recording, replayed to a random moment and rendered."""
    data = mutate(seed_recording(), rng)
    return replay_case(data, workdir("recordings") / "case.jsonl", rng.uniform(0.0, 70.0))


def warm() -> None:
    """Make the seed recording and the street scene's layers now, so that no case's time includes them."""
    replay_case(seed_recording(), workdir("recordings") / "warm.jsonl", 1.0)


BOUNDARIES: dict[str, Boundary] = {"recording": recording_case}
warm()  # importing this module is asking for its cases: about a second, once
