"""Derive resources/calls/lapd_2020_profile.json from the LAPD calls-for-service sample.

    python tools/derive_call_profile.py [CSV] [--out PATH] [--check]

The simulator needs three things from the real data: which of our call types
the crisis-relevant LAPD codes map to and how often each occurs, the
hour-of-day pattern of those calls, and how calls spread over the divisions.
Only these counts are shipped, not the rows (resources/calls/SOURCES.md).

The input is checked against the sha256 in ../shared/data/SOURCES.md, so the
shipped counts can only come from that exact file. ``--check`` compares the
output with the committed file instead of writing it (CI-friendly).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "lapd_calls_for_service_2020_sample.csv"
DEFAULT_OUT = ROOT / "resources" / "calls" / "lapd_2020_profile.json"
SOURCE_SHA256 = "c7dd6a0ac967b9307f51d909c7875a345b3fe79f8a96b2bebac51bc6c88c3196"

# LAPD radio code (exact Call_Type_Code) -> our CallType. Exact codes, not
# prefixes: 415M (man causing a disturbance) is ours, 415M6 (man with knives)
# is not. Reading of the suffixes follows Call_Type_Text in the file.
CODE_TO_CALL_TYPE: dict[str, str] = {
    # 918: mentally ill person (male, female, possible, with ambulance).
    "918M": "mental_health",
    "918F": "mental_health",
    "918PM": "mental_health",
    "918PF": "mental_health",
    "918AM": "mental_health",
    # 907 ...3: (attempted) suicide; domain.md lists 907 for suicide / overdose.
    "9073": "suicidal_ideation",
    "907A3": "suicidal_ideation",
    "907P3": "suicidal_ideation",
    "907PA3": "suicidal_ideation",
    # 907 ...2: overdose; 390: drunk (man, group) - not the in-vehicle variants (DUI).
    "907A2": "substance_use",
    "390M": "substance_use",
    "390G": "substance_use",
    # 927: check the welfare / investigate; 900: unknown trouble, which a
    # welfare check answers.
    "927I": "welfare_check",
    "927AI": "welfare_check",
    "927AD": "welfare_check",
    "900": "welfare_check",
    "900Q": "welfare_check",
    # 415 by one person (man, woman): a person in distress in public.
    "415M": "person_in_distress",
    "415W": "person_in_distress",
    # 415 by a group, and 620 family / neighbour / roommate / business /
    # landlord-tenant disputes without violence or a restraining order.
    "415G": "conflict",
    "620F": "conflict",
    "620N": "conflict",
    "620M": "conflict",
    "6201": "conflict",
    "620B": "conflict",
    "620L": "conflict",
    # 9212: trespass suspect (now).
    "9212": "trespass",
    "9212N": "trespass",
}

# Crisis-family codes (415, 620) whose text shows the eligibility screen would
# refuse them: why such a call goes to LAPD. Kept as the redirect-reason mix.
CODE_TO_SCREEN_FLAG: dict[str, str] = {
    "415M6": "weapons",  # man with knives
    "415W6": "weapons",  # woman with knives
    "415M3": "weapons",  # man with gun
    "415F": "violence",  # fight
    "415GF": "violence",  # group fight
    "415M8W": "violence",  # man assaulting woman
    "620D": "violence",  # domestic violence
    "620DR": "crime",  # restraining order violation
    "620FR": "crime",
    "620LR": "crime",
}

# Area_Occ spellings that differ from the division polygons' names.
DIVISION_NAMES = {"West LA": "West Los Angeles", "N Hollywood": "North Hollywood"}
OUTSIDE = "Outside"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hour_of(dispatch_time: str) -> int:
    """``9:34:26`` -> 9 (LAPD's local time)."""
    hour = int(dispatch_time.split(":", 1)[0])
    if not 0 <= hour <= 23:
        raise ValueError(f"bad Dispatch_Time {dispatch_time!r}")
    return hour


def derive(rows: list[dict[str, str]]) -> dict[str, object]:
    """The profile of ``rows`` (dicts with the CSV's column names)."""
    mapped_hours = [0] * 24
    all_hours = [0] * 24
    call_types: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    screen_flags: Counter[str] = Counter()
    divisions: Counter[str] = Counter()
    for row in rows:
        hour = hour_of(row["Dispatch_Time"])
        all_hours[hour] += 1
        area = row["Area_Occ"].strip()
        if area != OUTSIDE:
            divisions[DIVISION_NAMES.get(area, area)] += 1
        code = row["Call_Type_Code"].strip()
        if code in CODE_TO_CALL_TYPE:
            mapped_hours[hour] += 1
            call_types[CODE_TO_CALL_TYPE[code]] += 1
            codes[code] += 1
        elif code in CODE_TO_SCREEN_FLAG:
            screen_flags[CODE_TO_SCREEN_FLAG[code]] += 1
    return {
        "rows": len(rows),
        "mapped_rows": sum(call_types.values()),
        "code_to_call_type": CODE_TO_CALL_TYPE,
        "code_counts": dict(sorted(codes.items())),
        "call_types": dict(sorted(call_types.items())),
        "hour_of_day": mapped_hours,
        "hour_of_day_all_codes": all_hours,
        "calls_by_division": dict(sorted(divisions.items())),
        "screen_flags": dict(sorted(screen_flags.items())),
        "code_to_screen_flag": CODE_TO_SCREEN_FLAG,
        "timezone": "America/Los_Angeles",
        "source": {
            "file": "lapd_calls_for_service_2020_sample.csv",
            "sha256": SOURCE_SHA256,
            "repository": "galloeileen/Final_Project_2021_Python",
            "path": "LAPD_Calls_for_Service_2020.csv",
            "commit": "72e0b5994db8c5f42c2ddeb1e772ac3ed62f46fc",
            "dataset": "City of Los Angeles open data, LAPD Calls for Service 2020",
            "dates": "2020-03-21 to 2020-03-28",
        },
    }


def render(profile: dict[str, object]) -> str:
    text = json.dumps(profile, indent=1)
    # One line per list of counts, so a diff shows which hour changed.
    return (
        re.sub(
            r"\[\s*([\d,\s]+?)\s*\]",
            lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]",
            text,
        )
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    digest = sha256(args.csv)
    if digest != SOURCE_SHA256:
        print(f"{args.csv}: sha256 {digest} is not the sample of SOURCES.md", file=sys.stderr)
        return 1
    with args.csv.open(encoding="utf-8-sig", newline="") as f:
        text = render(derive(list(csv.DictReader(f))))
    if args.check:
        if args.out.read_text(encoding="utf-8") != text:
            print(f"{args.out} is out of date: run {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
