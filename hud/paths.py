"""Where bundled files live, and how names in YAML files are turned into paths.

Why: layouts and scenarios name fonts, devices and images relative to the project's
`assets/` and `layouts/` folders; a missing file must name every place that was searched.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
PROJECT_ROOT = _PACKAGE.parent  # a clone's top level (tests and benches of the repository use it)
#: The folder that holds `assets/` and `layouts/`: the package itself when installed from the wheel
#: (setup.py maps the repository's top-level folders into it), else the clone's top level (a clone or
#: an editable install).
BUNDLE = _PACKAGE if (_PACKAGE / "assets").is_dir() else PROJECT_ROOT
ASSETS = BUNDLE / "assets"
FONTS = ASSETS / "fonts"
DEVICES = ASSETS / "devices"
SCENARIOS = ASSETS / "scenarios"
LAYOUTS = BUNDLE / "layouts"
DEFAULT_SCENARIO = SCENARIOS / "city_walk.yaml"
DEFAULT_LAYOUT = LAYOUTS / "default.yaml"


def candidates(name: str | Path, *roots: Path) -> list[Path]:
    """The paths a relative `name` may mean, in search order (absolute names mean themselves): the
    current folder first (the user's own files win), then the given roots, then the bundle, so the
    README's `assets/scenarios/city_walk.yaml` works from any folder once hud is installed."""
    path = Path(name)
    if path.is_absolute():
        return [path]
    found: list[Path] = []
    for root in (Path.cwd(), *roots, BUNDLE):
        if (candidate := root / path) not in found:
            found.append(candidate)
    return found


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


def portable(path: str | Path) -> str:
    """`path` as a recording or report should store it: relative to the bundle when it is a bundled
    file (`assets/scenarios/city_walk.yaml`), so it resolves on another machine or install through
    `candidates`; any other path as an absolute one."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(BUNDLE.resolve()).as_posix()
    except ValueError:
        return str(resolved)
