"""Where bundled files live, and how names in YAML files are turned into paths.

Why: layouts and scenarios name fonts, devices and images relative to the project's
`assets/` and `layouts/` folders; a missing file must name every place that was searched.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS = PROJECT_ROOT / "assets"
FONTS = ASSETS / "fonts"
DEVICES = ASSETS / "devices"
SCENARIOS = ASSETS / "scenarios"
LAYOUTS = PROJECT_ROOT / "layouts"
DEFAULT_SCENARIO = SCENARIOS / "city_walk.yaml"
DEFAULT_LAYOUT = LAYOUTS / "default.yaml"


def candidates(name: str | Path, *roots: Path) -> list[Path]:
    """The paths a relative `name` may mean, in search order (absolute names mean themselves)."""
    path = Path(name)
    if path.is_absolute():
        return [path]
    return [root / path for root in roots] + [Path.cwd() / path]


def find(name: str | Path, *roots: Path) -> Path | None:
    """The first existing candidate for `name`, or None."""
    for path in candidates(name, *roots):
        if path.is_file():
            return path
    return None


def describe_search(name: str | Path, *roots: Path) -> str:
    """A message listing every path searched for `name`, for errors."""
    tried = ", ".join(str(p) for p in candidates(name, *roots))
    return f"file {str(name)!r} not found (searched: {tried})"
