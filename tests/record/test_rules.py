"""The assessment record's rules: validation, references, progress, status."""

from __future__ import annotations

import datetime as dt

import pytest

from pim_workbook.errors import RecordError
from pim_workbook.record.hashing import record_hash
from pim_workbook.record.paths import assemble, flatten, validate_unit
from pim_workbook.record.progress import divergences, progress, retired_answers, status


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("actions/E1.mitigate.1", {"due": "2026-02-30"}, "invalid date '2026-02-30'"),
        ("parties/A", {"organisation": "  ", "role": "provider"}, "organisation must not be empty"),
        ("parties/A", {"organisation": "X", "role": "boss"}, "role must be"),
        ("data_items/D1", {"name": "x", "sensitivity": "extreme"}, "sensitivity must be"),
        ("decision", {"outcome": "share"}, "a section is written field by field"),
        ("answers", {}, "a collection is written item by item"),
        ("nonsense", 1, "unknown field 'nonsense'"),
        ("answers/E1.Q1/parties/A/x", "y", "goes below a single value"),
        ("bad path", "x", "invalid path"),
    ],
)
def test_invalid_units_are_refused_with_a_clear_message(path, value, message):
    with pytest.raises(RecordError, match=message):
        validate_unit(path, value)


def test_values_are_normalised():
    assert validate_unit("arrangement/next_review", "2027-01-31") == "2027-01-31"
    assert validate_unit("arrangement/next_review", "") is None
    assert validate_unit("purpose", "  trimmed  ") == "trimmed"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("answers/E9.Q1/parties/A", "x", "unknown question id 'E9.Q1'"),
        ("answers/E1.Q1/parties/Z", "x", "unknown party 'Z'"),
        ("trust/C", {"agreed_by": "x", "agreed_on": "2026-01-01"}, "unknown party 'C'"),
        ("actions/E1.mitigate.99", {}, "unknown action id"),
        ("principles/be_nice", {"status": "met"}, "unknown principle"),
        ("systems/Y1", {"name": "KoBo", "category": "weather"}, "unknown PIM Matrix category"),
        ("data_items/D1", {"name": "x", "categories": ["secret"]}, "unknown categorie"),
        ("flows/F1", {"source": "S1", "target": "S2"}, "unknown stakeholder"),
    ],
)
def test_references_to_unknown_ids_are_refused_and_change_nothing(store, aid, path, value,
                                                                   message):
    before = store.get(aid)
    history = len(store.history(aid))
    with pytest.raises(RecordError, match=message):
        store.set(aid, path, value, actor="amal")
    assert store.get(aid) == before
    assert len(store.history(aid)) == history


def test_flatten_is_the_inverse_of_assemble(store, aid):
    store.answer(aid, "E1.Q2", "B", "Joint analysis", actor="ben")
    store.add(aid, "data_items", {"name": "Counts by district", "sensitivity": "low"},
              actor="amal")
    store.set(aid, "arrangement/next_review", "2027-03-01", actor="amal")
    record = store.get(aid)
    header = {k: getattr(record, k) for k in ("id", "content_version", "created_at")}
    again = assemble(header, flatten(record))
    assert again.model_dump_json() == record.model_dump_json()


def test_progress_counts_what_is_done(store, aid, content):
    before = progress(store.get(aid), content)
    assert before["Start"] == (1, 4)  # two parties, no purpose, no trust yet
    store.set(aid, "purpose", "Target protection response", actor="amal")
    for pid in "AB":
        store.agree_trust(aid, pid, f"Signatory {pid}", actor="amal", on="2026-11-01")
    store.agree(aid, "E1.Q1", "Agreed text", actor="facilitator")
    store.set_action(aid, "E1.maximise.1", status="done", actor="amal")
    after = progress(store.get(aid), content)
    assert after["Start"] == (4, 4)
    assert after["Step 1"][0] == before["Step 1"][0] + 2
    assert after["Step 1"][1] == 3 + 14  # questions + actions of step 1


def test_divergences_flag_differing_and_missing_answers(store, aid, content):
    store.answer(aid, "E1.Q1", "A", "Response planning", actor="amal")
    store.answer(aid, "E1.Q2", "A", "Same", actor="amal")
    store.answer(aid, "E1.Q2", "B", "same", actor="ben")
    store.answer(aid, "E1.Q3", "A", "Yes", actor="amal")
    store.answer(aid, "E1.Q3", "B", "No", actor="ben")
    assert divergences(store.get(aid), content) == ["E1.Q1", "E1.Q3"]
    store.agree(aid, "E1.Q3", "Partly", actor="facilitator")
    assert divergences(store.get(aid), content) == ["E1.Q1"]


def test_answers_to_retired_questions_are_kept_and_listed(store, aid, content):
    store.answer(aid, "E2.Q6", "A", "Monthly CSV", actor="amal")
    trimmed = content.model_copy(update={"assessment": content.assessment.model_copy(
        update={"steps": content.assessment.steps[:1]})})
    record = store.get(aid)
    assert retired_answers(record, trimmed) == ["E2.Q6"]
    assert record.answers["E2.Q6"].parties["A"] == "Monthly CSV"


def test_status_follows_signatures_and_review_date(store, aid):
    record = store.get(aid)
    assert status(record, None) == "draft"
    frozen = record_hash(record)
    assert status(record, frozen) == "signed"
    store.set(aid, "arrangement/next_review", "2026-01-01", actor="amal")
    record = store.get(aid)
    assert status(record, record_hash(record), today=dt.date(2026, 6, 1)) == "review_due"
    assert status(record, frozen) == "draft"  # changed since it was signed
    store.archive(aid, actor="amal")
    assert status(store.get(aid), None) == "archived"
