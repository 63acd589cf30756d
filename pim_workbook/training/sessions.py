"""Trainer mode: training sessions, trainees' answers and scores, and the group's results.

Trainees are anonymous by default (a random id) or give a pseudonym; names are personal data,
so the workbook asks for none and a trainer can purge a session. Each trainee's *first*
answer to an exercise is kept and scored (:func:`pim_workbook.content.exercises.score`): the
explanation shown after it would make a second try meaningless.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pim_workbook.content.exercises import Exercises, Score, score
from pim_workbook.i18n import _, format_percent
from pim_workbook.outputs.spreadsheet import csv_text

if TYPE_CHECKING:
    from pim_workbook.store.protocol import WorkbookStore
    from pim_workbook.store.training import TraineeRow, TrainingAnswerRow

PSEUDONYM_MAX = 40


@dataclass(frozen=True)
class ExerciseResult:
    id: str
    competency: str
    kind: str
    answered: int
    correct: int
    mean_credit: float  # 0..1 over those who answered


@dataclass(frozen=True)
class CompetencyResult:
    id: str
    title: str
    answered: int
    correct: int
    mean_credit: float


@dataclass(frozen=True)
class TraineeResult:
    id: str
    name: str  # the pseudonym, or "anonymous" and a short id
    answered: int
    correct: int
    credit: float  # sum of credits


@dataclass(frozen=True)
class Results:
    """A training session's results, per exercise, per competency and per trainee."""

    training_id: str
    exercises: list[ExerciseResult]
    competencies: list[CompetencyResult]
    trainees: list[TraineeResult]

    def most_missed(self, limit: int = 10) -> list[ExerciseResult]:
        """Answered exercises, the lowest mean credit first (what the group misses most)."""
        answered = [e for e in self.exercises if e.answered]
        return sorted(answered, key=lambda e: (e.mean_credit, e.id))[:limit]


def new_training(store: WorkbookStore, title: str, *, actor: str) -> str:
    """Start a training session; returns its id."""
    title = title.strip()
    if not title:
        raise ValueError(_("give the training session a title, e.g. 'Data sharing basics, "
                           "Kessaly, March'"))
    tid = "t" + secrets.token_hex(4)
    store.add_training(tid, title, actor=actor)
    return tid


def clean_pseudonym(pseudonym: str) -> str:
    """The pseudonym as kept (spaces tidied); ``ValueError`` if it is too long."""
    pseudonym = " ".join(pseudonym.split())
    if len(pseudonym) > PSEUDONYM_MAX:
        raise ValueError(_("a pseudonym has at most {limit} characters: shorten it")
                         .format(limit=PSEUDONYM_MAX))
    return pseudonym


def join(store: WorkbookStore, training_id: str, pseudonym: str = "") -> str:
    """A trainee joins a session (anonymous unless a pseudonym is given); returns their id.

    The training page calls this at a trainee's first answer (or first practice copy), not
    when they press *Start*: a person who starts again on a reloaded page is then still one
    trainee in the results, not a second one with nothing answered.
    """
    trainee_id = "p" + secrets.token_hex(12)  # also the key of the continuation link
    store.add_trainee(training_id, trainee_id, clean_pseudonym(pseudonym))
    return trainee_id


def display_name(trainee: TraineeRow) -> str:
    return trainee.pseudonym or _("anonymous {id}").format(id=trainee.id[1:5])


def answer(store: WorkbookStore, trainee_id: str, exercises: Exercises, exercise_id: str,
           chosen: list[str]) -> tuple[Score, bool]:
    """Score and keep a trainee's answer; returns the score and whether it was kept (the
    first answer to an exercise is the one that counts)."""
    exercise = exercises.exercise(exercise_id)
    result = score(exercise, chosen)
    kept = store.put_training_answer(trainee_id, exercise_id, sorted(set(chosen)),
                                     result.correct, result.credit)
    return result, kept


