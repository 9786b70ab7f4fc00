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
