"""Training sessions: joining, first answers kept and scored, the group's results, purge,
and what a trainee link may reach."""

from __future__ import annotations

import csv
import io

import pytest
from raw_store import readable

from pim_workbook.access import AccessDenied, GuardedStore, create_invite
from pim_workbook.content.exercises import load_exercises
from pim_workbook.errors import StoreError
from pim_workbook.training import sessions as training


@pytest.fixture(scope="module")
def exercises():
    return load_exercises()


@pytest.fixture
def session(store):
    return training.new_training(store, "Data sharing basics", actor="Trainer")


def _wrong(exercise):
    return [next(c.id for c in exercise.choices if c.id not in exercise.answer)]


def test_the_first_answer_is_kept_and_scored(store, session, exercises):
    owl = training.join(store, session, "  Night   Owl ")
    first = exercises.exercises[0]
    result, kept = training.answer(store, owl, exercises, first.id, first.answer)
    assert result.correct and result.credit == 1 and kept
    result, kept = training.answer(store, owl, exercises, first.id, _wrong(first))
    assert not result.correct and not kept  # the explanation was shown: no second try
    stored = training.answered(store, session, owl)
    assert stored[first.id].correct and stored[first.id].chosen == tuple(sorted(first.answer))
    assert store.trainees(session)[0].pseudonym == "Night Owl"
    with pytest.raises(ValueError, match="at most 40 characters"):
        training.join(store, session, "x" * 41)
    with pytest.raises(StoreError, match="no training session"):
        training.join(store, "tnope", "")
    with pytest.raises(ValueError, match="title"):
        training.new_training(store, "  ", actor="Trainer")


def test_results_match_the_answers_given(store, session, exercises):
    multi = next(e for e in exercises.exercises if len(e.answer) > 1)
    single = next(e for e in exercises.exercises if len(e.answer) == 1)
    a, b, c = (training.join(store, session, name) for name in ("Owl", "", "Fox"))
    training.answer(store, a, exercises, single.id, single.answer)
    training.answer(store, b, exercises, single.id, _wrong(single))
    training.answer(store, a, exercises, multi.id, multi.answer[:1])  # partly right
    result = training.results(store, session, exercises)
    by_id = {e.id: e for e in result.exercises}
    assert (by_id[single.id].answered, by_id[single.id].correct) == (2, 1)
    assert by_id[single.id].mean_credit == pytest.approx(0.5)
    assert by_id[multi.id].mean_credit == pytest.approx(1 / len(multi.answer))
    names = {t.name: t for t in result.trainees}
    assert set(names) == {"Owl", f"anonymous {b[1:5]}", "Fox"}
    assert names["Owl"].answered == 2 and names["Fox"].answered == 0
    assert names["Owl"].credit == pytest.approx(1 + 1 / len(multi.answer))
    comp = {x.id: x for x in result.competencies}[single.competency]
    assert comp.answered >= 2
    assert result.most_missed()[0].mean_credit <= result.most_missed()[-1].mean_credit
    rows = list(csv.DictReader(io.StringIO(training.results_csv(result))))
    assert len(rows) == len(exercises.exercises)
    row = next(r for r in rows if r["exercise"] == single.id)
    assert (row["answered"], row["correct"], row["mean_credit"], row["percent_correct"]) == \
        ("2", "1", "0.500", "50")
    unanswered = next(r for r in rows if r["exercise"] not in (single.id, multi.id))
    assert (unanswered["answered"], unanswered["percent_correct"]) == ("0", "")
    figure = training.results_figure(result)
    assert [ax.get_title() for ax in figure.axes] == ["By competency", "Most missed exercises"]
    assert c  # the trainee who answered nothing is listed too


def test_a_score_reads_correct_of_answered():
    assert training.correct_of_answered(7, 9) == "7 / 9 (78%)"
    assert training.correct_of_answered(0, 3) == "0 / 3 (0%)"
    assert training.correct_of_answered(0, 0) == "—"
    assert training.percent(2, 3) == 67 and training.percent(0, 0) is None


def test_the_results_csv_is_safe_to_open_in_a_spreadsheet():
    planted = training.Results("=HYPERLINK(\"http://x.example\")", [training.ExerciseResult(
        "@SUM(A1)", "-cmd", "+x", 2, 1, 0.5)], [], [])
    (row,) = list(csv.DictReader(io.StringIO(training.results_csv(planted))))
    assert [row[k] for k in ("training", "exercise", "competency", "kind")] == [
        "'=HYPERLINK(\"http://x.example\")", "'@SUM(A1)", "'-cmd", "'+x"]
    assert (row["answered"], row["correct"], row["percent_correct"]) == ("2", "1", "50")


def test_purge_removes_pseudonyms_and_answers(store, session, exercises, db_path):
    owl = training.join(store, session, "Pseudonym-QZX-owl")
    first = exercises.exercises[0]
    training.answer(store, owl, exercises, first.id, first.answer)
    assert readable(db_path, "Pseudonym-QZX-owl")
    assert store.purge_training(session) == 1
    assert store.trainees(session) == [] and store.training_answers(session) == []
    store.close()
    assert not readable(db_path, "Pseudonym-QZX-owl")


def test_a_trainee_link_reaches_its_session_and_nothing_else(store, session, aid, exercises):
    other = training.new_training(store, "Another group", actor="Trainer")
    _, key = create_invite(store, role="trainee", actor="Trainer", training_id=session)
    guard = GuardedStore(store, key)
    me = training.join(guard, session, "")
    first = exercises.exercises[0]
    training.answer(guard, me, exercises, first.id, first.answer)
    assert list(training.answered(guard, session, me)) == [first.id]
    refused = [lambda: training.join(guard, other, ""),
               lambda: guard.training(other),
               lambda: guard.training_answers(session),  # everyone's answers
               lambda: guard.training_answers(session, training.join(store, other, "")),
               lambda: guard.trainings(),
               lambda: guard.trainees(session),
               lambda: guard.purge_training(session),
               lambda: guard.get(aid),
               lambda: guard.set(aid, "purpose", "x", actor="x")]
    for attempt in refused:
        with pytest.raises(AccessDenied):
            attempt()
    with pytest.raises(ValueError, match="one training session"):
        create_invite(store, role="trainee", actor="T", training_id="tnope")


def test_practice_copies_of_a_postgresql_store_are_files_of_this_host(tmp_path, monkeypatch):
    from pim_workbook.training import practice

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert practice.folder(tmp_path / "w.sqlite") == tmp_path / "w-practice"
    shared = practice.folder("postgresql://pim:s3cret@db.example.org/workbook")
    assert shared.parent == tmp_path / "data" / "pim-workbook" and "s3cret" not in str(shared)
    assert shared == practice.folder("postgresql://pim:changed@db.example.org/workbook")
    assert shared != practice.folder("postgresql://pim@db.example.org/other")
    assert practice.copy_path("postgresql://pim@db.example.org/workbook", "t1234abcd") == \
        shared / "t1234abcd.sqlite"
