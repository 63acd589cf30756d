"""The training notebook: the trainee's exercises and the trainer's view of the group.

Opened with a trainee link (one per training session), it shows the exercises grouped by
competency, with feedback at once, the annex definitions, worked examples and a practice
assessment. Opened with the facilitator's link (or locally), it is the trainer's view:
sessions, trainee links, the group's results as tables and charts, CSV export and purge.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import ipywidgets as w

from pim_workbook.access import KEY_PARAM, create_invite, grant_of
from pim_workbook.app.gate import guarded, not_valid
from pim_workbook.app.session import PageQuery
from pim_workbook.app.shell import page_box
from pim_workbook.app.widgets.controls import definitions_html, heading, html, labelled, text
from pim_workbook.content.exercises import Exercise, Exercises, load_exercises
from pim_workbook.errors import AccessDenied
from pim_workbook.store.core import Store
from pim_workbook.store.protocol import WorkbookStore
from pim_workbook.store.training import TrainingAnswerRow
from pim_workbook.training import sessions as training

NOTEBOOK = "09-training.ipynb"


def _short(text_value: str, limit: int = 90) -> str:
    return text_value if len(text_value) <= limit else text_value[:limit].rsplit(" ", 1)[0] + "…"


def _pill(text_value: str, css: str) -> str:
    return f'<span class="pimw-badge {css}">{escape(text_value)}</span>'


# -- the trainee ---------------------------------------------------------------------------
class TraineePane:
    """A trainee working through the exercises of one training session."""

    def __init__(self, store: WorkbookStore, training_id: str, exercises: Exercises,
                 *, trainee_id: str = "", key: str = "") -> None:
        self.store, self.training_id, self.exercises, self.key = (store, training_id,
                                                                  exercises, key)
        session = store.training(training_id)
        if session is None:
            raise AccessDenied("this training session no longer exists")
        self.title = session.title
        self.trainee_id = trainee_id if trainee_id and store.trainee(trainee_id) else ""
        self.pseudonym = text("a pseudonym (optional), not your real name")
        self.pseudonym.layout.width = "24rem"
        self.start_button = w.Button(description="Start", icon="play", button_style="primary")
        self.start_button.on_click(lambda _: self.start())
        self.message = html("")
        self.score = html("")
        self.competency = w.ToggleButtons(
            options=[(c.title, c.id) for c in exercises.competencies],
            style={"button_width": "auto"})
        self.competency.add_class("pimw-competencies")
        self.index = 0
        self.card = w.VBox(layout=w.Layout(width="100%"))
        self.previous = w.Button(description="Previous", icon="arrow-left")
        self.next = w.Button(description="Next", icon="arrow-right")
        self.check_button = w.Button(description="Check my answer", icon="check",
                                     button_style="primary")
        self.previous.on_click(lambda _: self.move(-1))
        self.next.on_click(lambda _: self.move(1))
        self.check_button.on_click(lambda _: self.check())
        self.competency.observe(lambda _: self.show(0), "value")
        self.choice_widgets: list[w.Checkbox] = []
        self.radio = w.RadioButtons(layout=w.Layout(width="100%"))
        self.feedback = html("")
        self.body = w.VBox(layout=w.Layout(width="100%"))

    # -- joining
    def start(self) -> None:
        try:
            self.trainee_id = training.join(self.store, self.training_id,
                                            self.pseudonym.value)
        except (ValueError, AccessDenied) as exc:
            self.message.value = f'<p class="pimw-error">{escape(str(exc))}</p>'
            return
        self._draw()

    def continue_link(self) -> str:
        query = {"training": self.training_id, "trainee": self.trainee_id}
        if self.key:
            query[KEY_PARAM] = self.key
        return f"{NOTEBOOK}?{urlencode(query)}"

    # -- exercises
    def _in_competency(self) -> list[Exercise]:
        return [e for e in self.exercises.exercises if e.competency == self.competency.value]

    def current(self) -> Exercise:
        return self._in_competency()[self.index]

    def move(self, step: int) -> None:
        self.show(self.index + step)

    def show(self, index: int) -> None:
        items = self._in_competency()
        self.index = max(0, min(index, len(items) - 1))
        exercise = items[self.index]
        done = training.answered(self.store, self.training_id, self.trainee_id)
        kept = done.get(exercise.id)
        multi = len(exercise.answer) > 1
        head = html(f'<div class="pimw-qid">{escape(exercise.id)} · exercise {self.index + 1} '
                    f"of {len(items)}</div>"
                    f'<div class="pimw-question">{escape(exercise.prompt)}</div>'
                    + ('<p class="pimw-hint">Choose all that apply.</p>' if multi else ""))
        if multi:
            self.choice_widgets = [w.Checkbox(description=c.text, indent=False,
                                              layout=w.Layout(width="100%"))
                                   for c in exercise.choices]
            for box, choice in zip(self.choice_widgets, exercise.choices, strict=True):
                box.value = bool(kept and choice.id in kept.chosen)
                box.disabled = kept is not None
            choices: w.Widget = w.VBox(self.choice_widgets)
        else:
            self.choice_widgets = []
            self.radio.options = [(c.text, c.id) for c in exercise.choices]
            self.radio.value = kept.chosen[0] if kept and kept.chosen else None
            self.radio.disabled = kept is not None
            choices = self.radio
        choices.add_class("pimw-choices")
        self.check_button.disabled = kept is not None
        self.feedback.value = self._feedback(exercise, kept) if kept else ""
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index == len(items) - 1
        self.card.children = (head, choices, w.HBox([self.check_button]), self.feedback,
                              w.HBox([self.previous, self.next]))
        self._draw_score(done)

    def chosen(self) -> list[str]:
        exercise = self.current()
        if self.choice_widgets:
            return [c.id for c, box in zip(exercise.choices, self.choice_widgets, strict=True)
                    if box.value]
        return [self.radio.value] if self.radio.value else []

    def check(self) -> None:
        exercise = self.current()
        chosen = self.chosen()
        if not chosen:
            self.feedback.value = '<p class="pimw-error">Choose an answer first.</p>'
            return
        try:
            training.answer(self.store, self.trainee_id, self.exercises, exercise.id, chosen)
        except (ValueError, AccessDenied) as exc:
            self.feedback.value = f'<p class="pimw-error">{escape(str(exc))}</p>'
            return
        self.show(self.index)

    def _feedback(self, exercise: Exercise, kept: TrainingAnswerRow) -> str:
        texts = {c.id: c.text for c in exercise.choices}
        if kept.correct:
            verdict = _pill("Correct", "pimw-agreed")
        elif kept.credit > 0:
            verdict = _pill(f"Partly right ({kept.credit:.0%})", "pimw-diverge")
        else:
            verdict = _pill("Not quite", "pimw-diverge")
        right = "".join(f"<li>{escape(texts[a])}</li>" for a in exercise.answer)
        return (f'<div class="pimw-joint">{verdict}<p><b>The answer:</b></p><ul>{right}</ul>'
                f"<p>{escape(exercise.explanation)}</p>"
                f'<p class="pimw-hint">Framework, {escape(exercise.source.section)}: '
                f"“{escape(exercise.source.quote)}”</p></div>")

    def _draw_score(self, done: dict[str, TrainingAnswerRow]) -> None:
        total = len(self.exercises.exercises)
        credit = sum(a.credit for a in done.values())
        self.score.value = (f'<p class="pimw-hint">Answered {len(done)} of {total} · score '
                            f"{credit:g} · "
                            f'<a href="{escape(self.continue_link())}">your link to continue '
                            "later</a></p>")

    # -- the other panes
    def definitions(self) -> w.Widget:
        from pim_workbook.content.framework import load_content

        content = load_content()
        return html("<h2>Definitions (framework annex)</h2>"
                    f"<p>{escape(content.definitions_introduction)}</p>"
                    + definitions_html(content, [d.id for d in content.definitions]),
                    "pimw-guidance")

    def examples(self) -> w.Widget:
        parts = [f"<h3>{escape(x.title)}</h3><p>{escape(x.scenario)}</p>"
                 f"<p><b>Answer:</b> {escape(x.answer)}</p><p>{escape(x.explanation)}</p>"
                 f'<p class="pimw-hint">Framework, {escape(x.source.section)}: '
                 f"“{escape(x.source.quote)}”</p>" for x in self.exercises.worked_examples]
        return html("<h2>Worked examples</h2>" + "".join(parts))

    def _draw(self) -> None:
        if not self.trainee_id:
            self.body.children = (
                html("<p>You take part <b>anonymously</b>. You may give a pseudonym so the "
                     "trainer can follow your progress: names are personal data, so do not "
                     "use your real name. The trainer can delete this session's answers.</p>"),
                w.HBox([labelled("Pseudonym", self.pseudonym), self.start_button],
                       layout=w.Layout(align_items="flex-end")),
                self.message)
            return
        panes: dict[str, Callable[[], w.Widget]] = {
            "Exercises": lambda: w.VBox([
                html('<p class="pimw-hint">Competencies (a grouping of the workbook\'s own, '
                     "from what the framework covers):</p>"), self.competency, self.card]),
            "Definitions": self.definitions,
            "Worked examples": self.examples,
            "Practice assessment": lambda: practice_assessment(
                self.store, self.training_id, self.trainee_id),
        }
        built: dict[str, w.Widget] = {}
        picker = w.ToggleButtons(options=list(panes), style={"button_width": "auto"})
        picker.add_class("pimw-tabs")
        holder = w.VBox(layout=w.Layout(width="100%"))

        def pick(_: Any = None) -> None:
            if picker.value not in built:
                built[picker.value] = panes[picker.value]()
            holder.children = (built[picker.value],)

        picker.observe(pick, "value")
        self.show(0)
        pick()
        self.body.children = (self.score, picker, holder)

    def widget(self) -> w.VBox:
        self._draw()
        return page_box(heading(f"Training: {self.title}", 1), self.body)


def practice_assessment(store: WorkbookStore, training_id: str,
                        trainee_id: str) -> w.Widget:
    """Step 1 and Step 2 of the fictional sample, in the trainee's copy of it: nothing done
    here touches a real assessment, and every page of the session finds the same copy."""
    from pim_workbook.app.pages.workbook import build_page
    from pim_workbook.app.session import Session
    from pim_workbook.training.practice import open_copy

    practice, aid = open_copy(store, training_id, trainee_id)
    session = Session(practice, aid, party="A", actor="trainee")
    step = w.ToggleButtons(options=["E.1", "E.2"], style={"button_width": "auto"})
    holder = w.VBox(layout=w.Layout(width="100%"))

    def pick(_: Any = None) -> None:
        holder.children = (build_page(step.value, session),)

    step.observe(pick, "value")
    pick()
    return w.VBox([
        html('<p class="pimw-hint">A practice copy of the fictional sample assessment, for '
             "you alone: rehearse Steps 1 and 2 as party A. Nothing you do here reaches a "
             "real assessment. Your copy is kept, with your changes, for this training "
             "session; it is deleted when the trainer purges the session or the workbook's "
             "server stops.</p>"),
        step, holder], layout=w.Layout(width="100%"))


# -- the trainer ---------------------------------------------------------------------------
class TrainerPane:
    """Training sessions, trainee links and the group's results."""

    def __init__(self, store: WorkbookStore, exercises: Exercises,
                 key: str = "") -> None:
        self.store, self.exercises, self.key = store, exercises, key
        self.title = text("e.g. Data sharing basics, Kessaly, March")
        self.title.layout.width = "30rem"
        self.create_button = w.Button(description="New training session", icon="plus",
                                      button_style="primary")
        self.created = html("")
        self.sessions = w.Dropdown(description="Session", style={"description_width":
                                                                 "initial"},
                                   layout=w.Layout(width="auto", min_width="30rem"))
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.link_button = w.Button(description="Trainee link", icon="link")
        self.csv_button = w.Button(description="Export results as CSV", icon="download")
        self.confirm = text("type the session id to purge it")
        self.confirm.layout.width = "18rem"
        self.purge_button = w.Button(description="Purge trainees and answers", icon="trash",
                                     button_style="danger")
        self.results = html("")
        self.chart = w.Image(format="png", layout=w.Layout(width="100%", max_width="60rem"))
        self.output = html("")
        self.create_button.on_click(lambda _: self.create())
        self.refresh_button.on_click(lambda _: self.refresh())
        self.link_button.on_click(lambda _: self.show_link())
        self.csv_button.on_click(lambda _: self.export_csv())
        self.purge_button.on_click(lambda _: self.purge())
        self.sessions.observe(lambda _: self.draw_results(), "value")
        self._draw_sessions()

    def _draw_sessions(self, select: str | None = None) -> None:
        rows = self.store.trainings()
        keep = select or self.sessions.value
        self.sessions.options = [(f"{t.title} ({t.id}, {t.trainees} trainees)", t.id)
                                 for t in rows]
        ids = [t.id for t in rows]
        self.sessions.value = keep if keep in ids else (ids[0] if ids else None)
        for button in (self.link_button, self.csv_button, self.purge_button,
                       self.refresh_button):
            button.disabled = self.sessions.value is None

    def create(self) -> None:
        try:
            tid = training.new_training(self.store, self.title.value, actor="trainer")
        except ValueError as exc:
            self.created.value = f'<p class="pimw-error">{escape(str(exc))}</p>'
            return
        self.title.value = ""
        self._draw_sessions(select=tid)
        self.show_link()

    def trainee_link(self) -> str:
        """A new trainee link for the selected session (shared by all its trainees)."""
        from pim_workbook.access import invitation_link

        _, key = create_invite(self.store, role="trainee", actor="trainer",
                               training_id=self.sessions.value)
        return invitation_link(self.store, key, page=NOTEBOOK)

    def show_link(self) -> None:
        url = self.trainee_link()
        self.created.value = (
            '<div class="pimw-joint"><p><b>Give this link to the trainees</b> (one link for '
            "the whole session; each trainee stays anonymous or picks a pseudonym):</p>"
            f'<p><a href="{escape(url)}" target="_blank">{escape(url)}</a></p>'
            '<p class="pimw-hint">It opens this session\'s exercises only. Revoke it with '
            "<code>pim-workbook revoke</code> when the session is over.</p></div>")

    def refresh(self) -> None:
        """Re-read the sessions (with their trainee counts) and the results."""
        self._draw_sessions()
        self.draw_results()

    def draw_results(self) -> None:
        tid = self.sessions.value
        for button in (self.link_button, self.csv_button, self.purge_button,
                       self.refresh_button):
            button.disabled = tid is None
        if tid is None:
            self.results.value = '<p class="pimw-hint">No training session yet.</p>'
            return
        result = training.results(self.store, tid, self.exercises)
        comps = "".join(f"<tr><td>{escape(c.title)}</td><td>{c.answered}</td>"
                        f"<td>{c.correct}</td>"
                        f"<td>{f'{c.mean_credit:.0%}' if c.answered else '—'}</td></tr>"
                        for c in result.competencies)
        people = "".join(f"<tr><td>{escape(t.name)}</td><td>{t.answered}</td>"
                         f"<td>{t.correct}</td><td>{t.credit:g}</td></tr>"
                         for t in result.trainees)
        missed = "".join(f"<tr><td>{escape(e.id)}</td>"
                         f"<td>{escape(_short(self.exercises.exercise(e.id).prompt))}</td>"
                         f"<td>{e.answered}</td><td>{e.mean_credit:.0%}</td></tr>"
                         for e in result.most_missed(8))
        self.results.value = (
            f"<h3>{len(result.trainees)} trainees</h3>"
            '<table class="pimw-table"><tr><th>Competency</th><th>Answers</th><th>Correct</th>'
            f"<th>Mean score</th></tr>{comps}</table>"
            "<h3>What the group misses most</h3>"
            '<table class="pimw-table"><tr><th>Exercise</th><th>Prompt</th><th>Answers</th>'
            f"<th>Mean score</th></tr>{missed}</table>"
            '<h3>Trainees</h3><table class="pimw-table"><tr><th>Trainee</th><th>Answered</th>'
            f"<th>Correct</th><th>Score</th></tr>{people}</table>")
        if not any(e.answered for e in result.exercises):
            self.chart.layout.display = "none"
            return
        figure = training.results_figure(result)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110)
        self.chart.value = buffer.getvalue()
        self.chart.layout.display = None

    def export_csv(self) -> Path | None:
        from pim_workbook.outputs.filenames import default_exports_dir, output_path

        tid = self.sessions.value
        if tid is None:
            return None
        result = training.results(self.store, tid, self.exercises)
        folder = default_exports_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = output_path(folder, f"training-{tid}-results.csv")
        data = training.results_csv(result)
        path.write_text(data, encoding="utf-8")
        encoded = base64.b64encode(data.encode()).decode()
        self.output.value = (f'<p class="pimw-ok">Written to <code>{escape(str(path))}</code> · '
                             f'<a download="{escape(path.name)}" href="data:text/csv;base64,'
                             f'{encoded}">download</a></p>')
        return path

    def purge(self) -> None:
        tid = self.sessions.value
        if tid is None:
            return
        if self.confirm.value.strip() != tid:
            self.output.value = (f'<p class="pimw-error">Type the session id ({escape(tid)}) '
                                 "in the box to confirm.</p>")
            return
        from pim_workbook.training.practice import purge

        removed = purge(self.store, tid)
        self.confirm.value = ""
        self.output.value = (f'<p class="pimw-ok">Removed {removed} trainees with their '
                             "pseudonyms, answers and practice copies.</p>")
        self._draw_sessions(select=tid)
        self.draw_results()

    def widget(self) -> w.VBox:
        self.draw_results()
        return page_box(
            heading("Training: the trainer's view", 1),
            html('<p class="pimw-hint">Trainees work through exercises on the framework\'s '
                 "principles, definitions and the four assessment steps (a grouping of the "
                 "workbook's own), with feedback at once. Their answers are kept per "
                 "session.</p>"),
            heading("New session", 2),
            w.HBox([labelled("Title", self.title), self.create_button],
                   layout=w.Layout(align_items="flex-end")),
            self.created,
            heading("Results", 2),
            w.HBox([self.sessions, self.refresh_button, self.link_button],
                   layout=w.Layout(align_items="center", flex_flow="row wrap")),
            self.results, self.chart,
            w.HBox([self.csv_button, self.confirm, self.purge_button],
                   layout=w.Layout(align_items="center", flex_flow="row wrap")),
            self.output)


# -- the notebook ----------------------------------------------------------------------
def show_training(db_path: str = "", training_id: str = "") -> None:
    """Display the training page: the trainee's with a trainee link, else the trainer's."""
    from IPython.display import display

    query = PageQuery.from_environment()
    exercises = load_exercises()
    try:
        store = guarded(Store(db_path or None), query)
        grant = grant_of(store)
        if grant is None or grant.is_facilitator:
            display(TrainerPane(store, exercises, query.key).widget())
            return
        if grant.role != "trainee":
            raise AccessDenied("this link is not a training link")
        pane = TraineePane(store, grant.training_id or training_id, exercises,
                           trainee_id=query.trainee, key=query.key)
    except AccessDenied as exc:
        display(not_valid(str(exc)))
        return
    display(pane.widget())
