"""The roots policy for pushed paths: only files inside layouts/, assets/, the scenario's folder and
--allow folders; regular files under a size cap; answers that never tell what exists outside."""

from __future__ import annotations

import os
import re
import shutil
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hud import paths
from hud.push.commands import prepare_device, prepare_layout
from hud.roots import DEVICE, FONT, LAYOUT, MAX_PATH_CHARS, YAML_MAX_BYTES, Refused, Roots

SECRET = "SECRET-7d1f-do-not-show"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """allowed/ (an --allow root) and outside/ (not a root), with the files the tests name."""
    base = tmp_path_factory.mktemp("roots")
    allowed, outside = base / "allowed", base / "outside"
    (allowed / "sub").mkdir(parents=True)
    outside.mkdir()
    shutil.copy(paths.LAYOUTS / "compact.yaml", allowed / "good.yaml")
    shutil.copy(paths.LAYOUTS / "compact.yaml", allowed / "sub" / "deep.yaml")
    key = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{SECRET}\n-----END OPENSSH PRIVATE KEY-----\n"
    (outside / "id_rsa").write_text(key)
    (outside / ".env").write_text(f"API_TOKEN={SECRET}\n")
    (outside / "stolen.yaml").write_text(f"name: {SECRET}\n")
    (allowed / "escape.yaml").symlink_to(outside / "stolen.yaml")
    (allowed / "inner.yaml").symlink_to(allowed / "good.yaml")
    (allowed / "out").symlink_to(outside, target_is_directory=True)
    (allowed / ".env").write_text(f"API_TOKEN={SECRET}\n")
    (allowed / "key.yaml").write_text(key)
    (allowed / "settings.yaml").write_text("name: mine\nwidgets: 3\n")
    (allowed / "nan.yaml").write_text(re.sub(r"brightness: [0-9.]+", "brightness: .nan",
                                             (paths.LAYOUTS / "default.yaml").read_text(), count=1))
    (allowed / "font.yaml").write_text((paths.LAYOUTS / "compact.yaml").read_text().replace(
        "  levels: 16\n", f"  levels: 16\n  fonts:\n    regular: {outside / 'font.otf'}\n", 1))
    shutil.copy(paths.FONTS / "Inter-Medium.otf", outside / "font.otf")  # a real font, but not in a root
    with (allowed / "big.yaml").open("wb") as f:
        f.truncate(20 * 1024 * 1024)  # 20 MB on paper, no disk: never read
    os.mkfifo(allowed / "pipe.yaml")
    (allowed / "folder.yaml").mkdir()
    yield base


@pytest.fixture(scope="module")
def roots(tree: Path) -> Roots:
    return Roots.of(paths.SCENARIOS / "empty.yaml", [tree / "allowed"])


def _refused(roots: Roots, text: str, kind: object = LAYOUT) -> str:
    with pytest.raises(Refused) as caught:
        roots.resolve(text, "'path'", kind)  # type: ignore[arg-type]
    reason = str(caught.value)
    assert reason.startswith("'path'") and "\n" not in reason and SECRET not in reason
    return reason


# -- what is allowed ----------------------------------------------------------------------------
def test_bundled_layouts_by_name_or_path(roots: Roots) -> None:
    compact = (paths.LAYOUTS / "compact.yaml").resolve()
    assert roots.resolve("compact.yaml", "'path'", LAYOUT) == compact
    assert roots.resolve(str(compact), "'path'", LAYOUT) == compact
    assert roots.resolve("layouts/compact.yaml", "'path'", LAYOUT) == compact  # from the project folder
    assert roots.resolve("devices/even-g2.yaml", "'path'", DEVICE) == (paths.DEVICES / "even-g2.yaml").resolve()


