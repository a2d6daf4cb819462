"""Settings every test needs before anything imports Qt."""

import os

# Qt must find its platform before the first Qt import anywhere in the run.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

POSTGRES_URL_ENV = "UMCR_TEST_POSTGRES_URL"
