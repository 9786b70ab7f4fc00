"""YAML layouts: which widgets are on screen, where, how big and how bright; plus the theme.

A widget is placed by an anchor (top, bottom, left, right, centre, or a corner) and margins in
panel pixels. Sizes are pixels or percentages of the space the margins leave, so one layout
serves panels of different sizes. See README "Writing a layout".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from hud import paths, schema
from hud.schema import Color, Either, Field, FileRef, Float, Int, List, Record, Str, Tagged

ANCHORS = ("top", "bottom", "left", "right", "centre", "center",
           "top-left", "top-right", "bottom-left", "bottom-right")
WIDGET_KINDS = ("status_bar", "navigation", "payment", "notification", "caption", "label", "card")


@dataclass(frozen=True)
class Theme:
    hue: tuple[int, int, int] = (0x3C, 0xFA, 0x44)
    levels: int = 256  # grey levels the design uses (the device may have fewer)
    font_regular: Path = paths.FONTS / "Inter-Medium.otf"
    font_bold: Path = paths.FONTS / "Inter-SemiBold.otf"
    font_cjk: Path = paths.FONTS / "DroidSansFallbackFull.ttf"


@dataclass(frozen=True)
class Dimension:
    """A length in pixels, or a percentage of the space available."""

    value: float
    percent: bool = False

    def resolve(self, available: int) -> int:
        return round(available * self.value / 100) if self.percent else int(self.value)


@dataclass(frozen=True)
class Where:
    """Where a widget is written: its mapping's first key in the layout file (1-based line and column)."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class WidgetSpec:
    kind: str
    anchor: str = "top-left"
    margin: tuple[int, int] = (0, 0)
    size: tuple[Dimension, Dimension] = (Dimension(100, True), Dimension(100, True))
    font_size: int = 24
    brightness: float = 1.0
    max_lines: int = 3
    text: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    #: Its place in the layout file (`check` reports there); None for specs built in code.
    where: Where | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Layout:
    path: Path
    name: str
    theme: Theme
    widgets: tuple[WidgetSpec, ...]


class DimensionChecker(Str):
    """`240` or `"50%"` (a plain decimal: no 'nan%', '1e3%' or '5_0%')."""

    def check(self, node: Any, ctx: schema.Context, name: str) -> Any:
        value = schema.Scalar.scalar(self, node, ctx, name)
        if value is schema.INVALID:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            if not 1 <= value <= 4096:
                return ctx.error(node, f"{name!r} must be between 1 and 4096 pixels, got {schema.shown(value)}")
            return Dimension(value)
        if isinstance(value, str) and re.fullmatch(r"\d{1,3}(\.\d{1,6})?%", value):
            pct = float(value[:-1])
            if 0 < pct <= 100:
                return Dimension(pct, percent=True)
        return ctx.error(node, f"expected pixels (an integer) or a percentage like '50%' for {name!r}, "
                         f"got {schema.shown(node.value)}")


def _pair(checker: schema.Checker, what: str) -> Either:
    return Either(scalar=checker, sequence=List(checker, 2, 2), what=what)


def _as_pair(value: Any) -> tuple[Any, Any]:
    return (value[0], value[1]) if isinstance(value, list) else (value, value)


def _theme(values: dict[str, Any]) -> Theme:
    fonts = values["fonts"] or {}
    default = Theme()
    return Theme(
        hue=values["hue"] or default.hue,
        levels=values["levels"],
        font_regular=fonts.get("regular") or default.font_regular,
        font_bold=fonts.get("bold") or default.font_bold,
        font_cjk=fonts.get("cjk") or default.font_cjk,
    )


@lru_cache(maxsize=64)
def _font_problem(path: Path, size: int, mtime_ns: int) -> str | None:
    """Why FreeType cannot use the file as a font, or None. Pillow raises cleanly on a file that is
    not a font, where pygame's loader accepts it and the first text drawn crashes the process."""
    from PIL import ImageFont

    try:
        font = ImageFont.truetype(str(path), 12)
        font.getbbox("Ag")
    except Exception as exc:  # OSError "unknown file format", ValueError, MemoryError on broken tables
        return f"not a font FreeType can read ({exc})"
    return None


