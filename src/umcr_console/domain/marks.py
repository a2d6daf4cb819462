"""Marks for the translator: labels kept in tables, translated where they are shown.

``QT_TR_NOOP("Available")`` is the English text itself; ``pyside6-lupdate``
reads the mark (by its name) and puts the text in the catalogues, and the UI
passes the label through ``ui.i18n.tr`` when it shows it (docs/i18n.md).
The domain stays free of Qt: this is a plain function of the same name.
"""


def QT_TR_NOOP(text: str) -> str:  # the name lupdate looks for
    return text
