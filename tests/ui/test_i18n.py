"""The Spanish interface (issue 23): every string translatable, the catalogue complete.

(a) No text reaches a widget without going through ``tr()``: the UI modules
    are read for literals given to Qt's text setters, and the Spanish main
    window, intake and wall are walked for text still in English.
(b) The Spanish catalogue has every string lupdate finds, all finished, and
    the committed .qm is the compiled .ts.
(c) The Spanish UI shows Spanish.
"""

from __future__ import annotations

import ast
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from umcr_console.ui import i18n

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "src" / "umcr_console" / "ui"
CATALOGUE = ROOT / "resources" / "i18n" / "umcr_es_US.ts"

# Qt calls whose text argument the user reads.
TEXT_CALLS = {
    "setText",
    "setWindowTitle",
    "setToolTip",
    "setPlaceholderText",
    "setStatusTip",
    "setWhatsThis",
    "setTitle",
    "setLabel",
    "addItem",
    "addItems",
    "addTab",
    "addRow",
    "addMenu",
    "addButton",
    "setHorizontalHeaderLabels",
    "QLabel",
    "QPushButton",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QAction",
    "QListWidgetItem",
    "information",
    "warning",
    "critical",
    "question",
    "error",
    "info",
    "fail",
    "_fail",
    "_show_error",
}
# Calls whose text is not their first argument.
TEXT_ARGUMENT = {"setLabel": 1, "_show_error": 1}
TEXT_KEYWORDS = {"placeholderText", "toolTip", "windowTitle", "text", "title", "what"}
# Calls of these objects are logging, not the screen.
LOGGERS = {"log", "logger", "logging"}
# Names that read the same in every language (agencies).
PROPER_NAMES = {"LAPD", "LAFD / EMS"}
TAGS = re.compile(r"<[^>]*>")
WORD = re.compile(r"[^\W\d_]{2,}")


def _has_words(text: str) -> bool:
    return text not in PROPER_NAMES and bool(WORD.search(TAGS.sub("", text)))


def _is_literal_text(node: ast.expr) -> bool:
    """A string literal or f-string with words in it (what tr() must wrap)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _has_words(node.value)
    if isinstance(node, ast.JoinedStr):
        return _has_words(
            "{}".join(str(v.value) if isinstance(v, ast.Constant) else "" for v in node.values)
        )
    if isinstance(node, ast.BinOp):
        return _is_literal_text(node.left) or _is_literal_text(node.right)
    return False


def untranslated_literals(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = func.value if isinstance(func, ast.Attribute) else None
        if isinstance(owner, ast.Name) and owner.id in LOGGERS:
            continue
        first = TEXT_ARGUMENT.get(name, 0)
        args = list(node.args[first : first + 1]) if name in TEXT_CALLS else []
        args += [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        for arg in args:
            if _is_literal_text(arg):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(arg)[:70]}")
    return found


def test_no_literal_text_reaches_a_widget_without_tr() -> None:
    found = [hit for path in sorted(UI.glob("*.py")) for hit in untranslated_literals(path)]
    assert found == [], "wrap these in tr() (docs/i18n.md):\n" + "\n".join(found)


def test_the_scan_catches_a_literal(tmp_path: Path) -> None:
    """The check above can fail: a bare literal and an f-string are both found."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        'label.setText("Hello")\nQPushButton(f"Close {n}")\nlabel.setText(tr("Fine"))\n'
        'box.addItem("—", None)\nlog.warning("not for the screen")\n'
    )
    hits = untranslated_literals(sample)
    assert [h.split(": ", 1)[1] for h in hits] == ["'Hello'", "f'Close {n}'"]


# ---- (b) the catalogue ------------------------------------------------------------


def _messages(ts: Path) -> dict[str, ET.Element]:
    return {m.findtext("source") or "": m for m in ET.parse(ts).iter("message")}


def test_the_spanish_catalogue_has_every_string_and_all_are_finished(tmp_path: Path) -> None:
    """lupdate over the sources now: no new string, none unfinished, none left over."""
    fresh = tmp_path / "fresh.ts"
    shutil.copy(CATALOGUE, fresh)
    i18n.lupdate(fresh, ROOT)
    committed, now = _messages(CATALOGUE), _messages(fresh)
    assert sorted(set(now) - set(committed)) == [], (
        "new strings: run python -m umcr_console.ui.i18n"
    )
    assert sorted(set(committed) - set(now)) == [], "strings no longer in the sources"
    unfinished = [
        s
        for s, m in now.items()
        if m.find("translation").get("type") or not (m.findtext("translation") or "").strip()
    ]
    assert unfinished == [], "translate these in resources/i18n/umcr_es_US.ts"


def test_translations_keep_placeholders_and_mnemonics() -> None:
    """A translation that drops {name} would raise at .format(); one without & loses Alt+key."""
    wrong = []
    for source, message in _messages(CATALOGUE).items():
        text = message.findtext("translation") or ""
        if sorted(re.findall(r"\{\w*\}", source)) != sorted(re.findall(r"\{\w*\}", text)):
            wrong.append(f"placeholders: {source!r} -> {text!r}")
        if ("&" in source.replace("&&", "")) != ("&" in text.replace("&&", "")):
            wrong.append(f"mnemonic: {source!r} -> {text!r}")
    assert wrong == []


def test_the_committed_qm_is_the_compiled_ts(tmp_path: Path) -> None:
    built = i18n.release(CATALOGUE, tmp_path / "check.qm")
    committed = CATALOGUE.with_suffix(".qm")
    assert committed.read_bytes() == built.read_bytes(), (
        "the .qm is out of date: run python -m umcr_console.ui.i18n"
    )


# ---- the language choice ---------------------------------------------------------


def test_the_language_comes_from_the_setting_else_the_system(qapp) -> None:
    from PySide6.QtCore import QLocale

    spanish, english, french = QLocale("es_MX"), QLocale("en_US"), QLocale("fr_FR")
    assert i18n.choose_language("es", english) == "es"
    assert i18n.choose_language("es-US", english) == "es"
    assert i18n.choose_language("en", spanish) == "en"
    assert i18n.choose_language(None, spanish) == "es"
    assert i18n.choose_language("", english) == "en"
    assert i18n.choose_language(None, french) == "en"  # not shipped: English


def test_lang_is_a_command_line_option() -> None:
    from umcr_console.app import parse_args

    assert parse_args(["--lang", "es"]).lang == "es"
    assert parse_args([]).lang is None
