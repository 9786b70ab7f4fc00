"""`python main.py snap check|record DIR`: the no-code YAML case folder."""

from __future__ import annotations

from hud.cli import main

CASE = """scenario: city_walk.yaml
device: even-g2
at: {at}
steps:
  - gesture: tap
  - advance: 0.5
view: panel
masks: [status_bar]
"""


def test_record_check_change_and_invalid(tmp_path, capsys) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "pay.yaml").write_text(CASE.format(at=41))
    report = tmp_path / "report"
    assert main(["snap", "check", str(cases), "--report", str(report)]) == 1
    assert "create it with: python main.py snap record" in capsys.readouterr().out

    assert main(["snap", "record", str(cases), "--report", str(report)]) == 0
    assert (cases / "pay.png").is_file()
    assert main(["snap", "check", str(cases), "--report", str(report)]) == 0
    assert "ok      pay" in capsys.readouterr().out

    (cases / "pay.yaml").write_text(CASE.format(at=30))  # a different moment: must fail
    assert main(["snap", "check", str(cases), "--report", str(report)]) == 1
    out = capsys.readouterr()
    assert "FAIL    pay" in out.out and "pixels differ" in out.out
    assert (report / "index.html").is_file() and "report:" in out.err

    (cases / "bad.yaml").write_text("view: sideways\nsteps:\n  - {gesture: tap, advance: 1}\n")
    assert main(["snap", "check", str(cases), "--report", str(report)]) == 2
    out = capsys.readouterr().out
    assert "bad.yaml:1:7: unknown view 'sideways' (expected one of: panel, composite)" in out
    assert "bad.yaml:3:5: a step has exactly one of advance, seek, gesture, say; got gesture, advance" in out


def test_the_projects_own_case_folder_passes(in_root, capsys) -> None:
    assert main(["snap", "check", "tests/cases", "--report", "build/hud-snapshots-cases"]) == 0
