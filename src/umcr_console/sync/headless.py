"""A console without a window: local store, workspace and sync engine, driven by generated actions.

For load tests, crash tests and benchmarks (and a quick check of a server):

    python -m umcr_console.sync.headless --db /tmp/c1.db --url http://127.0.0.1:8000 \\
        --username dispatcher1 --password ... --actions 100 --rate 5 --drain

Writes one JSON object per line to stdout, flushed at once:

    {"recovered": {"message": m, "moved_to": path, "events": [id...], "unreadable": n}}
                                                   the store was damaged and rebuilt (store/recover.py)
    {"ready": workstation_id, "pending": n}        the store is open, syncing starts
    {"ack": event_id, "t0": unix_s, "t": unix_s}   an action is durable (t0: submit began)
    {"seen": event_id, "seq": n, "t": unix_s, "recorded": unix_s}
                                                   a server event reached the view (--print-seen);
                                                   "recorded": the server's recorded_at
    {"link": state, "text": s, "t": unix_s}        each change of the connection state, with
                                                   the status bar's text ("offline since ..., N queued")
    {"offline": text, "t": unix_s}                 each change of that text while offline
    {"notice": text, "t": unix_s}                  something the dispatcher is told (e.g. the
                                                   server runs another database)
    {"rejected": event_id, "code": c, "detail": d} the server refused one of our actions
    {"done": {...}}                                 drained (--drain), then it exits 0
    {"state": {"cursor": n, "pending": n, "digest": hex|null, "t": unix_s}}
                                                   answer to a "state" line on stdin
                                                   (--commands): digest of the confirmed state

With ``--journal PATH`` every action is also written to a file of its own,
fsync'ed, outside the store: ``{"intent": id, ...}`` before ``Workspace.submit``
and ``{"ack": id}`` after it, so a test killing this process with SIGKILL
has a record of what was made that neither the store nor a pipe can lose.

With ``--commands`` the console reads lines on stdin after the start
signal: ``state SEQ`` (print the state line above; the digest only when it
has nothing pending and its cursor is SEQ), ``quiet`` (make no actions for
now, keep syncing) and ``resume``.

An "ack" line is printed only after ``Workspace.submit`` returned, i.e. after
the action was committed to disk: a test killing this process may count on
every acknowledged action reaching the server exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from ..domain.events import Event
from ..domain.state import State
from ..store import RejectionNotice, Workspace, open_store
from .backoff import Backoff
from .engine import LinkState, SyncEngine, SyncStatus
from .traffic import ALL_KINDS, Traffic


def _out(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class Journal:
    """An append-only file of the actions made, each line fsync'ed before going on."""

    def __init__(self, path: str) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def write(self, **fields: Any) -> None:
        os.write(self._fd, (json.dumps(fields, separators=(",", ":")) + "\n").encode())
        os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)


def digest_of(incidents: dict[str, Any], teams: dict[str, Any]) -> str:
    """A hash of incidents and teams dumped with ``model_dump(mode="json")``, by id."""
    body = {"incidents": incidents, "teams": teams}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def state_digest(state: State) -> str:
    """``digest_of`` the incidents and teams of ``state`` (compare: the server's snapshot)."""
    return digest_of(
        {k: v.model_dump(mode="json") for k, v in state.incidents.items()},
        {k: v.model_dump(mode="json") for k, v in state.teams.items()},
    )