def answered(store: WorkbookStore, training_id: str, trainee_id: str
             ) -> dict[str, TrainingAnswerRow]:
    """One trainee's kept answers, by exercise id."""
    return {a.exercise_id: a for a in store.training_answers(training_id, trainee_id)}


def results(store: WorkbookStore, training_id: str, exercises: Exercises) -> Results:
    """The session's results from the stored answers."""
    rows = store.training_answers(training_id)
    by_exercise: dict[str, list[TrainingAnswerRow]] = {}
    by_trainee: dict[str, list[TrainingAnswerRow]] = {}
    for row in rows:
        by_exercise.setdefault(row.exercise_id, []).append(row)
        by_trainee.setdefault(row.trainee_id, []).append(row)

    def mean(items: list[TrainingAnswerRow]) -> float:
        return sum(r.credit for r in items) / len(items) if items else 0.0

    ex_results = [ExerciseResult(e.id, e.competency, e.kind, len(by_exercise.get(e.id, [])),
                                 sum(r.correct for r in by_exercise.get(e.id, [])),
                                 mean(by_exercise.get(e.id, [])))
                  for e in exercises.exercises]
    comp_results = []
    for comp in exercises.competencies:
        items = [r for e in exercises.exercises if e.competency == comp.id
                 for r in by_exercise.get(e.id, [])]
        comp_results.append(CompetencyResult(comp.id, comp.title, len(items),
                                             sum(r.correct for r in items), mean(items)))
    trainee_results = [
        TraineeResult(t.id, display_name(t), len(by_trainee.get(t.id, [])),
                      sum(r.correct for r in by_trainee.get(t.id, [])),
                      sum(r.credit for r in by_trainee.get(t.id, [])))
        for t in store.trainees(training_id)]
    return Results(training_id, ex_results, comp_results, trainee_results)


def percent(correct: int, answered: int) -> int | None:
    """The share of correct answers as a whole percent; None when nothing was answered."""
    return round(100 * correct / answered) if answered else None


def correct_of_answered(correct: int, answered: int) -> str:
    """A score as trainers read it: "7 / 9 (78%)", or "—" when nothing was answered."""
    share = percent(correct, answered)
    if share is None:
        return "—"
    return _("{correct} / {answered} ({percent})").format(
        correct=correct, answered=answered, percent=format_percent(share / 100))


def results_csv(result: Results) -> str:
    """One row per exercise: competency, kind, answered, correct, the percent correct and
    the mean credit, as numbers a spreadsheet computes with (every cell safe to open)."""
    rows: list[list[object]] = [["training", "exercise", "competency", "kind", "answered",
                                 "correct", "mean_credit", "percent_correct"]]
    for e in result.exercises:
        share = percent(e.correct, e.answered)
        rows.append([result.training_id, e.id, e.competency, e.kind, e.answered, e.correct,
                     f"{e.mean_credit:.3f}", "" if share is None else share])
    return csv_text(rows)


def results_figure(result: Results) -> Any:
    """Bars of the mean score per competency, and of the most missed exercises."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.6), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=(1, 1.2))
    comps = [c for c in result.competencies if c.answered]
    left.barh([c.title for c in comps][::-1], [100 * c.mean_credit for c in comps][::-1],
              color="#0b4f71")
    left.set_xlim(0, 100)
    left.set_xlabel(_("mean score (%)"))
    left.set_title(_("By competency"))
    missed = result.most_missed()
    right.barh([e.id for e in missed][::-1], [100 * e.mean_credit for e in missed][::-1],
               color="#b44d12")
    right.set_xlim(0, 100)
    right.set_xlabel(_("mean score (%)"))
    right.set_title(_("Most missed exercises"))
    for ax in (left, right):  # read from the back of a room
        ax.tick_params(labelsize=14)
        ax.title.set_fontsize(16)
        ax.xaxis.label.set_fontsize(14)
    return fig