def font_problem(path: Path) -> str | None:
    """Why the file at `path` is not a usable font, or None (cached while the file is unchanged)."""
    try:
        info = path.stat()
    except OSError as exc:
        return f"cannot read it ({exc})"
    return _font_problem(path, info.st_size, info.st_mtime_ns)


_FONT = FileRef(roots=(paths.FONTS,), kind="font file", verify=font_problem)
THEME_SCHEMA = Record(name="theme", build=_theme, fields={
    "hue": Field(Color(), default=None),
    "levels": Field(Int(2, 256), default=256),
    "fonts": Field(Record(name="fonts", fields={
        "regular": Field(_FONT), "bold": Field(_FONT), "cjk": Field(_FONT),
    }), default=None),
})

_COMMON: dict[str, Field] = {
    "anchor": Field(Str(choices=ANCHORS), default="top-left"),
    "margin": Field(_pair(Int(0, 2048), "margin: pixels, or [x, y] pixels"), default=0),
    "size": Field(_pair(DimensionChecker(), "size: [width, height] in pixels or percentages"),
                  default=Dimension(100, percent=True)),
    "font_size": Field(Int(8, 200), default=24),
    "brightness": Field(Float(0.0, 1.0), default=1.0),
}


def _widget(kind: str, **extra: Field) -> Record:
    def build(values: dict[str, Any]) -> WidgetSpec:
        anchor = "centre" if values["anchor"] == "center" else values["anchor"]
        return WidgetSpec(
            kind=kind, anchor=anchor, margin=_as_pair(values["margin"]),
            size=_as_pair(values["size"]), font_size=values["font_size"],
            brightness=values["brightness"], max_lines=values.get("max_lines") or 3,
            text=values.get("text") or "",
            options={"view": values["view"]} if "view" in values else {},
        )

    return Record(name=f"{kind} widget", fields={**_COMMON, **extra}, build=build)


@dataclass
class _Located(schema.Checker):
    """A widget checker whose spec also records where the widget is written."""

    inner: schema.Checker

    def check(self, node: Any, ctx: schema.Context, name: str) -> Any:
        value = self.inner.check(node, ctx, name)
        if isinstance(value, WidgetSpec):
            mark = node.start_mark
            value = replace(value, where=Where(ctx.path, mark.line + 1, mark.column + 1))
        return value


WIDGET_SCHEMA = Tagged(tag="kind", name="widget", variants={
    "status_bar": _widget("status_bar"),
    "navigation": _widget("navigation"),
    "payment": _widget("payment"),
    "notification": _widget("notification", max_lines=Field(Int(1, 12), default=3)),
    "caption": _widget("caption", max_lines=Field(Int(1, 12), default=2)),
    "label": _widget("label", text=Field(Str(max_len=2000), required=True)),
    "card": _widget("card", view=Field(Str(choices=("main", "dashboard", "always_on")), default="main")),
})

LAYOUT_SCHEMA = Record(name="layout", fields={
    "name": Field(Str(max_len=200), default=""),
    "theme": Field(THEME_SCHEMA, default=None),
    "widgets": Field(List(_Located(WIDGET_SCHEMA), min_len=1, max_len=64), required=True),
})


def load_layout(path: str | Path) -> Layout:
    """Load and validate a layout; raises `schema.ConfigError` listing every problem."""
    found = _locate(path)
    values = schema.load(found, LAYOUT_SCHEMA, "layout")
    return Layout(path=found, name=values["name"] or found.stem, theme=values["theme"] or Theme(),
                  widgets=tuple(values["widgets"]))


def _locate(path: str | Path) -> Path:
    """`path` if it is a file, else a layout of that name under layouts/; the loader reports what is wrong
    (a name too long for the file system, a folder, a device) at the path itself."""
    try:
        return Path(path) if Path(path).is_file() else paths.find(path, paths.LAYOUTS) or Path(path)
    except (OSError, ValueError):
        return Path(path)
