"""The map survives hundreds of updates: a guard against the PySide6 6.12.0
reference-count bug that killed the process (see docs/dependencies.md)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

CHILD = textwrap.dedent(
    """
    from datetime import UTC, datetime
    from PySide6.QtWidgets import QApplication
    from umcr_console import geodata
    from umcr_console.config import load_deployment
    from umcr_console.domain.enums import TeamStatus
    from umcr_console.domain.model import Team
    from umcr_console.ui.map_widget import DivisionMapWidget

    app = QApplication([])
    deployment = load_deployment("pilot")
    widget = DivisionMapWidget(
        geodata.drawing_geography(), geodata.stations(), deployment, clock=lambda: datetime.now(UTC)
    )
    widget.resize(800, 700)
    widget.show()
    statuses = list(TeamStatus)
    now = datetime.now(UTC)
    stations = geodata.stations()
    for k in range(400):
        # 200 teams, as a citywide floor could have: every update brings new brushes.
        teams = [
            Team(id=f"00000000-0000-7000-8000-{i:012d}", call_sign=f"T-{i}", provider="P",
                 division=stations[i % 21].division, status=statuses[(i + k) % len(statuses)],
                 status_since=now, version=1)
            for i in range(200)
        ]
        widget.update_teams(teams)
        widget.plot.viewport().repaint()
    print("survived")
    """
)


def test_four_hundred_map_updates_of_200_teams_do_not_crash_the_process() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "survived" in result.stdout
