"""A report partners can sign: on A4 or Letter, "Page X of Y" and the record's version in
every footer, dates in words, and a signature page ending every format."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import docx
import pytest

from pim_workbook.content.framework import Content
from pim_workbook.outputs.context import report_context
from pim_workbook.outputs.jsonfile import import_json
from pim_workbook.outputs.render import css_string, to_html, to_markdown
from pim_workbook.outputs.reports import run_batch, run_report
from pim_workbook.record.hashing import record_hash
from pim_workbook.record.labels import human_date, label
from pim_workbook.record.progress import signing_parties
from pim_workbook.record.readiness import open_items
from pim_workbook.sample.assessment import PARTIES
from pim_workbook.store.core import Store

RAW_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
ISO_DATE = re.compile(r"\b\d{4}-\d\d-\d\d\b")
SIGNATURE_LINE = re.compile(r"\bSignature\b")
LEADS = {p.organisation: p.lead for p in PARTIES}


def page_size(pdf: Path) -> tuple[int, int]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    found = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert found, info
    return round(float(found[1])), round(float(found[2]))


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, its whitespace collapsed."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [" ".join(page.split()) for page in out.split("\f")[:-1]]


def signature_section(html: str) -> str:
    return html[html.index('<section class="signatures">'):html.index("</section>")]


# -- dates ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "words"), [
    ("2026-12-01T05:19:01.884Z", "1 December 2026, 05:19 UTC"),
    ("2026-12-31T23:30:00-01:00", "1 January 2027, 00:30 UTC"),
    (dt.datetime(2026, 12, 1, 5, 19, 59), "1 December 2026, 05:19 UTC"),
    ("2027-02-15", "15 February 2027"),
    (dt.date(2026, 10, 31), "31 October 2026"),
    (None, ""), ("", ""), ("next spring", "next spring"),
])
def test_dates_and_times_read_as_words(value, words):
    assert human_date(value) == words


def test_a_timestamp_may_be_shown_as_its_date_alone():
    assert human_date("2026-12-01T05:19:01.884Z", time=False) == "1 December 2026"


# -- HTML and Markdown ---------------------------------------------------------------------
def test_the_html_ends_with_a_signing_block_per_signing_party(store, sample):
    html = to_html(store, sample)
    record = store.get(sample)
    section = signature_section(html)
    assert html.index("<h2>Changes</h2>") < html.index(section)
    assert "<h2>" not in html[html.index(section) + len(section):]  # nothing after it
    signers = [record.parties[pid].organisation for pid in signing_parties(record)]
    assert section.count('<div class="signature">') == len(signers) == 3
    assert [org for org in LEADS if f"<h3>{org} " in section] == signers  # donors need not
    assert "Donors need not sign: Northwind Humanitarian Fund (NHF)." in section
    for org in signers:  # names from the workbook's sign-offs; the lines left blank
        block = section[section.index(org):]
        block = block[:block.index('<div class="sign-line"><span class="name">Date')]
        assert f'<span class="fill">{LEADS[org]}</span>' in block
        assert '<span class="name">Signature</span><span class="fill"></span>' in block
    assert "Signed in the workbook" not in section  # changed since it was signed
    assert not RAW_TIMESTAMP.search(html) and not ISO_DATE.search(html)
    assert "15 February 2027" in html  # the next review


def test_a_current_signoff_is_said_with_the_signatorys_name_and_title(store, aid):
    store.sign(aid, "A", "Amal Haddad", actor="amal", title="Protection Officer",
               acknowledged=open_items(store.get(aid), store.content))
    signed_at = store.get(aid).signoffs["A"].signed_at
    section = signature_section(to_html(store, aid))
    said = f"Signed in the workbook on {human_date(signed_at)} by Amal Haddad"
    assert section.count("Signed in the workbook") == 1 and said in section
    helping, cluster = section.split('<div class="signature">')[1:]
    assert "Helping Hands" in helping and said in helping
    assert '<span class="fill">Protection Officer</span>' in helping
    assert "Protection Cluster" in cluster
    assert cluster.count('<span class="fill"></span>') == 4  # nothing recorded: blank lines
    markdown = to_markdown(store, aid)
    assert human_date(signed_at) in markdown and signed_at not in markdown


def test_a_signed_revision_says_who_signed_it_and_when(store, sample):
    frozen = store.revisions(sample)[0].record
    section = signature_section(to_html(store, sample, revision=1))
    for pid, signoff in frozen["signoffs"].items():
        said = (f"Signed in the workbook on {human_date(signoff['signed_at'])} "
                f"by {signoff['signatory']}")
        assert (said in section) == (pid in signing_parties(store.get(sample))), pid
    assert "signed revision 1 of assessment sample" in section


def test_the_footer_names_the_assessment_its_version_and_its_hash(store, sample):
    current = record_hash(store.get(sample))
    context = report_context(store, sample)
    assert context.footer == f"Assessment sample · draft · content hash {current[:16]}"
    frozen = report_context(store, sample, revision=1)
    assert frozen.footer.startswith("Assessment sample · revision 1 · content hash ")
    assert frozen.footer.endswith(store.revisions(sample)[0].record_hash[:16])
    html = to_html(store, sample)
    assert "size: a4;" in html and f'content: "{context.footer}";' in html
    assert 'counter(page) " of " counter(pages)' in html
    assert "size: letter;" in to_html(store, sample, paper="letter")
    with pytest.raises(ValueError, match="unknown paper size 'a3'"):
        report_context(store, sample, paper="a3")


def test_text_in_a_page_footer_cannot_end_its_css_string():
    quoted = str(css_string('Org "A" </style> \\ ·'))
    assert quoted.startswith('"') and quoted.endswith('"')
    assert '"' not in quoted[1:-1] and "<" not in quoted and "\\ " not in quoted
    assert "·" in quoted


def test_an_unknown_paper_size_fails_the_report_plainly(db_path, aid, tmp_path):
    result = run_report(aid, db_path=db_path, out_dir=tmp_path, paper="a3")
    assert result.status == "failed"
    assert result.error == "unknown paper size 'a3' (one of: a4, letter)"
    assert not list(tmp_path.glob("*.pdf"))


# -- printed -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, content: Content,
            sample_export: str) -> Iterator[tuple[dict[str, Path], Store]]:
    """The sample's report as PDF and Word, on the default paper, with its store."""
    folder = tmp_path_factory.mktemp("printed")
    with Store(folder / "s.sqlite", content=content) as store:
        import_json(store, sample_export, actor="tests")
        result = run_report("sample", db_path=store.path, out_dir=folder / "out",
                            formats=["pdf", "docx"])
        assert result.status == "ok", result.error
        yield {p.suffix: p for p in result.files}, store


