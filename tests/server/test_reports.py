"""GET /api/v1/reports: the figures of domain.reports, for any period, for four roles."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.server.helpers import (
    EX1,
    PL1,
    SECRETS,
    Api,
    assigned,
    closed,
    created,
    event,
    iso,
    status,
)
from umcr_console.domain.config import Costs
from umcr_console.domain.ids import name_id, uuid7
from umcr_console.domain.reports import csv_rows, report
from umcr_console.protocol import ProgramReport, ReportFigures, Snapshot

AC1 = name_id("team", "AC-1")
PENNY, EXODUS, ALCOTT = "Penny Lane Centers", "Exodus Recovery", "Alcott Center"
# Keys that would mean a report carries something about a person or a place.
PERSONAL_KEYS = {
    "caller",
    "person",
    "narrative",
    "notes",
    "note",
    "text",
    "reason",
    "address",
    "phone",
    "name",
    "lat",
    "lon",
}


def _call(received: datetime, division: str, call_type: str = "welfare_check") -> dict[str, Any]:
    location = {"address": "1234 W Sunset Blvd", "lat": 34.07, "lon": -118.26, "division": division}
    return created(uuid7(), received_at=iso(received), location=location, call_type=call_type)


class Floor:
    """Calls with known figures, received in [start, end), plus two just outside."""

    def __init__(self, api: Api) -> None:
        t = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
        self.start, self.end = t - timedelta(hours=1), t + timedelta(hours=2)
        at = lambda minutes: iso(t + timedelta(minutes=minutes))  # noqa: E731
        a = _call(t, "Wilshire")
        b = _call(t + timedelta(minutes=5), "Devonshire", "mental_health")
        c = _call(t + timedelta(minutes=10), "Devonshire", "conflict")
        d = _call(t + timedelta(minutes=15), "Wilshire")
        e = _call(t + timedelta(minutes=20), "Olympic", "substance_use")
        before = _call(self.start - timedelta(seconds=1), "Wilshire")
        at_end = _call(self.end, "Wilshire")  # the end is exclusive
        self.ids = {k: v["entity_id"] for k, v in dict(a=a, b=b, c=c, d=d, e=e).items()}
        api.accept(
            "dispatcher1",
            a,
            b,
            c,
            d,
            e,
            before,
            at_end,
            # A: Penny Lane, on scene after 20 min, 25 min there.
            assigned(self.ids["a"], PL1, occurred_at=at(1)),
            status(PL1, "en_route", occurred_at=at(2)),
            status(PL1, "on_scene", occurred_at=at(20)),
            closed(self.ids["a"], "resolved_on_scene", SECRETS["note"]) | {"occurred_at": at(45)},
            # B: Exodus sent and cleared, then Alcott: both providers count.
            assigned(self.ids["b"], EX1, occurred_at=at(6)),
            status(EX1, "available", occurred_at=at(7)),
            assigned(self.ids["b"], AC1, occurred_at=at(8)),
            status(AC1, "on_scene", note=SECRETS["status_note"], occurred_at=at(35)),
            closed(self.ids["b"], "referral_made") | {"occurred_at": at(60)},
            # C redirected to LAPD; D cancelled (not handled); E still open.
            event(
                "incident.redirected",
                self.ids["c"],
                {"agency": "LAPD", "reason": SECRETS["note"]},
                occurred_at=at(12),
            ),
            closed(self.ids["d"], "cancelled") | {"occurred_at": at(16)},
        )
        self.providers = {self.ids["a"]: (PENNY,), self.ids["b"]: (ALCOTT, EXODUS)}

    @property
    def params(self) -> dict[str, str]:
        return {"start": iso(self.start), "end": iso(self.end)}

    def expected(self, api: Api, costs: Costs | None = None) -> ProgramReport:
        """The report computed by domain.reports straight from the full incidents."""
        costs = costs or Costs()
        snapshot = Snapshot.model_validate(api.snapshot("supervisor"))
        rep = report(
            snapshot.incidents,
            self.start,
            self.end,
            provider_of=lambda i: self.providers.get(i.id, ()),
            costs=costs,
        )
        return ProgramReport.of(rep, seq=snapshot.seq, costs=costs)


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.mark.slow
def test_the_report_is_domain_reports_over_the_period(api: Api) -> None:
    floor = Floor(api)
    answer = api.get("supervisor", "/reports", params=floor.params)
    assert answer.status_code == 200, answer.text
    got = ProgramReport.model_validate(answer.json())
    assert got == floor.expected(api)

    # The figures, written out: a change of definitions must show here.
    total = got.total
    assert (total.calls, total.handled, total.redirected, total.open_now) == (5, 4, 1, 1)
    assert total.redirect_rate == 0.25
    assert (total.response.mean_min, total.response.median_min) == (25, 25)
    assert total.response.p90_min == pytest.approx(29)
    assert total.on_scene.mean_min == 25
    assert total.dispositions == {
        "cancelled": 1,
        "redirected_lapd": 1,
        "referral_made": 1,
        "resolved_on_scene": 1,
    }
    assert (total.interventions, total.cost_unarmed, total.cost_police) == (2, 70, 170)
    assert total.cost_avoided == 100
    assert set(got.by_division) == {"Devonshire", "Olympic", "Wilshire"}
    assert got.by_division["Wilshire"].calls == 2
    assert set(got.by_call_type) == {"conflict", "mental_health", "substance_use", "welfare_check"}
    # Providers from the log: B counts for Exodus although its team cleared.
    assert {k: v.calls for k, v in got.by_provider.items()} == {ALCOTT: 1, EXODUS: 1, PENNY: 1}
    assert got.by_provider[EXODUS].interventions == 1


def _follow_up(incident_id: str) -> dict[str, Any]:
    soon = datetime.now(UTC)
    window = {"due_from": iso(soon + timedelta(days=1)), "due_by": iso(soon + timedelta(days=3))}
    return event("incident.follow_up_scheduled", incident_id, window | {"note": SECRETS["note"]})


def test_the_report_counts_follow_ups_scheduled_and_done(asgi: Api) -> None:
    floor = Floor(asgi)
    a, b, c = floor.ids["a"], floor.ids["b"], floor.ids["c"]
    outside = _call(floor.start - timedelta(minutes=5), "Wilshire")
    asgi.accept(
        "dispatcher1",
        outside,
        _follow_up(a),
        _follow_up(b),
        _follow_up(c),
        _follow_up(outside["entity_id"]),
        event("incident.follow_up_done", a, {"note": SECRETS["note"]}),
        event("incident.follow_up_done", outside["entity_id"]),
    )
    answer = asgi.get("supervisor", "/reports", params=floor.params)
    assert answer.status_code == 200, answer.text
    got = ProgramReport.model_validate(answer.json())
    assert got == floor.expected(asgi)
    # A, B and C have one each, A's is done; the call before the period counts nowhere.
    assert (got.total.follow_ups_scheduled, got.total.follow_ups_done) == (3, 1)
    assert {k: (v.follow_ups_scheduled, v.follow_ups_done) for k, v in got.by_division.items()} == {
        "Devonshire": (2, 0),
        "Olympic": (0, 0),
        "Wilshire": (1, 1),
    }
    assert (
        got.by_provider[PENNY].follow_ups_scheduled,
        got.by_provider[PENNY].follow_ups_done,
    ) == (
        1,
        1,
    )
    rows = list(
        csv.reader(
            io.StringIO(
                asgi.get("supervisor", "/reports", params={**floor.params, "format": "csv"}).text
            )
        )
    )
    assert rows[0][-2:] == ["follow_ups_scheduled", "follow_ups_done"]
    assert rows[1][:3] == ["total", "all", "5"] and rows[1][-2:] == ["3", "1"]


def test_an_answer_without_follow_ups_still_parses() -> None:
    """An older server's report has no follow-up fields: they read as zero."""
    empty = {"count": 0, "mean_min": None, "median_min": None, "p90_min": None}
    old = {
        "calls": 1,
        "handled": 1,
        "redirected": 0,
        "redirect_rate": 0.0,
        "open_now": 0,
        "response": empty,
        "on_scene": empty,
        "dispositions": {},
        "interventions": 0,
        "cost_unarmed": 0,
        "cost_police": 0,
        "cost_avoided": 0,
    }
    figures = ReportFigures.model_validate(old)
    assert (figures.follow_ups_scheduled, figures.follow_ups_done) == (0, 0)


