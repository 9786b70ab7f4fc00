"""Session: scheduling, cards, reconfiguring, and refusing bad configuration events."""

from __future__ import annotations

import pytest

from hud import events as ev
from hud.session import Options, Session


@pytest.fixture
def session():
    s = Session.open(Options(scenario="empty.yaml", background="scene", view=(320, 180)))
    yield s
    s.close()


def test_scheduled_events_apply_at_their_time(session) -> None:
    session.schedule([ev.Timed(2.0, ev.Think()), ev.Timed(1.0, ev.Wake())])
    session.seek(1.5)
    assert session.state.caption.mode == "listening"
    session.seek(2.0)
    assert session.state.caption.mode == "thinking"
    with pytest.raises(ValueError, match=r"cannot schedule .wake. at 1\.0 s: the clock is at 2\.0 s"):
        session.schedule([ev.Timed(1.0, ev.Wake())])


def test_cards_show_per_view_expire_and_clear(session) -> None:
    session.push(ev.ShowCard(layout="text_wall", text="hello", duration=2))
    session.push(ev.ShowCard(layout="dashboard_card", view="dashboard", left="a", right="b"))
    session.seek(1.0)
    assert session.state.cards.main is not None and session.state.cards.dashboard is not None
    session.seek(2.0)
    assert session.state.cards.main is None and session.state.cards.dashboard is not None
    session.push(ev.Clear(what="cards"))
    assert session.state.cards.dashboard is None


def test_set_device_keeps_the_display(session) -> None:
    session.push(ev.Notify(app="A", title="kept"))
    session.push(ev.SetDevice(name="even-g2"))
    assert session.device.name == "even-g2" and session.render_panel().get_size() == (576, 288)
    assert session.state.notes.current.title == "kept"


def test_bad_configuration_is_refused_and_nothing_changes(session) -> None:
    with pytest.raises(ValueError, match="unknown device 'nope'"):
        session.push(ev.SetDevice(name="nope"))
    assert session.device.name == "generic"
    with pytest.raises(Exception, match="file not found"):
        session.push(ev.SetLayout(path="missing.yaml"))
    assert session.layout.name == "default"


def _mixed(i: int) -> ev.Event:
    """A pushed stream like a busy backend's: cards with unique text, notifications, steps, gestures."""
    kinds: list[ev.Event] = [
        ev.ShowCard(layout="dashboard_card", view="dashboard", left=f"left {i}", right=f"{i % 97} km"),
        ev.Notify(app="Chat", title=f"message {i}", body="x" * (i % 50), duration=1.0),
        ev.Navigate(maneuver="left", distance=float(1000 - i % 1000), street=f"Street {i}"),
        ev.Gesture(kind="swipe_down" if i % 2 else "tap"),
        ev.ShowCard(layout="text_wall", text=f"card {i} " + "words " * (i % 30)),
        ev.Status(battery_main=i % 101),
    ]
    return kinds[i % len(kinds)]


def pixels(surface) -> bytes:
    from hud.pg import pygame

    return pygame.image.tobytes(surface, "RGB")


def test_event_log_stays_bounded_and_a_device_switch_keeps_the_state(session) -> None:
    from hud.device import load_device
    from hud.session import LOG_BYTES, LOG_EVENTS

    for i in range(20_000):
        session.push(_mixed(i))
        if i % 10 == 9:
            session.advance(0.1)
    log = session.log
    assert len(log) <= LOG_EVENTS and log.bytes <= LOG_BYTES
    assert log.total == 20_000 and log.folded == 20_000 - len(log) and log.base_at > 0
    before_state, before = session.state, pixels(session.render_panel())
    switched = session.rebuilt(device=load_device("vuzix-z100"))
    assert switched.state == before_state
    back = switched.rebuilt(device=load_device(session.device.name))
    assert back.state == before_state and pixels(back.render_panel()) == before


def test_folded_log_replays_the_recent_stretch_exactly(session) -> None:
    """The K recording renders the stretch again from the log, from its checkpoint on."""
    session.log.max_events = 40
    shots = {}
    for i in range(300):
        session.push(_mixed(i))
        if i in (265, 280, 299):  # after this moment's event: a replay shows every event of its moment
            shots[session.now] = pixels(session.render_panel())
        session.advance(0.05)
    assert session.log.folded > 200 and session.log.base_at < min(shots)
    replay = session.as_replay()
    for t, expected in sorted(shots.items()):
        replay.seek(t)
        assert pixels(replay.render_panel()) == expected, t
    replay.seek(min(shots))  # back in time: from the checkpoint again
    assert pixels(replay.render_panel()) == shots[min(shots)]
    with pytest.raises(ValueError, match="checkpoint"):
        replay.seek(0.0)


def test_rebuilt_does_not_apply_the_first_moment_twice(session) -> None:
    session.push(ev.Notify(app="A", title="one"))
    assert session.rebuilt().state == session.state


def test_the_view_fov_sets_the_panels_share_but_not_the_displays_brightness() -> None:
    from hud.compositor import panel_rect

    wide = Session.open(Options(background="scene", view=(320, 180), view_fov=70.0))
    narrow = Session.open(Options(background="scene", view=(320, 180)))
    assert narrow.view_fov == 50.0 and narrow.compositor.rect == panel_rect((320, 180), narrow.device, 50.0)
    assert wide.compositor.rect == panel_rect((320, 180), wide.device, 70.0)
    for s in (wide, narrow):
        s.seek(16.0)
    # The display's auto-brightness meters the camera's whole picture, whatever part the view shows.
    display = narrow.light(narrow.render_background())[1]
    assert display == pytest.approx(wide.light(wide.render_background())[1], rel=0.05)
    with pytest.raises(ValueError, match=r"at most the camera's \(70°\); 80° given"):
        Session(wide.scenario, wide.device, wide.layout, wide.background, (320, 180), 70.0, view_fov=80.0)
    assert narrow.rebuilt(view_fov=70.0).compositor.rect == wide.compositor.rect
    wide.close()
    narrow.close()


def test_a_light_palette_is_built_once_per_gain_and_kept_while_the_gain_wanders(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The gain over a video moves between a few values: a palette seen before is reused (and the
    composite is the one a session that builds every palette afresh draws), the oldest dropped."""
    from hud import optics
    from hud import session as session_module
    from hud.pg import pygame

    built: list[float] = []
    real = optics.light_palette

    def counting(base: list[tuple[int, int, int]], g: float) -> list[tuple[int, int, int]]:
        built.append(g)
        return real(base, g)

    def at_gain(session: Session, g: float) -> bytes:
        monkeypatch.setattr(session, "light", lambda background: (0.0, 0.0, g))
        return pygame.image.tobytes(session.render_composite(), "RGB")

    s, fresh = Session.open(Options(view=(320, 180))), Session.open(Options(view=(320, 180)))
    try:
        monkeypatch.setattr(optics, "light_palette", counting)
        for g in [0.5, 0.6, 0.5, 0.7, 0.6, 0.5]:
            composite = at_gain(s, g)
            fresh._light.clear()
            seen = len(built)
            assert composite == at_gain(fresh, g), g
            del built[seen:]  # the fresh session's
        assert built == [0.5, 0.6, 0.7]
        monkeypatch.setattr(session_module, "LIGHT_PALETTES", 2)
        at_gain(s, 0.8)
        at_gain(s, 0.5)
        at_gain(s, 0.9)
        assert list(s._light) == [0.5, 0.9]  # the least recently used went first
    finally:
        s.close()
        fresh.close()
