"""The code tables between the console's vocabularies and the EIDO registries.

One table per vocabulary, each total over the console's enum (a test checks
it), so a new call type or disposition cannot be exported unmapped. The same
tables, read backwards, map an imported document; aliases there accept codes
other dispatch systems are known to send for the same kind of call.

docs/interop.md states these tables and where each value comes from.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from ..domain.enums import DISPOSITION_LABELS as DISPOSITION_LABELS  # the one table, re-exported
from ..domain.enums import Agency, CallType, Disposition, Priority, Source, TeamStatus

# Incident types: codes of APCO ANS 2.103.1-2012 "Public Safety Communications
# Common Incident Types for Data Exchange", the list the official EIDO schema
# ships (NIEMComponents/apco.yaml, apcoIncidentCategoryCodeSimpleType).
INCIDENT_TYPE: Final = MappingProxyType(
    {
        CallType.MENTAL_HEALTH: "EDP",
        CallType.SUICIDAL_IDEATION: "SUICTHRT",
        CallType.WELFARE_CHECK: "WELFARE",
        CallType.SUBSTANCE_USE: "INTOX",
        CallType.CONFLICT: "DISORD",
        CallType.PERSON_IN_DISTRESS: "CITASST",
        CallType.TRESPASS: "TRESPASS",
        CallType.SYRINGE_DISPOSAL: "PROPFND",
        CallType.FOLLOW_UP_VISIT: "ADMIN",
    }
)

# Codes other systems send for the same kinds of call. MNTL is the
# mental-health (non-violent) code some CAD code plans use; CIVIL is APCO's
# civil dispute. Only non-violent kinds: a violent one is not for an unarmed
# team, and its import must fail rather than look like a crisis call.
INCIDENT_TYPE_ALIASES: Final = MappingProxyType(
    {
        "MNTL": CallType.MENTAL_HEALTH,
        "MENTAL": CallType.MENTAL_HEALTH,
        "CIVIL": CallType.CONFLICT,
        "NOISE": CallType.CONFLICT,
        "PERSUSP": CallType.WELFARE_CHECK,
    }
)

# Dispositions. The APCO 1.111 list itself was not available to the project
# (docs/interop.md, "Dispositions"); these registry codes follow its wording as
# far as it is public, and every exported disposition also carries the
# console's own value (dispositionCategoryText) and label, so nothing rests on
# the code alone and an import from the console round-trips exactly.
DISPOSITION: Final = MappingProxyType(
    {
        Disposition.RESOLVED_ON_SCENE: "Resolved",
        Disposition.REFERRAL_MADE: "Referred",
        Disposition.VOLUNTARY_TRANSPORT: "Transported",
        Disposition.WARM_HANDOFF: "TransferredToProvider",
        Disposition.DECLINED_SERVICES: "ServiceRefused",
        Disposition.UNABLE_TO_LOCATE: "UnableToLocate",
        Disposition.REDIRECTED_LAPD: "ReferredToOtherAgency",
        Disposition.REDIRECTED_LAFD: "ReferredToOtherAgency",
        Disposition.CANCELLED: "Cancelled",
        Disposition.DUPLICATE: "Duplicate",
    }
)

# Team status -> (primary unit status: availability, secondary: what it does).
# The EIDO requires both; the console's own status always travels too
# (unitStatusInternal), so a receiver that reads local codes loses nothing.
UNIT_STATUS: Final = MappingProxyType(
    {
        TeamStatus.AVAILABLE: ("Available", ()),
        TeamStatus.DISPATCHED: ("Unavailable", ("Dispatched",)),
        TeamStatus.EN_ROUTE: ("Unavailable", ("Enroute",)),
        TeamStatus.ON_SCENE: ("Unavailable", ("OnScene",)),
        TeamStatus.TRANSPORTING: ("Unavailable", ("Transporting",)),
        TeamStatus.FOLLOW_UP: ("Unavailable", ("Documentation",)),
        TeamStatus.OUT_OF_SERVICE: ("OutOfService", ()),
        TeamStatus.OFF_DUTY: ("OffDuty", ()),
    }
)

# Call priority (STA-023 priorityIdentifier) <-> the console's clinical priority.
CALL_PRIORITY: Final = MappingProxyType(
    {Priority.URGENT: "high", Priority.HIGH: "normal", Priority.ROUTINE: "low"}
)
CALL_PRIORITY_IMPORT: Final = MappingProxyType(
    {
        "highest": Priority.URGENT,
        "high": Priority.URGENT,
        "normal": Priority.HIGH,
        "low": Priority.ROUTINE,
        "lowest": Priority.ROUTINE,
    }
)

# Where a call came from: the call component's localCallType carries the
# console's value; the primary call type is the LogEvent registry's.
PRIMARY_CALL_TYPE: Final = "emergency"
SOURCE_VALUES: Final = frozenset(s.value for s in Source)

# Safety screen flags <-> caution components.
CAUTIONS: Final = MappingProxyType(
    {
        "weapons": "Weapons",
        "violence": "Violence",
        "medical": "Medical",
        "crime": "CrimeInProgress",
    }
)

# The receiving agencies of a redirect: IANA urn:emergency:service:responder
# types (prefix left out, as STA-021 asks) and the name in their jCard.
AGENCY_TYPES: Final = MappingProxyType({Agency.LAPD: ("police",), Agency.LAFD: ("fire", "ems")})
AGENCY_NAMES: Final = MappingProxyType(
    {
        Agency.LAPD: "Los Angeles Police Department",
        Agency.LAFD: "Los Angeles Fire Department",
    }
)
# No responder type in the IANA registry names an unarmed crisis team; this
# local value says what the provider is (docs/interop.md).
CRISIS_AGENCY_TYPE: Final = "crisis_response"

# Person roles (Person Role registry) of the two people the console records.
ROLE_CALLER: Final = "Caller"
ROLE_SUBJECT: Final = "Subject"


def incident_type_of(code: str) -> CallType | None:
    """The call type an incident type code maps to, or None."""
    wanted = code.strip().upper()
    for call_type, mapped in INCIDENT_TYPE.items():
        if mapped == wanted:
            return call_type
    return INCIDENT_TYPE_ALIASES.get(wanted)
