"""``umcr-server``: run the central server, add users, migrate the database.

    umcr-server serve [--host 127.0.0.1] [--port 8765] [--database URL] [--deployment NAME|PATH]
                      [--tls-cert FILE --tls-key FILE]
    umcr-server user add NAME --role ROLE [--team CALLSIGN] [--provider NAME] [--database URL]
    umcr-server user revoke NAME [--database URL]
    umcr-server user disable NAME | enable NAME | unlock NAME [--database URL]
    umcr-server user list [--database URL]
    umcr-server migrate [--database URL]
    umcr-server audit verify [--since CHECKPOINT] [--database URL]
    umcr-server audit checkpoint [--output FILE] [--database URL]
    umcr-server audit prune [--retention-days DAYS] [--database URL]
    umcr-server simulate --url URL --user NAME [--rate CALLS_PER_DAY] [--speed FACTOR]
                         [--duration SECONDS] [--seed N]   (docs/simulator.md)

Scripts and operators rely on these exact forms (issue 2). Logs go to stderr.
"""

from __future__ import annotations

import argparse
import copy
import getpass
import logging
import logging.config
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import sqlalchemy as sa
import uvicorn
from platformdirs import user_data_path

from ..config import load_deployment
from ..domain.enums import Role
from ..paths import APP_AUTHOR, APP_NAME, DATA_DIR_ENV, data_dir
from ..simulator import cli as simulator_cli
from . import audit, auth, files
from .db import make_engine, teams, utc_now
from .migrate import current_revision, head_revision, upgrade
from .settings import AUDIT_RETENTION_ENV, DEFAULT_AUDIT_RETENTION, audit_retention_days

DATABASE_ENV = "UMCR_DATABASE_URL"
PASSWORD_ENV = "UMCR_PASSWORD"
DATABASE_FILE = "server.sqlite3"
STARTUP_FAILED = 3
AUDIT_BROKEN = 4
# `audit verify --since`: the checkpoint's row was pruned; it proves nothing now.
CHECKPOINT_PRUNED = 5

log = logging.getLogger("umcr_console.server")


