"""The history as people read it: places in the workbook's words, links by their label,
consecutive saves merged in views only, and the change that voided a signed revision."""

from __future__ import annotations

import ipywidgets as w
import pytest

from pim_workbook.access import GuardedStore, create_invite
from pim_workbook.app.pages.workbook import build_page
from pim_workbook.app.session import Session
from pim_workbook.outputs.history import entries, place
from pim_workbook.record.readiness import open_items
from pim_workbook.store.rows import Change


def _change(at: str, path: str = "answers/E1.Q1/parties/A", actor: str = "Amal",
            old: object = None, new: object = "x", party: str | None = "A") -> Change:
    return Change(at=at, actor=actor, party=party, path=path, old=old, new=new, via="")


def test_places_are_named_as_in_the_workbook(store, aid, content):
    grant = store.add(aid, "arrangement/access", {"who": "Cluster IMO"}, actor="f")
    record = store.get(aid)
    assert place(f"arrangement/access/{grant}", record, content) == (
        "Step 2 · Sharing arrangement", "access for Cluster IMO")
    assert place("answers/E1.Q1/parties/B", record, content) == (
        "Step 1 · Question E1.Q1", "answer of Protection Cluster")
    assert place("answers/E2.Q3/agreed", record, content) == (
        "Step 2 · Question E2.Q3", "agreed answer")
    assert place("decision/rationale", record, content) == ("Step 2 · Decision", "Rationale")
    assert place("parties/A", record, content) == ("Start · Parties", "Helping Hands (A)")
    assert place("actions/E3.mitigate.1", record, content) == (
        "Step 3 · Actions", "action E3.mitigate.1")


def test_saves_while_typing_merge_in_the_view_but_not_across_people_or_time(store, aid,
                                                                             content):
    rows = [_change("2026-12-01T10:00:00+00:00", old=None, new="Mon"),
            _change("2026-12-01T10:00:05+00:00", old="Mon", new="Monthly"),
            _change("2026-12-01T10:09:00+00:00", old="Monthly", new="Monthly totals"),
            _change("2026-12-01T10:30:00+00:00", old="Monthly totals", new="Weekly"),
            _change("2026-12-01T10:30:01+00:00", actor="Ben", old="Weekly", new="Daily")]
    view = entries(rows, store.get(aid), content)
    assert [(e.old, e.new, e.saves) for e in view] == [
        ("", "Monthly totals", 3), ("Monthly totals", "Weekly", 1), ("Weekly", "Daily", 1)]
    assert "answer of Helping Hands" in view[0].sentence
    assert "answers/" not in view[0].sentence


def test_a_link_is_named_by_its_party_and_date_and_on_behalf_is_said(store, aid, content):
    _, party_key = create_invite(store, role="party", actor="Fatima", assessment_id=aid,
                                 party="B")
    _, fac_key = create_invite(store, role="facilitator", actor="Fatima")
    GuardedStore(store, party_key).answer(aid, "E1.Q1", "B", "Camp level", actor="Ben")
    GuardedStore(store, fac_key).answer(aid, "E1.Q2", "A", "District", on_behalf=True,
                                        actor="facilitator Fatima on behalf of Helping Hands")
    view = entries(store.history(aid), store.get(aid), content, store.invites(None))
    by_ben = next(e for e in view if e.what == "answer of Protection Cluster")
    assert by_ben.through.startswith("Protection Cluster's link (created ")
    behalf = next(e for e in view if e.what == "answer of Helping Hands")
    assert behalf.on_behalf and behalf.through.startswith("the facilitator's link")
    assert "on behalf of Helping Hands" in behalf.sentence


def test_the_change_that_voids_a_signed_revision_is_marked(store, aid, content):
    for pid, name in (("A", "Amal"), ("B", "Ben")):
        store.sign(aid, pid, name, actor=name,
                   acknowledged=open_items(store.get(aid), store.content))
    store.set(aid, "purpose", "Response planning", actor="Ben")
    store.set(aid, "purpose", "Response planning and advocacy", actor="Ben")
    view = entries(store.history(aid), store.get(aid), content, (), store.revisions(aid))
    voiding = [e for e in view if e.voids]
    assert [(e.what, e.voids) for e in voiding] == [("purpose", 1)]


def test_the_record_page_shows_sentences_and_filters_them(store, aid):
    store.add(aid, "arrangement/access", {"who": "Cluster IMO", "purpose": "analysis"},
              actor="Fatima")
    store.answer(aid, "E1.Q1", "B", "Camp level", actor="Ben")
    page = build_page("record", Session(store, aid))
    table = next(x for x in _walk(page)
                 if isinstance(x, w.HTML) and 'class="pimw-table pimw-history"' in x.value)
    assert "access for Cluster IMO" in table.value and "arrangement/access/X1" not in table.value
    party = next(x for x in _walk(page) if isinstance(x, w.Dropdown) and x.description == "Party")
    party.value = "Protection Cluster"
    assert "Camp level" in table.value and "Cluster IMO" not in table.value
    section = next(x for x in _walk(page) if isinstance(x, w.Dropdown)
                   and x.description == "Section")
    section.value = "Step 2"
    assert "No change matches" in table.value


def _walk(root: w.Widget):
    yield root
    for child in getattr(root, "children", ()):
        yield from _walk(child)


def test_a_partner_sees_the_links_labels_but_never_their_hashes(store, aid, other_aid):
    _, key = create_invite(store, role="party", actor="Fatima", assessment_id=aid, party="B")
    create_invite(store, role="party", actor="Fatima", assessment_id=other_aid, party="A")
    create_invite(store, role="facilitator", actor="Fatima")
    seen = GuardedStore(store, key).invites(aid)
    assert {(i.role, i.assessment_id) for i in seen} == {("party", aid), ("facilitator", None)}
    assert all(i.salt == "" and i.secret_hash == "" for i in seen)


@pytest.fixture
def other_aid(store):
    other = store.create("Referrals", actor="facilitator")
    store.add_party(other, "Care Clinics", "recipient", actor="facilitator")
    return other


def test_a_signed_revision_opens_read_only_on_the_record_page(store, aid):
    store.set(aid, "purpose", "Frozen purpose", actor="Fatima")
    for pid, name in (("A", "Amal"), ("B", "Ben")):
        store.sign(aid, pid, name, actor=name,
                   acknowledged=open_items(store.get(aid), store.content))
    store.set(aid, "purpose", "Changed after the freeze", actor="Fatima")
    page = build_page("record", Session(store, aid))
    opener = next(x for x in _walk(page) if isinstance(x, w.Button)
                  and x.description == "Open revision 1")
    opener.click()
    shown = next(x for x in _walk(page) if isinstance(x, w.HTML)
                 and "pimw-revision" in x._dom_classes)
    assert "Frozen purpose" in shown.value and "Changed after the freeze" not in shown.value
