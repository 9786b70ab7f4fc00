"""The hand-off to the frame loop: jobs run on the frame loop's thread, a missing frame is a clear
NoFrame (and the job is then never run), a burst shares one render, errors come back to the asker."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from hud import paths
from hud.evenhub.desk import Busy, Desk, Frame, NoFrame
from hud.session import Options, Session


@pytest.fixture(scope="module")
def session() -> Iterator[Session]:
    s = Session.open(Options(scenario=paths.SCENARIOS / "empty.yaml", device="even-g2", background="scene",
                             view=(320, 180)))
    yield s
    s.close()


def _asking(desk: Desk, work: Any, timeout: float = 5.0) -> tuple[threading.Thread, list[Any]]:
    """Ask from another thread (as an HTTP thread does); the list gets the result or the exception."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(desk.ask(work, timeout))
        except Exception as exc:
            out.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def _until_waiting(desk: Desk, n: int) -> None:
    import time

    deadline = time.monotonic() + 5
    while desk.waiting < n:
        assert time.monotonic() < deadline, "the job never reached the desk"
        time.sleep(0.001)


def test_a_job_runs_on_the_thread_that_serves_the_frame(session: Session) -> None:
    desk = Desk()
    thread, out = _asking(desk, lambda f: (threading.get_ident(), f.session.device.name))
    _until_waiting(desk, 1)
    assert desk.serve(session) == 1
    thread.join()
    assert out == [(threading.get_ident(), "even-g2")]
    assert desk.serve(session) == 0 and desk.frames == 2 and desk.served == 1


def test_no_frame_is_a_clear_error_and_the_job_is_withdrawn(session: Session) -> None:
    desk = Desk()
    ran: list[bool] = []
    with pytest.raises(NoFrame, match=r"no frame from hud's display loop within 0\.05 s"):
        desk.ask(lambda f: ran.append(True), timeout=0.05)
    assert desk.serve(session) == 0 and ran == []  # a late frame does not apply what was answered 503


def test_jobs_of_one_frame_share_what_they_compute_until_the_session_changes(session: Session) -> None:
    desk, computed = Desk(), []

    def look(f: Frame) -> int:
        return f.once("x", lambda: computed.append(1) or len(computed))

    def change(f: Frame) -> None:
        f.changed()

    asks = [_asking(desk, w) for w in (look, look)]
    _until_waiting(desk, 2)
    asks.append(_asking(desk, change))
    _until_waiting(desk, 3)
    asks.append(_asking(desk, look))
    _until_waiting(desk, 4)
    desk.serve(session)
    for thread, _ in asks:
        thread.join()
    assert [out[0] for _, out in asks] == [1, 1, None, 2]


def test_an_error_in_a_job_reaches_the_asker_and_the_frame_loop_goes_on(session: Session) -> None:
    desk = Desk()
    thread, out = _asking(desk, lambda f: 1 / 0)
    _until_waiting(desk, 1)
    desk.serve(session)
    thread.join()
    assert isinstance(out[0], ZeroDivisionError)


def test_a_burst_is_served_over_frames_and_a_flood_is_busy(session: Session) -> None:
    desk = Desk(per_frame=2, max_waiting=3)
    asks = [_asking(desk, lambda f: "done") for _ in range(3)]
    _until_waiting(desk, 3)
    with pytest.raises(Busy, match="busy: 3 requests are waiting"):
        desk.ask(lambda f: None, timeout=0.01)
    assert desk.serve(session) == 2 and desk.serve(session) == 1
    for thread, out in asks:
        thread.join()
        assert out == ["done"]


def test_close_answers_the_waiting_at_once_and_refuses_new_jobs(session: Session) -> None:
    desk = Desk()
    thread, out = _asking(desk, lambda f: "never")
    _until_waiting(desk, 1)
    desk.close("stopping")
    thread.join()
    assert isinstance(out[0], NoFrame) and str(out[0]) == "stopping"
    with pytest.raises(NoFrame, match="stopping"):
        desk.ask(lambda f: None)
    assert desk.serve(session) == 0
