"""Composition root of the desktop console: login, store, sync engine, windows.

``umcr-console`` opens the login dialog (or, with ``--demo``, starts a local
server with a simulator and logs in by itself), opens the local store of that
server, builds the ``Workspace``, the main window and the sync engine, and
runs them on one asyncio loop driven by Qt (qasync) until the window closes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import shutil
import signal
import ssl
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from logging.handlers import RotatingFileHandler
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from . import __version__
from .config import load_deployment
from .domain.config import Deployment
from .domain.marks import tr
from .logsafe import OutlineFormatter, SafeMessage, brief
from .offline_login import OfflineVerifiers
from .paths import data_dir, log_dir
from .protocol import ACCOUNT_DISABLED_PROBLEM, API_PREFIX, TokenResponse

log = logging.getLogger("umcr_console")

DEPLOYMENT_META = "deployment_json"
PASSWORD_ENV = "UMCR_PASSWORD"
CA_BUNDLE_ENV = "UMCR_CA_BUNDLE"
IDLE_LOCK_ENV = "UMCR_IDLE_LOCK_MIN"
# Plain http to another machine sends the password in clear: refused unless set (issue 17).
PLAIN_HTTP_ENV = "UMCR_ALLOW_PLAIN_HTTP"


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="umcr-console", description="UMCR dispatch console")
    parser.add_argument("--server", help="server URL; the login form remembers the last one")
    parser.add_argument(
        "--user", help=f"log in as this user without the form (password from ${PASSWORD_ENV})"
    )
    parser.add_argument("--demo", action="store_true", help="local server, demo data, simulator")
    parser.add_argument("--wall", action="store_true", help="supervisor wall display (read-only)")
    parser.add_argument("--theme", choices=("dark", "light", "high-contrast"), help="colour theme")
    parser.add_argument(
        "--font-scale", type=float, help="text size, 1.0 normal, 1.5 half again (kept as a setting)"
    )
    parser.add_argument(
        "--lang",
        metavar="CODE",
        help="interface language: en or es (default: the settings file, else the system's)",
    )
    parser.add_argument("--data-dir", help="where the local store, settings and logs go")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="offscreen: embedded server, create, dispatch and close an incident, exit 0 if all worked",
    )
    parser.add_argument(
        "--ca-bundle",
        metavar="FILE",
        help=f"verify the server's TLS certificate against this CA bundle "
        f"(default: ${CA_BUNDLE_ENV}, else the system store)",
    )
    parser.add_argument("--version", action="version", version=f"umcr-console {__version__}")
    return parser.parse_args(argv)


def setup_logging() -> Path:
    """Log to a rotating file in the per-user log folder and to stderr."""
    path = log_dir() / "console.log"
    handler = RotatingFileHandler(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
    # Exceptions as type and frames only: their messages can hold personal data.
    handler.setFormatter(OutlineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(OutlineFormatter())
    # A record logged with extra={"stderr": False} is already on stderr in its own words.
    stderr.addFilter(lambda record: getattr(record, "stderr", True))
    root.addHandler(stderr)
    return path


@dataclass(frozen=True)
class Session:
    url: str
    username: str
    password: str
    role: str
    token: str | None  # None when started offline
    offline: bool = False


class LoginFailed(SafeMessage):
    """A message for the login form (server reasons and addresses, no personal data)."""


class AccountDisabled(LoginFailed):
    """The server says this account is disabled: its offline login is forgotten too."""


EXIT_CONFIG = 2  # a setting the console cannot start with (as argparse's usage errors)


class TlsSettingError(Exception):
    """A CA setting that cannot work; the message is one line for the user."""


def check_tls_settings(ca_bundle: str | None) -> None:
    """Fail at start, in one line, on a CA setting that cannot work.

    ``$SSL_CERT_FILE`` and ``$SSL_CERT_DIR`` are read by httpx for every client
    it makes (even for plain HTTP); pointing at nothing, they made each client
    raise deep inside the sync engine and the demo server's start.
    """
    if ca_bundle is not None:
        source = "--ca-bundle"
    else:
        ca_bundle, source = os.environ.get(CA_BUNDLE_ENV), f"${CA_BUNDLE_ENV}"
    if ca_bundle and not Path(ca_bundle).is_file():
        raise TlsSettingError(f"{source}: the CA bundle {ca_bundle} does not exist")
    for name, exists in (("SSL_CERT_FILE", Path.is_file), ("SSL_CERT_DIR", Path.is_dir)):
        value = os.environ.get(name)
        if value and not exists(Path(value)):
            raise TlsSettingError(
                f"${name} is {value}, which does not exist: "
                "correct it or remove it to use the system's certificates"
            )


def tls_verify(ca_bundle: str | None) -> bool | ssl.SSLContext:
    """httpx's ``verify``: the CA bundle of --ca-bundle or $UMCR_CA_BUNDLE, else the system store."""
    check_tls_settings(ca_bundle)
    path = ca_bundle or os.environ.get(CA_BUNDLE_ENV)
    if not path:
        return True
    try:
        return ssl.create_default_context(cafile=path)
    except ssl.SSLError as exc:
        raise TlsSettingError(
            f"the CA bundle {path} is not a PEM certificate file ({exc})"
        ) from exc


