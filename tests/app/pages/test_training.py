"""The training page without a browser: a trainee answers and practises, the trainer sees
and downloads the group's results."""

from __future__ import annotations

import base64
import csv
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import ipywidgets as w
import pytest
from traitlets import TraitError

from pim_workbook.access import AccessDenied, GuardedStore, create_invite, revoke
from pim_workbook.app.nav import PAGES
from pim_workbook.app.pages import training as training_page
from pim_workbook.app.pages import workbook as workbook_pages
from pim_workbook.app.pages.training import TraineePane, TrainerPane, practice_assessment
from pim_workbook.app.pages.workbook import build_page
from pim_workbook.app.session import FACILITATOR, Session
from pim_workbook.content.exercises import load_exercises
from pim_workbook.errors import StoreError
from pim_workbook.training import sessions as training
from pim_workbook.training.practice import TITLE_MARK, open_copy, purge, remove_all

from ..helpers import find, tab


@pytest.fixture(scope="module")
def exercises():
    return load_exercises()


@pytest.fixture
def trainee_link(store):
    tid = training.new_training(store, "Basics", actor="Trainer")
    return tid, create_invite(store, role="trainee", actor="Trainer", training_id=tid)[1]


@pytest.fixture
def shown(monkeypatch):
    """What a served page displays (pages need their link, as under `serve`)."""
    out: list[w.Widget] = []
    monkeypatch.setattr("IPython.display.display", lambda *x: out.extend(x))
    monkeypatch.setenv("PIM_WORKBOOK_REQUIRE_LINK", "1")
    return out


def _text(widgets: list[w.Widget]) -> str:
    return " ".join(str(x.value) for root in widgets for x in find(root, w.HTML))


def _choose(pane: TraineePane, ids: list[str]) -> None:
    exercise = pane.current()
    if pane.choice_widgets:
        for box, choice in zip(pane.choice_widgets, exercise.choices, strict=True):
            box.value = choice.id in ids
    else:
        pane.radio.value = ids[0]


def _wrong(exercise) -> list[str]:
    return [c.id for c in exercise.choices if c.id not in exercise.answer][:1]


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
    assert "correct 1 / 1 (100%)" in pane.score.value
    pane.move(1)
    second = pane.current()
    _choose(pane, _wrong(second))
    pane.check()
    assert "Not quite" in pane.feedback.value or "Partly" in pane.feedback.value
    again = TraineePane(GuardedStore(store, key), tid, exercises, trainee_id=pane.trainee_id,
                        key=key)
    again.widget()
    assert "Answered 2 of" in again.score.value and again.check_button.disabled
    assert "correct 1 / 2 (50%)" in again.score.value
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


def test_choose_all_that_apply_is_said_once(store, trainee_link, exercises):
    tid, key = trainee_link
    multi = next(e for e in exercises.exercises if len(e.answer) > 1)
    plain = multi.model_copy(update={"prompt": "Which principles does this break?"})
    for exercise, hints in ((multi, 0), (plain, 1)):  # the file's prompts say it already
        one = exercises.model_copy(update={"exercises": [exercise]})
        pane = TraineePane(GuardedStore(store, key), tid, one, key=key)
        pane.widget()
        pane.start()
        pane.competency.value = exercise.competency
        said = " ".join(x.value for x in find(pane.card, w.HTML)).lower()
        assert said.count("all that apply") == hints + ("all that apply" in exercise.prompt
                                                        .lower())


