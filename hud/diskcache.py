"""Numpy arrays kept on disk under the user's cache folder, found again by a content hash.

Why: some start-up work is a pure function of the code, the bundled assets and the library
versions (the street scene's textures take half a second to paint, and are read back in about
50 ms), so the next start can read it instead of doing it again. The caller's key must hash
everything the result depends on: a different key is a miss, never a stale hit.

Why it is safe to read back: a file is one header (JSON, no pickle: nothing in it runs), raw
arrays of an allowed dtype, and a SHA-256 over both. A file that is truncated, corrupt, of
another key or format, not a regular file, not owned by this user or writable by others is
ignored (a miss), and every error reading or writing is a miss too: the cache can make a start
faster, never make it fail. The trust is that of Python's own `__pycache__`: a file that passes
these checks was written by this user's hud.

Where: `$XDG_CACHE_HOME/hud`, else `~/.cache/hud`; `HUD_NO_CACHE=1` turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["cache_dir", "content_key", "load", "store"]

MAGIC = b"hud-cache 1\n"
ALIGN = 64  # bytes: every array starts at a multiple of this in the file, so it is aligned in memory
MAX_FILE = 1 << 30  # bytes: a bigger file is not one of ours
MAX_HEADER = 1 << 20
DIGEST = 32  # SHA-256
DTYPES = frozenset({"|u1", "|b1", "<u2", "<i2", "<u4", "<i4", "<u8", "<i8", "<f4", "<f8",
                    ">u2", ">i2", ">u4", ">i4", ">u8", ">i8", ">f4", ">f8"})


def cache_dir() -> Path | None:
    """The folder hud's cache lives in, or None when the cache is off (`HUD_NO_CACHE`)."""
    if os.environ.get("HUD_NO_CACHE", "") not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"  # the XDG spec: ignore relative
    return root / "hud"


def content_key(*parts: bytes | str) -> str:
    """A hex SHA-256 of the parts, each length-prefixed so that ("ab", "c") and ("a", "bc") differ."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _path(name: str, key: str) -> Path | None:
    folder = cache_dir()
    if folder is None or not name.replace("-", "").isalnum() or not key.isalnum():
        return None
    return folder / f"{name}-{key[:40]}.bin"


def load(name: str, key: str) -> tuple[Any, dict[str, np.ndarray]] | None:
    """The metadata and arrays stored under (`name`, `key`), or None: missing, unreadable or not to be trusted."""
    path = _path(name, key)
    if path is None:
        return None
    try:
        with open(path, "rb") as file:
            info = os.fstat(file.fileno())
            if not _trusted(info) or info.st_size > MAX_FILE:
                return None
            data = np.empty(info.st_size, np.uint8)  # not zero-filled first, unlike a bytearray: 52 MB in 10 ms less
            if file.readinto(memoryview(data)) != info.st_size:  # type: ignore[arg-type]
                return None
        return _parse(data, key)
    except (OSError, ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError):
        return None


def _trusted(info: os.stat_result) -> bool:
    if not stat.S_ISREG(info.st_mode):
        return False
    # Another user's file, or one others may write, is not ours to believe.
    return not (hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022))


def _parse(data: np.ndarray, key: str) -> tuple[Any, dict[str, np.ndarray]] | None:
    view = memoryview(data)  # type: ignore[arg-type]
    start = len(MAGIC) + 8
    if len(data) < start + DIGEST or bytes(view[: len(MAGIC)]) != MAGIC:
        return None
    size = int.from_bytes(view[len(MAGIC): start], "little")
    if size > MAX_HEADER or start + size + DIGEST > len(data):
        return None
    body_end = len(data) - DIGEST
    if hashlib.sha256(view[:body_end]).digest() != bytes(view[body_end:]):
        return None
    header = json.loads(bytes(view[start: start + size]).decode("utf-8"))
    if not isinstance(header, dict) or header.get("key") != key or not isinstance(header.get("arrays"), list):
        return None
    arrays: dict[str, np.ndarray] = {}
    for entry in header["arrays"]:
        name, dtype, shape, offset = entry["name"], entry["dtype"], entry["shape"], entry["offset"]
        if (not isinstance(name, str) or name in arrays or dtype not in DTYPES or not isinstance(shape, list)
                or not all(isinstance(n, int) and n >= 0 for n in shape) or not isinstance(offset, int)):
            return None
        nbytes = math.prod(shape) * np.dtype(dtype).itemsize
        if offset < start + size or offset % ALIGN or offset + nbytes > body_end:
            return None
        arrays[name] = data[offset: offset + nbytes].view(np.dtype(dtype)).reshape(shape)
    return header.get("meta"), arrays


def store(name: str, key: str, meta: Any, arrays: dict[str, np.ndarray]) -> bool:
    """Write `meta` (JSON) and `arrays` under (`name`, `key`), replacing older keys of `name`; False if not written.

    Written to a temporary file and renamed into place, so a reader never sees half a file.
    """
    path = _path(name, key)
    if path is None:
        return False
    try:
        entries: list[dict[str, Any]] = []
        chunks: list[np.ndarray] = []
        for array_name, array in arrays.items():
            if array.dtype.str not in DTYPES:
                return False
            entries.append({"name": array_name, "dtype": array.dtype.str, "shape": list(array.shape)})
            chunks.append(np.ascontiguousarray(array))
        header = b""
        for _ in range(3):  # the offsets' digits change the header's length: settle it
            offset = len(MAGIC) + 8 + len(header)
            for entry, chunk in zip(entries, chunks, strict=True):
                offset = -(-offset // ALIGN) * ALIGN
                entry["offset"] = offset
                offset += chunk.nbytes
            header = json.dumps({"key": key, "meta": meta, "arrays": entries}, allow_nan=False).encode()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=path.parent)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as file:
                def write(data: bytes | memoryview) -> None:
                    file.write(data)
                    digest.update(data)

                write(MAGIC + len(header).to_bytes(8, "little") + header)
                position = len(MAGIC) + 8 + len(header)
                for entry, chunk in zip(entries, chunks, strict=True):
                    write(b"\0" * (entry["offset"] - position))
                    write(chunk.reshape(-1).view(np.uint8).data)
                    position = entry["offset"] + chunk.nbytes
                file.write(digest.digest())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # Other keys of this name are stale (the code or the assets changed): one file per name.
        for old in path.parent.glob(f"{name}-{'?' * len(key[:40])}.bin"):
            if old != path:
                old.unlink(missing_ok=True)
        return True
    except (OSError, ValueError, TypeError):
        return False
