"""Screenshot testing: comparison, reports and the pytest plugin."""

from __future__ import annotations

from typing import Any

__all__ = ["PushRejected"]


def __getattr__(name: str) -> Any:
    """`hud.testing.PushRejected`, imported on first use: the pytest plugin lives in this package and
    pytest loads it in every run, so the package itself must not import pygame and the session."""
    if name == "PushRejected":
        from hud.testing.pilot import PushRejected

        return PushRejected
    raise AttributeError(f"module 'hud.testing' has no attribute {name!r}")