def test_one_person_is_one_trainee_however_often_they_press_start(store, trainee_link,
                                                                   exercises):
    tid, key = trainee_link
    pages = []
    for _ in range(2):  # Start, then Start again on the reloaded page
        pane = TraineePane(GuardedStore(store, key), tid, exercises, key=key)
        pane.widget()
        pane.pseudonym.value = "  Heron "
        pane.start()
        pages.append(pane)
    assert store.trainees(tid) == [] and "continue later" not in pages[-1].score.value
    trainer = TrainerPane(store, exercises)
    trainer.widget()
    assert "0 trainees" in trainer.results.value and "0 trainees)" in trainer.sessions.label

    pane = pages[-1]
    first = pane.current()
    _choose(pane, first.answer)
    pane.check()
    pane.move(1)
    _choose(pane, _wrong(pane.current()))
    pane.check()
    (heron,) = store.trainees(tid)
    assert (heron.id, heron.pseudonym) == (pane.trainee_id, "Heron")
    assert "your link to continue later" in pane.score.value

    back = TraineePane(GuardedStore(store, key), tid, exercises, trainee_id=heron.id, key=key)
    back.widget()  # the continuation link: the same trainee, straight to the exercises
    back.competency.value = "definitions"
    _choose(back, back.current().answer)
    back.check()
    assert [t.id for t in store.trainees(tid)] == [heron.id]
    trainer.refresh()
    assert "1 trainee<" in trainer.results.value and "1 trainee)" in trainer.sessions.label
    assert re.search(r"<td>Heron</td><td>2 / 3 \(67%\)</td>", trainer.results.value)

    too_long = TraineePane(GuardedStore(store, key), tid, exercises, key=key)
    too_long.widget()
    too_long.pseudonym.value = "x" * 41
    too_long.start()
    assert "at most 40 characters" in too_long.message.value and not too_long.started
    assert len(store.trainees(tid)) == 1


def _download(pane: TrainerPane) -> tuple[str, str]:
    """The file name and text the trainer's one-click download gives."""
    anchor = re.search(r'<a href="data:text/csv;charset=utf-8;base64,([^"]+)" '
                       r'download="([^"]+)"', pane.download.value)
    assert anchor, pane.download.value
    return anchor.group(2), base64.b64decode(anchor.group(1)).decode()


def test_the_trainer_sees_the_group_and_downloads_it(store, trainee_link, exercises):
    tid, _ = trainee_link
    first = exercises.exercises[0]
    for name, chosen in (("Owl", first.answer), ("", _wrong(first))):
        training.answer(store, training.join(store, tid, name), exercises, first.id, chosen)
    pane = TrainerPane(store, exercises)
    pane.widget()
    shown = pane.results.value
    assert "2 trainees" in shown
    assert "<td>Owl</td><td>1 / 1 (100%)</td><td>100%</td>" in shown
    assert re.search(r"<td>anonymous \w{4}</td><td>0 / 1 \(0%\)</td><td>0%</td>", shown)
    comp = next(c for c in exercises.competencies if c.id == first.competency)
    assert f"<td>{comp.title}</td><td>1 / 2 (50%)</td><td>50%</td>" in unescape(shown)
    assert re.search(r'<img [^>]*alt="[^"]+" src="data:image/png;base64,iVBOR', pane.chart.value)

    name, data = _download(pane)
    assert name == f"training-{tid}-results.csv"
    assert data == training.results_csv(training.results(store, tid, exercises))
    row = next(r for r in csv.DictReader(io.StringIO(data)) if r["exercise"] == first.id)
    assert (row["answered"], row["correct"], row["percent_correct"]) == ("2", "1", "50")
    assert 'class="jupyter-button' in pane.download.value  # a link that looks like a button

    training.answer(store, training.join(store, tid, "Fox"), exercises, first.id, first.answer)
    pane.refresh()  # the download follows what the table shows
    row = next(r for r in csv.DictReader(io.StringIO(_download(pane)[1]))
               if r["exercise"] == first.id)
    assert (row["answered"], row["correct"], row["percent_correct"]) == ("3", "2", "67")

    pane.confirm.value = "wrong"
    pane.purge()
    assert "Type the session id" in pane.output.value and len(store.trainees(tid)) == 3
    pane.confirm.value = tid
    pane.purge()
    assert store.trainees(tid) == [] and "0 trainees" in pane.results.value
    assert pane.chart.value == ""


def test_the_trainers_controls_have_labels(store, exercises):
    pane = TrainerPane(store, exercises)
    page = pane.widget()
    for box in find(page, w.Text) + find(page, w.Dropdown):
        assert box.description, box
    assert all(b.description.strip() for b in find(page, w.Button))


