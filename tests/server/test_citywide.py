"""The citywide deployment: all 21 LAPD divisions, about 60 teams; switching is configuration."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.support.server import ServerProcess, prepare_database
from umcr_console.config import DEPLOYMENT_ENV, load_deployment
from umcr_console.domain.config import Deployment
from umcr_console.server.app import create_app
from umcr_console.server.settings import Settings

# The 21 LAPD geographic divisions by bureau, named as the pilot names them.
LAPD_BUREAUS = {
    "Valley": {
        "Devonshire",
        "Foothill",
        "Mission",
        "North Hollywood",
        "Topanga",
        "Van Nuys",
        "West Valley",
    },
    "West": {"Hollywood", "Olympic", "Pacific", "West Los Angeles", "Wilshire"},
    "Central": {"Central", "Hollenbeck", "Newton", "Northeast", "Rampart"},
    "South": {"77th Street", "Harbor", "Southeast", "Southwest"},
}


def test_citywide_serves_every_division_with_about_sixty_teams() -> None:
    citywide = load_deployment("citywide")
    assert isinstance(citywide, Deployment)  # validated on load: providers, divisions, signs
    assert len(citywide.divisions) == 21
    assert {a.name: set(a.divisions) for a in citywide.service_areas} == LAPD_BUREAUS
    assert 55 <= len(citywide.teams) <= 65
    per_division = Counter(t.division for t in citywide.teams)
    assert set(per_division) == set(citywide.divisions)
    assert min(per_division.values()) >= 2  # one team can be busy; the division is still served
    assert all(Counter(t.provider for t in citywide.teams)[p] > 0 for p in citywide.providers)
    # Providers beyond the pilot's three are placeholders and say so.
    pilot = load_deployment("pilot")
    for provider in set(citywide.providers) - set(pilot.providers):
        assert provider.endswith("(placeholder)"), provider
    assert citywide.thresholds == pilot.thresholds and citywide.costs == pilot.costs


def test_the_pilot_is_a_subset_so_growing_keeps_the_teams_and_their_history() -> None:
    pilot, citywide = load_deployment("pilot"), load_deployment("citywide")
    assert set(pilot.divisions) < set(citywide.divisions)
    assert set(pilot.providers) < set(citywide.providers)
    # Same call sign, provider and division: the same team id, so no new roster entry.
    assert set(pilot.teams) < set(citywide.teams)
    for area in pilot.service_areas:
        assert set(area.divisions) <= LAPD_BUREAUS[area.name]


def test_the_environment_switches_the_server_to_citywide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DEPLOYMENT_ENV, "citywide")
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    prepare_database(url)
    with TestClient(create_app(Settings.from_env(url))) as client:
        token = client.post(
            "/api/v1/auth/token", json={"username": "wall", "password": "wall-display-secret"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert (
            client.get("/api/v1/deployment", headers=headers)
            .json()["name"]
            .startswith("Los Angeles UMCR citywide")
        )
        teams = client.get("/api/v1/snapshot", headers=headers).json()["teams"]
    assert len(teams) == len(load_deployment("citywide").teams)
    assert len({t["division"] for t in teams}) == 21


@pytest.mark.slow
def test_serve_deployment_citywide(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, extra_args=["--deployment", "citywide"])
    with server, server.client("supervisor") as client:
        deployment = client.get("/api/v1/deployment").json()
        teams = client.get("/api/v1/snapshot").json()["teams"]
    assert len(deployment["service_areas"]) == 4
    assert sorted(t["call_sign"] for t in teams) == sorted(
        t.call_sign for t in load_deployment("citywide").teams
    )
