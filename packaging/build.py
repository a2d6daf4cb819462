"""Build the one-folder bundle, run its self-test, and record its size and start time.

    python packaging/build.py                 # build, self-test twice, update docs/packaging.md
    python packaging/build.py --runs 1 --no-docs
    python packaging/build.py --skip-build    # only self-test (and measure) an existing bundle

Exit status 0 only if the build and every self-test run succeeded. The
figures go to docs/packaging.md (between this platform's markers), to stdout
as one JSON line, and to the GitHub job summary when run in Actions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "umcr-console.spec"
DOCS = ROOT / "docs" / "packaging.md"
NAME = "umcr-console"
SELF_TEST_TIMEOUT_S = 180.0
SELF_TEST_OK = re.compile(r"SELF-TEST OK in ([0-9.]+) s.*")


@dataclass
class SelfTestRun:
    wall_s: float  # process start to exit: bundle start, embedded server, window, test, shutdown
    steps_s: float  # create, dispatch and close, as the self-test itself reports


@dataclass
class Figures:
    platform: str
    python: str
    pyinstaller: str
    measured_on: str
    build_s: float | None
    bundle_mib: float
    files: int
    executable_mib: float
    version_s: float  # `--version`: bootloader, interpreter and the app's first imports
    self_tests: list[SelfTestRun] = field(default_factory=list)


def executable(bundle: Path) -> Path:
    return bundle / (f"{NAME}.exe" if sys.platform == "win32" else NAME)


def build(dist: Path, work: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(SPEC),
        ],
        check=True,
        cwd=ROOT,
    )
    return time.monotonic() - started


def tree_size(path: Path) -> tuple[int, int]:
    """Bytes and number of files, symlinks not followed (what an installer copies)."""
    total = files = 0
    for item in path.rglob("*"):
        if item.is_file() and not item.is_symlink():
            total += item.stat().st_size
            files += 1
    return total, files


def _env(data_dir: Path) -> dict[str, str]:
    # A fresh per-user data folder per run: nothing of a previous run (or of
    # the developer's own console) is reused, and the run leaves nothing behind.
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "UMCR_DATA_DIR": str(data_dir)}


def run_bundle(
    args: list[str], env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run the bundle with its output in files, not pipes.

    A pipe ends only when every process holding it has: under Wine the
    desktop process the bundle may start inherits it, and on Windows
    ``subprocess.run`` reads the pipes to their end even after killing the
    child on a timeout. With files, the timeout is a timeout.
    """
    with tempfile.TemporaryDirectory(prefix="umcr-build-output-") as tmp:
        out_path, err_path = Path(tmp) / "stdout", Path(tmp) / "stderr"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            result = subprocess.run(
                args,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                timeout=timeout,
                check=False,
            )
        return subprocess.CompletedProcess(
            args,
            result.returncode,
            out_path.read_text(encoding="utf-8", errors="replace"),
            err_path.read_text(encoding="utf-8", errors="replace"),
        )


def time_version(exe: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="umcr-build-version-") as tmp:
        started = time.monotonic()
        result = run_bundle([str(exe), "--version"], _env(Path(tmp)), 60)
        elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"{exe} --version failed:\n{result.stdout}{result.stderr}")
    return elapsed


def self_test(exe: Path) -> SelfTestRun:
    with tempfile.TemporaryDirectory(prefix="umcr-build-selftest-") as tmp:
        started = time.monotonic()
        result = run_bundle([str(exe), "--self-test"], _env(Path(tmp)), SELF_TEST_TIMEOUT_S)
        elapsed = time.monotonic() - started
    match = SELF_TEST_OK.search(result.stdout)
    if result.returncode != 0 or match is None:
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        raise SystemExit(f"the bundle's self-test failed (exit status {result.returncode})")
    print(match.group(0), f"(process {elapsed:.2f} s)")
    return SelfTestRun(wall_s=round(elapsed, 2), steps_s=float(match.group(1)))


BAD_CA_TIMEOUT_S = 60.0


