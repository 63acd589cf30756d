"""The workbook's widgets without a browser: set values, click, and check the store."""

from __future__ import annotations

import datetime as dt

import ipywidgets as w
import pytest

from pim_workbook.app.gate import open_session
from pim_workbook.app.nav import PAGES
from pim_workbook.app.pages.chooser import chooser
from pim_workbook.app.pages.workbook import build_page
from pim_workbook.app.session import FACILITATOR, PageQuery, Session
from pim_workbook.app.widgets.question import question_card
from pim_workbook.record.readiness import open_items
from pim_workbook.store.core import Store

from .helpers import find, tab, walk


@pytest.fixture
def session(store: Store, aid: str) -> Session:
    return Session(store, aid, party="A", actor="Amal")


def test_a_party_answer_is_stored_the_moment_it_changes(session, store, aid, content):
    card = question_card(session, content.question("E1.Q1"))
    box = find(card, w.Textarea, css="pimw-answer-A")[0]
    box.value = "We need commune-level trends"
    record = store.get(aid)
    assert record.answers["E1.Q1"].parties["A"] == "We need commune-level trends"
    change = store.history(aid)[-2]
    assert (change.actor, change.party) == ("Amal (Helping Hands)", "A")
    assert "Saved at" in session.status.value


def test_a_party_cannot_write_for_another_even_with_a_forged_change(store, aid, content):
    as_b = Session(store, aid, party="B", actor="Ben")
    card = question_card(as_b, content.question("E1.Q1"))
    other = find(card, w.Textarea, css="pimw-answer-A")[0]
    agreed = find(card, w.Textarea, css="pimw-agreed-answer")[0]
    assert other.disabled and agreed.disabled
    other.value = "forged"  # what a crafted widget message would do
    agreed.value = "forged too"
    record = store.get(aid)
    assert "E1.Q1" not in record.answers
    assert other.value == "" and agreed.value == ""


def test_the_facilitator_agrees_and_the_divergence_mark_follows(store, aid, content):
    fac = Session(store, aid, party=FACILITATOR, actor="Fatima")
    card = question_card(fac, content.question("E1.Q2"))
    box_a, box_b = (find(card, w.Textarea, css=f"pimw-answer-{p}")[0] for p in "AB")
    assert box_a.disabled and box_b.disabled  # a stray click types into no partner's box
    fac.party_picker.value = "A"  # answering as A, at the shared keyboard
    box_a.value = "Joint analysis"
    mark = next(x for x in find(card, w.HTML) if "pimw-badge" in x.value)
    assert "Waiting for: Protection Cluster" in mark.value
    fac.party_picker.value = "B"
    box_b.value = "Advocacy"
    assert "Answers differ" in mark.value
    fac.party_picker.value = FACILITATOR
    find(card, w.Textarea, css="pimw-agreed-answer")[0].value = "Joint analysis and advocacy"
    find(card, w.Dropdown)[0].value = "agreed"
    assert store.get(aid).answers["E1.Q2"].status == "agreed"
    assert "Agreed" in mark.value


def test_another_partys_answer_appears_on_the_next_poll(session, store, aid, content, db_path):
    card = question_card(session, content.question("E2.Q1"))
    box_b = find(card, w.Textarea, css="pimw-answer-B")[0]
    with Store(db_path, content=content) as elsewhere:
        elsewhere.answer(aid, "E2.Q1", "B", "Typed on another screen", actor="Ben")
    assert box_b.value == ""
    session.poll()
    assert box_b.value == "Typed on another screen"


def test_invalid_input_shows_a_message_and_keeps_the_last_good_value(session, store, aid):
    page = build_page("E.2", session)
    tab(page, "Data items")
    name = find(page, w.Text, text="new data item")
    add = find(page, w.Button, text="Add data item")[0]
    name[0].value = "Incident counts by commune"
    add.click()
    assert store.get(aid).data_items["D1"].name == "Incident counts by commune"
    item_name = next(x for x in find(page, w.Text) if x.value == "Incident counts by commune")
    item_name.value = "   "
    assert "must not be empty" in session.status.value
    assert item_name.value == "   "  # kept while typing, so it can be put right
    assert "pimw-invalid" in item_name._dom_classes
    assert "must not be empty" in item_name.tooltip
    assert store.get(aid).data_items["D1"].name == "Incident counts by commune"
    item_name.value = "Incident counts by commune and month"
    assert "pimw-invalid" not in item_name._dom_classes


