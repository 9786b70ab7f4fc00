"""`python main.py validate` on hostile files: exit 2, and every problem as `file:line:col: message`.

Each fixture under tests/fixtures/hostile/ once made validate (or the window after it) raise
something else: a ReaderError, a TypeError, a KeyError, an OverflowError, a RecursionError, a bare
`hud: ...` line, or a segfault when a file that was not a font was drawn with.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from hud.cli import main

HOSTILE = "tests/fixtures/hostile"

EXPECTED = {
    "bad_date.yaml": "1:7: bad value for 'name': '2020-13-45' is not a valid date or time (like 2024-05-01); "
                     "quote it if it is text",
    "billion_laughs.yaml": "12:6: more than 100 alias references ('*name') in one file",
    "bitmap_not_an_image.yaml": "3:48: 'data' is not a PNG image (it must start with the PNG signature and IHDR",
    "bool_maybe.yaml": "2:41: bad value for 'brightness': 'maybe' is not true or false (tag !!bool)",
    "complex_key.yaml": "1:3: keys in 'layout' must be plain names, got a list",
    "control_char.yaml": "1:8: control character U+0007 (BEL) is not allowed in a YAML file",
    "custom_tag.yaml": "2:25: bad value for 'text': unsupported tag '!custom' on 'hi'",
    "deep_nesting.yaml": "1:1006: lists and mappings nested deeper than 64 levels",
    "escape.yaml": "1:7: control character U+001B (ESC) is not allowed in a YAML file",
    "huge_number.yaml": "2:41: bad value for 'brightness': a number of 400 characters is too long (at most 100)",
    "int_5000_digits.yaml": "2:40: bad value for 'font_size': a number of 5000 characters is too long",
    "int_abc.yaml": "2:40: bad value for 'font_size': 'abc' is not an integer (tag !!int)",
    "lone_surrogate.yaml": "3:46: YAML syntax error: while parsing a quoted scalar: found invalid Unicode "
                           "character escape code",
    "long_font_name.yaml": "2:20: cannot look for font file 'aaaa",
    "merge_key.yaml": "1:1: merge keys ('<<') are not supported: write the keys out",
    "nan_brightness.yaml": "2:41: expected a finite number for 'brightness', got '.nan'",
    "nan_percent.yaml": "2:36: expected pixels (an integer) or a percentage like '50%' for 'size', got 'nan%'",
    "nan_position.yaml": "5:15: expected a finite number for 'position', got '.nan'",
    "noncharacter.yaml": "1:8: non-character U+FFFE is not allowed in a YAML file",
    "not_a_font.yaml": "2:20: font file 'README.md' cannot be used (",
    "not_utf8.yaml": "1:7: not UTF-8 text: byte 0xFF cannot be decoded (save the file as UTF-8)",
    "nul.yaml": "1:8: control character U+0000 (NUL) is not allowed in a YAML file",
    "tab_indent.yaml": "2:1: YAML syntax error: found character that cannot start any token (a tab: YAML "
                       "indents with spaces only)",
    "timestamp_nope.yaml": "2:41: bad value for 'brightness': 'nope' is not a valid date or time",
    "two_documents.yaml": "3:1: YAML syntax error: a file holds one YAML document, found a second one",
}

LOCATED = re.compile(r"^tests/fixtures/hostile/[a-z0-9_]+\.yaml:\d+:\d+: \S")


def test_every_hostile_fixture_has_its_expectation() -> None:
    assert sorted(p.name for p in (ROOT / HOSTILE).glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_refuses_each_hostile_file_with_a_located_message(in_root, capsys, name: str) -> None:
    path = f"{HOSTILE}/{name}"
    assert main(["validate", path]) == 2
    out, err = capsys.readouterr()
    assert err == "1 of 1 file(s) invalid\n"
    problems = [line for line in out.splitlines() if not line.startswith("    ")]
    assert problems and all(LOCATED.match(line) for line in problems), out
    assert problems[0].startswith(f"{path}:{EXPECTED[name]}")
    carets = [line for line in out.splitlines() if line.strip() == "^"]
    assert len(carets) == len(problems)  # each with its line and a caret under the column


def test_shot_with_a_hostile_layout_exits_2_located_not_a_bare_hud_line(in_root, tmp_path, capsys) -> None:
    code = main(["shot", "--layout", f"{HOSTILE}/not_a_font.yaml", "--at", "1", "--out", str(tmp_path / "x.png")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{HOSTILE}/not_a_font.yaml:2:20: font file 'README.md' cannot be used")


def test_validate_checks_the_assistant_s_data_files_too(in_root, capsys) -> None:
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "assets" / "assistant").glob("*.yaml"))
    assert main(["validate", *files]) == 0
    out = capsys.readouterr().out
    assert "ok   assets/assistant/routes.yaml (assistant routes)" in out and out.count("ok   ") == len(files)
    assert main(["validate", "tests/fixtures/assistant/bad_routes.yaml"]) == 2
    assert "tests/fixtures/assistant/bad_routes.yaml:5:12: expected a number for 'speed'" in capsys.readouterr().out
