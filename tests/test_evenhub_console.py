"""The console: the simulator's entry shape, since_id, DELETE keeping ids counting, a bound, and hud's
log feeding it without silencing hud's warnings on stderr."""

from __future__ import annotations

import logging

import pytest

from hud.evenhub.console import MAX_MESSAGE, Console, ConsoleHandler, console_level


def test_entries_have_the_simulators_shape_and_since_id_gives_later_ones() -> None:
    c = Console()
    for i in range(3):
        c.add("log", f"line {i}", ts=1796250192.483)
    assert c.read() == {"entries": [{"id": i, "level": "log", "message": f"line {i}", "ts": 1796250192483}
                                    for i in range(3)], "total": 3}
    later = c.read(since_id=1)
    assert [e["id"] for e in later["entries"]] == [2] and later["total"] == 3
    assert c.read(since_id=2)["entries"] == []


def test_clear_forgets_entries_but_ids_go_on_counting() -> None:
    c = Console()
    c.add("log", "a")
    c.add("log", "b")
    c.clear()
    assert c.read() == {"entries": [], "total": 0}
    assert c.add("warn", "c") == 2  # as the simulator: after DELETE the next entry was id 3 of 0..2


def test_the_buffer_is_bounded_and_messages_are_cut() -> None:
    c = Console(capacity=3)
    for i in range(10):
        c.add("log", "x" * (MAX_MESSAGE * 2) if i == 9 else str(i))
    read = c.read()
    assert [e["id"] for e in read["entries"]] == [7, 8, 9] and read["total"] == 3
    assert len(read["entries"][-1]["message"]) == MAX_MESSAGE
    with pytest.raises(ValueError, match="at least 1"):
        Console(capacity=0)


def test_a_lone_surrogate_cannot_break_the_json_reply() -> None:
    c = Console()
    c.add("log", "bad \ud800 text")
    c.read()["entries"][0]["message"].encode("utf-8")


def test_levels_are_the_browser_consoles() -> None:
    assert [console_level(n) for n in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR,
                                       logging.CRITICAL)] == ["debug", "info", "warn", "error", "error"]


@pytest.fixture
def handler() -> ConsoleHandler:
    h = ConsoleHandler(Console()).install()
    yield h  # type: ignore[misc]
    h.uninstall()


def test_hud_loggers_feed_the_console_with_info_lines_and_tracebacks(handler: ConsoleHandler) -> None:
    logging.getLogger("hud.evenhub.test").info("input %r", "click")
    try:
        raise KeyError("boom")
    except KeyError:
        logging.getLogger("hud.push").exception("it failed")
    logging.getLogger("elsewhere").warning("not hud's")
    entries = handler.console.read()["entries"]
    assert [(e["level"], e["message"].splitlines()[0]) for e in entries] == [("info", "input 'click'"),
                                                                              ("error", "it failed")]
    assert "KeyError: 'boom'" in entries[1]["message"]


def test_warnings_still_reach_stderr_when_nothing_else_logs(handler: ConsoleHandler,
                                                            capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # as in hud: no logging configured (pytest adds its own)
    logging.getLogger("hud.something").warning("you should see this")
    logging.getLogger("hud.something").info("but not this")
    err = capsys.readouterr().err
    assert "you should see this" in err and "but not this" not in err


def test_uninstall_restores_the_level_only_when_no_console_needs_it() -> None:
    hud = logging.getLogger("hud")
    assert hud.level == logging.NOTSET
    a = ConsoleHandler(Console()).install()
    b = ConsoleHandler(Console()).install()
    a.uninstall()
    assert hud.level == logging.INFO  # b still listens
    b.uninstall()
    assert hud.level == logging.NOTSET and not [h for h in hud.handlers if isinstance(h, ConsoleHandler)]