def test_a_new_session_gives_a_trainee_link(store, exercises):
    pane = TrainerPane(store, exercises)
    pane.widget()
    assert pane.download.value == "" and pane.purge_button.disabled
    pane.title.value = "Kessaly, March"
    pane.create()
    assert "Give this link to the trainees" in pane.created.value
    assert "09-training.ipynb?key=l" in pane.created.value
    assert pane.sessions.value == store.trainings()[0].id
    assert "Export results as CSV" in pane.download.value


def test_the_notebook_shows_the_right_view_for_the_link(store, trainee_link, monkeypatch,
                                                        db_path, shown):
    _, key = trainee_link
    for query, expected in ((f"key={key}", "Training: Basics"), ("", "Link not valid"),
                            ("key=lwrong.x", "Link not valid")):
        shown.clear()
        monkeypatch.setenv("QUERY_STRING", query)
        training_page.show_training(str(db_path))
        assert expected in _text(shown)
        assert "trainer's view" not in _text(shown)
    party_key = create_invite(store, role="observer", actor="F",
                              assessment_id=store.create("X", actor="F"))[1]
    shown.clear()
    monkeypatch.setenv("QUERY_STRING", f"key={party_key}")
    training_page.show_training(str(db_path))
    assert "not a training link" in _text(shown)


