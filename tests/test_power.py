"""Display power: APL, the emissive and backlit models, and the command."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hud import events as ev
from hud.cli import main
from hud.device import load_device
from hud.pg import pygame
from hud.power import apl, estimate, sample
from hud.session import Options, Session


def test_apl_of_black_white_and_half() -> None:
    s = pygame.Surface((10, 10), depth=24)
    assert apl(s, 256) == 0.0
    s.fill((255, 255, 255))
    assert apl(s, 256) == 1.0
    s.fill((0, 0, 0), pygame.Rect(0, 0, 5, 10))
    assert apl(s, 256) == pytest.approx(0.5)


def test_more_content_costs_more_on_an_emissive_panel() -> None:
    s = Session.open(Options(scenario="empty.yaml", background="scene", view=(320, 180)))
    quiet = sample(s)
    s.push(ev.Notify(app="Mail", title="A long title that lights pixels", body="and a body that lights more"))
    s.push(ev.Navigate(maneuver="left", distance=300, street="Nanshan Road", eta=4))
    busy = sample(s)
    assert busy.apl > 2 * quiet.apl
    assert busy.display_mw > quiet.display_mw and busy.battery_hours < quiet.battery_hours


def test_backlit_panels_pay_for_brightness_not_content() -> None:
    d = load_device("generic")
    lcos = replace(d, power=replace(d.power, emissive=False))
    assert estimate(lcos, 0.01, 1000)[0] == estimate(lcos, 0.5, 1000)[0]
    assert estimate(lcos, 0.01, 1000)[0] > estimate(lcos, 0.01, 100)[0]
    assert estimate(d, 0.01, 1000)[0] < estimate(d, 0.5, 1000)[0]


def test_hot_swap_battery_extends_life() -> None:
    d = load_device("generic")
    with_swap = replace(d, power=replace(d.power, swap_wh=d.power.battery_wh))
    assert estimate(with_swap, 0.02, 500)[2] == pytest.approx(2 * estimate(d, 0.02, 500)[2])


def test_power_command_prints_the_timeline_and_the_worst_moment(capsys) -> None:
    assert main(["power", "--step", "10"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") >= 9 and "average: APL" in out and "worst moment: t =" in out
    assert "display mW = " in out
