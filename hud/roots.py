"""Which files a pushed message may make hud read, and the limits on reading them.

Why a policy at all: the push API lets another program name files on the machine running hud
(`set_layout`'s `path`, the fonts a layout names, the device profile `set_device` picks). Before
this module a client could name `/etc/passwd`, a private key or a `.env` and get the contents back
in the error, learn which paths exist from the answers, stall every client with a FIFO or
`/dev/zero`, or end the process with `/proc/self/environ`. A program allowed to drive the display
is not thereby allowed to read the disk.

Roots policy:
    * A pushed path is read only from inside a *root*: the project's `layouts/` and `assets/`, the
      folder of the scenario being played, and every folder named with `--allow DIR` (repeatable).
    * A relative path is looked for under each root in that order, then under the folder holding
      layouts/ and assets/ (the clone, or the installed package) and the current folder (those two
      count only where the result lies inside a root).
    * Containment is decided twice: first on the path as written, with `..` folded away
      lexically (so the answer for a path outside the roots never depends on what exists there),
      then again after resolving symbolic links (so a link inside a root pointing outside is
      refused). The file opened is the resolved one, never the path as written.
    * Only regular files are read: `os.stat` and `S_ISREG` before opening, so a FIFO, a device
      (`/dev/zero`), a socket or a folder is refused without being opened.
    * Sizes are capped before reading: `YAML_MAX_BYTES` for layouts and device profiles,
      `FONT_MAX_BYTES` for fonts.
    * Layouts and devices must be named `*.yaml` or `*.yml`: a key or a `.env` inside an allowed
      folder is refused by its name, before it is opened.

What answers may reveal:
    * A path outside the roots gets one answer whether or not it exists ("... is outside the
      allowed folders ..."), decided from the path as written alone; nothing outside is stat'ed.
    * Inside the roots (the user's own folders) an answer may say "not found" with the places
      searched, "not a regular file", "too large", or quote a validation problem of a YAML file;
      such quotes are capped (`MAX_PROBLEMS` problems of at most `MAX_PROBLEM_CHARS` characters)
      and never include a file that is not named as a layout or device.
    * Every refusal is one line that starts with the field it is about (`'path': ...`).

Where files are read: never on the push server's asyncio thread and never in the frame loop;
`hud.push.bridge` loads pushed layouts and devices in a worker thread and hands the loaded
objects to the frame loop (see there for why).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hud import paths

#: Longest path string considered (the protocol's own limit is 500 characters).
MAX_PATH_CHARS = 1024
#: Layout and device YAML files: the bundled ones are under 3 kB.
YAML_MAX_BYTES = 1 << 20
#: Font files: the bundled CJK font is 4 MB; the largest common CJK fonts are about 20 MB.
FONT_MAX_BYTES = 32 << 20
#: At most this many validation problems are quoted in one answer ...
MAX_PROBLEMS = 3
#: ... each cut to this many characters.
MAX_PROBLEM_CHARS = 200
#: A quoted path (the client's own string) is cut to this many characters.
MAX_SHOWN_CHARS = 120

YAML_SUFFIXES = (".yaml", ".yml")


class Refused(ValueError):
    """A pushed path that will not be read; the message is one line naming the field."""


@dataclass(frozen=True)
class Kind:
    """What a file is for: how answers name it, which names it may have, how large it may be."""

    noun: str
    max_bytes: int
    suffixes: tuple[str, ...] = ()  # empty: any name


LAYOUT = Kind("layout", YAML_MAX_BYTES, YAML_SUFFIXES)
DEVICE = Kind("device profile", YAML_MAX_BYTES, YAML_SUFFIXES)
FONT = Kind("font", FONT_MAX_BYTES)


def show(text: object, limit: int = MAX_SHOWN_CHARS) -> str:
    """A client's string quoted for an answer: repr (so control characters stay visible), cut."""
    shown = repr(text)
    return shown if len(shown) <= limit else shown[:limit - 4] + "...'"


def one_line(text: str, limit: int) -> str:
    """`text` on one line (whitespace runs folded) and at most `limit` characters."""
    folded = " ".join(text.split())
    return folded if len(folded) <= limit else folded[:limit - 3] + "..."


def _within(child: str, parent: str) -> bool:
    """`child` is `parent` or below it (both absolute and normalised)."""
    if child == parent:
        return True
    return child.startswith(parent if parent.endswith(os.sep) else parent + os.sep)


def _label(path: str) -> str:
    """A path as answers show it: relative to the folder holding layouts/ and assets/ when inside
    it (the clone, or the installed package), else absolute."""
    bundle = str(paths.BUNDLE)
    if _within(path, bundle) and path != bundle:
        return os.path.relpath(path, bundle)
    return path


@dataclass(frozen=True)
class Root:
    """One allowed folder, as given (absolute, normalised) and with its symbolic links resolved."""

    given: str
    real: str

    @classmethod
    def of(cls, folder: str | Path) -> Root:
        given = os.path.normpath(os.path.abspath(folder))
        return cls(given, os.path.realpath(given))

    @property
    def label(self) -> str:
        return _label(self.given) + os.sep