def plain_http_refused(url: str) -> str | None:
    """Why a password may not go to ``url``: plain http to another machine (issue 17).

    Over http:// the password and then the token cross the network in clear;
    to this machine (a demo, a local server, a TLS proxy on loopback) they do
    not. ``$UMCR_ALLOW_PLAIN_HTTP=1`` allows it on a closed test network.
    """
    parts = urlsplit(url)
    if parts.scheme != "http" or os.environ.get(PLAIN_HTTP_ENV) == "1":
        return None
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return None
    return (
        f"The server address {parts.scheme}://{parts.netloc} is not https: your password "
        "would cross the network in clear. Use the https:// address of the server "
        f"(docs/deployment.md), or set {PLAIN_HTTP_ENV}=1 on a closed test network."
    )


async def request_token(
    url: str, username: str, password: str, *, verify: bool | ssl.SSLContext = True
) -> TokenResponse:
    """Log in at the server; LoginFailed with a reason, or httpx.TransportError if unreachable."""
    if reason := plain_http_refused(url):
        raise LoginFailed(reason)
    async with httpx.AsyncClient(base_url=url + API_PREFIX, timeout=10.0, verify=verify) as client:
        response = await client.post(
            "/auth/token", json={"username": username, "password": password}
        )
    if response.status_code == 200:
        return TokenResponse.model_validate(response.json())
    try:
        body = response.json()
        detail = str(body.get("detail", "")) if isinstance(body, dict) else ""
        problem = str(body.get("type", "")) if isinstance(body, dict) else ""
    except ValueError:
        detail = problem = ""
    if response.status_code == 401:
        raise LoginFailed(tr("Wrong user name or password."))
    if response.status_code == 403 and problem == ACCOUNT_DISABLED_PROBLEM:
        raise AccountDisabled(tr("This account is disabled. Ask an administrator."))
    raise LoginFailed(
        detail or tr("The server answered {status}.").format(status=response.status_code)
    )


async def log_in(
    url: str,
    username: str,
    password: str,
    verifiers: OfflineVerifiers,
    *,
    verify: bool | ssl.SSLContext = True,
) -> Session:
    """Online if the server answers; offline for a user who logged in here before."""
    try:
        token = await request_token(url, username, password, verify=verify)
    except AccountDisabled:
        # Turned off by an administrator: no offline login on this workstation either.
        verifiers.forget(url, username)
        raise
    except httpx.TransportError as exc:
        identity = verifiers.verify(url, username, password)
        if identity is None:
            raise LoginFailed(
                tr(
                    "The server cannot be reached ({error}). Only a user who has "
                    "logged in on this workstation before can start offline."
                ).format(error=type(exc).__name__)
            ) from exc
        log.warning("server unreachable: %s logged in offline", username)
        return Session(url, username, password, identity.role, None, offline=True)
    verifiers.remember(url, username, password, token.role)
    return Session(url, username, password, token.role, token.access_token)


async def fetch_deployment(
    session: Session, *, verify: bool | ssl.SSLContext = True
) -> Deployment | None:
    if session.token is None:
        return None
    try:
        async with httpx.AsyncClient(
            base_url=session.url + API_PREFIX, timeout=10.0, verify=verify
        ) as client:
            response = await client.get(
                "/deployment", headers={"Authorization": f"Bearer {session.token}"}
            )
        response.raise_for_status()
        return Deployment.model_validate(response.json())
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("could not read the deployment from the server: %s", brief(exc))
        return None


def local_purge_window(deployment: Deployment) -> timedelta:
    """How long after close an incident's personal data stays in the local file."""
    return timedelta(hours=deployment.security.local_purge_hours)