def test_data_item_fields_and_sharing_arrangement_are_written(session, store, aid):
    page = build_page("E.2", session)
    tab(page, "Data items")
    find(page, w.Text, text="new data item")[0].value = "Referral forms"
    find(page, w.Button, text="Add data item")[0].click()
    sensitivity = next(x for x in find(page, w.Dropdown) if any(
        "High harm" in o[0] for o in x.options))
    sensitivity.value = "high"
    personal = find(page, w.Checkbox)[0]
    personal.value = True
    tab(page, "Arrangement")
    find(page, w.Text, text="YYYY-MM-DD")[0].value = "2027-03-01"
    tab(page, "Consent & decision")
    outcome = next(x for x in find(page, w.Dropdown)
               if "share_with_conditions" in [v for _, v in x.options])
    outcome.value = "share_with_conditions"
    record = store.get(aid)
    assert record.data_items["D1"].sensitivity == "high"
    assert record.data_items["D1"].personal is True
    assert record.arrangement.next_review == dt.date(2027, 3, 1)
    assert record.decision.outcome == "share_with_conditions"


def test_action_checklist_writes_status_owner_and_due(session, store, aid):
    page = build_page("E.1", session)
    tab(page, "Actions")
    rows = find(page, w.VBox, css="pimw-action")
    assert len(rows) == 14
    find(rows[0], w.ToggleButton)[0].value = True  # its details: status, owner, due, note
    status = find(rows[0], w.Dropdown)[0]
    status.value = "in_progress"
    find(rows[0], w.Text, text="YYYY-MM-DD")[0].value = "2026-12-15"
    state = store.get(aid).actions["E1.maximise.1"]
    assert (state.status, state.due) == ("in_progress", dt.date(2026, 12, 15))
    status.value = None  # "—": the action is back to not considered
    assert "E1.maximise.1" not in store.get(aid).actions


def test_trust_statement_agreement_and_sign_off(store, aid):
    fac = Session(store, aid, actor="Fatima")
    start = build_page("start", fac)
    tab(start, "Trust statement")
    names = find(start, w.Text, text="name of the person agreeing")
    buttons = find(start, w.Button, text="We agree")
    for name, button, who in zip(names, buttons, ("Amal Haddad", "Ben Okafor"), strict=True):
        name.value = who
        button.click()
    assert store.get(aid).trust["B"].agreed_by == "Ben Okafor"
    record_page = build_page("record", fac)
    checklist = find(record_page, w.HTML, text="Ready to sign")  # heading, then the list
    assert any("Every signing party agreed the trust statement" in x.value
               for x in find(record_page, w.HTML, css=None, text="✓"))
    assert checklist
    names = find(record_page, w.Text, text="name of the signatory")
    titles = find(record_page, w.Text, text="title, e.g.")
    confirms = find(record_page, w.Checkbox)
    buttons = find(record_page, w.Button, text="Sign the record")
    names[0].value, titles[0].value = "Amal Haddad", "Head of Protection"
    buttons[0].click()  # not confirmed: nothing is signed
    assert store.get(aid).signoffs == {}
    assert "tick the confirmation" in fac.last_error
    assert "open item(s) listed above" in confirms[0].description
    for name, confirm, button, who in zip(names, confirms, buttons,
                                          ("Amal Haddad", "Ben Okafor"), strict=True):
        name.value = who
        confirm.value = True
        button.click()
    assert [r.number for r in store.revisions(aid)] == [1]
    signed = store.get(aid).signoffs
    assert signed["A"].title == "Head of Protection"
    assert signed["A"].open_items == open_items(store.get(aid), store.content)


