"""What a report says of the record's history and trust: the changes by section (every change
as an annex on request, a revision's only up to its freeze), the items a record was signed
with open, and whether it verifies."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from pim_workbook.outputs.context import report_context
from pim_workbook.outputs.jsonfile import import_json, to_json
from pim_workbook.outputs.render import to_html, to_markdown
from pim_workbook.outputs.reports import run_report
from pim_workbook.outputs.word import to_docx
from pim_workbook.record.readiness import open_items
from pim_workbook.store.core import Store

ANNEX = "<h2>Annex: every change</h2>"


def test_a_report_summarises_the_changes_by_section_in_words(store, sample):
    html = to_html(store, sample)
    summary = html[html.index("<h2>Changes</h2>"):]
    summary = summary[:summary.index("</table>")]
    assert "<td>Step 2 · Sharing arrangement</td>" in summary
    assert "<td>Start · Trust statement</td>" in summary
    assert "<td>Step 1 · Questions</td>" in summary and "· Question E1" not in summary
    assert "answers/" not in summary and "arrangement/" not in summary
    assert ANNEX not in html
    context = report_context(store, sample)
    assert sum(s.changes for s in context.history_summary) == len(
        report_context(store, sample, history="full").history)
    assert "## Changes" in to_markdown(store, sample)


def test_the_full_history_is_an_annex_of_sentences_not_paths(store, aid):
    store.answer(aid, "E1.Q1", "A", "Camp level only", actor="Amal")
    store.answer(aid, "E1.Q1", "A", "Camp and district level", actor="Amal")
    store.answer(aid, "E1.Q1", "B", "District level", actor="facilitator Ines",
                 on_behalf=True)
    html = to_html(store, aid, history="full")
    annex = html[html.index(ANNEX):]
    assert "Camp level only → Camp and district level" in annex
    assert "on behalf of Protection Cluster" in annex
    assert "answers/E1.Q1" not in html
    assert ANNEX not in to_html(store, aid)
    bare = to_html(store, aid, history="none")
    assert "<h2>Changes" not in bare and ANNEX not in bare
    with pytest.raises(ValueError, match="unknown history option 'all'"):
        report_context(store, aid, history="all")


def test_a_revisions_report_has_the_history_only_up_to_its_freeze(store, sample):
    current = report_context(store, sample, history="full").history
    frozen = report_context(store, sample, revision=1, history="full").history
    assert len(frozen) < len(current)
    freeze = store.revisions(sample)[0].created_at
    assert all(entry.at <= freeze for entry in frozen)
    assert any(entry.at > freeze and entry.voids == 1 for entry in current)
    assert not any(entry.voids for entry in frozen)
    assert "<h2>Changes up to signed revision 1</h2>" in to_html(store, sample, revision=1)


def test_items_signed_open_are_printed_in_every_report_of_the_revision(store, aid,
                                                                        tmp_path: Path):
    items = open_items(store.get(aid), store.content)
    assert items
    for pid, name in (("A", "Amal Haddad"), ("B", "Ben Okoye")):
        store.sign(aid, pid, name, actor=name, acknowledged=items)
    assert store.revisions(aid)
    for revision in (None, 1):
        html = to_html(store, aid, revision=revision)
        box = html[html.index('<div class="signed-open">'):]
        box = box[:box.index("</div>")]
        assert "Signed with these items open" in box
        assert all(item in box for item in items[:3])
        assert "## Signed with these items open" in to_markdown(store, aid, revision=revision)
        document = docx.Document(str(to_docx(store, aid, tmp_path / "r.docx",
                                             revision=revision)))
        texts = [p.text for p in document.paragraphs]
        start = texts.index("Signed with these items open")
        assert items[0] in texts[start:]
    store.answer(aid, "E1.Q1", "A", "After signing", actor="Amal")  # a draft again
    assert "Signed with these items open" not in to_html(store, aid)
    assert "Signed with these items open" in to_html(store, aid, revision=1)


def test_every_report_says_whether_the_record_verifies(store, aid, sample, tmp_path: Path):
    own = "Tamper evidence: verifies: yes — the history chain is intact"
    assert own in to_html(store, aid) and own in to_markdown(store, aid)
    document = docx.Document(str(to_docx(store, aid, tmp_path / "s.docx")))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert any(c.startswith("verifies: yes") for c in cells)
    # the sample was sealed by the store that built it, which this one does not know yet
    assert ("Tamper evidence: verifies: not yet — sealed by an unknown store (fingerprint "
            in to_html(store, sample))


def test_an_unverified_import_is_marked_in_its_reports(store, sample, tmp_path: Path,
                                                       content):
    data = json.loads(to_json(store, sample))
    data["history"][0]["actor"] = "someone else"  # a forged history entry
    text = json.dumps(data)
    with Store(tmp_path / "other.sqlite", content=content) as other:
        aid = import_json(other, text, actor="tests", unverified=True)
        html = to_html(other, aid)
    assert "Tamper evidence: verifies: no — imported, not verified" in html


def test_an_unknown_history_option_fails_the_report_plainly(db_path, aid, tmp_path):
    result = run_report(aid, db_path=db_path, out_dir=tmp_path, history="all")
    assert result.status == "failed"
    assert result.error == "unknown history option 'all' (one of: summary, full, none)"