def default_database_url() -> str:
    """``$UMCR_DATABASE_URL``, else a SQLite file in the user data directory."""
    if url := os.environ.get(DATABASE_ENV):
        return url
    # The same per-user folder as the console's (paths.data_dir), so one
    # machine keeps one place for UMCR data.
    return f"sqlite:///{data_dir() / DATABASE_FILE}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="umcr-server", description="UMCR central server")
    commands = parser.add_subparsers(dest="command", required=True)

    def database_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--database",
            metavar="URL",
            help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db "
            f"(default: ${DATABASE_ENV}, else a SQLite file in the user data directory, "
            f"or in ${DATA_DIR_ENV})",
        )

    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    database_option(serve)
    serve.add_argument(
        "--deployment",
        metavar="NAME|PATH",
        help="deployment configuration: a shipped name or a JSON file "
        "(default: $UMCR_DEPLOYMENT, else pilot)",
    )
    serve.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS: certificate chain (PEM)")
    serve.add_argument("--tls-key", metavar="FILE", help="serve HTTPS: private key (PEM)")

    user = commands.add_parser("user", help="manage users")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser(
        "add", help=f"add a user, or reset one's role and password (password from ${PASSWORD_ENV})"
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--team", metavar="CALLSIGN", help="the team of a field user")
    add.add_argument(
        "--provider",
        metavar="NAME",
        help="the provider the user works for: sees in full only its incidents "
        "(docs/security.md); none for central dispatch",
    )
    database_option(add)
    revoke = user_commands.add_parser(
        "revoke", help="revoke every token of a user (each must sign in again)"
    )
    revoke.add_argument("name")
    database_option(revoke)
    for name, text in (
        ("disable", "turn a user off: no sign-in, every token revoked, offline login forgotten"),
        ("enable", "turn a disabled user back on"),
        ("unlock", "end the sign-in locks of a user (after failed sign-ins), from every address"),
    ):
        command = user_commands.add_parser(name, help=text)
        command.add_argument("name")
        database_option(command)
    listing = user_commands.add_parser(
        "list", help="every user: role, provider, state (active/disabled/locked), last sign-in"
    )
    database_option(listing)

    migrate = commands.add_parser("migrate", help="create or upgrade the database schema")
    database_option(migrate)

    audit_parser = commands.add_parser("audit", help="check or prune the audit log")
    audit_commands = audit_parser.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser(
        "verify",
        help=f"walk the hash chain and check it against the event log; exit {AUDIT_BROKEN} "
        "naming the first broken row (never creates or changes a database)",
    )
    verify.add_argument(
        "--since",
        metavar="CHECKPOINT",
        help="a checkpoint from `audit checkpoint` (ID:HASH, or a file holding it): the "
        f"chain must still pass through it (exit {AUDIT_BROKEN}; exit {CHECKPOINT_PRUNED} "
        "if it was pruned since)",
    )
    database_option(verify)
    checkpoint = audit_commands.add_parser(
        "checkpoint",
        help="verify, then print the head of the chain as ID:HASH to keep outside the "
        "database (for `audit verify --since`)",
    )
    checkpoint.add_argument("--output", metavar="FILE", help="also write it to FILE (created 0600)")
    database_option(checkpoint)
    prune = audit_commands.add_parser("prune", help="delete audit rows older than the retention")
    prune.add_argument(
        "--retention-days",
        type=float,
        metavar="DAYS",
        help=f"keep this many days (default: ${AUDIT_RETENTION_ENV}, else "
        f"{DEFAULT_AUDIT_RETENTION.days})",
    )
    database_option(prune)
    # A client of the public API, hosted here for operators (docs/simulator.md).
    simulator_cli.add_parser(commands)
    return parser


def _configure_logging() -> dict[str, Any]:
    """Everything to stderr, uvicorn's access log included (it defaults to stdout),
    through the filter that keeps personal data out (``logsafe.SafeLogFilter``)."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    # No exception text, SQL parameter or query string in the log (server/logsafe.py).
    config.setdefault("filters", {})["safe"] = {"()": "umcr_console.server.logsafe.SafeLogFilter"}
    for handler in config["handlers"].values():
        handler["stream"] = "ext://sys.stderr"
        handler["filters"] = [*handler.get("filters", []), "safe"]
    config["loggers"]["umcr_console"] = {
        "handlers": ["default"],
        "level": "INFO",
        "propagate": False,
    }
    return config


class _Server(uvicorn.Server):
    """uvicorn's server that also ends the SSE streams when told to stop.

    Without that, a graceful shutdown would wait for every console's endless
    stream to finish; the consoles reconnect to the next server anyway.
    """

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._on_exit()
        super().handle_exit(sig, frame)


class DatabaseUnavailable(Exception):
    def __init__(self, url: str, error: sa.exc.SQLAlchemyError) -> None:
        shown = sa.make_url(url).render_as_string(hide_password=True)
        # The driver's own first line says why (refused, unknown host, bad password).
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        super().__init__(f"cannot use the database {shown}: {reason}")


def _upgrade(engine: sa.Engine, database_url: str) -> None:
    try:
        upgrade(engine)
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseUnavailable(database_url, exc) from exc
    # The schema is there, so are the files: narrow any left readable by others.
    for path in files.secure_database(database_url, data_folder=_default_folder(database_url)):
        log.warning("%s was readable by other users: narrowed to its owner", path)


def _default_folder(database_url: str) -> Path | None:
    """The default data folder, when the database is the default one in it
    (worked out without creating the folder, unlike ``default_database_url``)."""
    if os.environ.get(DATABASE_ENV):
        return None
    override = os.environ.get(DATA_DIR_ENV)
    folder = Path(override) if override else user_data_path(APP_NAME, APP_AUTHOR)
    if database_url != f"sqlite:///{folder / DATABASE_FILE}":
        return None
    return folder


def serve(
    host: str,
    port: int,
    database_url: str,
    deployment: str | None,
    tls_cert: str | None = None,
    tls_key: str | None = None,
) -> int:
    from .app import create_app
    from .connections import deadline_protocol, request_deadline
    from .settings import Settings

    log_config = _configure_logging()
    logging.config.dictConfig(log_config)
    settings = Settings.from_env(database_url, deployment)
    log.info("database: %s", sa.make_url(database_url).render_as_string(hide_password=True))
    if tls_key and files.readable_by_others(Path(tls_key)):
        # The operator's file: said, not changed (it may be shared on purpose).
        log.warning("the TLS key %s is readable by other users: chmod 600 it", tls_key)
    engine = make_engine(database_url)
    # Migrate before uvicorn starts, so an unreachable database or a failed
    # migration is one clear line and exit status 1, not a startup traceback.
    try:
        _upgrade(engine, database_url)
    except DatabaseUnavailable:
        engine.dispose()
        raise
    app = create_app(settings, engine=engine)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=log_config,
        timeout_graceful_shutdown=int(settings.graceful_shutdown),
        lifespan="on",
        ssl_certfile=tls_cert,
        ssl_keyfile=tls_key,
        server_header=False,  # no "server: uvicorn": tell an attacker nothing for free
        # Cut off a client that does not send its whole request in time (slowloris).
        http=deadline_protocol(request_deadline()),
    )
    server = _Server(config, on_exit=app.state.broadcaster.close_threadsafe)

    # uvicorn re-raises the stop signal after its graceful shutdown, to the
    # handler that was installed before it ran: make that one a no-op, so a
    # SIGTERM or Ctrl+C ends with exit status 0 after a clean shutdown.
    def _after_shutdown(_sig: int, _frame: FrameType | None) -> None:
        return None

    if threading.current_thread() is threading.main_thread():  # signals live there only
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, _after_shutdown)
    server.run()
    if not server.started:
        log.error("the server did not start")
        return STARTUP_FAILED
    log.info("stopped")
    return 0


def _resolve_team(engine: sa.Engine, call_sign: str) -> str:
    """A field user's team must exist: on the roster, or in the deployment
    configuration. Its provider."""
    with engine.connect() as conn:
        on_roster = [
            data.get("provider", "")
            for data in conn.execute(sa.select(teams.c.data)).scalars()
            if data.get("call_sign") == call_sign
        ]
    configured = [t.provider for t in load_deployment().teams if t.call_sign == call_sign]
    if not on_roster and not configured:
        raise ValueError(f"no team with call sign {call_sign!r}")
    return str((on_roster or configured)[0])


def _check_provider(engine: sa.Engine, provider: str) -> None:
    """A provider must have a team on the roster or in the configuration: a typo
    would hide every incident from the user."""
    with engine.connect() as conn:
        on_roster = {
            data.get("provider") for data in conn.execute(sa.select(teams.c.data)).scalars()
        }
    known = sorted(on_roster | {t.provider for t in load_deployment().teams})
    if provider not in known:
        raise ValueError(f"no provider {provider!r}; known: {', '.join(known)}")


def _password() -> str:
    if (password := os.environ.get(PASSWORD_ENV)) is not None:
        return password
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise ValueError("the passwords differ")
    return first


def user_add(
    name: str, role: str, team: str | None, database_url: str, provider: str | None = None
) -> int:
    engine = make_engine(database_url)
    try:
        _upgrade(engine, database_url)
        if team:
            team_provider = _resolve_team(engine, team)
            if role == Role.FIELD.value:
                # A field user works for its team's provider and sees what that
                # provider holds, never everything (docs/security.md).
                if provider and provider != team_provider:
                    raise ValueError(f"team {team} belongs to {team_provider!r}, not {provider!r}")
                provider = team_provider
        if provider:
            _check_provider(engine, provider)
        auth.add_user(
            engine,
            name,
            role,
            _password(),
            team_call_sign=team,
            provider=provider,
            actor=_operator(),
        )
    finally:
        engine.dispose()
    print(f"user {name} ({role}) saved", file=sys.stderr)
    return 0


def user_revoke(name: str, database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        _upgrade(engine, database_url)
        count = auth.revoke_user(engine, name, actor=_operator())
    finally:
        engine.dispose()
    print(f"user {name}: {count} token(s) revoked", file=sys.stderr)
    return 0


def user_state(name: str, database_url: str, command: str) -> int:
    """``user disable``, ``user enable`` or ``user unlock``."""
    engine = make_engine(database_url)
    try:
        _upgrade(engine, database_url)
        if command == "unlock":
            count = auth.unlock(engine, name, actor=_operator())
            message = f"user {name}: unlocked ({count} failed sign-in(s) cleared)"
        else:
            count = auth.set_disabled(engine, name, command == "disable", actor=_operator())
            message = (
                f"user {name}: disabled ({count} token(s) revoked)"
                if command == "disable"
                else f"user {name}: enabled"
            )
    finally:
        engine.dispose()
    print(message, file=sys.stderr)
    return 0


def user_list(database_url: str) -> int:
    """One line per user, tab-separated with a header, on stdout (for scripts too)."""
    engine = make_engine(database_url)
    try:
        _upgrade(engine, database_url)
        found = auth.list_users(engine, now=utc_now())
        with engine.connect() as conn:
            call_signs = {
                team_id: str(data.get("call_sign"))
                for team_id, data in conn.execute(sa.select(teams.c.id, teams.c.data))
            }
    finally:
        engine.dispose()
    print("name\trole\tprovider\tteam\tstate\tlast sign-in")
    for user in found:
        state = user.state
        if user.locks:
            # Locked for some addresses only: say which, and until when.
            held = ", ".join(f"{lock.source} until {lock.until:%H:%M:%SZ}" for lock in user.locks)
            state = f"{state} ({held})"
        last = f"{user.last_sign_in_at:%Y-%m-%dT%H:%M:%SZ}" if user.last_sign_in_at else "never"
        print(
            "\t".join(
                (
                    user.username,
                    user.role,
                    user.provider or "-",
                    call_signs.get(user.team_id, user.team_id) if user.team_id else "-",
                    state,
                    last,
                )
            )
        )
    return 0


def _operator() -> str:
    """Who runs a command, for the audit log: the operating system's user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in the environment or passwd
        return "cli"


def _existing_database(database_url: str) -> sa.Engine:
    """An engine on a database that exists and has the current schema; never creates one.

    A read-only check must not leave an empty database behind a mistyped path
    and call it intact.
    """
    path = files.sqlite_path(database_url)
    if path is not None and not path.is_file():
        raise ValueError(f"no database at {path}")
    engine = make_engine(database_url)
    try:
        revision = current_revision(engine)
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseUnavailable(database_url, exc) from exc
    if revision != head_revision():
        engine.dispose()
        if revision is None:
            raise ValueError("not a UMCR server database (no schema)")
        raise ValueError(
            f"the database schema is at revision {revision}, not {head_revision()}: "
            "run `umcr-server migrate` first"
        )
    return engine


def _checkpoint_argument(text: str) -> audit.Checkpoint:
    """``ID:HASH``, or the path of a file holding it."""
    if re.fullmatch(r"\s*\d+:[0-9a-f]{64}\s*", text):
        return audit.Checkpoint.parse(text)
    return audit.Checkpoint.parse(Path(text).read_text(encoding="utf-8"))


def audit_verify(database_url: str, since: str | None = None) -> int:
    checkpoint = _checkpoint_argument(since) if since else None
    engine = _existing_database(database_url)
    try:
        verdict = audit.verify(engine, checkpoint)
    finally:
        engine.dispose()
    if not verdict.intact:
        print(
            f"audit log BROKEN at row {verdict.broken_id}: {verdict.problem} "
            f"({verdict.rows} row(s) before it verified)",
            file=sys.stderr,
        )
        return CHECKPOINT_PRUNED if verdict.checkpoint_pruned else AUDIT_BROKEN
    span = (
        f"from {verdict.first_at:%Y-%m-%dT%H:%M:%SZ} to {verdict.last_at:%Y-%m-%dT%H:%M:%SZ}"
        if verdict.first_at and verdict.last_at
        else "empty"
    )
    events = (
        f"events {verdict.from_seq + 1} to {verdict.through_seq} each audited"
        if verdict.through_seq > verdict.from_seq
        else "no audited events"
    )
    print(
        f"audit log intact: {verdict.rows} rows, {span}; {events}"
        + (
            f" (events up to {verdict.from_seq} predate it or were pruned)"
            if verdict.from_seq
            else ""
        )
        + (f"; passes through checkpoint {checkpoint.id}" if checkpoint else "")
        + f"; head hash {verdict.head_hash}"
    )
    return 0


def audit_checkpoint(database_url: str, output: str | None) -> int:
    engine = _existing_database(database_url)
    try:
        verdict = audit.verify(engine)
    finally:
        engine.dispose()
    if not verdict.intact:
        print(
            f"audit log BROKEN at row {verdict.broken_id}: {verdict.problem}; no checkpoint taken",
            file=sys.stderr,
        )
        return AUDIT_BROKEN
    checkpoint = audit.Checkpoint(verdict.head_id, verdict.head_hash)
    if output:
        files.write_private(Path(output), f"{checkpoint}\n")
    print(checkpoint)
    return 0


def audit_prune(database_url: str, retention_days: float | None) -> int:
    if retention_days is not None:
        retention = audit_retention_days(retention_days)
    elif days := os.environ.get(AUDIT_RETENTION_ENV):
        retention = audit_retention_days(float(days))
    else:
        retention = DEFAULT_AUDIT_RETENTION
    path = files.sqlite_path(database_url)
    if path is not None and not path.is_file():  # a typo must not make an empty database
        raise ValueError(f"no database at {path}")
    engine = make_engine(database_url)
    try:
        _upgrade(engine, database_url)
        removed = audit.prune(engine, retention, now=utc_now(), actor=_operator())
    finally:
        engine.dispose()
    print(
        f"audit log: {removed} row(s) older than {retention.total_seconds() / 86400:g} days pruned",
        file=sys.stderr,
    )
    return 0


def migrate(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        _upgrade(engine, database_url)
    finally:
        engine.dispose()
    print("database schema is up to date", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Every file the server makes is its user's only: the database, its WAL,
    # an audit checkpoint (server/files.py). Put back after the command, for
    # a caller in the same process (the tests).
    umask = files.private_umask()
    try:
        return _run(args)
    finally:
        os.umask(umask)


def _run(args: argparse.Namespace) -> int:
    if args.command == "simulate":
        return simulator_cli.run(args)
    database_url = args.database or default_database_url()
    try:
        if args.command == "serve":
            if (args.tls_cert is None) != (args.tls_key is None):
                raise ValueError("--tls-cert and --tls-key go together")
            return serve(
                args.host, args.port, database_url, args.deployment, args.tls_cert, args.tls_key
            )
        if args.command == "user" and args.user_command == "revoke":
            return user_revoke(args.name, database_url)
        if args.command == "user" and args.user_command in ("disable", "enable", "unlock"):
            return user_state(args.name, database_url, args.user_command)
        if args.command == "user" and args.user_command == "list":
            return user_list(database_url)
        if args.command == "user":
            return user_add(args.name, args.role, args.team, database_url, args.provider)
        if args.command == "audit" and args.audit_command == "verify":
            return audit_verify(database_url, args.since)
        if args.command == "audit" and args.audit_command == "checkpoint":
            return audit_checkpoint(database_url, args.output)
        if args.command == "audit":
            return audit_prune(database_url, args.retention_days)
        return migrate(database_url)
    except (ValueError, DatabaseUnavailable, sa.exc.SQLAlchemyError, OSError) as exc:
        print(f"umcr-server: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
