"""Device profiles: the display hardware a layout is shown on, loaded from `assets/devices/*.yaml`.

Why data, not code: adding a device is a file a designer can write, validated as strictly as a
layout. The README cites where each profile's numbers come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hud import paths, schema
from hud.schema import Color, Field, Float, Int, List, Record, Str

DEFAULT_DEVICE = "generic"


@dataclass(frozen=True)
class Device:
    name: str
    label: str
    panel: tuple[int, int]  # native pixels
    hue: tuple[int, int, int] | None  # None: a colour display, the theme's hue is used
    grey_bits: int  # grey levels = 2 ** grey_bits
    fov: tuple[float, float]  # horizontal, vertical degrees of the virtual image
    eyes: str  # left, right or both
    position: tuple[float, float]  # degrees right and down of the view's centre
    layout: Path
    nits: int
    source: str  # where the numbers come from

    @property
    def levels(self) -> int:
        return 2 ** self.grey_bits


def _build(values: dict[str, Any]) -> Device:
    return Device(
        name=values["name"], label=values["label"], panel=tuple(values["panel"]),
        hue=values["hue"], grey_bits=values["grey_bits"], fov=tuple(values["fov"]),
        eyes=values["eyes"], position=tuple(values["position"]), layout=values["layout"],
        nits=values["nits"], source=values["source"],
    )


DEVICE_SCHEMA = Record(name="device profile", build=_build, fields={
    "name": Field(Str(pattern=r"[a-z0-9][a-z0-9-]*", pattern_help="lower-case letters, digits and '-'"),
                  required=True),
    "label": Field(Str(), required=True),
    "panel": Field(List(Int(16, 4096), 2, 2), required=True),
    "hue": Field(Color(), default=None),
    "grey_bits": Field(Int(1, 8), default=8),
    "fov": Field(List(Float(1, 120), 2, 2), required=True),
    "eyes": Field(Str(choices=("left", "right", "both")), default="both"),
    "position": Field(List(Float(-45, 45), 2, 2), default=[0.0, 0.0]),
    "layout": Field(schema.FileRef(roots=(paths.LAYOUTS,), kind="layout"), default=paths.DEFAULT_LAYOUT),
    "nits": Field(Int(1, 100000), default=1000),
    "source": Field(Str(), default=""),
})


def available() -> list[str]:
    return sorted(p.stem for p in paths.DEVICES.glob("*.yaml"))


def load_device(name_or_path: str | Path) -> Device:
    """A profile by name (`vuzix-z100`) or by path to its YAML file."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = paths.DEVICES / f"{name_or_path}.yaml"
        if not path.is_file():
            raise ValueError(f"unknown device {str(name_or_path)!r} (available: {', '.join(available())})")
    return schema.load(path, DEVICE_SCHEMA, "device")
