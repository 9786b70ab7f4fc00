"""Notifications: one shown at a time, a queue behind it, auto-dismiss, urgent ones pre-empt.

Expiry uses exact times (the next one is shown at the moment the previous expired, not at the
frame that noticed), so the state at time t does not depend on how often the clock ticked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hud.events import Notify


@dataclass(frozen=True)
class NotificationState:
    current: Notify | None = None
    shown_at: float = 0.0
    queue: tuple[Notify, ...] = ()

    @property
    def waiting(self) -> int:
        return len(self.queue)


def push(state: NotificationState, note: Notify, now: float) -> NotificationState:
    if state.current is None:
        return NotificationState(current=note, shown_at=now, queue=state.queue)
    if note.urgent and not state.current.urgent:
        # Pre-empt: the interrupted one goes back to the front and later gets its full time again.
        return NotificationState(current=note, shown_at=now, queue=(state.current, *state.queue))
    if note.urgent:
        urgent = tuple(n for n in state.queue if n.urgent)
        rest = tuple(n for n in state.queue if not n.urgent)
        return replace(state, queue=(*urgent, note, *rest))
    return replace(state, queue=(*state.queue, note))


def dismiss(state: NotificationState, now: float) -> NotificationState:
    """Hide the current one and show the next (a tap or swipe)."""
    if state.current is None:
        return state
    if state.queue:
        return NotificationState(current=state.queue[0], shown_at=now, queue=state.queue[1:])
    return NotificationState()


def clear(state: NotificationState) -> NotificationState:
    return NotificationState()


def settle(state: NotificationState, now: float) -> NotificationState:
    while state.current is not None and now >= state.shown_at + state.current.duration:
        expired_at = state.shown_at + state.current.duration
        state = dismiss(state, expired_at)
    return state
