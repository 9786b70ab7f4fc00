"""Notifications: one shown at a time, a queue behind it, auto-dismiss, urgent ones pre-empt.

Expiry uses exact times (the next one is shown at the moment the previous expired, not at the
frame that noticed), so the state at time t does not depend on how often the clock ticked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hud.events import Notify

#: The most notifications waiting behind the current one. Past it the oldest non-urgent one is
#: dropped and counted (shown on the card), so a flood can neither grow memory nor vanish silently.
MAX_WAITING = 50


@dataclass(frozen=True)
class NotificationState:
    current: Notify | None = None
    shown_at: float = 0.0
    queue: tuple[Notify, ...] = ()
    dropped: int = 0

    @property
    def waiting(self) -> int:
        return len(self.queue)


def push(state: NotificationState, note: Notify, now: float) -> NotificationState:
    return _bounded(_push(state, note, now))


def _push(state: NotificationState, note: Notify, now: float) -> NotificationState:
    if state.current is None:
        return replace(state, current=note, shown_at=now)
    if note.urgent and not state.current.urgent:
        # Pre-empt: the interrupted one goes back to the front and later gets its full time again.
        return replace(state, current=note, shown_at=now, queue=(state.current, *state.queue))
    if note.urgent:
        urgent = tuple(n for n in state.queue if n.urgent)
        rest = tuple(n for n in state.queue if not n.urgent)
        return replace(state, queue=(*urgent, note, *rest))
    return replace(state, queue=(*state.queue, note))


def _bounded(state: NotificationState) -> NotificationState:
    queue, dropped = list(state.queue), state.dropped
    while len(queue) > MAX_WAITING:
        oldest = next((i for i, n in enumerate(queue) if not n.urgent), 0)
        del queue[oldest]
        dropped += 1
    return replace(state, queue=tuple(queue), dropped=dropped) if dropped != state.dropped else state


def dismiss(state: NotificationState, now: float) -> NotificationState:
    """Hide the current one and show the next (a tap or swipe)."""
    if state.current is None:
        return state
    if state.queue:
        return replace(state, current=state.queue[0], shown_at=now, queue=state.queue[1:])
    return NotificationState(dropped=state.dropped)


def clear(state: NotificationState) -> NotificationState:
    return NotificationState()


def settle(state: NotificationState, now: float) -> NotificationState:
    while state.current is not None and now >= state.shown_at + state.current.duration:
        expired_at = state.shown_at + state.current.duration
        state = dismiss(state, expired_at)
    return state
