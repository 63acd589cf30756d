"""The Word report: a real .docx that partners read and sign, built from the report context."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.table import Table

from pim_workbook.content.framework import Content
from pim_workbook.errors import StoreError
from pim_workbook.outputs.actions import action_rows
from pim_workbook.outputs.jsonfile import import_json
from pim_workbook.outputs.word import DIFFER_FILL, RTL_FONT, mostly_rtl, to_docx
from pim_workbook.record.labels import human_date
from pim_workbook.record.progress import signing_parties
from pim_workbook.record.readiness import open_items
from pim_workbook.sample.assessment import FOLLOW_UP, INCIDENTS, PARTIES
from pim_workbook.store.core import Store

TODAY = dt.date(2026, 12, 1)
ARABIC = "نحتاج إلى بيانات مجمعة حسب المنطقة"
ARABIC_ORG = "منظمة الأمل"
FRENCH = "Évaluation déjà partagée"
SCRIPT = "<script>alert(1)</script>"
LONG = ("Une réponse très longue, sur plusieurs pages. " * 500)[:20_000]
ACTION_HEADER = ["Id", "Action", "Status", "Owner", "Due", "Note"]
SIGN_LINES = ["Name", "Title", "Signature", "Date"]


# -- reading a document back ---------------------------------------------------------------
def tables(document: Any) -> list[Table]:
    return list(document.tables)


def cell_texts(document: Any) -> list[str]:
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def all_text(document: Any) -> str:
    return "\n".join([p.text for p in document.paragraphs] + cell_texts(document))


def signature_blocks(document: Any) -> dict[str, list[tuple[str, str]]]:
    """Organisation (a Heading 2 after the Heading 1 'Signatures') -> the (line, filled in)
    pairs of the signing table that follows it."""
    blocks: dict[str, list[tuple[str, str]]] = {}
    seen_heading, last = False, None
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            if seen_heading and last is not None:
                blocks[last] = [(row.cells[0].text, row.cells[1].text) for row in block.rows]
        elif block.style.name == "Heading 1":
            seen_heading = block.text == "Signatures"
        elif seen_heading and block.style.name == "Heading 2":
            last = block.runs[0].text
    return blocks


def heading_levels(document: Any) -> list[int]:
    return [int(p.style.name.removeprefix("Heading ")) for p in document.paragraphs
            if p.style.name.startswith("Heading ")]


def fill(cell: Any) -> str | None:
    """A cell's background colour, if it has one."""
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shd is None else shd.get(qn("w:fill"))


def action_table(document: Any) -> Table:
    found = [t for t in tables(document) if [c.text for c in t.rows[0].cells] == ACTION_HEADER]
    assert len(found) == 1
    return found[0]


def paragraphs_with(document: Any, text: str) -> Iterator[Any]:
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from (p for p in cell.paragraphs if p.text == text)
    yield from (p for p in document.paragraphs if p.text == text)


# -- fixtures ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory, content: Content,
                 sample_export: str) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp("sample") / "sample.sqlite", content=content) as store:
        import_json(store, sample_export, actor="tests")
        yield store


