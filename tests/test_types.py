"""mypy --strict holds on the core: domain/, protocol.py, store/ and sync/ (issue 21).

The paths and the strictness are in pyproject.toml ([tool.mypy]); this runs
the same check a developer runs with ``.venv/bin/mypy``, so CI runs it too.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # a minute from a cold cache on a loaded machine
def test_the_core_type_checks_strictly(tmp_path: Path) -> None:
    result = subprocess.run(
        # A cache of its own: a stale one in the checkout can never make it pass.
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout, result.stdout


def test_the_check_covers_the_core() -> None:
    """The configuration names the core and is strict (an empty list checks nothing)."""
    import tomllib

    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert mypy["strict"] is True
    assert set(mypy["files"]) == {
        "src/umcr_console/domain",
        "src/umcr_console/protocol.py",
        "src/umcr_console/store",
        "src/umcr_console/sync",
    }
    for override in mypy.get("overrides", []):
        assert "ignore_errors" not in override, override
