"""The console as users get it: an installed wheel and a PyInstaller bundle.

Shared by tests/test_resources.py and tests/test_paths.py. Building the wheel
and running the bundle's self-test are slow, so each happens once per test
session (``functools.cache``).
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
BUNDLE_ENV = "UMCR_BUNDLE_DIR"
NAME = "umcr-console"
# What pyproject.toml needs to build the wheel; copied so stale setuptools
# output in the checkout's build/ cannot hide a file missing from package-data.
WHEEL_INPUTS = ("pyproject.toml", "README.md", "src", "resources")
RUN_TIMEOUT_S = 180.0


def resource_digests(root: Path) -> dict[str, str]:
    """``relative/posix/path -> sha256`` of the data files under ``root`` (no Python files)."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".py", ".pyc"}
    }


def tree_state(root: Path) -> dict[str, tuple[int, int] | None]:
    """Every path under ``root``: files with (size, mtime_ns), folders with None."""
    state: dict[str, tuple[int, int] | None] = {}
    for path in root.rglob("*"):
        key = path.relative_to(root).as_posix()
        if path.is_dir() and not path.is_symlink():
            state[key] = None
        else:
            info = path.lstat()
            state[key] = (info.st_size, info.st_mtime_ns)
    return state


def changes(before: dict[str, object], after: dict[str, object]) -> list[str]:
    """What differs between two ``tree_state`` results, for an assertion message."""
    return sorted(
        [f"+ {k}" for k in after.keys() - before.keys()]
        + [f"- {k}" for k in before.keys() - after.keys()]
        + [f"~ {k}" for k in before.keys() & after.keys() if before[k] != after[k]]
    )


def user_profile_env(home: Path) -> dict[str, str]:
    """This environment with a fresh user profile at ``home`` and no data-folder override.

    platformdirs reads the XDG variables on Linux, so the console's default
    per-user locations all land under ``home``.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UMCR_", "XDG_"))}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


@functools.cache
def installed_wheel(base: Path) -> Path:
    """Build the project's wheel and install it, without dependencies, into ``base/site``.

    Run with ``PYTHONPATH=<site>``, this interpreter imports ``umcr_console``
    from there: the editable install's finder comes after the path entries.
    """
    shutil.rmtree(base, ignore_errors=True)  # a failed earlier attempt (not cached)
    source = base / "source"
    source.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in WHEEL_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    wheels = base / "wheels"
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(source)], check=True)
    [wheel] = wheels.glob("umcr_console-*.whl")
    site = base / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    return site


def bundle_from_env() -> Path:
    """The bundle named by ``$UMCR_BUNDLE_DIR``; the test skips, saying why, without one."""
    value = os.environ.get(BUNDLE_ENV)
    if not value:
        pytest.skip(
            f"no PyInstaller bundle to test: {BUNDLE_ENV} is not set (CI sets it after "
            f"packaging/ci.sh builds one; locally run `python packaging/build.py` and set "
            f"{BUNDLE_ENV}=dist/{NAME})"
        )
    bundle = Path(value).resolve()
    if not bundle_executable(bundle).is_file():
        # Set but wrong: a CI mistake must fail, not skip.
        pytest.fail(f"{BUNDLE_ENV}={value} has no {bundle_executable(bundle).name}")
    return bundle


def bundle_executable(bundle: Path) -> Path:
    return bundle / (f"{NAME}.exe" if sys.platform == "win32" else NAME)


def bundle_resources(bundle: Path) -> Path:
    """Where PyInstaller put the package's data files (``_internal/`` since 6.0)."""
    for candidate in (bundle / "_internal", bundle):
        path = candidate / "umcr_console" / "resources"
        if path.is_dir():
            return path
    pytest.fail(f"no umcr_console/resources folder in the bundle {bundle}")


@functools.cache
def bundle_demo_self_test(bundle: Path) -> subprocess.CompletedProcess[str]:
    """``umcr-console --self-test`` of the bundle on its embedded demo server, run once."""
    with tempfile.TemporaryDirectory(prefix="umcr-bundle-home-") as home:
        return subprocess.run(
            [str(bundle_executable(bundle)), "--self-test"],
            env=user_profile_env(Path(home)),
            cwd=home,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            check=False,
        )
