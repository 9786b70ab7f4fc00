"""Screenshot testing: comparison, reports and the pytest plugin."""

from __future__ import annotations
