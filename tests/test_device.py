from __future__ import annotations

import pytest

from hud.device import available, load_device
from hud.schema import ConfigError


@pytest.mark.parametrize("name", available())
def test_every_bundled_profile_loads_and_cites_its_source(name: str) -> None:
    d = load_device(name)
    assert d.name == name and d.source and d.layout.is_file()
    assert 2 <= d.levels <= 256


def test_unknown_device_lists_the_available_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown device 'nope' \(available: .*generic"):
        load_device("nope")


def test_bad_profile_reports_positions(tmp_path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("name: Bad Name\nlabel: x\npanel: [640]\nfov: [30, 20]\neyes: three\n")
    with pytest.raises(ConfigError) as caught:
        load_device(path)
    messages = [f"{p.line}:{p.col}: {p.message}" for p in caught.value.problems]
    assert messages == [
        "1:7: 'name' must be lower-case letters, digits and '-', got 'Bad Name'",
        "3:8: 'panel' needs exactly 2 items, got 1",
        "5:7: unknown eyes 'three' (expected one of: left, right, both)",
    ]


def test_a_name_too_long_for_the_file_system_is_an_unknown_device() -> None:
    with pytest.raises(ValueError, match=r"unknown device 'aaaa.*\(300 characters\) \(available: "):
        load_device("a" * 300)


def test_a_name_with_a_path_in_it_is_not_a_device() -> None:
    with pytest.raises(ValueError, match=r"unknown device '\.\./\.\./layouts/default'"):
        load_device("../../layouts/default")


def test_a_panel_of_more_than_four_megapixels_is_refused(tmp_path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("name: big\nlabel: Big\npanel: [4096, 4096]\nfov: [30, 30]\n")
    with pytest.raises(ConfigError) as caught:
        load_device(path)
    assert [f"{p.line}:{p.col}: {p.message}" for p in caught.value.problems] == [
        "3:8: 'panel' is 4096 x 4096 = 16777216 pixels; at most 4194304 (2048 x 2048) allowed"]
    path.write_text("name: wide\nlabel: Wide\npanel: [4096, 1024]\nfov: [30, 7.5]\n")
    assert load_device(path).panel == (4096, 1024)
