"""Reports in the partner's language: the framework's text from its translation, the
interface's from the catalogue, Arabic right to left with a font Debian ships; exports stay
English whatever the language."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import docx
import pytest
from docx.oxml.ns import qn

from pim_workbook.content.framework import load_content
from pim_workbook.errors import ReportError
from pim_workbook.i18n import use_language
from pim_workbook.outputs import plots
from pim_workbook.outputs.actions import actions_csv
from pim_workbook.outputs.jsonfile import to_json
from pim_workbook.outputs.register import to_hxl_csv
from pim_workbook.outputs.render import to_html, to_markdown
from pim_workbook.outputs.word import to_docx

TODAY = dt.date(2026, 12, 1)


def test_an_arabic_html_report_reads_right_to_left_in_arabic(store, sample):
    with use_language("ar"):
        page = to_html(store, sample, TODAY)
    arabic = load_content(language="ar")
    assert page.startswith('<!DOCTYPE html>\n<html lang="ar" dir="rtl">')
    assert arabic.question("E2.Q1").text.split("؟")[0] in page
    assert '"Noto Naskh Arabic"' in page and "unicode-bidi: plaintext" in page
    # said once: whose translation this is
    assert page.count("عرض النص الإنجليزي الأصلي") == 1
    # typed answers stay as typed
    assert store.get(sample).answers["E1.Q1"].agreed.split("'")[0] in page


def test_a_french_markdown_report_takes_the_french_content(store, sample):
    with use_language("fr"):
        text = to_markdown(store, sample, TODAY)
    assert load_content(language="fr").question("E1.Q1").text.split("?")[0] in text
    assert load_content().question("E1.Q1").text.split("?")[0] not in text


def test_an_arabic_word_report_has_right_to_left_paragraphs_and_tables(store, sample,
                                                                      tmp_path):
    with use_language("ar"):
        path = to_docx(store, sample, tmp_path / "ar.docx", today=TODAY)
    document = docx.Document(str(path))
    body = document.element.body
    paragraphs = list(body.iter(qn("w:p")))
    assert paragraphs and all(p.pPr is not None and p.pPr.find(qn("w:bidi")) is not None
                              for p in paragraphs)
    assert document.tables and all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None
                                   for t in document.tables)
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is not None
    text = "\n".join(p.text for p in document.paragraphs)
    assert load_content(language="ar").trust_statement.statement[0] in text
    english = to_docx(store, sample, tmp_path / "en.docx", today=TODAY)
    assert not list(docx.Document(str(english)).element.body.iter(qn("w:bidiVisual")))


def test_exports_stay_english_in_every_language(store, sample):
    record, content = store.get(sample), store.content
    english = (to_json(store, sample), to_hxl_csv(record, content), actions_csv(record, content))
    for language in ("fr", "es", "ar"):
        with use_language(language):
            shown = (to_json(store, sample), to_hxl_csv(record, content),
                     actions_csv(record, content))
        assert shown == english, language


def test_charts_in_arabic_need_an_arabic_font_and_say_which_package(store, sample,
                                                                    monkeypatch):
    with use_language("ar"):
        figure = plots.progress_figure(store.get(sample), load_content(language="ar"))
        assert plots.png(figure).startswith(b"\x89PNG")
        assert figure.axes[0].title.get_fontname() == "Noto Sans Arabic"
        monkeypatch.setitem(plots.SCRIPT_FONTS, "ar", ("No Such Arabic", "fonts-none"))
        with pytest.raises(ReportError, match=r"need the font No Such Arabic: install "
                                              r"Debian's fonts-none \(apt-get install"):
            plots.progress_figure(store.get(sample), load_content(language="ar"))


def _pdf_text(pdf) -> str:
    """The PDF's text on one line, without the bidi marks pdftotext puts around runs."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(re.sub("[\u200e\u200f\u202a-\u202e]", "", text).split())


@pytest.mark.slow
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_report_command_prints_a_pdf_in_the_language_with_its_font_embedded(
        store, sample, db_path, tmp_path, language):
    from pim_workbook.cli import main
    from pim_workbook.i18n import _

    assert main(["--db", str(db_path), "report", sample, "--lang", language, "--format",
                 "pdf,html,docx", "--out", str(tmp_path)]) == 0
    pdf = next(tmp_path.glob("*.pdf"))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # embedded
    text = _pdf_text(pdf)
    with use_language(language):
        for heading in (_("Parties"), _("Trust statement"), _("Action plan")):
            assert heading in text, heading
    assert load_content(language=language).question("E1.Q2").text.split()[2] in text
    html = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    document = docx.Document(str(next(tmp_path.glob("*.docx"))))
    bidi = [p for p in document.element.body.iter(qn("w:p")) if p.pPr is not None
            and p.pPr.find(qn("w:bidi")) is not None]
    if language == "ar":
        assert "NotoNaskhArabic" in fonts
        assert '<html lang="ar" dir="rtl">' in html
        assert bidi
    else:
        assert '<html lang="fr">' in html and not bidi
