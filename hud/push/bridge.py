"""Once per frame: the server's inbox -> acks and the throttle -> the session -> what clients hear back.

Why one object for it: the window, the headless loop and the bench must treat pushed messages
the same way, in the same order (drain, offer, apply what is due, watch), and a frame loop should
need one line for it: `bridge.frame(session)`.

The throttle interval follows the session's device (`throttle_ms` in its profile, when it has
one), so `set_device` to a slower pair of glasses slows the updates down too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hud.push.server import Incoming, PushServer
from hud.push.throttle import Entry, Throttle
from hud.push.watch import Watcher
from hud.schema import ConfigError
from hud.session import Session


@dataclass
class PushBridge:
    server: PushServer
    throttle: Throttle = field(default_factory=Throttle)
    watcher: Watcher = field(default_factory=Watcher)

    def frame(self, session: Session) -> list[Entry]:
        """Take this frame's messages and apply the updates due at the session's clock time.

        Returns the applied entries (each `tag` is the `Incoming` it came from), for metrics.
        """
        if not self.watcher.started:
            self.watcher.start(session)
        self._follow_device(session)
        now = session.now
        for item in self.server.drain():
            result = self.throttle.offer(item.id, item.events, now, tag=item)
            self.server.reply(item.client, result.message())
        applied = self.throttle.due_entries(now)
        for entry in applied:
            try:
                session.push(entry.event)
            except (ValueError, ConfigError, OSError) as exc:  # a layout or device file changed since it was checked
                incoming: Incoming = entry.tag
                self.server.reply(incoming.client, {"type": "error", "id": entry.id,
                                                    "reason": f"acknowledged but could not be applied: {exc}"})
        for message in self.watcher.changes(session):
            self.server.broadcast(message)
            if message["type"] == "display":
                self.server.retain(message)
        return applied

    def _follow_device(self, session: Session) -> None:
        throttle_ms: Any = getattr(session.device, "throttle_ms", None)
        if isinstance(throttle_ms, int | float) and throttle_ms >= 0:
            self.throttle.interval = throttle_ms / 1000
