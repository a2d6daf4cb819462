"""Where per-user data, settings and logs go (platformdirs), overridable.

``UMCR_DATA_DIR`` moves everything (tests, portable installs); nothing is
ever written to the install folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path, user_log_path

APP_NAME = "umcr-console"
APP_AUTHOR = "UMCR"
DATA_DIR_ENV = "UMCR_DATA_DIR"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) if override else user_data_path(APP_NAME, APP_AUTHOR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) / "logs" if override else user_log_path(APP_NAME, APP_AUTHOR)
    path.mkdir(parents=True, exist_ok=True)
    return path
