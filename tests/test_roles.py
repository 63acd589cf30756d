"""Roles kept apart: a party writes only its own answers; the facilitator records one only
visibly on the party's behalf, never its trust agreement or signature; the guarded store
enforces this, whatever a page sends."""

from __future__ import annotations

import ipywidgets as w
import pytest

from pim_workbook.access import GuardedStore, create_invite
from pim_workbook.app.pages.workbook import build_page
from pim_workbook.app.session import FACILITATOR, Session
from pim_workbook.app.shell import Tabs
from pim_workbook.app.widgets.question import question_card
from pim_workbook.errors import AccessDenied


@pytest.fixture
def facilitator(store):
    _, key = create_invite(store, role="facilitator", actor="Fatima")
    return GuardedStore(store, key)


def _html(root: w.Widget) -> str:
    stack, out = [root], []
    while stack:
        node = stack.pop()
        if isinstance(node, w.HTML):
            out.append(node.value)
        stack.extend(getattr(node, "children", ()))
    return " ".join(out)


def test_the_facilitators_link_writes_a_partys_answer_only_on_its_behalf(store, aid,
                                                                         facilitator):
    with pytest.raises(AccessDenied, match="only on its behalf"):
        facilitator.answer(aid, "E1.Q1", "A", "typed into A's box", actor="Fatima")
    with pytest.raises(AccessDenied, match="only on its behalf"):  # the same through a path
        facilitator.set(aid, "answers/E1.Q1/parties/A", "forged", actor="Fatima")
    assert "E1.Q1" not in store.get(aid).answers
    facilitator.answer(aid, "E1.Q1", "A", "What Amal said", actor="facilitator Fatima on "
                       "behalf of Helping Hands", on_behalf=True)
    assert store.get(aid).answers["E1.Q1"].parties["A"] == "What Amal said"
    row = next(c for c in store.history(aid) if c.path == "answers/E1.Q1/parties/A")
    assert (row.party, row.actor) == ("A", "facilitator Fatima on behalf of Helping Hands")
    assert row.via.startswith("link:") and row.via.endswith("on behalf of A")


def test_trust_and_signature_are_never_given_on_a_partys_behalf(store, aid, facilitator):
    with pytest.raises(AccessDenied, match="only through its own link"):
        facilitator.agree_trust(aid, "A", "Amal Haddad", actor="Fatima")
    with pytest.raises(AccessDenied, match="only through its own link"):
        facilitator.sign(aid, "A", "Amal Haddad", actor="Fatima", acknowledged=[])
    record = store.get(aid)
    assert record.trust == {} and record.signoffs == {}


def test_a_party_cannot_claim_to_answer_on_anothers_behalf(store, aid):
    _, key = create_invite(store, role="party", actor="Fatima", assessment_id=aid, party="B")
    with pytest.raises(AccessDenied):
        GuardedStore(store, key).answer(aid, "E1.Q1", "A", "x", actor="Ben", on_behalf=True)


def test_on_behalf_is_shown_on_the_page_while_it_lasts(store, aid, facilitator, content):
    session = Session(facilitator, aid, party=FACILITATOR, actor="Fatima")
    page = build_page("E.1", session)
    assert "On behalf of" not in _html(page)
    card = question_card(session, content.question("E1.Q1"))
    box_a = next(x for x in _walk(card) if "pimw-answer-A" in getattr(x, "_dom_classes", ()))
    assert box_a.disabled
    assert [label for label, _ in session.party_picker.options][1].startswith("On behalf of A")
    session.party_picker.value = "A"
    assert "On behalf of Helping Hands" in _html(page)
    assert not box_a.disabled
    box_a.value = "Monthly district totals"
    row = store.history(aid)[-2]  # the answer, then the status it moves to 'discussing'
    assert row.actor == "facilitator Fatima on behalf of Helping Hands"
    start = build_page("start", session)
    next(x for x in _walk(start) if isinstance(x, Tabs)).select("Trust statement")
    agree = [b for b in _walk(start) if isinstance(b, w.Button) and b.description == "We agree"]
    assert agree and all(b.disabled for b in agree)  # never on a party's behalf
    session.party_picker.value = FACILITATOR
    assert "On behalf of Helping Hands" not in _html(page)


def _walk(root: w.Widget):
    yield root
    for child in getattr(root, "children", ()):
        yield from _walk(child)
