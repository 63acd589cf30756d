"""The training page without a browser: a trainee answers, the trainer sees and exports."""

from __future__ import annotations

import ipywidgets as w
import pytest

from pim_workbook.access import AccessDenied, GuardedStore, create_invite
from pim_workbook.app.pages import training as training_page
from pim_workbook.app.pages.training import TraineePane, TrainerPane, practice_assessment
from pim_workbook.content.exercises import load_exercises
from pim_workbook.errors import StoreError
from pim_workbook.training import sessions as training
from pim_workbook.training.practice import purge, remove_all

from ..helpers import find, tab


@pytest.fixture(scope="module")
def exercises():
    return load_exercises()


@pytest.fixture
def trainee_link(store):
    tid = training.new_training(store, "Basics", actor="Trainer")
    return tid, create_invite(store, role="trainee", actor="Trainer", training_id=tid)[1]


def _choose(pane: TraineePane, ids: list[str]) -> None:
    exercise = pane.current()
    if pane.choice_widgets:
        for box, choice in zip(pane.choice_widgets, exercise.choices, strict=True):
            box.value = choice.id in ids
    else:
        pane.radio.value = ids[0]


def test_a_trainee_answers_sees_feedback_and_finds_it_again(store, trainee_link, exercises):
    tid, key = trainee_link
    pane = TraineePane(GuardedStore(store, key), tid, exercises, key=key)
    page = pane.widget()
    assert "anonymously" in page.children[-1].children[0].value
    pane.start()  # anonymous
    first = pane.current()
    _choose(pane, first.answer)
    pane.check()
    assert "Correct" in pane.feedback.value and first.explanation[:40] in pane.feedback.value
    assert pane.check_button.disabled and "Answered 1 of" in pane.score.value
    pane.move(1)
    second = pane.current()
    wrong = [c.id for c in second.choices if c.id not in second.answer][:1]
    _choose(pane, wrong)
    pane.check()
    assert "Not quite" in pane.feedback.value or "Partly" in pane.feedback.value
    again = TraineePane(GuardedStore(store, key), tid, exercises, trainee_id=pane.trainee_id,
                        key=key)
    again.widget()
    assert "Answered 2 of" in again.score.value and again.check_button.disabled
    assert f"trainee={pane.trainee_id}" in again.continue_link()
    pane.competency.value = "definitions"
    assert pane.current().competency == "definitions" and not pane.check_button.disabled


def test_an_empty_answer_is_refused_without_saving(store, trainee_link, exercises):
    tid, key = trainee_link
    pane = TraineePane(GuardedStore(store, key), tid, exercises, key=key)
    pane.widget()
    pane.pseudonym.value = "Heron"
    pane.start()
    pane.check()
    assert "Choose an answer first" in pane.feedback.value
    assert store.training_answers(tid) == []


def test_the_trainer_sees_the_group_and_exports_it(store, trainee_link, exercises, tmp_path,
                                                   monkeypatch):
    monkeypatch.setenv("PIM_WORKBOOK_EXPORTS", str(tmp_path / "exports"))
    tid, _ = trainee_link
    first = exercises.exercises[0]
    wrong = [c.id for c in first.choices if c.id not in first.answer][:1]
    for name, chosen in (("Owl", first.answer), ("", wrong)):
        training.answer(store, training.join(store, tid, name), exercises, first.id, chosen)
    pane = TrainerPane(store, exercises)
    pane.widget()
    assert "2 trainees" in pane.results.value and "Owl" in pane.results.value
    assert bytes(pane.chart.value).startswith(b"\x89PNG")
    path = pane.export_csv()
    assert path.read_text().splitlines()[1].startswith(f"{tid},{first.id},")
    pane.confirm.value = "wrong"
    pane.purge()
    assert "Type the session id" in pane.output.value and len(store.trainees(tid)) == 2
    pane.confirm.value = tid
    pane.purge()
    assert store.trainees(tid) == [] and "0 trainees" in pane.results.value


