"""The training notebook: the trainee's exercises and the trainer's view of the group.

Opened with a trainee link (one per training session), it shows the exercises grouped by
competency, with feedback at once, the annex definitions, worked examples and a practice
assessment: the workbook's own pages on the trainee's copy of the sample, opened in a new
tab so that this page (and who the trainee is) stays. Opened with the facilitator's link
(or locally), it is the trainer's view: sessions, trainee links, the group's results as
tables and a chart, the results as a CSV download, and purge.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

import ipywidgets as w

from pim_workbook.access import KEY_PARAM, create_invite, grant_of
from pim_workbook.app.gate import guarded, not_valid
from pim_workbook.app.nav import PAGES
from pim_workbook.app.session import page_query
from pim_workbook.app.shell import language_bar, page_box
from pim_workbook.app.widgets.controls import definitions_html, heading, html, link_button
from pim_workbook.content.exercises import Exercise, Exercises, load_exercises
from pim_workbook.errors import AccessDenied, WorkbookError
from pim_workbook.i18n import _, current_language, format_percent, language_query, ngettext
from pim_workbook.store.core import Store
from pim_workbook.store.protocol import WorkbookStore
from pim_workbook.store.training import TrainingAnswerRow
from pim_workbook.training import sessions as training
from pim_workbook.training.practice import PRACTICE_PARTY, open_copy

NOTEBOOK = "09-training.ipynb"
LABEL = {"description_width": "initial"}  # a control's label in full, before it


def _short(text_value: str, limit: int = 90) -> str:
    return text_value if len(text_value) <= limit else text_value[:limit].rsplit(" ", 1)[0] + "…"


def _pill(text_value: str, css: str) -> str:
    return f'<span class="pimw-badge {css}">{escape(text_value)}</span>'


def _table(headers: list[str], rows: str) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f'<table class="pimw-table"><tr>{head}</tr>{rows}</table>'


def _error(message: object) -> str:
    return f'<p class="pimw-error">{escape(str(message))}</p>'


# -- the trainee ---------------------------------------------------------------------------
class TraineePane:
    """A trainee working through the exercises of one training session.

    *Start* only opens the exercises: the trainee is kept (and counted in the results) from
    their first answer or first visit to the practice copy, so pressing *Start* again on a
    reloaded page never makes one person two trainees.
    """

    def __init__(self, store: WorkbookStore, training_id: str, exercises: Exercises,
                 *, trainee_id: str = "", key: str = "") -> None:
        self.store, self.training_id, self.exercises, self.key = (store, training_id,
                                                                  exercises, key)
        session = store.training(training_id)
        if session is None:
            raise AccessDenied(_("this training session no longer exists"))
        self.title = session.title
        self.trainee_id = trainee_id if trainee_id and store.trainee(trainee_id) else ""
        self.started = bool(self.trainee_id)
        self.pseudonym = w.Text(placeholder=_("optional: not your real name"),
                                description=_("Pseudonym"), style=LABEL,
                                continuous_update=False,
                                layout=w.Layout(width="28rem", max_width="100%"))
        self.start_button = w.Button(description=_("Start"),
                                     button_style="primary")
        self.start_button.on_click(lambda _: self.start())
        self.message = html("")
        self.score = html("")
        self.competency = w.ToggleButtons(
            options=[(c.title, c.id) for c in exercises.competencies],
            style={"button_width": "auto"})
        self.competency.add_class("pimw-competencies")
        self.index = 0
        self.card = w.VBox(layout=w.Layout(width="100%"))
        self.previous = w.Button(description=_("Previous"))
        self.next = w.Button(description=_("Next"))
        self.check_button = w.Button(description=_("Check my answer"),
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
        """Open the exercises (the pseudonym is checked now, kept at the first answer)."""
        try:
            self.pseudonym.value = training.clean_pseudonym(self.pseudonym.value)
        except ValueError as exc:
            self.message.value = _error(exc)
            return
        self.started = True
        self._draw()

    def joined(self) -> str:
        """The trainee's id, joining the session now if they have none yet."""
        if not self.trainee_id:
            self.trainee_id = training.join(self.store, self.training_id,
                                            self.pseudonym.value)
        return self.trainee_id

    def continue_link(self) -> str:
        query = {"training": self.training_id, "trainee": self.trainee_id}
        if self.key:
            query[KEY_PARAM] = self.key
        return f"{NOTEBOOK}?{urlencode({**query, **language_query()})}"

    # -- exercises
    def _in_competency(self) -> list[Exercise]:
        return [e for e in self.exercises.exercises if e.competency == self.competency.value]

    def current(self) -> Exercise:
        return self._in_competency()[self.index]

    def move(self, step: int) -> None:
        self.show(self.index + step)

    def _answered(self) -> dict[str, TrainingAnswerRow]:
        if not self.trainee_id:
            return {}
        return training.answered(self.store, self.training_id, self.trainee_id)

    def show(self, index: int) -> None:
        items = self._in_competency()
        self.index = max(0, min(index, len(items) - 1))
        exercise = items[self.index]
        done = self._answered()
        kept = done.get(exercise.id)
        multi = len(exercise.answer) > 1
        say_all = multi and "all that apply" not in exercise.prompt.lower()  # said once
        where = escape(_("{exercise} · exercise {number} of {total}")).format(
            exercise=escape(exercise.id), number=self.index + 1, total=len(items))
        head = html(f'<div class="pimw-qid">{where}</div>'
                    f'<div class="pimw-question">{escape(exercise.prompt)}</div>'
                    + ('<p class="pimw-hint">' + escape(_("Choose all that apply.")) + "</p>"
                       if say_all else ""))
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
            self.feedback.value = _error(_("Choose an answer first."))
            return
        try:
            training.answer(self.store, self.joined(), self.exercises, exercise.id, chosen)
        except (ValueError, WorkbookError) as exc:
            self.feedback.value = _error(exc)
            return
        self.show(self.index)

    def _feedback(self, exercise: Exercise, kept: TrainingAnswerRow) -> str:
        texts = {c.id: c.text for c in exercise.choices}
        if kept.correct:
            verdict = _pill(_("Correct"), "pimw-agreed")
        elif kept.credit > 0:
            verdict = _pill(_("Partly right ({percent})").format(
                percent=format_percent(kept.credit)), "pimw-diverge")
        else:
            verdict = _pill(_("Not quite"), "pimw-diverge")
        right = "".join(f"<li>{escape(texts[a])}</li>" for a in exercise.answer)
        source = escape(_("Framework, {section}: “{quote}”")).format(
            section=escape(exercise.source.section), quote=escape(exercise.source.quote))
        said = escape(_("The answer:"))
        return (f'<div class="pimw-joint">{verdict}<p><b>{said}</b></p><ul>{right}</ul>'
                f"<p>{escape(exercise.explanation)}</p>"
                f'<p class="pimw-hint">{source}</p></div>')

    def _draw_score(self, done: dict[str, TrainingAnswerRow]) -> None:
        total = len(self.exercises.exercises)
        said = escape(_("Answered {done} of {total}")).format(done=len(done), total=total)
        if done:
            correct = sum(a.correct for a in done.values())
            said += " · " + escape(_("correct {score}")).format(
                score=escape(training.correct_of_answered(correct, len(done))))
        if self.trainee_id:
            said += " · " + escape(_("{link}your link to continue later{end} (keep it: it "
                                     "brings your answers back)")).format(
                link=f'<a href="{escape(self.continue_link())}">', end="</a>")
        self.score.value = f'<p class="pimw-hint">{said}</p>'

    # -- the other panes
    def definitions(self) -> w.Widget:
        from pim_workbook.content.framework import load_content

        content = load_content()
        return html("<h2>" + escape(_("Definitions (framework annex)")) + "</h2>"
                    f"<p>{escape(content.definitions_introduction)}</p>"
                    + definitions_html(content, [d.id for d in content.definitions]),
                    "pimw-guidance")

    def examples(self) -> w.Widget:
        answer, source = escape(_("Answer:")), escape(_("Framework, {section}: “{quote}”"))
        parts = [f"<h3>{escape(x.title)}</h3><p>{escape(x.scenario)}</p>"
                 f"<p><b>{answer}</b> {escape(x.answer)}</p><p>{escape(x.explanation)}</p>"
                 '<p class="pimw-hint">'
                 + source.format(section=escape(x.source.section), quote=escape(x.source.quote))
                 + "</p>" for x in self.exercises.worked_examples]
        return html("<h2>" + escape(_("Worked examples")) + "</h2>" + "".join(parts))

    def practice(self) -> w.Widget:
        """The practice pane (the trainee joins now if this is their first step)."""
        try:
            return practice_assessment(self.store, self.training_id, self.joined(),
                                       key=self.key, name=self.pseudonym.value)
        except WorkbookError as exc:
            return html(_error(exc))

    def _draw(self) -> None:
        if not self.started:
            self.body.children = (
                html("<p>" + escape(_(
                    "You take part {start}anonymously{end}. You may give a pseudonym so the "
                    "trainer can follow your progress: names are personal data, so do not use "
                    "your real name. The trainer can delete this session's answers."),
                    quote=False).format(start="<b>", end="</b>") + "</p>"),
                w.HBox([self.pseudonym, self.start_button],
                       layout=w.Layout(align_items="center", flex_flow="row wrap")),
                self.message)
            return
        panes: dict[str, Callable[[], w.Widget]] = {  # by the tab's caption
            _("Exercises"): lambda: w.VBox([
                html('<p class="pimw-hint">'
                     + escape(_("Competencies (a grouping of the workbook's own, from what "
                                "the framework covers):"), quote=False) + "</p>"),
                self.competency, self.card]),
            _("Definitions"): self.definitions,
            _("Worked examples"): self.examples,
            _("Practice assessment"): self.practice,
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
        return page_box(html(language_bar("exercises")),
                        heading(_("Training: {title}").format(title=self.title), 1),
                        self.body)


def practice_assessment(store: WorkbookStore, training_id: str, trainee_id: str, *,
                        key: str = "", name: str = "") -> w.Widget:
    """The way into the trainee's practice copy of the fictional sample (made now on the
    first visit): the workbook's own pages, Start to Record, opened in a new tab with the
    trainee's link, where the trainee answers as party A only."""
    copy = open_copy(store, training_id, trainee_id)
    query = {"assessment": trainee_id, **({"name": name} if name else {}),
             **({KEY_PARAM: key} if key else {}), **language_query()}
    address = {p.key: f"{p.notebook}?{urlencode(query)}" for p in PAGES}
    party = copy.get(trainee_id).parties[PRACTICE_PARTY].organisation
    pages = "".join(f'<li><a href="{escape(address[p.key])}" target="_blank" '
                    f'rel="noopener">{escape(_(p.title))}</a></li>' for p in PAGES)
    open_it = link_button(address["start"], _("Open my practice copy"),
                          new_tab=True)
    intro = escape(_(
        "A practice copy of the fictional sample assessment, for you alone: go through the "
        "workbook's pages as party {party}, {organisation} — its answers, the joint sections, "
        "the record. Nothing you do there reaches a real assessment. Your copy is kept, with "
        "your changes, for this training session; it is deleted when the trainer purges the "
        "session or the workbook's server stops."), quote=False).format(
            party=PRACTICE_PARTY, organisation=escape(party))
    return html(
        f"<p>{intro}</p>"
        f"<p>{open_it}</p>"
        '<p class="pimw-hint">'
        + escape(_("It opens in a new tab, so this page stays open. Or go straight to a "
                   "page:")) + f"</p><ol>{pages}</ol>")


# -- the trainer ---------------------------------------------------------------------------
class TrainerPane:
    """Training sessions, trainee links and the group's results."""

    def __init__(self, store: WorkbookStore, exercises: Exercises,
                 key: str = "") -> None:
        self.store, self.exercises, self.key = store, exercises, key
        self.title = w.Text(placeholder=_("e.g. Data sharing basics, Kessaly, March"),
                            description=_("Title"), style=LABEL, continuous_update=False,
                            layout=w.Layout(width="34rem", max_width="100%"))
        self.create_button = w.Button(description=_("New training session"),
                                      button_style="primary")
        self.created = html("")
        self.sessions = w.Dropdown(description=_("Session"), style=LABEL,
                                   layout=w.Layout(width="auto", max_width="100%"))
        self.refresh_button = w.Button(description=_("Refresh"))
        self.link_button = w.Button(description=_("Trainee link"))
        self.download = html("")
        self.confirm = w.Text(placeholder=_("the session id"),
                              description=_("Purge: session id"),
                              style=LABEL, continuous_update=False,
                              layout=w.Layout(width="24rem", max_width="100%"))
        self.purge_button = w.Button(description=_("Purge trainees and answers"),
                                     button_style="danger")
        self.results = html("")
        self.chart = html("")
        self.output = html("")
        self.create_button.on_click(lambda _: self.create())
        self.refresh_button.on_click(lambda _: self.refresh())
        self.link_button.on_click(lambda _: self.show_link())
        self.purge_button.on_click(lambda _: self.purge())
        self.sessions.observe(lambda _: self.draw_results(), "value")
        self._draw_sessions()

    def _draw_sessions(self, select: str | None = None) -> None:
        rows = self.store.trainings()
        keep = select or self.sessions.value
        self.sessions.options = [
            (ngettext("{title} ({id}, {n} trainee)", "{title} ({id}, {n} trainees)",
                      t.trainees).format(title=t.title, id=t.id, n=t.trainees), t.id)
            for t in rows]
        ids = [t.id for t in rows]
        self.sessions.value = keep if keep in ids else (ids[0] if ids else None)

    def create(self) -> None:
        try:
            tid = training.new_training(self.store, self.title.value, actor="trainer")
        except ValueError as exc:
            self.created.value = _error(exc)
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
        give = escape(_("{start}Give this link to the trainees{end} (one link for the whole "
                        "session; each trainee stays anonymous or picks a pseudonym):")
                      ).format(start="<b>", end="</b>")
        revoke = escape(_("It opens this session's exercises only. Revoke it with {command} "
                          "when the session is over."), quote=False).format(
            command="<code>pim-workbook revoke</code>")
        self.created.value = (
            f'<div class="pimw-joint"><p>{give}</p>'
            f'<p style="overflow-wrap:anywhere"><a href="{escape(url)}" target="_blank">'
            f"{escape(url)}</a></p>"
            f'<p class="pimw-hint">{revoke}</p></div>')

    def refresh(self) -> None:
        """Re-read the sessions (with their trainee counts) and the results."""
        self._draw_sessions()
        self.draw_results()

    def draw_results(self) -> None:
        tid = self.sessions.value
        for button in (self.link_button, self.purge_button, self.refresh_button):
            button.disabled = tid is None
        if tid is None:
            self.results.value = ('<p class="pimw-hint">' + escape(_("No training session yet."))
                                  + "</p>")
            self.chart.value = self.download.value = ""
            return
        result = training.results(self.store, tid, self.exercises)
        score = training.correct_of_answered
        comps = "".join(f"<tr><td>{escape(c.title)}</td><td>{score(c.correct, c.answered)}</td>"
                        f"<td>{format_percent(c.mean_credit) if c.answered else '—'}</td></tr>"
                        for c in result.competencies)
        people = "".join(f"<tr><td>{escape(t.name)}</td><td>{score(t.correct, t.answered)}</td>"
                         f"<td>{format_percent(t.credit / t.answered) if t.answered else '—'}"
                         "</td></tr>"
                         for t in result.trainees)
        missed = "".join(f"<tr><td><b>{escape(e.id)}</b> "
                         f"{escape(_short(self.exercises.exercise(e.id).prompt))}</td>"
                         f"<td>{score(e.correct, e.answered)}</td>"
                         f"<td>{format_percent(e.mean_credit)}</td>"
                         "</tr>" for e in result.most_missed(8))
        count = len(result.trainees)
        scored, mean = _("Correct / answered"), _("Mean score")
        self.results.value = (
            "<h3>" + escape(ngettext("{n} trainee", "{n} trainees", count).format(n=count))
            + '</h3><p class="pimw-hint">'
            + escape(_("Correct / answered: how many of the answers given were right. The "
                       "mean score also counts a partly right answer in part.")) + "</p>"
            + _table([_("Competency"), scored, mean], comps)
            + "<h3>" + escape(_("What the group misses most")) + "</h3>"
            + _table([_("Exercise"), scored, mean], missed)
            + "<h3>" + escape(_("Trainees")) + "</h3>"
            + _table([_("Trainee"), scored, mean], people))
        self.download.value = link_button(
            "data:text/csv;charset=utf-8;base64,"
            + base64.b64encode(training.results_csv(result).encode()).decode(),
            _("Export results as CSV"),
            download=f"training-{tid}-results.csv")
        self.chart.value = self._chart(result) if any(e.answered for e in result.exercises) \
            else ""

    @staticmethod
    def _chart(result: training.Results) -> str:
        buffer = io.BytesIO()
        training.results_figure(result).savefig(buffer, format="png", dpi=110)
        alt = escape(_("Bar charts of the mean score by competency and of the most missed "
                       "exercises (the figures of the tables above)"))
        return (f'<img style="width:100%; max-width:60rem" alt="{alt}" '
                'src="data:image/png;base64,'
                f'{base64.b64encode(buffer.getvalue()).decode()}">')

    def purge(self) -> None:
        tid = self.sessions.value
        if tid is None:
            return
        if self.confirm.value.strip() != tid:
            self.output.value = _error(_("Type the session id ({id}) in the box to confirm.")
                                       .format(id=tid))
            return
        from pim_workbook.training.practice import purge

        removed = purge(self.store, tid)
        self.confirm.value = ""
        said = escape(_("Removed {n} trainees with their pseudonyms, answers and practice "
                        "copies.")).format(n=removed)
        self.output.value = f'<p class="pimw-ok">{said}</p>'
        self._draw_sessions(select=tid)
        self.draw_results()

    def widget(self) -> w.VBox:
        self.draw_results()
        wrap = w.Layout(align_items="center", flex_flow="row wrap")
        return page_box(
            html(language_bar("exercises")),
            heading(_("Training: the trainer's view"), 1),
            html('<p class="pimw-hint">'
                 + escape(_("Trainees work through exercises on the framework's principles, "
                            "definitions and the four assessment steps (a grouping of the "
                            "workbook's own), with feedback at once. Their answers are kept "
                            "per session."), quote=False) + "</p>"),
            heading(_("New session"), 2),
            w.HBox([self.title, self.create_button], layout=wrap),
            self.created,
            heading(_("Results"), 2),
            w.HBox([self.sessions, self.refresh_button, self.link_button], layout=wrap),
            self.results, self.chart, self.download,
            heading(_("Purge a session"), 2),
            w.HBox([self.confirm, self.purge_button], layout=wrap),
            self.output)


# -- the notebook ----------------------------------------------------------------------
def show_training(db_path: str = "", training_id: str = "") -> None:
    """Display the training page: the trainee's with a trainee link, else the trainer's."""
    from IPython.display import display

    query = page_query()
    exercises = load_exercises(language=current_language())
    try:
        store = guarded(Store(db_path or None), query)
        grant = grant_of(store)
        if grant is None or grant.is_facilitator:
            display(TrainerPane(store, exercises, query.key).widget())
            return
        if grant.role != "trainee":
            raise AccessDenied(_("this link is not a training link"))
        pane = TraineePane(store, grant.training_id or training_id, exercises,
                           trainee_id=query.trainee, key=query.key)
    except AccessDenied as exc:
        display(not_valid(str(exc)))
        return
    display(pane.widget())
