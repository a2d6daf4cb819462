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
    return _owner_only_dir(path)


def log_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) / "logs" if override else user_log_path(APP_NAME, APP_AUTHOR)
    return _owner_only_dir(path)


def _owner_only_dir(path: Path) -> Path:
    """Make ``path`` and narrow it to its owner (0700), whatever the umask made it.

    Settings, the offline verifier and console.log are created with the umask's
    mode (0644 on most Linux desktops): other users of a shared workstation
    could read them. The folder's mode keeps them out (issue 17, attacker suite).
    """
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":  # Windows: the profile folder's ACL
        os.chmod(path, 0o700)
    return path
