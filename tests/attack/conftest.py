"""The attacker suite drives whole consoles too: it shares the UI tests' qasync loop."""

from tests.ui.conftest import run  # noqa: F401 (a fixture)
