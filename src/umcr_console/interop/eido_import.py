"""NENA-STA-021 EIDO (Emergency Incident Data Object) import.

``eido_to_incident_created`` maps a received EIDO (a 911 call transfer) to
the payload of a new incident, or raises ``EidoImportError`` listing
everything that did not validate or did not map. The export:
interop/eido_export.py.

Pure mapping: no I/O, no Qt, no server (docs/interop.md).
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from ..domain.enums import CallType, Priority, Source
from ..domain.events import IncidentCreated
from ..domain.marks import QT_TR_NOOP, tr
from ..domain.model import Caller, Location, Safety
from . import codes, pidf
from .eido_export import EIDO_VERSION


class EidoWarning(str):
    """A warning in English (what logs and tests read) that keeps its marked
    template and values, so the EIDO dialog shows it in the console's language."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> EidoWarning:
        made = super().__new__(cls, template.format(**values))
        made.template = template
        made.values = values
        return made

    def translated(self) -> str:
        return tr(self.template).format(**self.values)


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
    warnings: list[EidoWarning]
    # Notes of the sender that are not the call narrative (IncidentCreated has
    # no notes; the console adds them as notes of the new incident).
    notes: list[str]
    # The sender's incident tracking id, to quote when calling them back.
    source_incident_id: str


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
        self.warnings: list[EidoWarning] = []

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
            self.warnings.append(
                EidoWarning(QT_TR_NOOP("{count} calls: the first one was used"), count=len(calls))
            )

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
                EidoWarning(
                    QT_TR_NOOP(
                        "the sender flagged safety cautions: redirect the call, or give the "
                        "reason an unarmed team still takes it"
                    )
                )
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
                EidoWarning(
                    QT_TR_NOOP(
                        "no incident type (a call transfer): set to welfare check; screen the call"
                    )
                )
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
        self.warnings.append(
            EidoWarning(QT_TR_NOOP("no call: the received time is the document's last update"))
        )
        return fallback

    def _source(self, call: Mapping[str, Any]) -> Source:
        local = call.get("localCallType")
        if isinstance(local, str) and local in codes.SOURCE_VALUES:
            return Source(local)
        self.warnings.append(
            EidoWarning(QT_TR_NOOP("the source is not given: set to LAPD 911 diversion"))
        )
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
        self.warnings.append(
            EidoWarning(QT_TR_NOOP("no priority: set to 2 (high); triage the call"))
        )
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
                self.warnings.append(
                    EidoWarning(
                        QT_TR_NOOP("a location given only by reference was not dereferenced")
                    )
                )
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
            self.warnings.append(
                EidoWarning(
                    QT_TR_NOOP("the callback number is longer than 40 characters: left out")
                )
            )
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
                    EidoWarning(
                        QT_TR_NOOP("caution {name} has no safety flag here: read it in the notes"),
                        name=repr(caution.get("cautionTypeInternalText") or common),
                    )
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
