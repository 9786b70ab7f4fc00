"""The weather, once: what the built-in scene's sky shows and what the assistant says it is.

Why here: the assistant's weather answer describes the world the wearer sees, and the built-in
scene is that world; with the condition written once, the sky and the answer cannot disagree
(issue 12: "light rain" under a clear sky). The scene draws `cloud_cover`; the assistant's
weather answer takes `condition` and `advice` from here (assets/assistant/answers.yaml keeps the
place and the temperatures).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["WEATHER", "SkyWeather"]


@dataclass(frozen=True)
class SkyWeather:
    condition_en: str
    condition_zh: str
    advice_en: str
    advice_zh: str
    cloud_cover: float  # 0 clear .. 1 overcast; the day sky's clouds


WEATHER = SkyWeather("partly cloudy", "多云", "No umbrella needed.", "不用带伞。", 0.5)