@pytest.mark.slow
def test_the_pdf_is_a4_with_page_x_of_y_and_the_version_on_every_page(printed):
    files, store = printed
    assert page_size(files[".pdf"]) == (595, 842)
    pages = pdf_pages(files[".pdf"])
    footer = f"Assessment sample · draft · content hash {record_hash(store.get('sample'))[:16]}"
    assert len(pages) > 10
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text, number
        assert footer in text, number


@pytest.mark.slow
def test_the_pdf_ends_with_the_signature_page_and_dates_in_words(printed):
    files, store = printed
    pages = pdf_pages(files[".pdf"])
    last = pages[-1]
    assert last.startswith("Signatures By signing, each party confirms")
    record = store.get("sample")
    signers = [record.parties[pid].organisation for pid in signing_parties(record)]
    assert len(SIGNATURE_LINE.findall(last)) == len(signers) == 3
    assert len(re.findall(r"\bDate\b", last)) == 3
    for pid in signing_parties(record):
        party = record.parties[pid]
        assert f"{party.organisation} ({label(party.role)}) Name {LEADS[party.organisation]}" \
            in last
    assert not any("By signing" in page for page in pages[:-1])
    text = " ".join(pages)
    assert not RAW_TIMESTAMP.search(text) and not ISO_DATE.search(text)
    assert "15 February 2027" in text  # the next review
    signed_at = record.signoffs["A"].signed_at
    assert human_date(signed_at) in text  # in the sign-off table


@pytest.mark.slow
def test_the_word_report_nests_its_headings_and_names_the_signatories(printed):
    files, store = printed
    document = docx.Document(str(files[".docx"]))
    levels = [int(p.style.name.removeprefix("Heading ")) for p in document.paragraphs
              if p.style.name.startswith("Heading ")]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in pairwise(levels))
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Signatures")
    names = [cell.text for table in document.tables for row in table.rows
             for cell in row.cells if row.cells[0].text == "Name"]
    record = store.get("sample")
    for pid in signing_parties(record):
        assert record.parties[pid].organisation in " ".join(texts[start:])
        assert record.signoffs[pid].signatory in names


@pytest.mark.slow
def test_a_batch_prints_on_letter_when_asked(printed, tmp_path):
    _, store = printed
    results = run_batch(["sample"], progress=False, db_path=store.path, out_dir=tmp_path,
                        formats=["pdf"], paper="letter")
    assert [r.status for r in results] == ["ok"], results[0].error
    pdf = next(p for p in results[0].files if p.suffix == ".pdf")
    assert page_size(pdf) == (612, 792)
    pages = pdf_pages(pdf)
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert len(SIGNATURE_LINE.findall(pages[-1])) == 3
