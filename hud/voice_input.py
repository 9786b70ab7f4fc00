"""The input line that stands in for the wearer's voice: typed text goes to the assistant.

Uses SDL's text input events, so any keyboard layout and input method (Chinese included) works.
"""

from __future__ import annotations

from dataclasses import dataclass

from hud.pg import pygame

MAX_CHARS = 200


@dataclass
class VoiceInput:
    active: bool = False
    text: str = ""

    def open(self) -> None:
        self.active, self.text = True, ""
        pygame.key.start_text_input()

    def close(self) -> None:
        self.active = False
        pygame.key.stop_text_input()

    def handle(self, event: pygame.event.Event) -> str | None:
        """Feed an event while active; returns the request when the wearer presses Enter."""
        if event.type == pygame.TEXTINPUT:
            self.text = (self.text + event.text)[:MAX_CHARS]
        elif event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                said = self.text.strip()
                self.close()
                return said or None
            if event.key == pygame.K_ESCAPE:
                self.close()
            elif event.key == pygame.K_BACKSPACE:
                self.text = self.text[:-1]
        return None
