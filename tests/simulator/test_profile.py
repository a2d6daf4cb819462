"""The shipped call profile: consistent, and what the derivation tool makes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from umcr_console.config import resource
from umcr_console.domain.enums import CallType
from umcr_console.simulator.profile import load_profile, smooth_circular

ROOT = Path(__file__).resolve().parents[2]


def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "derive_call_profile", ROOT / "tools" / "derive_call_profile.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_counts_add_up() -> None:
    data = json.loads(resource("calls", "lapd_2020_profile.json").read_text(encoding="utf-8"))
    assert data["rows"] == 998 == sum(data["hour_of_day_all_codes"])
    assert data["mapped_rows"] == sum(data["call_types"].values()) == sum(data["hour_of_day"])
    assert data["mapped_rows"] == sum(data["code_counts"].values())
    by_type: dict[str, int] = {}
    for code, count in data["code_counts"].items():
        call_type = data["code_to_call_type"][code]
        by_type[call_type] = by_type.get(call_type, 0) + count
    assert by_type == data["call_types"]
    # 462 rows are "Outside" a division.
    assert sum(data["calls_by_division"].values()) == 998 - 462
    assert len(data["calls_by_division"]) == 21
    # The shipped profile is the one the simulator reads.
    profile = load_profile()
    assert profile.hour_counts == tuple(data["hour_of_day"])
    assert set(profile.call_types) <= set(CallType)
    assert abs(sum(profile.hour_weights) - 1) < 1e-9


def test_the_tool_maps_exact_codes_and_hours() -> None:
    derive = tool().derive
    rows = [
        {"Area_Occ": "West LA", "Dispatch_Time": "23:59:59", "Call_Type_Code": "918M"},
        {"Area_Occ": "Outside", "Dispatch_Time": "0:00:01", "Call_Type_Code": "415M"},
        # A man with knives: refused by the screen, not a crisis call for us.
        {"Area_Occ": "N Hollywood", "Dispatch_Time": "7:10:00", "Call_Type_Code": "415M6"},
        {"Area_Occ": "Central", "Dispatch_Time": "7:11:00", "Call_Type_Code": "6"},
    ]
    profile = derive(rows)
    assert profile["call_types"] == {"mental_health": 1, "person_in_distress": 1}
    assert profile["hour_of_day"][23] == 1 and profile["hour_of_day"][0] == 1
    assert sum(profile["hour_of_day"]) == 2 and sum(profile["hour_of_day_all_codes"]) == 4
    assert profile["screen_flags"] == {"weapons": 1}
    assert profile["calls_by_division"] == {
        "Central": 1,
        "North Hollywood": 1,
        "West Los Angeles": 1,
    }
    # Every mapped code names one of our call types.
    assert set(tool().CODE_TO_CALL_TYPE.values()) <= {c.value for c in CallType}


def test_smoothing_keeps_the_total_and_wraps_midnight() -> None:
    counts = [0.0] * 24
    counts[0] = 4.0
    smoothed = smooth_circular(counts)
    assert smoothed[23] == 1.0 and smoothed[0] == 2.0 and smoothed[1] == 1.0
    assert sum(smoothed) == 4.0
