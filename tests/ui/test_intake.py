"""Intake: bad input gets a message next to its field and loses nothing typed."""

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from umcr_console.domain.enums import Agency, CallType, EventType
from umcr_console.domain.state import State
from umcr_console.ui.intake import IntakeDialog

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
DIVISIONS = ["Devonshire", "Wilshire"]


@pytest.fixture
def dialog(qtbot):
    dlg = IntakeDialog(
        divisions=DIVISIONS,
        workstation_id="ws-1",
        clock=lambda: NOW,
        division_at=lambda lat, lon: "Wilshire" if 34.0 < lat < 34.1 else None,
    )
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def test_a_complete_call_makes_one_valid_creation(qtbot, dialog: IntakeDialog) -> None:
    qtbot.keyClicks(dialog.address, "5th St & Wilshire Blvd")
    qtbot.keyClicks(dialog.lat, "34.06")
    qtbot.keyClicks(dialog.lon, "-118.34")
    qtbot.keyClicks(dialog.phone, "+1 (213) 555-0100")
    dialog.call_type.setCurrentIndex(dialog.call_type.findData(CallType.WELFARE_CHECK))
    with qtbot.waitSignal(dialog.submitted) as blocker:
        qtbot.keyClick(dialog.address, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    (event,) = blocker.args[0]
    assert event.type == EventType.INCIDENT_CREATED
    assert event.payload["location"]["division"] == "Wilshire"  # derived from the coordinates
    assert event.payload["caller"]["phone"] == "+1 (213) 555-0100"
    assert event.payload["received_at"].startswith("2026-11-26T09:30")
    # The event passes the shared rules, exactly as the server will judge it.
    assert State().apply(event, now=NOW).__class__.__name__ == "Changes"


@pytest.mark.parametrize(
    ("field", "text", "error_key", "message"),
    [
        ("address", "", "address", "address"),
        ("lat", "north", "coords", "must be a number"),
        ("lat", "95", "coords", "between"),
        ("phone", "call me maybe", "phone", "digits"),
    ],
)
def test_bad_fields_are_marked_and_nothing_typed_is_lost(
    qtbot, dialog: IntakeDialog, field: str, text: str, error_key: str, message: str
) -> None:
    qtbot.keyClicks(dialog.caller_name, "Maria")
    qtbot.keyClicks(dialog.narrative, "son is pacing, not sleeping for 3 days")
    if field != "address":
        qtbot.keyClicks(dialog.address, "1200 W 7th St")
    qtbot.keyClicks(getattr(dialog, field), text)
    if field == "lat":
        qtbot.keyClicks(dialog.lon, "-118.3")
    with qtbot.assertNotEmitted(dialog.submitted):
        assert dialog.try_submit() is False
    assert message in dialog.errors()[error_key]
    assert dialog.isVisible()
    assert dialog.caller_name.text() == "Maria"
    assert dialog.narrative.toPlainText() == "son is pacing, not sleeping for 3 days"


def test_point_outside_the_city_is_an_error(qtbot, dialog: IntakeDialog) -> None:
    qtbot.keyClicks(dialog.address, "somewhere")
    qtbot.keyClicks(dialog.lat, "36.1")
    qtbot.keyClicks(dialog.lon, "-115.1")
    assert dialog.build_events() is None
    assert "outside the City" in dialog.errors()["coords"]


def test_safety_flag_recommends_redirect_and_needs_a_reason(qtbot, dialog: IntakeDialog) -> None:
    qtbot.keyClicks(dialog.address, "Crenshaw & Adams")
    dialog.weapons.setChecked(True)
    assert dialog.recommendation.isVisible()
    assert "LAPD" in dialog.recommendation.text()
    dialog.screen_choice.setCurrentIndex(dialog.screen_choice.findData(None))  # keep it
    assert dialog.build_events() is None
    assert "reason" in dialog.errors()["screen"]
    dialog.screen_choice.setCurrentIndex(dialog.screen_choice.findData(Agency.LAPD))
    qtbot.keyClicks(dialog.screen_reason, "caller reports a knife")
    created, redirected = dialog.build_events()
    assert redirected.type == EventType.INCIDENT_REDIRECTED
    assert redirected.payload == {"agency": Agency.LAPD, "reason": "caller reports a knife"}
    state = State()
    for event in (created, redirected):
        assert state.apply(event, now=NOW).__class__.__name__ == "Changes"


def test_keeping_a_flagged_call_records_the_override_reason(qtbot, dialog: IntakeDialog) -> None:
    qtbot.keyClicks(dialog.address, "Van Nuys Blvd")
    dialog.medical.setChecked(True)
    assert dialog.screen_choice.currentData() == Agency.LAFD
    dialog.screen_choice.setCurrentIndex(dialog.screen_choice.findData(None))
    qtbot.keyClicks(dialog.screen_reason, "minor cut, already bandaged; crisis is the need")
    (created,) = dialog.build_events()
    assert created.payload["screen_override_reason"].startswith("minor cut")


def test_closing_a_filled_form_keeps_it_as_a_draft(qtbot, dialog: IntakeDialog) -> None:
    qtbot.keyClicks(dialog.address, "1 Main St")
    with qtbot.waitSignal(dialog.draft_kept):
        qtbot.keyClick(dialog.address, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    dialog.show()
    assert dialog.address.text() == "1 Main St"
