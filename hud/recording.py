"""Record and replay: every event (scripted, pushed, typed, gesture) with its clock time, as JSON Lines.

The first line says how the session was set up (scenario, device, layout, background, view,
camera, the view's field of view, optics); every other line is one event, in the scenario timeline's own form:
`{"at": 12.5, "event": "notify", "app": "Chat", "title": "Hi"}`. Replaying applies exactly these
events at exactly these times, so a replayed run's screenshots are identical to the original's.

A recording given to `replay` is input like any other: it may come from another machine, be cut
short, edited by hand or made by a fuzzer. So it is read under limits and checked completely before
anything is set up, and every problem is a `file:line:col` error (the line is the JSON Lines line,
the column the offending value's): only a regular file of at most MAX_RECORDING_BYTES, lines of at
most MAX_LINE_BYTES, strict UTF-8 and strict JSON (no NaN or Infinity, no duplicate fields, no lone
surrogates), a header whose every field is checked, and each event checked by the scenario
timeline's own schema (`hud.scenario.EVENT_SCHEMA`, the events' own validation: the same limits and
the same messages as a scenario file), in time order.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from hud import events as ev
from hud.schema import ConfigError, Problem, shown_line

FORMAT = "hud-recording/1"

#: The largest recording replayed: about two hours of a busy session with long cards (an hour of
#: the soak's 20 messages/s is 20-50 MB); every event is held in memory to seek back and forth.
MAX_RECORDING_BYTES = 128 * 1024 * 1024
#: The longest line: one event, a bitmap card's 140,000 characters of base64 with room to spare.
MAX_LINE_BYTES = 1024 * 1024
#: Problems reported before reading stops (a corrupt file can have a million).
MAX_PROBLEMS = 20
#: Lists and objects inside a field, at most (a valid event has none).
MAX_NESTING = 8

_VIEW_LIMITS = ((16, 7680), (16, 4320))  # as `--size`
_HEADER_FIELDS = ("format", "scenario", "device", "layout", "background", "view", "camera_fov", "view_fov", "optics")
#: Header fields a recording may lack: `view_fov` came later; without it the view is the camera's
#: whole picture, as it was then, so old recordings replay to the same pixels.
_OPTIONAL_FIELDS = ("view_fov",)
_TAG = "tag:yaml.org,2002:"


class Recorder:
    """Appends events to a JSON Lines file, flushing each line so a crash loses nothing."""

    def __init__(self, path: str | Path, setup: dict[str, Any]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: TextIO = self.path.open("w", encoding="utf-8")
        self._header = json.dumps({"format": FORMAT, **setup}, ensure_ascii=False) + "\n"
        self.truncate_to_header()

    def truncate_to_header(self) -> None:
        self._file.seek(0)
        self._file.truncate()
        self._file.write(self._header)
        self._file.flush()

    def write(self, timed: ev.Timed) -> None:
        self._file.write(json.dumps({"at": round(timed.at, 6), **timed.event.to_dict()}, ensure_ascii=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


@dataclass(frozen=True)
class Recording:
    setup: dict[str, Any]
    events: tuple[ev.Timed, ...]
    #: The header's fields -> the column of their value on line 1, so later problems can be located.
    columns: dict[str, int] = field(default_factory=dict)


class RecordingError(ConfigError, ValueError):
    """Problems in a recording, each at `file:line:col`; `report()` shows the offending line and a caret."""

    def __init__(self, problems: list[Problem], lines: dict[int, str] | None = None) -> None:
        super().__init__(problems)
        self.lines = lines or {}

    def report(self, context: bool = True) -> str:
        out: list[str] = []
        for p in self.problems:
            out.append(str(p))
            text = self.lines.get(p.line)
            if context and text is not None:
                start = max(0, p.col - 1 - 100)  # long lines: show the stretch around the column
                line = shown_line(text[start:], 160)
                out.append(f"    {'…' if start else ''}{line}")
                out.append("    " + " " * (min(p.col - 1 - start, len(line)) + (1 if start else 0)) + "^")
        return "\n".join(out)


class _Bad(Exception):
    """One problem on the line being read: its 1-based column and message."""

    def __init__(self, col: int, message: str) -> None:
        super().__init__(message)
        self.col, self.message = col, message


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number (numbers must be finite)")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return value


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("duplicate field in a nested object")
    return obj


_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_unique)
_WS = re.compile(r"[ \t\r\n]*")


def _value(text: str, i: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, i)
    except json.JSONDecodeError as exc:
        raise _Bad(exc.colno, f"malformed JSON: {exc.msg}") from None
    except RecursionError:
        raise _Bad(i + 1, "malformed JSON: nested too deeply") from None
    except ValueError as exc:  # NaN, 1e999, an integer of thousands of digits, a nested duplicate
        raise _Bad(i + 1, f"malformed JSON: {exc}") from None


def scan(text: str) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    """The JSON object on one line, and the columns (1-based) of each field's name and value.

    Why not `json.loads`: it says where the JSON is broken but not where a valid value that is wrong
    sits; the fields are read one by one with the standard decoder to know each value's column.
    """
    i = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if text[i:i + 1] != "{":
        value, _ = _value(text, i)
        kinds = {type(None): "null", bool: "true or false", int: "a number", float: "a number", str: "a string",
                 list: "a list"}
        raise _Bad(i + 1, f"expected a JSON object (one event per line), got {kinds.get(type(value), 'a value')}")
    values: dict[str, Any] = {}
    columns: dict[str, tuple[int, int]] = {}
    i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
    if text[i:i + 1] == "}":
        i += 1
    else:
        while True:
            if text[i:i + 1] != '"':
                raise _Bad(i + 1, "malformed JSON: expecting a field name in double quotes")
            key_col = i + 1
            key, i = _value(text, i)
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i:i + 1] != ":":
                raise _Bad(i + 1, "malformed JSON: expecting ':' after the field name")
            i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
            columns_value = i + 1
            value, i = _value(text, i)
            if key in values:
                raise _Bad(key_col, f"duplicate field {key!r}: each field may appear once")
            values[key], columns[key] = value, (key_col, columns_value)
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i:i + 1] == ",":
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
                continue
            if text[i:i + 1] == "}":
                i += 1
                break
            raise _Bad(i + 1, "malformed JSON: expecting ',' or '}'")
    end = _WS.match(text, i).end()  # type: ignore[union-attr]
    if end != len(text):
        raise _Bad(end + 1, "malformed JSON: more after the object (one JSON object per line)")
    for key, value in values.items():
        problem = _inside(key, value)
        if problem:
            raise _Bad(columns[key][1], problem)
    return values, columns


def _inside(key: str, value: Any) -> str | None:
    """What is wrong inside one field's value, walked without recursion: nesting past MAX_NESTING (an
    event is a flat object; deeper lists only exhaust the stack of whatever walks them later), or a
    lone surrogate in any string (JSON's `\\ud800` escape is not text)."""
    stack: list[tuple[Any, int]] = [(key, 0), (value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                return f"{key!r} holds a lone surrogate (\\u{ord(item[exc.start]):04x}): not text"
        elif isinstance(item, list | dict):
            if depth >= MAX_NESTING:
                return f"{key!r} is nested more than {MAX_NESTING} levels deep (an event's fields are plain values)"
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


def _node(value: Any, mark: Mark) -> Node:
    """A JSON value as the YAML node the scenario schema checks (every node at the value's position)."""
    if value is None:
        return ScalarNode(_TAG + "null", "null", mark, mark)
    if isinstance(value, bool):
        return ScalarNode(_TAG + "bool", "true" if value else "false", mark, mark)
    if isinstance(value, int):
        return ScalarNode(_TAG + "int", str(value), mark, mark)
    if isinstance(value, float):
        return ScalarNode(_TAG + "float", repr(value), mark, mark)
    if isinstance(value, str):
        return ScalarNode(_TAG + "str", value, mark, mark, style='"')
    if isinstance(value, list):
        return SequenceNode(_TAG + "seq", [_node(v, mark) for v in value], mark, mark)
    return MappingNode(_TAG + "map", [(_node(str(k), mark), _node(v, mark)) for k, v in value.items()], mark, mark)


def _event(values: dict[str, Any], columns: dict[str, tuple[int, int]], display: str, number: int,
           problems: list[Problem]) -> ev.Timed | None:
    """One line's event, checked by the scenario timeline's schema; None after adding its problems."""
    from hud import schema
    from hud.scenario import EVENT_FIELDS, EVENT_SCHEMA

    def mark(col: int) -> Mark:
        return Mark(display, 0, number - 1, col - 1, "", 0)  # no buffer: never printed from

    kind = values.get("event")
    fields = EVENT_FIELDS.get(kind, {}) if isinstance(kind, str) else {}
    # `Event.to_dict()` writes every field, so an unset optional one is a null: the same as leaving it out.
    kept = {k: v for k, v in values.items()
            if not (v is None and k in fields and not fields[k].required and fields[k].default is None)}
    items = [(_node(k, mark(columns[k][0])), _node(v, mark(columns[k][1]))) for k, v in kept.items()]
    node = MappingNode(_TAG + "map", items, mark(1), mark(1))
    ctx = schema.Context(display, Path.cwd())
    try:
        timed = EVENT_SCHEMA.check(node, ctx, "event")
    except Exception as exc:  # the schema's own bug must still be a located refusal, not a crash
        ctx.problems.append(Problem(display, number, 1, f"cannot check this event: {type(exc).__name__}: {exc}"))
        timed = schema.INVALID
    problems.extend(ctx.problems)
    if timed is schema.INVALID or ctx.problems:
        if not ctx.problems:
            problems.append(Problem(display, number, 1, "invalid event"))
        return None
    assert isinstance(timed, ev.Timed)
    return timed


def _header(values: dict[str, Any], columns: dict[str, tuple[int, int]], display: str) -> list[Problem]:
    """Every problem with the header's setup fields (the scenario and files themselves load later)."""
    from hud.optics import STAGES
    from hud.scenario import BACKGROUND_SPEC

    found: list[Problem] = []

    def bad(key: str, message: str) -> None:
        found.append(Problem(display, 1, columns[key][1] if key in columns else 1, message))

    if values.get("format") != FORMAT:
        return [Problem(display, 1, columns["format"][1] if "format" in columns else 1,
                        f"not a hud recording (expected a header with format {FORMAT!r})")]
    for key in values:
        if key not in _HEADER_FIELDS:
            bad(key, f"unknown field {key!r} in the header (expected: {', '.join(_HEADER_FIELDS)})")
    for key in _HEADER_FIELDS:
        if key not in values and key not in _OPTIONAL_FIELDS:
            found.append(Problem(display, 1, 1, f"incomplete recording header: missing {key!r}"))
    for key in ("scenario", "device", "layout", "background"):
        value = values.get(key)
        if key in values and not (isinstance(value, str) and 0 < len(value) <= 4096):
            bad(key, f"{key!r} must be a non-empty string of at most 4096 characters, got {json.dumps(value)[:60]}")
    device = values.get("device")
    if isinstance(device, str) and not re.fullmatch(r"[a-z0-9][a-z0-9-]*|.+\.ya?ml", device):
        bad("device", f"'device' must be a device name like 'vuzix-z100' or a .yaml file, got {device[:60]!r}")
    background = values.get("background")
    if isinstance(background, str) and not re.fullmatch(BACKGROUND_SPEC, background):
        bad("background", f"'background' must be scene, scene:night, camera[:N], auto, an image, a video or a "
                          f"folder of frames, got {background[:60]!r}")
    view = values.get("view")
    if "view" in values and not (isinstance(view, list) and len(view) == 2
                                 and all(isinstance(n, int) and not isinstance(n, bool) for n in view)
                                 and all(lo <= n <= hi for n, (lo, hi) in zip(view, _VIEW_LIMITS, strict=True))):
        bad("view", f"'view' must be [width, height] between [16, 16] and [7680, 4320], got {json.dumps(view)[:60]}")
    fov = values.get("camera_fov")
    if "camera_fov" in values and not (isinstance(fov, int | float) and not isinstance(fov, bool)
                                       and 1.0 <= fov <= 170.0):
        bad("camera_fov", f"'camera_fov' must be a number of degrees between 1 and 170, got {json.dumps(fov)[:60]}")
    view_fov = values.get("view_fov")
    if "view_fov" in values:
        degrees = float(view_fov) if isinstance(view_fov, int | float) and not isinstance(view_fov, bool) else None
        camera = float(fov) if isinstance(fov, int | float) and not isinstance(fov, bool) else None
        if degrees is None or not 1.0 <= degrees <= 170.0:
            bad("view_fov", f"'view_fov' must be a number of degrees between 1 and 170, got "
                            f"{json.dumps(view_fov)[:60]}")
        elif camera is not None and degrees > camera:
            bad("view_fov", f"'view_fov' ({degrees:g}) must be at most 'camera_fov' ({camera:g}): the view is a "
                            f"part of the camera's picture")
    optics = values.get("optics")
    if "optics" in values and not (isinstance(optics, list) and len(optics) <= len(STAGES)
                                   and all(isinstance(s, str) and s in STAGES for s in optics)):
        bad("optics", f"'optics' must be a list of optics stages ({', '.join(STAGES)}), got {json.dumps(optics)[:60]}")
    return found


def _open(path: Path) -> tuple[Any, Problem | None]:
    """The file open for reading in binary, or why not. Never waits: a FIFO or device is refused
    before it is opened, and again on the open file in case the path was swapped meanwhile."""
    display = str(path)
    refused = "not a regular file (a folder, device or pipe): a recording is a .jsonl file"
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None, Problem(display, 1, 1, refused)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        file = os.fdopen(fd, "rb")
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            file.close()
            return None, Problem(display, 1, 1, refused)
    except FileNotFoundError:
        return None, Problem(display, 1, 1, "file not found")
    except (OSError, ValueError) as exc:
        return None, Problem(display, 1, 1, f"cannot read the recording: {getattr(exc, 'strerror', None) or exc}")
    if info.st_size > MAX_RECORDING_BYTES:
        file.close()
        return None, Problem(display, 1, 1, f"the recording is {info.st_size} bytes; the limit is "
                                             f"{MAX_RECORDING_BYTES} ({MAX_RECORDING_BYTES // 2**20} MiB)")
    return file, None


def load_recording(path: str | Path) -> Recording:
    """Read and check a recording; RecordingError (a ConfigError and a ValueError) with every problem
    found (at most MAX_PROBLEMS), each at `file:line:col`. A bad line is never skipped."""
    path = Path(path)
    display = str(path)
    file, refused = _open(path)
    if refused is not None:
        raise RecordingError([refused])
    problems: list[Problem] = []
    shown: dict[int, str] = {}
    setup: dict[str, Any] = {}
    columns: dict[str, int] = {}
    timed: list[ev.Timed] = []
    read = 0
    with file:
        number = 0
        while len(problems) < MAX_PROBLEMS:
            raw = file.readline(MAX_LINE_BYTES + 1)
            if not raw:
                break
            number += 1
            read += len(raw)
            if read > MAX_RECORDING_BYTES:  # grew while being read
                problems.append(Problem(display, number, 1, f"the recording is larger than the limit of "
                                                            f"{MAX_RECORDING_BYTES} bytes"))
                break
            if len(raw.rstrip(b"\n")) > MAX_LINE_BYTES:
                problems.append(Problem(display, number, 1, f"line is longer than the limit of {MAX_LINE_BYTES} "
                                                            f"bytes (one event per line)"))
                break
            try:
                text = raw.decode("utf-8").rstrip("\n")
            except UnicodeDecodeError as exc:
                col = len(raw[:exc.start].decode("utf-8", "replace")) + 1
                problems.append(Problem(display, number, col, f"not UTF-8 text: byte 0x{raw[exc.start]:02X} cannot "
                                                              f"be decoded"))
                shown[number] = raw.decode("utf-8", "replace").rstrip("\n")
                continue
            if number > 1 and not text.strip():
                continue
            count = len(problems)
            try:
                values, cols = scan(text)
            except _Bad as exc:
                problems.append(Problem(display, number, exc.col, exc.message))
            else:
                if number == 1:
                    problems.extend(_header(values, cols, display))
                    setup, columns = values, {k: c[1] for k, c in cols.items()}
                    event = None
                else:
                    event = _event(values, cols, display, number, problems)
                if event is not None and timed and event.at < timed[-1].at:
                    order = f"events must be in time order ({event.at:g} s after {timed[-1].at:g} s)"
                    problems.append(Problem(display, number, cols["at"][1], order))
                elif event is not None:
                    timed.append(event)
            if len(problems) > count:
                shown[number] = text
                if number == 1:
                    break  # not a recording, or one this version cannot set up: its events mean nothing
    if number == 0:
        problems.append(Problem(display, 1, 1, "empty recording (expected a header line)"))
    if problems:
        if len(problems) >= MAX_PROBLEMS:
            problems = problems[:MAX_PROBLEMS]
            last = problems[-1]
            problems.append(Problem(display, last.line, last.col, "... and possibly more: reading stopped here"))
        raise RecordingError(problems, shown)
    return Recording(setup, tuple(timed), columns)
