"""Loading the shipped deployment configurations and other resources.

Resources are read through ``importlib.resources`` from the
``umcr_console.resources`` package (the top-level ``resources/`` folder mapped
into the package), which works the same from a checkout, a wheel and a
PyInstaller bundle.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .domain.config import Deployment
from .domain.safety_words import SafetyWords

DEFAULT_DEPLOYMENT = "pilot"
DEPLOYMENT_ENV = "UMCR_DEPLOYMENT"


def resource(*parts: str) -> Traversable:
    """A file in the shipped resources, e.g. ``resource("deployments", "pilot.json")``."""
    node = resources.files("umcr_console.resources")
    for part in parts:
        node = node.joinpath(part)
    return node


def load_deployment(name_or_path: str | None = None) -> Deployment:
    """A shipped deployment by name (``pilot``), or a JSON file by path.

    Without an argument: ``$UMCR_DEPLOYMENT``, else the L.A. pilot.
    """
    choice = name_or_path or os.environ.get(DEPLOYMENT_ENV) or DEFAULT_DEPLOYMENT
    if choice.endswith(".json"):
        text = Path(choice).read_text(encoding="utf-8")
    else:
        text = resource("deployments", f"{choice}.json").read_text(encoding="utf-8")
    return Deployment.model_validate(json.loads(text))


def load_safety_words() -> SafetyWords:
    """Every shipped safety word list (``resources/safety_words/*.json``), by language.

    A language is added by adding its file (docs/safety-screen.md).
    """
    folder = resource("safety_words")
    files = sorted(
        (node for node in folder.iterdir() if node.name.endswith(".json")), key=lambda n: n.name
    )
    return SafetyWords.from_mappings(json.loads(f.read_text(encoding="utf-8")) for f in files)
