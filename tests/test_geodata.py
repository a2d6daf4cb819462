"""The shipped geography files: present, unedited, current, loaded once."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from umcr_console import geodata
from umcr_console.config import resource

ROOT = Path(__file__).resolve().parents[1]

# Byte-for-byte copies of ../shared/data (resources/geo/SOURCES.md).
SHIPPED = {
    "lapd_divisions.geojson": "5d343580987508af33499cc40bd7ae9fa73f44893688b66cdec4f3151f590a4a",
    "lapd_police_stations.csv": "9db2d6a033d7198954c756ee657618c4665b99370840019306dfd958cf75d3f2",
}


@pytest.mark.parametrize(("name", "sha256"), SHIPPED.items())
def test_the_public_data_is_shipped_unedited(name: str, sha256: str) -> None:
    data = resource("geo", name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha256
    sources = resource("geo", "SOURCES.md").read_text(encoding="utf-8")
    assert name in sources and sha256 in sources


def test_the_simplified_copy_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "simplify_divisions.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "19058 -> 2804 vertices" in result.stdout


def test_loaded_once_and_shared() -> None:
    assert geodata.geography() is geodata.geography()
    assert geodata.drawing_geography() is geodata.drawing_geography()
    assert geodata.stations() is geodata.stations()
    assert geodata.drawing_geography() is not geodata.geography()


def test_division_at_and_station_of() -> None:
    assert geodata.division_at(34.0537, -118.2428) == "Central"  # City Hall
    assert geodata.division_at(34.0736, -118.4004) is None  # Beverly Hills
    station = geodata.station_of("77TH STREET")
    assert station is not None and station.address == "7600 S. BROADWAY"
    assert "City of Los Angeles" in geodata.ATTRIBUTION
