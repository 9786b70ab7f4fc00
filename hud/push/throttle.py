"""Display throttling as real glasses do it: one display update per interval, coalesced, never lost.

Why: MentraOS lets an app update the display once per 200-300 ms and an Even G2 text update takes
about 83 ms, so an app that streams a caption or a distance 100 times a second must not look
smooth in the emulator either. Real SDKs drop the surplus silently; here every update is kept
until the next display update, where only the newest one *per slot* goes through, and the one it
replaced is counted in its ack (and in `coalesced_total`, for a debug overlay).

Slots (what may replace what):
    caption      wake, think, answer, idle     newest wins
    navigation   navigate, nav_end             newest wins
    status       status                        merged: newest value per field (None keeps the older)
    card:VIEW    show, per view                newest wins
    layout       set_layout                    newest wins
    device       set_device                    newest wins
    (ordered)    notify, say, pay steps, gesture, clear: never coalesced, applied in arrival order

Every kept update is applied in arrival order, so coalescing never reorders what survives (a
`say "confirm"` still comes after the `pay detect` it answers). Pure: time is the `now` given.

Memory bound: at most one pending update per slot (3 card views + 5 other slots = 8) plus
`max_ordered` (256 by default) ordered updates; an offer that would exceed it is refused with
a "busy" reason for the client, never dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hud import events as ev

#: MentraOS throttles to one display update per 200-300 ms; we take the slower end by default.
DEFAULT_INTERVAL = 0.3
DEFAULT_MAX_ORDERED = 256
#: Clock times this close count as equal: a clock stepped 18 times by 1/60 s is at 0.3 s, not 0.29999.
EPSILON = 1e-9

_SLOTS: dict[type[ev.Event], str] = {
    ev.Wake: "caption", ev.Think: "caption", ev.Answer: "caption", ev.Idle: "caption",
    ev.Navigate: "navigation", ev.NavEnd: "navigation",
    ev.Status: "status", ev.SetLayout: "layout", ev.SetDevice: "device",
}


def slot_of(event: ev.Event) -> str | None:
    """The slot an event coalesces in, or None when it is never coalesced."""
    if isinstance(event, ev.ShowCard):
        return f"card:{event.view}"
    return _SLOTS.get(type(event))


def _merge(old: ev.Event, new: ev.Event) -> ev.Event:
    """Coalesce two updates of one slot: the newest wins, except status, which merges fields."""
    if isinstance(old, ev.Status) and isinstance(new, ev.Status):
        return ev.Status(
            battery_main=old.battery_main if new.battery_main is None else new.battery_main,
            battery_swap=old.battery_swap if new.battery_swap is None else new.battery_swap,
            connectivity=old.connectivity if new.connectivity is None else new.connectivity,
        )
    return new


@dataclass(frozen=True)
class Entry:
    """A pending update: the event, the id of the message it came from, when it was offered, a tag."""

    seq: int
    id: Any
    event: ev.Event
    offered_at: float
    tag: Any = None


def _json(value: Any) -> str:
    """A message id as JSON (an int's repr is its JSON; a str or None goes through `json.dumps`)."""
    return repr(value) if type(value) is int else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Ack:
    """An accepted offer: how many pending updates it replaced (and their ids), and when it applies."""

    id: Any
    coalesced: int
    superseded: tuple[Any, ...]
    applied_at: float

    def message(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "ack", "id": self.id, "coalesced": self.coalesced,
                               "applied_at": round(self.applied_at, 6)}
        if self.superseded:
            out["superseded"] = list(self.superseded)
        return out

    def wire(self) -> str:
        """`message()` as the JSON text `json.dumps` makes of it, without building the dict.

        Why: every accepted message is acknowledged by the frame loop, about a hundred a frame
        under a flood; formatting the ack directly costs a tenth of `json.dumps` (a property test
        holds the two equal)."""
        text = (f'{{"type": "ack", "id": {_json(self.id)}, "coalesced": {self.coalesced:d}, '
                f'"applied_at": {round(self.applied_at, 6)!r}')
        if self.superseded:
            return f'{text}, "superseded": [{", ".join(_json(i) for i in self.superseded)}]}}'
        return text + "}"


@dataclass(frozen=True)
class Busy:
    """A refused offer: too many ordered updates are waiting; the client should retry."""

    id: Any
    reason: str

    def message(self) -> dict[str, Any]:
        return {"type": "error", "id": self.id, "reason": self.reason}


@dataclass
class Throttle:
    """One display update per `interval` seconds of clock time; `interval` 0 turns throttling off."""

    interval: float = DEFAULT_INTERVAL
    max_ordered: int = DEFAULT_MAX_ORDERED
    coalesced_total: int = 0
    offered_total: int = 0
    refused_total: int = 0
    updates_total: int = 0  # display updates (flushes) so far
    _slots: dict[str, Entry] = field(default_factory=dict, repr=False)
    _ordered: list[Entry] = field(default_factory=list, repr=False)
    _seq: int = field(default=0, repr=False)
    _last: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.interval < 0:
            raise ValueError(f"the throttle interval must be 0 or more seconds; {self.interval} given")
        if self.max_ordered < 1:
            raise ValueError(f"max_ordered must be at least 1; {self.max_ordered} given")

    @property
    def pending(self) -> int:
        return len(self._slots) + len(self._ordered)

    def next_update(self, now: float) -> float:
        """The earliest clock time at or after `now` when the display may update again."""
        if self._last is None or now + EPSILON >= self._last + self.interval:
            return now
        return self._last + self.interval

    def offer(self, msg_id: Any, events: tuple[ev.Event, ...] | list[ev.Event], now: float,
              tag: Any = None) -> Ack | Busy:
        """Queue a message's events for the next display update (all of them, or none when busy)."""
        ordered = sum(1 for e in events if slot_of(e) is None)
        if len(self._ordered) + ordered > self.max_ordered:
            self.refused_total += 1
            return Busy(msg_id, f"busy: {len(self._ordered)} notifications, payment steps, words, gestures and "
                                f"clears are waiting for the display (at most {self.max_ordered}); it takes one "
                                f"update per {self.interval * 1000:g} ms, the next at {self.next_update(now):.3f} s; "
                                f"retry then")
        self.offered_total += 1
        superseded: list[Any] = []
        for event in events:
            self._seq += 1
            slot = slot_of(event)
            if slot is None:
                self._ordered.append(Entry(self._seq, msg_id, event, now, tag))
                continue
            old = self._slots.get(slot)
            if old is not None:
                superseded.append(old.id)
                event = _merge(old.event, event)
            self._slots[slot] = Entry(self._seq, msg_id, event, now, tag)
        self.coalesced_total += len(superseded)
        return Ack(msg_id, len(superseded), tuple(superseded), self.next_update(now))

    def due_entries(self, now: float) -> list[Entry]:
        """The pending updates to apply at `now`, in arrival order: all of them, or none before the next slot."""
        if not self._slots and not self._ordered:
            return []
        if self._last is not None and now + EPSILON < self._last + self.interval:
            return []
        entries = sorted([*self._slots.values(), *self._ordered], key=lambda e: e.seq)
        self._slots.clear()
        self._ordered.clear()
        self._last = now
        self.updates_total += 1
        return entries

    def due(self, now: float) -> list[ev.Event]:
        """The events to apply at `now` (see `due_entries` for their ids and tags)."""
        return [e.event for e in self.due_entries(now)]
