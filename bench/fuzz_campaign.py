"""A longer fuzzing campaign: the CI fuzzers with a larger budget (docs/security.md, section 6).

Runs the four fuzz test files of CI in one pytest process with
``UMCR_FUZZ_EXAMPLES`` multiplied by ``--factor`` (CI: 12). With
``--random`` the inputs are new on every run (CI always replays the same
derandomized sequence); a failure prints hypothesis' seed and the smallest
input it found, to be added as a plain regression test.

    .venv/bin/python bench/fuzz_campaign.py --factor 10
    .venv/bin/python bench/fuzz_campaign.py --factor 50 --random
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CI_EXAMPLES = 12
FUZZ_TESTS = [
    "tests/server/test_fuzz_openapi.py",
    "tests/server/test_payload_fuzz_server.py",
    "tests/domain/test_payload_fuzz.py",
    "tests/sync/test_sse_fuzz.py",
]


def run(factor: int, *, random_inputs: bool) -> int:
    examples = CI_EXAMPLES * factor
    env = {**os.environ, "UMCR_FUZZ_EXAMPLES": str(examples)}
    if random_inputs:
        env["UMCR_FUZZ_RANDOM"] = "1"
    else:
        env.pop("UMCR_FUZZ_RANDOM", None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:asyncio",
        "-q",
        "-s",
        # The campaign may outlast the per-test timeout of CI (300 s).
        "--timeout=0",
        "--durations=6",
        *FUZZ_TESTS,
    ]
    print(f"UMCR_FUZZ_EXAMPLES={examples} ({factor}x CI), random={random_inputs}", flush=True)
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    output = done.stdout + done.stderr
    for line in output.splitlines():
        # -q puts the progress dots before what a test prints.
        if "fuzzed POST /events" in line:
            print(line[line.index("fuzzed POST /events") :])
        elif re.search(r"\d+ (passed|failed)", line) or re.match(r"\d+\.\d+s call", line):
            print(line)
    if done.returncode != 0:
        print(output[-20_000:])
    print(
        "budget per run: schemathesis "
        f"{examples} examples per operation and mode (x3 roles), "
        f"domain {examples * 5} payloads per event type, "
        f"POST /events {examples * 10} batches, SSE {examples * 25} streams per test"
    )
    print(f"wall time {elapsed:.0f} s, exit {done.returncode}")
    return done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, default=10, help="times the CI budget")
    parser.add_argument("--random", action="store_true", help="new inputs, not CI's sequence")
    args = parser.parse_args()
    sys.exit(run(args.factor, random_inputs=args.random))


if __name__ == "__main__":
    main()
