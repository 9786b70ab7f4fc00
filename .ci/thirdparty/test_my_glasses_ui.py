"""A third-party project's screenshot tests: what a team that installed hud from its wheel writes.

`.ci/installed` copies this folder somewhere outside the hud checkout, installs the built wheel in a
fresh venv, records the goldens, checks they pass, changes one thing and expects the failure with
its report. Nothing here may rely on hud's repository: only the installed package.
"""

import os

from hud import events as ev


def test_urgent_card(hud):
    hud.load(scenario="empty.yaml")
    hud.push(ev.Notify(app="Flight", title=os.environ.get("CARD_TITLE", "Gate changed"), urgent=True))
    hud.advance(0.5)
    hud.assert_snapshot("urgent-card", masks=["status_bar"])


def test_city_walk_by_the_readme_path(hud):
    # The README's own spelling of the bundled scenario must work outside the clone too.
    hud.load(scenario="assets/scenarios/city_walk.yaml", device="vuzix-z100")
    hud.advance(16.0)
    hud.assert_snapshot("walk-16s")