def test_allowed_folder_relative_absolute_and_dot_dot_that_stays_inside(roots: Roots, tree: Path) -> None:
    good = (tree / "allowed" / "good.yaml").resolve()
    assert roots.resolve("good.yaml", "'path'", LAYOUT) == good
    assert roots.resolve(str(tree / "allowed" / "sub" / ".." / "good.yaml"), "'path'", LAYOUT) == good
    assert roots.resolve("sub/deep.yaml", "'path'", LAYOUT) == (tree / "allowed" / "sub" / "deep.yaml").resolve()
    assert roots.resolve("inner.yaml", "'path'", LAYOUT) == good  # a link that stays inside is fine


def test_the_scenario_folder_is_a_root(tmp_path: Path) -> None:
    scenario = tmp_path / "show" / "demo.yaml"
    scenario.parent.mkdir()
    shutil.copy(paths.LAYOUTS / "compact.yaml", scenario.parent / "mine.yaml")
    roots = Roots.of(scenario)
    assert roots.resolve("mine.yaml", "'path'", LAYOUT) == (scenario.parent / "mine.yaml").resolve()
    assert "show/" in roots.labels


# -- outside: one answer whether or not it exists -------------------------------------------------
@pytest.mark.parametrize("text", ["/etc/passwd", "../../../../etc/passwd", "/dev/zero", "/proc/self/environ",
                                  "/etc/shadow", "/"])
def test_paths_outside_the_roots_are_refused_unread(roots: Roots, text: str) -> None:
    reason = _refused(roots, text)
    assert "is outside the allowed folders" in reason and "--allow DIR" in reason


def test_an_existing_outside_file_gets_the_answer_a_missing_one_gets(roots: Roots, tree: Path) -> None:
    def answer(text: str) -> str:
        return _refused(roots, text).replace(repr(text), "PATH")

    outside = tree / "outside"
    for existing in (outside / "id_rsa", outside / ".env", outside / "stolen.yaml", Path("/etc/passwd")):
        missing = existing.with_name("no-such-" + existing.name)
        assert existing.exists() and not missing.exists()
        assert answer(str(existing)) == answer(str(missing))
    assert answer("../outside/id_rsa") == answer("../outside/no-such-file")
    assert answer(str(outside)) == answer(str(tree / "no-such-folder"))


def test_a_symlink_leading_outside_is_refused(roots: Roots) -> None:
    assert "leads outside the allowed folders" in _refused(roots, "escape.yaml")
    assert "leads outside the allowed folders" in _refused(roots, "out/stolen.yaml")


# -- inside: what may be said, and what is never read -----------------------------------------------
def test_inside_a_root_only_capped_regular_yaml_files_are_read(roots: Roots) -> None:
    assert "not found (searched: layouts/nope.yaml, assets/nope.yaml" in _refused(roots, "nope.yaml")
    assert "a FIFO, not a regular file" in _refused(roots, "pipe.yaml")  # opening it would block: it is not
    assert "a folder, not a regular file" in _refused(roots, "folder.yaml")
    assert f"at most {YAML_MAX_BYTES:,} bytes" in _refused(roots, "big.yaml")
    assert "is not a layout file" in _refused(roots, ".env")  # refused by its name, before it is opened
    assert "is not a layout file" in _refused(roots, "good.txt")


def test_lexical_refusals(roots: Roots) -> None:
    assert "NUL" in _refused(roots, "good\0.yaml")
    assert f"at most {MAX_PATH_CHARS}" in _refused(roots, "a/" * MAX_PATH_CHARS + "x.yaml")
    assert "no file name here can have" in _refused(roots, "\ud800.yaml")
    assert "non-empty" in _refused(roots, "")
    assert "not found" in _refused(roots, "~/.ssh/id_rsa.yaml")  # no ~ expansion: a folder named '~'


def test_a_missing_allow_folder_is_an_error_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a folder"):
        Roots.of(None, [tmp_path / "typo"])


def test_fonts_are_held_to_the_same_roots(roots: Roots) -> None:
    with pytest.raises(Refused) as caught:
        prepare_layout("font.yaml", roots, "'path'")
    reason = str(caught.value)
    assert reason.startswith("'path': 'font.yaml' theme.fonts.regular: ") and "is outside" in reason
    assert roots.resolve(str(paths.FONTS / "Inter-Medium.otf"), "'font'", FONT).name == "Inter-Medium.otf"


