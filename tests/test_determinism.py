"""Same scenario, same time: identical pixels in separate processes (fonts, clock, no randomness)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

from hud.output import load_png
from hud.pg import pygame


def shot(tmp_path, name: str, hash_seed: str, view: str) -> bytes:
    out = tmp_path / name
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "SDL_VIDEODRIVER": "dummy"}
    subprocess.run([sys.executable, str(ROOT / "main.py"), "shot", "--at", "44.3", "--view", view,
                    "--out", str(out), "--size", "640x360"], check=True, env=env, cwd=tmp_path,
                   capture_output=True)
    return pygame.image.tobytes(load_png(out), "RGB")


def test_two_processes_give_identical_pixels(tmp_path) -> None:
    for view in ("composite", "panel"):
        a = shot(tmp_path, f"a-{view}.png", "1", view)
        b = shot(tmp_path, f"b-{view}.png", "12345", view)
        assert a == b, view
        assert len(set(a)) > 10  # not trivially equal (an empty image would be)
