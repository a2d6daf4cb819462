"""EIDO files: export an incident for another dispatch system, import one as a new call.

Export: the dispatcher chooses whether personal and clinical details go in
(off by default: data minimisation) and which notes, then saves the NENA EIDO
JSON document to a file. Import: a file (for example a 911 call transfer)
is mapped to a new call; the intake opens with the mapped values, or the
mapping errors are shown. Every dialog here is non-blocking (``open()``).
The mapping itself is ``umcr_console.interop``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.model import Incident, Note, Team
from ..interop import (
    EidoAgent,
    EidoImport,
    EidoImportError,
    eido_to_incident_created,
    incident_to_eido,
)
from .i18n import tr
from .text import plain, tooltip

if TYPE_CHECKING:
    from ..store.workspace import Workspace
    from .intake import IntakeDialog
    from .messages import Messages

NOTE_INDEX_ROLE = Qt.ItemDataRole.UserRole + 1
JSON_FILTER = "EIDO JSON (*.json);;All files (*)"
# A real EIDO is kilobytes; a huge file is a mistake, not an incident.
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _note_label(note: Note) -> str:
    first_line = note.text.strip().splitlines()[0] if note.text.strip() else ""
    short = first_line if len(first_line) <= 80 else first_line[:79] + "…"
    return f"{QLocale().toString(note.at.time(), 'HH:mm')} {note.author or '?'}: {short}"


class EidoExportDialog(QDialog):
    """Choose what goes into the EIDO of one incident, then save it to a file."""

    saved = Signal(str)

    def __init__(
        self,
        incident: Incident,
        teams: Sequence[Team],
        *,
        agent: EidoAgent,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Export EIDO — {number}").format(number=incident.number))
        self.setObjectName("EidoExportDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.incident = incident
        self.teams = list(teams)
        self.agent = agent
        self.file_dialog: QFileDialog | None = None

        explain = QLabel(
            tr(
                "The document always carries the call type, location, priority, safety "
                "flags, teams and disposition. Personal and clinical details and notes go "
                "in only if you choose them here."
            ),
            wordWrap=True,
        )
        self.personal = QCheckBox(
            tr(
                "Include &personal and clinical details (caller, callback number, "
                "person in crisis, narrative, redirect reason)"
            )
        )
        self.notes = QListWidget(objectName="eido_notes")
        for index, note in enumerate(incident.notes):
            item = QListWidgetItem(_note_label(note))
            item.setToolTip(tooltip(note.text))
            item.setData(NOTE_INDEX_ROLE, index)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.notes.addItem(item)
        notes_label = QLabel(
            tr("&Notes to include:") if incident.notes else tr("This incident has no notes."),
            buddy=self.notes,
        )
        self.notes.setVisible(bool(incident.notes))
        self.error = plain(QLabel(objectName="dialog_error", wordWrap=True))
        self.error.setStyleSheet("color: #ff6b6b;")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton(tr("&Save…"))
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.clicked.connect(self.choose_file)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.personal)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, 420)

    def chosen_notes(self) -> list[Note]:
        chosen = []
        for row in range(self.notes.count()):
            item = self.notes.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(self.incident.notes[item.data(NOTE_INDEX_ROLE)])
        return chosen

    def document(self) -> dict:
        """The EIDO of the incident with what is chosen now."""
        return incident_to_eido(
            self.incident,
            self.teams,
            agent=self.agent,
            include_personal=self.personal.isChecked(),
            notes=self.chosen_notes(),
        )

    def choose_file(self) -> None:
        """Ask where to save, without blocking the event loop."""
        dialog = QFileDialog(
            self, tr("Save EIDO"), f"{self.incident.number}-eido.json", JSON_FILTER
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("json")
        dialog.fileSelected.connect(self.save_to)
        self.file_dialog = dialog
        dialog.open()

    def save_to(self, path: str) -> bool:
        try:
            text = json.dumps(self.document(), ensure_ascii=False, indent=2)
            Path(path).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            self.error.setText(
                tr("Could not save {path}: {error}. Choose another place.").format(
                    path=path, error=exc.strerror or exc
                )
            )
            self.error.show()
            return False
        self.saved.emit(path)
        self.accept()
        return True


class EidoImportDialog(QDialog):
    """What an EIDO file maps to: warnings and "Open in intake", or the errors."""

    intake_requested = Signal(object)  # EidoImport

    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Import EIDO — {file}").format(file=Path(path).name))
        self.setObjectName("EidoImportDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.path = path
        self.result: EidoImport | None = None
        self.problems: list[str] = []
        try:
            self.result = eido_to_incident_created(_read(path))
        except EidoImportError as exc:
            self.problems = exc.problems

        # The imported file's address: shown as written, never as markup.
        self.summary = plain(QLabel(wordWrap=True, objectName="eido_summary"))
        self.details = QPlainTextEdit(readOnly=True, objectName="eido_details")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.open_button: QPushButton | None = None
        if self.result is not None:
            payload = self.result.payload
            self.summary.setText(
                tr("{call_type}, priority {priority}, at {place}.").format(
                    call_type=tr(payload.call_type.label),
                    priority=int(payload.priority),
                    place=payload.location.address or tr("the given point"),
                )
                + " "
                + (
                    tr("Check these before saving the call:")
                    if self.result.warnings
                    else tr("Everything mapped.")
                )
            )
            self.details.setPlainText(
                "\n".join(f"• {w.translated()}" for w in self.result.warnings)
            )
            self.open_button = QPushButton(tr("&Open in intake"))
            self.open_button.setDefault(True)
            self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
            self.open_button.clicked.connect(self._open_intake)
        else:
            self.summary.setText(tr("This file cannot be imported as a call:"))
            self.details.setPlainText("\n".join(f"• {p}" for p in self.problems))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.buttons)
        self.resize(560, 320)

    def _open_intake(self) -> None:
        assert self.result is not None
        self.intake_requested.emit(self.result)
        self.accept()


def _read(path: str) -> bytes | str:
    """The file's bytes; a file that cannot be read maps to an import error."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise EidoImportError([f"cannot read {path}: {exc.strerror or exc}"]) from None
    if len(data) > MAX_IMPORT_BYTES:
        raise EidoImportError([f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB"])
    return data


def fill_intake(intake: IntakeDialog, imported: EidoImport) -> None:
    """Put the mapped values into an empty intake form; the dispatcher checks and saves."""
    p = imported.payload
    intake.source.setCurrentIndex(max(0, intake.source.findData(p.source)))
    intake.call_type.setCurrentIndex(max(0, intake.call_type.findData(p.call_type)))
    intake.priority.setCurrentIndex(max(0, intake.priority.findData(p.priority)))
    intake.address.setText(p.location.address)
    intake.lat.setText("" if p.location.lat is None else repr(p.location.lat))
    intake.lon.setText("" if p.location.lon is None else repr(p.location.lon))
    division = intake.division.findData(p.location.division) if p.location.division else -1
    intake.division.setCurrentIndex(max(0, division))  # 0: derive from the coordinates
    intake.caller_name.setText(p.caller.name)
    intake.phone.setText(p.caller.phone)
    intake.language.setText(p.language)
    intake.person.setText(p.person)
    narrative = p.narrative
    if imported.notes:
        # The sender's notes, kept with the call: the intake has no notes field.
        narrative += (
            ("\n\n" if narrative else "")
            + tr("Notes from the sender:")
            + "\n"
            + "\n".join(f"- {n}" for n in imported.notes)
        )
    intake.narrative.setPlainText(narrative)
    for name in ("weapons", "violence", "medical", "crime"):
        getattr(intake, name).setChecked(getattr(p.safety, name))
    # The call was received when the sender took it, not when the file was opened.
    intake._received_at = p.received_at
    intake.setWindowTitle(
        tr("New call — imported from {source}").format(
            source=imported.source_incident_id or tr("an EIDO")
        )
    )


# ---- the main window's two menu actions ---------------------------------------------


class EidoHost(Protocol):
    """What these actions use of the main window (it is passed in: no import back)."""

    workspace: Workspace
    username: str
    messages: Messages

    def selected_incident(self) -> Incident | None: ...

    def open_intake(
        self, fill: Callable[[IntakeDialog], None] | None = None
    ) -> IntakeDialog | None: ...


def export_selected(window: EidoHost) -> EidoExportDialog | None:
    """Incident ▸ Export EIDO…: the dialog for the selected incident."""
    incident = window.selected_incident()
    if incident is None:
        window.messages.warning(tr("Select an incident first."))
        return None
    teams = [
        window.workspace.view.teams[t]
        for t in incident.team_ids
        if t in window.workspace.view.teams
    ]
    dialog = EidoExportDialog(
        incident,
        teams,
        agent=EidoAgent(username=window.username, workstation_id=window.workspace.workstation_id),
        parent=window,
    )
    dialog.saved.connect(
        lambda path: window.messages.info(tr("EIDO saved: {path}").format(path=path))
    )
    dialog.open()
    return dialog


def import_file(window: EidoHost) -> QFileDialog:
    """Incident ▸ Import EIDO…: pick a file, then show what it maps to."""
    chooser = QFileDialog(window, tr("Import EIDO"), "", JSON_FILTER)
    chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
    chooser.fileSelected.connect(lambda path: show_import(window, path))
    chooser.open()
    return chooser


def show_import(window: EidoHost, path: str) -> EidoImportDialog:
    dialog = EidoImportDialog(path, parent=window)
    dialog.intake_requested.connect(lambda imported: open_in_intake(window, imported))
    dialog.open()
    return dialog


def open_in_intake(window: EidoHost, imported: EidoImport) -> bool:
    """The intake with the imported values; refused while a typed call is pending."""
    if window.open_intake(lambda intake: fill_intake(intake, imported)) is None:
        window.messages.warning(
            tr("Save or discard the call being taken (Ctrl+N) before opening an imported one.")
        )
        return False
    return True
