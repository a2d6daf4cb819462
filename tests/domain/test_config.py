"""Deployment configuration: the pilot loads, inconsistent files are refused."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from umcr_console.config import load_deployment, resource
from umcr_console.domain.config import Deployment, TeamConfig
from umcr_console.domain.enums import TeamStatus
from umcr_console.domain.ids import name_id

PILOT: dict[str, Any] = json.loads(
    resource("deployments", "pilot.json").read_text(encoding="utf-8")
)


def test_the_pilot_is_three_providers_six_teams_six_divisions() -> None:
    pilot = load_deployment("pilot")
    assert set(pilot.providers) == {"Exodus Recovery", "Alcott Center", "Penny Lane Centers"}
    assert len(pilot.teams) == 6
    assert {p: sum(t.provider == p for t in pilot.teams) for p in pilot.providers} == dict.fromkeys(
        pilot.providers, 2
    )
    assert set(pilot.divisions) == {
        "Devonshire",
        "Wilshire",
        "Southeast",
        "West Los Angeles",
        "Olympic",
        "West Valley",
    }
    assert pilot.service_area_of("Olympic") == "West"
    assert pilot.service_area_of("Harbor") is None
    assert pilot.thresholds.status_limit(TeamStatus.DISPATCHED) == timedelta(minutes=5)
    assert pilot.thresholds.status_limit(TeamStatus.AVAILABLE) is None


def test_a_deployment_file_by_path_and_by_environment(tmp_path, monkeypatch) -> None:
    path = tmp_path / "nine.json"
    data = copy.deepcopy(PILOT)
    data["name"] = "Nine divisions"
    data["service_areas"].append({"name": "Harbor", "divisions": ["Harbor"]})
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_deployment(str(path)).name == "Nine divisions"
    monkeypatch.setenv("UMCR_DEPLOYMENT", str(path))
    assert "Harbor" in load_deployment().divisions


def test_team_ids_are_stable_per_call_sign() -> None:
    team = TeamConfig(call_sign="EX-1", provider="Exodus Recovery", division="Olympic")
    assert (
        team.id
        == name_id("team", "EX-1")
        == TeamConfig(call_sign="EX-1", provider="Other", division="Wilshire").id
    )
    assert team.id != name_id("team", "EX-2")


def broken(change) -> dict[str, Any]:
    data = copy.deepcopy(PILOT)
    change(data)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            broken(lambda d: d["teams"].append({**d["teams"][0], "division": "Wilshire"})),
            "call signs must be unique",
        ),
        (
            broken(lambda d: d["teams"][0].update(provider="Acme Outreach")),
            "unknown provider 'Acme Outreach'",
        ),
        (
            broken(lambda d: d["teams"][0].update(division="Harbor")),
            "division 'Harbor' not served",
        ),
        (
            broken(lambda d: d["service_areas"][0]["divisions"].append("Wilshire")),
            "more than one service area",
        ),
        (broken(lambda d: d.update(colour="teal")), "Extra inputs are not permitted"),
        (broken(lambda d: d.pop("teams")), "Field required"),
    ],
    ids=[
        "duplicate-call-sign",
        "unknown-provider",
        "division-not-served",
        "double-area",
        "extra",
        "missing",
    ],
)
def test_inconsistent_deployments_are_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Deployment.model_validate(data)


def test_the_configuration_is_frozen() -> None:
    pilot = load_deployment("pilot")
    with pytest.raises(ValidationError):
        pilot.teams[0].call_sign = "X"  # type: ignore[misc]
