"""Layouts: the bundled ones load; every bad fixture gives its exact file:line:col message."""

from __future__ import annotations

import pytest
from conftest import ROOT

from hud.layout import load_layout
from hud.panel import place
from hud.schema import ConfigError

BAD = "tests/fixtures/layouts"

EXPECTED = {
    "unknown_key.yaml": [
        f"{BAD}/unknown_key.yaml:4:5: unknown key 'colour' in status_bar widget "
        "(expected one of: anchor, margin, size, font_size, brightness)",
    ],
    "wrong_type.yaml": [f"{BAD}/wrong_type.yaml:3:16: expected an integer for 'font_size', got string 'big'"],
    "out_of_range.yaml": [f"{BAD}/out_of_range.yaml:3:17: 'brightness' must be between 0.0 and 1.0, got 1.5"],
    "unknown_kind.yaml": [
        f"{BAD}/unknown_kind.yaml:2:11: unknown widget kind 'navigaton' (expected one of: status_bar, "
        "navigation, payment, notification, caption, label, card); did you mean 'navigation'?",
    ],
    "missing_font.yaml": [
        f"{BAD}/missing_font.yaml:3:14: missing font file: file 'NoSuchFont.otf' not found (searched: "
        f"{ROOT}/NoSuchFont.otf, {ROOT}/assets/fonts/NoSuchFont.otf, {ROOT}/{BAD}/NoSuchFont.otf)",
    ],
    "syntax_error.yaml": [
        f"{BAD}/syntax_error.yaml:3:11: YAML syntax error: while scanning a quoted scalar: "
        "found unexpected end of stream (at 5:1)",
    ],
    "many_problems.yaml": [
        f"{BAD}/many_problems.yaml:3:8: 'hue' must be a colour like '#3CFA44', got 'green'",
        f"{BAD}/many_problems.yaml:4:11: 'levels' must be between 2 and 256, got 1",
        f"{BAD}/many_problems.yaml:7:13: unknown anchor 'middle' (expected one of: top, bottom, left, right, "
        "centre, center, top-left, top-right, bottom-left, bottom-right)",
        f"{BAD}/many_problems.yaml:8:13: 'margin' needs exactly 2 items, got 3",
        f"{BAD}/many_problems.yaml:9:5: missing required key 'text' in label widget",
        f"{BAD}/many_problems.yaml:11:12: expected pixels (an integer) or a percentage like '50%' for 'size', "
        "got '150%'",
        f"{BAD}/many_problems.yaml:12:17: expected a number for 'brightness', got string 'high'",
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_layout_gives_exact_messages(in_root, name: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_layout(f"{BAD}/{name}")
    assert [str(p) for p in caught.value.problems] == EXPECTED[name]


def test_report_shows_the_offending_line_and_a_caret(in_root) -> None:
    with pytest.raises(ConfigError) as caught:
        load_layout(f"{BAD}/wrong_type.yaml")
    lines = caught.value.report().splitlines()
    assert lines[1] == "        font_size: big"
    assert lines[2].index("^") == lines[1].index("big")


@pytest.mark.parametrize("path", sorted((ROOT / "layouts").glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_layouts_load(path) -> None:
    layout = load_layout(path)
    assert layout.widgets
    assert all(w.font_size >= 8 for w in layout.widgets)


def test_layout_found_by_name_under_layouts() -> None:
    assert load_layout("default.yaml").name == "default"


def test_centre_alias_and_percent_sizes() -> None:
    layout = load_layout(ROOT / "layouts" / "default.yaml")
    status = next(w for w in layout.widgets if w.kind == "status_bar")
    rect = place(status, (640, 480))
    # "100%" of the width the 20 px margins leave, centred: 20 px from both edges.
    assert (rect.x, rect.width, rect.right) == (20, 600, 620)
