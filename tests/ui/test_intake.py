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
    dialog.division.setCurrentIndex(dialog.division.findData("Wilshire"))
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
    dialog.division.setCurrentIndex(dialog.division.findData("Devonshire"))
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


# ---- issue 18 item 1: the safety screen reads what was typed ------------------


def _placed(qtbot, dialog: IntakeDialog, address: str = "1200 W 7th St") -> None:
    qtbot.keyClicks(dialog.address, address)
    dialog.division.setCurrentIndex(dialog.division.findData("Wilshire"))


def test_a_weapon_in_the_narrative_raises_the_screen_and_blocks_the_save(
    qtbot, dialog: IntakeDialog
) -> None:
    _placed(qtbot, dialog)
    qtbot.keyClicks(dialog.narrative, "guard thinks he has a gun in his waistband")
    # The warning comes up by itself once typing pauses.
    qtbot.waitUntil(dialog.words_box.isVisible)
    assert "weapons" in dialog.words_label.text()
    assert "\u201cgun\u201d (narrative)" in dialog.words_label.text()
    # Not a single tick box was touched, and still the call does not save as is.
    with qtbot.assertNotEmitted(dialog.submitted):
        qtbot.keyClick(dialog.narrative, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "confirm or clear" in dialog.errors()["words"]
    assert dialog.isVisible()

    # Confirming ticks the box: the screen recommends a redirect and wants a reason.
    qtbot.mouseClick(dialog.words_confirm, Qt.MouseButton.LeftButton)
    assert dialog.weapons.isChecked()
    assert "LAPD" in dialog.recommendation.text()
    qtbot.keyClicks(dialog.screen_reason, "gun in waistband")
    with qtbot.waitSignal(dialog.submitted) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    created, redirected = blocker.args[0]
    assert created.payload["safety"]["weapons"] is True
    assert created.payload["safety_words"] == {
        "found": [{"category": "weapons", "words": "gun", "field": "narrative", "language": "en"}],
        "decision": "confirmed",
        "reason": "",
    }
    assert redirected.type == EventType.INCIDENT_REDIRECTED
    state = State()
    for event in (created, redirected):
        assert state.apply(event, now=NOW).__class__.__name__ == "Changes"
    (incident,) = state.incidents.values()
    assert any("Safety words confirmed" in n.text for n in incident.notes)


def test_clearing_the_words_needs_a_reason_and_is_recorded(qtbot, dialog: IntakeDialog) -> None:
    _placed(qtbot, dialog)
    qtbot.keyClicks(dialog.person, "Luis, 34, tiene una pistola de juguete")
    qtbot.waitUntil(dialog.words_box.isVisible)
    assert "\u201cpistola\u201d (person)" in dialog.words_label.text()
    qtbot.mouseClick(dialog.words_clear, Qt.MouseButton.LeftButton)
    assert "why" in dialog.errors()["words"]
    qtbot.keyClicks(dialog.words_reason, "a toy gun, confirmed by the caller")
    qtbot.mouseClick(dialog.words_clear, Qt.MouseButton.LeftButton)
    assert not dialog.weapons.isChecked()
    with qtbot.waitSignal(dialog.submitted) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (created,) = blocker.args[0]  # kept for the team: nothing was ticked
    check = created.payload["safety_words"]
    assert check["decision"] == "cleared"
    assert check["reason"] == "a toy gun, confirmed by the caller"
    assert check["found"][0]["language"] == "es"
    state = State()
    assert state.apply(created, now=NOW).__class__.__name__ == "Changes"
    (incident,) = state.incidents.values()
    assert any("cleared" in n.text and "toy gun" in n.text for n in incident.notes)


def test_new_words_after_a_decision_ask_again(qtbot, dialog: IntakeDialog) -> None:
    _placed(qtbot, dialog)
    qtbot.keyClicks(dialog.narrative, "says he has a knife")
    qtbot.keyClicks(dialog.words_reason, "butter knife, eating")
    assert dialog.clear_safety_words()
    qtbot.keyClicks(dialog.narrative, "; now he is not breathing")
    assert dialog.build_events() is None
    assert "confirm or clear" in dialog.errors()["words"]
    assert "medical emergency" in dialog.words_label.text()


@pytest.mark.parametrize(
    "narrative",
    ["no weapons, pacing and yelling", "denies weapons", "sin armas, está muy ansioso"],
)
def test_a_negated_mention_raises_nothing(qtbot, dialog: IntakeDialog, narrative: str) -> None:
    _placed(qtbot, dialog)
    dialog.narrative.insertPlainText(narrative)  # as typed (keyClicks cannot type "á")
    events = dialog.build_events()
    assert events is not None and len(events) == 1
    assert "safety_words" not in events[0].payload or events[0].payload["safety_words"] is None
    assert not dialog.words_box.isVisible()
    assert dialog.words_negated.isVisible()  # shown quietly: read, not counted


def test_typed_markup_in_the_warning_shows_as_typed(qtbot, dialog: IntakeDialog) -> None:
    _placed(qtbot, dialog)
    qtbot.keyClicks(dialog.narrative, "<b>knife</b> <script>x</script>")
    dialog.read_safety_words()
    assert dialog.words_label.textFormat() == Qt.TextFormat.PlainText
    assert "knife" in dialog.words_label.text()


# ---- issue 18 item 4: a call that cannot be placed -----------------------------


def test_a_call_without_coordinates_or_division_is_not_saved_silently(
    qtbot, dialog: IntakeDialog
) -> None:
    qtbot.keyClicks(dialog.address, "the bus stop by the library")
    with qtbot.assertNotEmitted(dialog.submitted):
        qtbot.keyClick(dialog.address, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "cannot be placed" in dialog.errors()["division"]
    # A point on the map places it (and the division follows from it).
    dialog.set_location(34.05, -118.3)
    (created,) = dialog.build_events()
    assert created.payload["location"]["division"] == "Wilshire"


def test_the_division_places_a_call_without_coordinates(qtbot, dialog: IntakeDialog) -> None:
    qtbot.keyClicks(dialog.address, "the bus stop by the library")
    dialog.division.setCurrentIndex(dialog.division.findData("Devonshire"))
    (created,) = dialog.build_events()
    assert created.payload["location"]["division"] == "Devonshire"


def test_saving_unplaced_is_a_choice_made_on_purpose(qtbot, dialog: IntakeDialog) -> None:
    qtbot.keyClicks(dialog.address, "caller hung up, somewhere downtown")
    dialog.division.setCurrentIndex(
        dialog.division.findText("Not known", Qt.MatchFlag.MatchStartsWith)
    )
    (created,) = dialog.build_events()
    assert created.payload["location"]["division"] is None
    assert created.payload["location"]["lat"] is None


def test_ticking_the_box_by_hand_answers_the_words(qtbot, dialog: IntakeDialog) -> None:
    _placed(qtbot, dialog)
    qtbot.keyClicks(dialog.narrative, "he is swinging a machete")
    dialog.weapons.setChecked(True)
    qtbot.keyClicks(dialog.screen_reason, "machete")
    created, _redirected = dialog.build_events()
    assert created.payload["safety_words"]["decision"] == "confirmed"
    dialog.weapons.setChecked(False)  # unticked again: the words wait for an answer
    assert dialog.build_events() is None
    assert "confirm or clear" in dialog.errors()["words"]
