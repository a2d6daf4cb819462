"""Headless console processes (``python -m umcr_console.sync.headless``) for tests and benches.

Each ``HeadlessConsole`` is a subprocess with its own local store; a thread
reads its JSON lines as they come, so a test can wait on what it has said:

    console = HeadlessConsole(tmp_path / "c1.db", front.url, "dispatcher1", actions=20).start()
    console.wait_ready()
    console.go()                      # with start_signal: all consoles start together
    ...
    console.acks, console.rejected, console.max_seq, console.seen
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from tests.support.server import DEFAULT_USERS

ROOT = Path(__file__).resolve().parents[2]


class HeadlessConsole:
    def __init__(
        self,
        db: Path,
        url: str,
        username: str = "dispatcher1",
        *,
        actions: int = 0,
        rate: float = 0.0,
        seed: int = 0,
        keepalive: float = 1.0,
        backoff_cap: float = 0.5,
        kinds: str | None = None,
        print_seen: bool = True,
        start_signal: bool = True,
        journal: Path | None = None,
        commands: bool = False,
        request_timeout: float | None = None,
        password: str | None = None,
    ) -> None:
        self.db = Path(db)
        self.url = url
        self.username = username
        self.command = [
            sys.executable,
            "-m",
            "umcr_console.sync.headless",
            "--db",
            str(self.db),
            "--url",
            url,
            "--username",
            username,
            "--password",
            password or DEFAULT_USERS[username][1],
            "--actions",
            str(actions),
            "--rate",
            str(rate),
            "--seed",
            str(seed),
            "--keepalive",
            str(keepalive),
            "--backoff-cap",
            str(backoff_cap),
        ]
        if kinds:
            self.command += ["--kinds", kinds]
        if print_seen:
            self.command.append("--print-seen")
        # An fsync'ed log of the actions made, outside the store (see read_journal).
        self.journal = Path(journal) if journal else None
        if self.journal:
            self.command += ["--journal", str(self.journal)]
        if commands:
            self.command.append("--commands")
        if request_timeout is not None:
            self.command += ["--request-timeout", str(request_timeout)]
        if start_signal:
            self.command.append("--start-signal")
        self.actions = actions
        self.process: subprocess.Popen[str] | None = None
        self.records: list[dict[str, Any]] = []
        self.acks: list[str] = []
        self.rejected: dict[str, str] = {}
        # event id -> (seq, when it reached this console's view, the server's recorded_at)
        self.seen: dict[str, tuple[int, float, float | None]] = {}
        self.max_seq = 0
        # The newest answer to a "state" command, and how many answers came.
        self.state: dict[str, Any] | None = None
        self.states = 0
        self.stderr_path = self.db.with_suffix(".stderr")
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._reader: threading.Thread | None = None

    def start(self) -> HeadlessConsole:
        with self.stderr_path.open("w") as err:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                bufsize=1,
            )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            if not line.endswith("\n"):
                break  # cut by a kill: not said
            record = json.loads(line)
            with self._lock:
                self.records.append(record)
                if "ready" in record:
                    self._ready.set()
                elif "ack" in record:
                    self.acks.append(record["ack"])
                elif "rejected" in record:
                    self.rejected[record["rejected"]] = record["code"]
                elif "state" in record:
                    self.state = record["state"]
                    self.states += 1
                elif "seen" in record:
                    seq = int(record["seq"])
                    self.seen[record["seen"]] = (seq, record["t"], record.get("recorded"))
                    self.max_seq = max(self.max_seq, seq)

    def wait_ready(self, timeout: float = 60.0) -> None:
        if not self._ready.wait(timeout):
            raise AssertionError(f"{self.db.name} did not start:\n{self.stderr()}")

    def go(self) -> None:
        """Start making actions (the console waits for this line with start_signal)."""
        self.send("")

    def send(self, line: str) -> None:
        """One line to the console's stdin (a command with ``commands``)."""
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def switch_user(self, username: str, password: str | None = None) -> None:
        """The next ``restart`` signs in as ``username`` (a shift change at this workstation)."""
        at = self.command.index("--username")
        self.command[at + 1] = username
        self.command[self.command.index("--password") + 1] = password or DEFAULT_USERS[username][1]
        self.username = username

    def restart(self) -> HeadlessConsole:
        """Start again on the same store (after ``kill`` or ``terminate``)."""
        self._ready.clear()
        self.state = None
        return self.start()

    @property
    def done_acting(self) -> bool:
        return len(self.acks) >= self.actions

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-5000:]
        except FileNotFoundError:
            return ""

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM: the console closes its store cleanly; its exit status."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        if self._reader is not None:
            self._reader.join(10)
        return code

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def read_journal(path: Path) -> list[dict[str, Any]]:
    """The records of a console's ``--journal``; a last line cut by a kill does not count."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return []
    lines = text.split("\n")
    return [json.loads(line) for line in lines[:-1] if line]
