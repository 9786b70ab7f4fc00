"""`python main.py fuzz` and the recording boundary: every case accepted or located, never anything else."""

from __future__ import annotations

import random

from hud.cli import main
from hud.fuzz import Outcome


def test_fuzz_command_runs_the_recording_boundary(capsys) -> None:
    assert main(["fuzz", "--cases", "5", "--boundary", "recording"]) == 0
    out = capsys.readouterr().out
    head, row = out.splitlines()[:2]
    assert head.split() == ["boundary", "cases", "accepted", "located", "other", "slowest"]
    name, cases, accepted, located, other, _ = row.split()
    assert (name, cases, other) == ("recording", "5", "0") and int(accepted) + int(located) == 5


def test_fuzz_command_runs_every_boundary_present(capsys) -> None:
    code = main(["fuzz", "--cases", "5"])
    captured = capsys.readouterr()
    rows = {line.split()[0]: line.split() for line in captured.out.splitlines()[1:] if not line.startswith(" ")}
    assert "recording" in rows and all(row[1] == "5" for row in rows.values())
    assert code == (1 if any(row[4] != "0" for row in rows.values()) else 0), captured.out


def test_fuzz_command_refuses_an_unknown_boundary(capsys) -> None:
    assert main(["fuzz", "--cases", "1", "--boundary", "recordings"]) == 1
    assert "unknown boundary 'recordings' (available: " in capsys.readouterr().err


def test_the_seed_recording_replays_and_a_broken_one_is_located(tmp_path) -> None:
    from hud.fuzz.recordings import mutate, replay_case, seed_recording

    seed = seed_recording()
    assert replay_case(seed, tmp_path / "seed.jsonl", 30.0) == Outcome("accepted")
    broken = seed.replace(b'"event": "gesture"', b'"event": "gesture", "event": "tap"', 1)
    outcome = replay_case(broken, tmp_path / "broken.jsonl", 30.0)
    assert outcome.kind == "located" and "duplicate field 'event'" in outcome.detail
    kinds = {replay_case(mutate(seed, random.Random(i)), tmp_path / f"{i}.jsonl", 20.0).kind for i in range(40)}
    assert kinds == {"accepted", "located"}
