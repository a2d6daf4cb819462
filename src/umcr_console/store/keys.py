"""The key of a local store: in the operating system's credential store, or beside the file.

One random 256-bit key per store file (one store per server), kept with
``keyring``: Windows Credential Manager on Windows, the Keychain on macOS,
the Secret Service on a Linux desktop. Where no credential store is usable
(a headless Linux, CI) the key goes to a file beside the store, readable by
its owner only, and a warning says so: the personal data is then protected
by the file permissions only (docs/security.md, section 4).

A key is created only for a store that holds no sealed data yet; for one
that does, a missing key is an error, never a fresh key (that would make
the sealed data unreadable without saying why).
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from pathlib import Path

import keyring
from keyring.errors import KeyringError

from ..logsafe import brief
from .protect import KEY_BYTES

log = logging.getLogger(__name__)

KEYRING_SERVICE = "umcr-console"
KEY_FILE_SUFFIX = ".key"


class KeyUnavailable(Exception):
    """The key of a store that holds sealed data is nowhere to be found."""


def key_file_of(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + KEY_FILE_SUFFIX)


def keyring_user(store_path: Path) -> str:
    """The credential's user name: the store's absolute path (one key per file)."""
    return str(store_path.resolve())


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise KeyUnavailable(f"the store key in {where} is not base64") from exc
    if len(key) != KEY_BYTES:
        raise KeyUnavailable(f"the store key in {where} has {len(key)} bytes, not {KEY_BYTES}")
    return key


def _from_keyring(user: str) -> str | None:
    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except (KeyringError, OSError) as exc:
        log.info(
            "no usable credential store (%s): %s", type(keyring.get_keyring()).__name__, brief(exc)
        )
        return None


def _to_keyring(user: str, text: str) -> bool:
    try:
        keyring.set_password(KEYRING_SERVICE, user, text)
        # Some backends accept and forget (a locked or memory-only chain): trust a read-back only.
        return keyring.get_password(KEYRING_SERVICE, user) == text
    except (KeyringError, OSError) as exc:
        log.info("cannot write to the credential store: %s", brief(exc))
        return False


def write_private_file(path: Path, data: bytes) -> None:
    """Create ``path`` readable and writable by its owner only (0600), atomically."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def narrow_to_owner(file: Path) -> None:
    """Make ``file`` 0600 and its folder 0700, whatever they were (issue 17, item 11).

    A key file copied in, restored from a backup or widened by hand would
    otherwise stay readable by every user of the workstation.
    """
    if os.name != "posix":  # Windows: the profile folder's ACL
        return
    os.chmod(file.parent, 0o700)
    os.chmod(file, 0o600)


def store_key(store_path: Path, create: bool) -> bytes:
    """The key of the store at ``store_path``; with ``create``, make one if there is none."""
    key_file = key_file_of(store_path)
    if key_file.exists():
        # A key that once fell back to a file stays there: the store is sealed with it.
        narrow_to_owner(key_file)
        return _decode(key_file.read_text(encoding="ascii"), str(key_file))
    user = keyring_user(store_path)
    stored = _from_keyring(user)
    if stored is not None:
        return _decode(stored, f"the credential store ({KEYRING_SERVICE}, {user})")
    if not create:
        raise KeyUnavailable(
            f"{store_path} holds encrypted personal data but its key is neither in the "
            f"credential store ({KEYRING_SERVICE}) nor in {key_file}. The server keeps every "
            "record: moving this file away makes the console start an empty store, losing "
            "only the actions it had not sent yet"
        )
    key = secrets.token_bytes(KEY_BYTES)
    text = base64.b64encode(key).decode("ascii")
    if _to_keyring(user, text):
        return key
    write_private_file(key_file, text.encode("ascii"))
    log.warning(
        "no usable credential store: the key of %s is in %s, readable by this user only; "
        "the personal data in the store is then protected by the file permissions only",
        store_path,
        key_file,
    )
    return key
