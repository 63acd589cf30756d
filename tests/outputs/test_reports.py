"""Reports through papermill: HTML without code, PDF, Word; batches that survive failures."""

from __future__ import annotations

import sqlite3
import subprocess

import nbformat
import pytest

from pim_workbook.cli import main
from pim_workbook.outputs.jsonfile import import_json
from pim_workbook.outputs.render import to_markdown
from pim_workbook.outputs.reports import run_batch, run_report, select, summary_table
from pim_workbook.store.core import Store
from pim_workbook.store.units import TEXT_LIMIT

pytestmark = pytest.mark.slow

ARABIC = "نحتاج إلى بيانات مجمعة حسب المنطقة"
FRENCH = "Évaluation déjà partagée avec les comités"
SCRIPT = "<script>alert('x')</script>"


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


@pytest.fixture
def reports_store(tmp_path, content, sample_export):
    """The sample plus a generated assessment with hard text, in one store."""
    path = tmp_path / "r.sqlite"
    with Store(path, content=content) as store:
        import_json(store, sample_export, actor="tests")
        aid = store.create("Évaluation — mixed scripts", actor="fac", aid="mixed1")
        for org in ("Org Alpha", "Org Beta", "منظمة الأمل"):
            store.add_party(aid, org, "recipient", actor="fac")
        store.answer(aid, "E1.Q1", "A", FRENCH, actor="a")
        store.answer(aid, "E1.Q1", "B", SCRIPT, actor="b")
        store.answer(aid, "E1.Q1", "C", ARABIC, actor="c")
        store.answer(aid, "E1.Q2", "A", "long answer " * 1600, actor="a")
    return path


def test_the_sample_report_in_three_formats(reports_store, tmp_path):
    result = run_report("sample", db_path=reports_store, out_dir=tmp_path / "out")
    assert result.status == "ok", result.error
    by_suffix = {p.suffix: p for p in result.files}
    assert set(by_suffix) == {".ipynb", ".html", ".pdf", ".docx"}
    assert by_suffix[".ipynb"].parent.name == "audit"
    html = by_suffix[".html"].read_text(encoding="utf-8")
    assert "show_report" not in html and "assessment_id =" not in html  # no code
    assert html.count("data:image/png;base64,") >= 4  # the charts, embedded
    with Store(reports_store) as store:
        record = store.get("sample")
    for pid, answer in record.answers["E1.Q1"].parties.items():
        assert answer[:40].replace("'", "&#39;") in html, pid
    assert "E1.mitigate.7" in html and "overdue" in html
    text = pdf_text(by_suffix[".pdf"])
    assert by_suffix[".pdf"].read_bytes().startswith(b"%PDF")
    assert "SAMPLE (fictional) – Protection monitoring data sharing" in text
    assert "Action plan" in text and "Signed revisions" in text
    import docx

    document = docx.Document(str(by_suffix[".docx"]))
    assert any("Signature" in p.text for p in document.paragraphs)