@pytest.fixture(scope="module")
def sample_doc(sample_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "nested" / "sample.docx"
    return to_docx(sample_store, "sample", out, today=TODAY)


# -- the sample ----------------------------------------------------------------------------
def test_the_sample_is_a_real_word_file(sample_doc: Path):
    assert sample_doc.exists() and sample_doc.suffix == ".docx"
    assert zipfile.is_zipfile(sample_doc)
    with zipfile.ZipFile(sample_doc) as zf:
        names = set(zf.namelist())
        xml = zf.read("word/document.xml").decode("utf-8")
    assert {"word/document.xml", "[Content_Types].xml", "word/styles.xml"} <= names
    assert any(n.startswith("word/media/") and n.endswith(".png") for n in names)  # ecosystem
    assert xml.startswith("<?xml") and "<w:document" in xml and "<html" not in xml.lower()
    section = docx.Document(str(sample_doc)).sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_the_sample_has_cover_answers_and_sections_in_order(sample_doc: Path,
                                                            sample_store: Store):
    document = docx.Document(str(sample_doc))
    record = sample_store.get("sample")
    assert document.paragraphs[0].text == record.title
    assert document.paragraphs[0].style.name == "Heading 1"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [record.title, "Trust statement", "PIM principles", "Data ecosystem",
                        *[f"Step {n}: {t}" for n, t in (
                            (s.number, s.title) for s in sample_store.content.assessment.steps)],
                        "Action plan", "Still open", "Changes", "Signatures"]
    cells = cell_texts(document)
    for pid, answer in record.answers["E1.Q1"].parties.items():
        assert answer in cells, pid
    assert "Share with conditions" in cells  # the decision
    assert "15 February 2027" in cells and "2027-02-15" not in cells  # the next review
    assert "Draft" in cells and record.purpose in cells
    assert "Protection Monitoring" in cells  # PIM Matrix category title of a system
    assert len(document.inline_shapes) == 1  # the ecosystem figure
    assert round(document.inline_shapes[0].width.cm) == 16


def test_diverging_answers_are_highlighted_and_listed_as_open(sample_doc: Path):
    document = docx.Document(str(sample_doc))
    text = [p.text for p in document.paragraphs]
    assert text.count("Answers differ or are missing") == 2  # E2.Q5 and E4.Q3
    shaded = [t for t in tables(document) if fill(t.rows[0].cells[0]) == DIFFER_FILL]
    assert len(shaded) == 2
    still_open = text[text.index("Still open") + 1:text.index("Signatures")]
    assert [t.split(":")[0] for t in still_open[:2]] == ["E2.Q5", "E4.Q3"]
    assert any("E1.mitigate.7: overdue since 31 October 2026" in t for t in still_open)


def test_the_action_plan_lists_every_action_and_marks_overdue(sample_doc: Path,
                                                              sample_store: Store):
    record, content = sample_store.get("sample"), sample_store.content
    table = action_table(docx.Document(str(sample_doc)))
    assert len(content.actions()) == 42 and len(record.custom_actions) == 2
    assert len(table.rows) == 1 + 42 + 2
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert rows["E1.mitigate.7"][4] == "31 October 2026 (overdue)"
    overdue = {a["id"] for a in action_rows(record, content, TODAY) if a["overdue"]}
    assert overdue == {aid for aid, cells in rows.items() if cells[4].endswith("(overdue)")}
    assert "C1" in rows and "C2" in rows


def test_the_signature_block_has_a_box_per_signing_party(sample_doc: Path, sample_store: Store):
    document = docx.Document(str(sample_doc))
    record = sample_store.get("sample")
    blocks = signature_blocks(document)
    signers = [record.parties[pid].organisation for pid in signing_parties(record)]
    assert list(blocks) == signers and len(signers) == 3
    assert all([line for line, _ in lines] == SIGN_LINES for lines in blocks.values())
    donor = next(p.organisation for p in PARTIES if p.role == "donor")
    assert donor not in blocks
    # names come from the sign-offs in the workbook; the signature and date are left blank
    leads = {p.organisation: p.lead for p in PARTIES}
    for organisation, lines in blocks.items():
        assert dict(lines) == {"Name": leads[organisation], "Title": "", "Signature": "",
                               "Date": ""}
    # the follow-up edit after signing means no sign-off is current for this record
    assert "Signed in the workbook" not in all_text(document)


def test_headings_nest_in_order_and_the_signatures_start_a_page(sample_doc: Path):
    document = docx.Document(str(sample_doc))
    levels = heading_levels(document)
    assert levels[0] == 1 and set(levels) == {1, 2}
    assert all(b <= a + 1 for a, b in pairwise(levels))
    last = [p for p in document.paragraphs if p.style.name == "Heading 1"][-1]
    assert last.text == "Signatures" and last.paragraph_format.page_break_before


def test_rows_never_split_and_short_tables_stay_together(sample_doc: Path):
    document = docx.Document(str(sample_doc))
    rows = [row for table in document.tables for row in table.rows]
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)
    decision = next(t for t in document.tables if t.rows[0].cells[0].text == "Decision")
    kept = [p.paragraph_format.keep_with_next for row in decision.rows for p in
            row.cells[0].paragraphs]
    assert kept == [True] * (len(decision.rows) - 1) + [None]
    actions = action_table(document)  # long: its header repeats instead
    assert actions.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert not actions.rows[1].cells[0].paragraphs[0].paragraph_format.keep_with_next


