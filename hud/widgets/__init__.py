"""HUD widgets: one module per widget kind, each a draw function over state."""

from __future__ import annotations
