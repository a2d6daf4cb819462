"""NENA-STA-021 EIDO (Emergency Incident Data Object) export and import.

``incident_to_eido`` turns an incident into an EIDO JSON document for another
dispatch system (a redirect to LAPD or LAFD, a saved file); personal and
clinical details go in only when the dispatcher chooses (data minimisation by
default). ``eido_to_incident_created`` maps a received EIDO (a 911 call
transfer) to the payload of a new incident, or raises ``EidoImportError``
listing everything that did not validate or did not map.

Pure mapping: no I/O, no Qt, no server. The official schema is not shipped;
the tests validate every exported document against it (docs/interop.md).
"""

from __future__ import annotations

import html
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from ..domain.enums import REDIRECT_DISPOSITION, Agency, CallType, Priority, Source
from ..domain.events import IncidentCreated
from ..domain.model import Caller, Incident, Location, Note, Safety, Team
from . import codes, pidf

EIDO_VERSION = "1.0"
JSON_LD_CONTEXT = {"@vocab": "./JSON-LD_Contexts/EmergencyIncidentDataObjectType.jsonld"}
# Fixed namespace of the component ids: the same incident exported twice gets
# the same ids, so a receiver can tell an update from a new incident.
_ID_NAMESPACE = uuid.UUID("6f0c51a4-1f0e-4c55-9d0e-7a1f3c0e2b11")
# XML 1.0 cannot carry these characters; a pasted address might.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class EidoIdentity:
    """Who issues the documents. Agency ids are domain names in STA-021.

    The defaults are placeholders under the reserved ``.invalid`` domain; a
    deployment sets its own (docs/interop.md, "Identity").
    """

    agency_id: str = "umcr.lacity.invalid"
    agency_name: str = "Unarmed Model of Crisis Response (UMCR)"
    element_id: str = "console.umcr.lacity.invalid"
    agency_ids: Mapping[Agency, str] = field(
        default_factory=lambda: {Agency.LAPD: "lapd.lacity.invalid", Agency.LAFD: "lafd.invalid"}
    )


@dataclass(frozen=True)
class EidoAgent:
    """The dispatcher who exports: a user name and a workstation."""

    username: str
    workstation_id: str


