"""The layers of docs/architecture.md hold: imports flow downward only."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_package_is_listed_in_pyproject() -> None:
    """The packages list is written by hand (resources are mapped); none may be missing."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    src = ROOT / "src"
    found = {
        ".".join(init.parent.relative_to(src).parts)
        for init in src.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found - listed == set(), "add these packages to pyproject.toml"


def test_answers_from_a_newer_server_still_parse() -> None:
    """A server may add fields (protocol.md); a console not yet upgraded ignores them."""
    from umcr_console.protocol import BatchResult, Health, ProgramReport, TokenRequest

    health = Health.model_validate(
        {"status": "ok", "version": "9", "seq": 1, "time": "2026-11-26T00:00:00Z", "db_id": "x"}
    )
    assert health.seq == 1
    BatchResult.model_validate({"results": [], "server_note": "new"})
    report = {
        "start": "2026-11-01T00:00:00Z",
        "end": "2026-11-02T00:00:00Z",
        "seq": 1,
        "costs": {"unarmed_per_intervention": 35, "police_per_intervention": 85},
        "total": {
            "calls": 0,
            "handled": 0,
            "redirected": 0,
            "redirect_rate": None,
            "open_now": 0,
            "response": {"count": 0, "mean_min": None, "median_min": None, "p90_min": None},
            "on_scene": {"count": 0, "mean_min": None, "median_min": None, "p90_min": None},
            "dispositions": {},
            "interventions": 0,
            "cost_unarmed": 0,
            "cost_police": 0,
            "cost_avoided": 0,
            "a_figure_from_the_future": 7,
        },
        "by_division": {},
        "by_call_type": {},
        "by_provider": {},
    }
    assert ProgramReport.model_validate(report).total.calls == 0
    # What a client sends stays strict.
    import pydantic
    import pytest

    with pytest.raises(pydantic.ValidationError):
        TokenRequest.model_validate({"username": "a", "password": "b", "role": "admin"})


def test_a_newer_servers_deployment_still_parses() -> None:
    """A section a newer server adds to GET /deployment does not break an older console."""
    from umcr_console.config import load_deployment
    from umcr_console.sync.requests import deployment_from_server

    sent = load_deployment("pilot").model_dump(mode="json")
    sent["added_by_a_newer_server"] = {"anything": 1}
    assert deployment_from_server(sent) == load_deployment("pilot")
