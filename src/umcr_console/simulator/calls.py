"""What one simulated call is: its content, drawn when it arrives.

Everything a call will need later (its disposition, how long the team stays)
is drawn at arrival from the call stream, so the sequence of calls depends on
the seed only, not on how busy the floor is. Caller names and numbers are
plainly fake: names carry "(sim)", phone numbers are in 555-0100..0199, the
range reserved for fiction.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.enums import Agency, CallType, CautionCategory, Disposition, Priority, Source
from ..domain.ids import uuid7
from ..domain.model import Caller, Location, Safety
from .params import LANGUAGES, Parameters, priority_of
from .profile import CallProfile, normalised


class Places(Protocol):
    """Where calls happen: a point inside a division's polygon."""

    def sample(self, division: str, rng: random.Random) -> tuple[float, float]:
        """(lat, lon) drawn uniformly inside ``division``."""
        ...


@dataclass(frozen=True)
class Redirect:
    agency: Agency
    reason: str
    safety: Safety


@dataclass
class CallPlan:
    """One call and the course it is meant to take (the floor may change it)."""

    incident_id: str
    received: datetime  # model time
    division: str
    call_type: CallType
    priority: Priority
    source: Source
    # The source if no team is free to have found the person itself.
    fallback_source: Source
    location: Location
    caller: Caller
    language: str
    person: str
    narrative: str
    redirect: Redirect | None
    disposition: Disposition
    cancel_en_route: bool
    cancel_fraction: float
    intake_min: float
    decision_min: float
    scene_min: float
    transport_min: float
    ready: bool = False
    scene_over: bool = False
    # A caution note the dispatcher writes on the place with the redirect (issue 22).
    caution: tuple[CautionCategory, str] | None = None


_FIRST = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Drew")
_LAST_INITIAL = "ABCDEFGHJKLMNPRSTVW"
_AREA_CODES: Mapping[str, str] = {
    "Devonshire": "818",
    "West Valley": "818",
    "West Los Angeles": "310",
}
_PLACES = (
    "bus stop",
    "parking lot of a grocery store",
    "apartment building",
    "park",
    "gas station",
    "library entrance",
    "strip mall",
    "single-family home",
    "encampment",
    "transit station",
)
_PEOPLE = ("man", "woman", "person")
_NARRATIVES: Mapping[CallType, Sequence[str]] = {
    CallType.MENTAL_HEALTH: (
        "Caller reports a {person} shouting at people passing by at the {place}; appears confused, no weapons seen.",
        "Family member says the {person} has stopped taking medication and is not sleeping; calm but paranoid.",
    ),
    CallType.SUICIDAL_IDEATION: (
        "{Person} told a friend they do not want to live any more; no plan or means stated, agrees to talk.",
        "988 counselor transferring: {person} with passive suicidal thoughts, safe for now, asks for someone to come.",
    ),
    CallType.WELFARE_CHECK: (
        "Neighbor has not seen the {person} for two days; mail piling up at the {place}.",
        "Caller worried about a {person} sitting without moving at the {place} for hours.",
    ),
    CallType.SUBSTANCE_USE: (
        "{Person} appears intoxicated and unsteady at the {place}; breathing, talking, no injuries seen.",
        "Manager reports a {person} drinking at the {place} and bothering customers; not aggressive.",
    ),
    CallType.CONFLICT: (
        "Loud argument between neighbors at the {place}; no one hurt, no weapons mentioned.",
        "Family dispute: adult child and parent arguing; caller wants help calming things down.",
    ),
    CallType.PERSON_IN_DISTRESS: (
        "{Person} crying and yelling at the {place}; unhoused, asks for help with shelter.",
        "Caller reports a {person} without shoes at the {place}, cold and disoriented.",
    ),
    CallType.TRESPASS: (
        "{Person} sleeping in the {place} after hours; owner wants them moved along kindly.",
        "Security guard reports a {person} who will not leave the {place}; calm, no weapons.",
    ),
    CallType.SYRINGE_DISPOSAL: (
        "Used syringes reported near the {place}; caller asks for safe pick-up.",
    ),
    CallType.FOLLOW_UP_VISIT: (
        "Scheduled follow-up with a {person} seen last week; check housing referral and medication.",
    ),
}
_REDIRECT_REASONS: Mapping[str, tuple[Agency, str, Safety]] = {
    "weapons": (Agency.LAPD, "caller reports a knife in hand", Safety(weapons=True)),
    "violence": (Agency.LAPD, "fight in progress, someone being hit", Safety(violence=True)),
    "crime": (Agency.LAPD, "restraining order violation in progress", Safety(crime=True)),
    "medical": (Agency.LAFD, "unresponsive after taking pills, needs EMS", Safety(medical=True)),
}


# Repeat locations (issue 22): a share of calls come from a place called from
# before (outreach teams' "frequent locations": encampments, group homes, a
# family that calls again). About one in six is an assumption in line with the
# repeat-caller shares unarmed-response programs report; each division keeps
# a pool of such places. Drawn from a stream of their own, so the rest of a
# seed's calls are exactly what they were before.
REPEAT_SHARE = 0.16
REPEAT_POOL = 30
# How often the dispatcher who redirects a weapon or violence call leaves a
# caution note on the place.
CAUTION_SHARE = 0.5
_CAUTIONS: Mapping[str, tuple[CautionCategory, str]] = {
    "weapons": (CautionCategory.WEAPON_SEEN, "Knife seen on an earlier call (sim)"),
    "violence": (CautionCategory.VIOLENCE, "Fight at this address on an earlier call (sim)"),
}


