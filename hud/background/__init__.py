"""Background sources: what the wearer sees of the world behind the HUD.

Every source implements `BackgroundSource` (start/stop/frame/label); `open_background(spec)` turns
a command-line or scenario string into a started source.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from hud.background.base import BackgroundError, BackgroundSource, check_size, scale_to_cover
from hud.background.camera import CameraBackground, CameraUnavailable
from hud.background.image import IMAGE_SUFFIXES, ImageBackground
from hud.background.scene import StreetScene
from hud.background.sequence import SequenceBackground, parse_sequence_spec
from hud.background.video import VIDEO_SUFFIXES, VideoBackground, VideoSupportMissing

__all__ = [
    "SPEC_HELP",
    "BackgroundError",
    "BackgroundSource",
    "CameraBackground",
    "CameraUnavailable",
    "ImageBackground",
    "SequenceBackground",
    "StreetScene",
    "VideoBackground",
    "VideoSupportMissing",
    "check_size",
    "open_background",
    "scale_to_cover",
]

SPEC_HELP = ("scene, scene:night, camera[:N], auto, a PNG/JPEG path, a video (.mp4/.mov/.mkv/.avi) "
             "or a folder of frames (DIR/ at 30 fps, DIR/@FPS)")


def open_background(spec: str, *, stderr: TextIO = sys.stderr) -> BackgroundSource:
    """The started source that `spec` names; BackgroundError when it names none or cannot start.

    "auto" prefers a camera and falls back to the built-in street scene with one line on `stderr`,
    because a demo must run on a machine without a webcam but should say why it shows no camera.
    """
    source = _source_for(spec, stderr)
    source.start()
    return source


def _source_for(spec: str, stderr: TextIO) -> BackgroundSource:
    key = spec.strip().lower()
    if key == "auto":
        camera = CameraBackground(0)
        try:
            camera.start()
        except CameraUnavailable as error:
            print(f"hud: no camera opened ({error}); using the built-in street scene", file=stderr)
            return StreetScene()
        return camera
    if key in ("scene", "scene:day"):
        return StreetScene(night=False)
    if key == "scene:night":
        return StreetScene(night=True)
    if key == "camera":
        return CameraBackground(0)
    if key.startswith("camera:") and spec.strip()[7:]:
        device = spec.strip()[7:]
        return CameraBackground(int(device) if device.isdigit() else device)
    if Path(spec).suffix.lower() in IMAGE_SUFFIXES:
        return ImageBackground(spec)
    if Path(spec.strip()).suffix.lower() in VIDEO_SUFFIXES:
        return VideoBackground(spec.strip())
    sequence = parse_sequence_spec(spec)
    if sequence is not None:
        return SequenceBackground(*sequence)
    raise BackgroundError(f"unknown background spec {spec!r}, expected {SPEC_HELP}")
