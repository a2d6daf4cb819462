"""The official NENA EIDO schema, read from ../shared/data/eido, as a validator.

The product does not ship the schema (docs/interop.md); the tests read the
copy beside the repository. OpenAPI 3.0 schema objects are JSON Schema draft
4/5 with extensions, so Draft 4 rules apply (a ``$ref`` hides its siblings).
The NIEM component files are loaded on demand through a ``referencing``
registry, and the upstream quirks are patched in memory, never on disk.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest

# tests/interop/schema.py -> parents[2] is the repository root; CI lays shared/ beside it.
EIDO_DIR = (Path(__file__).resolve().parents[2] / "../shared/data/eido").resolve()
SCHEMA_DIR = EIDO_DIR / "Schema"
OPENAPI = SCHEMA_DIR / "openapi.yaml"
SAMPLES = EIDO_DIR / "Samples"
ROOT = "EmergencyIncidentDataObjectType"

needs_schema = pytest.mark.skipif(
    not OPENAPI.is_file(),
    reason=f"the official EIDO schema is not at {EIDO_DIR} (../shared beside the repository)",
)

# Keywords whose value must be a whole number; upstream has `minItems: 1,`,
# which YAML reads as the string "1,".
_COUNTS = frozenset(
    {"minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"}
)


def patch_quirks(node: Any) -> Any:
    """Fix the upstream typos in memory: a count given as "1," becomes 1."""
    if isinstance(node, dict):
        return {
            key: (
                int(value.rstrip(", "))
                if key in _COUNTS and isinstance(value, str) and re.fullmatch(r"\d+\s*,?\s*", value)
                else patch_quirks(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [patch_quirks(item) for item in node]
    return node


@functools.cache
def _load(path: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        return patch_quirks(yaml.load(handle, Loader=loader))


def _normalise(uri: str) -> Path:
    # openapi.yaml refers to 'NIEMComponents//j.yaml' (a double slash) too.
    path = uri.removeprefix("file://")
    return Path(re.sub(r"/{2,}", "/", path)).resolve()


@functools.cache
def validator() -> Any:
    """A Draft 4 validator for EmergencyIncidentDataObjectType with every $ref resolvable."""
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    def retrieve(uri: str) -> Resource:
        path = _normalise(uri)
        if SCHEMA_DIR not in path.parents and path != SCHEMA_DIR:
            raise LookupError(f"refusing to load a schema outside {SCHEMA_DIR}: {uri}")
        return Resource.from_contents(_load(str(path)), default_specification=DRAFT4)

    registry: Registry = Registry(retrieve=retrieve)
    root_uri = OPENAPI.as_uri()
    schema = {"$ref": f"{root_uri}#/components/schemas/{ROOT}"}
    return Draft4Validator(schema, registry=registry, format_checker=FormatChecker())


def errors(document: dict[str, Any]) -> list[str]:
    """Every way ``document`` fails the official schema ([] when it validates)."""
    found = sorted(validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in found]


def assert_valid(document: dict[str, Any]) -> None:
    problems = errors(document)
    assert not problems, "not a valid EIDO:\n" + "\n".join(problems[:20])


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))
