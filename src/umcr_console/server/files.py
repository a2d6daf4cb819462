"""The server's files are its user's only (issue 17, item 7; docs/security.md).

The database holds every call's personal data; its WAL holds the newest of it
in clear. ``umcr-server`` therefore runs with umask 077, so every file it makes
(the SQLite database, its -wal, -shm and -journal, an exported audit
checkpoint, anything later) is 0600 and every folder 0700, whatever the shell's
umask; and at start it narrows a database left readable by others by an older
version (and the default data folder it lives in).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import sqlalchemy as sa

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
FOLDER_MODE = 0o700
# SQLite's companions of a database file: same data, same protection.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_umask() -> int:
    """Make every file this process creates from now on private; the old umask."""
    return os.umask(PRIVATE_UMASK)


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL; None for another database or an in-memory one."""
    url = sa.make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    name = url.database
    if name.startswith("file:"):  # a URI filename: file:path?mode=...
        name = name[len("file:") :].split("?", 1)[0]
    return Path(name)


def narrow(path: Path, mode: int) -> bool:
    """Take away from ``path`` every permission ``mode`` does not give; whether it changed."""
    if os.name != "posix":
        # Windows has no mode bits (its ACLs protect the data folder), and a
        # chmod of a file SQLite holds open is a sharing violation there.
        return False
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return False
    if current & ~mode == 0:
        return False
    os.chmod(path, current & mode)
    return True


def secure_database(database_url: str, *, data_folder: Path | None = None) -> list[Path]:
    """Narrow a SQLite database and its companions to 0600, and ``data_folder``
    (the default data folder, when the database lives there) to 0700.

    A folder named by the operator (``--database sqlite:////srv/umcr/db``) is
    left as it is: it may be shared on purpose. What was narrowed.
    """
    changed: list[Path] = []
    path = sqlite_path(database_url)
    if path is not None:
        for suffix in SQLITE_COMPANIONS:
            companion = path.with_name(path.name + suffix)
            if narrow(companion, FILE_MODE):
                changed.append(companion)
    if data_folder is not None and narrow(data_folder, FOLDER_MODE):
        changed.append(data_folder)
    return changed


def readable_by_others(path: Path) -> bool:
    """Whether group or others may read or write ``path`` (False if it is missing)."""
    if os.name != "posix":
        return False  # no mode bits to tell: Windows keeps it in the ACL
    try:
        return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)
    except FileNotFoundError:
        return False


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as a 0600 file (created so, never widened first)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    narrow(path, FILE_MODE)  # an existing file keeps its mode through O_CREAT