def test_a_new_session_gives_a_trainee_link(store, exercises):
    pane = TrainerPane(store, exercises)
    pane.widget()
    pane.title.value = "Kessaly, March"
    pane.create()
    assert "Give this link to the trainees" in pane.created.value
    assert "09-training.ipynb?key=l" in pane.created.value
    assert pane.sessions.value == store.trainings()[0].id


def test_the_notebook_shows_the_right_view_for_the_link(store, trainee_link, monkeypatch,
                                                        db_path):
    _, key = trainee_link
    shown: list[w.Widget] = []
    monkeypatch.setattr("IPython.display.display", lambda *x: shown.extend(x))
    monkeypatch.setenv("PIM_WORKBOOK_REQUIRE_LINK", "1")
    for query, expected in ((f"key={key}", "Training: Basics"), ("", "Link not valid"),
                            ("key=lwrong.x", "Link not valid")):
        shown.clear()
        monkeypatch.setenv("QUERY_STRING", query)
        training_page.show_training(str(db_path))
        text = " ".join(x.value for x in find(shown[0], w.HTML))
        assert expected in text
        assert "trainer's view" not in text
    party_key = create_invite(store, role="observer", actor="F",
                              assessment_id=store.create("X", actor="F"))[1]
    shown.clear()
    monkeypatch.setenv("QUERY_STRING", f"key={party_key}")
    training_page.show_training(str(db_path))
    assert "not a training link" in " ".join(x.value for x in find(shown[0], w.HTML))


def test_a_trainees_practice_copy_lasts_the_session_and_touches_no_real_store(
        store, trainee_link, db_path, exercises):
    tid, key = trainee_link
    pane = TraineePane(GuardedStore(store, key), tid, exercises, key=key)
    page = pane.widget()
    pane.start()
    before = db_path.read_bytes()
    tab(page, "Practice assessment")
    boxes = find(page, w.Textarea, css="pimw-answer-A")
    assert boxes and not boxes[0].disabled
    boxes[0].value = "A rehearsal answer"
    shown = " ".join(x.value for x in find(page, w.HTML))
    assert "SAMPLE (fictional)" in shown
    assert "deleted when the trainer purges the session" in shown
    assert store.ids() == [] and db_path.read_bytes() == before
    copy = db_path.parent / "workbook-practice" / f"{tid}.sqlite"
    assert copy.is_file()

    again = practice_assessment(GuardedStore(store, key), tid, pane.trainee_id)  # a new page
    assert find(again, w.Textarea, css="pimw-answer-A")[0].value == "A rehearsal answer"
    other = practice_assessment(store, tid, training.join(store, tid, "Owl"))
    assert find(other, w.Textarea, css="pimw-answer-A")[0].value != "A rehearsal answer"

    kept = training.new_training(store, "Another session", actor="Trainer")
    practice_assessment(store, kept, training.join(store, kept, ""))
    purge(store, tid)
    assert not copy.exists() and not copy.with_name(f"{copy.name}-wal").exists()
    assert (copy.parent / f"{kept}.sqlite").is_file()  # another session keeps its copies
    remove_all(db_path)  # the server stops
    assert not copy.parent.exists()


def test_a_practice_copy_is_named_from_checked_ids_only(store, trainee_link, db_path):
    tid, key = trainee_link
    trainee = training.join(store, tid, "")
    other = training.new_training(store, "Other", actor="Trainer")
    for training_id, trainee_id in ((other, trainee), (tid, "../../etc"), (tid, "p" * 40),
                                    ("../" + tid, trainee)):
        with pytest.raises(StoreError):
            practice_assessment(store, training_id, trainee_id)
    with pytest.raises(AccessDenied):  # a trainee link opens its own session only
        practice_assessment(GuardedStore(store, key), other, training.join(store, other, ""))
    assert not (db_path.parent / "workbook-practice").exists()
