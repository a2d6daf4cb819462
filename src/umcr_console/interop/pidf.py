"""PIDF-LO (RFC 4119, civic address RFC 5139, geodetic shapes RFC 5491): the
location format the EIDO carries by value.

Export writes one ``gml:Point`` (WGS84, "lat lon" order as EPSG:4326 says)
and a civic address whose ``LOC`` element holds the address text the
dispatcher typed: the console keeps an address as free text and does not
guess house numbers and street names out of it. Import reads a point, or the
centre of a circle or ellipse (what a mobile carrier sends), and composes an
address text from the civic elements.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

PIDF = "urn:ietf:params:xml:ns:pidf"
GP = "urn:ietf:params:xml:ns:pidf:geopriv10"
CA = "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"
GML = "http://www.opengis.net/gml"
GS = "http://www.opengis.net/pidflo/1.0"
DM = "urn:ietf:params:xml:ns:pidf:data-model"
WGS84 = "urn:ogc:def:crs:EPSG::4326"

# Civic elements that make up a street line, in the order they are said.
_STREET = ("HNO", "HNS", "PRD", "RD", "STS", "POD")
# A document that declares entities could expand without bound or reach out
# for files; a location never needs one.
_DECLARATION = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class PidfError(ValueError):
    """A locationByValue that is not a usable PIDF-LO."""


@dataclass(frozen=True)
class ParsedLocation:
    address: str
    lat: float | None
    lon: float | None


def build(entity: str, address: str, lat: float | None, lon: float | None) -> str:
    """A PIDF-LO document with the address text and, if known, the point."""
    point = ""
    if lat is not None and lon is not None:
        # repr keeps every digit, so an import gives back the same float.
        point = f'<gml:Point srsName="{WGS84}"><gml:pos>{lat!r} {lon!r}</gml:pos></gml:Point>'
    civic = (
        '<ca:civicAddress xml:lang="en"><ca:country>US</ca:country>'
        + (f"<ca:LOC>{escape(address)}</ca:LOC>" if address else "")
        + "</ca:civicAddress>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<presence xmlns="{PIDF}" xmlns:gp="{GP}" xmlns:ca="{CA}" xmlns:gml="{GML}" '
        f'xmlns:dm="{DM}" entity={quoteattr(entity)}>'
        '<dm:device id="incident-location"><gp:geopriv><gp:location-info>'
        f"{point}{civic}"
        "</gp:location-info><gp:usage-rules/><gp:method>Manual</gp:method>"
        "</gp:geopriv></dm:device></presence>"
    )


def parse(text: str) -> ParsedLocation:
    """The address text and point of a PIDF-LO document."""
    if _DECLARATION.search(text):
        raise PidfError("a DOCTYPE or ENTITY declaration is not accepted in a location")
    try:
        root = ET.fromstring(text.strip())
    except ET.ParseError as exc:
        raise PidfError(f"not well-formed XML: {exc}") from None
    lat = lon = None
    for tag in (f"{{{GML}}}Point", f"{{{GS}}}Circle", f"{{{GS}}}Ellipse"):
        shape = root.find(f".//{tag}")
        if shape is None:
            continue
        pos = shape.find(f"{{{GML}}}pos")
        if pos is None or not (pos.text or "").split():
            raise PidfError(f"{tag.split('}')[1]} without a gml:pos")
        lat, lon = _position(pos.text or "")
        break
    address = ", ".join(_civic_parts(root))
    return ParsedLocation(address=address, lat=lat, lon=lon)


def _position(text: str) -> tuple[float, float]:
    parts = text.split()
    if len(parts) < 2:
        raise PidfError(f"gml:pos {text!r} needs a latitude and a longitude")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise PidfError(f"gml:pos {text!r} is not numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise PidfError(f"gml:pos {text!r} is off the globe (lat lon order, WGS84)")
    return lat, lon


def _civic_parts(root: ET.Element) -> list[str]:
    civic = root.find(f".//{{{CA}}}civicAddress")
    if civic is None:
        return []

    def value(name: str) -> str:
        element = civic.find(f"{{{CA}}}{name}")
        return " ".join((element.text or "").split()) if element is not None else ""

    street = " ".join(v for v in (value(n) for n in _STREET) if v)
    parts = [street, value("LOC"), value("A3"), value("A1")]
    return [p for p in parts if p]
