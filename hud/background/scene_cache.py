"""The street scene's textures, painted once and then read from the user's disk cache (`hud.diskcache`).

Why: painting a palette's facades and ground at every mip level takes about half a second, most
of the time to a first frame; the result (a 52 MB buffer and a few tables) depends only on the
scene's code, the bundled fonts, the palette and the pygame, SDL and numpy that drew it, and all
of those are in the key. A different key is a miss and a fresh paint, so a cached start shows the
same pixels as a cold one.

How, without the scene knowing: the `Textures` object's attributes are stored by kind (arrays as
arrays; numbers, strings and lists as JSON; the scene's own dataclasses field by field; the city
and palette it was made from by reference). An attribute of any other kind means the object is
not stored, so a new kind of attribute in the scene costs speed, never correctness.
"""

from __future__ import annotations

import dataclasses
import importlib
import sys
from pathlib import Path
from typing import Any

import numpy as np

from hud import diskcache, paths
from hud.background.scene.city import City
from hud.background.scene.raycast import Textures
from hud.background.scene.route import CITY_WALK, Route
from hud.background.scene.world import Palette
from hud.pg import pygame

__all__ = ["FORMAT", "cache_key", "textures"]

FORMAT = "scene-textures 1"  # change when the way attributes are stored changes
_SCENE_PACKAGE = "hud.background.scene."
_HERE = Path(__file__).resolve().parent


def textures(city: City, palette: Palette, route: Route) -> Textures:
    """`Textures(city, palette)`, read from the cache when an identical one was painted before."""
    if route is not CITY_WALK:  # only the built-in walk is keyed by its code alone
        return Textures(city, palette)
    try:
        key = cache_key(palette)
    except OSError:
        return Textures(city, palette)
    name = f"scene-textures-{'night' if palette.night else 'day'}"
    found = diskcache.load(name, key)
    if found is not None:
        restored = _restore(found[0], found[1], city, palette)
        if restored is not None:
            return restored
    built = Textures(city, palette)
    packed = _pack(built, city, palette)
    if packed is not None:
        diskcache.store(name, key, *packed)
    return built


def cache_key(palette: Palette) -> str:
    """Everything the textures are a function of: the scene's code, fonts, palette and libraries."""
    sources = [*sorted((_HERE / "scene").glob("*.py")), _HERE / "base.py", _HERE / "scene_cache.py",
               _HERE.parent / "pg.py", _HERE.parent / "diskcache.py"]
    fonts = sorted(p for p in paths.FONTS.iterdir() if p.is_file())
    versions = (FORMAT, sys.version, sys.byteorder, pygame.version.ver, repr(pygame.get_sdl_version()),
                repr(pygame.font.get_sdl_ttf_version()), np.__version__,
                pygame.transform.get_smoothscale_backend(), repr(palette))
    return diskcache.content_key(*versions, *(part for p in sources + fonts for part in (p.name, p.read_bytes())))


def _pack(tex: Textures, city: City, palette: Palette) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {}
    try:
        for name, value in vars(tex).items():
            meta[name] = _encode(value, f"a{len(arrays)}", arrays, city, palette)
    except _Unsupported:
        return None
    return meta, arrays


class _Unsupported(Exception):
    pass


def _encode(value: Any, slot: str, arrays: dict[str, np.ndarray], city: City, palette: Palette) -> Any:
    if value is city:
        return {"ref": "city"}
    if value is palette:
        return {"ref": "palette"}
    if isinstance(value, np.ndarray):
        if value.dtype.str not in diskcache.DTYPES:
            raise _Unsupported
        name = f"a{len(arrays)}"
        arrays[name] = value
        return {"array": name}
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return {"float": value.hex()}  # exact, and NaN and infinities too
    if isinstance(value, list | tuple):
        items = [_encode(v, slot, arrays, city, palette) for v in value]
        return items if isinstance(value, list) else {"tuple": items}
    cls = type(value)
    if dataclasses.is_dataclass(value) and cls.__module__.startswith(_SCENE_PACKAGE):
        fields = {f.name: _encode(getattr(value, f.name), slot, arrays, city, palette)
                  for f in dataclasses.fields(value)}
        return {"dataclass": [cls.__module__, cls.__qualname__], "fields": fields}
    raise _Unsupported


def _restore(meta: Any, arrays: dict[str, np.ndarray], city: City, palette: Palette) -> Textures | None:
    """A Textures from what `_pack` stored, or None when anything in it is not what `_pack` writes."""
    if not isinstance(meta, dict):
        return None
    try:
        attributes = {name: _decode(value, arrays, city, palette) for name, value in meta.items()}
    except (_Unsupported, KeyError, TypeError, ValueError, AttributeError, ImportError, RecursionError):
        return None
    tex = Textures.__new__(Textures)
    tex.__dict__.update(attributes)
    return tex


def _decode(value: Any, arrays: dict[str, np.ndarray], city: City, palette: Palette) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, list):
        return [_decode(v, arrays, city, palette) for v in value]
    if not isinstance(value, dict):
        raise _Unsupported
    if value.keys() == {"ref"}:
        return {"city": city, "palette": palette}[value["ref"]]
    if value.keys() == {"array"}:
        return arrays[value["array"]]
    if value.keys() == {"float"}:
        return float.fromhex(value["float"])
    if value.keys() == {"tuple"}:
        return tuple(_decode(v, arrays, city, palette) for v in value["tuple"])
    if value.keys() == {"dataclass", "fields"}:
        module, qualname = value["dataclass"]
        if not isinstance(module, str) or not module.startswith(_SCENE_PACKAGE) or module not in sys.modules:
            raise _Unsupported  # only the scene's own dataclasses, from modules already loaded
        cls = getattr(importlib.import_module(module), qualname)
        if not isinstance(cls, type) or not dataclasses.is_dataclass(cls) or not isinstance(value["fields"], dict):
            raise _Unsupported
        names = {f.name for f in dataclasses.fields(cls)}
        if set(value["fields"]) != names:
            raise _Unsupported
        obj = cls.__new__(cls)
        for name, field in value["fields"].items():
            object.__setattr__(obj, name, _decode(field, arrays, city, palette))
        return obj
    raise _Unsupported