def test_exports_from_the_record_page(store, aid, tmp_path, monkeypatch):
    monkeypatch.setenv("PIM_WORKBOOK_EXPORTS", str(tmp_path / "out"))
    page = build_page("record", Session(store, aid))
    find(page, w.Button, text="Prepare exports")[0].click()
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(written) == 4 and all(n.startswith(aid) for n in written)
    links = [x for x in find(page, w.HTML) if "data:application/json;base64," in x.value]
    assert links


def test_every_page_builds_on_the_sample_with_a_modest_widget_count(store, sample):
    for page in PAGES:
        root = build_page(page.key, open_session(store, sample))
        assert len(list(walk(root))) < 400, page.key


def test_adding_a_party_and_creating_an_assessment(store, aid):
    page = build_page("start", Session(store, aid))
    find(page, w.Text, text="organisation")[0].value = "Municipal Authority"
    find(page, w.Button, text="Add party")[0].click()
    assert store.get(aid).parties["C"].organisation == "Municipal Authority"
    creator = chooser(store, "start")
    find(creator, w.Text, text="e.g. Protection monitoring")[0].value = "Second assessment"
    find(creator, w.Text, text="your name")[0].value = "Fatima Diallo"
    find(creator, w.Button, text="Start a new assessment")[0].click()
    assert "Second assessment" in [s.title for s in store.summaries()]
    opened = next(x.value for x in find(creator, w.HTML) if "Open it" in x.value)
    assert "name=Fatima+Diallo" in opened  # the name carries into the new assessment


def test_the_page_learns_its_assessment_and_party_from_the_url(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "assessment=sample&party=B&name=Rashid%20T")
    assert PageQuery.from_environment() == PageQuery("sample", "B", "Rashid T")
    monkeypatch.delenv("QUERY_STRING")
    assert PageQuery.from_environment() == PageQuery()


def test_links_carry_the_assessment_and_party(store, aid):
    session = Session(store, aid, party="B", actor="Ben")
    page = build_page("E.1", session)
    nav = next(x for x in find(page, w.HTML) if "Next:" in x.value)
    assert f"05-step2.ipynb?assessment={aid}&amp;party=B&amp;name=Ben" in nav.value
    session.party_picker.value = "A"
    session.name_box.value = "Amal"
    assert f"05-step2.ipynb?assessment={aid}&amp;party=A&amp;name=Amal" in nav.value
    assert "← Previous: Data ecosystem" in nav.value


def test_a_party_added_on_one_page_can_be_picked_on_another(store, aid, db_path, content):
    other = Session(store, aid)
    trust = build_page("start", other)
    with Store(db_path, content=content) as elsewhere:
        elsewhere.add_party(aid, "Municipal Authority", "recipient", actor="fac")
    other.poll()
    assert "C" in [v for _, v in other.party_picker.options]
    tab(trust, "Trust statement")
    assert len(find(trust, w.Button, text="We agree")) == 3


def test_the_facilitator_edits_a_partys_contacts(store, aid):
    page = build_page("start", Session(store, aid, actor="Fatima"))
    contacts = find(page, w.Textarea, text="one contact per line")[0]
    contacts.value = "Amal Haddad; Protection Officer; amal@example.org\nIssa; ; ; +999 1"
    party = store.get(aid).parties["A"]
    assert [(c.name, c.position, c.email, c.phone) for c in party.contacts] == [
        ("Amal Haddad", "Protection Officer", "amal@example.org", ""),
        ("Issa", "", "", "+999 1")]
    contacts.value = "; no name"
    assert "name must not be empty" in contacts.tooltip
    assert len(store.get(aid).parties["A"].contacts) == 2
    as_party = build_page("start", Session(store, aid, party="A", actor="Amal"))
    assert find(as_party, w.Textarea, text="one contact per line")[0].disabled


def test_the_record_page_says_whether_the_record_verifies(store, aid, sample):
    line = find(build_page("record", Session(store, aid)), w.HTML, text="Tamper evidence")
    assert "verifies: yes — the history chain is intact" in line[0].value
    line = find(build_page("record", Session(store, sample)), w.HTML, text="Tamper evidence")
    assert "sealed by an unknown store (fingerprint " in line[0].value
