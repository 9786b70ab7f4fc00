"""Record and replay: every event (scripted, pushed, typed, gesture) with its clock time, as JSON Lines.

The first line says how the session was set up (scenario, device, layout, background, view,
camera, optics); every other line is one event, in the scenario timeline's own form:
`{"at": 12.5, "event": "notify", "app": "Chat", "title": "Hi"}`. Replaying applies exactly these
events at exactly these times, so a replayed run's screenshots are identical to the original's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from hud import events as ev

FORMAT = "hud-recording/1"


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


def load_recording(path: str | Path) -> Recording:
    """Read a recording; a bad line is an error naming the file and line, never skipped."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ValueError(f"cannot read recording {path}: {exc.strerror or exc}") from None
    if not lines:
        raise ValueError(f"{path}:1: empty recording (expected a header line)")
    try:
        setup = json.loads(lines[0])
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}:1:{exc.colno}: malformed JSON header: {exc.msg}") from None
    if not isinstance(setup, dict) or setup.get("format") != FORMAT:
        raise ValueError(f"{path}:1: not a hud recording (expected a header with format {FORMAT!r})")
    timed: list[ev.Timed] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            at = data.pop("at")
            if not isinstance(at, int | float) or at < 0:
                raise ValueError(f"'at' must be a time in seconds >= 0, got {at!r}")
            if timed and at < timed[-1].at:
                raise ValueError(f"events must be in time order ({at} s after {timed[-1].at} s)")
            timed.append(ev.Timed(float(at), ev.from_dict(data)))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}:{exc.colno}: malformed JSON: {exc.msg}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            reason = "missing 'at'" if isinstance(exc, KeyError) else str(exc)
            raise ValueError(f"{path}:{number}: {reason}") from None
    return Recording(setup, tuple(timed))
