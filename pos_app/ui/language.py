"""The screens' language: French first (the source text), English from Qt Linguist files
compiled from resources/translations/caisse_<code>.ts."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

TRANSLATIONS = Path(__file__).resolve().parents[2] / "resources" / "translations"
LANGUAGES = {"fr": "Français", "en": "English"}
SOURCE_LANGUAGE = "fr"

_installed: list[QTranslator] = []  # kept alive while installed


def translation_file(code: str) -> Path:
    return TRANSLATIONS / f"caisse_{code}.qm"


def ui_locale() -> QLocale:
    """The locale of the language the screens show (a calendar's month and day names), not
    the system's: a French screen on an English system is French throughout."""
    if _installed:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    return QLocale(QLocale.Language.French, QLocale.Country.France)


def apply_language(code: str) -> str:
    """Show the screens created from now on in `code`; returns the language in effect,
    French when `code` is unknown or its translation cannot be loaded."""
    app = QCoreApplication.instance()
    assert app is not None, "a QApplication comes first"
    while _installed:
        app.removeTranslator(_installed.pop())
    if code == SOURCE_LANGUAGE or code not in LANGUAGES:
        return SOURCE_LANGUAGE
    translator = QTranslator(app)
    if not translator.load(str(translation_file(code))):
        return SOURCE_LANGUAGE
    app.installTranslator(translator)
    _installed.append(translator)
    return code


def lupdate_command(ts_file: Path) -> list[str]:
    """Qt Linguist's lupdate: collect the screens' texts into `ts_file` (French source)."""
    sources = sorted(str(path) for path in Path(__file__).parent.glob("*.py"))
    return [_tool("pyside6-lupdate"), *sources, "-source-language", "fr_FR",
            "-target-language", "en_GB", "-no-obsolete", "-locations", "none",
            "-ts", str(ts_file)]


def lrelease_command(ts_file: Path, qm_file: Path) -> list[str]:
    return [_tool("pyside6-lrelease"), str(ts_file), "-qm", str(qm_file)]


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def main() -> int:
    """`python3 dev.py translations`: update the .ts files from the code, then compile
    them; translate what lupdate marks unfinished (with Qt Linguist) and run it again.
    Also compiles the locales' money formats from Babel (pos_app.formatting)."""
    import subprocess

    from pos_app.formatting import write_money_formats

    write_money_formats()
    for code in LANGUAGES:
        if code == SOURCE_LANGUAGE:
            continue
        ts_file = TRANSLATIONS / f"caisse_{code}.ts"
        subprocess.run(lupdate_command(ts_file), check=True)
        subprocess.run(lrelease_command(ts_file, translation_file(code)), check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
