"""The input line that stands in for the wearer's voice: typed text goes to the assistant.

Uses SDL's text input events, so any keyboard layout and input method (Chinese included) works.

The key that opens the line (L or /) is a printable key, and while SDL's text input is on (it is
by default on desktops) SDL follows its KEYDOWN with a TEXTINPUT carrying the key's character.
That TEXTINPUT arrives after the line has opened, so it used to be typed into it ("lnavigate to
West Lake"). `open(event)` remembers the opening key's character and drops that one TEXTINPUT.
"""

from __future__ import annotations

from dataclasses import dataclass

from hud.pg import pygame

MAX_CHARS = 200


def key_text(event: pygame.event.Event) -> str:
    """The text a KEYDOWN types: its `unicode` when pygame filled it in, else the key's name when
    that is one character (synthetic events and some platforms leave `unicode` empty)."""
    text = getattr(event, "unicode", "") or ""
    if text:
        return str(text)
    name = pygame.key.name(event.key) if hasattr(event, "key") else ""
    return name if len(name) == 1 else ""


@dataclass
class VoiceInput:
    active: bool = False
    text: str = ""
    # The opening key's character, until its own TEXTINPUT has been dropped or another key is
    # pressed. Why not "drop the next TEXTINPUT": when text input was off as the key went down,
    # SDL sends none, and the wearer's first character must not be lost instead.
    _swallow: str = ""

    def open(self, opened_by: pygame.event.Event | None = None) -> None:
        """Start listening; `opened_by` is the KEYDOWN that opened the line, whose character is not typed."""
        self.active, self.text = True, ""
        self._swallow = key_text(opened_by) if opened_by is not None and opened_by.type == pygame.KEYDOWN else ""
        pygame.key.start_text_input()

    def close(self) -> None:
        self.active, self._swallow = False, ""
        pygame.key.stop_text_input()

    def handle(self, event: pygame.event.Event) -> str | None:
        """Feed an event while active; returns the request when the wearer presses Enter."""
        if event.type == pygame.TEXTINPUT:
            pending, self._swallow = self._swallow, ""
            # Case-insensitive: Shift+L types "L", and a synthetic KEYDOWN only knows the key ("l").
            if pending and event.text.casefold() == pending.casefold():
                return None  # the opening key's own character
            self.text = (self.text + event.text)[:MAX_CHARS]
        elif event.type == pygame.KEYDOWN:
            self._swallow = ""  # another key: the opening key's TEXTINPUT is not coming
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                said = self.text.strip()
                self.close()
                return said or None
            if event.key == pygame.K_ESCAPE:
                self.close()
            elif event.key == pygame.K_BACKSPACE:
                self.text = self.text[:-1]
        return None
