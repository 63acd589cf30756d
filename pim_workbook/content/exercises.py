"""Training exercises on the framework: schema of the exercises file, its loader and scoring.

The exercises file (``exercises.yaml`` in this package, or a trainer's own adapted copy)
holds the competencies, worked examples and multiple-choice exercises. It is validated on
load, including the principle and action ids that choices name, which must exist in the
framework content; a malformed file is refused with an error naming the file, the entry
and the field.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pim_workbook.content.framework import Content, Wording, describe_errors, load_content
from pim_workbook.content.overlay import apply_entries, load_translation, pseudo_entries
from pim_workbook.content.yamlfile import read_yaml
from pim_workbook.errors import ExercisesError
from pim_workbook.i18n import PSEUDO

DEFAULT_EXERCISES = Path(__file__).with_name("exercises.yaml")
EXERCISES_ENV = "PIM_WORKBOOK_EXERCISES"

Kind = Literal["classify_item", "principle", "actions", "reidentification", "definition"]
Section = Literal[
    "Trust Statement",
    "Principles",
    "Process for Data Management",
    "Core Competencies",
    "Joint Benefit and Risk Assessment",
    "Step 1",
    "Step 2",
    "Step 3",
    "Step 4",
    "Annex: Definitions",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Competency(_Model):
    """A group of exercises; the grouping is the workbook's own."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    wording: Wording = "workbook"


class Source(_Model):
    """Where the framework says it: a section and a verbatim quote from it."""

    section: Section
    quote: str = Field(min_length=1, max_length=200)


class Choice(_Model):
    """One answer option; it may name the framework principle or actions it stands for."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1)
    principle_id: str | None = None
    action_ids: list[str] = []


class Exercise(_Model):
    """A multiple-choice exercise with one or more correct choices."""

    id: str = Field(pattern=r"^EX[0-9]{2,}$")
    competency: str
    kind: Kind
    prompt: str = Field(min_length=1)
    choices: list[Choice] = Field(min_length=2)
    answer: list[str] = Field(min_length=1)
    explanation: str = Field(min_length=1)
    source: Source

    @field_validator("choices")
    @classmethod
    def _choices_fit_the_kind(cls, choices: list[Choice], info: ValidationInfo) -> list[Choice]:
        ids = [c.id for c in choices]
        if len(set(ids)) != len(ids):
            raise ValueError(f"choice ids are not unique: {ids}")
        kind = info.data.get("kind")
        if kind == "principle":
            unnamed = [c.id for c in choices if c.principle_id is None]
            if unnamed:
                raise ValueError(f"principle exercise: choices {unnamed} name no principle_id")
        if kind == "actions" and not any(c.action_ids for c in choices):
            raise ValueError("actions exercise: no choice names framework action_ids")
        return choices

    @field_validator("answer")
    @classmethod
    def _answer_names_choices(cls, answer: list[str], info: ValidationInfo) -> list[str]:
        if len(set(answer)) != len(answer):
            raise ValueError(f"names a choice twice: {answer}")
        choices = info.data.get("choices")
        if choices is not None:
            unknown = [a for a in answer if a not in {c.id for c in choices}]
            if unknown:
                raise ValueError(f"names unknown choices {unknown}")
        return answer


class WorkedExample(_Model):
    """A scenario worked through for trainees, with its answer and the reasoning."""

    id: str = Field(pattern=r"^WE[0-9]{2,}$")
    competency: str
    kind: Kind
    title: str = Field(min_length=1)
    scenario: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    explanation: str = Field(min_length=1)
    source: Source


class Exercises(_Model):
    """The whole exercises file, as one validated document.

    When validated with ``context={"content": Content}``, the principle and action ids
    named by choices are also checked against that framework content.
    """

    version: str = Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")
    title: str
    note: str
    competencies: list[Competency] = Field(min_length=1)
    worked_examples: list[WorkedExample] = []
    exercises: list[Exercise] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique_and_linked(self, info: ValidationInfo) -> Exercises:
        problems: list[str] = []
        competency_ids = [c.id for c in self.competencies]
        for i, comp in enumerate(self.competencies):
            if comp.id in competency_ids[:i]:
                problems.append(f"competencies[{i}] ({comp.id}).id: is used twice")
        seen: set[str] = set()
        entries: list[tuple[str, Sequence[WorkedExample | Exercise]]] = [
            ("worked_examples", self.worked_examples), ("exercises", self.exercises)]
        for name, items in entries:
            for i, item in enumerate(items):
                where = f"{name}[{i}] ({item.id})"
                if item.id in seen:
                    problems.append(f"{where}.id: is used twice")
                seen.add(item.id)
                if item.competency not in competency_ids:
                    problems.append(f"{where}.competency: unknown competency {item.competency!r}")
        content = (info.context or {}).get("content")
        if content is not None:
            problems += _unknown_framework_ids(self.exercises, content)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def exercise(self, exercise_id: str) -> Exercise:
        for e in self.exercises:
            if e.id == exercise_id:
                return e
        raise KeyError(f"unknown exercise {exercise_id!r}")


def _unknown_framework_ids(exercises: list[Exercise], content: Content) -> list[str]:
    principle_ids = {p.id for p in content.principles}
    action_ids = {a.id for a in content.actions()}
    problems = []
    for i, exercise in enumerate(exercises):
        for j, choice in enumerate(exercise.choices):
            where = f"exercises[{i}] ({exercise.id}).choices[{j}] ({choice.id})"
            if choice.principle_id is not None and choice.principle_id not in principle_ids:
                problems.append(
                    f"{where}.principle_id: unknown framework principle {choice.principle_id!r}"
                )
            unknown = [a for a in choice.action_ids if a not in action_ids]
            if unknown:
                problems.append(f"{where}.action_ids: unknown framework actions {unknown}")
    return problems


def exercises_data(path: str | os.PathLike[str] | None = None) -> dict[str, object]:
    """The English exercises file's data as read (for checking a translation against it)."""
    chosen = Path(path or os.environ.get(EXERCISES_ENV) or DEFAULT_EXERCISES)
    resolved = chosen.expanduser().resolve()
    data = read_yaml(resolved, "exercises file", ExercisesError)
    if not isinstance(data, dict):
        raise ExercisesError(f"exercises file {resolved}: expected a mapping at the top level")
    return data