# -- loading: no quotes of what is not a hud file ------------------------------------------------------
def test_a_file_that_is_not_a_mapping_is_never_quoted(roots: Roots) -> None:
    with pytest.raises(Refused) as caught:
        prepare_layout("key.yaml", roots, "'path'")
    assert "is not a hud layout" in str(caught.value) and SECRET not in str(caught.value)


def test_a_broken_layout_gets_its_located_problems(roots: Roots) -> None:
    with pytest.raises(Refused) as caught:
        prepare_layout("settings.yaml", roots, "'path'")
    reason = str(caught.value)
    assert reason.startswith("'path': 'settings.yaml' is not a valid layout: 2:10: ") and "widgets" in reason


def test_nan_brightness_is_refused_with_where_it_is(roots: Roots) -> None:
    with pytest.raises(Refused) as caught:
        prepare_layout("nan.yaml", roots, "'path'")
    assert "brightness" in str(caught.value) and "\n" not in str(caught.value)


def test_devices_by_name_only(roots: Roots) -> None:
    device, layout = prepare_device("even-g2", roots, "'name'")
    assert device.name == "even-g2" and layout.widgets
    for name in ("../../etc/passwd", "/etc/passwd", "Even-G2", "even-g2.yaml", ""):
        with pytest.raises(Refused, match="is not a device name"):
            prepare_device(name, roots, "'name'")
    with pytest.raises(Refused, match="not found"):
        prepare_device("no-such-glasses", roots, "'name'")


# -- the resolver, for any string ------------------------------------------------------------------------
_PIECES = st.sampled_from(["..", ".", "", "good.yaml", "sub", "deep.yaml", "escape.yaml", "pipe.yaml", "out",
                           "big.yaml", "etc", "passwd", "~", "allowed", "outside", "id_rsa", ".env", "a" * 300,
                           "\0", "\ud800", "é", "宋体.yaml", "layouts", "compact.yaml", "x.YML", " ", "\n"])


@st.composite
def _path_texts(draw: st.DrawFn, tree: Path) -> str:
    kind = draw(st.sampled_from([0, 1, 2, 3, 3]))  # 3, named files with detours: the ones found
    if kind == 0:
        return draw(st.text(alphabet=st.sampled_from(string.printable + "/..\0é宋\ud800"), max_size=60))
    if kind == 1:
        return draw(st.text(max_size=2000))
    prefix = draw(st.sampled_from(["", "/", str(tree) + "/", str(tree / "allowed") + "/", "../", "/etc/"]))
    if kind == 2:
        return prefix + "/".join(draw(st.lists(_PIECES, max_size=12)))
    detours = draw(st.lists(st.sampled_from(["./", "sub/../", "out/../", "../allowed/", "//"]), max_size=3))
    name = draw(st.sampled_from(["good.yaml", "sub/deep.yaml", "inner.yaml", "compact.yaml", "escape.yaml",
                                 "layouts/compact.yaml", "out/stolen.yaml", "pipe.yaml", "big.yaml"]))
    return prefix + "".join(detours) + name


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_the_resolver_returns_a_regular_file_inside_a_root_or_refuses(tree: Path, roots: Roots,
                                                                     data: st.DataObject) -> None:
    text = data.draw(_path_texts(tree))
    for kind in (LAYOUT, FONT):
        try:
            found = roots.resolve(text, "'path'", kind)
        except Refused as refused:
            reason = str(refused)
            assert reason.startswith("'path'") and "\n" not in reason and SECRET not in reason
            continue
        assert isinstance(found, Path) and found.is_absolute()
        real = os.path.realpath(found)
        assert any(real == r.real or real.startswith(r.real + os.sep) for r in roots.roots), real
        assert found.is_file() and found.stat().st_size <= kind.max_bytes
