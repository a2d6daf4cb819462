"""Settings every test needs before anything imports Qt."""

import os
import sys

import pytest
from hypothesis import settings

# No per-example deadline: it is a timing assertion, and on a loaded 2-CPU machine
# (CI runs two test workers) a 200 ms deadline fails tests that are correct.
# Performance is measured in bench/, never in a unit test.
settings.register_profile("umcr", deadline=None)
settings.load_profile("umcr")

# Qt must find its platform before the first Qt import anywhere in the run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Test stores must not fill the developer's real credential store (Windows
# Credential Manager, Keychain): with none, a store's key goes to a file beside it.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

POSTGRES_URL_ENV = "UMCR_TEST_POSTGRES_URL"


# --- Central server fixtures (tests/support/server.py) ---------------------


@pytest.fixture
def postgres_url():
    """A PostgreSQL URL with a fresh, empty schema of its own; dropped after the test.

    From ``$UMCR_TEST_POSTGRES_URL`` (CI: postgresql+psycopg://postgres@127.0.0.1:5432/test).
    """
    base = os.environ.get(POSTGRES_URL_ENV)
    if not base:
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_URL_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    from tests.support.server import postgres_schema_url

    with postgres_schema_url(base) as url:
        yield url


@pytest.fixture
def live_server(tmp_path):
    """A started ``umcr-server serve`` on a temporary SQLite file, stopped after the test."""
    from tests.support.server import ServerProcess

    with ServerProcess(tmp_path) as server:
        yield server


@pytest.fixture(autouse=True)
def _no_dialog_outlives_its_test():
    """Close the dialogs and message boxes a Qt test left open.

    An application-modal box left by one test takes the input of every later
    test in the same process: with the suite spread over workers (pytest-xdist)
    the test after it is a different one each run, so it failed far from its
    cause (a queue test's mouse moves, the accessibility tour's own check).
    """
    yield
    if "PySide6.QtWidgets" not in sys.modules:
        return  # not a Qt test: nothing to close, and no reason to import Qt
    from PySide6.QtWidgets import QApplication, QDialog

    if QApplication.instance() is None:
        return
    for widget in QApplication.topLevelWidgets():
        if not widget.isVisible():
            continue
        if hasattr(widget, "allow_close"):  # the idle lock's screen refuses a plain close
            widget.allow_close()
            widget.close()
        elif isinstance(widget, QDialog):
            widget.done(0)
