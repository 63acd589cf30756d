"""Tamper evidence in the store: the history hash chain, the store's key, the seals of signed
revisions, and verifying them after a byte was changed in the store file."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from raw_store import raw

from pim_workbook.errors import StoreError
from pim_workbook.record.hashing import canonical_json, record_hash
from pim_workbook.record.model import Record
from pim_workbook.record.readiness import open_items
from pim_workbook.store import seals
from pim_workbook.store.core import Store


def _sign_all(store: Store, aid: str) -> int | None:
    store.sign(aid, "A", "Amal Haddad", actor="amal",
               acknowledged=open_items(store.get(aid), store.content))
    return store.sign(aid, "B", "Ben Okafor", actor="ben",
                      acknowledged=open_items(store.get(aid), store.content))


def _chain(aid: str, rows: list[tuple]) -> list[str]:
    """The chain as the export's schema describes it, computed here independently."""
    hashes, prev = [], ""
    for at, actor, party, path, old, new, via in rows:
        text = json.dumps([prev, aid, at, actor, party, path, old, new, via], sort_keys=True,
                          separators=(",", ":"))
        prev = hashlib.sha256(text.encode()).hexdigest()
        hashes.append(prev)
    return hashes


def _sql(db_path, statement: str, *params) -> None:
    with raw(db_path) as db:
        assert db.execute(statement, params).rowcount >= 1


def _row_id(db_path, aid: str, path: str) -> int:
    with raw(db_path) as db:
        return db.execute("SELECT max(id) FROM history WHERE assessment_id=? AND path=?",
                          (aid, path)).fetchone()[0]


def test_every_change_is_chained_to_the_one_before(store, aid):
    store.answer(aid, "E1.Q1", "A", "Safety of returnees مرحبا", actor="amal")
    store.add(aid, "data_items", {"name": "Counts", "sensitivity": "low"}, actor="ben")
    store.remove(aid, "data_items/D1", actor="ben")
    history = store.history(aid)
    rows = [(c.at, c.actor, c.party, c.path, c.old, c.new, c.via) for c in history]
    assert [c.hash for c in history] == _chain(aid, rows)
    result = store.verify(aid)
    assert result.ok and result.problems == () and result.signers == ()


def test_the_chains_of_two_assessments_are_apart(store, aid):
    other = store.create("Another", actor="fac")
    store.set(aid, "purpose", "One", actor="amal")
    store.set(other, "purpose", "Two", actor="amal")
    assert store.history(other)[0].hash == _chain(other, [
        (c.at, c.actor, c.party, c.path, c.old, c.new, c.via)
        for c in store.history(other)])[0]
    assert store.verify(aid).ok and store.verify(other).ok


TAMPERING = {
    "actor": ("UPDATE history SET actor='Mallory' WHERE id=?", "does not match its chain hash"),
    "party": ("UPDATE history SET party='B' WHERE id=?", "does not match its chain hash"),
    "old value": ("UPDATE history SET old='\"Said before\"' WHERE id=?",
                  "does not match its chain hash"),
    "new value": ("UPDATE history SET new='\"Safety of returnees.\"' WHERE id=?",
                  "does not match its chain hash"),
    "link": ("UPDATE history SET via='cli' WHERE id=?", "does not match its chain hash"),
    "hash": ("UPDATE history SET hash=replace(hash, substr(hash, 1, 1), 'x') WHERE id=?",
             "does not match its chain hash"),
    "removed": ("DELETE FROM history WHERE id=?", "does not match its chain hash"),
}


@pytest.mark.parametrize("case", TAMPERING)
def test_a_changed_history_entry_does_not_verify(store, aid, db_path, case):
    store.answer(aid, "E1.Q1", "A", "First thoughts", actor="amal")
    store.answer(aid, "E1.Q1", "A", "Safety of returnees", actor="amal")
    store.set(aid, "purpose", "Later change", actor="ben")
    assert store.verify(aid).ok
    statement, expected = TAMPERING[case]
    _sql(db_path, statement, _row_id(db_path, aid, "answers/E1.Q1/parties/A"))
    result = store.verify(aid)
    assert not result.ok
    assert any(expected in p for p in result.problems), result.problems
    assert all("\n" not in p for p in result.problems)


def test_a_unit_changed_outside_the_history_does_not_verify(store, aid, db_path):
    store.set(aid, "purpose", "Response planning", actor="amal")
    _sql(db_path, "UPDATE units SET value='\"Something else\"' WHERE path='purpose'")
    assert store.verify(aid).problems == ("the record is not what its history makes it",)


