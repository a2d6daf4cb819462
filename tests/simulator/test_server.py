"""The simulator against a real ``umcr-server serve`` process, over HTTP only."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.support.server import DEFAULT_USERS, ServerProcess
from umcr_console.domain import events as ev
from umcr_console.domain.enums import CallType, EventType, Priority, Source, TeamStatus
from umcr_console.domain.ids import name_id, uuid7
from umcr_console.domain.model import Location
from umcr_console.protocol import EventResult
from umcr_console.server.cli import main as server_main
from umcr_console.simulator.engine import Simulator
from umcr_console.simulator.http import Credentials, HttpFloor
from umcr_console.simulator.pacing import ClockMode, RealTimePacer
from umcr_console.simulator.params import Parameters
from umcr_console.simulator.places import DivisionPlaces
from umcr_console.simulator.runner import simulate

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

API = "/api/v1"
SIM_USER, HUMAN = "dispatcher1", "dispatcher2"
WEST = ("West Los Angeles", "Wilshire", "Olympic")


def credentials(name: str) -> Credentials:
    return Credentials(name, DEFAULT_USERS[name][1])


def post(server: ServerProcess, user: str, *events: ev.Event) -> list[dict[str, object]]:
    body = {"events": [e.model_dump(mode="json", exclude_none=True) for e in events]}
    answer = httpx.post(f"{server.url}{API}/events", json=body, headers=server.headers(user))
    answer.raise_for_status()
    return list(answer.json()["results"])


def human_event(event_type: EventType, entity_id: str, payload: ev.Payload) -> ev.Event:
    return ev.make_event(
        event_type, entity_id, payload, workstation_id="ws-human", occurred_at=datetime.now(UTC)
    )


class RacingFloor(HttpFloor):
    """Before the simulator's first assignment of a West team, a person takes that team."""

    def __init__(
        self, server: ServerProcess, places: DivisionPlaces, *args: object, **kw: object
    ) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.server = server
        self.places = places
        self.taken: dict[str, str] = {}

    async def submit(
        self, events: Sequence[ev.Event], *, team_id: str | None = None
    ) -> list[EventResult]:
        first = events[0]
        if not self.taken and len(events) == 1 and first.type == EventType.INCIDENT_TEAM_ASSIGNED:
            team = self.state.team(str(first.payload["team_id"]))
            assert team is not None
            if team.division in WEST:
                self.taken = {"team": team.id, "incident": uuid7()}
                lat, lon = self.places.sample(team.division, random.Random(2))
                created = ev.IncidentCreated(
                    received_at=first.occurred_at,
                    source=Source.DIRECT_LINE,
                    call_type=CallType.WELFARE_CHECK,
                    priority=Priority.HIGH,
                    location=Location(
                        address="by a person", lat=lat, lon=lon, division=team.division
                    ),
                )
                results = await asyncio.to_thread(
                    post,
                    self.server,
                    HUMAN,
                    human_event(EventType.INCIDENT_CREATED, self.taken["incident"], created),
                    human_event(
                        EventType.INCIDENT_TEAM_ASSIGNED,
                        self.taken["incident"],
                        ev.TeamAssigned(team_id=team.id),
                    ),
                )
                assert [r["status"] for r in results] == ["accepted", "accepted"]
        return await super().submit(events, team_id=team_id)


def a_person_dispatches(
    server: ServerProcess,
    incident_id: str,
    team_id: str,
    call_type: CallType,
    at: tuple[float, float],
) -> None:
    """A person (not the simulator) creates a call in Wilshire and assigns ``team_id``."""
    lat, lon = at
    created = ev.IncidentCreated(
        received_at=datetime.now(UTC),
        source=Source.DIRECT_LINE,
        call_type=call_type,
        priority=Priority.URGENT,
        location=Location(address="by a person", lat=lat, lon=lon, division="Wilshire"),
    )
    post(
        server,
        HUMAN,
        human_event(EventType.INCIDENT_CREATED, incident_id, created),
        human_event(
            EventType.INCIDENT_TEAM_ASSIGNED, incident_id, ev.TeamAssigned(team_id=team_id)
        ),
    )


