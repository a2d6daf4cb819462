"""Runtime resources are found the same way from a checkout, a wheel and a bundle.

docs/architecture.md ("Files and resources"): the top-level ``resources/``
folder is mapped into the package ``umcr_console.resources`` and read with
``importlib.resources`` through ``umcr_console.config.resource``. Each test
below compares what that code finds with the checkout's ``resources/`` file
by file, so a file left out of the wheel's package-data (or of the bundle)
fails here rather than on a workstation.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.installs import (
    NAME,
    RESOURCES,
    ROOT,
    bundle_demo_self_test,
    bundle_executable,
    bundle_from_env,
    bundle_resources,
    installed_wheel,
    resource_digests,
)

# Run in a fresh interpreter: where umcr_console came from, and every data file
# that umcr_console.config.resource() reaches by walking the package, hashed.
PROBE = r"""
import hashlib, json
import umcr_console
from umcr_console.config import load_deployment, resource

def walk(node, prefix=""):
    for child in node.iterdir():
        name = prefix + child.name
        if child.is_dir():
            if child.name != "__pycache__":
                yield from walk(child, name + "/")
        elif not child.name.endswith((".py", ".pyc")):
            yield name, hashlib.sha256(child.read_bytes()).hexdigest()

print(json.dumps({
    "module": umcr_console.__file__,
    "version": umcr_console.__version__,
    "files": dict(walk(resource())),
    "pilot_teams": len(load_deployment("pilot").teams),
}))
"""


def probe(tmp_path: Path, **env: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        # Not the checkout: "" (the working folder) comes first on sys.path.
        cwd=tmp_path,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def expected_files() -> dict[str, str]:
    files = resource_digests(RESOURCES)
    # Guard against a vacuous pass: the files the console cannot start without.
    assert "deployments/pilot.json" in files
    return files


def test_found_from_the_source_checkout(tmp_path: Path) -> None:
    found = probe(tmp_path)
    # The checkout itself (the editable install maps the package onto src/ and resources/).
    assert Path(str(found["module"])).resolve().is_relative_to(ROOT / "src")
    assert found["files"] == expected_files()
    assert found["pilot_teams"] > 0


@pytest.mark.slow
def test_found_from_an_installed_wheel(tmp_path: Path, tmp_path_factory) -> None:
    site = installed_wheel(tmp_path_factory.getbasetemp() / "installed-wheel")
    found = probe(tmp_path, PYTHONPATH=str(site))
    # The wheel's copy, not the checkout that the editable install points at.
    assert Path(str(found["module"])).resolve().is_relative_to(site.resolve())
    assert found["files"] == expected_files(), "a resource is missing from the wheel's package-data"
    assert found["pilot_teams"] > 0
    assert found["version"] == importlib.metadata.version(NAME)


@pytest.mark.slow
def test_found_from_the_pyinstaller_bundle() -> None:
    bundle = bundle_from_env()
    assert resource_digests(bundle_resources(bundle)) == expected_files(), (
        "the bundle's resources differ from the checkout's: rebuild it (python packaging/build.py)"
    )
    # The frozen console reads the pilot deployment through resource() twice in
    # its self-test: for the demo's users, and in the embedded server child.
    result = bundle_demo_self_test(bundle)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SELF-TEST OK" in result.stdout


@pytest.mark.slow
def test_the_bundle_reports_the_package_version() -> None:
    bundle = bundle_from_env()
    result = subprocess.run(
        [str(bundle_executable(bundle)), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Needs the package metadata in the bundle: without it __version__ is 0.0.0+unknown.
    assert result.stdout.split() == [NAME, importlib.metadata.version(NAME)]
