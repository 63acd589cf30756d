"""Pages opened through partner links: fixed party, read-only observers, forged messages
refused in the kernel, revocation locks an open page, no data without a valid link."""

from __future__ import annotations

import ipywidgets as w
import pytest

from pim_workbook.access import GuardedStore, create_invite, revoke
from pim_workbook.app.gate import open_session
from pim_workbook.app.pages import workbook as pages
from pim_workbook.app.pages.landing import landing_html
from pim_workbook.app.pages.workbook import build_page
from pim_workbook.app.session import PageQuery
from pim_workbook.app.widgets.question import question_card

from .helpers import find, tab


def _session(store, aid, role="party", party="A"):
    _, key = create_invite(store, role=role, actor="Fatima", assessment_id=aid, party=party)
    guard = GuardedStore(store, key)
    return open_session(guard, aid, PageQuery(assessment=aid, party="B", name="Amal", key=key))


def test_a_party_link_fixes_the_party_and_forged_changes_are_refused(store, aid, content):
    session = _session(store, aid)
    assert session.party == "A" and session.party_picker.disabled  # ?party=B is ignored
    assert [v for _, v in session.party_picker.options] == ["A"]
    card = question_card(session, content.question("E1.Q1"))
    own = find(card, w.Textarea, css="pimw-answer-A")[0]
    others = find(card, w.Textarea, css="pimw-answer-B")[0]
    agreed = find(card, w.Textarea, css="pimw-agreed-answer")[0]
    assert not own.disabled and others.disabled and agreed.disabled
    own.value = "Commune trends"
    others.value = "forged for B"  # what a crafted widget message would do
    agreed.value = "forged agreement"
    session.party_picker.value = "A"
    answer = store.get(aid).answers["E1.Q1"]
    assert answer.parties == {"A": "Commune trends"} and answer.agreed == ""
    change = store.history(aid)[-1]
    assert (change.party, change.via) == ("A", session.grant.via)
    assert "Amal" in change.actor


def test_links_between_pages_carry_the_key(store, aid):
    session = _session(store, aid)
    page = build_page("E.1", session)
    links = " ".join(x.value for x in find(page, w.HTML) if "href=" in x.value)
    assert f"key={session.key}" in links.replace("&amp;", "&")


def test_an_observer_page_changes_nothing(store, aid, content):
    session = _session(store, aid, role="observer")
    assert session.read_only and not session.is_facilitator
    page = build_page("E.2", session)
    tab(page, "Data items")
    boxes = find(page, w.Textarea) + find(page, w.Text)
    editable = [b for b in boxes if not b.disabled and b is not session.name_box]
    assert editable == []
    assert all(b.disabled for b in find(page, w.Button, text="Add data item"))
    before = store.history(aid)
    find(build_page("E.1", session), w.Textarea, css="pimw-answer-A")[0].value = "forged"
    assert store.history(aid) == before
    assert "read-only" in session.last_error or session.last_error == ""


def test_revoking_a_link_locks_the_open_page(store, aid, content):
    session = _session(store, aid)
    card = question_card(session, content.question("E1.Q2"))
    box = find(card, w.Textarea, css="pimw-answer-A")[0]
    box.value = "before"
    revoke(store, session.grant.invite_id)
    session.poll()
    assert session.locked and box.disabled
    assert "revoked" in session.status.value
    box.value = "after"
    assert store.get(aid).answers["E1.Q2"].parties["A"] == "before"


def test_without_a_valid_link_a_served_page_shows_no_data(store, aid, monkeypatch, db_path):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *x: shown.extend(x))
    monkeypatch.setenv("PIM_WORKBOOK_REQUIRE_LINK", "1")
    other = store.create("Another assessment", actor="facilitator")
    _, key = create_invite(store, role="party", actor="F", assessment_id=aid, party="A")
    cases = {"": "opened without its link key", "lnope.wrong": "not valid",
             f"{key}&assessment={other}": "does not open that assessment"}
    for query, message in cases.items():
        shown.clear()
        monkeypatch.setenv("QUERY_STRING", f"key={query}" if query else "")
        pages.show_page("E.1", db_path=str(db_path))
        text = " ".join(getattr(x, "value", "") for x in shown)
        assert "Link not valid" in text and message in text
        assert "Helping Hands" not in text and "Another assessment" not in text
    shown.clear()
    monkeypatch.setenv("QUERY_STRING", f"key={key}")  # no assessment: the link's own
    pages.show_page("E.1", db_path=str(db_path))
    assert isinstance(shown[0], w.VBox) and "pimw-page" in shown[0]._dom_classes


def test_the_landing_page_lists_only_the_links_assessment(store, aid):
    other = store.create("Another assessment", actor="facilitator")
    _, key = create_invite(store, role="party", actor="F", assessment_id=aid, party="A")
    page = landing_html(GuardedStore(store, key), key)
    assert "Protection monitoring to cluster" in page and "Another assessment" not in page
    assert f"key={key}" in page and "trainer's view" not in page
    assert "New assessment" not in page  # a partner's link starts nothing
    full = landing_html(store)
    assert "Another assessment" in full and other in full and "trainer's view" in full
    assert '<a href="01-start.ipynb" class="pimw-new">+ New assessment</a>' in full


@pytest.mark.parametrize("role", ["party", "observer"])
def test_only_the_facilitator_starts_assessments_from_the_chooser(store, aid, role):
    _, key = create_invite(store, role=role, actor="F", assessment_id=aid,
                           party="A" if role == "party" else None)
    box = pages.chooser(GuardedStore(store, key), "start", key)
    assert not find(box, w.Button, text="Start a new assessment")
    assert find(pages.chooser(store, "start"), w.Button, text="Start a new assessment")


def test_revoking_a_link_locks_a_whole_page_whose_views_read_more_than_the_record(store, aid):
    session = _session(store, aid)
    page = build_page("E.1", session)
    revoke(store, session.grant.invite_id)
    session.poll()
    assert "revoked" in session.status.value
    assert session.locked
    assert all(box.disabled for box in find(page, w.Textarea, css="pimw-answer-A"))
