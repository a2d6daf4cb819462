"""The field page in a real browser against a real server (issue 24).

Headless Chromium (Debian's chromium + chromium-driver, driven by Selenium) at
phone size opens ``/field/`` of a real ``umcr-server serve`` process, signs in
as the field user of team PL-1, goes en route and on scene, checks in, calls
for help (a headless console process sees it; a dispatcher acknowledges it and
the phone shows who), then loses the network (the browser's own offline mode),
acts, reloads the page with no signal (the service worker serves it, the
queue is still there), regains the network, and everything arrives once, in
the order it was done.

Screenshots go to ``$UMCR_FIELD_SCREENSHOTS`` when set (tools: docs/field.md),
else to the test's temporary folder.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import PL1, assigned, created, event
from tests.support.browser import browser_missing, phone_browser, set_offline
from tests.support.headless import HeadlessConsole
from tests.support.server import DEFAULT_USERS, ServerProcess
from tests.support.waiting import wait_for
from umcr_console.domain.alerts import help_acknowledgement_event_id

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing())),
]

API = "/api/v1"
ADDRESS = "1234 W Sunset Blvd"


def _events(client: httpx.Client, headers: dict[str, str]) -> list[dict]:
    answer = client.get(f"{API}/events", params={"after": 0, "limit": 5000}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["events"]


def _team(client: httpx.Client, headers: dict[str, str]) -> dict:
    snapshot = client.get(f"{API}/snapshot", headers=headers).json()
    return next(t for t in snapshot["teams"] if t["id"] == PL1)


def test_a_team_reports_from_the_phone_online_and_offline(tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    shots = Path(os.environ.get("UMCR_FIELD_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with (
        ServerProcess(tmp_path, keepalive=1.0) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        dispatch = server.headers("dispatcher1")
        incident = created()
        incident_id = incident["entity_id"]
        caution = event(
            "incident.caution_added",
            incident_id,
            {"category": "animal", "text": "Large dog in the yard, owner keeps it inside"},
        )
        for sent in (incident, assigned(incident_id, PL1), caution):
            answer = client.post(f"{API}/events", json={"events": [sent]}, headers=dispatch)
            assert answer.json()["results"][0]["status"] == "accepted", answer.text

        console = HeadlessConsole(
            tmp_path / "console.db", server.url, "dispatcher2", start_signal=False
        ).start()
        console.wait_ready()
        wait_for(
            lambda: any(r.get("link") == "online" for r in list(console.records)),
            60,
            "the console is online",
        )
        driver = phone_browser(tmp_path / "chromium-profile")
        try:
            wait = WebDriverWait(driver, 20)
            body = lambda: driver.find_element(By.TAG_NAME, "body")  # noqa: E731

            def data(name: str) -> str | None:
                return body().get_attribute(f"data-{name}")

            def shot(name: str) -> None:
                driver.execute_script("window.scrollTo(0, 0)")
                driver.save_screenshot(str(shots / name))

            def until(name: str, value: str, what: str) -> None:
                wait.until(lambda _d: data(name) == value, f"{what}: data-{name} != {value}")

            # The team lets the page know where it is (permission + a fix).
            origin = server.url
            driver.execute_cdp_cmd(
                "Browser.grantPermissions", {"origin": origin, "permissions": ["geolocation"]}
            )
            driver.execute_cdp_cmd(
                "Emulation.setGeolocationOverride",
                {"latitude": 34.07702, "longitude": -118.26011, "accuracy": 15},
            )

            driver.get(f"{server.url}/field/")
            until("ready", "1", "the page starts")
            shot("field-signin.png")
            # The server's own sign-in: a wrong password is refused and said so.
            driver.find_element(By.ID, "username").send_keys("field1")
            driver.find_element(By.ID, "password").send_keys("not-the-password")
            driver.find_element(By.ID, "signin-button").click()
            wait.until(
                lambda _d: (
                    "wrong user name or password" in driver.find_element(By.ID, "signin-error").text
                ),
                "a refused sign-in is shown",
            )
            # A dispatcher's account is not for this page: signed out again at once.
            driver.find_element(By.ID, "username").clear()
            driver.find_element(By.ID, "username").send_keys("dispatcher2")
            driver.find_element(By.ID, "password").clear()
            driver.find_element(By.ID, "password").send_keys(DEFAULT_USERS["dispatcher2"][1])
            driver.find_element(By.ID, "signin-button").click()
            wait.until(
                lambda _d: "for field teams" in driver.find_element(By.ID, "signin-error").text,
                "a non-field user is turned away",
            )
            assert driver.execute_script("return sessionStorage.length") == 0
            driver.find_element(By.ID, "username").clear()
            driver.find_element(By.ID, "username").send_keys("field1")
            driver.find_element(By.ID, "password").clear()
            driver.find_element(By.ID, "password").send_keys(DEFAULT_USERS["field1"][1])
            driver.find_element(By.ID, "signin-button").click()
            until("status", "dispatched", "signed in, the call shows")
            page = driver.find_element(By.ID, "work").text
            assert ADDRESS in page and "Welfare check" in page
            assert "Large dog in the yard" in page
            # Only what decide() allows from dispatched.
            buttons = driver.find_elements(By.CSS_SELECTOR, "#status-buttons button")
            assert [b.get_attribute("id") for b in buttons] == [
                "status-en_route",
                "status-on_scene",
                "status-available",
            ]
            driver.find_element(By.ID, "position-button").click()
            wait.until(lambda _d: data("position") == "shared", "position shared")
            shot("field-assignment.png")

            driver.find_element(By.ID, "status-en_route").click()
            wait.until(lambda _d: _team(client, dispatch)["status"] == "en_route", "en route")
            until("status", "en_route", "the page shows en route")
            driver.find_element(By.ID, "status-on_scene").click()
            wait.until(lambda _d: _team(client, dispatch)["status"] == "on_scene", "on scene")
            until("status", "on_scene", "the page shows on scene")
            checked_before = _team(client, dispatch)["last_check_in"]
            driver.find_element(By.ID, "checkin").click()
            wait.until(
                lambda _d: _team(client, dispatch)["last_check_in"] != checked_before, "check-in"
            )
            # The status change sent the team's position (it let the page).
            positions = client.get(f"{API}/field/positions", headers=dispatch).json()
            assert [p["team_id"] for p in positions["positions"]] == [PL1]

            # HELP NOW: one tap, the console sees it (its latency: bench/help_now_bench.py).
            driver.find_element(By.ID, "help").click()
            wait.until(
                lambda _d: (_team(client, dispatch)["help"] or {}).get("requested_at"), "help"
            )
            help_call = _team(client, dispatch)["help"]
            help_id = help_call["event_id"]
            wait_for(lambda: help_id in console.seen, 10, "the console sees the call for help")
            assert help_call["lat"] == pytest.approx(34.07702)
            assert help_call["incident_id"] == incident_id
            until("help", "open", "the phone says dispatch is alerted")
            shot("field-help.png")
            # A second tap while it is open makes no second alert.
            driver.find_element(By.ID, "help").click()
            ack = event(
                "team.help_acknowledged",
                PL1,
                {"requested_at": help_call["requested_at"], "note": "Calling you now"},
                event_id=help_acknowledgement_event_id(
                    PL1, datetime.fromisoformat(help_call["requested_at"])
                ),
            )
            answer = client.post(f"{API}/events", json={"events": [ack]}, headers=dispatch)
            assert answer.json()["results"][0]["status"] == "accepted", answer.text
            until("help", "acknowledged", "the phone shows the acknowledgement")
            assert "dispatcher1" in driver.find_element(By.ID, "help-state").text
            shot("field-help-acknowledged.png")

            # No signal: act anyway; it waits on the phone, shown as waiting.
            seq_before = int(client.get(f"{API}/health").json()["seq"])
            set_offline(driver, True)
            driver.find_element(By.ID, "status-transporting").click()
            until("queued", "1", "the status change waits")
            driver.find_element(By.ID, "checkin").click()
            driver.find_element(By.ID, "note").send_keys("Taking him to the Exodus urgent care")
            driver.find_element(By.ID, "note-button").click()
            until("queued", "3", "three actions wait")
            # Help with no signal: queued once, however often it is tapped.
            driver.find_element(By.ID, "help").click()
            until("queued", "4", "the call for help waits too")
            driver.find_element(By.ID, "help").click()
            time.sleep(0.5)
            assert data("queued") == "4"
            until("help", "sending", "the phone says it keeps trying")
            until("link", "offline", "the page says there is no signal")
            until("status", "transporting", "the page shows what waits as done")
            shot("field-offline-queued.png")
            # The page opens with no signal (service worker) and the queue is kept.
            driver.refresh()
            until("ready", "1", "the page opens offline")
            until("queued", "4", "the queue survives a reload")
            # It was the service worker that served it: the page is offline.
            assert driver.execute_script("return navigator.serviceWorker.controller !== null")
            reached = driver.execute_async_script(
                "const done = arguments[0];"
                "fetch('/api/v1/health').then(() => done('reached'), () => done('offline'));"
            )
            assert reached == "offline"
            time.sleep(1.0)
            assert int(client.get(f"{API}/health").json()["seq"]) == seq_before

            set_offline(driver, False)
            until("queued", "0", "everything waiting was sent")
            wait.until(lambda _d: data("link") == "online", "back online")
            after = [e for e in _events(client, dispatch) if e["seq"] > seq_before]
            mine = [e for e in after if e["actor"] == "field1"]
            assert [e["type"] for e in mine] == [
                "team.status_changed",
                "team.checked_in",
                "incident.note_added",
                "team.help_requested",
            ], mine
            assert mine[0]["payload"]["status"] == "transporting"
            assert mine[2]["entity_id"] == incident_id
            ids = [e["event_id"] for e in _events(client, dispatch)]
            assert len(ids) == len(set(ids))
            helps = [e for e in _events(client, dispatch) if e["type"] == "team.help_requested"]
            # Online: two taps, one alert; offline: two taps, one alert.
            assert len(helps) == 2, helps
            wait_for(
                lambda: all(e["event_id"] in console.seen for e in mine),
                10,
                "the console has everything the phone sent",
            )
            until("status", "transporting", "the server's answer agrees")
            until("help", "open", "the offline call for help is open at dispatch")
            shot("field-back-online.png")
            assert not console.rejected
        finally:
            driver.quit()
            console.terminate()
