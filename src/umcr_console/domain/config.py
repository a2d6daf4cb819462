"""Deployment configuration: providers, teams, divisions served, thresholds.

Growing from the pilot's six divisions to nine or all 21 is a new
configuration file, never a code change. The files live in
``resources/deployments/``; ``umcr_console.config`` loads them.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .enums import TeamStatus
from .ids import name_id

_DEFAULT_STATUS_LIMITS_MIN: dict[TeamStatus, float] = {
    TeamStatus.DISPATCHED: 5,
    TeamStatus.EN_ROUTE: 30,
    TeamStatus.TRANSPORTING: 60,
    TeamStatus.FOLLOW_UP: 45,
}


class _Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TeamConfig(_Config):
    call_sign: str
    provider: str
    division: str
    languages: tuple[str, ...] = ("English",)

    @property
    def id(self) -> str:
        return name_id("team", self.call_sign)


class ServiceArea(_Config):
    name: str
    divisions: tuple[str, ...]


class Thresholds(_Config):
    """Minutes. Defaults from domain.md: pilot average, Medi-Cal, NFPA 1225."""

    pending_warning_min: float = 10
    pending_alarm_min: float = 20
    response_target_min: float = 30
    call_processing_target_s: float = 300
    check_in_interval_min: float = 20
    escalate_after_min: float = 5
    # A team reserved for a scheduled call takes no other call from this long before it.
    reservation_lead_min: float = 30
    # A warm handoff not accepted after this long shows as overdue.
    handoff_accept_min: float = 60
    # The default due window of a follow-up promised at close, in hours after the close.
    follow_up_window_h: tuple[float, float] = (24, 72)
    # Limit per team status; a team longer than this in the status is overdue.
    status_limits_min: dict[TeamStatus, float] = Field(
        default_factory=lambda: _DEFAULT_STATUS_LIMITS_MIN.copy()
    )

    def status_limit(self, status: TeamStatus) -> timedelta | None:
        minutes = self.status_limits_min.get(status)
        return None if minutes is None else timedelta(minutes=minutes)


class Costs(_Config):
    """Dollars per intervention (City Administrative Officer figures)."""

    unarmed_per_intervention: float = 35
    police_per_intervention: float = 85


class Security(_Config):
    """Session policy the provider or city sets for every console (docs/security.md)."""

    # A console with no keyboard or mouse input this long locks and asks for the password.
    idle_lock_min: float = Field(default=15, gt=0)
    # Personal data of incidents closed longer ago leaves the consoles' local files.
    local_purge_hours: float = Field(default=72, gt=0)


class Locations(_Config):
    """Location history at intake (issue 22, docs/locations.md)."""

    # Earlier incidents this close to the point are the same place.
    history_radius_m: float = Field(default=50, gt=0, le=1000)
    # How far back the history reaches.
    history_months: int = Field(default=24, ge=1, le=120)


class Deployment(_Config):
    name: str
    providers: tuple[str, ...]
    service_areas: tuple[ServiceArea, ...]
    teams: tuple[TeamConfig, ...]
    thresholds: Thresholds = Thresholds()
    costs: Costs = Costs()
    security: Security = Security()
    locations: Locations = Locations()
    average_speed_kmh: float = 30

    @property
    def divisions(self) -> tuple[str, ...]:
        return tuple(d for area in self.service_areas for d in area.divisions)

    def service_area_of(self, division: str) -> str | None:
        for area in self.service_areas:
            if division in area.divisions:
                return area.name
        return None

    @model_validator(mode="after")
    def _consistent(self) -> Deployment:
        served = set(self.divisions)
        if len(served) != len(self.divisions):
            raise ValueError("a division is in more than one service area")
        signs = [t.call_sign for t in self.teams]
        if len(set(signs)) != len(signs):
            raise ValueError("call signs must be unique")
        for team in self.teams:
            if team.provider not in self.providers:
                raise ValueError(f"team {team.call_sign}: unknown provider {team.provider!r}")
            if team.division not in served:
                raise ValueError(f"team {team.call_sign}: division {team.division!r} not served")
        return self