def _read_commands(loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str]) -> None:
    """Stdin lines into ``lines`` (a daemon thread: a blocked read never holds up the exit)."""
    for line in sys.stdin:
        loop.call_soon_threadsafe(lines.put_nowait, line.strip())
    loop.call_soon_threadsafe(lines.put_nowait, "eof")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="umcr-headless", description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="the local store file")
    parser.add_argument("--url", required=True, help="the server's base URL")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--workstation", default=None, help="workstation id (new store only)")
    parser.add_argument("--actions", type=int, default=0, help="how many actions to make")
    parser.add_argument("--rate", type=float, default=0.0, help="actions per second (0: at once)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--phase", type=float, default=0.0, help="seconds to wait before the first action"
    )
    parser.add_argument(
        "--kinds", default=",".join(ALL_KINDS), help=f"comma-separated, of {','.join(ALL_KINDS)}"
    )
    parser.add_argument("--drain", action="store_true", help="exit when all is sent and confirmed")
    parser.add_argument(
        "--exit-when-made",
        action="store_true",
        help="exit once the actions are made and durable, sent or not (offline tests)",
    )
    parser.add_argument("--print-seen", action="store_true", help="print every server event seen")
    parser.add_argument("--keepalive", type=float, default=5.0, help="the server's keep-alive (s)")
    parser.add_argument("--backoff-cap", type=float, default=8.0)
    parser.add_argument(
        "--start-signal",
        action="store_true",
        help="wait for a line on stdin before making actions (benchmarks start all clients at once)",
    )
    parser.add_argument("--journal", default=None, help="fsync'ed log of the actions made")
    parser.add_argument(
        "--commands", action="store_true", help="read state/quiet/resume lines on stdin"
    )
    parser.add_argument("--request-timeout", type=float, default=15.0)
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> int:
    store, recovery = open_store(args.db)
    if recovery is not None:
        _out(
            recovered={
                "message": recovery.message,
                "moved_to": str(recovery.moved_to),
                "events": [e.event_id for e in recovery.recovered],
                "unreadable": recovery.unreadable,
            }
        )
    workspace = Workspace(store, actor=args.username, workstation_id=args.workstation)
    engine = SyncEngine(
        args.url,
        workspace,
        username=args.username,
        password=args.password,
        keepalive=args.keepalive,
        backoff=Backoff(base=0.1, cap=args.backoff_cap),
        request_timeout=args.request_timeout,
    )
    journal = Journal(args.journal) if args.journal else None
    last_link: list[LinkState] = []

    last_text: list[str] = [""]

    def on_status(status: SyncStatus) -> None:
        if not last_link or last_link[-1] != status.link:
            last_link.append(status.link)
            _out(link=str(status.link), text=status.text, t=time.time())
        elif status.link == LinkState.OFFLINE and status.text != last_text[0]:
            _out(offline=status.text, t=time.time())
        last_text[0] = status.text

    def on_applied(events: list[Event]) -> None:
        now = time.time()
        for event in events:
            recorded = event.recorded_at.timestamp() if event.recorded_at else None
            _out(seen=event.event_id, seq=event.seq, t=now, recorded=recorded)

    def on_rejected(notice: RejectionNotice) -> None:
        _out(rejected=notice.event.event_id, code=notice.code, detail=notice.detail)

    engine.status_changed.connect(on_status)
    engine.notice.connect(lambda text: _out(notice=text, t=time.time()))
    if args.print_seen:
        engine.events_applied.connect(on_applied)
    workspace.rejection_added.connect(on_rejected)
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        # Windows' event loops have no signal handlers (the installed console's
        # --umcr-headless runs there): Ctrl+C then ends it by KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stopping.set)

    sync_task = engine.start()
    _out(ready=workspace.workstation_id, pending=workspace.pending_count)
    acting = asyncio.Event()  # cleared by "quiet", set again by "resume"
    acting.set()
    command_task: asyncio.Task[None] | None = None
    try:
        if args.commands:
            lines: asyncio.Queue[str] = asyncio.Queue()
            threading.Thread(target=_read_commands, args=(loop, lines), daemon=True).start()
            if args.start_signal:
                await lines.get()

            digested: list[Any] = [None, None]  # [cursor, digest of the confirmed state there]

            async def obey() -> None:
                while True:
                    line = await lines.get()
                    word, _, arg = line.partition(" ")
                    if word == "state":
                        # "state SEQ": the digest only once caught up to SEQ with nothing
                        # pending, and once per cursor, as hashing a large state is not
                        # free; "t" is taken before hashing: when the state was there.
                        now = time.time()
                        settled = workspace.pending_count == 0 and str(workspace.cursor) == arg
                        if settled and digested[0] != workspace.cursor:
                            digested[:] = [workspace.cursor, state_digest(workspace.confirmed)]
                        _out(
                            state={
                                "cursor": workspace.cursor,
                                "pending": workspace.pending_count,
                                "digest": digested[1] if settled else None,
                                "t": now,
                            }
                        )
                    elif word == "quiet":
                        acting.clear()
                    elif word == "resume":
                        acting.set()
                    elif line == "eof":
                        return

            command_task = asyncio.create_task(obey())
        elif args.start_signal:
            await loop.run_in_executor(None, sys.stdin.readline)
        traffic = Traffic(
            random.Random(args.seed),
            workspace.workstation_id,
            kinds=[k for k in args.kinds.split(",") if k],
        )
        interval = 1.0 / args.rate if args.rate > 0 else 0.0
        next_at = loop.time() + args.phase
        for _number in range(args.actions):
            if stopping.is_set():
                break
            if not acting.is_set():
                while not acting.is_set() and not stopping.is_set():
                    await asyncio.sleep(0.02)
                next_at = max(next_at, loop.time())  # no burst to catch up after a pause
                continue
            if interval:
                delay = next_at - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                next_at += interval
            else:
                await asyncio.sleep(0)  # let the sync task run between actions
            if not acting.is_set() or stopping.is_set():
                continue
            event = traffic.next(workspace.view)
            t0 = time.time()
            if journal is not None:
                journal.write(
                    intent=event.event_id,
                    type=str(event.type),
                    entity=event.entity_id,
                    actor=args.username,  # who made it: the soak checks the log names them
                )
            workspace.submit(event)
            if journal is not None:
                journal.write(ack=event.event_id)
            _out(ack=event.event_id, t0=t0, t=time.time())
        if args.drain:
            while not stopping.is_set():
                status = engine.status
                drained = (
                    workspace.pending_count == 0
                    and status.link == LinkState.ONLINE
                    and status.server_seq is not None
                    and workspace.cursor >= status.server_seq
                )
                if drained:
                    break
                await asyncio.sleep(0.05)
            _out(
                done={
                    "cursor": workspace.cursor,
                    "pending": workspace.pending_count,
                    "rejected": len(store.rejections(include_acknowledged=True)),
                }
            )
        elif not args.exit_when_made:
            await stopping.wait()
    finally:
        if command_task is not None:
            command_task.cancel()
        await engine.stop()
        await asyncio.wait({sync_task})
        store.close()
        if journal is not None:
            journal.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
