"""Translation in the domain without Qt: marks and a replaceable translator.

``QT_TR_NOOP("Available")`` is the English text itself; ``pyside6-lupdate``
reads the mark (by its name) and puts the text in the catalogues, and the UI
passes the label through ``ui.i18n.tr`` when it shows it (docs/i18n.md).

``tr("...")`` translates text the domain builds for the screen (alerts, the
coverage line, the reasons of a team recommendation). It is English until the
console installs its translator (``ui.i18n.install`` calls
:func:`set_translator`); the server and the simulator never do, so what they
log and store stays English. The domain stays free of Qt: these are plain
functions with the names lupdate looks for.
"""

from collections.abc import Callable


def QT_TR_NOOP(text: str) -> str:  # the name lupdate looks for
    return text


def _english(text: str) -> str:
    return text


_translate: Callable[[str], str] = _english


def tr(text: str) -> str:
    """``text`` in the console's language (English where none is installed)."""
    return _translate(text)


def set_translator(translate: Callable[[str], str] | None) -> None:
    """Route :func:`tr` through ``translate`` (None: back to English)."""
    global _translate
    _translate = translate or _english
