"""Programs that drive a running session from outside, each beside the frame loop: one protocol.

Why one: the window, the headless run and the bench each drive the same frame loop, and the
MentraOS cloud (`hud.mentra.cloud`), the Even Hub automation API (`hud.evenhub`) and whatever comes
next each need the same three things from it: a call once per frame on the frame loop's thread
(pygame and the session are not thread-safe; network work stays on the attachment's own thread),
one line for the window's status, and a close at the end. The push API keeps its own bridge.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hud.session import Session

_LOG = logging.getLogger("hud")


class Attachment(Protocol):
    def frame(self, session: Session) -> None:
        """Once per frame, on the frame loop's thread: apply what arrived, answer what waits on a frame."""

    def status(self) -> str:
        """One short line for the window's chrome."""

    def close(self) -> None:
        """Stop serving (the frame loop's `finally`)."""


def frame_all(attached: Iterable[Attachment], session: Session) -> None:
    for item in attached:
        item.frame(session)


def close_all(attached: Iterable[Attachment]) -> None:
    """Close each, in order; one that fails is logged and the others still close."""
    for item in attached:
        try:
            item.close()
        except Exception:  # shutting down: say so, and close the rest
            _LOG.exception("closing %s failed", type(item).__name__)