def idle_lock_minutes(deployment: Deployment) -> float:
    """The deployment's idle-lock policy; ``$UMCR_IDLE_LOCK_MIN`` may shorten it on one
    workstation (a trial, a test), never lengthen it."""
    policy = deployment.security.idle_lock_min
    try:
        local = float(os.environ.get(IDLE_LOCK_ENV, "") or policy)
    except ValueError:
        log.warning("ignoring $%s: not a number of minutes", IDLE_LOCK_ENV)
        return policy
    return min(policy, local) if local > 0 else policy


def forget_when_withdrawn(engine, verifiers: OfflineVerifiers, session: Session) -> None:
    """When the server says the account was disabled or the session revoked, forget the
    offline verifier of that user: an offline login on this workstation then fails.

    Also tells the engine the session's role (known from the login), so a
    supervisor's console watches the sign-in locks from the start.
    """
    if engine.role is None:
        engine.role = session.role

    def forget(username: str) -> None:
        if verifiers.forget(session.url, username):
            log.warning("offline login of %s removed: the server withdrew access", username)

    engine.access_withdrawn.connect(forget)


def unlock_check(verifiers: OfflineVerifiers, session: Session) -> Callable[[str], bool]:
    """The lock screen's password check, local so it works offline: the Argon2 verifier
    kept at sign-in; if that file is gone or damaged, the password this session signed
    in with (held in memory for the sync engine anyway), compared in constant time."""

    def check(password: str) -> bool:
        if verifiers.known(session.url, session.username):
            return verifiers.verify(session.url, session.username, password) is not None
        return hmac.compare_digest(password.encode(), session.password.encode())

    return check


