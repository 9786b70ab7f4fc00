"""The bundled device profiles: each validates, cites where its numbers come from, agrees with the published
numbers (docs/design-facts.md) and with itself, and its layout fits and renders on its panel."""

from hud.pg import use_headless_drivers

use_headless_drivers()

import math  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hud import paths  # noqa: E402
from hud.cli import main  # noqa: E402
from hud.device import DEFAULT_DEVICE, Device, available, load_device  # noqa: E402
from hud.layout import load_layout  # noqa: E402
from hud.panel import place  # noqa: E402
from hud.pg import pygame  # noqa: E402
from hud.session import Options, Session  # noqa: E402
from hud.validate import validate_file  # noqa: E402

PROFILES = available()
REQUIRED = ("generic", "quark-s1", "even-g1", "even-g2", "vuzix-z100", "meta-rayban-display", "brilliant-frame")
COLOUR = {"meta-rayban-display", "brilliant-frame"}  # full colour / a 16-colour palette: the theme's hue
RIGHT_EYE = {"vuzix-z100", "meta-rayban-display"}  # design facts: "right eye only"
# City walk: nav + answer, flight notification queued, roundabout, payment awaiting, verifying, second answer.
MOMENTS = (8.0, 16.0, 30.0, 41.0, 44.0, 55.0)
MIN_FONT = 16  # panel pixels: the smallest body text a layout may use


def device(name: str) -> Device:
    return load_device(name)


# --- the files -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", PROFILES)
def test_profile_file_validates(name: str) -> None:
    kind, error = validate_file(paths.DEVICES / f"{name}.yaml")
    assert (kind, error) == ("device", None)


def test_validate_command_accepts_every_profile(in_root, capsys) -> None:
    files = sorted(str(p.relative_to(in_root)) for p in paths.DEVICES.glob("*.yaml"))
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.count("(device)") == len(files)


def test_the_required_profiles_exist_and_generic_is_the_default() -> None:
    assert set(REQUIRED) <= set(PROFILES)
    assert Options().device is None and DEFAULT_DEVICE == "generic"  # the session's fallback


@pytest.mark.parametrize("name", PROFILES)
def test_source_says_where_the_numbers_come_from(name: str) -> None:
    source = device(name).source
    assert "design-facts.md" in source or "assumption" in source.lower()
    if "design-facts.md" in source:  # the cited notes ship with the repository
        assert (paths.PROJECT_ROOT / "docs" / "design-facts.md").is_file()


# --- the published numbers (design-facts.md) ---------------------------------------------------


@pytest.mark.parametrize(("name", "panel"), [
    ("even-g1", (640, 200)), ("even-g2", (576, 288)), ("vuzix-z100", (640, 480)),
    ("meta-rayban-display", (600, 600)), ("brilliant-frame", (640, 400)),
])
def test_published_panel_sizes(name: str, panel: tuple[int, int]) -> None:
    assert device(name).panel == panel


def test_published_grey_levels_and_hues() -> None:
    assert device("even-g2").levels == 16 and device("even-g2").hue == (0x3C, 0xFA, 0x44)
    assert device("brilliant-frame").levels == 16  # a 16-colour palette
    g1 = device("even-g1")
    assert g1.levels == 2 and g1.optics.dither  # 1-bit (text taken as 1-bit too): greys become patterns


@pytest.mark.parametrize("name", sorted(COLOUR))
def test_colour_devices_have_no_hue_and_show_the_themes(name: str) -> None:
    d = device(name)
    assert d.hue is None
    s = Session.open(Options(device=name, background="scene", view=(320, 180)))
    assert s.panel.hue == s.layout.theme.hue


@pytest.mark.parametrize("name", sorted(set(PROFILES) - COLOUR))
def test_monochrome_devices_have_their_own_hue(name: str) -> None:
    assert device(name).hue is not None


@pytest.mark.parametrize("name", sorted(RIGHT_EYE))
def test_right_eye_devices_say_so(name: str) -> None:
    assert device(name).eyes == "right"


def test_binocular_devices() -> None:
    assert device("quark-s1").eyes == "both"  # design facts: binocular
    assert device("even-g2").eyes == "both"  # design facts: "per eye"


def test_published_fields_of_view_and_brightness() -> None:
    assert device("even-g1").fov[0] == pytest.approx(25)
    assert device("vuzix-z100").fov[0] == pytest.approx(30)
    meta = device("meta-rayban-display")
    assert meta.panel[0] / meta.fov[0] == pytest.approx(42, abs=0.5)  # about 42 px/deg
    assert math.hypot(*meta.fov) == pytest.approx(20, abs=0.5)  # so "about 20 deg" is its diagonal
    assert device("quark-s1").nits == 4000


# --- internal consistency -------------------------------------------------------------------


@pytest.mark.parametrize("name", PROFILES)
def test_square_pixels(name: str) -> None:
    d = device(name)
    assert d.fov[1] / d.fov[0] == pytest.approx(d.panel[1] / d.panel[0], rel=0.01)


@pytest.mark.parametrize("name", PROFILES)
def test_power_estimates_follow_one_rule(name: str) -> None:
    """full_mw: the generic profile's, scaled by eyes x pixels x peak nits (README "Devices")."""
    ref, d = device("generic"), device(name)
    eyes = {"both": 2, "left": 1, "right": 1}

    def scale(x: Device) -> float:
        return eyes[x.eyes] * x.panel[0] * x.panel[1] * x.nits

    assert d.power.full_mw == pytest.approx(ref.power.full_mw * scale(d) / scale(ref), rel=0.05)
    assert d.power.emissive == (name != "meta-rayban-display")  # LCoS is lit by a backlight


def test_hot_swap_battery_only_where_published() -> None:
    assert device("quark-s1").power.swap_wh > 0
    assert [n for n in PROFILES if device(n).power.swap_wh > 0] == ["quark-s1"]


# --- layouts ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PROFILES)
def test_layout_fits_the_panel(name: str) -> None:
    """Every widget inside the panel; nothing overlaps but the primary items (the payment and the
    main-view card), which hide what they cover."""
    d = device(name)
    layout = load_layout(d.layout)
    bounds = pygame.Rect((0, 0), d.panel)
    placed = [(spec, place(spec, d.panel)) for spec in layout.widgets]
    for spec, rect in placed:
        assert bounds.contains(rect), f"{spec.kind} {rect} outside {d.panel}"
        assert spec.font_size >= MIN_FONT, f"{spec.kind} text {spec.font_size} px"
    others = [(s, r) for s, r in placed
              if s.kind != "payment" and not (s.kind == "card" and s.options.get("view", "main") == "main")]
    # The dashboard card lives in the status bar's empty middle, by design.
    others = [(s, r) for s, r in others if not (s.kind == "card" and s.options.get("view") == "dashboard")]
    for i, (a, ra) in enumerate(others):
        for b, rb in others[i + 1:]:
            assert not ra.colliderect(rb), f"{a.kind} {ra} overlaps {b.kind} {rb}"


@pytest.mark.parametrize("name", PROFILES)
def test_layout_renders_at_the_devices_size(name: str) -> None:
    s = Session.open(Options(device=name, background="scene", view=(320, 180)))
    assert s.layout.path == device(name).layout
    for t in MOMENTS:
        s.seek(t)
        img = s.render_panel()
        assert img.get_size() == s.device.panel
        lit = np.count_nonzero(pygame.surfarray.array3d(img).max(axis=2))
        assert lit > 500, f"{name} at {t} s: {lit} lit pixels"
