"""Partner links: secrets never stored in clear, expiry and revocation, and what each role
may read and write — checked in the store guard, whatever the page sends."""

from __future__ import annotations

import datetime as dt

import pytest
from raw_store import stored_text

from pim_workbook.access import (
    AccessDenied,
    GuardedStore,
    check_key,
    create_invite,
    invites,
    link,
    revoke,
)


@pytest.fixture
def other(store):
    """A second assessment, with a third organisation."""
    aid = store.create("Referrals to the health cluster", actor="facilitator")
    store.add_party(aid, "Care Clinics", "recipient", actor="facilitator")
    return aid


def _key(store, aid, party="A", role="party", **kw):
    return create_invite(store, role=role, actor="Fatima", assessment_id=aid,
                         party=party if role == "party" else None, **kw)[1]


def test_only_a_salted_hash_of_the_secret_is_stored(store, aid, db_path):
    invite, key = create_invite(store, role="party", actor="Fatima", assessment_id=aid,
                                party="Helping Hands")
    secret = key.split(".", 1)[1]
    assert invite.party == "A" and len(secret) >= 32
    dump = stored_text(db_path)
    assert secret not in dump and invite.id in dump
    twin_invite, twin = create_invite(store, role="party", actor="Fatima", assessment_id=aid,
                                      party="A")
    salts = {i.id: i.salt for i in store.invites(aid)}
    assert salts[invite.id] != salts[twin_invite.id]
    assert check_key(store, key).party == "A"
    for forged in (invite.id + ".wrong", twin.split(".")[0] + "." + secret, "", "nonsense"):
        with pytest.raises(AccessDenied, match="not valid"):
            check_key(store, forged)


def test_expired_and_revoked_links_are_refused(store, aid, monkeypatch):
    key = _key(store, aid, expires=dt.date.today() + dt.timedelta(days=1))
    assert check_key(store, key).role == "party"
    tomorrow = dt.date.today() + dt.timedelta(days=3)
    monkeypatch.setattr("pim_workbook.access._today", lambda: tomorrow)
    with pytest.raises(AccessDenied, match="expired"):
        check_key(store, key)
    monkeypatch.undo()
    other_key = _key(store, aid, party="B")
    guard = GuardedStore(store, other_key)
    guard.answer(aid, "E1.Q1", "B", "fine", actor="Ben")
    revoke(store, other_key.split(".")[0])
    with pytest.raises(AccessDenied, match="revoked"):  # at its very next action
        guard.answer(aid, "E1.Q1", "B", "after revocation", actor="Ben")
    with pytest.raises(AccessDenied, match="revoked"):
        guard.get(aid)
    assert store.get(aid).answers["E1.Q1"].parties["B"] == "fine"
    states = {i.id: i.state() for i in invites(store, aid)}
    assert sorted(states.values()) == ["active", "revoked"]
    with pytest.raises(ValueError, match="already past"):
        _key(store, aid, expires=dt.date(2000, 1, 1))


def test_a_party_link_reads_and_writes_only_its_assessment_and_as_itself(store, aid, other):
    guard = GuardedStore(store, _key(store, aid, party="A"))
    assert [s.id for s in guard.summaries()] == [aid] and guard.ids() == [aid]
    guard.answer(aid, "E1.Q1", "A", "commune trends", actor="Amal")
    guard.add(aid, "data_items", {"name": "Incidents"}, actor="Amal")
    guard.set_action(aid, "E1.maximise.1", actor="Amal", status="done")
    change = store.history(aid)[-1]
    assert (change.party, change.via) == ("A", guard.grant.via)
    refused = [
        lambda: guard.get(other),
        lambda: guard.answer(other, "E1.Q1", "A", "forged", actor="x"),
        lambda: guard.set(other, "purpose", "forged", actor="x"),
        lambda: guard.answer(aid, "E1.Q1", "B", "in B's name", actor="x"),
        lambda: guard.set(aid, "answers/E1.Q1/parties/B", "in B's name", actor="x"),
        lambda: guard.set(aid, "answers/E1.Q1/agreed", "agreed alone", actor="x"),
        lambda: guard.agree(aid, "E1.Q1", "agreed alone", actor="x"),
        lambda: guard.sign(aid, "B", "Ben", actor="x"),
        lambda: guard.agree_trust(aid, "B", "Ben", actor="x"),
        lambda: guard.update_party(aid, "B", {"organisation": "Renamed"}, actor="x"),
        lambda: guard.add_party(aid, "Intruder", "recipient", actor="x"),
        lambda: guard.archive(aid, actor="x"),
        lambda: guard.delete(aid, confirm=aid),
        lambda: guard.set_setting("risk_min_k", "1"),
        lambda: guard.setting("voila_token"),
        lambda: guard.create("New", actor="x"),
        lambda: guard.backup("/tmp/copy.sqlite"),
    ]
    before = (store.history(aid), store.history(other), store.ids())
    for attempt in refused:
        with pytest.raises(AccessDenied):
            attempt()
    assert (store.history(aid), store.history(other), store.ids()) == before
    for hidden in ("imports", "load_raw_units", "_write_unchecked", "touch_invite"):
        with pytest.raises(AttributeError):  # anything not spelt out is not reachable at all
            getattr(guard, hidden)


def test_an_observer_link_reads_and_changes_nothing(store, aid, other):
    guard = GuardedStore(store, _key(store, aid, role="observer"))
    assert guard.get(aid).id == aid
    before = store.history(aid)
    for attempt in (lambda: guard.set(aid, "purpose", "x", actor="Don"),
                    lambda: guard.add(aid, "incidents", {"occurred_on": "2026-01-01",
                                                         "description": "x"}, actor="Don"),
                    lambda: guard.set_action(aid, "E1.maximise.1", actor="Don", status="done")):
        with pytest.raises(AccessDenied, match="read-only"):
            attempt()
    assert store.history(aid) == before
    with pytest.raises(AccessDenied):
        guard.get(other)


def test_the_facilitator_link_opens_everything_and_is_named_in_the_history(store, aid, other):
    key = create_invite(store, role="facilitator", actor="serve")[1]
    guard = GuardedStore(store, key)
    assert set(guard.ids()) == {aid, other}
    guard.agree(other, "E1.Q1", "joint", actor="Fatima")
    assert store.history(other)[-1].via == guard.grant.via
    with pytest.raises(ValueError, match="every assessment"):
        create_invite(store, role="facilitator", actor="x", assessment_id=aid)


def test_parties_are_named_by_id_or_organisation_and_links_are_built(store, aid):
    with pytest.raises(ValueError, match="no party matches 'Nobody'"):
        create_invite(store, role="party", actor="x", assessment_id=aid, party="Nobody")
    with pytest.raises(ValueError, match="several parties match"):
        create_invite(store, role="party", actor="x", assessment_id=aid, party="e")
    invite, key = create_invite(store, role="party", actor="x", assessment_id=aid,
                                party="protection cluster")
    assert invite.party == "B"
    url = link("http://127.0.0.1:8866/", key, token="t0k", page="01-start.ipynb",
               assessment=aid)
    assert url == (f"http://127.0.0.1:8866/voila/render/01-start.ipynb?assessment={aid}"
                   f"&key={key}&token=t0k")