class EidoImportError(ValueError):
    """A document that does not validate or does not map; ``problems`` says what."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            "the EIDO cannot be imported:\n" + "\n".join(f"- {p}" for p in self.problems)
        )


@dataclass(frozen=True)
class EidoImport:
    """What an imported EIDO maps to."""

    payload: IncidentCreated
    # Values that were missing and defaulted, or parts that were left out.
    warnings: list[str]
    # Notes of the sender that are not the call narrative (IncidentCreated has
    # no notes; the console adds them as notes of the new incident).
    notes: list[str]
    # The sender's incident tracking id, to quote when calling them back.
    source_incident_id: str


# ---- export -----------------------------------------------------------------


def incident_to_eido(
    incident: Incident,
    teams: Iterable[Team],
    *,
    agent: EidoAgent,
    include_personal: bool = False,
    notes: Sequence[Note] | None = None,
    agency_for_redirect: Agency | None = None,
    identity: EidoIdentity | None = None,
) -> dict[str, Any]:
    """The EIDO document of ``incident`` with ``teams`` as its emergency resources.

    ``notes``: the notes the dispatcher chose (none by default). Personal data
    (caller, callback number, person in crisis, narrative, redirect reason)
    only with ``include_personal``. ``agency_for_redirect``: the agency the
    incident goes to (default: the one it was redirected to, if any).
    """
    return _Exporter(
        incident,
        list(teams),
        agent,
        include_personal,
        list(notes or ()),
        agency_for_redirect or incident.redirected_to,
        identity or EidoIdentity(),
    ).document()


def incident_tracking_id(incident_id: str, identity: EidoIdentity | None = None) -> str:
    """The EIDO ``$id`` of an incident: urn:emergency:uid:incidentid:<id>:<agency>."""
    return f"urn:emergency:uid:incidentid:{incident_id}:{(identity or EidoIdentity()).agency_id}"


def _ts(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # stored times are UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "unnamed"


def _jcard(name: str) -> str:
    # RFC 7095 jCard: the agency's contact information as STA-021 asks.
    return json.dumps(
        [
            "vcard",
            [["version", {}, "text", "4.0"], ["fn", {}, "text", name], ["kind", {}, "text", "org"]],
        ]
    )


def _html(text: str) -> str:
    # notesActionComments is HTML5: escaped text is valid HTML and unescapes exactly.
    return html.escape(text, quote=False)


class _Exporter:
    def __init__(
        self,
        incident: Incident,
        teams: list[Team],
        agent: EidoAgent,
        personal: bool,
        notes: list[Note],
        redirect: Agency | None,
        identity: EidoIdentity,
    ) -> None:
        self.incident = incident
        self.teams = teams
        self.agent = agent
        self.personal = personal
        self.notes = notes
        self.redirect = redirect
        self.identity = identity
        self.updated = _ts(incident.updated_at or incident.received_at)
        self.agency_ref = {"$ref": identity.agency_id}
        self.agent_id = self._agent_id(agent.username, identity.agency_id)
        self.agencies: dict[str, dict[str, Any]] = {}
        self.agents: dict[str, dict[str, Any]] = {}

    def _id(self, kind: str, key: str = "") -> str:
        return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{self.incident.id}/{kind}/{key}')}"

    @staticmethod
    def _agent_id(username: str, agency_id: str) -> str:
        return f"{_slug(username)}@{agency_id}"

    def _prologue(self, component_id: str, at: datetime | str | None = None) -> dict[str, Any]:
        stamp = at if isinstance(at, str) else (_ts(at) if at else self.updated)
        return {
            "$id": component_id,
            "lastUpdateTimeStamp": stamp,
            "updatedByAgencyReference": dict(self.agency_ref),
            "updatedByAgentReference": {"$ref": self.agent_id},
        }

    # -- agencies and agents --
    def _agency(
        self, agency_id: str, name: str, types: Sequence[str], roles: Sequence[str], owner: bool
    ) -> str:
        if agency_id not in self.agencies:
            self.agencies[agency_id] = {
                **self._prologue(agency_id),
                "agencyJcard": _jcard(name),
                "agencyRoleDescriptionRegistryText": list(roles),
                "agencyType": list(types),
                "incidentOwningAgencyIndicator": owner,
            }
        return agency_id

    def _add_agent(
        self, agent_id: str, roles: Sequence[str], agency_id: str, workstation: str | None = None
    ) -> str:
        if agent_id not in self.agents:
            entry: dict[str, Any] = {
                **self._prologue(agent_id),
                "agentRoleRegistryText": list(roles),
                "agencyReference": {"$ref": agency_id},
            }
            if workstation:
                entry["agentWorkstationPositionIdentification"] = workstation
            self.agents[agent_id] = entry
        return agent_id

    def _provider_agency(self, provider: str) -> str:
        return self._agency(
            f"{_slug(provider)}.{self.identity.agency_id}",
            provider,
            [codes.CRISIS_AGENCY_TYPE],
            ["Responding"],
            owner=False,
        )

    # -- the document --
    def document(self) -> dict[str, Any]:
        incident = self.incident
        ident = self.identity
        self._agency(
            ident.agency_id,
            ident.agency_name,
            [codes.CRISIS_AGENCY_TYPE],
            ["Dispatching"],
            owner=self.redirect is None,
        )
        if self.redirect is not None:
            self._agency(
                ident.agency_ids[self.redirect],
                codes.AGENCY_NAMES[self.redirect],
                codes.AGENCY_TYPES[self.redirect],
                ["Responding"],
                owner=True,
            )
        self._add_agent(self.agent_id, ["Dispatcher"], ident.agency_id, self.agent.workstation_id)

        doc: dict[str, Any] = {
            "$id": incident_tracking_id(incident.id, ident),
            "lastUpdateTimeStamp": self.updated,
            "updatedByAgencyReference": dict(self.agency_ref),
            "updatedByAgentReference": {"$ref": self.agent_id},
            "eidoVersion": EIDO_VERSION,
            "issuingElementIdentification": ident.element_id,
        }
        location_id = self._location()
        persons, callback = self._persons()
        notes_component, incident_notes, call_notes = self._notes()
        resources, dispatches = self._resources()
        cautions = self._cautions()

        incident_component: dict[str, Any] = {
            **self._prologue(self._id("incident")),
            "incidentTypeCommonRegistryText": codes.INCIDENT_TYPE[incident.call_type],
            "incidentTypeInternalCode": incident.call_type.value,
            "incidentTypeInternalText": incident.call_type.label,
            "incidentStatusInternalText": [incident.state.value],
            "internalIncidentId": incident.number,
            "incidentPriorityInternalText": str(int(incident.priority)),
            "agentReference": [{"$ref": self.agent_id}],
        }
        if incident.location.division:
            incident_component["beatOrDispatchGroupText"] = incident.location.division
        if location_id:
            incident_component["locationReference"] = [{"$ref": location_id}]
        if persons:
            incident_component["personReference"] = [{"$ref": p["$id"]} for p in persons]
        if incident_notes:
            incident_component["notesReference"] = [{"$ref": n} for n in incident_notes]
        if incident.disposition is not None:
            incident_component["dispositionComponent"] = [self._disposition()]
        doc["incidentComponent"] = incident_component
        doc["callComponent"] = [self._call(location_id, persons, callback, call_notes)]
        if callback:
            doc["callbackComponent"] = [callback]
        if dispatches:
            doc["dispatchComponent"] = dispatches
        if notes_component:
            doc["notesComponent"] = notes_component
        if resources:
            doc["emergencyResourceComponent"] = resources
        doc["agencyComponent"] = list(self.agencies.values())
        doc["agentComponent"] = list(self.agents.values())
        if location_id:
            doc["locationComponent"] = [self._location_component(location_id)]
        if persons:
            doc["personComponent"] = persons
        if cautions:
            doc["cautionComponent"] = cautions
        doc["@context"] = dict(JSON_LD_CONTEXT)
        return doc

    def _location(self) -> str | None:
        loc = self.incident.location
        has_point = loc.lat is not None and loc.lon is not None
        return self._id("location") if (loc.address.strip() or has_point) else None

    def _location_component(self, location_id: str) -> dict[str, Any]:
        loc = self.incident.location
        address = _XML_UNSAFE.sub("", loc.address)
        return {
            **self._prologue(location_id, self.incident.received_at),
            "locationTypeDescriptionRegistryText": "Incident",
            "locationByValue": pidf.build(
                f"pres:{self.incident.id}@{self.identity.agency_id}", address, loc.lat, loc.lon
            ),
        }

    def _call(
        self,
        location_id: str | None,
        persons: list[dict[str, Any]],
        callback: dict[str, Any] | None,
        call_notes: list[str],
    ) -> dict[str, Any]:
        incident = self.incident
        call: dict[str, Any] = {
            **self._prologue(self._call_id(), incident.received_at),
            "callStateRegistryText": "callEnd",
            "standardPrimaryCallType": codes.PRIMARY_CALL_TYPE,
            "localCallType": incident.source.value,
            "direction": "incoming",
            "priorityIdentifier": codes.CALL_PRIORITY[incident.priority],
            "callStartTimestamp": _ts(incident.received_at),
            "agentReference": [{"$ref": self.agent_id}],
        }
        if location_id:
            call["locationReference"] = [{"$ref": location_id}]
        if persons:
            call["personReference"] = [{"$ref": p["$id"]} for p in persons]
        if callback:
            call["callBackReference"] = {"$ref": callback["$id"]}
        if call_notes:
            call["notesReference"] = [{"$ref": n} for n in call_notes]
        return call

    def _call_id(self) -> str:
        return f"urn:emergency:uid:callid:{self.incident.id}:{self.identity.agency_id}"

    def _persons(self) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        incident = self.incident
        persons: list[dict[str, Any]] = []
        callback: dict[str, Any] | None = None
        caller = incident.caller
        if self.personal and (caller.name.strip() or caller.phone.strip()):
            person: dict[str, Any] = {
                **self._prologue(self._id("person", "caller"), incident.received_at),
                "personIncidentRoleRegistryText": [codes.ROLE_CALLER],
                "callIdentifier": [self._call_id()],
            }
            if caller.name.strip():
                person["ncPersonComponent"] = {
                    "name": [{"personFullName": [{"value": caller.name}]}]
                }
            if caller.phone.strip():
                callback = {
                    **self._prologue(self._id("callback", "caller"), incident.received_at),
                    # A tel URI has no spaces (RFC 3966); the visual separators stay.
                    "callBackInformationUri": [f"tel:{''.join(caller.phone.split())}"],
                }
                person["callBackReference"] = {"$ref": callback["$id"]}
            persons.append(person)
        # The person in crisis: the language needed is operational (the team
        # that goes needs it) and not identifying; the description is personal.
        nc: dict[str, Any] = {}
        if incident.language.strip():
            nc["primaryLanguage"] = [{"languageName": [{"value": incident.language}]}]
        if self.personal and incident.person.strip():
            nc["description"] = [{"value": incident.person}]
        if nc:
            persons.append(
                {
                    **self._prologue(self._id("person", "subject"), incident.received_at),
                    "personIncidentRoleRegistryText": [codes.ROLE_SUBJECT],
                    "ncPersonComponent": nc,
                }
            )
        return persons, callback

    def _notes(self) -> tuple[list[dict[str, Any]], list[str], list[str]]:
        components: list[dict[str, Any]] = []
        incident_notes: list[str] = []
        call_notes: list[str] = []
        if self.personal and self.incident.narrative.strip():
            note_id = self._id("note", "narrative")
            components.append(
                {
                    **self._prologue(note_id, self.incident.received_at),
                    "notesActionComments": _html(self.incident.narrative),
                }
            )
            call_notes.append(note_id)
        for index, note in enumerate(self.notes):
            note_id = self._id("note", f"{index}/{_ts(note.at)}")
            author = self._add_agent(
                self._agent_id(note.author or "unknown", self.identity.agency_id),
                ["Dispatcher"],
                self.identity.agency_id,
                note.workstation_id,
            )
            components.append(
                {
                    **self._prologue(note_id, note.at),
                    "updatedByAgentReference": {"$ref": author},
                    "notesActionComments": _html(note.text),
                    "agentReference": {"$ref": author},
                }
            )
            incident_notes.append(note_id)
        return components, incident_notes, call_notes

    def _resources(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        resources: list[dict[str, Any]] = []
        dispatches: list[dict[str, Any]] = []
        dispatched_at = self.incident.times.dispatched_at
        for team in self.teams:
            provider = self._provider_agency(team.provider)
            unit_agent = self._add_agent(
                f"{_slug(team.call_sign)}@{provider}", ["Responder"], provider
            )
            primary, secondary = codes.UNIT_STATUS[team.status]
            attributes = ["unarmed", codes.CRISIS_AGENCY_TYPE]
            attributes += [f"language:{lang}" for lang in team.languages]
            resource: dict[str, Any] = {
                **self._prologue(f"urn:uuid:{team.id}", team.status_since),
                "agentReference": [{"$ref": unit_agent}],
                "emergencyResourceTypeCommonRegistryText": "Other",
                "emergencyResourceTypeInternalText": "unarmed_crisis_team",
                "resourceAttributeRegistryText": ["Other"],
                "resourceAttributeInternalText": attributes,
                "emergencyResourceName": team.call_sign,
                "primaryUnitStatusRegistryText": primary,
                "secondaryUnitStatusRegistryText": list(secondary),
                "unitStatusInternal": [team.status.value],
            }
            if team.incident_id is not None:
                resource["activeOnIncidentId"] = incident_tracking_id(
                    team.incident_id, self.identity
                )
            resources.append(resource)
            dispatches.append(
                {
                    **self._prologue(self._id("dispatch", team.id), dispatched_at),
                    "agencyReference": {"$ref": provider},
                    "agentReference": {"$ref": self.agent_id},
                    "emergencyResourceReference": [{"$ref": resource["$id"]}],
                }
            )
        return resources, dispatches

    def _disposition(self) -> dict[str, Any]:
        incident = self.incident
        disposition = incident.disposition
        assert disposition is not None
        description = codes.DISPOSITION_LABELS[disposition]
        if self.personal and incident.redirect_reason:
            # Free text from the dispatcher: personal data like a note.
            description += f": {incident.redirect_reason}"
        return {
            **self._prologue(self._id("disposition"), incident.times.closed_at),
            "dispositionCommonRegistryCode": codes.DISPOSITION[disposition],
            "dispositionPrimaryIndicator": True,
            "dispositionCategoryText": disposition.value,
            "dispositionDescriptionText": description,
        }

    def _cautions(self) -> list[dict[str, Any]]:
        # The safety screen travels always: a responder's safety, not a person's data.
        safety = self.incident.safety
        return [
            {
                **self._prologue(self._id("caution", name), self.incident.received_at),
                "cautionTypeInternalText": name,
                "cautionTypeCommonRegistryText": registry,
                "cautionSeverity": "high",
            }
            for name, registry in codes.CAUTIONS.items()
            if getattr(safety, name)
        ]


# ---- import -----------------------------------------------------------------


def eido_to_incident_created(document: Any) -> EidoImport:
    """Map a received EIDO (a dict, or its JSON text or bytes) to a new incident.

    Raises ``EidoImportError`` with every problem found: not JSON, not an
    EIDO of version 1.0, malformed components, no usable location, an
    incident type that is not for an unarmed team.
    """
    if isinstance(document, bytes | bytearray):
        try:
            document = document.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise EidoImportError([f"not UTF-8 text: {exc}"]) from None
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as exc:
            raise EidoImportError([f"not JSON: {exc.msg} at line {exc.lineno}"]) from None
    return _Importer(document).run()


_REQUIRED_PROLOGUE = ("$id", "lastUpdateTimeStamp", "updatedByAgencyReference")


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _text_values(items: Any) -> list[str]:
    """The strings of a NIEM text array ([{"value": ...}]) or plain strings."""
    found: list[str] = []
    if not isinstance(items, list):
        return found
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("value"), str):
            found.append(item["value"])
    return found


def _refs(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [
        item["$ref"]
        for item in items
        if isinstance(item, Mapping) and isinstance(item.get("$ref"), str)
    ]


class _Importer:
    def __init__(self, document: Any) -> None:
        self.doc = document
        self.problems: list[str] = []
        self.warnings: list[str] = []

    # -- structure --
    def _check_structure(self) -> None:
        doc = self.doc
        if not isinstance(doc, Mapping):
            raise EidoImportError(["not an EIDO: the document is not a JSON object"])
        version = doc.get("eidoVersion")
        if version != EIDO_VERSION:
            self.problems.append(
                f"eidoVersion is {version!r}; only {EIDO_VERSION!r} (NENA-STA-021) is understood"
            )
        if not isinstance(doc.get("issuingElementIdentification"), str):
            self.problems.append("issuingElementIdentification is missing")
        self._prologue("the document", doc)
        agencies = doc.get("agencyComponent")
        if not isinstance(agencies, list) or not agencies:
            self.problems.append("agencyComponent is missing (at least one agency is required)")
        for name, value in doc.items():
            if not (name.endswith("Component") and name != "incidentComponent"):
                continue
            if not isinstance(value, list):
                self.problems.append(f"{name} must be an array")
                continue
            for index, item in enumerate(value):
                if not isinstance(item, Mapping):
                    self.problems.append(f"{name}[{index}] must be an object")
                else:
                    self._prologue(f"{name}[{index}]", item)
        incident = doc.get("incidentComponent")
        if incident is not None:
            if not isinstance(incident, Mapping):
                self.problems.append("incidentComponent must be an object")
            else:
                self._prologue("incidentComponent", incident)
                if not isinstance(incident.get("incidentTypeCommonRegistryText"), str):
                    self.problems.append(
                        "incidentComponent.incidentTypeCommonRegistryText is missing"
                    )

    def _prologue(self, where: str, component: Mapping[str, Any]) -> None:
        for key in _REQUIRED_PROLOGUE:
            if key not in component:
                self.problems.append(f"{where}: {key} is missing")
        if (
            "lastUpdateTimeStamp" in component
            and _parse_time(component["lastUpdateTimeStamp"]) is None
        ):
            self.problems.append(f"{where}: lastUpdateTimeStamp is not a date-time with an offset")
        if "updatedByAgencyReference" in component and not _refs(
            component["updatedByAgencyReference"]
        ):
            self.problems.append(f"{where}: updatedByAgencyReference is not a reference")

    def _components(self, name: str) -> list[Mapping[str, Any]]:
        value = self.doc.get(name)
        if not isinstance(value, list):
            return []
        return [item for item in value if isinstance(item, Mapping)]

    def _by_id(self, name: str) -> dict[str, Mapping[str, Any]]:
        return {c["$id"]: c for c in self._components(name) if isinstance(c.get("$id"), str)}

    # -- mapping --
    def run(self) -> EidoImport:
        self._check_structure()
        if self.problems:
            raise EidoImportError(self.problems)
        incident = self.doc.get("incidentComponent") or {}
        calls = self._components("callComponent")
        call = calls[0] if calls else {}
        if len(calls) > 1:
            self.warnings.append(f"{len(calls)} calls: the first one was used")

        call_type = self._call_type(incident)
        received_at = self._received_at(call)
        source = self._source(call)
        priority = self._priority(incident, call)
        location = self._location(incident, call)
        caller = self._caller(call)
        person, language = self._subject()
        safety = self._safety()
        narrative, notes = self._notes(incident, call)
        if self.problems:
            raise EidoImportError(self.problems)
        assert call_type is not None and received_at is not None and location is not None
        if safety.any_flag:
            self.warnings.append(
                "the sender flagged safety cautions: redirect the call, or give the reason "
                "an unarmed team still takes it"
            )
        try:
            payload = IncidentCreated(
                received_at=received_at,
                source=source,
                call_type=call_type,
                priority=priority,
                location=location,
                caller=caller,
                language=language,
                safety=safety,
                narrative=narrative,
                person=person,
            )
        except ValidationError as exc:
            raise EidoImportError(
                [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
            ) from None
        return EidoImport(
            payload=payload,
            warnings=self.warnings,
            notes=notes,
            source_incident_id=str(self.doc.get("$id", "")),
        )

    def _call_type(self, incident: Mapping[str, Any]) -> CallType | None:
        if not incident:
            # A call transfer comes before any incident is typed (the official
            # sample has no incident component): the dispatcher screens it.
            self.warnings.append(
                "no incident type (a call transfer): set to welfare check; screen the call"
            )
            return CallType.WELFARE_CHECK
        internal = incident.get("incidentTypeInternalCode")
        if isinstance(internal, str) and internal in {c.value for c in CallType}:
            # Our own code (an EIDO the console wrote): exact, even if two call
            # types ever share a registry code.
            return CallType(internal)
        code = str(incident.get("incidentTypeCommonRegistryText", ""))
        found = codes.incident_type_of(code)
        if found is None:
            self.problems.append(
                f"unknown incident type {code!r}: not a call type for an unarmed team "
                f"(known: {', '.join(sorted({*codes.INCIDENT_TYPE.values(), *codes.INCIDENT_TYPE_ALIASES}))})"
            )
        return found

    def _received_at(self, call: Mapping[str, Any]) -> datetime | None:
        if call:
            start = _parse_time(call.get("callStartTimestamp"))
            if start is not None:
                return start
            self.problems.append(
                "callComponent[0].callStartTimestamp is missing or not a date-time"
            )
            return None
        fallback = _parse_time(self.doc.get("lastUpdateTimeStamp"))
        self.warnings.append("no call: the received time is the document's last update")
        return fallback

    def _source(self, call: Mapping[str, Any]) -> Source:
        local = call.get("localCallType")
        if isinstance(local, str) and local in codes.SOURCE_VALUES:
            return Source(local)
        self.warnings.append("the source is not given: set to LAPD 911 diversion")
        return Source.LAPD_911

    def _priority(self, incident: Mapping[str, Any], call: Mapping[str, Any]) -> Priority:
        internal = incident.get("incidentPriorityInternalText")
        if (
            isinstance(internal, str)
            and internal in {"1", "2", "3"}
            and incident.get("incidentTypeInternalCode") in {c.value for c in CallType}
        ):
            return Priority(int(internal))
        identifier = call.get("priorityIdentifier")
        if isinstance(identifier, str) and identifier in codes.CALL_PRIORITY_IMPORT:
            return codes.CALL_PRIORITY_IMPORT[identifier]
        self.warnings.append("no priority: set to 2 (high); triage the call")
        return Priority.HIGH

    def _location(self, incident: Mapping[str, Any], call: Mapping[str, Any]) -> Location | None:
        locations = self._by_id("locationComponent")
        # The incident's own location first, then the call's, then any.
        order = _refs(incident.get("locationReference", [])) + _refs(
            call.get("locationReference", [])
        )
        order += [i for i in locations if i not in order]
        skipped_by_reference = False
        errors: list[str] = []
        for location_id in order:
            component = locations.get(location_id)
            if component is None:
                continue
            value = component.get("locationByValue")
            if not isinstance(value, str):
                skipped_by_reference = skipped_by_reference or "locationByReferenceUrl" in component
                continue
            try:
                parsed = pidf.parse(value)
            except pidf.PidfError as exc:
                errors.append(f"location {location_id}: {exc}")
                continue
            if not parsed.address and parsed.lat is None:
                errors.append(f"location {location_id}: neither an address nor a point")
                continue
            if skipped_by_reference:
                self.warnings.append("a location given only by reference was not dereferenced")
            division = incident.get("beatOrDispatchGroupText")
            try:
                return Location(
                    address=parsed.address[:200],
                    lat=parsed.lat,
                    lon=parsed.lon,
                    division=division if isinstance(division, str) and division else None,
                )
            except ValidationError as exc:
                errors.append(f"location {location_id}: {exc.errors()[0]['msg']}")
        if errors:
            self.problems.extend(errors)
        else:
            self.problems.append(
                "missing location: no location component with a PIDF-LO value (an address or a point)"
            )
        return None

    def _persons_with(self, role: str) -> list[Mapping[str, Any]]:
        return [
            p
            for p in self._components("personComponent")
            if role in (p.get("personIncidentRoleRegistryText") or [])
        ]

    def _caller(self, call: Mapping[str, Any]) -> Caller:
        callers = self._persons_with(codes.ROLE_CALLER)
        callbacks = self._by_id("callbackComponent")
        name = ""
        callback_ref = _refs(call.get("callBackReference", {}))
        for person in callers:
            nc = person.get("ncPersonComponent") or {}
            for entry in nc.get("name", []) if isinstance(nc, Mapping) else []:
                if isinstance(entry, Mapping):
                    full = _text_values(entry.get("personFullName"))
                    if full and not name:
                        name = full[0]
            callback_ref = _refs(person.get("callBackReference", {})) or callback_ref
        phone = ""
        for ref in callback_ref:
            callback = callbacks.get(ref) or {}
            phone = _phone(callback.get("callBackInformationUri"))
            if phone:
                break
        if len(phone) > 40:
            self.warnings.append("the callback number is longer than 40 characters: left out")
            phone = ""
        return Caller(name=name[:200], phone=phone)

    def _subject(self) -> tuple[str, str]:
        descriptions: list[str] = []
        language = ""
        for person in self._persons_with(codes.ROLE_SUBJECT):
            nc = person.get("ncPersonComponent") or {}
            if not isinstance(nc, Mapping):
                continue
            descriptions += _text_values(nc.get("description"))
            for lang in nc.get("primaryLanguage", []) or []:
                if isinstance(lang, Mapping) and not language:
                    names = _text_values(lang.get("languageName"))
                    language = names[0] if names else ""
        return "\n".join(descriptions), language[:200]

    def _safety(self) -> Safety:
        flags: dict[str, bool] = {}
        by_registry = {v.lower(): k for k, v in codes.CAUTIONS.items()}
        for caution in self._components("cautionComponent"):
            internal = str(caution.get("cautionTypeInternalText", "")).lower()
            common = str(caution.get("cautionTypeCommonRegistryText", "")).lower()
            name = internal if internal in codes.CAUTIONS else by_registry.get(common)
            if name:
                flags[name] = True
            else:
                self.warnings.append(
                    f"caution {caution.get('cautionTypeInternalText') or common!r} has no "
                    "safety flag here: read it in the notes"
                )
        return Safety(**flags)

    def _notes(self, incident: Mapping[str, Any], call: Mapping[str, Any]) -> tuple[str, list[str]]:
        notes = self._by_id("notesComponent")
        call_refs = _refs(call.get("notesReference", []))
        narrative_parts = [
            html.unescape(str(notes[r].get("notesActionComments", "")))
            for r in call_refs
            if r in notes
        ]
        # What the caller's device sent as a comment (RFC 7852 Comment block).
        for extra in self._components("additionalDataComponent"):
            narrative_parts += _comments(extra.get("additionalDataByValue"))
        others = [
            html.unescape(str(n.get("notesActionComments", "")))
            for note_id, n in notes.items()
            if note_id not in call_refs
        ]
        return "\n\n".join(p for p in narrative_parts if p), [o for o in others if o]


def _phone(uris: Any) -> str:
    """The number of the first tel: URI, else of a sip: URI with a number."""
    if not isinstance(uris, list):
        return ""
    texts = [u for u in uris if isinstance(u, str)]
    for uri in texts:
        if uri.lower().startswith("tel:"):
            return uri[4:].split(";", 1)[0]
    for uri in texts:
        match = re.match(r"sips?:(\+?[0-9][0-9().-]*)@", uri, re.IGNORECASE)
        if match:
            return match.group(1)
    return ""


_COMMENT_NS = "urn:ietf:params:xml:ns:EmergencyCallData:Comment"


def _comments(value: Any) -> list[str]:
    if not isinstance(value, str) or _COMMENT_NS not in value:
        return []
    if re.search(r"<!(DOCTYPE|ENTITY)", value, re.IGNORECASE):
        return []
    try:
        root = ET.fromstring(value.strip())
    except ET.ParseError:
        return []
    return [
        " ".join((c.text or "").split())
        for c in root.iter(f"{{{_COMMENT_NS}}}Comment")
        if (c.text or "").strip()
    ]


def redirect_agency_of(incident: Incident) -> Agency | None:
    """The agency an incident was redirected to, by its redirect or its disposition."""
    if incident.redirected_to is not None:
        return incident.redirected_to
    for agency, disposition in REDIRECT_DISPOSITION.items():
        if incident.disposition == disposition:
            return agency
    return None
