"""Hot reload: edits to the running session's layout, scenario and device files show up at once.

Why polling mtime and size rather than OS file events (watchdog, inotify, FSEvents): it is three
files, so a few `stat` calls four times a second cost nothing; it needs no extra dependency; it
behaves the same on every OS and file system (network drives, Docker bind mounts, editors that
save by writing a new file and renaming it); and it runs in the frame loop, so a reload happens
between two frames on the thread that owns the session, with no locking.

A broken edit never stops the demo: the last good version keeps running and `error` holds the
problem (`file:line:col`, the offending line and a caret) for the window's banner, until an edit
fixes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml

from hud import events as ev
from hud import paths
from hud.device import load_device
from hud.layout import load_layout
from hud.scenario import load_scenario
from hud.schema import ConfigError
from hud.session import Session

__all__ = ["Change", "HotReload", "SessionFiles", "reload_file", "session_files"]

#: What can be reloaded, in the order `apply` reloads them: a device may bring its own layout, and
#: a scenario is replayed last, on the device and layout it will run with.
KINDS = ("device", "layout", "scenario")

Signature = tuple[int, int, int] | None  # (mtime in ns, size, inode); None: the file is missing


@dataclass(frozen=True)
class SessionFiles:
    """The files a session runs from; None: nothing to watch for that kind."""

    device: Path | None = None
    layout: Path | None = None
    scenario: Path | None = None


@dataclass(frozen=True)
class Change:
    """A watched file that was edited."""

    kind: str  # "device", "layout" or "scenario"
    path: Path


_declared: dict[Path, tuple[Signature, str | None]] = {}


def _declared_name(path: Path) -> str | None:
    """The `name:` a device file declares (re-read only when the file changes; a broken file keeps
    the last name read, so the file stays watched until it is fixed)."""
    signature = _signature(path)
    known = _declared.get(path)
    if known is not None and known[0] == signature:
        return known[1]
    name = known[1] if known is not None else None
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(values, dict) and isinstance(values.get("name"), str):
            name = values["name"]
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        pass
    _declared[path] = (signature, name)
    return name


def session_files(session: Session, device_file: str | Path | None = None) -> SessionFiles:
    """The files `session` runs from now: its layout, its scenario and its device profile.

    A Device does not remember its file: a bundled profile is `assets/devices/<name>.yaml`; one
    opened from a path must be given as `device_file`, which is watched while the session's device
    has the name that file declares (so switching to a bundled device watches that one instead).
    """
    device: Path | None = None
    if device_file is not None and _declared_name(Path(device_file)) == session.device.name:
        device = Path(device_file)
    else:
        bundled = paths.DEVICES / f"{session.device.name}.yaml"
        device = bundled if bundled.is_file() else None
    return SessionFiles(device=device, layout=session.layout.path, scenario=session.scenario.path)


def _signature(path: Path) -> Signature:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino  # the inode: editors that save by rename


class HotReload:
    """Watches a session's files by polling; `apply` reloads the edited ones into the session.

    `files` is either fixed paths or a callable giving the current ones (so a `set_layout`
    event or a device switch moves the watch to the new file: a move is not an edit).
    """

    def __init__(self, files: SessionFiles | Callable[[], SessionFiles], *, interval: float = 0.25) -> None:
        self._files: Callable[[], SessionFiles] = files if callable(files) else (lambda: files)
        self.interval = interval
        self._watched: dict[str, tuple[Path, Signature]] = {}
        self._pending: dict[str, Path] = {}
        self._errors: dict[str, str] = {}
        self._last_poll: float | None = None
        self._scan()

    @property
    def error(self) -> str | None:
        """Why the last edit of some file was not applied (one report per broken file), or None."""
        return "\n".join(self._errors[k] for k in KINDS if k in self._errors) or None

    @property
    def watched(self) -> dict[str, Path]:
        return {kind: path for kind, (path, _) in self._watched.items()}

    def poll(self, now: float) -> list[Change]:
        """The files edited since the last poll; stats them at most once per `interval` of `now`
        (monotonic seconds), so calling this every frame is cheap."""
        if self._last_poll is not None and now - self._last_poll < self.interval:
            return []
        self._last_poll = now
        changes = self._scan()
        for change in changes:
            self._pending[change.kind] = change.path
        return changes

    def _scan(self) -> list[Change]:
        files = self._files()
        changes: list[Change] = []
        for kind in KINDS:
            path = getattr(files, kind)
            old = self._watched.get(kind)
            if path is None:
                self._watched.pop(kind, None)
                self._forget(kind)
                continue
            path = Path(path)
            signature = _signature(path)
            self._watched[kind] = (path, signature)
            if old is None or old[0] != path:
                self._forget(kind)  # another file now: its predecessor's problems are moot
            elif signature != old[1] and signature is not None:  # missing: mid-save, or deleted; wait
                changes.append(Change(kind, path))
        return changes

    def _forget(self, kind: str) -> None:
        self._pending.pop(kind, None)
        self._errors.pop(kind, None)

    def apply(self, session: Session) -> str | None:
        """Reload every file edited since the last `apply` into `session`; returns `error`.

        Each file is reloaded on its own: a broken layout does not hold back a good scenario.
        """
        pending, self._pending = self._pending, {}
        for kind in KINDS:
            if kind in pending:
                problem = reload_file(session, kind, pending[kind])
                if problem is None:
                    self._errors.pop(kind, None)
                else:
                    self._errors[kind] = problem
        return self.error


def reload_file(session: Session, kind: str, path: Path) -> str | None:
    """Reload one file into `session` in place, keeping what is on the display; the problem, if any.

    Why every exception is caught: an edit in progress must never end a running demo; the
    problem is shown instead, and the last good version keeps running.
    """
    try:
        if kind == "layout":
            session._reconfigure(ev.SetLayout(path=str(path)))
        elif kind == "device":
            _set_device(session, str(path))
        elif kind == "scenario":
            _reload_scenario(session, path)
        else:
            raise ValueError(f"cannot reload a {kind!r}; expected one of: {', '.join(KINDS)}")
    except ConfigError as error:
        return error.report()
    except Exception as error:
        text = " ".join(str(error).split()) or "no details"
        return f"{path}: {text}" if str(path) in text else f"{path}: {type(error).__name__}: {text}"
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def _set_device(session: Session, name_or_path: str) -> None:
    """Another device (or the same one, edited), keeping a layout that was chosen rather than defaulted.

    Why the detour: `Session._reconfigure` gives the new device its own layout unless the scenario
    names one, but a layout chosen on the command line (or by a `set_layout` event) is not
    remembered anywhere; a layout that is not the current device's default was chosen, so it is
    kept by making it the scenario's choice for the duration of the call.
    """
    scenario = session.scenario
    chosen = scenario.layout is None and not _same_file(session.layout.path, session.device.layout)
    if chosen:
        session.scenario = replace(scenario, layout=session.layout.path)
    try:
        session._reconfigure(ev.SetDevice(name=name_or_path))
    finally:
        session.scenario = scenario


def _reload_scenario(session: Session, path: Path) -> None:
    """Swap in the edited scenario and replay it to the current time.

    Events from outside the script (pushed, gestures, the assistant's planned answers) are replayed
    with it, so an edit to the script does not lose what the wearer did. A changed `device` or
    `layout` field takes effect; a changed `background` needs a restart (the camera stays open).
    """
    new = load_scenario(path)
    old = session.scenario
    device = new.device if new.device and new.device != old.device else None
    layout = new.layout if new.layout and new.layout != old.layout else None
    if device is not None:
        load_device(device)  # validated before anything changes
    if layout is not None:
        load_layout(layout)
    scripted = {id(timed) for timed in old.timeline}
    outside = [timed for timed in session.log if id(timed) not in scripted]
    planned = list(session._scheduled)
    t = session.now
    session.scenario = new
    try:
        if device is not None:
            _set_device(session, device)
        if layout is not None:
            session._reconfigure(ev.SetLayout(path=str(layout)))
    except Exception:
        session.scenario = old
        raise
    session.restart()
    session.schedule(outside + planned)
    session.seek(t)


assert {f.name for f in fields(SessionFiles)} == set(KINDS), "every kind needs a file"
