"""Offline login: a user who has logged in on this workstation before can
start during a server outage (a shift change cannot wait for the network).

After each successful online login the console keeps an Argon2id verifier of
the password (never the password) with the user's role, per server, in a
file readable by the owner only. Offline, the password is checked against it.
When the server says the account was disabled or the session ended by an
administrator (revoked), the console forgets that user's verifier: the next
offline login of that user on this workstation fails.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()


@dataclass(frozen=True)
class OfflineIdentity:
    username: str
    role: str


class OfflineVerifiers:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, dict[str, dict[str, str]]]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            # A damaged file only costs offline login; online login rewrites it.
            return {}

    def remember(self, server_url: str, username: str, password: str, role: str) -> None:
        data = self._load()
        data.setdefault(server_url, {})[username] = {"hash": _HASHER.hash(password), "role": role}
        self._save(data)

    def forget(self, server_url: str, username: str) -> bool:
        """Remove the verifier of ``username`` at ``server_url``; whether there was one."""
        data = self._load()
        users = data.get(server_url, {})
        if users.pop(username, None) is None:
            return False
        if not users:
            data.pop(server_url, None)
        self._save(data)
        return True

    def _save(self, data: dict[str, dict[str, dict[str, str]]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def verify(self, server_url: str, username: str, password: str) -> OfflineIdentity | None:
        entry = self._load().get(server_url, {}).get(username)
        if entry is None:
            return None
        try:
            _HASHER.verify(entry["hash"], password)
        except (VerificationError, InvalidHashError, KeyError):
            return None
        return OfflineIdentity(username, entry.get("role", ""))

    def known(self, server_url: str, username: str) -> bool:
        return username in self._load().get(server_url, {})
