"""One place that imports pygame, so every process renders the same way.

Why: pygame's smoothscale picks a SIMD backend per CPU, which would make pixels depend on the
machine, so every caller gets the generic (portable) backend. Headless callers also select SDL's
dummy drivers, which SDL reads when the display is initialised.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def use_headless_drivers() -> None:
    """Select SDL's dummy video and audio drivers unless the caller chose others."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


import pygame  # noqa: E402  (the environment must be set first)

#: The SIMD backend pygame chose for this CPU (SSE2, NEON, ...): fast, but its rounding differs.
FAST_SCALING = pygame.transform.get_smoothscale_backend()
pygame.transform.set_smoothscale_backend("GENERIC")
if not pygame.font.get_init():
    pygame.font.init()


def use_exact_scaling(exact: bool = True) -> None:
    """Generic smoothscale (identical pixels on every machine) or this CPU's fastest one.

    Everything that writes or compares pixels (shot, headless, tests) keeps the default, exact;
    only the interactive window switches to the fast backend.
    """
    pygame.transform.set_smoothscale_backend("GENERIC" if exact else FAST_SCALING)


__all__ = ["FAST_SCALING", "pygame", "use_exact_scaling", "use_headless_drivers"]
