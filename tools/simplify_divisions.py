"""Make resources/geo/lapd_divisions_simplified.geojson, the outlines the map draws.

    python tools/simplify_divisions.py [--tolerance-m 10] [--check]

The full LAPD boundaries have 19,058 vertices; the map draws all 21 outlines
on every pan and zoom, and point-in-polygon keeps using the full file. This
simplifies every ring with Douglas-Peucker at a tolerance in metres (measured
in a local projection, so it means the same east-west and north-south).

At the default 10 m the result has 2,804 vertices and every division's area
stays within 0.1% of the full one: a 10 m step is below one pixel until the
map is zoomed to about 7x the whole-city view. Shared borders are simplified
from each side separately, so neighbouring outlines may part by up to 10 m.

The input's sha256 is checked against resources/geo/SOURCES.md, so the
drawing copy can only come from the shipped boundaries. ``--check`` compares
the output with the committed file instead of writing it (CI-friendly).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from umcr_console.domain.geography import Geography, simplify_geojson

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "resources" / "geo"
SOURCE = GEO / "lapd_divisions.geojson"
OUT = GEO / "lapd_divisions_simplified.geojson"
SOURCE_SHA256 = "5d343580987508af33499cc40bd7ae9fa73f44893688b66cdec4f3151f590a4a"
DEFAULT_TOLERANCE_M = 10.0


def render(data: dict[str, Any]) -> str:
    """Compact JSON with one feature per line, so a diff shows which division changed."""
    head = {k: v for k, v in data.items() if k != "features"}
    lines = [json.dumps(f, separators=(",", ":")) for f in data["features"]]
    opening = json.dumps(head, separators=(",", ":"))[:-1] + ',"features":[\n'
    return opening + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance-m", type=float, default=DEFAULT_TOLERANCE_M)
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="compare with --out, write nothing")
    args = parser.parse_args(argv)

    raw = args.source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256:
        print(f"{args.source}: sha256 {digest} is not the shipped boundary file", file=sys.stderr)
        return 2
    full = json.loads(raw)
    simplified = simplify_geojson(full, args.tolerance_m)
    # A GeoJSON foreign member: how this copy was made, for whoever opens it.
    simplified["umcr_simplification"] = {
        "method": "Douglas-Peucker per ring, tools/simplify_divisions.py",
        "tolerance_m": args.tolerance_m,
        "source": "lapd_divisions.geojson",
        "source_sha256": SOURCE_SHA256,
    }
    text = render(simplified)

    before = Geography.from_geojson(full)
    after = Geography.from_geojson(simplified)
    projection = before.projection
    worst = 0.0
    for division in before.divisions:
        ratio = after.division(division.name).area_km2(projection) / division.area_km2(projection)
        worst = max(worst, abs(ratio - 1))
    total_before = sum(d.vertex_count for d in before.divisions)
    total_after = sum(d.vertex_count for d in after.divisions)
    print(
        f"tolerance {args.tolerance_m:g} m: {total_before} -> {total_after} vertices, "
        f"largest area change {worst:.3%}, {len(text.encode())} bytes"
    )

    if args.check:
        if not args.out.exists() or args.out.read_text(encoding="utf-8") != text:
            print(f"{args.out} is not current: run tools/simplify_divisions.py", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
