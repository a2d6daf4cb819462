"""The simulator: call-takers, a dispatcher and field teams acting on a floor.

One agenda of timed steps, run in simulated time. The dispatcher side takes
calls (creates incidents, redirects the ones the safety screen refuses,
assigns teams, closes calls); the field side moves each team through en
route, on scene, check-ins, transporting, follow-up and back to available.

The field side reacts to what it sees in the floor's state, not to what the
simulator meant to happen: whoever dispatched a team (the simulator or a
person at a console), the team drives, arrives and checks in. Each team step
remembers the team's phase (status, incident, status_since) when it was
planned and is dropped if the phase changed meanwhile, so a dispatcher who
takes over a team or closes a call simply wins. Rejections (a team someone
else just took) are counted and answered: pick another team or wait.

Every draw comes from random streams seeded from one seed (arrivals, calls,
one per team), so a run is repeatable: same seed, same calls, same times.
Ids are fresh UUIDv7 every run, so a second run against the same server is
never taken for a resend of the first.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import random
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..domain import events as ev
from ..domain.config import Deployment
from ..domain.enums import Disposition, EventType, IncidentState, Source, TeamStatus
from ..domain.model import Incident, Team
from ..protocol import EventResult, ResultStatus
from .calls import CallFactory, CallPlan, Places
from .floor import Floor
from .pacing import Pacer
from .params import Parameters
from .profile import TIMEZONE, CallProfile, load_profile

log = logging.getLogger(__name__)

PhaseKey = tuple[TeamStatus, str | None, datetime]

_CLOSE_NOTES = {
    Disposition.RESOLVED_ON_SCENE: "De-escalated; person safe, no further need today.",
    Disposition.REFERRAL_MADE: "Referred to outpatient mental-health services; info card left.",
    Disposition.WARM_HANDOFF: "Warm handoff to the provider's case manager by phone on scene.",
    Disposition.DECLINED_SERVICES: "Person declined services; safe, resources offered.",
    Disposition.VOLUNTARY_TRANSPORT: "Voluntary transport to the crisis stabilization unit completed.",
    Disposition.UNABLE_TO_LOCATE: "Searched the area; nobody matching the description found.",
}
_CHECK_IN_NOTES = (
    "Code 4, still talking with the person.",
    "All fine, working on a plan with the family.",
    "Safe; waiting for the provider to call back.",
    "Person calmer; staying a while longer.",
)


def _local_zone() -> tzinfo:
    try:
        return ZoneInfo(TIMEZONE)
    except ZoneInfoNotFoundError:  # Windows without the tzdata package
        return timezone(timedelta(hours=-8), "PST")


@dataclass
class Stats:
    """What a run did; the CLI prints it, the tests read it."""

    seed: str = ""
    calls: int = 0
    created: int = 0
    redirected: int = 0
    cautions: int = 0  # caution notes left on places (issue 22)
    team_initiated: int = 0
    assigned: int = 0
    closed: int = 0
    abandoned: int = 0
    cancelled_en_route: int = 0
    check_ins: int = 0
    # With --field-page (issue 24): assignment reads and positions sent by field users.
    field_page_reads: int = 0
    positions_sent: int = 0
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    max_waiting: int = 0
    # Simulated time covered, in minutes (less than asked if stopped early).
    simulated_min: float = 0.0

    def as_dict(self) -> dict[str, object]:
        data = {k: v for k, v in self.__dict__.items() if k != "rejected"}
        data["rejected"] = dict(sorted(self.rejected.items()))
        return data


@dataclass(order=True)
class _Step:
    at: datetime
    order: int
    action: Callable[[], Awaitable[None]] = field(compare=False)


class Simulator:
    """Drives ``floor`` in simulated time paced by ``pacer``."""

    def __init__(
        self,
        floor: Floor,
        pacer: Pacer,
        deployment: Deployment,
        places: Places,
        *,
        params: Parameters | None = None,
        profile: CallProfile | None = None,
        seed: int | str | None = None,
        workstation_id: str = "simulator",
        poll_every: timedelta | None = None,
    ) -> None:
        self.floor = floor
        self.pacer = pacer
        self.deployment = deployment
        self.params = params or Parameters()
        profile = profile or load_profile()
        seed_text = str(seed) if seed is not None else secrets.token_hex(8)
        self.stats = Stats(seed=seed_text)
        # Separate streams: busier teams draw more, but never shift the calls.
        self._seed = seed_text
        self._rng_arrivals = random.Random(f"{seed_text}:arrivals")
        self._rng_calls = random.Random(f"{seed_text}:calls")
        self._rng_adopt = random.Random(f"{seed_text}:adopted")
        self._rng_teams: dict[str, random.Random] = {}
        self.factory = CallFactory(self.params, profile, deployment.divisions, places)
        weights = profile.hour_weights
        self._hour_weights = weights
        self._max_weight = max(weights)
        self._zone = _local_zone()
        self.workstation_id = workstation_id
        self.plans: dict[str, CallPlan] = {}
        self._phase: dict[str, PhaseKey] = {}
        self._agenda: list[_Step] = []
        self._order = itertools.count()
        self._dispatch_needed = False
        self._arrivals_until: datetime | None = None
        self.now = pacer.origin
        # On a shared floor people act between the simulator's steps: look at
        # least this often (simulated time), so a team a person dispatches
        # sets off at once, not at the next call.
        self.poll_every = poll_every

    # -- the run ---------------------------------------------------------------

    async def run(
        self,
        *,
        until: datetime | None = None,
        arrivals_until: datetime | None = None,
        stop: asyncio.Event | None = None,
    ) -> Stats:
        """Run until simulated time ``until``, ``stop`` is set, or nothing is left to do.

        No call arrives at or after ``arrivals_until`` (default: ``until``);
        the calls already on the floor are still worked to the end.
        """
        stop = stop or asyncio.Event()
        self._arrivals_until = arrivals_until or until
        await self.floor.refresh()
        self._adopt_own_incidents()
        self._observe()
        start = self.now
        burst = start
        for _ in range(self.params.warmup_calls):
            # A demo's floor fills at once: calls about a simulated minute apart.
            burst += timedelta(minutes=self._rng_arrivals.expovariate(1.0))
            self._at(burst, lambda: self._arrival(chain=False))
        if (first := self._next_arrival(start)) is not None:
            self._at(first, lambda: self._arrival(chain=True))
        if self.poll_every is not None:
            self._after(self.poll_every.total_seconds() / 60, self._poll)
        while self._agenda:
            step = self._agenda[0]
            if until is not None and step.at > until:
                break
            if not await self.pacer.wait_until(step.at, stop):
                break
            heapq.heappop(self._agenda)
            self.now = max(self.now, step.at)
            self.stats.simulated_min = (self.now - start).total_seconds() / 60
            # See what people at consoles did since the last step.
            await self.floor.refresh()
            self._observe()
            await step.action()
            if self._dispatch_needed:
                await self._dispatch_round()
        return self.stats

    def _at(self, at: datetime, action: Callable[[], Awaitable[None]]) -> None:
        heapq.heappush(self._agenda, _Step(at, next(self._order), action))

    def _after(self, minutes: float, action: Callable[[], Awaitable[None]]) -> None:
        self._at(self.now + timedelta(minutes=minutes), action)

    def _stamp(self) -> datetime:
        return self.pacer.stamp(self.now)

    # -- arrivals --------------------------------------------------------------

    def _next_arrival(self, after: datetime) -> datetime | None:
        """The next call of a Poisson process whose rate follows the hour of day.

        Thinning (Lewis and Shedler): candidates at the peak rate, each kept
        with the weight of its local hour over the peak weight.
        """
        per_minute = self.params.calls_per_day * self._max_weight / 60.0
        if per_minute <= 0:
            return None  # teams only: no calls of its own
        t = after
        while True:
            t += timedelta(minutes=self._rng_arrivals.expovariate(per_minute))
            if self._arrivals_until is not None and t >= self._arrivals_until:
                return None
            hour = t.astimezone(self._zone).hour
            if self._rng_arrivals.random() * self._max_weight < self._hour_weights[hour]:
                return t

    async def _arrival(self, *, chain: bool) -> None:
        if chain and (following := self._next_arrival(self.now)) is not None:
            self._at(following, lambda: self._arrival(chain=True))
        plan = self.factory.draw(self._rng_calls, self.now)
        self.plans[plan.incident_id] = plan
        self.stats.calls += 1
        if plan.source == Source.TEAM_INITIATED:
            team = None if plan.redirect else self._free_team(plan.division, own_only=True)
            if team is not None:
                await self._team_found(plan, team)
                return
            # Nobody on patrol there: someone else calls it in.
            plan.source = plan.fallback_source
        self._after(plan.intake_min, lambda: self._intake_done(plan))

    def _created(self, plan: CallPlan) -> ev.Event:
        redirect = plan.redirect
        payload = ev.IncidentCreated(
            received_at=self.pacer.stamp(plan.received),
            source=plan.source,
            call_type=plan.call_type,
            priority=plan.priority,
            location=plan.location,
            caller=plan.caller if plan.source != Source.TEAM_INITIATED else ev.Caller(),
            language=plan.language,
            safety=redirect.safety if redirect else ev.Safety(),
            narrative=plan.narrative,
            person=plan.person,
            # As the console's intake does: the screen's reason goes with the redirect.
            screen_override_reason=redirect.reason if redirect else "",
        )
        return self._event(EventType.INCIDENT_CREATED, plan.incident_id, payload)

    async def _team_found(self, plan: CallPlan, team: Team) -> None:
        """A team on patrol found someone: it is on scene at once (logged by dispatch)."""
        results = await self._submit(
            [
                self._created(plan),
                self._event(
                    EventType.INCIDENT_TEAM_ASSIGNED,
                    plan.incident_id,
                    ev.TeamAssigned(team_id=team.id),
                ),
                self._event(
                    EventType.TEAM_STATUS_CHANGED,
                    team.id,
                    ev.StatusChanged(status=TeamStatus.ON_SCENE, note="found on patrol"),
                ),
            ]
        )
        if results[0].status != ResultStatus.ACCEPTED:
            return
        self.stats.created += 1
        self.stats.team_initiated += 1
        # Should it come back to the queue (someone took the team, or cleared
        # it from the call), it is dispatched like any other call.
        plan.ready = True
        self._watch_wait(plan)
        if results[1].status == ResultStatus.ACCEPTED:
            self.stats.assigned += 1
        else:
            self._dispatch_needed = True

    async def _intake_done(self, plan: CallPlan) -> None:
        created = self._created(plan)
        if plan.redirect is not None:
            redirected = self._event(
                EventType.INCIDENT_REDIRECTED,
                plan.incident_id,
                ev.Redirected(agency=plan.redirect.agency, reason=plan.redirect.reason),
            )
            batch = [created, redirected]
            if plan.caution is not None:
                category, text = plan.caution
                batch.append(
                    self._event(
                        EventType.INCIDENT_CAUTION_ADDED,
                        plan.incident_id,
                        ev.CautionAdded(category=category, text=text),
                    )
                )
            results = await self._submit(batch)
            self.stats.created += results[0].status == ResultStatus.ACCEPTED
            self.stats.redirected += results[1].status == ResultStatus.ACCEPTED
            self.stats.cautions += len(results) > 2 and results[2].status == ResultStatus.ACCEPTED
            return
        results = await self._submit([created])
        if results[0].status != ResultStatus.ACCEPTED:
            return
        self.stats.created += 1
        self._after(plan.decision_min, lambda: self._ready(plan))
        self._watch_wait(plan)

    def _watch_wait(self, plan: CallPlan) -> None:
        self._at(
            plan.received + timedelta(minutes=self.params.max_wait_min),
            lambda: self._abandon(plan),
        )

    async def _poll(self) -> None:
        # The loop refreshes the view before every step; this step is only that.
        assert self.poll_every is not None
        self._after(self.poll_every.total_seconds() / 60, self._poll)

    async def _ready(self, plan: CallPlan) -> None:
        plan.ready = True
        self._dispatch_needed = True

    async def _abandon(self, plan: CallPlan) -> None:
        incident = self.floor.state.incident(plan.incident_id)
        if incident is None or incident.state != IncidentState.PENDING or incident.team_ids:
            return
        note = f"No team free for {self.params.max_wait_min:.0f} min; caller told to call 911 if needed."
        if await self._close(incident.id, Disposition.CANCELLED, note):
            self.stats.abandoned += 1

    # -- dispatch --------------------------------------------------------------

    def _waiting(self) -> list[Incident]:
        """Own calls ready for a team and without one, most urgent first, then oldest."""
        found = []
        for incident_id, plan in list(self.plans.items()):
            incident = self.floor.state.incident(incident_id)
            if incident is not None and not incident.is_open:
                # Done with: a demo that runs for hours keeps only open calls.
                del self.plans[incident_id]
                continue
            if (
                plan.ready
                and incident
                and incident.state == IncidentState.PENDING
                and not incident.team_ids
            ):
                found.append(incident)
        return sorted(found, key=lambda i: (i.priority, i.received_at))

    async def _dispatch_round(self) -> None:
        """Give free teams to waiting calls, most urgent first."""
        self._dispatch_needed = False
        waiting = self._waiting()
        self.stats.max_waiting = max(self.stats.max_waiting, len(waiting))
        for incident in waiting:
            for _attempt in range(3):
                team = self._choose_team(incident)
                if team is None:
                    break
                result = (
                    await self._submit(
                        [
                            self._event(
                                EventType.INCIDENT_TEAM_ASSIGNED,
                                incident.id,
                                ev.TeamAssigned(team_id=team.id),
                            )
                        ]
                    )
                )[0]
                if result.status == ResultStatus.ACCEPTED:
                    self.stats.assigned += 1
                    break
                if result.code != "team_unavailable":
                    break  # closed or taken over by someone: nothing to do
                # A dispatcher took that team a moment ago: the view is fresh now, try another.

    def _free_team(self, division: str, *, own_only: bool) -> Team | None:
        area = self.deployment.service_area_of(division)
        free = [
            t
            for t in self.floor.state.teams.values()
            if t.status == TeamStatus.AVAILABLE and t.incident_id is None
        ]
        # The team idle longest goes first, so work spreads over the teams.
        free.sort(key=lambda t: (t.status_since, t.call_sign))
        for team in free:
            if team.division == division:
                return team
        if own_only or area is None:
            return None
        for team in free:
            if self.deployment.service_area_of(team.division) == area:
                return team
        return None

    def _choose_team(self, incident: Incident) -> Team | None:
        division = incident.location.division or ""
        return self._free_team(division, own_only=False)

    # -- the teams -------------------------------------------------------------

    def _team_rng(self, team: Team) -> random.Random:
        rng = self._rng_teams.get(team.id)
        if rng is None:
            rng = self._rng_teams[team.id] = random.Random(f"{self._seed}:team:{team.call_sign}")
        return rng

    def _observe(self) -> None:
        """React to every team whose phase changed, whoever changed it."""
        teams = sorted(self.floor.state.teams.values(), key=lambda t: t.call_sign)
        for team in teams:
            key = (team.status, team.incident_id, team.status_since)
            if self._phase.get(team.id) == key:
                continue
            self._phase[team.id] = key
            self._on_phase(team, key)

    def _plan_of(self, team: Team) -> CallPlan | None:
        return self.plans.get(team.incident_id) if team.incident_id else None

    def _on_phase(self, team: Team, key: PhaseKey) -> None:
        p = self.params
        rng = self._team_rng(team)
        plan = self._plan_of(team)
        status = team.status
        if status == TeamStatus.DISPATCHED:
            self._after(
                p.turnout.draw(rng), lambda: self._set_status(team.id, key, TeamStatus.EN_ROUTE)
            )
        elif status == TeamStatus.EN_ROUTE:
            travel = p.travel.draw(rng)
            incident = self.floor.state.incident(team.incident_id or "")
            if incident and incident.location.division not in (None, team.division):
                travel += p.cross_division_extra.draw(rng)
            if plan is not None and plan.cancel_en_route:
                self._after(travel * plan.cancel_fraction, lambda: self._cancel(team.id, key))
            else:
                self._after(travel, lambda: self._set_status(team.id, key, TeamStatus.ON_SCENE))
        elif status == TeamStatus.ON_SCENE:
            self._after(
                rng.uniform(p.check_in_min, p.check_in_max), lambda: self._check_in(team.id, key)
            )
            if plan is not None and not plan.scene_over:
                self._after(plan.scene_min, lambda: self._scene_end(team.id, key))
        elif status == TeamStatus.TRANSPORTING:
            if plan is not None:
                self._after(plan.transport_min, lambda: self._transport_end(team.id, key))
        elif status == TeamStatus.FOLLOW_UP:
            self._after(
                p.follow_up.draw(rng), lambda: self._set_status(team.id, key, TeamStatus.AVAILABLE)
            )
        elif status == TeamStatus.AVAILABLE:
            self._dispatch_needed = True
        # Out of service and off duty are people's decisions: the team waits.

    def _current(self, team_id: str, key: PhaseKey) -> Team | None:
        """The team if it is still in the phase the step was planned for."""
        team = self.floor.state.team(team_id)
        if team is None or (team.status, team.incident_id, team.status_since) != key:
            return None
        return team

    async def _set_status(
        self, team_id: str, key: PhaseKey, status: TeamStatus, note: str = ""
    ) -> None:
        if self._current(team_id, key) is None:
            return
        await self._submit(
            [
                self._event(
                    EventType.TEAM_STATUS_CHANGED,
                    team_id,
                    ev.StatusChanged(status=status, note=note),
                )
            ],
            team_id=team_id,
        )

    async def _check_in(self, team_id: str, key: PhaseKey) -> None:
        team = self._current(team_id, key)
        if team is None:
            return
        rng = self._team_rng(team)
        note = rng.choice(_CHECK_IN_NOTES)
        results = await self._submit(
            [self._event(EventType.TEAM_CHECKED_IN, team_id, ev.CheckedIn(note=note))],
            team_id=team_id,
        )
        if results[0].status == ResultStatus.ACCEPTED:
            self.stats.check_ins += 1
        p = self.params
        self._after(
            rng.uniform(p.check_in_min, p.check_in_max), lambda: self._check_in(team_id, key)
        )

    async def _scene_end(self, team_id: str, key: PhaseKey) -> None:
        team = self._current(team_id, key)
        plan = self._plan_of(team) if team else None
        if team is None or plan is None or plan.scene_over:
            return
        plan.scene_over = True
        if plan.disposition == Disposition.VOLUNTARY_TRANSPORT:
            await self._set_status(
                team_id, key, TeamStatus.TRANSPORTING, "to the crisis stabilization unit"
            )
        else:
            await self._close(
                plan.incident_id,
                plan.disposition,
                _CLOSE_NOTES.get(plan.disposition, "Closed by the team."),
            )

    async def _transport_end(self, team_id: str, key: PhaseKey) -> None:
        team = self._current(team_id, key)
        plan = self._plan_of(team) if team else None
        if plan is not None:
            await self._close(
                plan.incident_id,
                Disposition.VOLUNTARY_TRANSPORT,
                _CLOSE_NOTES[Disposition.VOLUNTARY_TRANSPORT],
            )

    async def _cancel(self, team_id: str, key: PhaseKey) -> None:
        team = self._current(team_id, key)
        plan = self._plan_of(team) if team else None
        if plan is not None and await self._close(
            plan.incident_id, Disposition.CANCELLED, "Caller called back: no longer needed."
        ):
            self.stats.cancelled_en_route += 1

    async def _close(self, incident_id: str, disposition: Disposition, note: str) -> bool:
        incident = self.floor.state.incident(incident_id)
        if incident is None or not incident.is_open:
            return False
        results = await self._submit(
            [
                self._event(
                    EventType.INCIDENT_CLOSED,
                    incident_id,
                    ev.Closed(disposition=disposition, note=note),
                )
            ]
        )
        accepted = results[0].status == ResultStatus.ACCEPTED
        self.stats.closed += accepted
        return accepted

    # -- incidents of an earlier run -------------------------------------------

    def _adopt_own_incidents(self) -> None:
        """Open incidents this user created in an earlier run: finish them too."""
        for incident in self.floor.state.incidents.values():
            if (
                incident.is_open
                and incident.created_by == self.floor.username
                and incident.id not in self.plans
            ):
                plan = self.factory.draw(self._rng_adopt, incident.received_at)
                plan.incident_id = incident.id
                plan.redirect = None
                plan.cancel_en_route = False
                plan.ready = True
                self.plans[incident.id] = plan
                self._dispatch_needed = True

    # -- submitting ------------------------------------------------------------

    def _event(self, event_type: EventType, entity_id: str, payload: ev.Payload) -> ev.Event:
        return ev.make_event(
            event_type,
            entity_id,
            payload,
            workstation_id=self.workstation_id,
            occurred_at=self._stamp(),
        )

    async def _submit(
        self, events: Sequence[ev.Event], *, team_id: str | None = None
    ) -> list[EventResult]:
        results = await self.floor.submit(events, team_id=team_id)
        for event, result in zip(events, results, strict=True):
            if result.status == ResultStatus.REJECTED:
                code = str(result.code)
                self.stats.rejected[code] += 1
                log.info(
                    "%s %s rejected: %s (%s)", event.type, event.entity_id, code, result.detail
                )
            else:
                self.stats.accepted += 1
                log.debug("%s %s %s", event.type, event.entity_id, result.status)
        await self.floor.refresh()
        self._observe()
        return results
