"""The app-facing ports' fuzz boundaries: MentraOS app messages and the automation API's input body."""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from hud import fuzz
from hud.fuzz import apps
from hud.fuzz.messages import mutate
from hud.mentra.cloud import NotEmulated, Subscriptions, read_app_message
from hud.mentra.layouts import MentraFormatError
from hud.mentra.wire import WireError


def test_the_mentra_boundary_has_no_other_outcome() -> None:
    counts = fuzz.run("mentra", apps.mentra_case, 60, seed=0, bound=30.0)  # no time bound here: speed is bench's
    assert counts.other == 0, counts.examples
    assert counts.accepted > 0 and counts.located > 0  # the cases reach the renderer and the refusals


def test_the_automation_boundary_has_no_other_outcome() -> None:
    counts = fuzz.run("automation", apps.automation_case, 60, seed=0, bound=30.0)
    assert counts.other == 0, counts.examples
    assert counts.accepted > 0 and counts.located > 0


def test_every_seed_is_read_as_the_sdk_meant_it() -> None:
    """Unmutated, every seed is taken: displays become events, subscriptions streams, audio is noted."""
    kinds = []
    for seed in apps.mentra_seeds():
        message = read_app_message(seed, "com.hud.fuzz")
        kinds.append(type(message).__name__)
        if isinstance(message, tuple):
            assert message and all(getattr(e, "app", "com.hud.fuzz") == "com.hud.fuzz" for e in message)
    assert kinds.count("tuple") == 8 and "Subscriptions" in kinds and "NotEmulated" in kinds


def test_an_app_cannot_speak_for_another_package() -> None:
    seed = json.loads(apps.mentra_seeds()[0])
    seed["packageName"] = "com.someone.else"
    (card,) = read_app_message(json.dumps(seed), "com.hud.fuzz")  # type: ignore[misc]
    assert card.app == "com.hud.fuzz"


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_any_mutated_app_message_is_read_or_refused_in_words(seed: int) -> None:
    raw = mutate(random.Random(seed).choice(apps.mentra_seeds()), random.Random(seed + 1))
    try:
        message = read_app_message(raw, "com.hud.fuzz")
    except (WireError, MentraFormatError) as exc:
        assert str(exc).strip()
        return
    assert isinstance(message, tuple | Subscriptions | NotEmulated)
