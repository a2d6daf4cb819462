"""The closed vocabularies of the program: states, statuses, codes.

Every enum is a ``StrEnum`` so its members compare equal to, and serialise as,
the exact strings of the wire protocol (protocol.md).
"""

from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import Final

from .marks import QT_TR_NOOP


class IncidentState(StrEnum):
    PENDING = "pending"
    ASSIGNED = "assigned"
    CLOSED = "closed"


class TeamStatus(StrEnum):
    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    TRANSPORTING = "transporting"
    FOLLOW_UP = "follow_up"
    OUT_OF_SERVICE = "out_of_service"
    OFF_DUTY = "off_duty"

    @property
    def label(self) -> str:
        return _TEAM_STATUS_LABELS[self]


_TEAM_STATUS_LABELS = {
    TeamStatus.AVAILABLE: QT_TR_NOOP("Available"),
    TeamStatus.DISPATCHED: QT_TR_NOOP("Dispatched"),
    TeamStatus.EN_ROUTE: QT_TR_NOOP("En route"),
    TeamStatus.ON_SCENE: QT_TR_NOOP("On scene"),
    TeamStatus.TRANSPORTING: QT_TR_NOOP("Transporting"),
    TeamStatus.FOLLOW_UP: QT_TR_NOOP("Follow-up / documentation"),
    TeamStatus.OUT_OF_SERVICE: QT_TR_NOOP("Out of service"),
    TeamStatus.OFF_DUTY: QT_TR_NOOP("Off duty"),
}

# Statuses in which a team is working an incident and must hold one.
INCIDENT_BOUND_STATUSES = frozenset(
    {TeamStatus.DISPATCHED, TeamStatus.EN_ROUTE, TeamStatus.ON_SCENE, TeamStatus.TRANSPORTING}
)


class Priority(IntEnum):
    """Clinical urgency: 1 is the most urgent."""

    URGENT = 1
    HIGH = 2
    ROUTINE = 3


class CallType(StrEnum):
    MENTAL_HEALTH = "mental_health"
    SUICIDAL_IDEATION = "suicidal_ideation"
    WELFARE_CHECK = "welfare_check"
    SUBSTANCE_USE = "substance_use"
    CONFLICT = "conflict"
    PERSON_IN_DISTRESS = "person_in_distress"
    TRESPASS = "trespass"
    SYRINGE_DISPOSAL = "syringe_disposal"
    FOLLOW_UP_VISIT = "follow_up_visit"

    @property
    def label(self) -> str:
        return _CALL_TYPE_LABELS[self]


_CALL_TYPE_LABELS = {
    CallType.MENTAL_HEALTH: QT_TR_NOOP("Mental-health crisis"),
    CallType.SUICIDAL_IDEATION: QT_TR_NOOP("Suicidal ideation (non-imminent)"),
    CallType.WELFARE_CHECK: QT_TR_NOOP("Welfare check"),
    CallType.SUBSTANCE_USE: QT_TR_NOOP("Substance use / intoxicated person"),
    CallType.CONFLICT: QT_TR_NOOP("Disturbance or conflict"),
    CallType.PERSON_IN_DISTRESS: QT_TR_NOOP("Person in distress / unhoused outreach"),
    CallType.TRESPASS: QT_TR_NOOP("Trespass"),
    CallType.SYRINGE_DISPOSAL: QT_TR_NOOP("Syringe disposal"),
    CallType.FOLLOW_UP_VISIT: QT_TR_NOOP("Follow-up visit"),
}


class Source(StrEnum):
    LAPD_911 = "lapd_911"
    TRANSFER_988 = "988_transfer"
    DIRECT_LINE = "direct_line"
    POLICE_REQUEST = "police_request"
    TEAM_INITIATED = "team_initiated"
    FOLLOW_UP = "scheduled_follow_up"


class Disposition(StrEnum):
    RESOLVED_ON_SCENE = "resolved_on_scene"
    REFERRAL_MADE = "referral_made"
    VOLUNTARY_TRANSPORT = "voluntary_transport"
    WARM_HANDOFF = "warm_handoff"
    DECLINED_SERVICES = "declined_services"
    UNABLE_TO_LOCATE = "unable_to_locate"
    REDIRECTED_LAPD = "redirected_lapd"
    REDIRECTED_LAFD = "redirected_lafd"
    CANCELLED = "cancelled"
    DUPLICATE = "duplicate"


class Agency(StrEnum):
    LAPD = "LAPD"
    LAFD = "LAFD"


