"""The assistant's bundled data: valid as shipped; bad files report every problem as file:line:col."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hud.assistant import Assistant
from hud.assistant.data import DATA_DIR, FILES, load_data, load_file
from hud.schema import ConfigError

BAD = "tests/fixtures/assistant"


def messages(exc: pytest.ExceptionInfo[ConfigError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_bundled_data_is_valid_and_complete() -> None:
    data = load_data()
    assert {f.stem for f in DATA_DIR.glob("*.yaml")} == set(FILES)
    assert len(data.routes) >= 2 and all(r.steps[-1].maneuver == "arrive" for r in data.routes)
    assert data.merchants[0].name == "Blue Bottle Coffee"
    assert all(len(p.shops) >= 3 for p in data.products)
    assert data.flights[0].number == "CA1705"  # the city walk's flight
    assert any(p.zh == "谢谢" for p in data.phrases) and data.conversation
    assert [n.at for n in data.meeting.notes] == sorted(n.at for n in data.meeting.notes)
    assert data.tracks and data.facts


def test_bad_routes_report_every_problem_at_its_line_and_column(in_root: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_file(f"{BAD}/bad_routes.yaml", "routes")
    f = f"{BAD}/bad_routes.yaml"
    assert messages(caught) == [
        f"{f}:5:12: expected a number for 'speed', got string 'fast'",
        f"{f}:7:20: unknown maneuver 'straigth' (expected one of: straight, slight_left, left, sharp_left, "
        "slight_right, right, sharp_right, uturn, roundabout, arrive); did you mean 'straight'?",
        f"{f}:8:9: a 'roundabout' step needs 'exit' (1 to 8, counted from the entry)",
        f"{f}:9:36: 'distance' must be between 1 and 100000, got -5",
        f"{f}:9:66: 'exit' applies only to a 'roundabout' step, not 'left'",
        f"{f}:10:51: missing required key 'zh' in 'street'",
        f"{f}:11:5: missing required key 'steps' in route",
        f"{f}:11:13: name 'west lake' is already used by routes item 1",
        f"{f}:13:5: unknown key 'stepz' in route (expected one of: names, destination, speed, steps); "
        "did you mean 'steps'?",
        f"{f}:17:20: 'arrive' must be the route's last step",
        f"{f}:18:20: a route ends with an 'arrive' step, not 'right'",
    ]


def test_bad_answers_report_types_and_unknown_keys(in_root: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_file(f"{BAD}/bad_answers.yaml", "answers")
    f = f"{BAD}/bad_answers.yaml"
    assert messages(caught) == [
        f"{f}:4:14: expected a string or {{en: ..., zh: ...}} for 'condition', got a list",
        f"{f}:5:11: expected an integer for 'temp_c', got string 'warm'",
        f"{f}:8:3: unknown key 'advise' in weather (expected one of: place, condition, temp_c, high_c, low_c, "
        "advice); did you mean 'advice'?",
        f"{f}:10:15: 'keywords' needs at least 1 items, got 0",
        f"{f}:11:37: unknown key 'fr' in 'answer' (expected one of: en, zh)",
    ]


def test_yaml_syntax_error_points_at_the_broken_line(in_root: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_file(f"{BAD}/syntax_error.yaml", "phrasebook")
    (only,) = messages(caught)
    assert only.startswith(f"{BAD}/syntax_error.yaml:4:5: YAML syntax error:")
    assert "    - {en: How much is this?" in caught.value.report()


def test_unknown_file_kind_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown assistant data file kind 'recipes' \(expected one of: routes, "):
        load_file("recipes.yaml")


def test_assistant_reports_the_problems_of_every_bad_file_at_once(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path, dirs_exist_ok=True)
    shutil.copy(Path(__file__).parent / "fixtures" / "assistant" / "bad_answers.yaml", tmp_path / "answers.yaml")
    (tmp_path / "music.yaml").unlink()
    with pytest.raises(ConfigError) as caught:
        Assistant(data_dir=tmp_path)
    found = messages(caught)
    assert f"{tmp_path / 'music.yaml'}:1:1: file not found" in found
    assert f"{tmp_path / 'answers.yaml'}:5:11: expected an integer for 'temp_c', got string 'warm'" in found
    assert len(found) == 6
