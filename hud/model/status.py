"""The status bar's data: time of day, the two batteries (main and hot-swap), connectivity."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StatusState:
    battery_main: int = 82
    battery_swap: int = 100
    connectivity: str = "5g"
    day_start: float = 8 * 3600 + 41 * 60  # wall-clock seconds since midnight at t = 0

    def time_of_day(self, now: float) -> str:
        total = int(self.day_start + now) % 86400
        return f"{total // 3600:02d}:{total % 3600 // 60:02d}"