def test_every_reader_role_gets_it_and_the_wall_sees_no_personal_field(asgi: Api) -> None:
    floor = Floor(asgi)
    answers = {u: asgi.get(u, "/reports", params=floor.params) for u in ("admin", "dispatcher1")}
    for user, answer in answers.items():
        assert answer.status_code == 200, (user, answer.text)
    wall = asgi.get("wall", "/reports", params=floor.params)
    assert wall.status_code == 200, wall.text
    assert wall.json() == answers["admin"].json()
    assert not _keys(wall.json()) & PERSONAL_KEYS
    for label, secret in SECRETS.items():
        assert secret not in wall.text, f"the report leaks {label}"
    assert "Sunset" not in wall.text
    csv_answer = asgi.get("wall", "/reports", params={**floor.params, "format": "csv"})
    assert csv_answer.status_code == 200
    assert not any(secret in csv_answer.text for secret in SECRETS.values())

    forbidden = asgi.get("field1", "/reports", params=floor.params)
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"].startswith("application/problem+json")
    assert asgi.client.get("/api/v1/reports", params=floor.params).status_code == 401


@pytest.mark.slow
def test_csv_is_the_shared_csv_rows_and_never_a_formula(asgi: Api) -> None:
    floor = Floor(asgi)
    asgi.accept(
        "dispatcher1",
        _call(floor.start + timedelta(minutes=1), '=HYPERLINK("http://evil.example","x")'),
    )
    answer = asgi.get("supervisor", "/reports", params={**floor.params, "format": "csv"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"].startswith('attachment; filename="umcr-report-')
    rows = list(csv.reader(io.StringIO(answer.text)))

    snapshot = Snapshot.model_validate(asgi.snapshot("supervisor"))
    expected = csv_rows(
        report(
            snapshot.incidents,
            floor.start,
            floor.end,
            provider_of=lambda i: floor.providers.get(i.id, ()),
        )
    )
    evil = [r for r in rows if "HYPERLINK" in r[1]]
    assert [r[1] for r in evil] == ['\'=HYPERLINK("http://evil.example","x")']
    assert [r for r in rows if r not in evil] == [r for r in expected if "HYPERLINK" not in r[1]]


def test_costs_default_to_the_deployment_and_may_be_given(asgi: Api) -> None:
    floor = Floor(asgi)
    default = asgi.get("supervisor", "/reports", params=floor.params).json()
    assert default["costs"] == {"unarmed_per_intervention": 35, "police_per_intervention": 85}
    answer = asgi.get(
        "supervisor", "/reports", params={**floor.params, "cost_unarmed": 40, "cost_police": 120}
    )
    assert answer.status_code == 200, answer.text
    got = ProgramReport.model_validate(answer.json())
    assert got == floor.expected(
        asgi, Costs(unarmed_per_intervention=40, police_per_intervention=120)
    )
    assert (got.total.cost_unarmed, got.total.cost_police) == (80, 240)


def test_any_period_and_an_empty_one(asgi: Api) -> None:
    floor = Floor(asgi)
    # A period given in another offset is the same instants.
    pacific = {
        "start": floor.start.astimezone(timezone(timedelta(hours=-8))).isoformat(),
        "end": floor.end.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }
    assert asgi.get("supervisor", "/reports", params=pacific).json()["total"]["calls"] == 5
    week = asgi.get(
        "supervisor",
        "/reports",
        params={"start": iso(floor.start - timedelta(days=7)), "end": iso(floor.end)},
    ).json()
    assert week["total"]["calls"] == 6  # the call just before the period too
    empty = asgi.get(
        "supervisor",
        "/reports",
        params={"start": "2001-01-01T00:00:00Z", "end": "2002-01-01T00:00:00Z"},
    )
    assert empty.status_code == 200
    body = empty.json()
    assert body["total"]["calls"] == 0 and body["total"]["redirect_rate"] is None
    assert body["by_division"] == body["by_provider"] == {}


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2025-01-01T00:00:00", "end": "2025-02-01T00:00:00Z"},  # no offset
        {"start": "2025-02-01T00:00:00Z", "end": "2025-01-01T00:00:00Z"},  # backwards
        {"start": "2025-01-01T00:00:00Z", "end": "2025-01-01T00:00:00Z"},  # empty range
        {"start": "yesterday", "end": "2025-01-01T00:00:00Z"},
        {"end": "2025-01-01T00:00:00Z"},
        {"start": "2025-01-01T00:00:00Z", "end": "2025-02-01T00:00:00Z", "format": "xlsx"},
        {"start": "2025-01-01T00:00:00Z", "end": "2025-02-01T00:00:00Z", "cost_police": -1},
        {"start": "0001-01-01T00:00:00+05:00", "end": "2025-01-01T00:00:00Z"},
    ],
)
@pytest.mark.slow
def test_a_bad_period_is_a_422_problem(asgi: Api, params: dict[str, Any]) -> None:
    answer = asgi.get("supervisor", "/reports", params=params)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["status"] == 422 and problem["detail"]