def test_hard_text_is_safe_in_html_and_pdf(reports_store, tmp_path):
    result = run_report("mixed1", db_path=reports_store, out_dir=tmp_path / "out",
                        formats=["html", "pdf"])
    assert result.status == "ok", result.error
    html = next(p for p in result.files if p.suffix == ".html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html
    assert ARABIC in html and FRENCH in html and "منظمة الأمل" in html
    text = pdf_text(next(p for p in result.files if p.suffix == ".pdf"))
    # table cells wrap, so check what fits on one line of a cell
    assert "Évaluation déjà partagée" in text
    assert "<script>alert('x')" in text
    assert "نحتاج إلى بيانات" in text  # Arabic glyphs are in the PDF, in reading order


def test_a_signed_revision_can_be_reported(reports_store, tmp_path):
    result = run_report("sample", db_path=reports_store, out_dir=tmp_path, revision=1,
                        formats=["html"])
    assert result.status == "ok", result.error
    html = next(p for p in result.files if p.suffix == ".html")
    assert html.name.endswith("-report-r1.html")
    assert "signed revision 1" in html.read_text(encoding="utf-8")
    missing = run_report("sample", db_path=reports_store, out_dir=tmp_path, revision=9)
    assert missing.status == "failed" and missing.error.startswith("assessment")
    assert "no signed revision 9" in missing.error and "StoreError" not in missing.error


def test_a_batch_reports_a_broken_assessment_and_finishes_the_rest(reports_store, tmp_path):
    with sqlite3.connect(reports_store) as db:  # corrupt one assessment behind the store
        db.execute("INSERT INTO assessments VALUES ('broken', '1.0.0', '2026-01-01T00:00:00Z')")
        db.execute("INSERT INTO units (assessment_id, path, value) "
                   "VALUES ('broken', 'title', '42')")
    results = run_batch(["sample", "broken", "mixed1"], jobs=2, progress=False,
                        db_path=reports_store, out_dir=tmp_path / "out", formats=["html"])
    assert [r.status for r in results] == ["ok", "failed", "ok"]
    table = summary_table(results)
    assert "broken" in table and "2 of 3 reports made; 1 failed" in table
    audit = list((tmp_path / "out" / "audit").glob("*.ipynb"))
    assert len(audit) == 2
    assert all(nbformat.read(p, as_version=4).cells for p in audit)


def test_batch_command_filters_and_exits_non_zero_on_failure(reports_store, tmp_path,
                                                             capsys, monkeypatch):
    monkeypatch.setenv("PIM_WORKBOOK_DB", str(reports_store))
    code = main(["batch", "--party", "Org Beta", "--format", "html", "--out",
                 str(tmp_path / "b")])
    out, err = capsys.readouterr()
    assert code == 0 and "mixed1" in out and "sample" not in out.split("\n", 1)[1]
    assert "1 of 1 reports made" in out
    with sqlite3.connect(reports_store) as db:
        db.execute("UPDATE units SET value='42' WHERE assessment_id='mixed1' AND path='title'")
    code = main(["batch", "--format", "html", "--out", str(tmp_path / "c"), "--jobs", "2"])
    out, err = capsys.readouterr()
    assert code == 1 and "1 report(s) failed: mixed1" in err
    assert "1 of 2 reports made; 1 failed" in out


def test_select_filters_by_party_status_and_review_date(reports_store):
    import datetime as dt

    with Store(reports_store) as store:
        assert select(store, party="kessaly") == ["sample"]
        assert select(store, status="draft") == ["sample", "mixed1"]
        assert select(store, review_due_by=dt.date(2027, 12, 31)) == ["sample"]
        assert select(store, review_due_by=dt.date(2026, 1, 1)) == []


def test_a_word_as_long_as_an_answer_may_be_wraps_in_every_format(tmp_path, content):
    """A 20,000-character word (the store's limit) wraps on the page instead of being cut
    off at its edge, and the other cells keep their words whole."""
    words = {"A": "ж" * TEXT_LIMIT, "agreed": "ю" * TEXT_LIMIT, "note": "я" * TEXT_LIMIT}
    path = tmp_path / "w.sqlite"
    with Store(path, content=content) as store:
        aid = store.create("Long words", actor="fac", aid="words1")
        store.add_party(aid, "Org Alpha", "provider", actor="fac")
        store.add_party(aid, "Org Beta", "recipient", actor="fac")
        store.answer(aid, "E1.Q1", "A", words["A"], actor="a")
        store.answer(aid, "E1.Q1", "B", "A short answer of ordinary words", actor="b")
        store.agree(aid, "E1.Q1", words["agreed"], actor="fac")
        store.set_action(aid, "E1.mitigate.1", owner="Amal Haddad", note=words["note"],
                         actor="fac")
        markdown = to_markdown(store, aid)
    result = run_report(aid, db_path=path, out_dir=tmp_path / "out")
    assert result.status == "ok", result.error
    assert result.seconds["pdf"] < 30
    files = {p.suffix: p for p in result.files}
    html = files[".html"].read_text(encoding="utf-8")
    assert html.count('<span class="long">') == 2  # the answer's and the note's cells
    assert '<span class="long">A short' not in html
    text = pdf_text(files[".pdf"])
    for word in words.values():  # every letter is printed: nothing is cut off at the edge
        assert text.count(word[0]) == TEXT_LIMIT
        assert word in markdown
    import docx

    document = docx.Document(str(files[".docx"]))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert words["A"] in cells and words["note"] in cells
    layouts = document.element.body.xpath(".//w:tblLayout/@w:type")
    assert layouts and set(layouts) == {"fixed"}  # Word breaks the word at the cell's edge
