"""Copying a whole store between SQLite and PostgreSQL, both ways: everything arrives as it
was stored, the copy is the same store (its seals still its own), and it is checked."""

from __future__ import annotations

import pytest
from pg_cluster import PASSWORD
from raw_store import raw

from pim_workbook.access import create_invite
from pim_workbook.cli import main
from pim_workbook.content.exercises import load_exercises
from pim_workbook.errors import StoreError
from pim_workbook.outputs.jsonfile import import_json
from pim_workbook.sample.assessment import build_sample
from pim_workbook.store.core import Store
from pim_workbook.store.dialect import masked
from pim_workbook.store.transfer import TABLES, copy, row_counts
from pim_workbook.training import sessions as training

DIRECTIONS = ["sqlite-to-postgresql", "postgresql-to-sqlite"]


@pytest.fixture(params=DIRECTIONS)
def ends(request, tmp_path, pg_address):
    """Where a copy comes from and goes to (a new file, or an emptied database)."""
    file = tmp_path / "workbook.sqlite"
    return (file, pg_address) if request.param == DIRECTIONS[0] else (pg_address, file)


def _fill(address, content, sample_export) -> dict:
    """A store using every table: the sample built here (signed and sealed), the sample
    imported from another store (sealed with that store's key, which is trusted here),
    links, a training session with answers, settings. Returns what it holds, as the
    store's API reads it."""
    with Store(address, content=content) as store:
        own = build_sample(store, aid="own-sample")
        imported = import_json(store, sample_export, actor="tests", source="other.json")
        store.trust(store.verify(imported).unknown[0], actor="fac")
        other = store.create("Referrals", actor="fac", aid="referrals")
        store.add(other, "data_items", {"name": "Referrals"}, actor="fac")
        store.remove(other, "data_items/D1", actor="fac")  # a removal in the history
        create_invite(store, role="party", actor="fac", assessment_id=own, party="A")
        tid = training.new_training(store, "Basics", actor="Trainer")
        exercises = load_exercises()
        first = exercises.exercises[0]
        training.answer(store, training.join(store, tid, "Owl"), exercises, first.id,
                        first.answer)
        store.set_setting("risk_min_k", "5")
        assert {own, imported, other} == set(store.ids())
        return _contents(store)


def _contents(store: Store) -> dict:
    return {
        "ids": store.ids(),
        "records": {aid: store.get(aid) for aid in store.ids()},
        "history": {aid: store.history(aid) for aid in store.ids()},
        "revisions": {aid: store.revisions(aid) for aid in store.ids()},
        "seals": {aid: store.seals(aid) for aid in store.ids()},
        "verified": {aid: store.verify(aid) for aid in store.ids()},
        "imports": store.imports(),
        "invites": store.invites(),
        "trainings": store.trainings(),
        "answers": [store.training_answers(t.id) for t in store.trainings()],
        "trainees": [store.trainees(t.id) for t in store.trainings()],
        "settings": store.setting("risk_min_k"),
        "trusted": store.trusted(),
        "key": store.public_key(),
        "rows": row_counts(store),
    }


def test_everything_is_copied_as_stored_and_checked(ends, content, sample_export):
    source, dest = ends
    before = _fill(source, content, sample_export)
    assert all(before["rows"].values())  # every table holds something to copy
    result = copy(source, dest, content)
    assert result.rows == before["rows"]
    assert (result.verified, result.unverified) == (3, ())
    with Store(dest, content=content) as copied:
        after = _contents(copied)
        assert after == before
        assert copied.verify("own-sample").signers == (  # the same key pair
            (copied.own_fingerprint(), "this store"),)
        assert [s for _, s in copied.verify("sample").signers] == ["trusted"]
        copied.set("referrals", "purpose", "Changed in the copy", actor="fac")
        assert copied.verify("referrals").ok  # its chain goes on from the copied head
    with Store(source, content=content) as original:
        assert _contents(original) == before  # the source is left as it was


def test_a_destination_that_holds_anything_is_refused(ends, content):
    source, dest = ends
    with Store(source, content=content) as store:
        store.create("To copy", actor="fac")
    with Store(dest, content=content) as store:
        store.set_setting("served_at", "http://elsewhere")
    with pytest.raises(StoreError, match=r"is not empty \(1 row in settings\): copy into a "
                                         r"new store"):
        copy(source, dest, content)
    with Store(dest, content=content) as store:
        assert store.ids() == []


def test_a_broken_record_is_copied_as_it_is_and_said_so(ends, content):
    source, dest = ends
    with Store(source, content=content) as store:
        aid = store.create("Tampered", actor="fac")
        store.set(aid, "purpose", "Planning", actor="amal")
    with raw(source) as db:
        db.execute("UPDATE history SET actor='Mallory' WHERE path='purpose'")
    result = copy(source, dest, content)
    assert (result.verified, result.unverified) == (0, (aid,))
    with Store(source, content=content) as original, Store(dest, content=content) as copied:
        assert copied.verify(aid).problems == original.verify(aid).problems != ()


def test_what_cannot_be_copied_is_refused(tmp_path, content, pg_address):
    with pytest.raises(StoreError, match="no store file there to copy"):
        copy(tmp_path / "missing.sqlite", pg_address, content)
    assert not (tmp_path / "missing.sqlite").exists()
    with pytest.raises(StoreError, match="cannot be copied into itself"):
        copy(pg_address, pg_address, content)


def test_the_command_copies_both_ways_and_names_no_password(tmp_path, capsys, pg_address,
                                                            content):
    first, back = tmp_path / "first.sqlite", tmp_path / "back.sqlite"
    with Store(first, content=content) as store:
        aid = build_sample(store)
    assert main(["store", "copy", str(first), pg_address]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"copied {first} to {masked(pg_address)}:"
    assert PASSWORD not in out and "1 assessment verifies in the copy" in out
    counts = dict(line.split() for line in out.splitlines()[1:-1])
    assert set(counts) == {t.name for t in TABLES} and counts["revisions"] == "1"
    assert main(["store", "copy", pg_address, str(back)]) == 0
    capsys.readouterr()
    with Store(first, content=content) as one, Store(back, content=content) as other:
        assert other.history(aid) == one.history(aid) and other.verify(aid).ok
    assert main(["store", "copy", str(first), pg_address]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and PASSWORD not in err
    assert f"{masked(pg_address)} is not empty" in err


def test_without_pg_dump_a_postgresql_store_is_backed_up_into_a_store_file(
        tmp_path, capsys, pg_address, content, monkeypatch):
    with Store(pg_address, content=content) as store:
        aid = build_sample(store)
    monkeypatch.setattr("pim_workbook.store.transfer.program", lambda name: None)
    target = tmp_path / "backup.sqlite"
    assert main(["--db", pg_address, "backup", str(target)]) == 0
    assert capsys.readouterr().out.strip() == str(target)
    with Store(target, content=content) as copied, Store(pg_address, content=content) as store:
        assert copied.history(aid) == store.history(aid) and copied.verify(aid).ok
    assert main(["--db", pg_address, "backup", str(target)]) == 1
    assert "exists: a backup goes to a new file" in capsys.readouterr().err
