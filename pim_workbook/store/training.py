"""Training sessions as stored: sessions, pseudonymous trainees and their answers (the
rules are in :mod:`pim_workbook.training.sessions`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pim_workbook.errors import StoreError
from pim_workbook.i18n import _
from pim_workbook.store.connection import now
from pim_workbook.store.units import Units, check_text_lengths


@dataclass(frozen=True)
class TrainingRow:
    """A training session as listed, with how many trainees joined it."""

    id: str
    title: str
    created_at: str
    created_by: str
    trainees: int


@dataclass(frozen=True)
class TraineeRow:
    """A trainee: a random id (the key of their continuation link) and an optional
    pseudonym, never a name."""

    id: str
    training_id: str
    pseudonym: str
    joined_at: str


@dataclass(frozen=True)
class TrainingAnswerRow:
    """A trainee's kept (first) answer to an exercise, as scored when given."""

    trainee_id: str
    exercise_id: str
    chosen: tuple[str, ...]
    correct: bool
    credit: float
    at: str


class Training(Units):
    """The stored training sessions."""

    def add_training(self, tid: str, title: str, *, actor: str) -> None:
        check_text_lengths(title, "a title")
        check_text_lengths(actor, "a name")
        with self._write() as db:
            db.execute("INSERT INTO trainings VALUES (?,?,?,?)", (tid, title, now(), actor))

    def trainings(self) -> list[TrainingRow]:
        """Training sessions, newest first, with how many trainees joined."""
        rows = self._db.execute(
            "SELECT t.id, t.title, t.created_at, t.created_by, count(p.id) FROM trainings t "
            "LEFT JOIN trainees p ON p.training_id = t.id GROUP BY t.id "
            "ORDER BY t.created_at DESC, t.id")
        return [TrainingRow(*row) for row in rows]

    def training(self, tid: str) -> TrainingRow | None:
        return next((t for t in self.trainings() if t.id == tid), None)

    def trainee(self, trainee_id: str) -> TraineeRow | None:
        row = self._db.execute("SELECT id, training_id, pseudonym, joined_at FROM trainees "
                               "WHERE id=?", (trainee_id,)).fetchone()
        return TraineeRow(*row) if row else None

    def add_trainee(self, training_id: str, trainee_id: str, pseudonym: str) -> None:
        with self._write() as db:
            if db.execute("SELECT 1 FROM trainings WHERE id=?", (training_id,)).fetchone() \
                    is None:
                raise StoreError(_("no training session with id {id}")
                                 .format(id=repr(training_id)))
            db.execute("INSERT INTO trainees VALUES (?,?,?,?)",
                       (trainee_id, training_id, pseudonym, now()))

    def trainees(self, training_id: str) -> list[TraineeRow]:
        rows = self._db.execute("SELECT id, training_id, pseudonym, joined_at FROM trainees "
                                "WHERE training_id=? ORDER BY joined_at, id", (training_id,))
        return [TraineeRow(*row) for row in rows]

    def put_training_answer(self, trainee_id: str, exercise_id: str, chosen: list[str],
                            correct: bool, credit: float) -> bool:
        """Keep a trainee's first answer to an exercise; False if one was already kept."""
        with self._write() as db:
            return db.execute(
                "INSERT INTO training_answers VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                (trainee_id, exercise_id, json.dumps(chosen), int(correct), credit,
                 now())).rowcount == 1

    def training_answers(self, training_id: str, trainee_id: str | None = None
                         ) -> list[TrainingAnswerRow]:
        """The kept answers of a session (or of one of its trainees), oldest first."""
        where, args = "p.training_id=?", [training_id]
        if trainee_id is not None:
            where, args = f"{where} AND a.trainee_id=?", [training_id, trainee_id]
        rows = self._db.execute(
            "SELECT a.trainee_id, a.exercise_id, a.chosen, a.correct, a.credit, a.at "
            "FROM training_answers a JOIN trainees p ON p.id = a.trainee_id "
            f"WHERE {where} ORDER BY a.at", args)
        return [TrainingAnswerRow(trainee, exercise, tuple(json.loads(chosen)), bool(correct),
                                  credit, at)
                for trainee, exercise, chosen, correct, credit, at in rows]

    def purge_training(self, training_id: str) -> int:
        """Delete the trainees (their pseudonyms) and answers of a session; returns how many
        trainees were removed. The deleted rows leave no readable remains the database can
        remove (:meth:`~pim_workbook.store.connection.Connection._scrub`).
        :func:`pim_workbook.training.practice.purge` also removes the session's practice copies."""
        with self._write() as db:
            removed = db.execute("DELETE FROM trainees WHERE training_id=?",
                                 (training_id,)).rowcount
        self._scrub(("trainees", "training_answers", "invites"))
        return removed

