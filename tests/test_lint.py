"""ruff and mypy --strict are part of the suite, so style and type problems fail the README's test command too."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_ruff_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    # The test extra installs mypy and the stubs; a missing one fails here rather than skipping.
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "hud"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