def store_path(base: Path, url: str) -> Path:
    """One local store per server (its outbox belongs to that server's log)."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return base / "stores" / f"{digest}.sqlite3"


class Console:
    """Runs one console session: from login to the window closing."""

    def __init__(
        self, args: argparse.Namespace, verify: bool | ssl.SSLContext | None = None
    ) -> None:
        from PySide6.QtCore import QSettings

        self.args = args
        self.data = data_dir()
        self.settings = QSettings(str(self.data / "settings.ini"), QSettings.Format.IniFormat)
        self.verifiers = OfflineVerifiers(self.data / "offline-login.json")
        self.demo = None
        self.exit_code = 0
        self.verify = tls_verify(getattr(args, "ca_bundle", None)) if verify is None else verify
        self.idle_clock: Callable[[], float] = time.monotonic  # tests move it by hand
        self.idle_lock = None

    async def run(self) -> int:
        from PySide6.QtWidgets import QApplication

        from .ui import i18n
        from .ui.theme import apply_theme

        # The language first: every window built after this speaks it (docs/i18n.md).
        i18n.install(
            i18n.choose_language(
                getattr(self.args, "lang", None)
                or str(self.settings.value("window/language", "") or "")
            )
        )
        apply_theme(
            QApplication.instance(),
            self.args.theme or str(self.settings.value("window/theme", "dark")),
        )
        from .ui import accessibility

        accessibility.apply_view_settings(QApplication.instance(), self.settings, self.args)
        try:
            session = await self._session()
            if session is None:
                return 1
            return await self._run_session(session)
        finally:
            if self.demo is not None:
                await asyncio.get_running_loop().run_in_executor(None, self.demo.stop)

    async def _session(self) -> Session | None:
        if self.args.demo or (self.args.self_test and not self.args.user):
            from .demo import DemoServer

            # 54 calls a simulated day keep the six pilot teams busy but not swamped
            # (at 18 a day, the real rate, an accelerated demo would look idle).
            self.demo = (
                DemoServer(speed=60.0, rate_per_day=54.0, history_hours=8.0)
                if self.args.demo
                else DemoServer(rate_per_day=0.0)
            )
            await asyncio.get_running_loop().run_in_executor(None, self.demo.start)
            # The wall logs in with the wall role, so the server strips personal data.
            user = "demo-wall" if self.args.wall else self.demo.username
            return await log_in(self.demo.url, user, self.demo.password, self.verifiers)
        if self.args.user:
            password = os.environ.get(PASSWORD_ENV)
            if password is None:
                raise SystemExit(f"--user needs the password in ${PASSWORD_ENV}")
            url = (self.args.server or str(self.settings.value("login/server", ""))).rstrip("/")
            return await log_in(url, self.args.user, password, self.verifiers, verify=self.verify)
        return await self._login_dialog()

    async def _login_dialog(self) -> Session | None:
        from .ui.login import LoginDialog
        from .ui.tasks import Tasks

        dialog = LoginDialog(self.settings)
        tasks = Tasks(dialog)
        if self.args.server:
            dialog.server.setText(self.args.server)
        done: asyncio.Future[Session | None] = asyncio.get_running_loop().create_future()

        async def attempt(url: str, user: str, password: str) -> None:
            try:
                session = await log_in(url, user, password, self.verifiers, verify=self.verify)
            except LoginFailed as exc:
                dialog.show_error(str(exc))
                return
            if not done.done():
                done.set_result(session)

        def requested(url: str, user: str, password: str) -> None:
            tasks.run(attempt(url, user, password), what="Logging in")

        dialog.login_requested.connect(requested)
        dialog.rejected.connect(lambda: done.done() or done.set_result(None))
        dialog.open()
        try:
            return await done
        finally:
            dialog.hide()
            dialog.deleteLater()

    async def _run_session(self, session: Session) -> int:
        from .store.recover import open_store
        from .store.workspace import Workspace
        from .sync.engine import SyncEngine

        # A demo's server lives in a temporary folder; so does its local store.
        demo_dir = Path(tempfile.mkdtemp(prefix="umcr-demo-store-")) if self.demo else None
        # A store damaged on disk is moved aside and rebuilt; its readable unsent
        # actions are kept (store/recover.py). The dispatcher is told below.
        store, recovery = open_store(store_path(demo_dir or self.data, session.url))
        try:
            cached = store.get_meta(DEPLOYMENT_META)
            known = Deployment.model_validate(json.loads(cached)) if cached else load_deployment()
            # The workspace purges on opening, before the server answers: the last known window.
            workspace = Workspace(
                store, actor=session.username, purge_personal_after=local_purge_window(known)
            )
            deployment = await fetch_deployment(session, verify=self.verify)
            if deployment is not None:
                store.set_meta({DEPLOYMENT_META: deployment.model_dump_json()})
                workspace.purge_personal_after = local_purge_window(deployment)
            else:
                deployment = known
            engine = SyncEngine(
                session.url,
                workspace,
                username=session.username,
                password=session.password,
                token=session.token,
                verify=self.verify,
            )
            forget_when_withdrawn(engine, self.verifiers, session)
            window = self._window(session, workspace, deployment, engine)
            if recovery is not None and hasattr(window, "notices"):
                from .ui.notices import Notice

                window.notices.add(Notice("store:recovered", "alert", recovery.message, utcnow()))
                window.notices_dock.show()
            # A console runs for days: forget long-closed incidents every hour,
            # not only at start (the server keeps them; timelines come from it).
            from PySide6.QtCore import QTimer

            pruner = QTimer(window)
            pruner.timeout.connect(workspace.prune_closed)
            pruner.start(3_600_000)
            sync_task = engine.start()
            closed = asyncio.Event()
            window.closed.connect(closed.set)
            if self.args.self_test:
                from .selftest import run_self_test

                self.exit_code = await run_self_test(window, workspace, engine)
                window.close()
            await closed.wait()
            await engine.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await sync_task
            return self.exit_code
        finally:
            store.close()
            if demo_dir is not None:
                shutil.rmtree(demo_dir, ignore_errors=True)

    def _window(self, session: Session, workspace, deployment: Deployment, engine):
        if self.args.wall:
            return self._wall(workspace, deployment, engine)
        from .ui.main_window import MainWindow

        window = MainWindow(
            workspace,
            deployment,
            settings=self.settings,
            username=session.username,
            clock=utcnow,
            division_at=_division_lookup(),
            sound=bool(self.settings.value("alerts/sound", False, type=bool)),
        )
        window.attach_sync(engine)
        accessibility_tour(window)
        if session.offline:
            window.status.set_connection(tr("offline (logged in on this workstation)"), False)
        window.show()
        # The wall (read-only, no personal data) never locks; a dispatcher's window does.
        from .ui.idle_lock import lock_main_window

        self.idle_lock = lock_main_window(
            window,
            verify=unlock_check(self.verifiers, session),
            idle_min=idle_lock_minutes(deployment),
            clock=self.idle_clock,
        )
        return window

    def _wall(self, workspace, deployment: Deployment, engine):
        from .ui.wall import WallWindow

        wall = WallWindow(
            workspace,
            deployment,
            clock=utcnow,
            map_widget=_map_widget(workspace, deployment),
            rotate_seconds=float(self.settings.value("wall/rotate_seconds", 20)),
        )
        wall.attach_sync(engine)
        accessibility_tour(wall)
        self._month_task = wall.tasks.run(
            _follow_month_report(engine, wall), what="This month's figures"
        )
        wall.closed.connect(self._month_task.cancel)
        if self.args.self_test:
            wall.show()
        else:
            from .ui.theme import largest_screen

            screen = largest_screen()  # the wall monitor, not the laptop beside it
            if screen is not None:
                wall.setGeometry(screen.geometry())
            wall.showFullScreen()
        return wall


def accessibility_tour(window) -> None:
    """Test-only (``UMCR_A11Y_TOUR=1``): open every dialog over ``window`` so the
    accessibility-tree test can walk them (tests/ui/test_atspi_tree.py)."""
    if os.environ.get("UMCR_A11Y_TOUR") == "1":
        from .ui.a11y_tour import open_when_ready

        open_when_ready(window, int(os.environ.get("UMCR_A11Y_TOUR_DELAY_MS", "8000")))


async def _follow_month_report(engine, wall) -> None:
    """Every minute, this month's redirect rate from the server for the wall."""
    while True:
        now = utcnow().astimezone()
        start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        try:
            report = await engine.fetch_report(start, now)
        except Exception as exc:  # offline: the wall keeps its last figure and says stale
            log.info("monthly report not fetched: %s", brief(exc))
            await asyncio.sleep(5)
            continue
        wall.set_month_redirect_rate(report.total.redirect_rate)
        await asyncio.sleep(60)