def _choice(rng: random.Random, weights: Mapping[object, float]) -> object:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


class CallFactory:
    """Draws calls: type, priority, source, place, words, and their course."""

    def __init__(
        self,
        params: Parameters,
        profile: CallProfile,
        divisions: Sequence[str],
        places: Places,
    ) -> None:
        self.params = params
        self.places = places
        self.division_weights = profile.division_weights(divisions)
        lapd = normalised({str(k): float(v) for k, v in profile.call_types.items()})
        lapd_share = 1.0 - params.follow_up_share - params.syringe_share
        self.call_type_weights: dict[CallType, float] = {
            CallType(k): v * lapd_share for k, v in lapd.items()
        }
        self.call_type_weights[CallType.FOLLOW_UP_VISIT] = params.follow_up_share
        self.call_type_weights[CallType.SYRINGE_DISPOSAL] = params.syringe_share
        flags = {k: float(v) for k, v in profile.screen_flags.items() if k in _REDIRECT_REASONS}
        police = normalised(flags) if flags else {"weapons": 1.0}
        medical = params.medical_share_of_redirects
        self.redirect_weights = {k: v * (1 - medical) for k, v in police.items()}
        self.redirect_weights["medical"] = medical
        self.fallback_sources = normalised(
            {str(k): v for k, v in params.sources.items() if k != Source.TEAM_INITIATED}
        )
        self._repeat_rng = random.Random(0x5EED22)
        self._repeat_places: dict[str, list[Location]] = {}

    def draw(self, rng: random.Random, received: datetime) -> CallPlan:
        p = self.params
        division = str(_choice(rng, self.division_weights))
        call_type = CallType(str(_choice(rng, self.call_type_weights)))
        priority = priority_of(call_type, rng)
        fallback = Source(str(_choice(rng, self.fallback_sources)))
        if call_type == CallType.FOLLOW_UP_VISIT:
            source = Source.FOLLOW_UP
        else:
            source = Source(str(_choice(rng, {str(k): v for k, v in p.sources.items()})))
        lat, lon = self.places.sample(division, rng)
        place = rng.choice(_PLACES)
        location = Location(
            address=f"{place.capitalize()} near {lat:.5f}, {lon:.5f}",
            lat=lat,
            lon=lon,
            division=division,
        )
        location = self._repeat(division, location)
        person = f"{rng.choice(_PEOPLE)}, about {rng.randrange(18, 80)}"
        narrative = rng.choice(_NARRATIVES[call_type]).format(
            person=person.split(",")[0], Person=person.split(",")[0].capitalize(), place=place
        )
        redirect = None
        # Follow-ups are planned visits: nothing to screen out.
        if call_type != CallType.FOLLOW_UP_VISIT and rng.random() < p.redirect_share:
            agency, reason, safety = _REDIRECT_REASONS[str(_choice(rng, self.redirect_weights))]
            redirect = Redirect(agency, reason, safety)
        caution = None
        if redirect is not None and self._repeat_rng.random() < CAUTION_SHARE:
            kind = "weapons" if redirect.safety.weapons else "violence"
            if redirect.safety.weapons or redirect.safety.violence:
                caution = _CAUTIONS[kind]
        return CallPlan(
            incident_id=uuid7(),
            received=received,
            division=division,
            call_type=call_type,
            priority=priority,
            source=source,
            fallback_source=fallback,
            location=location,
            caller=self._caller(rng, division),
            language=str(_choice(rng, LANGUAGES)),
            person=person.capitalize(),
            narrative=narrative,
            redirect=redirect,
            disposition=Disposition(
                str(_choice(rng, {str(k): v for k, v in p.dispositions.items()}))
            ),
            cancel_en_route=rng.random() < p.cancel_en_route_share,
            cancel_fraction=rng.uniform(0.2, 0.8),
            intake_min=p.intake.draw(rng),
            decision_min=p.decision.draw(rng),
            scene_min=p.scene.draw(rng),
            transport_min=p.transport.draw(rng),
            caution=caution,
        )

    def _repeat(self, division: str, fresh: Location) -> Location:
        """An earlier call's place (REPEAT_SHARE of calls), else ``fresh``, kept for later."""
        pool = self._repeat_places.setdefault(division, [])
        rng = self._repeat_rng
        if pool and rng.random() < REPEAT_SHARE:
            return rng.choice(pool)
        if len(pool) < REPEAT_POOL:
            pool.append(fresh)
        elif rng.random() < 0.1:
            pool[rng.randrange(REPEAT_POOL)] = fresh
        return fresh

    @staticmethod
    def _caller(rng: random.Random, division: str) -> Caller:
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST_INITIAL)}. (sim)"
        area = _AREA_CODES.get(division, "213")
        return Caller(name=name, phone=f"({area}) 555-01{rng.randrange(100):02d}")
