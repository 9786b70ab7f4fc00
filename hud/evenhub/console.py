"""`/api/console`: hud's log as the Even Hub simulator's console buffer (entries with ids, `since_id`).

Why hud's log: the simulator's console carries what the glasses app printed (its webview's
`console.*`, uncaught errors, failed fetches); hud runs no app, so what a script polling the console
should see is what hud itself says: warnings and errors from any `hud.*` logger, and one info line
per automation input ("input 'click' -> gesture tap"), as a web app would log the event it got.

Shape, as measured on the simulator 0.9.5 (see README "Automate it like the Even Hub simulator"):
    {"entries": [{"id": 0, "level": "log", "message": "...", "ts": 1796250192483}], "total": 3}
    ids count up from 0 and go on counting after DELETE; `since_id=N` gives the entries with id > N;
    `total` is how many entries the buffer holds (not only those returned); `ts` is Unix milliseconds;
    levels are the console's: "debug", "info", "log", "warn", "error".

Why a bound (`DEFAULT_CAPACITY` entries, `MAX_MESSAGE` characters each): a log that floods (a client
refused a thousand times a second) must not grow without end while no script reads it; the oldest
entries go first, and ids stay unique, so `since_id` polling still works across the loss.

Why the handler hands records on to logging's last resort: attaching any handler to the `hud`
logger silences `logging.lastResort`, which otherwise prints hud's warnings to stderr when the
program configured no logging (hud configures none). Starting the automation API must not make
hud's warnings vanish from the terminal, so when this handler is the only one that sees a record,
it passes it on as logging would have without it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import Any

#: Entries kept; the simulator's bound is not documented (not measured: its console did not drop
#: entries in a short test). 1,000 lines of at most 4,000 characters is at most a few MB.
DEFAULT_CAPACITY = 1000
MAX_MESSAGE = 4000
#: The logger tree whose records the console carries.
HUD_LOGGER = "hud"


def console_level(levelno: int) -> str:
    """A logging level as the browser console names it (what the simulator's entries carry)."""
    if levelno >= logging.ERROR:
        return "error"
    if levelno >= logging.WARNING:
        return "warn"
    if levelno >= logging.INFO:
        return "info"
    return "debug"


def _clean(message: str) -> str:
    """At most `MAX_MESSAGE` characters, and always encodable as UTF-8 (a lone surrogate is replaced)."""
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE - 3] + "..."
    return message.encode("utf-8", "replace").decode("utf-8") if not message.isascii() else message


class Console:
    """A bounded, thread-safe ring buffer of console entries (written by any thread, read by HTTP threads)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError(f"a console holds at least 1 entry, not {capacity}")
        self.capacity = capacity
        self._entries: deque[dict[str, Any]] = deque(maxlen=capacity)
        self._next_id = 0
        self._lock = threading.Lock()

    def add(self, level: str, message: str, ts: float | None = None) -> int:
        """Append one entry (the oldest goes when full); returns its id."""
        stamp = int((time.time() if ts is None else ts) * 1000)
        with self._lock:
            entry_id = self._next_id
            self._next_id += 1
            self._entries.append({"id": entry_id, "level": level, "message": _clean(message), "ts": stamp})
        return entry_id

    def read(self, since_id: int | None = None) -> dict[str, Any]:
        """The reply to GET /api/console: entries with id > `since_id` (all without it), and `total`."""
        with self._lock:
            entries = list(self._entries)
        total = len(entries)
        if since_id is not None:
            entries = [e for e in entries if e["id"] > since_id]
        return {"entries": [dict(e) for e in entries], "total": total}

    def clear(self) -> None:
        """DELETE /api/console: forget every entry; ids go on counting (as the simulator's do)."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class ConsoleHandler(logging.Handler):
    """Feeds a `Console` from the `hud` logger tree; `install()` / `uninstall()` attach and detach it."""

    def __init__(self, console: Console) -> None:
        super().__init__(logging.NOTSET)
        self.console = console
        self._lowered = False  # install() set the hud logger to INFO (it was NOTSET): uninstall() undoes it

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_info:
                message += "\n" + logging.Formatter().formatException(record.exc_info)
            self.console.add(console_level(record.levelno), message, record.created)
        except Exception:  # a record that cannot be formatted must not end the caller (logging's rule)
            self.handleError(record)
        last = logging.lastResort
        if last is not None and record.levelno >= last.level and self._alone(record):
            last.handle(record)

    def _alone(self, record: logging.LogRecord) -> bool:
        """No other handler sees `record` on its way up the logger tree (see the module's docstring)."""
        logger: logging.Logger | None = logging.getLogger(record.name)
        while logger is not None:
            if any(h is not self for h in logger.handlers):
                return False
            if not logger.propagate:
                return True
            logger = logger.parent
        return True

    def install(self) -> ConsoleHandler:
        """Attach to the `hud` logger; INFO lines then reach the console (when the level was unset)."""
        logger = logging.getLogger(HUD_LOGGER)
        if self not in logger.handlers:
            logger.addHandler(self)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)
            self._lowered = True
        return self

    def uninstall(self) -> None:
        logger = logging.getLogger(HUD_LOGGER)
        logger.removeHandler(self)
        if self._lowered:
            others = [h for h in logger.handlers if isinstance(h, ConsoleHandler)]
            if others:
                others[0]._lowered = True  # another console still needs INFO: it restores the level later
            elif logger.level == logging.INFO:
                logger.setLevel(logging.NOTSET)
        self._lowered = False