def _map_widget(workspace, deployment: Deployment):
    from .ui.map_widget import DivisionMapWidget

    return DivisionMapWidget.for_workspace(workspace, deployment, clock=utcnow, read_only=True)


def _division_lookup():
    from .geodata import division_at

    return division_at


def main(argv: Sequence[str] | None = None) -> int:
    # A frozen bundle has one executable: it is also the demo's server child.
    from .demo import run_child_if_requested

    child_status = run_child_if_requested(argv)
    if child_status is not None:
        return child_status
    args = parse_args(argv)
    if args.data_dir:
        os.environ["UMCR_DATA_DIR"] = args.data_dir
    if args.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    log_path = setup_logging()
    log.info("umcr-console %s starting; log at %s", __version__, log_path)

    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .ui import crash

    headless = crash.is_headless(args.self_test)
    try:
        verify = tls_verify(args.ca_bundle)
    except TlsSettingError as exc:
        return _fatal(str(exc), EXIT_CONFIG, headless)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("UMCR Dispatch")
    app.setOrganizationName("UMCR")
    # The session coroutine decides when the console ends (it closes the store
    # and the HTTP client first); Qt must not stop the loop under it.
    app.setQuitOnLastWindowClosed(False)
    crash.install(headless)
    # Ctrl+C or a service stop closes the windows; the session then shuts down in
    # order (sync stopped, store closed) instead of dying under the event loop.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: QTimer.singleShot(0, app.closeAllWindows))
    # Python only sees a signal when it runs: a light timer lets it in while Qt waits.
    heartbeat = QTimer()
    heartbeat.start(250)
    heartbeat.timeout.connect(lambda: None)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    crash.install_loop(loop)
    console = Console(args, verify=verify)
    try:
        with loop:
            code = loop.run_until_complete(console.run())
    except Exception as exc:
        if not headless:
            raise  # the crash hook tells the user
        # Nobody to read a dialog (and a frozen windowed build would show
        # its own): the error, and a non-zero exit status.
        log.error(
            "the console stopped: %s",
            brief(exc),
            exc_info=crash.exit_status is None,
            extra={"stderr": False},
        )
        if crash.exit_status is None and not isinstance(exc, LoginFailed):
            traceback.print_exception(exc, file=sys.stderr)  # for whoever reads the CI log
        return crash.exit_status or _fatal(_one_line(exc), 1, headless)
    return crash.exit_status or code


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _fatal(message: str, status: int, headless: bool) -> int:
    """One line on stderr and in the log; a dialog only if someone is there to read it."""
    log.error("%s", message, extra={"stderr": False})
    print(f"umcr-console: error: {message}", file=sys.stderr, flush=True)
    if not headless:
        from PySide6.QtWidgets import QApplication, QMessageBox

        _app = QApplication.instance() or QApplication(sys.argv[:1])
        QMessageBox.critical(None, "UMCR Dispatch Console", message)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
