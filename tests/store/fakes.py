"""An in-memory judge with the server's contract, to drive a Workspace without a network.

It applies the same ``domain.rules.decide`` the real server uses, gives
accepted events consecutive seqs, answers duplicates by event id, and keeps
the log, so store tests can interleave pushes, answers and stream
deliveries in any order. The real server is exercised in tests/sync.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from umcr_console.config import load_deployment
from umcr_console.domain.enums import EventType
from umcr_console.domain.events import Event, TeamCreated, make_event
from umcr_console.domain.rules import Rejection, decide
from umcr_console.domain.state import State
from umcr_console.protocol import EventResult, ResultStatus, Snapshot


def utcnow() -> datetime:
    return datetime.now(UTC)


class FakeServer:
    def __init__(self, *, seed_teams: bool = True) -> None:
        self.state = State()
        self.log: list[Event] = []
        self.seq_of: dict[str, int] = {}
        if seed_teams:
            for team in load_deployment("pilot").teams:
                event = make_event(
                    EventType.TEAM_CREATED,
                    team.id,
                    TeamCreated(
                        call_sign=team.call_sign, provider=team.provider, division=team.division
                    ),
                    workstation_id="server",
                    occurred_at=utcnow(),
                )
                [result] = self.post([event], actor="admin")
                assert result.status == ResultStatus.ACCEPTED, result

    @property
    def seq(self) -> int:
        return len(self.log)

    def post(self, events: Sequence[Event], *, actor: str) -> list[EventResult]:
        results = []
        for event in events:
            if event.event_id in self.seq_of:
                results.append(
                    EventResult(
                        event_id=event.event_id,
                        status=ResultStatus.DUPLICATE,
                        seq=self.seq_of[event.event_id],
                    )
                )
                continue
            seq = self.seq + 1
            stamped = event.model_copy(update={"actor": actor, "seq": seq, "recorded_at": utcnow()})
            outcome = decide(self.state, stamped, now=utcnow(), seq=seq)
            if isinstance(outcome, Rejection):
                results.append(
                    EventResult(
                        event_id=event.event_id,
                        status=ResultStatus.REJECTED,
                        code=outcome.code,
                        detail=outcome.detail,
                    )
                )
                continue
            self.state.commit(outcome)
            self.state.seq = seq
            self.log.append(stamped)
            self.seq_of[event.event_id] = seq
            results.append(
                EventResult(event_id=event.event_id, status=ResultStatus.ACCEPTED, seq=seq)
            )
        return results

    def after(self, seq: int, limit: int = 1000) -> list[Event]:
        return self.log[seq : seq + limit]

    def snapshot(self) -> Snapshot:
        return Snapshot(
            seq=self.seq,
            incidents=list(self.state.incidents.values()),
            teams=list(self.state.teams.values()),
        )