@dataclass(frozen=True)
class Roots:
    """The allowed folders, in search order, and the extra bases relative names are tried under."""

    roots: tuple[Root, ...]
    bases: tuple[str, ...] = ()

    @classmethod
    def of(cls, scenario: str | Path | None = None, allow: Iterable[str | Path] = ()) -> Roots:
        """`layouts/`, `assets/`, the folder of `scenario` (a scenario file) and the `allow` folders.

        Raises ValueError when an `allow` folder is not an existing folder (a typo must not
        silently allow nothing).
        """
        folders: list[str | Path] = [paths.LAYOUTS, paths.ASSETS]
        if scenario is not None:
            folders.append(Path(scenario).parent)
        for folder in allow:
            if not os.path.isdir(folder):
                raise ValueError(f"--allow {str(folder)!r}: not a folder")
            folders.append(folder)
        roots: list[Root] = []
        for folder in folders:
            root = Root.of(folder)
            if root not in roots:
                roots.append(root)
        return cls(tuple(roots), (str(paths.BUNDLE), os.getcwd()))

    @property
    def labels(self) -> str:
        return ", ".join(r.label for r in self.roots)

    def _root_of(self, candidate: str) -> Root | None:
        """The root a lexically normalised absolute path lies in (as written, or as resolved), or None."""
        for root in self.roots:
            if _within(candidate, root.given) or _within(candidate, root.real):
                return root
        return None

    def _really_inside(self, real: str) -> bool:
        return any(_within(real, root.real) for root in self.roots)

    def outside(self, field: str, text: str) -> Refused:
        """The one answer for every path outside the roots, whether or not it exists."""
        return Refused(f"{field}: {show(text)} is outside the allowed folders ({self.labels}); "
                       f"pushed messages may only name files in these (start hud with --allow DIR to add one)")

    def candidates(self, text: str) -> list[str]:
        """The absolute, lexically normalised paths `text` may mean, in search order."""
        if os.path.isabs(text):
            return [os.path.normpath(text)]
        out: list[str] = []
        for base in (*(r.given for r in self.roots), *self.bases):
            candidate = os.path.normpath(os.path.join(base, text))
            if candidate not in out:
                out.append(candidate)
        return out

    def resolve(self, text: object, field: str, kind: Kind) -> Path:
        """The real path of the file `text` names, checked to be a regular file of at most
        `kind.max_bytes` inside a root; else raises `Refused` (never anything else).

        `field` names what is being resolved in answers, e.g. "'path'".
        """
        if not isinstance(text, str) or not text:
            raise Refused(f"{field} must be a non-empty path, got {show(text)}")
        if len(text) > MAX_PATH_CHARS:
            raise Refused(f"{field} is {len(text)} characters long; a path may have at most {MAX_PATH_CHARS}")
        if "\0" in text:
            raise Refused(f"{field}: {show(text)} contains a NUL character, which no file name can")
        try:
            os.fsencode(text)
        except UnicodeError:
            raise Refused(f"{field}: {show(text)} has characters no file name here can have") from None
        inside = [c for c in self.candidates(text) if self._root_of(c) is not None]
        if not inside:
            raise self.outside(field, text)
        if kind.suffixes and not text.lower().endswith(kind.suffixes):
            raise Refused(f"{field}: {show(text)} is not a {kind.noun} file (its name must end in "
                          f"{' or '.join(kind.suffixes)})")
        searched: list[str] = []
        for candidate in inside:
            try:
                real = os.path.realpath(candidate)
            except (OSError, ValueError):
                searched.append(candidate)
                continue
            if not self._really_inside(real):
                raise Refused(f"{field}: {show(text)} leads outside the allowed folders through a symbolic link "
                              f"({self.labels})")
            try:
                st = os.stat(real)
            except (FileNotFoundError, NotADirectoryError):
                searched.append(candidate)
                continue
            except (OSError, ValueError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
                raise Refused(f"{field}: {show(text)} cannot be read ({reason})") from None
            check_stat(st, field, text, kind)
            return Path(real)
        tried = ", ".join(_label(c) for c in searched)
        raise Refused(f"{field}: {kind.noun} {show(text)} not found (searched: {one_line(tried, 600)})")


def check_stat(st: os.stat_result, field: str, text: str, kind: Kind) -> None:
    """Refuse what is not a regular file of at most `kind.max_bytes` (before it is opened)."""
    if not stat.S_ISREG(st.st_mode):
        what = ("a folder" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode)
                else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a file")
        raise Refused(f"{field}: {show(text)} is {what}, not a regular file; only regular files are read")
    if st.st_size > kind.max_bytes:
        raise Refused(f"{field}: {show(text)} is {st.st_size:,} bytes; a {kind.noun} may have at most "
                      f"{kind.max_bytes:,} bytes")


def same_file(a: os.stat_result, b: os.stat_result) -> bool:
    """Two stats of one unchanged file (same file, size and modification time)."""
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)
