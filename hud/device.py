"""Device profiles: the display hardware a layout is shown on, loaded from `assets/devices/*.yaml`.

Why data, not code: adding a device is a file a designer can write, validated as strictly as a
layout. The README cites where each profile's numbers come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hud import paths, schema
from hud.schema import Bool, Color, Field, Float, Int, List, Record, Str

DEFAULT_DEVICE = "generic"


@dataclass(frozen=True)
class Optics:
    """How the waveguide turns panel pixels into light in the eye (see README "Optics")."""

    brightness: str = "auto"  # auto: follows the scene, as the real glasses do; fixed: `level` of peak
    level: float = 0.6  # fixed brightness, fraction of peak nits
    auto_ratio: float = 4.0  # auto: display nits per nit of scene seen through the lens (dim text needs ~3x)
    min_nits: float = 10.0  # auto never goes dimmer than this
    transmission: float = 0.85  # share of the world's light the lens and waveguide let through
    bloom: float = 0.12  # halation around bright strokes, fraction of their light
    ghost: float = 0.02  # faint second image, fraction of the light
    ghost_offset: tuple[float, float] = (0.3, 0.2)  # degrees right and down
    blur: float = 0.5  # optical blur radius, panel pixels
    eyebox: float = 0.2  # how much dimmer the panel's edges are than its centre
    dither: bool = False  # ordered dithering when quantising (1-bit panels)


@dataclass(frozen=True)
class Power:
    """A linear display power model (see README "Power"): these numbers are estimates, not datasheets."""

    emissive: bool = True  # microLED/OLED: power follows lit pixels; LCoS/LCD: a backlight follows brightness
    base_mw: float = 30.0  # display and driver on, all black
    full_mw: float = 400.0  # extra for a fully lit panel at peak brightness
    system_mw: float = 450.0  # everything else: SoC, radios, sensors at rest
    battery_wh: float = 0.9  # main battery
    swap_wh: float = 0.0  # hot-swap battery (0: none)


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
    nits: int  # peak luminance
    source: str  # where the numbers come from
    optics: Optics = Optics()
    power: Power = Power()

    @property
    def levels(self) -> int:
        return int(2 ** self.grey_bits)


def _build(values: dict[str, Any]) -> Device:
    return Device(
        name=values["name"], label=values["label"], panel=tuple(values["panel"]),
        hue=values["hue"], grey_bits=values["grey_bits"], fov=tuple(values["fov"]),
        eyes=values["eyes"], position=tuple(values["position"]), layout=values["layout"],
        nits=values["nits"], source=values["source"],
        optics=values["optics"] or Optics(), power=values["power"] or Power(),
    )


def _record(cls: type, name: str, fields: dict[str, Field]) -> Record:
    """A Record whose unset keys take the dataclass's defaults."""

    def build(values: dict[str, Any]) -> Any:
        given = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if v is not None}
        return cls(**given)

    return Record(name=name, fields=fields, build=build)


OPTICS_SCHEMA = _record(Optics, "optics", {
    "brightness": Field(Str(choices=("auto", "fixed"))),
    "level": Field(Float(0.0, 1.0)),
    "auto_ratio": Field(Float(0.0, 100.0)),
    "min_nits": Field(Float(0.0, 100_000.0)),
    "transmission": Field(Float(0.01, 1.0)),
    "bloom": Field(Float(0.0, 1.0)),
    "ghost": Field(Float(0.0, 0.5)),
    "ghost_offset": Field(List(Float(-5.0, 5.0), 2, 2)),
    "blur": Field(Float(0.0, 8.0)),
    "eyebox": Field(Float(0.0, 1.0)),
    "dither": Field(Bool()),
})
POWER_SCHEMA = _record(Power, "power", {
    "emissive": Field(Bool()),
    "base_mw": Field(Float(0.0, 10_000.0)),
    "full_mw": Field(Float(0.0, 10_000.0)),
    "system_mw": Field(Float(0.0, 10_000.0)),
    "battery_wh": Field(Float(0.01, 100.0)),
    "swap_wh": Field(Float(0.0, 100.0)),
})


#: The most panel pixels a profile may have: 2048 x 2048, over ten times the largest profile's. A 4096 x 4096
#: panel takes most of a second a frame to draw and light, and no glasses display comes near it.
MAX_PANEL_PIXELS = 2048 * 2048


def _panel_size(values: dict[str, Any], nodes: dict[str, Any], ctx: schema.Context, node: Any) -> bool:
    panel = values.get("panel")
    if not isinstance(panel, list) or panel[0] * panel[1] <= MAX_PANEL_PIXELS:
        return True
    ctx.error(nodes["panel"], f"'panel' is {panel[0]} x {panel[1]} = {panel[0] * panel[1]} pixels; at most "
              f"{MAX_PANEL_PIXELS} (2048 x 2048) allowed")
    return False


DEVICE_SCHEMA = Record(name="device profile", build=_build, post=_panel_size, fields={
    "name": Field(Str(pattern=r"[a-z0-9][a-z0-9-]*", pattern_help="lower-case letters, digits and '-'", max_len=64),
                  required=True),
    "label": Field(Str(max_len=200), required=True),
    "panel": Field(List(Int(16, 4096), 2, 2), required=True),
    "hue": Field(Color(), default=None),
    "grey_bits": Field(Int(1, 8), default=8),
    # At most 75° each way: wider than any waveguide display made, and the widest a 16:9 view from the
    # default 70° camera can show (the compositor refuses an image over twice the view, CameraTooNarrow).
    "fov": Field(List(Float(1, 75), 2, 2), required=True),
    "eyes": Field(Str(choices=("left", "right", "both")), default="both"),
    "position": Field(List(Float(-45, 45), 2, 2), default=[0.0, 0.0]),
    "layout": Field(schema.FileRef(roots=(paths.LAYOUTS,), kind="layout"), default=paths.DEFAULT_LAYOUT),
    "nits": Field(Int(1, 100000), default=1000),
    "source": Field(Str(), default=""),
    "optics": Field(OPTICS_SCHEMA, default=None),
    "power": Field(POWER_SCHEMA, default=None),
})


def available() -> list[str]:
    return sorted(p.stem for p in paths.DEVICES.glob("*.yaml"))


def load_device(name_or_path: str | Path) -> Device:
    """A profile by name (`vuzix-z100`) or by path to its YAML file."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = paths.DEVICES / f"{name_or_path}.yaml"
        if name_or_path not in available():  # not is_file(): a 300-character name raises OSError there
            raise ValueError(f"unknown device {schema.shown(str(name_or_path))} "
                             f"(available: {', '.join(available())})")
    device: Device = schema.load(path, DEVICE_SCHEMA, "device")
    return device