def bad_ca_fails_fast(exe: Path) -> float:
    """A self-test with ``SSL_CERT_FILE`` pointing at nothing: exit 2 and one line, fast.

    Before issue 20 it hung on a crash dialog; a frozen windowed build must
    not open one either.
    """
    with tempfile.TemporaryDirectory(prefix="umcr-build-badca-") as tmp:
        env = {**_env(Path(tmp)), "SSL_CERT_FILE": str(Path(tmp) / "no-such-ca.pem")}
        started = time.monotonic()
        result = run_bundle([str(exe), "--self-test"], env, BAD_CA_TIMEOUT_S)
        elapsed = time.monotonic() - started
    if result.returncode != 2 or "umcr-console: error: $SSL_CERT_FILE" not in result.stderr:
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        raise SystemExit(
            f"a missing SSL_CERT_FILE gave exit status {result.returncode}, not 2 with one line"
        )
    print(f"bad CA setting: exit 2 in {elapsed:.2f} s, as it should")
    return elapsed


def pyinstaller_version() -> str:
    try:
        from PyInstaller import __version__
    except ImportError:
        return "not installed"
    return str(__version__)


def platform_key() -> str:
    return {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")


def markdown(figures: Figures) -> str:
    runs = figures.self_tests
    lines = [
        f"Measured {figures.measured_on} by `packaging/build.py` on {figures.platform}, "
        f"Python {figures.python}, PyInstaller {figures.pyinstaller}.",
        "",
        "| what | figure |",
        "| --- | --- |",
        f"| bundle size (the whole `dist/{NAME}/` folder) | {figures.bundle_mib:.1f} MiB in {figures.files} files |",
        f"| of which the executable (bootloader and the compiled Python modules) | {figures.executable_mib:.1f} MiB |",
    ]
    if figures.build_s is not None:
        lines.append(f"| build time | {figures.build_s:.0f} s |")
    lines.append(f"| `{NAME} --version` (start without Qt) | {figures.version_s:.2f} s |")
    for number, run in enumerate(runs, start=1):
        which = "first run after the build" if number == 1 else f"run {number}"
        lines.append(
            f"| `{NAME} --self-test`, {which}: start to exit | {run.wall_s:.2f} s "
            f"(of which {run.steps_s:.2f} s create, dispatch and close) |"
        )
    return "\n".join(lines) + "\n"


def write_docs(figures: Figures, path: Path = DOCS, key: str | None = None) -> None:
    """Replace the block between this platform's (or ``key``'s) markers in docs/packaging.md."""
    key = key or platform_key()
    begin, end = f"<!-- measured:{key}:begin -->", f"<!-- measured:{key}:end -->"
    text = path.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise SystemExit(f"{path} has no {begin} ... {end} block to write the figures into")
    head, rest = text.split(begin, 1)
    _old, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{markdown(figures)}{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="PyInstaller's distpath")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's workpath")
    parser.add_argument("--runs", type=int, default=2, help="self-test runs to time (at least 1)")
    parser.add_argument("--skip-build", action="store_true", help="test an existing bundle")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/packaging.md")
    parser.add_argument(
        "--docs-key", help="the measured:KEY block to write (default: this platform's)"
    )
    parser.add_argument(
        "--platform-note", help='added to the platform, e.g. "Wine 8.0" for a build under Wine'
    )
    args = parser.parse_args(argv)

    build_s = None if args.skip_build else build(args.dist, args.work)
    bundle = args.dist / NAME
    exe = executable(bundle)
    if not exe.is_file():
        raise SystemExit(f"no bundle at {bundle}: build it first")
    size, files = tree_size(bundle)
    figures = Figures(
        platform=f"{platform.system()} {platform.machine()} ({os.cpu_count()} cores)"
        + (f" under {args.platform_note}" if args.platform_note else ""),
        python=platform.python_version(),
        pyinstaller=pyinstaller_version(),
        measured_on=datetime.now(UTC).strftime("%Y-%m-%d"),
        build_s=None if build_s is None else round(build_s, 1),
        bundle_mib=round(size / 2**20, 1),
        files=files,
        executable_mib=round(exe.stat().st_size / 2**20, 1),
        version_s=0.0,
    )
    # The self-test first: its first run is the closest to a cold start.
    figures.self_tests = [self_test(exe) for _ in range(max(1, args.runs))]
    figures.version_s = round(time_version(exe), 2)
    bad_ca_fails_fast(exe)

    print(json.dumps(asdict(figures)))
    if not args.no_docs:
        write_docs(figures, key=args.docs_key)
    if summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(summary, "a", encoding="utf-8") as out:
            out.write(f"## {NAME} bundle\n\n{markdown(figures)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