def _links(html_text: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+\.ipynb\?[^"]*)"', html_text)]


def test_every_page_of_the_practice_copy_opens_through_the_trainee_link(
        store, trainee_link, exercises, monkeypatch, db_path, shown):
    tid, key = trainee_link
    pane = TraineePane(GuardedStore(store, key), tid, exercises, key=key)
    page = pane.widget()
    pane.pseudonym.value = "Heron"
    pane.start()
    before = db_path.read_bytes()
    tab(page, "Practice assessment")
    offered = _links(_text([page]))
    trainee = pane.trainee_id
    assert [urlsplit(x).path for x in offered] == \
        ["01-start.ipynb"] + [p.notebook for p in PAGES]  # the button, then every page
    for address in offered:
        assert parse_qs(urlsplit(address).query) == {"assessment": [trainee], "key": [key],
                                                     "name": ["Heron"]}
    assert 'target="_blank"' in _text([page])

    for p in PAGES:  # each page as the link opens it, and each link it shows onward
        shown.clear()
        monkeypatch.setenv("QUERY_STRING", urlsplit(next(
            x for x in offered if x.startswith(p.notebook))).query)
        workbook_pages.show_page(p.key, db_path=str(db_path))
        text = _text(shown)
        assert "Link not valid" not in text and TITLE_MARK in text, p.key
        onward = _links(text)
        assert {urlsplit(x).path for x in onward} >= {q.notebook for q in PAGES} - {p.notebook}
        for address in onward:
            query = parse_qs(urlsplit(address).query)
            assert (query["assessment"], query["key"], query["party"]) == ([trainee], [key],
                                                                           ["A"])
        if p.key == "E.1":  # answering works, in the copy only
            box = find(shown[0], w.Textarea, css="pimw-answer-A")[0]
            assert not box.disabled
            box.value = "A rehearsal answer"
    copy = open_copy(store, tid, trainee)
    assert copy.get(trainee).answers["E1.Q1"].parties["A"] == "A rehearsal answer"
    assert store.ids() == [] and db_path.read_bytes() == before

    other = training.new_training(store, "Other", actor="Trainer")
    for query in (f"key={key}", f"key={key}&assessment=sample",
                  f"key={key}&assessment={training.join(store, other, '')}"):
        shown.clear()
        monkeypatch.setenv("QUERY_STRING", query)
        workbook_pages.show_page("E.1", db_path=str(db_path))
        assert "Link not valid" in _text(shown), query


def test_on_a_practice_copy_the_trainee_answers_as_party_a_only(store, trainee_link,
                                                                 content):
    tid, key = trainee_link
    me = training.join(store, tid, "")
    copy = open_copy(GuardedStore(store, key), tid, me)
    for asked in (FACILITATOR, "B", "A"):  # whatever the address says
        session = Session(copy, me, party=asked, key=key)
        assert session.party == "A" and session.party_picker.disabled
        assert [v for _, v in session.party_picker.options] == ["A"]
    page = build_page("E.1", session)
    with pytest.raises(TraitError):  # a forged message picking another party
        session.party_picker.set_state({"index": 1})
    assert session.party == "A"
    agreed = copy.get(me).answers["E1.Q1"].agreed
    box_b = find(page, w.Textarea, css="pimw-answer-B")[0]
    assert box_b.disabled
    box_b.value = "forged into B's box"  # as a forged widget message would
    assert copy.get(me).answers["E1.Q1"].parties["B"] != "forged into B's box"
    for forged in (lambda: copy.answer(me, "E1.Q1", "B", "x", actor="t"),
                   lambda: copy.set(me, "answers/E1.Q1/agreed", "x", actor="t"),
                   lambda: copy.set(me, "answers/E1.Q1/parties/B", "x", actor="t"),
                   lambda: copy.agree(me, "E1.Q1", "x", actor="t"),
                   lambda: copy.sign(me, "B", "x", actor="t", acknowledged=[]),
                   lambda: copy.get("sample")):
        with pytest.raises(AccessDenied):
            forged()
    assert copy.get(me).answers["E1.Q1"].agreed == agreed
    copy.answer(me, "E1.Q1", "A", "as A", actor="t")
    assert copy.get(me).answers["E1.Q1"].parties["A"] == "as A"
    assert copy.history(me)[-1].via.startswith("link:l")  # through the trainee's link

    revoke(store, key.split(".")[0])  # a revoked link ends the copy's pages too
    with pytest.raises(AccessDenied, match="revoked"):
        copy.get(me)


def test_a_trainees_practice_copy_lasts_the_session_and_touches_no_real_store(
        store, trainee_link, db_path):
    tid, key = trainee_link
    guard = GuardedStore(store, key)
    me = training.join(guard, tid, "")
    before = db_path.read_bytes()
    pane = practice_assessment(guard, tid, me, key=key)
    assert "deleted when the trainer purges the session" in pane.value
    copy = open_copy(guard, tid, me)
    assert copy.get(me).title.startswith(TITLE_MARK + "SAMPLE (fictional)")
    copy.answer(me, "E1.Q1", "A", "A rehearsal answer", actor="t")
    assert store.ids() == [] and db_path.read_bytes() == before
    path = db_path.parent / "workbook-practice" / f"{tid}.sqlite"
    assert path.is_file()

    again = open_copy(GuardedStore(store, key), tid, me)  # a new page
    assert again.get(me).answers["E1.Q1"].parties["A"] == "A rehearsal answer"
    owl = training.join(store, tid, "Owl")
    assert open_copy(store, tid, owl).get(owl).answers["E1.Q1"].parties["A"] != \
        "A rehearsal answer"

    kept = training.new_training(store, "Another session", actor="Trainer")
    open_copy(store, kept, training.join(store, kept, ""))
    purge(store, tid)
    assert not path.exists() and not path.with_name(f"{path.name}-wal").exists()
    with pytest.raises(AccessDenied, match="purged"):  # a page still open on the copy
        again.get(me)
    assert (path.parent / f"{kept}.sqlite").is_file()  # another session keeps its copies
    remove_all(db_path)  # the server stops
    assert not path.parent.exists()


def test_a_practice_copy_is_named_from_checked_ids_only(store, trainee_link, db_path):
    tid, key = trainee_link
    trainee = training.join(store, tid, "")
    other = training.new_training(store, "Other", actor="Trainer")
    for training_id, trainee_id in ((other, trainee), (tid, "../../etc"), (tid, "p" * 40),
                                    ("../" + tid, trainee)):
        with pytest.raises(StoreError):
            open_copy(store, training_id, trainee_id)
    with pytest.raises(AccessDenied):  # a trainee link opens its own session only
        open_copy(GuardedStore(store, key), other, training.join(store, other, ""))
    assert not (db_path.parent / "workbook-practice").exists()