def load_exercises(
    path: str | os.PathLike[str] | None = None, *, content: Content | None = None,
    language: str = "en",
) -> Exercises:
    """Load and validate an exercises file (default: the packaged exercises), in ``language``.

    Without ``path``, the environment variable ``PIM_WORKBOOK_EXERCISES`` is used if set.
    Principle and action ids are checked against ``content`` (default: ``load_content()``).
    Other languages lay their translation overlay over the English text.
    """
    chosen = Path(path or os.environ.get(EXERCISES_ENV) or DEFAULT_EXERCISES)
    resolved = chosen.expanduser().resolve()
    data = exercises_data(path)
    if language == PSEUDO:
        data = apply_entries(data, pseudo_entries(data))
    elif language != "en":
        data = apply_entries(data, load_translation("exercises", language).entries)
    framework = content if content is not None else load_content()
    try:
        return Exercises.model_validate(data, context={"content": framework})
    except ValidationError as exc:
        raise ExercisesError(
            f"exercises file {resolved} does not follow the schema:\n{describe_errors(exc, data)}"
        ) from None


class Score(_Model):
    """The outcome of one attempt at an exercise."""

    correct: bool  # exactly the correct choices were picked
    credit: float = Field(ge=0, le=1)
    wrong: list[str]  # picked, but not correct
    missed: list[str]  # correct, but not picked


def score(exercise: Exercise, chosen: Iterable[str]) -> Score:
    """Score the choice ids a trainee picked (order and repeats do not matter).

    ``credit`` is ``(correct picks - wrong picks) / len(answer)``, floored at 0: all the
    correct choices and nothing else gives 1, and each wrong pick cancels a correct one.
    With a single correct choice this is all or nothing. Raises ``ValueError`` for a
    choice id the exercise does not have.
    """
    picked = list(dict.fromkeys(chosen))
    known = [c.id for c in exercise.choices]
    unknown = [c for c in picked if c not in known]
    if unknown:
        raise ValueError(f"exercise {exercise.id} has no choice {unknown}; its choices are {known}")
    wrong = [c for c in picked if c not in exercise.answer]
    hits = len(picked) - len(wrong)
    return Score(
        correct=not wrong and hits == len(exercise.answer),
        credit=max(0.0, (hits - len(wrong)) / len(exercise.answer)),
        wrong=wrong,
        missed=[a for a in exercise.answer if a not in picked],
    )
