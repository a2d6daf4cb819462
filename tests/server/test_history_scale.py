"""Years of history stay cheap: the summary the reports read, and the indexes behind them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from tests.server.conftest import DATABASES
from tests.server.helpers import (
    EX1,
    PL1,
    PL2,
    assigned,
    closed,
    created,
    event,
    iso,
    status,
)
from umcr_console.config import load_deployment
from umcr_console.domain.events import Event
from umcr_console.server import eventlog
from umcr_console.server.db import incident_providers, incident_summary, make_engine
from umcr_console.server.eventlog import snapshot_query, submit_batch, system_principal
from umcr_console.server.migrate import alembic_config, upgrade
from umcr_console.server.reporting import period_queries

on_both_databases = pytest.mark.parametrize("database_url", DATABASES, indirect=True)


@pytest.fixture
def engine(database_url: str):
    engine = make_engine(database_url)
    upgrade(engine)
    eventlog.seed_roster(engine, load_deployment("pilot"), now=datetime.now(UTC))
    yield engine
    engine.dispose()


def _submit(engine: sa.Engine, *events: dict[str, Any]) -> None:
    outcome = submit_batch(engine, system_principal(), [Event.model_validate(e) for e in events])
    assert [r.status for r in outcome.results] == ["accepted"] * len(events), outcome.results


def _summary(engine: sa.Engine) -> tuple[list[Any], list[Any]]:
    with engine.connect() as conn:
        return (
            conn.execute(sa.select(incident_summary).order_by("incident_id")).all(),
            conn.execute(sa.select(incident_providers).order_by("incident_id", "provider")).all(),
        )


@on_both_databases
@pytest.mark.slow
def test_the_migration_fills_the_summary_exactly_as_the_write_path_keeps_it(engine) -> None:
    first, second, third = created(), created(), created()
    a, b = first["entity_id"], second["entity_id"]
    _submit(
        engine,
        first,
        second,
        third,
        assigned(a, PL1),
        status(PL1, "on_scene"),
        closed(a, "resolved_on_scene"),
        assigned(b, EX1),
        status(EX1, "available"),  # cleared: b's team_ids forget EX-1
        assigned(b, PL2),
    )
    # The same assignment pair twice in one batch and again later: one row.
    _submit(engine, status(PL2, "available"), assigned(b, PL2))
    kept = _summary(engine)
    summary, providers = kept
    assert len(summary) == 3
    assert {(p.incident_id, p.provider) for p in providers} == {
        (a, "Penny Lane Centers"),
        (b, "Exodus Recovery"),
        (b, "Penny Lane Centers"),
    }
    closed_row = next(r for r in summary if r.incident_id == a)
    assert closed_row.state == "closed" and closed_row.disposition == "resolved_on_scene"
    assert closed_row.on_scene_at is not None and closed_row.closed_at is not None

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    assert "incident_summary" not in sa.inspect(engine).get_table_names()
    upgrade(engine)  # 0002 again: filled from incidents and the log
    assert _summary(engine) == kept


@on_both_databases
def test_the_follow_up_columns_are_filled_from_the_incidents_as_the_write_path_keeps_them(
    engine,
) -> None:
    promised, kept, plain = created(), created(), created()
    soon = datetime.now(UTC)
    window = {"due_from": iso(soon + timedelta(days=1)), "due_by": iso(soon + timedelta(days=3))}
    _submit(
        engine,
        promised,
        kept,
        plain,
        closed(promised["entity_id"], "referral_made"),
        event("incident.follow_up_scheduled", promised["entity_id"], window),
        event("incident.follow_up_done", promised["entity_id"]),
        event("incident.follow_up_scheduled", kept["entity_id"], window),
    )
    written = _summary(engine)
    flags = {r.incident_id: (r.follow_up_scheduled, r.follow_up_done) for r in written[0]}
    assert flags == {
        promised["entity_id"]: (True, True),
        kept["entity_id"]: (True, False),
        plain["entity_id"]: (False, False),
    }

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    columns = {c["name"] for c in sa.inspect(engine).get_columns("incident_summary")}
    assert "follow_up_scheduled" not in columns and "follow_up_done" not in columns
    upgrade(engine)  # 0004 again: filled from the stored incidents
    assert _summary(engine) == written


def _plan(conn: sa.Connection, query: sa.Select[Any]) -> str:
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name == "sqlite":
        return "\n".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    # Without this, a table of a few rows is scanned whatever the indexes; with
    # it PostgreSQL still scans when no index can serve the query.
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {sql}"))


@on_both_databases
def test_the_snapshot_and_the_report_read_by_index_not_by_scanning_history(engine) -> None:
    now = datetime.now(UTC)
    queries = {
        "snapshot": snapshot_query(now),
        "report": period_queries(now - timedelta(days=365), now)[0],
        "report providers": period_queries(now - timedelta(days=365), now)[1],
    }
    with engine.begin() as conn:
        for name, query in queries.items():
            plan = _plan(conn, query)
            for table in ("incidents", "incident_summary", "incident_providers"):
                # PostgreSQL "Seq Scan on t"; SQLite "SCAN t" (a full pass, maybe of an index).
                assert f"Seq Scan on {table}" not in plan, (name, plan)
                assert not re.search(rf"^SCAN {table}\b", plan, re.MULTILINE), (name, plan)
            assert "ix_incidents_state" in plan or "ix_incident_summary_received_at" in plan, plan
