"""The push protocol's commands that are not about the assistant: cards, clear, layout, device.

Why re-exports and not classes of our own: `hud.events` already defines them (`ShowCard`,
`Clear`, `SetLayout`, `SetDevice`) and the state reducer and the session apply exactly those
classes. One class per event keeps a pushed card, a scripted card and a replayed card the same
record; duplicates here would be rejected by `hud.state.apply` as unhandled.

`prepare` is what a pushed `set_layout` or `set_device` costs before the display may take it: the
files it names are resolved under the roots policy (`hud.roots`), loaded and checked, in the push
bridge's worker thread. Every failure becomes `Refused` with one line naming the field, and never
quotes a file that is not named as a layout or device, nor one whose top level is not a YAML
mapping (a key, a `.env`, `/etc/passwd`, all of which read as one long YAML string).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

import yaml

from hud import paths
from hud.device import Device, load_device
from hud.events import CARD_LAYOUTS, CARD_VIEWS, CLEAR_WHAT, Clear, Event, SetDevice, SetLayout, ShowCard
from hud.layout import Layout, load_layout
from hud.roots import (
    DEVICE,
    FONT,
    LAYOUT,
    MAX_PROBLEM_CHARS,
    MAX_PROBLEMS,
    Kind,
    Refused,
    Roots,
    check_stat,
    one_line,
    same_file,
    show,
)
from hud.schema import ConfigError

__all__ = ["CARD_LAYOUTS", "CARD_VIEWS", "CLEAR_WHAT", "COMMANDS", "Clear", "Loaded", "Refused", "SetDevice",
           "SetLayout", "ShowCard", "is_command", "needs_files", "prepare", "prepare_device", "prepare_layout"]

#: The events the push protocol adds to the assistant's vocabulary.
COMMANDS: tuple[type[Event], ...] = (ShowCard, Clear, SetLayout, SetDevice)

_DEVICE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def is_command(event: Event) -> bool:
    return isinstance(event, COMMANDS)


def needs_files(event: Event) -> bool:
    """Whether applying `event` reads files (which must then happen off the network and frame loops)."""
    return isinstance(event, SetLayout | SetDevice)


@dataclass(frozen=True)
class Loaded:
    """What a set_layout or set_device will show, loaded and checked: the session reads nothing more.

    `event` is the event to apply: a set_layout's path becomes the resolved real path, so a
    recording replays the very file that was shown.
    """

    event: Event
    layout: Layout | None = None
    device: Device | None = None


def prepare(event: Event, roots: Roots) -> Loaded:
    """Load the files `event` names under `roots`; raises `Refused` (one line) when it cannot."""
    if isinstance(event, SetLayout):
        layout = prepare_layout(event.path, roots, "'path'")
        return Loaded(SetLayout(path=str(layout.path)), layout=layout)
    if isinstance(event, SetDevice):
        device, layout = prepare_device(event.name, roots, "'name'")
        return Loaded(event, layout=layout, device=device)
    return Loaded(event)


def prepare_layout(text: str, roots: Roots, field: str) -> Layout:
    """A layout from a path a client gave: inside the roots, a regular YAML file under the size cap,
    valid, with finite numbers and fonts that pass the same checks."""
    real = roots.resolve(text, field, LAYOUT)
    layout: Layout = _load(real, load_layout, field, text, LAYOUT)
    theme = layout.theme
    for name, font in (("regular", theme.font_regular), ("bold", theme.font_bold), ("cjk", theme.font_cjk)):
        roots.resolve(str(font), f"{field}: {show(text)} theme.fonts.{name}", FONT)
    _finite(layout.widgets, "widgets", field, text, LAYOUT)
    _finite(theme, "theme", field, text, LAYOUT)
    return layout


def prepare_device(name: str, roots: Roots, field: str) -> tuple[Device, Layout]:
    """A bundled device profile by name, and the layout it brings, both checked like a layout."""
    if not isinstance(name, str) or not _DEVICE_NAME.fullmatch(name):
        raise Refused(f"{field}: {show(name)} is not a device name (lowercase letters, digits and '-')")
    text = str(paths.DEVICES / f"{name}.yaml")
    real = roots.resolve(text, field, DEVICE)
    device: Device = _load(real, load_device, field, name, DEVICE)
    _finite(device, "device", field, name, DEVICE)
    layout = prepare_layout(str(device.layout), roots, f"{field}: {show(name)} layout")
    return device, layout


def _load(real: Path, loader: Any, field: str, text: str, kind: Kind) -> Any:
    """`loader(real)` for a file `Roots.resolve` accepted, refusing if it changed in between.

    Why stat again: the file may have been replaced since it was resolved (by a FIFO, a larger
    file); the loader is called only while it is still a capped regular file, and its result is
    kept only if the file is unchanged after loading.
    """
    try:
        before = os.stat(real)
        check_stat(before, field, text, kind)
        value = loader(real)
        changed = not same_file(before, os.stat(real))
    except Refused:
        raise
    except ConfigError as exc:
        raise Refused(_problems(exc, real, field, text, kind)) from None
    except OSError as exc:
        raise Refused(f"{field}: {show(text)} cannot be read ({exc.strerror or type(exc).__name__})") from None
    except Exception as exc:  # a loader's bug must not end the process; its message may quote the file: not shown
        raise Refused(f"{field}: {show(text)} could not be loaded as a {kind.noun} ({type(exc).__name__})") from None
    if changed:
        raise Refused(f"{field}: {show(text)} changed while it was being read; send it again")
    return value


def _problems(exc: ConfigError, real: Path, field: str, text: str, kind: Kind) -> str:
    """One line for a file that failed validation; quotes it only if it is a YAML mapping at all."""
    source = exc.sources.get(str(real))
    if source is not None:
        try:
            top = yaml.compose(source, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            top = None  # a syntax error: its position and PyYAML's description of the token are shown
        else:
            if not isinstance(top, yaml.MappingNode):
                return (f"{field}: {show(text)} is not a hud {kind.noun}: its top level is not a mapping of "
                        f"{kind.noun} keys (contents not shown)")
    shown = [one_line(f"{p.line}:{p.col}: {p.message}", MAX_PROBLEM_CHARS) for p in exc.problems[:MAX_PROBLEMS]]
    more = len(exc.problems) - len(shown)
    tail = f"; and {more} more problem{'s' if more > 1 else ''}" if more > 0 else ""
    return f"{field}: {show(text)} is not a valid {kind.noun}: " + "; ".join(shown) + tail


def _finite(value: Any, where: str, field: str, text: str, kind: Kind) -> None:
    """Refuse a NaN or infinite number anywhere in a loaded record (it would end the process when drawn).

    The validators should refuse them first; this is the net under them for pushed files.
    """
    found = _non_finite(value, where)
    if found is not None:
        raise Refused(f"{field}: {show(text)} is not a valid {kind.noun}: {found[0]} is {found[1]} "
                      f"(numbers must be finite)")


def _non_finite(value: Any, where: str) -> tuple[str, float] | None:
    """The first NaN or infinity in `value` (dataclasses, dicts, lists), with where it is."""
    if isinstance(value, float):
        return None if math.isfinite(value) else (where, value)
    items: list[tuple[str, Any]] = []
    if is_dataclass(value) and not isinstance(value, type):
        items = [(f"{where}.{f.name}", getattr(value, f.name)) for f in fields(value)]
    elif isinstance(value, dict):
        items = [(f"{where}.{key}", item) for key, item in value.items()]
    elif isinstance(value, list | tuple):
        items = [(f"{where}[{i}]", item) for i, item in enumerate(value)]
    for name, item in items:
        found = _non_finite(item, name)
        if found is not None:
            return found
    return None
