"""The audit log: every accepted and rejected action, hash-chained, verified, pruned, read."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import DATABASES
from tests.server.helpers import PL1, ROSTER_SIZE, Api, assigned, closed, created, status
from tests.support.server import ServerProcess, prepare_database
from umcr_console.domain.events import Event
from umcr_console.server import audit, cli, eventlog
from umcr_console.server.app import create_app
from umcr_console.server.db import audit_anchor, audit_log, events, make_engine
from umcr_console.server.migrate import upgrade
from umcr_console.server.settings import AUDIT_RETENTION_ENV, Settings


def entries(api: Api, username: str = "supervisor", **params: Any) -> list[dict[str, Any]]:
    answer = api.get(username, "/audit", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["entries"]


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


# -- what is recorded ---------------------------------------------------------------


def test_accepted_and_rejected_events_are_recorded_with_before_and_after(asgi: Api) -> None:
    incident = {**created(), "workstation_id": "ws-north"}
    seqs = asgi.accept("dispatcher1", incident, assigned(incident["entity_id"], PL1))
    # The same team again is a conflict: rejected, and audited as such.
    again = assigned(incident["entity_id"], PL1, expected_version=1)
    [result] = asgi.post("dispatcher2", again)
    assert result["status"] == "rejected"

    rows = entries(asgi, incident=incident["entity_id"])
    # Newest first: the rejection, the assignment, the creation.
    assert [r["action"] for r in rows] == ["event.rejected", "event.accepted", "event.accepted"]
    rejected, assignment, creation = rows
    assert creation["seq"] == seqs[0] and assignment["seq"] == seqs[1]
    assert creation["actor"] == "dispatcher1" and creation["workstation_id"] == "ws-north"
    assert creation["event_type"] == "incident.created"
    assert creation["incident_number"] == f"U{seqs[0]:06d}"
    # A new incident: nothing before, all of it after.
    assert creation["before"]["incidents"][incident["entity_id"]] is None
    assert creation["after"]["incidents"][incident["entity_id"]]["state"] == "pending"
    # An assignment: only what changed, on the incident and on the team.
    before, after = assignment["before"], assignment["after"]
    assert before["incidents"][incident["entity_id"]]["state"] == "pending"
    assert after["incidents"][incident["entity_id"]]["state"] == "assigned"
    assert before["teams"][PL1]["status"] == "available"
    assert after["teams"][PL1]["status"] == "dispatched"
    assert "location" not in after["incidents"][incident["entity_id"]]
    # A list that grew: what was appended, not the whole list twice.
    assert before["incidents"][incident["entity_id"]]["team_ids"] == {"length": 0}
    assert after["incidents"][incident["entity_id"]]["team_ids"] == {
        "length": 1,
        "appended": [PL1],
    }
    # A rejection: the state it was judged against, nothing after.
    assert rejected["actor"] == "dispatcher2"
    assert rejected["reject_code"] == result["code"] and rejected["detail"] == result["detail"]
    assert rejected["before"]["incidents"][incident["entity_id"]]["state"] == "assigned"
    assert rejected["after"] is None and rejected["seq"] is None


@pytest.mark.slow
def test_a_team_event_is_found_under_its_incident(asgi: Api) -> None:
    incident = created()
    asgi.accept("dispatcher1", incident, assigned(incident["entity_id"], PL1))
    asgi.accept("dispatcher1", status(PL1, "en_route"))
    rows = entries(asgi, incident=incident["entity_id"], action="event.accepted")
    assert [r["event_type"] for r in rows] == [
        "team.status_changed",
        "incident.team_assigned",
        "incident.created",
    ]
    assert rows[0]["entity_id"] == PL1


@pytest.mark.slow
def test_sign_in_failures_lockout_sign_out_and_user_changes_are_recorded(asgi: Api, capsys) -> None:
    asgi.token("dispatcher1")
    for _ in range(5):
        assert asgi.sign_in("dispatcher2", "wrong").status_code in (401, 423)
    token = asgi.token("admin")
    assert (
        asgi.client.delete(
            "/api/v1/auth/token", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 204
    )
    asgi._tokens.pop("admin")
    code, text = run_cli(capsys, "user", "revoke", "dispatcher1", "--database", asgi.database_url)
    assert code == 0, text

    by_action: dict[str, list[dict[str, Any]]] = {}
    for row in entries(asgi, limit=1000):
        by_action.setdefault(row["action"], []).append(row)
    assert {r["actor"] for r in by_action["auth.sign_in"]} >= {"dispatcher1", "admin"}
    assert [r["entity_id"] for r in by_action["auth.sign_in_failed"]] == ["dispatcher2"] * 4
    [locked] = by_action["auth.locked"]
    assert locked["entity_id"] == "dispatcher2" and "locked until" in locked["detail"]
    assert [r["actor"] for r in by_action["auth.sign_out"]] == ["admin"]
    [revoked] = by_action["user.revoked"]
    assert revoked["actor"].startswith("cli") and revoked["entity_id"] == "dispatcher1"
    assert revoked["detail"] == "1 token(s) revoked"
    # The test users were saved through auth.add_user: no password hash in the record.
    added = {r["entity_id"]: r for r in by_action["user.added"]}
    assert added["field1"]["after"]["role"] == "field"
    assert all("password" not in str(r["after"]) for r in added.values())


# -- who may read it, and how -------------------------------------------------------


def test_only_admins_and_supervisors_read_the_audit_log(asgi: Api) -> None:
    for username in ("dispatcher1", "field1", "wall"):
        answer = asgi.get(username, "/audit")
        assert answer.status_code == 403, (username, answer.text)
        assert "may not read the audit log" in answer.json()["detail"]
    assert asgi.client.get("/api/v1/audit").status_code == 401
    for username in ("admin", "supervisor"):
        assert asgi.get(username, "/audit").status_code == 200


@pytest.mark.slow
def test_filters_and_paging(asgi: Api) -> None:
    incidents = [created() for _ in range(5)]
    asgi.accept("dispatcher1", *incidents[:3])
    asgi.accept("dispatcher2", *incidents[3:])
    mine = entries(asgi, actor="dispatcher2", action="event.accepted")
    assert [r["entity_id"] for r in mine] == [i["entity_id"] for i in reversed(incidents[3:])]

    # Newest first, page by page with before=.
    seen: list[int] = []
    page = asgi.get("supervisor", "/audit", params={"action": "event.accepted", "limit": 2}).json()
    while True:
        seen += [r["id"] for r in page["entries"]]
        if not page["more"]:
            break
        page = asgi.get(
            "supervisor",
            "/audit",
            params={"action": "event.accepted", "limit": 2, "before": seen[-1]},
        ).json()
    assert len(seen) == 5 + ROSTER_SIZE and seen == sorted(
        seen, reverse=True
    )  # and the roster's teams
    # Oldest first with after=.
    ascending = entries(asgi, action="event.accepted", after=seen[2], limit=100)
    assert [r["id"] for r in ascending] == sorted(seen)[sorted(seen).index(seen[2]) + 1 :]

    # By incident number, and by time.
    number = entries(asgi, entity_id=incidents[0]["entity_id"])[0]["incident_number"]
    assert [r["entity_id"] for r in entries(asgi, incident=number)] == [incidents[0]["entity_id"]]
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert entries(asgi, since=later) == []
    assert len(entries(asgi, until=later, action="event.accepted")) == 5 + ROSTER_SIZE
    # Bad input is a 422, not a 500.
    for params in ({"since": "2025-01-01T00:00:00"}, {"after": 1, "before": 5}, {"limit": 0}):
        assert asgi.get("supervisor", "/audit", params=params).status_code == 422, params


# -- the chain: verify finds every kind of tampering ----------------------------------


def _audited_database(url: str) -> list[int]:
    """A database with a few audited events and users; the ids of its accepted-event rows."""
    prepare_database(url)
    engine = make_engine(url)
    try:
        now = datetime.now(UTC)
        eventlog.seed_roster(engine, Settings(database_url=url).deployment, now=now)
        batch = [Event.model_validate(created()) for _ in range(4)]
        batch.append(Event.model_validate(closed("0190b000-0000-7000-8000-000000000000")))
        eventlog.submit_batch(engine, eventlog.system_principal(), batch)
        with engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(audit_log.c.id)
                    .where(audit_log.c.action == audit.EVENT_ACCEPTED)
                    .order_by(audit_log.c.id)
                ).scalars()
            )
    finally:
        engine.dispose()


def _execute(url: str, statement: sa.Executable) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(statement)
    finally:
        engine.dispose()


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_verify_passes_a_clean_log_and_names_the_first_broken_row(
    database_url: str, capsys
) -> None:
    accepted = _audited_database(database_url)
    code, text = run_cli(capsys, "audit", "verify", "--database", database_url)
    assert code == 0, text
    assert text.startswith("audit log intact: ") and " rows, from " in text

    # One changed `after` breaks that row's hash.
    target = accepted[len(accepted) // 2]
    _execute(
        database_url,
        sa.update(audit_log).where(audit_log.c.id == target).values(after='{"forged":true}'),
    )
    code, text = run_cli(capsys, "audit", "verify", "--database", database_url)
    assert code == cli.AUDIT_BROKEN
    assert f"BROKEN at row {target}: hash mismatch" in text


def _tamper(url: str, kind: str, accepted: list[int]) -> tuple[int, str]:
    """Change the database the way an intruder might; the row verify must name, and why."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if kind == "deleted row":
                middle = accepted[1]
                conn.execute(sa.delete(audit_log).where(audit_log.c.id == middle))
                return middle + 1, f"missing id: row(s) {middle} before it are gone"
            if kind == "rehashed row":
                # Changed and given a matching hash: the next row's link gives it away.
                row = dict(
                    conn.execute(sa.select(audit_log).where(audit_log.c.id == accepted[0]))
                    .one()
                    ._mapping
                )
                row["actor"] = "somebody-else"
                conn.execute(
                    sa.update(audit_log)
                    .where(audit_log.c.id == accepted[0])
                    .values(actor=row["actor"], hash=audit.row_hash(row))
                )
                return accepted[0] + 1, "broken link"
            if kind == "edited event":
                seq = conn.execute(
                    sa.select(audit_log.c.seq).where(audit_log.c.id == accepted[2])
                ).scalar_one()
                conn.execute(
                    sa.update(events).where(events.c.seq == seq).values(payload={"forged": True})
                )
                return accepted[2], f"event seq {seq} in the events table was changed"
            assert kind == "cut-off end"
            conn.execute(sa.delete(audit_log).where(audit_log.c.id >= accepted[-1]))
            return accepted[-1], "have no audit row: the end of the audit log was cut off"
    finally:
        engine.dispose()


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
@pytest.mark.parametrize("kind", ["deleted row", "rehashed row", "edited event", "cut-off end"])
def test_verify_finds_each_kind_of_tampering(database_url: str, kind: str, capsys) -> None:
    accepted = _audited_database(database_url)
    row_id, why = _tamper(database_url, kind, accepted)
    code, text = run_cli(capsys, "audit", "verify", "--database", database_url)
    assert code == cli.AUDIT_BROKEN, text
    assert f"BROKEN at row {row_id}: " in text and why in text, text


