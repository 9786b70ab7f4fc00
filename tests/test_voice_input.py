"""The typed stand-in for the wearer's voice: the key that opens the line is not typed into it.

Events are synthetic, on SDL's dummy driver, in the order SDL sends them for a real key press
while text input is on: KEYDOWN, then TEXTINPUT with the key's character, then KEYUP.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hud.pg import pygame, use_headless_drivers
from hud.voice_input import VoiceInput, key_text

use_headless_drivers()


@pytest.fixture(autouse=True)
def video() -> Iterator[None]:
    pygame.display.init()
    yield
    pygame.key.stop_text_input()


def down(key: int, text: str = "") -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=text, scancode=0)


def up(key: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0)


def typed(text: str) -> pygame.event.Event:
    return pygame.event.Event(pygame.TEXTINPUT, text=text)


def feed(voice: VoiceInput, events: list[pygame.event.Event]) -> list[str | None]:
    return [voice.handle(e) for e in events]


def request(voice: VoiceInput, opening: pygame.event.Event, events: list[pygame.event.Event]) -> str | None:
    voice.open(opening)
    said = [r for r in feed(voice, [*events, down(pygame.K_RETURN, "\r")]) if r]
    assert not voice.active
    return said[0] if said else None


@pytest.mark.parametrize(("key", "char"), [(pygame.K_l, "l"), (pygame.K_SLASH, "/"), (pygame.K_l, "L")])
def test_the_opening_keys_own_character_is_not_typed(key: int, char: str) -> None:
    said = request(VoiceInput(), down(key, char), [typed(char), up(key), typed("navigate to West Lake")])
    assert said == "navigate to West Lake"


def test_a_synthetic_keydown_without_unicode_is_matched_by_the_keys_name() -> None:
    assert key_text(down(pygame.K_l)) == "l" and key_text(down(pygame.K_SLASH)) == "/"
    assert key_text(down(pygame.K_RETURN)) == ""
    assert request(VoiceInput(), down(pygame.K_l), [typed("l"), typed("lunch nearby")]) == "lunch nearby"


def test_text_that_is_not_the_keys_character_is_typed() -> None:
    """Only the opening key's own character is dropped (what tests/test_app.py relies on)."""
    assert request(VoiceInput(), down(pygame.K_l), [typed("navigate to "), typed("West Lake")]) == (
        "navigate to West Lake")


def test_when_sdl_sends_no_textinput_the_wearers_first_letter_is_kept() -> None:
    """Text input was off when L went down: the next key's KEYDOWN ends the wait, so the 'l' of
    "look" (same letter as the opening key) is typed."""
    events = [up(pygame.K_l), down(pygame.K_l, "l"), typed("l"), up(pygame.K_l), typed("ook")]
    assert request(VoiceInput(), down(pygame.K_l, "l"), events) == "look"


def test_a_late_textinput_after_the_keyup_is_still_the_opening_keys() -> None:
    """Input methods that answer asynchronously (IBus) may deliver the text after the key is up."""
    assert request(VoiceInput(), down(pygame.K_l, "l"), [up(pygame.K_l), typed("l"), typed("hi")]) == "hi"


def test_only_one_character_is_dropped() -> None:
    assert request(VoiceInput(), down(pygame.K_l, "l"), [typed("l"), typed("l"), typed("ook")]) == "look"


def test_opening_without_a_key_drops_nothing() -> None:
    voice = VoiceInput()
    voice.open()
    feed(voice, [typed("l"), typed("ight")])
    assert voice.text == "light"
    voice.close()


def test_reopening_forgets_a_previous_opening_key() -> None:
    voice = VoiceInput()
    voice.open(down(pygame.K_l, "l"))
    feed(voice, [down(pygame.K_ESCAPE)])
    assert not voice.active
    voice.open()
    feed(voice, [typed("l")])
    assert voice.text == "l"
    voice.close()


def test_in_the_window_through_the_event_queue() -> None:
    """The window's own loop: events posted to SDL's queue, read back with pygame.event.get."""
    from hud.app import DemoWindow
    from hud.session import Options, Session

    session = Session.open(Options(background="scene", view=(320, 180)))
    try:
        demo = DemoWindow(session)
        pygame.event.clear()
        for event in [down(pygame.K_l, "l"), typed("l"), up(pygame.K_l), typed("navigate to West Lake"),
                      down(pygame.K_RETURN, "\r"), up(pygame.K_RETURN)]:
            pygame.event.post(event)
        for event in pygame.event.get():
            demo.handle(event)
        assert not demo.voice.active
        assert session.state.caption.heard == "navigate to West Lake"
    finally:
        session.close()
