"""The call queue model: order, filters, row-by-row updates, timers."""

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView

from umcr_console.domain.config import Thresholds
from umcr_console.domain.enums import CallType, IncidentState, Priority, Source
from umcr_console.domain.model import Incident, Location
from umcr_console.domain.timers import Level
from umcr_console.ui.queue_model import (
    COL_AGE,
    COL_NUMBER,
    INCIDENT_ID_ROLE,
    LEVEL_ROLE,
    IncidentQueueModel,
    QueueFilter,
)

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def incident(n: int, priority: int = 2, minutes_ago: float = 0, **kw) -> Incident:
    return Incident(
        id=f"00000000-0000-7000-8000-{n:012d}",
        number=f"U{n:06d}",
        version=1,
        state=kw.pop("state", IncidentState.PENDING),
        received_at=T0 - timedelta(minutes=minutes_ago),
        priority=Priority(priority),
        call_type=CallType.WELFARE_CHECK,
        source=Source.LAPD_911,
        location=Location(address=f"{n} Main St", division=kw.pop("division", "Wilshire")),
        **kw,
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def model(qtmodeltester, clock: Clock) -> IncidentQueueModel:
    model = IncidentQueueModel(Thresholds(), clock)
    model.reset(
        [incident(1, 3, 5), incident(2, 1, 1), incident(3, 2, 30), incident(4, 2, 2)], [], set()
    )
    qtmodeltester.check(model)
    return model


def ids(model: IncidentQueueModel) -> list[str]:
    return [model.index(r, 0).data(INCIDENT_ID_ROLE)[-1] for r in range(model.rowCount())]


def test_sorted_by_urgency_then_age(model: IncidentQueueModel) -> None:
    assert ids(model) == ["2", "3", "4", "1"]


def test_updates_move_rows_and_keep_the_selection(qtbot, model: IncidentQueueModel) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.selectionModel().setCurrentIndex(
        model.index(3, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    assert view.currentIndex().data(INCIDENT_ID_ROLE).endswith("1")
    with qtbot.waitSignal(model.rowsMoved):
        model.update_incidents([incident(1, 1, 5)], set())  # priority raised to 1
    assert ids(model) == ["1", "2", "3", "4"]
    assert view.currentIndex().data(INCIDENT_ID_ROLE).endswith("1")
    model.update_incidents([incident(5, 1, 0)], set())
    assert ids(model) == ["1", "2", "5", "3", "4"]
    assert view.currentIndex().data(INCIDENT_ID_ROLE).endswith("1")


def test_closing_removes_from_the_open_queue_and_filters_apply(model: IncidentQueueModel) -> None:
    model.update_incidents([incident(3, 2, 30, state=IncidentState.CLOSED)], set())
    assert "3" not in ids(model)
    model.update_incidents([incident(6, 2, 0, division="Devonshire")], set())
    model.set_filter(QueueFilter(divisions=frozenset({"Devonshire"})))
    assert ids(model) == ["6"]
    model.set_filter(QueueFilter(states=frozenset()))
    assert set(ids(model)) == {"1", "2", "3", "4", "6"}


def test_pending_rows_are_marked(model: IncidentQueueModel) -> None:
    model.update_incidents([], {incident(4).id})
    row = ids(model).index("4")
    assert model.index(row, COL_NUMBER).data().endswith("◔")
    model.update_incidents([], set())
    assert not model.index(row, COL_NUMBER).data().endswith("◔")


def test_tick_moves_timers_and_aging_with_the_clock(
    qtbot, model: IncidentQueueModel, clock: Clock
) -> None:
    row = ids(model).index("4")  # received 2 min before T0
    assert model.index(row, COL_AGE).data() == "2:00"
    assert model.index(row, 0).data(LEVEL_ROLE) == Level.NORMAL
    clock.now = T0 + timedelta(minutes=8, seconds=5)
    with qtbot.waitSignal(model.dataChanged):
        model.tick()
    assert model.index(row, COL_AGE).data() == "10:05"
    assert model.index(row, 0).data(LEVEL_ROLE) == Level.WARNING
    assert model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_a_held_queue_keeps_its_rows_then_catches_up_consistently(
    qtmodeltester, clock: Clock
) -> None:
    """While held, only values change; on release every change applies, the rows
    end sorted exactly as without the hold, and the model stays a valid Qt model."""
    import random

    from umcr_console.ui.queue_model import sort_key

    def full_ids(model: IncidentQueueModel) -> list[str]:
        return [model.index(r, 0).data(INCIDENT_ID_ROLE) for r in range(model.rowCount())]

    rng = random.Random(18)
    held = IncidentQueueModel(Thresholds(), clock)
    plain = IncidentQueueModel(Thresholds(), clock)
    start = [incident(n, rng.choice((1, 2, 3)), rng.uniform(0, 60)) for n in range(1, 30)]
    for model in (held, plain):
        model.reset(start, [], set())
    qtmodeltester.check(held)
    for _round in range(5):
        held.hold()
        before = full_ids(held)
        for _ in range(15):
            n = rng.randint(1, 40)
            if rng.random() < 0.2:
                for model in (held, plain):
                    model.remove_incidents([f"00000000-0000-7000-8000-{n:012d}"])
                continue
            state = rng.choice((IncidentState.PENDING, IncidentState.CLOSED))
            changed = incident(n, rng.choice((1, 2, 3)), rng.uniform(0, 60), state=state)
            for model in (held, plain):
                model.update_incidents([changed], set())
        assert full_ids(held) == before  # nothing moved, came or went under the pointer
        held.release()
        assert full_ids(held) == full_ids(plain)
        keys = [sort_key(held.incident_at(r)) for r in range(held.rowCount())]
        assert keys == sorted(keys)
        assert held.hidden_counts() == plain.hidden_counts()
    qtmodeltester.check(held)
