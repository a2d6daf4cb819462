"""The console's languages: Qt's translation system (issue 23, docs/i18n.md).

Every user-facing string goes through :func:`tr` (one translation context,
the empty one, for the whole console: the same English words read the same
everywhere; a second argument tells two meanings of one English text apart).
``pyside6-lupdate`` finds ``tr("...")`` calls and the ``QT_TR_NOOP("...")``
marks of labels kept in tables (domain/marks.py), and writes them to
``resources/i18n/umcr_<lang>.ts``; ``pyside6-lrelease`` compiles those to
the ``.qm`` files loaded here. ``python -m umcr_console.ui.i18n`` regenerates
both (the committed .qm is checked against its .ts by tests/ui/test_i18n.py).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ..config import resource
from ..domain import marks

log = logging.getLogger(__name__)

# The languages the console ships, besides its source language (English).
LANGUAGES = ("es",)
CATALOGUE_PREFIX = "umcr_"
# What a catalogue's file is called: umcr_es_US.ts / .qm (Spanish as spoken in L.A.).
CATALOGUE_LOCALES = {"es": "es_US"}


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the console's language (``%n`` takes ``n``, with the right plural)."""
    return QCoreApplication.translate("", text, disambiguation, n)


def choose_language(setting: str | None, system: QLocale | None = None) -> str:
    """The language to show: the setting (``--lang`` or the settings file) if given,
    else the system locale's; English when the console does not speak it."""
    wanted = (setting or "").strip()
    if not wanted:
        wanted = (system or QLocale.system()).name()
    code = wanted.replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else "en"


def catalogue_name(language: str) -> str:
    return f"{CATALOGUE_PREFIX}{CATALOGUE_LOCALES[language]}"


def locale_for(language: str) -> QLocale:
    """The QLocale numbers, dates and times are written in for ``language``."""
    if language == "en":
        return QLocale("en_US")
    return QLocale(CATALOGUE_LOCALES[language])


# Installed translators, kept alive (Qt does not own them).
_installed: list[QTranslator] = []
_catalogue_data: list[bytes] = []


def install(language: str, app: QCoreApplication | None = None) -> bool:
    """Load the console's catalogue and Qt's own (standard buttons and dialogs) for
    ``language``, and make its QLocale the default. False if a catalogue is missing."""
    app = app or QCoreApplication.instance()
    assert app is not None, "install() needs the QApplication"
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(locale_for(language))
    if language == "en":
        marks.set_translator(None)
        return True
    # Text the domain builds for the screen (alerts, coverage, reasons) follows too.
    marks.set_translator(tr)
    ok = True
    ours = QTranslator(app)
    qm = resource("i18n", catalogue_name(language) + ".qm")
    # QTranslator reads from these bytes for as long as it is installed: kept alive here.
    data = qm.read_bytes() if qm.is_file() else b""
    _catalogue_data[:] = [data]
    if data and ours.load(data):
        app.installTranslator(ours)
        _installed.append(ours)
    else:
        log.warning("no %s catalogue: the console shows English", language)
        ok = False
    qt_own = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    else:
        log.info("Qt's own %s translation not found in %s", language, qt_dir)
    log.info("interface language %s: %d catalogue(s) loaded", language, len(_installed))
    return ok


def current_locale() -> QLocale:
    """The locale the console writes numbers, dates and times in."""
    return QLocale()


# ---- the catalogues' sources (a developer's command, not run by the console) ----

ROOT = Path(__file__).resolve().parents[3]


def sources(root: Path = ROOT) -> list[Path]:
    """The files lupdate reads: every module that puts text on the screen (the
    domain, the sync engine, the planner's model and the EIDO import through
    ``domain.marks``)."""
    package = root / "src" / "umcr_console"
    return sorted(
        [
            *package.joinpath("ui").glob("*.py"),
            *package.joinpath("domain").glob("*.py"),
            *package.joinpath("sync").glob("*.py"),
            *package.joinpath("planning").glob("*.py"),
            *package.joinpath("interop").glob("*.py"),
            package / "store" / "describe.py",
            package / "app.py",
        ]
    )


def _tool(name: str) -> str:
    """A PySide6 tool beside this Python (a venv's bin/), else the one on PATH."""
    tool = Path(sys.executable).parent / name
    return str(tool) if tool.exists() else (shutil.which(name) or name)


def lupdate(ts: Path, root: Path = ROOT) -> None:
    """Bring ``ts`` up to date with the sources: new strings come in unfinished."""
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            "-no-obsolete",
            "-locations",
            "none",
            *map(str, sources(root)),
            "-ts",
            str(ts),
        ],
        check=True,
    )


def update(root: Path = ROOT) -> None:
    """Rewrite every .ts from the sources, then the .qm."""
    folder = root / "resources" / "i18n"
    for language in LANGUAGES:
        ts = folder / f"{catalogue_name(language)}.ts"
        lupdate(ts, root)
        release(ts)


def release(ts: Path, qm: Path | None = None) -> Path:
    """Compile one .ts to its .qm (next to it unless told)."""
    qm = qm or ts.with_suffix(".qm")
    subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


if __name__ == "__main__":
    update()