# -- retention -----------------------------------------------------------------------


def _aged_database(url: str, age: timedelta) -> int:
    """Audited events ``age`` old, then a few of today; how many rows are old."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        then = datetime.now(UTC) - age
        eventlog.seed_roster(engine, Settings(database_url=url).deployment, now=then)
        old = [
            Event.model_validate({**created(), "occurred_at": then.isoformat()}) for _ in range(3)
        ]
        eventlog.submit_batch(engine, eventlog.system_principal(), old, clock=lambda: then)
        new = [Event.model_validate(created()) for _ in range(2)]
        eventlog.submit_batch(engine, eventlog.system_principal(), new)
        with engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).where(audit_log.c.at < datetime.now(UTC) - age / 2)
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _anchor(url: str) -> Any:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(audit_anchor)).one_or_none()
    finally:
        engine.dispose()


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
@pytest.mark.slow
def test_prune_keeps_the_rest_verifiable_and_a_moved_anchor_is_found(
    database_url: str, capsys
) -> None:
    old = _aged_database(database_url, timedelta(days=500))
    code, text = run_cli(capsys, "audit", "prune", "--database", database_url)
    assert code == 0, text
    assert f"{old} row(s) older than 400 days pruned" in text
    anchor = _anchor(database_url)
    assert anchor is not None and anchor.through_id == old
    code, text = run_cli(capsys, "audit", "verify", "--database", database_url)
    assert code == 0, text
    # What is left: today's events and the prune itself.
    assert "intact: 3 rows" in text
    # Nothing more is old: a second prune removes nothing and records nothing.
    assert run_cli(capsys, "audit", "prune", "--database", database_url)[0] == 0
    assert "intact: 3 rows" in run_cli(capsys, "audit", "verify", "--database", database_url)[1]

    # Hiding a deleted row by moving the anchor over it is found too.
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            first = conn.execute(sa.select(sa.func.min(audit_log.c.id))).scalar_one()
            forged_hash = conn.execute(
                sa.select(audit_log.c.hash).where(audit_log.c.id == first)
            ).scalar_one()
            conn.execute(sa.delete(audit_log).where(audit_log.c.id == first))
            conn.execute(sa.update(audit_anchor).values(through_id=first, last_hash=forged_hash))
    finally:
        engine.dispose()
    code, text = run_cli(capsys, "audit", "verify", "--database", database_url)
    assert code == cli.AUDIT_BROKEN
    assert "the prune anchor does not match the newest prune recorded in the chain" in text


def test_the_retention_comes_from_the_flag_or_the_environment(
    tmp_path, capsys, monkeypatch
) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    old = _aged_database(url, timedelta(days=3))
    monkeypatch.setenv(AUDIT_RETENTION_ENV, "7")
    assert Settings.from_env(url).audit_retention == timedelta(days=7)
    code, text = run_cli(capsys, "audit", "prune", "--database", url)
    assert code == 0 and "0 row(s) older than 7 days" in text
    code, text = run_cli(capsys, "audit", "prune", "--retention-days", "1", "--database", url)
    assert code == 0 and f"{old} row(s) older than 1 days" in text
    monkeypatch.setenv(AUDIT_RETENTION_ENV, "0")
    with pytest.raises(ValueError, match="audit retention"):
        Settings.from_env(url)
    code, text = run_cli(capsys, "audit", "prune", "--retention-days", "-3", "--database", url)
    assert code == 1 and "audit retention must be in" in text


def test_the_server_prunes_when_it_starts(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    old = _aged_database(url, timedelta(days=30))
    settings = Settings(database_url=url, audit_retention=timedelta(days=10))
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/health").status_code == 200
        anchor = _anchor(url)
        assert anchor is not None and anchor.through_id == old
    engine = make_engine(url)
    try:
        assert audit.verify(engine).intact
    finally:
        engine.dispose()


# -- one chain across server processes -------------------------------------------------


@pytest.mark.postgres
@pytest.mark.slow
def test_two_server_processes_extend_one_chain(postgres_url: str, tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = ServerProcess(tmp_path / "a", database_url=postgres_url)
    second = ServerProcess(tmp_path / "b", database_url=postgres_url)
    batches, size = 15, 10
    with first, second:
        errors: list[BaseException] = []

        def write(server: ServerProcess, user: str) -> None:
            try:
                with server.client(user, timeout=30.0) as client:
                    for _ in range(batches):
                        batch = [created() for _ in range(size)]
                        batch.append(closed("0190b000-0000-7000-8000-000000000000"))  # rejected
                        answer = client.post("/api/v1/events", json={"events": batch})
                        assert answer.status_code == 200, answer.text
            except BaseException as exc:  # reported to the test thread
                errors.append(exc)

        writers = [
            threading.Thread(target=write, args=(first, "dispatcher1")),
            threading.Thread(target=write, args=(second, "dispatcher2")),
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(120)
        assert not errors, errors
    engine = make_engine(postgres_url)
    try:
        verdict = audit.verify(engine)
        assert verdict.intact, verdict
        with engine.connect() as conn:
            counts = dict(
                conn.execute(
                    sa.select(audit_log.c.action, sa.func.count()).group_by(audit_log.c.action)
                ).all()
            )
            ids = list(conn.execute(sa.select(audit_log.c.id).order_by(audit_log.c.id)).scalars())
    finally:
        engine.dispose()
    assert counts["event.accepted"] == 2 * batches * size + ROSTER_SIZE
    assert counts["event.rejected"] == 2 * batches
    assert ids == list(range(1, len(ids) + 1))


@pytest.mark.slow
def test_an_export_of_personal_data_is_accounted_for(asgi: Api) -> None:
    call = created()
    incident_id = call["entity_id"]
    asgi.accept("dispatcher1", call)
    plain = asgi.get("dispatcher1", f"/incidents/{incident_id}/eido")
    assert plain.status_code == 200
    assert entries(asgi, action=audit.EXPORTED) == []
    full = asgi.get("dispatcher1", f"/incidents/{incident_id}/eido", params={"personal": "true"})
    assert full.status_code == 200
    (row,) = entries(asgi, action=audit.EXPORTED)
    assert row["actor"] == "dispatcher1" and row["incident_id"] == incident_id
    assert row["detail"] == "EIDO with personal data"
    assert audit.verify(make_engine(asgi.database_url)).intact
