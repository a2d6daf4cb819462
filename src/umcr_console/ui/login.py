"""Login: server URL, user and password; the last server and user remembered."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from .i18n import tr

DEFAULT_SERVER = "http://127.0.0.1:8765"


class LoginDialog(QDialog):
    """Emits ``login_requested(url, username, password)``; the app answers with
    ``show_error`` or closes it. Non-blocking: the app opens it with ``open()``."""

    login_requested = Signal(str, str, str)

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("UMCR Dispatch: log in"))
        self._settings = settings
        self.server = QLineEdit(str(settings.value("login/server", DEFAULT_SERVER)))
        self.username = QLineEdit(str(settings.value("login/username", "")))
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        # Server messages: shown as sent, never as markup.
        self.message = QLabel(wordWrap=True, objectName="login_message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        form = QFormLayout()
        form.addRow(QLabel(tr("&Server"), buddy=self.server), self.server)
        form.addRow(QLabel(tr("&User"), buddy=self.username), self.username)
        form.addRow(QLabel(tr("&Password"), buddy=self.password), self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Log in"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        (self.password if self.username.text() else self.username).setFocus()

    def _submit(self) -> None:
        url, user, password = (
            self.server.text().strip().rstrip("/"),
            self.username.text().strip(),
            self.password.text(),
        )
        if not url.startswith(("http://", "https://")):
            self.show_error(tr("The server address starts with http:// or https://"))
            return
        if not user or not password:
            self.show_error(tr("Enter your user name and password."))
            return
        self._settings.setValue("login/server", url)
        self._settings.setValue("login/username", user)
        self.set_busy(True)
        self.login_requested.emit(url, user, password)

    def set_busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)
        if busy:
            self.message.setText(tr("Logging in…"))
            self.message.show()

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.message.setText(text)
        self.message.setStyleSheet("color: #ff6b6b;")
        self.message.show()
        self.password.selectAll()
        self.password.setFocus()
