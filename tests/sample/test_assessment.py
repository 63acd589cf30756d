"""The built-in sample assessment: complete, consistent, and identical to its committed export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pim_workbook.errors import StoreError
from pim_workbook.outputs.actions import action_rows
from pim_workbook.outputs.jsonfile import import_json
from pim_workbook.record.hashing import record_hash
from pim_workbook.record.model import Record
from pim_workbook.record.progress import divergences, progress, signing_parties
from pim_workbook.sample.assessment import SAMPLE_FILE, SAMPLE_ID, build_sample, main
from pim_workbook.store.core import Store

COMMITTED = Path(__file__).resolve().parents[2] / "data" / "samples" / SAMPLE_FILE


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "s.sqlite") as s:
        yield s


@pytest.fixture
def sample(store: Store) -> tuple[Store, str]:
    return store, build_sample(store)


def comparable(record: Record) -> dict[str, Any]:
    """The record without what depends on when it was built.

    ``created_at`` is set by the store when the assessment is created and is part of the
    hashed content, so sign-offs differ in ``signed_at`` and ``record_hash`` too.
    """
    data = record.model_dump(mode="json")
    data.pop("created_at")
    for signoff in data["signoffs"].values():
        signoff.pop("signed_at")
        signoff.pop("record_hash")
    return data


def test_sample_is_complete(sample: tuple[Store, str]) -> None:
    store, aid = sample
    content = store.content
    record = store.get(aid)
    assert aid == SAMPLE_ID
    roles = {pid: p.role for pid, p in record.parties.items()}
    assert roles == {"A": "provider", "B": "recipient", "C": "recipient", "D": "donor"}
    signers = signing_parties(record)
    assert signers == ["A", "B", "C"]
    assert all(p.contacts for p in record.parties.values())
    assert set(record.trust) == set(record.parties)

    for q in content.questions():
        answers = record.answers[q.id].parties
        assert all(answers.get(pid, "").strip() for pid in signers), q.id
    assert {a.id for a in content.actions()} == set(record.actions)
    statuses = {state.status for state in record.actions.values()}
    assert statuses == {"done", "in_progress", "planned", "not_applicable"}
    assert any(row["overdue"] == "yes" and row["status"] == "planned"
               for row in action_rows(record, content))
    assert len(record.custom_actions) == 2

    done = progress(record, content)
    for section in ("Start", "Principles", "Ecosystem"):
        assert done[section][0] == done[section][1], section
    assert {p.status for p in record.principles.values()} == {"met", "partly_met"}
    assert any(s.party for s in record.stakeholders.values())
    assert all(f.source in record.stakeholders and f.target in record.stakeholders
               for f in record.flows.values())

    diverging = divergences(record, content)
    assert diverging == ["E2.Q5", "E4.Q3"]
    assert all(record.answers[qid].status == "discussing" for qid in diverging)
    agreed = [q.id for q in content.questions() if record.answers[q.id].status == "agreed"]
    assert len(agreed) == len(content.questions()) - len(diverging)

    items = record.data_items.values()
    assert {d.importance for d in items} == {"critical", "nice_to_have"}
    assert {d.sensitivity for d in items} == {"low", "moderate", "high"}
    assert any(d.personal for d in items) and any(d.sensitive for d in items)
    arrangement = record.arrangement
    assert arrangement.next_review is not None and arrangement.next_review.year == 2027
    assert len(arrangement.access) >= 2
    assert record.consent.basis == "informed_consent"
    assert record.decision.outcome == "share_with_conditions"
    assert {i.status for i in record.incidents.values()} == {"open", "closed"}
    assert record.evaluation.evaluated_on is not None


def test_sample_has_signed_revision_and_a_later_edit(sample: tuple[Store, str]) -> None:
    store, aid = sample
    revisions = store.revisions(aid)
    assert [r.number for r in revisions] == [1]
    frozen = revisions[0]
    assert record_hash(Record.model_validate(frozen.record)) == frozen.record_hash
    record = store.get(aid)
    assert {pid: s.record_hash for pid, s in record.signoffs.items()} == {
        pid: frozen.record_hash for pid in ("A", "B", "C")}
    # One follow-up edit after signing: the record has moved on from revision 1.
    assert record_hash(record) != frozen.record_hash
    assert store.status(aid) == "draft"
    assert store.history(aid)[-1].path == "incidents/I2"
    assert len({c.actor for c in store.history(aid)}) >= 5


def test_committed_export_matches_builder(store: Store, tmp_path: Path) -> None:
    assert COMMITTED.exists(), "run: python -m pim_workbook.sample.assessment data/samples"
    aid = import_json(store, COMMITTED.read_text(encoding="utf-8"), actor="test")
    assert aid == SAMPLE_ID
    imported = store.get(aid)
    with Store(tmp_path / "fresh.sqlite") as fresh:
        built = fresh.get(build_sample(fresh))
    assert comparable(imported) == comparable(built)
    revisions = store.revisions(aid)
    assert [r.number for r in revisions] == [1]
    assert all(s.record_hash == revisions[0].record_hash for s in imported.signoffs.values())


def test_main_writes_importable_export(tmp_path: Path, store: Store) -> None:
    assert main([str(tmp_path / "out")]) == 0
    text = (tmp_path / "out" / SAMPLE_FILE).read_text(encoding="utf-8")
    assert import_json(store, text, actor="test") == SAMPLE_ID


def test_building_twice_fails_cleanly(sample: tuple[Store, str]) -> None:
    store, aid = sample
    before = (store.get(aid), store.history(aid), store.revisions(aid))
    with pytest.raises(StoreError, match="already exists"):
        build_sample(store, aid=aid)
    assert (store.get(aid), store.history(aid), store.revisions(aid)) == before
    assert store.ids() == [aid]
    other = build_sample(store, aid="sample-2")
    assert store.ids() == [aid, other]
