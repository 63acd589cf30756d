"""The framework as data: schema of the content file and its loader.

The content file (``framework.yaml`` in this package, or an organisation's own
adapted copy) holds every question, guidance block, action, principle, matrix
category and definition. It is validated on load; a malformed file is refused
with an error naming the file, the entry and the field.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pim_workbook.content.overlay import apply_entries, load_translation, pseudo_entries
from pim_workbook.content.yamlfile import read_yaml
from pim_workbook.errors import ContentError
from pim_workbook.i18n import PSEUDO

DEFAULT_CONTENT = Path(__file__).with_name("framework.yaml")
CONTENT_ENV = "PIM_WORKBOOK_CONTENT"

Wording = Literal["framework", "workbook", "organisation"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bullet(_Model):
    """One bullet of guidance, with optional sub-bullets."""

    text: str = Field(min_length=1)
    items: list[Bullet] = []


class Guidance(_Model):
    """A "what to do" block under a question."""

    id: str
    title: str | None = None
    intro: str | None = None
    bullets: list[Bullet] = []


class Question(_Model):
    id: str = Field(pattern=r"^E[1-9]\.Q[0-9]+$")
    text: str = Field(min_length=1)
    guidance: list[Guidance] = []
    note: str | None = None
    definitions: list[str] = []  # ids of related annex definitions
    # evidence the workbook shows with the question (the register's disclosure-risk checks)
    evidence: Literal["disclosure_risk"] | None = None


class Action(_Model):
    id: str = Field(pattern=r"^E[1-9]\.(maximise|mitigate)\.[0-9]+$")
    text: str = Field(min_length=1)


class ActionList(_Model):
    summary: str
    actions: list[Action] = Field(min_length=1)


class Step(_Model):
    id: str = Field(pattern=r"^E[1-9]$")
    number: int
    title: str
    questions: list[Question] = Field(min_length=1)
    maximise: ActionList
    mitigate: ActionList

    @model_validator(mode="after")
    def _ids_belong_to_step(self) -> Step:
        for q in self.questions:
            if not q.id.startswith(self.id + "."):
                raise ValueError(f"question {q.id} is listed under step {self.id}")
        for kind in ("maximise", "mitigate"):
            for a in getattr(self, kind).actions:
                if not a.id.startswith(f"{self.id}.{kind}."):
                    raise ValueError(f"action {a.id} is listed under {self.id} {kind}")
        return self


class Assessment(_Model):
    title: str
    objective: str
    introduction: list[str] = []
    steps: list[Step] = Field(min_length=1)


class TrustStatement(_Model):
    introduction: list[str]
    statement: list[str] = Field(min_length=1)
    breach: str


class Principle(_Model):
    id: str
    title: str
    description: str


class ProcessStage(_Model):
    id: str
    title: str


class Process(_Model):
    introduction: str
    stages: list[ProcessStage] = Field(min_length=1)
    note: str | None = None


class EcosystemQuestion(_Model):
    id: str
    text: str


class Ecosystem(_Model):
    title: str
    introduction: str
    questions: list[EcosystemQuestion] = Field(min_length=1)
    recommendation: str


class MatrixCategory(_Model):
    id: str
    title: str
    description: str
    wording: Wording = "workbook"


class MatrixRow(_Model):
    """A descriptive row of the PIM Matrix; its cells are for an organisation to fill."""

    id: str
    title: str
    cells: dict[str, str] = {}  # category id -> text


class PimMatrix(_Model):
    note: str
    categories: list[MatrixCategory] = Field(min_length=1)
    rows: list[MatrixRow] = []

    @model_validator(mode="after")
    def _cells_name_categories(self) -> PimMatrix:
        known = {c.id for c in self.categories}
        for row in self.rows:
            unknown = set(row.cells) - known
            if unknown:
                raise ValueError(f"row {row.id} has cells for unknown categories {sorted(unknown)}")
        return self


class Competencies(_Model):
    text: str
    note: str | None = None


class Choice(_Model):
    """An entry of a fixed list (purposes, sensitivity levels, data categories)."""

    id: str
    title: str
    description: str | None = None
    wording: Wording = "framework"


class Definition(_Model):
    id: str
    question: str
    wording: Wording = "framework"
    paragraphs: list[str] = Field(min_length=1)
    bullets: list[str] = []
    notes: list[str] = []


class Content(_Model):
    """The whole framework, as one validated document."""

    version: str = Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")
    title: str
    source: str
    trust_statement: TrustStatement
    principles_introduction: str
    principles: list[Principle] = Field(min_length=1)
    process: Process
    ecosystem: Ecosystem
    pim_matrix: PimMatrix
    competencies: Competencies
    assessment: Assessment
    purposes: list[Choice] = Field(min_length=1)
    sensitivity_levels: list[Choice] = Field(min_length=1)
    data_categories: list[Choice] = Field(min_length=1)
    definitions_introduction: str
    definitions: list[Definition] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique_and_linked(self) -> Content:
        seen: set[str] = set()
        for item_id in self._all_ids():
            if item_id in seen:
                raise ValueError(f"id {item_id!r} is used twice")
            seen.add(item_id)
        definition_ids = {d.id for d in self.definitions}
        for q in self.questions():
            missing = set(q.definitions) - definition_ids
            if missing:
                raise ValueError(f"question {q.id} links unknown definitions {sorted(missing)}")
        return self

    def _all_ids(self) -> list[str]:
        ids = [s.id for s in self.assessment.steps]
        ids += [q.id for q in self.questions()]
        ids += [g.id for q in self.questions() for g in q.guidance]
        ids += [a.id for a in self.actions()]
        return ids

    # -- look-ups used throughout the package -------------------------------------
    def questions(self) -> list[Question]:
        return [q for s in self.assessment.steps for q in s.questions]

    def actions(self) -> list[Action]:
        return [
            a
            for s in self.assessment.steps
            for a in (*s.maximise.actions, *s.mitigate.actions)
        ]

    def step(self, step_id: str) -> Step:
        for s in self.assessment.steps:
            if s.id == step_id.replace(".", ""):
                return s
        raise KeyError(f"unknown step {step_id!r}")

    def question(self, question_id: str) -> Question:
        for q in self.questions():
            if q.id == question_id:
                return q
        raise KeyError(f"unknown question {question_id!r}")

    def action(self, action_id: str) -> Action:
        for a in self.actions():
            if a.id == action_id:
                return a
        raise KeyError(f"unknown action {action_id!r}")

    def definition(self, definition_id: str) -> Definition:
        for d in self.definitions:
            if d.id == definition_id:
                return d
        raise KeyError(f"unknown definition {definition_id!r}")

    def choice_ids(self, name: str) -> list[str]:
        """Ids of a fixed list: ``purposes``, ``sensitivity_levels`` or ``data_categories``."""
        return [c.id for c in getattr(self, name)]


def describe_errors(error: ValidationError, data: object) -> str:
    """Name the entry (with its id where it has one) and the field of each error."""
    lines = []
    for err in error.errors():
        cause = (err.get("ctx") or {}).get("error")
        message = str(cause) if isinstance(cause, ValueError) else err["msg"]
        parts: list[str] = []
        node = data
        for key in err["loc"]:
            if isinstance(key, int) and isinstance(node, list) and key < len(node):
                node = node[key]
                ident = node.get("id") if isinstance(node, dict) else None
                parts.append(f"[{key}]" + (f" ({ident})" if ident else ""))
            else:
                node = node.get(key) if isinstance(node, dict) else None
                parts.append(f".{key}" if parts else str(key))
        where = "".join(parts) or "(top level)"
        lines += [f"  {where}: {line}" for line in message.splitlines()]
    return "\n".join(lines)


def load_content(path: str | os.PathLike[str] | None = None, language: str = "en") -> Content:
    """Load and validate a content file (default: the packaged framework), in ``language``.

    Without ``path``, the environment variable ``PIM_WORKBOOK_CONTENT`` is used if set. Other
    languages than English lay their translation overlays over the English text (see
    :mod:`pim_workbook.content.overlay`); what an overlay lacks stays English.
    """
    chosen = path or os.environ.get(CONTENT_ENV) or DEFAULT_CONTENT
    return localise(_load(str(Path(chosen).expanduser().resolve())), language)


def localise(content: Content, language: str) -> Content:
    """``content`` (whatever file it came from) with ``language``'s overlays laid over it, as
    they are now (an organisation's overlay folder may change between pages)."""
    if language == "en":
        return content
    entries = {} if language == PSEUDO else load_translation("framework", language).entries
    key = (id(content), language, tuple(sorted(entries.items())))
    cached = _LOCALISED.get(key)
    if cached is not None and cached[0] is content:
        return cached[1]
    english = content.model_dump(mode="json")
    data = apply_entries(english, pseudo_entries(english) if language == PSEUDO else entries)
    try:
        localised = Content.model_validate(data)
    except ValidationError as exc:
        raise ContentError("content with its translation does not follow the schema:\n"
                           + describe_errors(exc, data)) from None
    _LOCALISED[key] = (content, localised)
    return localised


# (id of an English content, language, the entries laid over it) -> (that content, kept
# alive so that its id stays its own; its translation)
_LOCALISED: dict[tuple[int, str, tuple[tuple[str, str], ...]], tuple[Content, Content]] = {}


def content_data(path: str | os.PathLike[str] | None = None) -> dict[str, object]:
    """The English content file's data as read (for checking a translation against it)."""
    chosen = path or os.environ.get(CONTENT_ENV) or DEFAULT_CONTENT
    return _read(str(Path(chosen).expanduser().resolve()))


def _read(path: str) -> dict[str, object]:
    data = read_yaml(Path(path), "content file", ContentError)
    if not isinstance(data, dict):
        raise ContentError(f"content file {path}: expected a mapping at the top level")
    return data


@lru_cache(maxsize=8)
def _load(path: str) -> Content:
    data = _read(path)
    try:
        return Content.model_validate(data)
    except ValidationError as exc:
        raise ContentError(
            f"content file {path} does not follow the schema:\n{describe_errors(exc, data)}"
        ) from None
