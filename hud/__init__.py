"""hud: a heads-up display emulator for AI glasses.

The pipeline is split into parts with one job each (see README, "How it works"):
background source -> HUD state -> panel renderer -> compositor -> output.
Rendering is a pure function of (state, time); every caller goes through `hud.session.Session`.
"""

from __future__ import annotations

__all__ = ["__version__"]
__version__ = "0.1.0"
