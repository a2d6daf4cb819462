"""The team table model: stable order, row updates, status timers, overdue."""

from umcr_console.domain.config import Thresholds
from umcr_console.domain.enums import TeamStatus
from umcr_console.ui.team_model import COL_IN_STATUS, COL_STATUS, OVERDUE_ROLE, TeamTableModel


def test_model_contract_order_updates_and_overdue(qtmodeltester, workspace, clock) -> None:
    model = TeamTableModel(Thresholds(), clock)
    teams = list(workspace.view.teams.values())
    model.reset(teams, [], set())
    qtmodeltester.check(model)
    order = [model.team_at(r).division for r in range(model.rowCount())]
    assert order == sorted(order)
    team = model.team_at(0)
    dispatched = team.model_copy(
        update={"status": TeamStatus.DISPATCHED, "status_since": clock(), "incident_id": "x"}
    )
    model.update_teams([dispatched], {team.id})
    assert model.index(0, COL_STATUS).data() == "Dispatched"
    assert model.index(0, 0).data().endswith("◔")
    clock.advance(minutes=4, seconds=59)
    model.tick()
    assert model.index(0, COL_IN_STATUS).data() == "4:59"
    assert model.index(0, 0).data(OVERDUE_ROLE) is None
    clock.advance(seconds=1)
    model.tick()
    assert "dispatched over 5 min" in model.index(0, 0).data(OVERDUE_ROLE)
    qtmodeltester.check(model)
    assert model.rowCount() == len(teams)