REDIRECT_DISPOSITION = {
    Agency.LAPD: Disposition.REDIRECTED_LAPD,
    Agency.LAFD: Disposition.REDIRECTED_LAFD,
}

# The words a dispatcher reads for each disposition: the close dialog, the EIDO
# export's description. One table, total over the enum.
DISPOSITION_LABELS: Final = MappingProxyType(
    {
        Disposition.RESOLVED_ON_SCENE: QT_TR_NOOP("Resolved on scene"),
        Disposition.REFERRAL_MADE: QT_TR_NOOP("Referral made"),
        Disposition.VOLUNTARY_TRANSPORT: QT_TR_NOOP("Voluntary transport to a facility"),
        Disposition.WARM_HANDOFF: QT_TR_NOOP("Warm handoff to a provider"),
        Disposition.DECLINED_SERVICES: QT_TR_NOOP("Declined services"),
        Disposition.UNABLE_TO_LOCATE: QT_TR_NOOP("Unable to locate"),
        Disposition.REDIRECTED_LAPD: QT_TR_NOOP("Redirected to LAPD"),
        Disposition.REDIRECTED_LAFD: QT_TR_NOOP("Redirected to LAFD / EMS"),
        Disposition.CANCELLED: QT_TR_NOOP("Cancelled"),
        Disposition.DUPLICATE: QT_TR_NOOP("Duplicate"),
    }
)


class CautionCategory(StrEnum):
    """What a caution note on a place warns of (docs/locations.md)."""

    ANIMAL = "animal"
    WEAPON_SEEN = "weapon_seen"
    VIOLENCE = "violence"
    ACCESS = "access"
    MEDICAL = "medical"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_safety(self) -> bool:
        """A category the safety screen must be shown beside (weapon, violence, medical)."""
        return self in SAFETY_CAUTIONS


SAFETY_CAUTIONS = frozenset(
    {CautionCategory.WEAPON_SEEN, CautionCategory.VIOLENCE, CautionCategory.MEDICAL}
)


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    DISPATCHER = "dispatcher"
    WALL = "wall"
    FIELD = "field"


class RejectCode(StrEnum):
    TEAM_UNAVAILABLE = "team_unavailable"
    INVALID_TRANSITION = "invalid_transition"
    VERSION_CONFLICT = "version_conflict"
    UNKNOWN_ENTITY = "unknown_entity"
    INCIDENT_CLOSED = "incident_closed"
    INVALID_PAYLOAD = "invalid_payload"
    FORBIDDEN = "forbidden"
    DUPLICATE_ENTITY = "duplicate_entity"
    # Extension: the event names an author other than the token's user and the
    # server cannot prove it is theirs (docs/security.md, "Who did it").
    AUTHOR_UNPROVEN = "author_unproven"


class EventType(StrEnum):
    INCIDENT_CREATED = "incident.created"
    INCIDENT_UPDATED = "incident.updated"
    INCIDENT_NOTE_ADDED = "incident.note_added"
    INCIDENT_TEAM_ASSIGNED = "incident.team_assigned"
    INCIDENT_TEAM_RELEASED = "incident.team_released"
    INCIDENT_REDIRECTED = "incident.redirected"
    INCIDENT_CLOSED = "incident.closed"
    INCIDENT_REOPENED = "incident.reopened"
    TEAM_STATUS_CHANGED = "team.status_changed"
    TEAM_CHECKED_IN = "team.checked_in"
    # Extension: a team of the deployment configuration joins the roster.
    TEAM_CREATED = "team.created"
    # Extensions for team safety, follow-ups and scheduled calls (docs/server.md).
    TEAM_ALERT_ESCALATED = "team.alert_escalated"
    TEAM_ALERT_ACKNOWLEDGED = "team.alert_acknowledged"
    INCIDENT_FOLLOW_UP_SCHEDULED = "incident.follow_up_scheduled"
    INCIDENT_FOLLOW_UP_DONE = "incident.follow_up_done"
    INCIDENT_HANDOFF_REQUESTED = "incident.handoff_requested"
    INCIDENT_HANDOFF_ACCEPTED = "incident.handoff_accepted"
    INCIDENT_SCHEDULED = "incident.scheduled"
    # Extension (issue 22): a caution note on the incident's place (docs/locations.md).
    INCIDENT_CAUTION_ADDED = "incident.caution_added"
    # Extension (issue 24): a field team calls for help now; a dispatcher acknowledges it.
    TEAM_HELP_REQUESTED = "team.help_requested"
    TEAM_HELP_ACKNOWLEDGED = "team.help_acknowledged"

    @property
    def entity_kind(self) -> str:
        return self.value.split(".", 1)[0]
