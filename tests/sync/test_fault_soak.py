"""The fault soak of bench/fault_soak.py, short: 10 console processes, a server, faults of every kind.

The long run (500 cycles) is on demand: ``python -m bench.fault_soak``; figures
in docs/reliability.md.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from bench.fault_soak import (
    FAULT_WEIGHTS,
    ConsoleRecord,
    Soak,
    SoakReport,
    SoakSettings,
    tally,
)

from umcr_console.domain.enums import EventType
from umcr_console.domain.events import Event, NoteAdded, make_event

CI_CYCLES = 20


@pytest.mark.slow
def test_no_acknowledged_action_is_lost_duplicated_or_reordered_under_faults(
    tmp_path: Path,
) -> None:
    # Central consoles only: a provider's console still differs from its scoped
    # snapshot for a moment in some cycles (docs/reliability.md, the long run on
    # SQLite); the bench runs them (--scoped, default 2).
    settings = SoakSettings(
        cycles=CI_CYCLES, seed=20261127, max_partition=3.0, max_hold=2.0, scoped=0
    )
    report = Soak(tmp_path, settings, say=print).run()
    print(report.figures())

    assert report.aborted is None, report.aborted
    assert report.cycles == CI_CYCLES
    assert set(report.faults) == set(FAULT_WEIGHTS)  # every kind of fault was made
    assert report.console_restarts >= 1
    assert report.accepted > 100
    assert report.lost == []
    assert report.duplicated == []
    assert report.reordered == []
    assert report.unknown == []
    assert report.refused_unexpectedly == []
    assert report.corrupt == []  # every store passes SQLite's integrity check after the kills
    # After every heal, each console's confirmed state equalled the server's snapshot.
    assert report.diverged == []
    # A shift change offline: each action is in the log under the user who made it.
    assert report.shift_changes >= 1
    assert report.misattributed == []
    assert report.queued_at_end == []
    assert report.held_at_end == []
    # A restore from a backup: every event it took off the log came back (the
    # journals above), most of them given back signed by the consoles; the
    # audit chain still verifies.
    assert report.restores >= 1
    assert report.audit_intact, report.audit_detail
    assert report.scoped_consoles == 0
    assert report.refused_out_of_scope == 0  # a central dispatcher may act on every call
    assert len(report.convergence) + len(report.convergence_silent) == CI_CYCLES


# -- the checker itself: it must see each kind of failure ------------------------------


def _note(workstation: str = "ws-1") -> Event:
    return make_event(
        EventType.INCIDENT_NOTE_ADDED,
        "0190a0b0-0000-7000-8000-000000000001",
        NoteAdded(text="x"),
        workstation_id=workstation,
        occurred_at=datetime.now(UTC),
    )


def _journal(
    *events: Event, acked: bool = True, actor: str | None = None
) -> list[dict[str, object]]:
    lines: list[dict[str, object]] = []
    for e in events:
        lines.append(
            {"intent": e.event_id, "type": str(e.type), "entity": e.entity_id, "actor": actor}
        )
        if acked:
            lines.append({"ack": e.event_id})
    return lines


def _tally(journal: list[dict[str, object]], log: list[Event], refused: set[str]) -> SoakReport:
    report = SoakReport(settings={})
    tally(report, [ConsoleRecord("c0", {"ws-1"}, journal, refused)], log)
    return report


def test_the_check_counts_accepted_and_refused_actions_apart() -> None:
    a, b, c = _note(), _note(), _note()
    log = [a.model_copy(update={"seq": 1}), c.model_copy(update={"seq": 2})]
    report = _tally(_journal(a, b, c), log, refused={b.event_id})
    assert (report.acknowledged, report.accepted) == (3, 2)
    assert report.refused == {"incident.note_added": 1}
    assert report.lost == report.duplicated == report.reordered == report.unknown == []


def test_the_check_finds_a_lost_a_duplicated_and_a_reordered_action() -> None:
    a, b, c = _note(), _note(), _note()
    lost = _tally(_journal(a, b), [a.model_copy(update={"seq": 1})], refused=set())
    assert lost.lost == [b.event_id]
    twice = _tally(
        _journal(a), [a.model_copy(update={"seq": 1}), a.model_copy(update={"seq": 2})], set()
    )
    assert twice.duplicated == [a.event_id]
    swapped = _tally(
        _journal(a, b, c),
        [
            a.model_copy(update={"seq": 1}),
            c.model_copy(update={"seq": 2}),
            b.model_copy(update={"seq": 3}),
        ],
        set(),
    )
    assert swapped.reordered == ["c0"]


def test_the_check_finds_an_event_no_console_made_and_allows_an_unacknowledged_one() -> None:
    a, stray = _note(), _note()
    # ``a`` was being submitted when the console was killed: on the server or not, both fine.
    report = _tally(_journal(a, acked=False), [stray.model_copy(update={"seq": 1})], set())
    assert report.unknown == [stray.event_id]
    assert (report.in_doubt, report.in_doubt_accepted, report.lost) == (1, 0, [])


def test_the_check_finds_an_action_logged_under_another_user() -> None:
    a, b = _note(), _note()
    log = [
        a.model_copy(update={"seq": 1, "actor": "dispatcher1"}),
        b.model_copy(update={"seq": 2, "actor": "dispatcher2"}),
    ]
    report = _tally(_journal(a, b, actor="dispatcher1"), log, set())
    assert report.misattributed == [b.event_id]
    assert report.lost == [] and report.accepted == 2


def test_the_check_tells_an_action_still_queued_from_a_lost_one() -> None:
    a, b = _note(), _note()
    report = SoakReport(settings={})
    record = ConsoleRecord("c0", {"ws-1"}, _journal(a, b), set(), queued={b.event_id})
    tally(report, [record], [a.model_copy(update={"seq": 1})])
    assert report.lost == [] and report.queued_at_end == [b.event_id]
    assert not report.clean


def test_the_check_refuses_a_scope_refusal_of_a_central_console_only() -> None:
    a, b = _note(), _note()
    report = SoakReport(settings={})
    central = ConsoleRecord("c0", {"ws-1"}, _journal(a), {a.event_id}, forbidden={a.event_id})
    scoped = ConsoleRecord(
        "c1", {"ws-2"}, _journal(b), {b.event_id}, forbidden={b.event_id}, scoped=True
    )
    tally(report, [central, scoped], [])
    assert report.refused_out_of_scope == 2
    assert report.refused_unexpectedly == [a.event_id]
    assert report.lost == []