# -- a signed revision ---------------------------------------------------------------------
def test_a_signed_revision_shows_the_frozen_text(sample_store: Store, tmp_path: Path):
    frozen = docx.Document(str(to_docx(sample_store, "sample", tmp_path / "r1.docx",
                                       today=TODAY, revision=1)))
    current = docx.Document(str(to_docx(sample_store, "sample", tmp_path / "now.docx",
                                        today=TODAY)))
    follow_up = FOLLOW_UP[1]["corrective_action"]
    assert INCIDENTS[1]["corrective_action"] in cell_texts(frozen)
    assert follow_up not in cell_texts(frozen)
    assert follow_up in cell_texts(current)
    assert "Signed (signed revision 1)" in cell_texts(frozen)
    assert "signed revision 1" not in all_text(current)
    text = all_text(frozen)
    signoffs = sample_store.revisions("sample")[0].record["signoffs"]
    for party in PARTIES:
        signed = signoffs.get(party.pid, {}).get("signed_at")
        confirmed = f"Signed in the workbook on {human_date(signed)} by {party.lead}"
        assert (signed is not None and confirmed in text) == (party.role != "donor"), party.pid


def test_an_unknown_revision_is_refused(sample_store: Store, tmp_path: Path):
    with pytest.raises(StoreError, match="no signed revision 9"):
        to_docx(sample_store, "sample", tmp_path / "r9.docx", revision=9)
    assert not (tmp_path / "r9.docx").exists()


# -- hard text -----------------------------------------------------------------------------
@pytest.fixture
def mixed(store: Store) -> str:
    """Three parties (one with an Arabic name), hard answers, nothing in Steps 3 and 4."""
    aid = store.create(f"{FRENCH} – test", actor="t")
    for org, role in (("Helping Hands", "provider"), (ARABIC_ORG, "recipient"),
                      ("Société d'Entraide", "recipient")):
        store.add_party(aid, org, role, actor="t")
    store.answer(aid, "E1.Q1", "A", LONG, actor="t")
    store.answer(aid, "E1.Q1", "B", ARABIC, actor="t")
    store.answer(aid, "E1.Q1", "C", FRENCH, actor="t")
    store.answer(aid, "E1.Q2", "A", SCRIPT, actor="t")
    store.agree(aid, "E1.Q2", "Nulls \x00 and \x0b controls are dropped", actor="t")
    return aid


def test_hard_text_is_kept_as_typed(store: Store, mixed: str, tmp_path: Path):
    path = to_docx(store, mixed, tmp_path / "mixed.docx", today=TODAY)
    document = docx.Document(str(path))
    cells = cell_texts(document)
    assert LONG in cells and len(LONG) == 20_000
    assert FRENCH in cells and document.paragraphs[0].text == f"{FRENCH} – test"
    assert SCRIPT in cells
    assert "Nulls  and  controls are dropped" in cells
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "<script>" not in xml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    assert "No incidents recorded." in all_text(document)
    assert "not agreed yet" in cells and "no answer yet" in cells


