"""The checklist before signing: computed from the record, each item with the page to fix it."""

from __future__ import annotations

import datetime as dt

from pim_workbook.record.readiness import open_items, readiness


def _checks(store, aid):
    return {c.key: c for c in readiness(store.get(aid), store.content)}


def test_a_new_assessment_is_far_from_ready_and_says_where_to_go(store, aid):
    checks = _checks(store, aid)
    assert not any(c.done for c in checks.values() if c.key != "owners")
    assert checks["trust"].page == "start"
    assert checks["answers-E2"].page == "E.2"
    step1 = store.content.step("E.1")
    assert len(checks["answers-E1"].missing) == len(step1.questions)
    assert "no decision yet" in checks["decision"].missing


def test_unanswered_questions_are_open_even_when_nobody_answered(store, aid):
    """Unlike divergences, which only see questions someone answered."""
    store.answer(aid, "E1.Q1", "A", "Monthly reports", actor="a")
    missing = _checks(store, aid)["answers-E1"].missing
    assert "E1.Q1: answers differ or are missing" in missing
    assert any(m.startswith("E1.Q2:") for m in missing)


def test_an_agreed_answer_or_a_reasoned_not_applicable_closes_a_question(store, aid):
    store.agree(aid, "E1.Q1", "Monthly, aggregated by district", actor="facilitator")
    store.set(aid, "answers/E1.Q2/agreed", "No personal data leaves the office", actor="fac")
    store.set(aid, "answers/E1.Q2/status", "not_applicable", actor="fac")
    store.set(aid, "answers/E1.Q3/status", "not_applicable", actor="fac")  # no reason given
    missing = " ".join(_checks(store, aid)["answers-E1"].missing)
    assert "E1.Q1" not in missing and "E1.Q2" not in missing
    assert "E1.Q3" in missing


def test_trust_arrangement_decision_and_owners(store, aid):
    for pid in ("A", "B"):
        store.agree_trust(aid, pid, f"Director {pid}", actor="fac")
    store.add(aid, "data_items", {"name": "Household size", "sensitivity": "low"}, actor="f")
    for field, value in [("form", "Table"), ("frequency", "Monthly"), ("channel", "SFTP"),
                         ("aggregation", "District"), ("red_lines", "No names"),
                         ("retention", "One year"), ("time_frame", "2027"),
                         ("next_review", dt.date(2027, 6, 1).isoformat())]:
        store.set(aid, f"arrangement/{field}", value, actor="f")
    store.add(aid, "arrangement/access", {"who": "Cluster IMO"}, actor="f")
    store.set(aid, "decision/outcome", "share", actor="f")
    store.set_action(aid, "E1.maximise.1", actor="f", status="planned")
    checks = _checks(store, aid)
    assert checks["trust"].done and checks["data-items"].done
    assert checks["arrangement"].missing == ("access for Cluster IMO: no purpose",)
    assert checks["decision"].missing == ("decision 'Share' has no rationale",)
    assert checks["owners"].missing == ("E1.maximise.1: no owner",)
    assert set(open_items(store.get(aid), store.content)) >= {
        "access for Cluster IMO: no purpose", "E1.maximise.1: no owner"}


def test_the_sample_is_ready_but_for_what_it_really_lacks(store, sample):
    checks = _checks(store, sample)
    assert checks["trust"].done
    assert checks["decision"].done