def test_signing_seals_the_revision_with_the_history_it_froze(store, aid):
    store.set(aid, "purpose", "Response planning", actor="amal")
    assert _sign_all(store, aid) == 1
    [seal] = store.seals(aid)
    revision = store.revisions(aid)[0]
    assert (seal.revision, seal.head) == (1, store.history(aid)[-1].hash)
    assert seal.public_key == store.public_key()
    assert seals.verify(seal.public_key, seals.revision_message(
        aid, 1, revision.record_hash, seal.head), seal.signature)
    result = store.verify(aid)
    assert result.ok and result.signers == ((store.own_fingerprint(), "this store"),)
    store.set(aid, "purpose", "Changed after signing", actor="ben")  # later changes are
    assert store.verify(aid).ok  # the store's own, sealed when signed again or exported


def _signed(store: Store, aid: str) -> None:
    store.set(aid, "purpose", "Response planning", actor="amal")
    _sign_all(store, aid)
    assert store.verify(aid).ok


def test_a_changed_revision_does_not_verify(store, aid, db_path):
    _signed(store, aid)
    _sql(db_path, "UPDATE revisions SET snapshot=replace(snapshot, 'Response planning', "
         "'Advocacy') WHERE assessment_id=?", aid)
    assert store.verify(aid).problems == ("revision 1 does not match its record hash",)


def test_a_revision_forged_with_its_hash_recomputed_does_not_verify(store, aid, db_path):
    _signed(store, aid)
    snapshot = store.revisions(aid)[0].record
    snapshot["purpose"] = "Advocacy"
    forged = record_hash(Record.model_validate(snapshot))
    _sql(db_path, "UPDATE revisions SET snapshot=?, record_hash=? WHERE assessment_id=?",
         canonical_json(snapshot), forged, aid)
    [problem] = store.verify(aid).problems
    assert problem == (f"the seal of revision 1 by {store.own_fingerprint()} does not verify: "
                       "what it seals was changed")


@pytest.mark.parametrize("column", ["signature", "public_key", "head"])
def test_a_changed_seal_does_not_verify(store, aid, db_path, column):
    _signed(store, aid)
    with raw(db_path) as db:
        value = db.execute(f"SELECT {column} FROM seals").fetchone()[0]
        changed = value[:10] + ("B" if value[10] != "B" else "C") + value[11:]
        if column == "head":
            changed = store.history(aid)[0].hash
        db.execute(f"UPDATE seals SET {column}=?", (changed,))
    result = store.verify(aid)
    assert not result.ok
    assert any("the seal of revision 1 by" in p and "does not verify" in p
               for p in result.problems), result.problems


def test_a_seal_without_its_revision_does_not_verify(store, aid, db_path):
    _signed(store, aid)
    _sql(db_path, "DELETE FROM revisions")
    assert store.verify(aid).problems == (
        f"a seal by {store.own_fingerprint()} names revision 1, which the record does not "
        "have",)


def test_the_key_is_made_on_first_use_and_kept(store, aid, db_path, content):
    assert store.public_key() is None
    fp = store.own_fingerprint()
    key = store.public_key()
    assert key is not None and len(base64.b64decode(key)) == 32
    assert fp == seals.fingerprint(key)
    digest = hashlib.sha256(base64.b64decode(key)).hexdigest()[:16]
    assert fp == " ".join(digest[i:i + 4] for i in range(0, 16, 4))
    with Store(db_path, content=content) as again:
        assert again.own_fingerprint() == fp
    with raw(db_path) as db:
        assert db.execute("SELECT count(*) FROM store_key").fetchone()[0] == 1


def test_signatures_and_fingerprints():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.generate()
    public = base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    other = base64.b64encode(Ed25519PrivateKey.generate().public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)).decode()
    message = seals.head_message("abc123", "0" * 64)
    signature = base64.b64encode(key.sign(message)).decode()
    assert seals.verify(public.decode(), message, signature)
    assert not seals.verify(public.decode(), seals.head_message("abc124", "0" * 64), signature)
    assert not seals.verify(other, message, signature)
    assert not seals.verify(public.decode(), message, "not base64!")
    assert not seals.verify("AAAA", message, signature)
    assert seals.normal_fingerprint("3F2A9C0177BE0D42") == "3f2a 9c01 77be 0d42"
    assert seals.normal_fingerprint(" 3f2a 9c01  77be 0d42 ") == "3f2a 9c01 77be 0d42"
    for bad in ("3f2a 9c01", "3f2a 9c01 77be 0d4g", ""):
        with pytest.raises(StoreError, match="is not a fingerprint"):
            seals.normal_fingerprint(bad)


def test_trusting_a_key(store):
    assert store.trusted() == []
    assert store.trust("AAAA BBBB cccc 0000", actor="fac") == "aaaa bbbb cccc 0000"
    store.trust("aaaabbbbcccc0000", actor="fac")
    assert store.trusted() == ["aaaa bbbb cccc 0000"]
    with pytest.raises(StoreError, match="this store's own key"):
        store.trust(store.own_fingerprint(), actor="fac")
    with pytest.raises(StoreError, match="not a fingerprint"):
        store.trust("nope", actor="fac")
