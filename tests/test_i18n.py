"""The interface's catalogues: complete for every language, placeholders kept, extraction up
to date; the active language; locale formats with Western digits."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pim_workbook import i18n
from pim_workbook.errors import WorkbookError
from pim_workbook.record.labels import human_date, label

ROOT = Path(__file__).resolve().parents[1]
POT = ROOT / "pim_workbook" / "locale" / "pim_workbook.pot"
_FIELD = re.compile(r"\{(\w*)[^{}]*\}|%\((\w+)\)s")


def catalogue(language: str):
    path = ROOT / "pim_workbook" / "locale" / language / "LC_MESSAGES" / "pim_workbook.po"
    with open(path, "rb") as fh:
        return read_po(fh, locale=language)


def fields(text: str) -> set[str]:
    return {a or b for a, b in _FIELD.findall(text)}


def test_the_template_holds_every_marked_message(tmp_path):
    """A message marked in the code but not extracted would show in English only."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(POT.with_name("babel.cfg")), "-k", "N_", "-k", "ngettext:1,2",
                    "--no-location", "-o", str(fresh), "pim_workbook"],
                   cwd=ROOT, check=True, capture_output=True)
    with open(fresh, "rb") as fh:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    with open(POT, "rb") as fh:
        committed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert extracted - committed == set(), "run scripts/i18n.sh extract"


def test_no_marked_message_escapes_extraction():
    """Babel's Python extractor (3.11) does not look inside f-strings: a message marked there
    would never reach the catalogue. Every literal passed to _, N_ or ngettext must."""
    marked = set()
    for path in (ROOT / "pim_workbook").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("_", "N_", "ngettext") and node.args \
                    and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str) and node.args[0].value:
                marked.add((node.args[0].value, f"{path.name}:{node.lineno}"))
    with open(POT, "rb") as fh:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert sorted(where for text, where in marked if text not in extracted) == []


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_every_message_is_translated_with_its_placeholders(language):
    with open(POT, "rb") as fh:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    translated = {}
    for message in catalogue(language):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if all(strings) and not message.fuzzy:
            translated[ids[0]] = (ids, strings)
    assert sorted(wanted - set(translated)) == []
    for ids, strings in translated.values():
        for text in strings:
            assert fields(text) == fields(ids[-1]), (ids[0], text)


def test_the_active_language_and_its_direction():
    with i18n.use_language("ar"):
        assert i18n.current_language() == "ar" and i18n.direction() == "rtl"
        assert label("share_with_conditions") != "Share with conditions"
        assert label("share_with_conditions", translate=False) == "Share with conditions"
    assert i18n.current_language() == "en" and i18n.direction() == "ltr"
    with pytest.raises(WorkbookError, match="unknown language 'de'; choose one of en, fr"):
        i18n.set_language("de")


@pytest.mark.parametrize("language, number, percent, day", [
    ("en", "1,234.5", "77.8%", "1 December 2026"),
    ("fr", "1\u202f234,5", "77,8\u00a0%", "1 décembre 2026"),
    ("es", "1.234,5", "77,8\u00a0%", "1 de diciembre de 2026"),
    ("ar", "1,234.5", "77.8%", "1 ديسمبر 2026"),
])
def test_figures_and_dates_follow_the_locale_with_western_digits(language, number, percent,
                                                                 day):
    with i18n.use_language(language):
        assert i18n.format_number(1234.5, 1) == number
        assert i18n.format_percent(0.7777, 1) == percent
        assert human_date("2026-12-01") == day


def test_a_catalogue_without_its_compiled_file_is_read_from_the_po(tmp_path, monkeypatch):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "pim_workbook.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Saved"\nmsgstr "Enregistré"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        with i18n.use_language("fr"):
            assert i18n._("Saved") == "Enregistré"
            assert i18n._("Not in the catalogue") == "Not in the catalogue"
    finally:
        i18n.translations.cache_clear()


def test_the_record_knows_the_interfaces_languages():
    from typing import get_args

    from pim_workbook.record.vocabulary import Language

    assert get_args(Language) == tuple(i18n.LANGUAGES)
