"""The legibility check: angular size and contrast, and the command's verdicts."""

from __future__ import annotations

from hud.cli import main
from hud.legibility import Reading, readings
from hud.pg import pygame
from hud.session import Options, Session

TINY = "tests/fixtures/layouts/tiny_dim_label.yaml"


def session(**kw) -> Session:
    s = Session.open(Options(scenario="empty.yaml", layout=TINY, view=(640, 360), **kw))
    s.seek(1.0)
    return s


def test_angular_size_follows_the_font_and_the_device() -> None:
    rows = {r.text: r for r in readings(session(background="scene"))}
    tiny, big = rows["fine print nobody can read"], rows["BIG AND BRIGHT"]
    assert tiny.size_px == 9 and big.size_px == 40
    assert abs(tiny.degrees - 9 * 22.5 / 480) < 1e-9  # generic: 22.5 degrees over 480 rows
    assert tiny.problems() and not big.problems()


def test_brighter_scene_means_lower_contrast() -> None:
    day = {r.text: r for r in readings(session(background="scene"))}["BIG AND BRIGHT"]
    night = {r.text: r for r in readings(session(background="scene:night"))}["BIG AND BRIGHT"]
    assert day.background_nits > 100 * night.background_nits
    assert day.contrast < night.contrast


def test_dimmer_text_means_lower_contrast() -> None:
    rows = {r.text: r for r in readings(session(background="scene"))}
    assert rows["fine print nobody can read"].text_nits < rows["BIG AND BRIGHT"].text_nits


def test_contrast_formula() -> None:
    r = Reading("x", "label", pygame.Rect(0, 0, 1, 1), 20, 1.0, 255, 100.0, 60.0)
    assert r.contrast == 1.6 and r.problems() == []
    assert Reading("x", "label", pygame.Rect(0, 0, 1, 1), 20, 0.5, 255, 0.0, 5.0).problems() == ["0.50° < 0.6°"]


def test_command_flags_the_tiny_dim_label(in_root, capsys) -> None:
    code = main(["legibility", "--scenario", "empty.yaml", "--layout", TINY, "--at", "1"])
    out = capsys.readouterr().out
    assert code == 1
    line = next(line for line in out.splitlines() if line.startswith("fine print"))
    assert "0.42° < 0.6°" in line and "contrast" in line
    assert "1 of 2 text element(s) below the thresholds" in out


def test_command_passes_the_default_city_walk(capsys) -> None:
    for t in ("8", "16", "41", "55"):
        assert main(["legibility", "--at", t]) == 0, capsys.readouterr().out
