"""bench/scale_bench.py --quick runs end to end: history load, snapshot, report, propagation."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL_ENV

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_the_quick_scale_bench_measures_all_three_and_meets_the_history_targets(
    postgres_url: str,
) -> None:
    base = os.environ[POSTGRES_URL_ENV]
    schema = f"t_bench_{uuid.uuid4().hex[:12]}"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.scale_bench",
            "--quick",
            "--database",
            base,
            "--schema",
            schema,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    table = {
        line.split("|")[1].strip().split(",")[0].split(" (")[0]: line
        for line in done.stdout.splitlines()
        if line.startswith("| ") and "measure" not in line and "---" not in line
    }
    assert set(table) == {
        "snapshot",
        "one-year report",
        "propagation across processes",
    }, done.stdout
    # A year of the quick history is a twentieth of citywide: these must pass anywhere.
    assert table["snapshot"].rstrip().endswith("| yes |"), table["snapshot"]
    assert table["one-year report"].rstrip().endswith("| yes |"), table["one-year report"]
    samples = re.search(r"\(([\d,]+) samples\)", table["propagation across processes"])
    assert samples and int(samples.group(1).replace(",", "")) > 0
    assert "Index Scan" in done.stdout and "Seq Scan" not in done.stdout
