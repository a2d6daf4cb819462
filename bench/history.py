"""Years of citywide history, generated straight into a server database in bulk.

Not through HTTP and not through the rules one event at a time (that would
take hours for five years): the incidents, their events, the summary rows
and the provider pairs are made here and written with PostgreSQL COPY, in
the shapes the server writes them (``server.eventlog``), with seq in the
order of the events' times. The roster is seeded through the server's own
write path first, so the teams are exactly what ``umcr-server serve
--deployment citywide`` expects.

Figures follow docs/domain.md: about 4% redirected, response around 27
minutes on average, about 25 minutes on scene with a long tail.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import os
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from umcr_console.domain.config import Deployment
from umcr_console.domain.enums import (
    Agency,
    CallType,
    Disposition,
    EventType,
    IncidentState,
    Priority,
    Source,
    TeamStatus,
)
from umcr_console.domain.model import Caller, Incident, IncidentTimes, Location, Note
from umcr_console.server import eventlog
from umcr_console.server.db import server_state
from umcr_console.server.migrate import upgrade

CALL_TYPES = {
    CallType.WELFARE_CHECK: 30,
    CallType.MENTAL_HEALTH: 22,
    CallType.PERSON_IN_DISTRESS: 15,
    CallType.CONFLICT: 10,
    CallType.SUBSTANCE_USE: 10,
    CallType.SUICIDAL_IDEATION: 5,
    CallType.TRESPASS: 4,
    CallType.SYRINGE_DISPOSAL: 2,
    CallType.FOLLOW_UP_VISIT: 2,
}
# Denver STAR's mix, roughly: 911 call-takers, police requests, team-initiated.
SOURCES = {
    Source.LAPD_911: 42,
    Source.POLICE_REQUEST: 25,
    Source.TEAM_INITIATED: 18,
    Source.TRANSFER_988: 8,
    Source.DIRECT_LINE: 5,
    Source.FOLLOW_UP: 2,
}
PRIORITIES = {Priority.URGENT: 20, Priority.HIGH: 50, Priority.ROUTINE: 30}
# What happens to a call (percent); the rest reach the person with a team.
REDIRECTED = {Agency.LAPD: 3.0, Agency.LAFD: 1.0}
CANCELLED, DUPLICATE, UNABLE_TO_LOCATE = 3.0, 1.0, 4.0
HANDLED = {
    Disposition.RESOLVED_ON_SCENE: 45,
    Disposition.REFERRAL_MADE: 25,
    Disposition.WARM_HANDOFF: 10,
    Disposition.VOLUNTARY_TRANSPORT: 8,
    Disposition.DECLINED_SERVICES: 12,
}
COPY_CHUNK_DAYS = 30


def _uuid7(at: datetime, rng: random.Random) -> str:
    """A UUIDv7 of the instant ``at``: the ids of history sort by time, as real ones do."""
    millis = int(at.timestamp() * 1000) & ((1 << 48) - 1)
    value = (millis << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64)
    value |= (0b10 << 62) | rng.getrandbits(62)
    return str(uuid.UUID(int=value))


def _pick(rng: random.Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _lognormal_minutes(rng: random.Random, mean: float, sigma: float) -> float:
    """A lognormal duration with the given mean (minutes)."""
    mu = math.log(mean) - sigma**2 / 2
    return rng.lognormvariate(mu, sigma)


@dataclass
class History:
    """How much history to make."""

    years: float = 5.0
    calls_per_year: int = 67_000  # ten times the pilot's first year
    seed: int = 12
    end: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    @property
    def start(self) -> datetime:
        return self.end - timedelta(days=365.25 * self.years)


@dataclass
class Loaded:
    incidents: int = 0
    events: int = 0
    open_incidents: int = 0
    last_seq: int = 0


@dataclass(order=True)
class _Pending:
    """An event waiting in time order for its seq."""

    at: datetime
    order: int
    type: str = field(compare=False)
    entity_id: str = field(compare=False)
    incident_id: str | None = field(compare=False)
    payload: dict[str, Any] = field(compare=False)
    actor: str = field(compare=False)
    # The incident's finished rows, written once its creating event has a seq.
    incident: Incident | None = field(compare=False, default=None)
    providers: tuple[str, ...] = field(compare=False, default=())


class _Generator:
    def __init__(self, deployment: Deployment, history: History) -> None:
        self.rng = random.Random(history.seed)
        self.history = history
        self.deployment = deployment
        self.teams_of: dict[str, list[tuple[str, str]]] = {}
        for team in deployment.teams:
            self.teams_of.setdefault(team.division, []).append((team.id, team.provider))
        # Busier divisions get more calls: weight by how many teams serve them.
        self.divisions = {d: len(t) for d, t in self.teams_of.items()}
        self.order = itertools.count()
        self.rate_per_s = history.calls_per_year / (365.25 * 86400)

    def arrivals(self) -> Iterator[datetime]:
        """A Poisson stream of call times from the start to the end of the history."""
        at = self.history.start
        while True:
            at += timedelta(seconds=self.rng.expovariate(self.rate_per_s))
            if at >= self.history.end:
                return
            yield at

    def _event(
        self,
        at: datetime,
        type_: EventType,
        entity_id: str,
        incident_id: str | None,
        payload: dict[str, Any],
        actor: str,
    ) -> _Pending:
        return _Pending(at, next(self.order), type_.value, entity_id, incident_id, payload, actor)

    def incident(self, received: datetime) -> list[_Pending]:
        """One call from intake to close: its events, the first carrying the final incident."""
        rng = self.rng
        now = self.history.end
        incident_id = _uuid7(received, rng)
        division = _pick(rng, self.divisions)
        call_type, source, priority = (
            _pick(rng, CALL_TYPES),
            _pick(rng, SOURCES),
            _pick(rng, PRIORITIES),
        )
        actor = f"dispatcher{rng.randint(1, 12)}"
        lat, lon = 34.05 + rng.uniform(-0.2, 0.2), -118.3 + rng.uniform(-0.2, 0.2)
        location = Location(
            address=f"{rng.randint(100, 19999)} W Example St",
            lat=round(lat, 5),
            lon=round(lon, 5),
            division=division,
        )
        caller = Caller(
            name=f"Caller {rng.randint(1, 99999)}", phone=f"+1-213-555-{rng.randint(0, 9999):04d}"
        )
        narrative = f"Caller reports a {call_type.label.lower()} near the location; " + (
            "person is calm but confused, no weapons seen."
            if rng.random() < 0.5
            else "family asks for help; has been like this for days."
        )
        created = {
            "received_at": received.isoformat(),
            "source": source.value,
            "call_type": call_type.value,
            "priority": int(priority),
            "location": location.model_dump(mode="json"),
            "caller": caller.model_dump(mode="json"),
            "language": rng.choice(["English", "English", "English", "Spanish"]),
            "narrative": narrative,
        }
        events = [
            self._event(
                received, EventType.INCIDENT_CREATED, incident_id, incident_id, created, actor
            )
        ]
        times: dict[str, datetime] = {}
        notes: list[Note] = []
        disposition: Disposition | None = None
        redirected_to: Agency | None = None
        providers: tuple[str, ...] = ()
        roll = rng.uniform(0, 100)
        redirect_share = sum(REDIRECTED.values())
        if roll < redirect_share:
            agency = Agency.LAPD if roll < REDIRECTED[Agency.LAPD] else Agency.LAFD
            at = received + timedelta(minutes=rng.uniform(1, 6))
            disposition = (
                Disposition.REDIRECTED_LAPD
                if agency == Agency.LAPD
                else Disposition.REDIRECTED_LAFD
            )
            redirected_to = agency
            closing = [
                (
                    at,
                    EventType.INCIDENT_REDIRECTED,
                    incident_id,
                    {"agency": agency.value, "reason": "weapon mentioned on callback"},
                )
            ]
        elif roll < redirect_share + CANCELLED + DUPLICATE:
            at = received + timedelta(minutes=rng.uniform(1, 10))
            disposition = (
                Disposition.CANCELLED
                if roll < redirect_share + CANCELLED
                else Disposition.DUPLICATE
            )
            closing = [
                (
                    at,
                    EventType.INCIDENT_CLOSED,
                    incident_id,
                    {"disposition": disposition.value, "note": ""},
                )
            ]
        else:
            team_id, provider = rng.choice(self.teams_of[division])
            providers = (provider,)
            dispatched = received + timedelta(minutes=_lognormal_minutes(rng, 4, 0.6))
            en_route = dispatched + timedelta(minutes=rng.uniform(0.5, 3))
            times["dispatched_at"], times["en_route_at"] = dispatched, en_route
            closing = [
                (dispatched, EventType.INCIDENT_TEAM_ASSIGNED, incident_id, {"team_id": team_id}),
                (
                    en_route,
                    EventType.TEAM_STATUS_CHANGED,
                    team_id,
                    {"status": TeamStatus.EN_ROUTE.value, "note": ""},
                ),
            ]
            if roll < redirect_share + CANCELLED + DUPLICATE + UNABLE_TO_LOCATE:
                disposition = Disposition.UNABLE_TO_LOCATE
                at = en_route + timedelta(minutes=rng.uniform(15, 40))
                closing.append(
                    (
                        at,
                        EventType.INCIDENT_CLOSED,
                        incident_id,
                        {"disposition": disposition.value, "note": "no one at the address"},
                    )
                )
            else:
                response = max(
                    _lognormal_minutes(rng, 27, 0.45),
                    (en_route - received).total_seconds() / 60 + 1,
                )
                on_scene = received + timedelta(minutes=response)
                at = on_scene + timedelta(minutes=_lognormal_minutes(rng, 25, 0.7))
                times["on_scene_at"] = on_scene
                disposition = _pick(rng, HANDLED)
                closing += [
                    (
                        on_scene,
                        EventType.TEAM_STATUS_CHANGED,
                        team_id,
                        {"status": TeamStatus.ON_SCENE.value, "note": ""},
                    ),
                    (
                        at,
                        EventType.INCIDENT_CLOSED,
                        incident_id,
                        {"disposition": disposition.value, "note": "documented"},
                    ),
                    # After the close the team documents, then is free again.
                    (
                        at + timedelta(minutes=rng.uniform(5, 30)),
                        EventType.TEAM_STATUS_CHANGED,
                        team_id,
                        {"status": TeamStatus.AVAILABLE.value, "note": ""},
                    ),
                ]
                if rng.random() < 0.5:
                    text = "Team spoke with the person; safety plan made."
                    note_at = on_scene + timedelta(minutes=rng.uniform(1, 10))
                    notes.append(Note(at=note_at, author=actor, workstation_id="ws-01", text=text))
                    closing.append(
                        (note_at, EventType.INCIDENT_NOTE_ADDED, incident_id, {"text": text})
                    )
        closed_at = max(at for at, *_ in closing)
        if closed_at > now:
            # Still open at the end of the history: a pending call, no team yet,
            # so the roster (all teams available) stays consistent.
            closing, disposition, redirected_to, times, notes, providers = (
                [],
                None,
                None,
                {},
                [],
                (),
            )
        else:
            times["closed_at"] = next(
                at
                for at, t, *_ in closing
                if t in (EventType.INCIDENT_CLOSED, EventType.INCIDENT_REDIRECTED)
            )
        closing.sort(key=lambda c: c[0])
        version = 1
        for at, type_, entity_id, payload in closing:
            # Team events of a working team belong to its incident; "available" after the close does not.
            belongs = (
                incident_id
                if (type_.value.startswith("incident.") or payload.get("status") != "available")
                else None
            )
            events.append(self._event(at, type_, entity_id, belongs, payload, actor))
            version += (
                1
                if type_.value.startswith("incident.") or payload.get("status") == "on_scene"
                else 0
            )
        state = IncidentState.PENDING if "closed_at" not in times else IncidentState.CLOSED
        events[0].incident = Incident(
            id=incident_id,
            number="",  # from the creating event's seq, when it has one
            version=version,
            state=state,
            received_at=received,
            priority=priority,
            call_type=call_type,
            source=source,
            location=location,
            times=IncidentTimes(**times),
            disposition=disposition,
            redirected_to=redirected_to,
            redirect_reason="weapon mentioned on callback" if redirected_to else None,
            caller=caller,
            narrative=narrative,
            notes=tuple(notes),
            language=created["language"],
            created_by=actor,
            updated_at=max([received, *times.values()]),
        )
        events[0].providers = providers
        return events


_EVENT_COLUMNS = (
    "seq, event_id, type, entity_id, incident_id, occurred_at, recorded_at, actor, "
    "workstation_id, expected_version, payload"
)
_INCIDENT_COLUMNS = "id, number, state, version, received_at, closed_at, division, data"
_SUMMARY_COLUMNS = (
    "incident_id, number, version, state, received_at, priority, call_type, source, division, "
    "disposition, redirected_to, dispatched_at, en_route_at, on_scene_at, closed_at, "
    "follow_up_scheduled, follow_up_done"
)


def load(engine: sa.Engine, deployment: Deployment, history: History) -> Loaded:
    """Fill an empty server database with ``history``; what was written."""
    upgrade(engine)
    with engine.connect() as conn:
        if conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one():
            raise ValueError("the database has events already: load history into an empty one")
    # The roster, through the server's own write path, at the start of history.
    eventlog.seed_roster(engine, deployment, now=history.start)
    gen = _Generator(deployment, history)
    loaded = Loaded()
    with engine.connect() as conn:
        seq = int(conn.execute(sa.select(server_state.c.last_seq)).scalar_one())
    proxied = engine.raw_connection()
    pg = proxied.driver_connection
    try:
        heap: list[_Pending] = []
        chunk_end = history.start + timedelta(days=COPY_CHUNK_DAYS)
        rows: dict[str, list[tuple[Any, ...]]] = {
            "events": [],
            "incidents": [],
            "summary": [],
            "providers": [],
        }

        def flush(until: datetime) -> None:
            nonlocal seq
            while heap and heap[0].at < until:
                pending = heapq.heappop(heap)
                seq += 1
                # The server reads its clock under the writer lock: recorded just after occurring.
                recorded = pending.at + timedelta(milliseconds=gen.rng.uniform(20, 400))
                rows["events"].append(
                    (
                        seq,
                        _uuid7(pending.at, gen.rng),
                        pending.type,
                        pending.entity_id,
                        pending.incident_id,
                        pending.at,
                        recorded,
                        pending.actor,
                        "ws-01",
                        None,
                        json.dumps(pending.payload),
                    )
                )
                if pending.incident is not None:
                    incident = pending.incident.model_copy(update={"number": f"U{seq:06d}"})
                    # The server's own row shape, so reports read history as they read live rows.
                    summary = eventlog._summary_row(incident)
                    rows["incidents"].append(
                        (
                            incident.id,
                            incident.number,
                            incident.state.value,
                            incident.version,
                            incident.received_at,
                            incident.times.closed_at,
                            incident.location.division,
                            json.dumps(incident.model_dump(mode="json")),
                        )
                    )
                    rows["summary"].append(
                        tuple(summary[c.strip()] for c in _SUMMARY_COLUMNS.split(","))
                    )
                    rows["providers"].extend((incident.id, p) for p in pending.providers)
                    loaded.incidents += 1
                    loaded.open_incidents += incident.is_open
            _copy(pg, rows)
            loaded.events = seq

        for received in gen.arrivals():
            if received >= chunk_end:
                flush(chunk_end)
                chunk_end += timedelta(days=COPY_CHUNK_DAYS)
            for pending in gen.incident(received):
                heapq.heappush(heap, pending)
        flush(history.end + timedelta(days=1))
        pg.execute("UPDATE server_state SET last_seq = %s WHERE id = 1", (seq,))
        if "redirect_cursor" in sa.inspect(engine).get_table_names():
            # History's redirects were handed over long ago (by phone): the
            # redirect sender starts after them, as migration 0003 does.
            pg.execute("UPDATE redirect_cursor SET last_seq = %s WHERE id = 1", (seq,))
        pg.commit()
    finally:
        proxied.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("events", "incidents", "incident_summary", "incident_providers", "teams"):
            conn.execute(sa.text(f"VACUUM ANALYZE {table}"))
    loaded.last_seq = seq
    return loaded


def _copy(pg: Any, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    targets = {
        "events": f"COPY events ({_EVENT_COLUMNS}) FROM STDIN",
        "incidents": f"COPY incidents ({_INCIDENT_COLUMNS}) FROM STDIN",
        "summary": f"COPY incident_summary ({_SUMMARY_COLUMNS}) FROM STDIN",
        "providers": "COPY incident_providers (incident_id, provider) FROM STDIN",
    }
    with pg.cursor() as cur:
        for name, statement in targets.items():
            if not rows[name]:
                continue
            with cur.copy(statement) as copy:
                for row in rows[name]:
                    copy.write_row(row)
            rows[name].clear()
    pg.commit()


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def nproc() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
