"""The disk cache gives back exactly what was stored, and a miss (never an error) for anything else."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from hud import diskcache

KEY = diskcache.content_key("test", b"\x00\x01")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("HUD_NO_CACHE", raising=False)
    return tmp_path / "hud"


def _arrays() -> dict[str, np.ndarray]:
    return {"u32": np.arange(1000, dtype=np.uint32).reshape(20, 50), "f64": np.linspace(0, 1, 7),
            "empty": np.zeros((0, 3), np.float32), "flags": np.array([True, False])}


def _stored(cache: Path) -> Path:
    assert diskcache.store("thing", KEY, {"levels": [1, 2], "name": "x"}, _arrays())
    (path,) = cache.glob("thing-*.bin")
    return path


def test_what_is_stored_comes_back_exactly_and_writable(cache: Path) -> None:
    _stored(cache)
    found = diskcache.load("thing", KEY)
    assert found is not None
    meta, arrays = found
    assert meta == {"levels": [1, 2], "name": "x"}
    for name, array in _arrays().items():
        assert arrays[name].dtype == array.dtype and np.array_equal(arrays[name], array)
        assert arrays[name].flags.aligned
    arrays["u32"][0, 0] = 7  # a private copy: callers may use it as a built one


def test_the_folder_follows_xdg_and_a_relative_or_missing_one_means_home(monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    monkeypatch.delenv("HUD_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert diskcache.cache_dir() == tmp_path / "hud"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")
    assert diskcache.cache_dir() == Path.home() / ".cache" / "hud"
    monkeypatch.setenv("HUD_NO_CACHE", "1")
    assert diskcache.cache_dir() is None
    assert not diskcache.store("thing", KEY, {}, _arrays()) and diskcache.load("thing", KEY) is None


def test_another_key_is_a_miss_and_a_new_key_replaces_the_stale_file(cache: Path) -> None:
    old = _stored(cache)
    other = diskcache.content_key("test", b"\x00", b"\x01")
    assert other != KEY and diskcache.load("thing", other) is None
    assert diskcache.store("thing", other, None, {"a": np.ones(3)})
    assert not old.exists() and diskcache.load("thing", other) is not None
    assert not list(cache.glob(".*.tmp"))


@pytest.mark.parametrize("damage", ["truncate", "payload", "header", "magic", "empty", "garbage", "digest"])
def test_a_damaged_file_is_a_miss(cache: Path, damage: str) -> None:
    path = _stored(cache)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "payload":
        data[-100] ^= 1
    elif damage == "header":
        data[len(diskcache.MAGIC) + 12] ^= 1
    elif damage == "magic":
        data[0] ^= 1
    elif damage == "empty":
        data = bytearray()
    elif damage == "garbage":
        data = bytearray(os.urandom(5000))
    else:
        data[-1] ^= 1
    path.write_bytes(bytes(data))
    assert diskcache.load("thing", KEY) is None


def _forge(path: Path, header: dict[str, object], payload: bytes) -> None:
    """A file with a valid digest but a hostile header: what only checks on the contents can catch."""
    import hashlib

    head = json.dumps(header).encode()
    body = diskcache.MAGIC + len(head).to_bytes(8, "little") + head
    body += b"\0" * (-len(body) % diskcache.ALIGN) + payload
    path.write_bytes(body + hashlib.sha256(body).digest())


@pytest.mark.parametrize("entry", [
    {"name": "a", "dtype": "|O", "shape": [4], "offset": 0},  # objects: never
    {"name": "a", "dtype": "<u4", "shape": [10**12], "offset": 0},  # past the end
    {"name": "a", "dtype": "<u4", "shape": [-1], "offset": 0},
    {"name": "a", "dtype": "<u4", "shape": [4], "offset": 3},  # unaligned, inside the header
    {"name": 5, "dtype": "<u4", "shape": [4], "offset": 0},
])
def test_a_forged_header_is_a_miss(cache: Path, entry: dict[str, object]) -> None:
    path = _stored(cache)
    _forge(path, {"key": KEY, "meta": None, "arrays": [entry]}, b"\1" * 64)
    assert diskcache.load("thing", KEY) is None
    _forge(path, {"key": "another", "meta": None, "arrays": []}, b"")
    assert diskcache.load("thing", KEY) is None
    _forge(path, {"key": KEY, "meta": None, "arrays": "no"}, b"")
    assert diskcache.load("thing", KEY) is None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership and modes")
def test_a_file_others_may_write_is_not_believed(cache: Path) -> None:
    path = _stored(cache)
    path.chmod(0o666)
    assert diskcache.load("thing", KEY) is None
    path.chmod(0o600)
    assert diskcache.load("thing", KEY) is not None


def test_an_unwritable_place_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    monkeypatch.delenv("HUD_NO_CACHE", raising=False)
    assert not diskcache.store("thing", KEY, {}, _arrays())
    assert diskcache.load("thing", KEY) is None
    assert not diskcache.store("thing", KEY, {}, {"o": np.array([object()])})  # not storable: refused


def test_names_and_keys_cannot_leave_the_folder(cache: Path) -> None:
    assert not diskcache.store("../x", KEY, {}, {})
    assert not diskcache.store("thing", "../../etc", {}, {})
    assert diskcache.load("../x", KEY) is None
