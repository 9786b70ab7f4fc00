"""The pytest plugin, used as a new user would: missing golden, record, pass, change, report, -n."""

from __future__ import annotations

import pytest

from hud import events as ev

TEST = '''
import pytest
from hud import events as ev

def test_card(hud):
    hud.load(scenario="empty.yaml", size=(320, 180))
    hud.push(ev.Notify(app="Chat", title="{title}", body="See you at six"))
    hud.advance(0.5)
    hud.assert_snapshot("card")

@pytest.mark.hud_budget(masks=["status_bar"])
def test_clock_masked(hud):
    hud.load(scenario="empty.yaml", size=(320, 180))
    hud.advance({clock})
    hud.assert_snapshot("clock")
'''


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """pytest in a subprocess, as a user runs it; without Hypothesis's plugin, whose import alone costs
    0.75 s a run (these tests use none of it)."""
    return pytester.runpytest_subprocess("-p", "no:hypothesispytest", *args)


def write(pytester: pytest.Pytester, title: str = "Hello", clock: float = 1.0) -> None:
    pytester.makepyfile(test_cards=TEST.format(title=title, clock=clock))


def test_missing_golden_fails_with_the_command_that_records_it(pytester: pytest.Pytester) -> None:
    write(pytester)
    result = _run(pytester, "-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*missing golden*snapshots/test_cards/card.png; create it with: "
                                 "pytest 'test_cards.py::test_card' --snapshot-update*"])


def test_record_then_pass_then_one_word_fails_with_a_report(pytester: pytest.Pytester) -> None:
    write(pytester)
    _run(pytester, "--snapshot-update").assert_outcomes(passed=2)
    assert (pytester.path / "snapshots" / "test_cards" / "card.png").is_file()
    _run(pytester).assert_outcomes(passed=2)

    write(pytester, title="Hallo")  # one word changed
    result = _run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*card: * pixels differ*", "*hud snapshots: 1 passed, 1 failed*report: *index.html"])
    report = (pytester.path / "build" / "hud-snapshots" / "index.html").read_text()
    assert "test_cards.py::test_card" in report and "slider" in report and "pygame-ce 2.5.8" in report
    assert list((pytester.path / "build" / "hud-snapshots" / "images").glob("card-*-strip.png"))


def test_mask_hides_the_live_clock_but_nothing_else(pytester: pytest.Pytester) -> None:
    write(pytester, clock=1.0)
    _run(pytester, "--snapshot-update").assert_outcomes(passed=2)
    write(pytester, clock=61.0)  # the status bar's clock reads a minute later: masked
    _run(pytester).assert_outcomes(passed=2)


def test_unused_goldens_are_reported_and_pruned_on_request(pytester: pytest.Pytester) -> None:
    write(pytester)
    _run(pytester, "--snapshot-update").assert_outcomes(passed=2)
    stale = pytester.path / "snapshots" / "test_cards" / "old-screen.png"
    stale.write_bytes((pytester.path / "snapshots" / "test_cards" / "card.png").read_bytes())
    _run(pytester).stdout.fnmatch_lines(["*1 golden(s) no test used*", "*old-screen.png"])
    assert stale.exists()
    _run(pytester, "--snapshot-prune").stdout.fnmatch_lines(["*pruned 1 unused golden(s)*"])
    assert not stale.exists()


def test_global_budget_option_lets_a_small_change_pass(pytester: pytest.Pytester) -> None:
    write(pytester)
    _run(pytester, "--snapshot-update").assert_outcomes(passed=2)
    write(pytester, title="Hallo")
    _run(pytester, "--snapshot-max-diff-pixels=100000").assert_outcomes(passed=2)
    _run(pytester, "--snapshot-max-diff-pixels=3").assert_outcomes(passed=1, failed=1)


def test_works_under_xdist(pytester: pytest.Pytester) -> None:
    write(pytester)
    _run(pytester, "--snapshot-update").assert_outcomes(passed=2)
    write(pytester, title="Hallo")
    result = _run(pytester, "-n", "2")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*hud snapshots: 1 passed, 1 failed*"])
    assert "test_cards.py::test_card" in (pytester.path / "build" / "hud-snapshots" / "index.html").read_text()


@pytest.mark.parametrize(("message", "names"), [
    ({"event": "show", "layout": "text_wal", "text": "Gate B12"}, ["layout", "text_wal", "did you mean 'text_wall'"]),
    ({"event": "gesture", "kind": "tapp"}, ["'kind'", "tapp", "did you mean 'tap'"]),
    ({"event": "navigate", "maneuver": "left", "distance": "far"}, ["'distance' must be a number", "far"]),
    ({"type": "notify", "app": "Chat"}, ["missing required field 'title'"]),
    ({"event": "notify", "app": "Chat", "title": "Hi", "duration": float("nan")}, ["NaN"]),
    ({"event": "say", "text": {1, 2}}, ["not a JSON message"]),
])
def test_fixture_push_validates_dicts_like_the_push_api(hud, message, names) -> None:
    from hud.testing import PushRejected

    hud.load(scenario="empty.yaml")
    with pytest.raises(PushRejected) as caught:
        hud.push(message)
    for name in names:
        assert name in str(caught.value)
    assert isinstance(caught.value, ValueError) and caught.value.message == message


def test_fixture_push_takes_both_forms_and_event_dicts(hud) -> None:
    hud.load(scenario="empty.yaml")
    hud.push({"event": "notify", "app": "Chat", "title": "Lin Wei"})
    hud.push({"type": "caption", "mode": "answer", "text": "On my way", "cps": 100})
    hud.push(ev.Navigate(maneuver="left", distance=120.0).to_dict())  # null 'exit' is its default
    hud.push({"event": "pay_detect", "merchant": "Cafe", "amount": 18})
    hud.advance(0.5)
    state = hud.state
    assert state.notes.current is not None and state.caption.mode == "answering"
    assert state.nav is not None and state.nav.distance == 120.0 and state.pay is not None