def test_a_short_run_on_a_real_server(live_server: ServerProcess, places: DivisionPlaces) -> None:
    server = live_server
    ex2 = name_id("team", "EX-2")
    # A person takes EX-2 out of service before the run: the simulator must leave it be.
    results = post(
        server,
        HUMAN,
        human_event(
            EventType.TEAM_STATUS_CHANGED, ex2, ev.StatusChanged(status=TeamStatus.OUT_OF_SERVICE)
        ),
    )
    assert results[0]["status"] == "accepted"

    async def run() -> tuple[RacingFloor, object]:
        floor = RacingFloor(
            server, places, server.url, credentials(SIM_USER), [credentials("field1")]
        )
        async with floor:
            assert floor.deployment is not None
            pacer = RealTimePacer(1200, ClockMode.REALTIME, duration=4)
            sim = Simulator(
                floor,
                pacer,
                floor.deployment,
                places,
                params=Parameters(calls_per_day=240, warmup_calls=4),
                seed=21,
            )
            stats = await sim.run(until=pacer.origin + timedelta(seconds=4 * 1200))
        return floor, stats

    floor, stats = asyncio.run(run())
    assert stats.rejected == {"team_unavailable": 1}  # type: ignore[attr-defined]
    assert stats.created >= 10 and stats.closed >= 1  # type: ignore[attr-defined]

    with server.client(HUMAN) as client:
        snapshot = client.get(f"{API}/snapshot").json()
        log = client.get(f"{API}/events", params={"limit": 5000}).json()["events"]
    mine = [i for i in snapshot["incidents"] if i["created_by"] == SIM_USER]
    assert len(mine) == stats.created  # type: ignore[attr-defined]
    for incident in mine:
        loc = incident["location"]
        assert places.geography.division_at(loc["lat"], loc["lon"]) == loc["division"]
        assert ex2 not in incident["team_ids"]
        assert "(sim)" in incident["caller"]["name"] or incident["source"] == "team_initiated"
    assert any(i["disposition"] for i in mine)
    # The person's call: its team drove there, and only the person may close it.
    human_call = next(i for i in snapshot["incidents"] if i["id"] == floor.taken["incident"])
    assert human_call["state"] != "closed" and human_call["times"]["en_route_at"] is not None
    # PL-1's field user reported PL-1's statuses; nothing ever came from the future.
    pl1 = name_id("team", "PL-1")
    by_pl1 = {
        e["actor"] for e in log if e["entity_id"] == pl1 and e["type"] == "team.status_changed"
    }
    assert by_pl1 <= {"field1"}
    for event in log:
        assert event["occurred_at"] <= event["recorded_at"]


def test_a_backdated_run_stores_true_durations(
    live_server: ServerProcess, places: DivisionPlaces
) -> None:
    """Simulated time ends at now: the stored incidents take minutes, not seconds."""
    speed = 86_400 / 3  # a simulated day in 3 s
    stats = asyncio.run(
        simulate(
            live_server.url,
            credentials(SIM_USER),
            rate=36,
            speed=speed,
            duration=3,
            seed=8,
            clock=ClockMode.BACKDATED,
            places=places,
        )
    )
    assert stats.created >= 5 and stats.rejected == {}
    with live_server.client(HUMAN) as client:
        incidents = client.get(f"{API}/snapshot").json()["incidents"]
        log = client.get(f"{API}/events", params={"limit": 5000}).json()["events"]
    received = sorted(i["received_at"] for i in incidents)
    span = datetime.fromisoformat(received[-1]) - datetime.fromisoformat(received[0])
    assert span > timedelta(hours=6)
    closed = [i for i in incidents if i["times"]["on_scene_at"] and i["times"]["closed_at"]]
    assert closed
    for incident in closed:
        minutes = (
            datetime.fromisoformat(incident["times"]["closed_at"])
            - datetime.fromisoformat(incident["times"]["on_scene_at"])
        ).total_seconds() / 60
        assert minutes >= 3  # Parameters.scene.low, in simulated (= stored) minutes
    assert all(e["occurred_at"] <= e["recorded_at"] for e in log)


CHILD = textwrap.dedent(
    """
    import argparse, json, sys
    from umcr_console.simulator import cli
    parser = argparse.ArgumentParser()
    cli.add_parser(parser.add_subparsers(dest="command"))
    status = cli.run(parser.parse_args(sys.argv[1:]))
    loaded = sorted(
        m for m in sys.modules
        if m.split(".")[0] in {"fastapi", "starlette", "uvicorn", "sqlalchemy", "PySide6", "qasync"}
        or m.startswith(("umcr_console.server", "umcr_console.store", "umcr_console.sync",
                         "umcr_console.ui", "umcr_console.app"))
    )
    print(json.dumps({"status": status, "loaded": loaded}), file=sys.stderr)
    """
)


