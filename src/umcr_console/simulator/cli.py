"""``umcr-server simulate``: the argument parser and the command.

Kept apart from the server's CLI module so that ``umcr-server serve`` does not
load the simulator, and the simulator never loads the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import logging
import os
import signal
import sys

import httpx

PASSWORD_ENV = "UMCR_PASSWORD"
FIELD_PASSWORD_ENV = "UMCR_FIELD_PASSWORD"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``simulate`` subcommand to ``umcr-server``'s subcommands."""
    from .pacing import ClockMode

    p = commands.add_parser(
        "simulate",
        help="drive a server with simulated calls and teams, through its public API",
        description="Call-takers, a dispatcher and field teams, simulated: calls "
        "calibrated to the L.A. pilot (see docs/simulator.md). Prints a JSON summary "
        "at the end; Ctrl+C or SIGTERM stops it cleanly.",
    )
    p.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8765")
    p.add_argument(
        "--user", required=True, help=f"a dispatcher user (password from ${PASSWORD_ENV}, or asked)"
    )
    p.add_argument(
        "--field-user",
        action="append",
        default=[],
        metavar="NAME",
        help="a team's field user that reports its team's status (repeatable; password from "
        f"${FIELD_PASSWORD_ENV}, else the dispatcher's)",
    )
    p.add_argument(
        "--field-page",
        action="store_true",
        help="field users also use the field page's endpoints: read their assignment before "
        "reporting, send their position with each status change (docs/field.md)",
    )
    p.add_argument(
        "--rate",
        type=float,
        default=18.0,
        metavar="CALLS_PER_DAY",
        help="simulated calls a day (the pilot: 18); 0: teams only answer people's dispatches",
    )
    p.add_argument(
        "--speed", type=float, default=60.0, metavar="FACTOR", help="simulated seconds per second"
    )
    p.add_argument(
        "--duration", type=float, metavar="SECONDS", help="real seconds (default: until stopped)"
    )
    p.add_argument("--seed", help="repeat a run: same seed, same calls and times")
    p.add_argument(
        "--clock",
        choices=[m.value for m in ClockMode],
        default=ClockMode.REALTIME.value,
        help="realtime: events carry real time, waits compressed; backdated: events carry "
        "simulated time, starting duration*speed ago (needs --duration)",
    )
    p.add_argument(
        "--warmup", type=int, default=0, metavar="CALLS", help="calls in the first minutes"
    )


def _password(user: str) -> str:
    if (password := os.environ.get(PASSWORD_ENV)) is not None:
        return password
    return getpass.getpass(f"Password for {user}: ")


def run(args: argparse.Namespace) -> int:
    """Run ``umcr-server simulate`` with parsed ``args``; the exit status."""
    from .http import Credentials, SimulatorError
    from .pacing import ClockMode
    from .runner import simulate

    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s"
        )
        # One line per request is noise here; the simulator logs what matters.
        logging.getLogger("httpx").setLevel(logging.WARNING)
    clock = ClockMode(args.clock)
    if clock == ClockMode.BACKDATED and args.duration is None:
        print("umcr-server: error: --clock backdated needs --duration", file=sys.stderr)
        return 2
    password = _password(args.user)
    field_password = os.environ.get(FIELD_PASSWORD_ENV, password)
    seed: int | str | None = args.seed
    if seed is not None and seed.lstrip("-").isdigit():
        seed = int(seed)

    async def main() -> dict[str, object]:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # Not on Windows: there Ctrl+C raises KeyboardInterrupt instead.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        stats = await simulate(
            args.url,
            Credentials(args.user, password),
            field_users=[Credentials(name, field_password) for name in args.field_user],
            field_page=args.field_page,
            rate=args.rate,
            speed=args.speed,
            duration=args.duration,
            seed=seed,
            clock=clock,
            warmup_calls=args.warmup,
            stop=stop,
        )
        return stats.as_dict()

    try:
        summary = asyncio.run(main())
    except (SimulatorError, httpx.HTTPError, ValueError) as exc:
        print(f"umcr-server: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(json.dumps(summary, indent=1))
    return 0
