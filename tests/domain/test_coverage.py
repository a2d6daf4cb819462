"""Coverage: a division with no free team, in it or in its service area, is named."""

from datetime import UTC, datetime

from umcr_console.config import load_deployment
from umcr_console.domain.coverage import coverage
from umcr_console.domain.enums import TeamStatus
from umcr_console.domain.model import Team

T0 = datetime(2026, 11, 26, tzinfo=UTC)


def roster(**statuses: TeamStatus) -> list[Team]:
    return [
        Team(
            id=t.id,
            call_sign=t.call_sign,
            provider=t.provider,
            division=t.division,
            status=statuses.get(t.call_sign.replace("-", "_"), TeamStatus.AVAILABLE),
            status_since=T0,
            version=1,
        )
        for t in load_deployment("pilot").teams
    ]


def test_all_free_is_covered() -> None:
    result = coverage(roster(), load_deployment("pilot"))
    assert result.uncovered == () and result.thin == ()
    assert result.text == "Every division has a free team."


def test_busy_team_leaves_its_division_to_the_area_or_uncovered() -> None:
    deployment = load_deployment("pilot")
    # Southeast is its own service area in the pilot: its one team busy -> uncovered.
    result = coverage(roster(AC_2=TeamStatus.ON_SCENE), deployment)
    assert result.uncovered == ("Southeast",)
    assert "NO free team for Southeast" in result.text
    # Devonshire's team busy, West Valley's free in the same area -> thin, not uncovered.
    result = coverage(roster(PL_1=TeamStatus.DISPATCHED), deployment)
    assert result.thin == ("Devonshire",) and result.uncovered == ()
    result = coverage(
        roster(PL_1=TeamStatus.DISPATCHED, PL_2=TeamStatus.OUT_OF_SERVICE), deployment
    )
    assert set(result.uncovered) == {"Devonshire", "West Valley"}
    assert result.free_in_division["Wilshire"] == 1