def test_the_command_uses_nothing_but_the_api(live_server: ServerProcess, tmp_path: Path) -> None:
    """`simulate` in a process of its own: it runs, reports, and never loads server code."""
    env = {
        **os.environ,
        "UMCR_PASSWORD": DEFAULT_USERS[SIM_USER][1],
        "UMCR_FIELD_PASSWORD": DEFAULT_USERS["field1"][1],
    }
    command = [
        sys.executable,
        "-c",
        CHILD,
        "simulate",
        "--url",
        live_server.url,
        "--user",
        SIM_USER,
        "--field-user",
        "field1",
        "--rate",
        "360",
        "--speed",
        "600",
        "--duration",
        "3",
        "--seed",
        "5",
        "--warmup",
        "3",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report == {"status": 0, "loaded": []}, done.stderr
    summary = json.loads(done.stdout)
    assert summary["seed"] == "5" and summary["created"] >= 3 and summary["rejected"] == {}


def test_the_server_cli_has_the_simulate_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        server_main(["simulate", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for option in ("--url", "--user", "--rate", "--speed", "--duration", "--seed", "--clock"):
        assert option in out
    status = server_main(
        ["simulate", "--url", "http://127.0.0.1:9", "--user", "x", "--clock", "backdated"]
    )
    assert status == 2 and "--duration" in capsys.readouterr().err


def test_with_no_calls_the_teams_still_answer_a_person(
    live_server: ServerProcess, places: DivisionPlaces
) -> None:
    """Rate 0: no calls of its own, but a team a person dispatches sets off within a second."""
    ac1 = name_id("team", "AC-1")
    incident_id = uuid7()

    async def scenario() -> object:
        run = asyncio.create_task(
            simulate(
                live_server.url,
                credentials(SIM_USER),
                rate=0,
                speed=1200,
                duration=3,
                seed=1,
                places=places,
            )
        )
        await asyncio.sleep(0.3)  # the simulator is running and idle by now
        lat, lon = places.sample("Wilshire", random.Random(4))
        await asyncio.to_thread(
            a_person_dispatches, live_server, incident_id, ac1, CallType.MENTAL_HEALTH, (lat, lon)
        )
        return await run

    stats = asyncio.run(scenario())
    assert stats.created == 0 and stats.rejected == {}  # type: ignore[attr-defined]
    with live_server.client(HUMAN) as client:
        incident = client.get(f"{API}/snapshot").json()["incidents"][0]
    assert incident["id"] == incident_id and incident["state"] == "assigned"
    assert incident["times"]["en_route_at"] and incident["times"]["on_scene_at"]


def test_field_teams_can_drive_the_field_page_endpoints(
    live_server: ServerProcess, places: DivisionPlaces
) -> None:
    """--field-page (issue 24): PL-1's field user reads its assignment and sends positions."""
    pl1 = name_id("team", "PL-1")
    incident_id = uuid7()
    lat, lon = places.sample("Wilshire", random.Random(7))

    async def scenario() -> object:
        run = asyncio.create_task(
            simulate(
                live_server.url,
                credentials(SIM_USER),
                field_users=[credentials("field1")],
                field_page=True,
                rate=0,
                speed=1200,
                duration=3,
                seed=1,
                places=places,
            )
        )
        await asyncio.sleep(0.3)
        await asyncio.to_thread(
            a_person_dispatches, live_server, incident_id, pl1, CallType.WELFARE_CHECK, (lat, lon)
        )
        return await run

    stats = asyncio.run(scenario())
    assert stats.rejected == {}  # type: ignore[attr-defined]
    assert stats.field_page_reads >= 2 and stats.positions_sent >= 2  # type: ignore[attr-defined]
    with live_server.client(HUMAN) as client:
        log = client.get(f"{API}/events", params={"limit": 5000}).json()["events"]
        positions = client.get(f"{API}/field/positions").json()["positions"]
    statuses = [e for e in log if e["entity_id"] == pl1 and e["type"] == "team.status_changed"]
    assert statuses and {e["actor"] for e in statuses} == {"field1"}
    [position] = positions
    assert position["team_id"] == pl1
    assert (position["lat"], position["lon"]) == (pytest.approx(lat), pytest.approx(lon))