def test_arabic_reads_right_to_left(store: Store, mixed: str, tmp_path: Path):
    document = docx.Document(str(to_docx(store, mixed, tmp_path / "mixed.docx", today=TODAY)))
    for text in (ARABIC, ARABIC_ORG):
        pars = list(paragraphs_with(document, text))
        assert pars, text
        for par in pars:
            assert par._p.pPr.find(qn("w:bidi")) is not None
            rpr = par.runs[0]._r.rPr
            assert rpr.find(qn("w:rtl")) is not None
            fonts = rpr.find(qn("w:rFonts"))
            assert fonts.get(qn("w:cs")) == RTL_FONT == fonts.get(qn("w:ascii"))
    french = next(paragraphs_with(document, FRENCH))
    assert french._p.pPr is None or french._p.pPr.find(qn("w:bidi")) is None
    assert ARABIC_ORG in signature_blocks(document)


def test_a_current_signoff_is_confirmed_for_that_party_only(store: Store, mixed: str,
                                                            tmp_path: Path):
    store.sign(mixed, "A", "Amal Haddad", actor="amal", title="Programme Manager",
               acknowledged=open_items(store.get(mixed), store.content))
    document = docx.Document(str(to_docx(store, mixed, tmp_path / "a.docx", today=TODAY)))
    text = all_text(document)
    assert text.count("Signed in the workbook on ") == 1
    signed_at = store.get(mixed).signoffs["A"].signed_at
    assert f"Signed in the workbook on {human_date(signed_at)} by Amal Haddad" in text
    assert signed_at[:10] not in text and human_date(signed_at).endswith(" UTC")
    blocks = signature_blocks(document)
    assert list(blocks) == ["Helping Hands", ARABIC_ORG, "Société d'Entraide"]
    assert dict(blocks["Helping Hands"])["Name"] == "Amal Haddad"
    assert dict(blocks["Helping Hands"])["Title"] == "Programme Manager"
    assert dict(blocks[ARABIC_ORG]) == dict.fromkeys(SIGN_LINES, "")


# -- edge cases ----------------------------------------------------------------------------
def test_an_empty_assessment_and_one_without_parties(store: Store, aid: str, tmp_path: Path):
    document = docx.Document(str(to_docx(store, aid, tmp_path / "empty.docx", today=TODAY)))
    text = all_text(document)
    assert "No stakeholders mapped yet." in text and "No data items listed yet." in text
    assert text.count("not yet agreed") == 2
    assert len(document.inline_shapes) == 0
    assert list(signature_blocks(document)) == ["Helping Hands", "Protection Cluster"]
    bare = store.create("Nobody yet", actor="t")
    document = docx.Document(str(to_docx(store, bare, tmp_path / "bare.docx", today=TODAY)))
    assert "No signing parties yet." in all_text(document)
    assert signature_blocks(document) == {}


def test_answers_to_retired_questions_are_kept(db_path: Path, content: Content, aid: str,
                                               store: Store, tmp_path: Path):
    store.answer(aid, "E1.Q3", "A", "An answer to a question that will be retired", actor="t")
    data = content.model_dump()
    step = data["assessment"]["steps"][0]
    step["questions"] = [q for q in step["questions"] if q["id"] != "E1.Q3"]
    older = Content.model_validate(data)
    with Store(db_path, content=older) as reopened:
        document = docx.Document(str(to_docx(reopened, aid, tmp_path / "r.docx", today=TODAY)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "Answers to questions no longer in the framework content" in headings
    assert "An answer to a question that will be retired" in cell_texts(document)


@pytest.mark.parametrize(("text", "rtl"), [
    (ARABIC, True), ("שלום עולם", True), (f"{ARABIC_ORG} (Hope)", True),
    ("Hope Organisation منظمة", False), (FRENCH, False), ("2026-12-01", False), ("", False),
])
def test_direction_follows_most_letters(text: str, rtl: bool):
    assert mostly_rtl(text) is rtl
