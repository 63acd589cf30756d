"""Treatments a user tries on a table before sharing it, and a plain-English record of them.

Each treatment is a small frozen pydantic model with a ``kind`` discriminator, so a list of
steps is stored and reloaded as JSON (:func:`steps_to_json`, :func:`steps_from_json`).

* ``apply(df)`` returns a new frame; the input is never modified.
* ``describe(before=None)`` gives one sentence for the record. It may name columns and
  category labels, never values of the rows. ``before`` is the frame the step is applied to;
  only :class:`DropRecords` uses it, to say how many records it removes.

:func:`apply_all` runs a list of steps in order and returns the treated frame with the
sentence of each step (counts filled in), which is how the steps are meant to be run.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    field_validator,
    model_validator,
)

from pim_workbook.i18n import _, ngettext

__all__ = [
    "AGE_BANDS",
    "STEPS",
    "DropRecords",
    "Generalise",
    "ReplaceWith",
    "Suppress",
    "Treatment",
    "apply_all",
    "merge_mapping",
    "quasi_after",
    "steps_from_json",
    "steps_to_json",
]

AGE_BANDS = {  # the age groups of the sample microdata, in three bands
    "0-17": ["0-4", "5-11", "12-17"],
    "18-59": ["18-24", "25-39", "40-59"],
    "60+": ["60+"],
}

Column = Annotated[str, Field(min_length=1)]


def _require(df: pd.DataFrame, columns: Sequence[str]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(_("expected a pandas DataFrame, got {type}")
                         .format(type=type(df).__name__))
    missing = [c for c in dict.fromkeys(columns) if c not in df.columns]
    if missing:
        raise ValueError(_("missing column(s): {columns}")
                         .format(columns=", ".join(map(str, missing))))


def _listing(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


class _Step(BaseModel, ABC):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @abstractmethod
    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        """The treated copy of ``df``."""

    @abstractmethod
    def describe(self, before: pd.DataFrame | None = None) -> str:
        """One sentence for the record; ``before`` is the frame the step is applied to."""


class Generalise(_Step):
    """Merge categories of ``column``: ``mapping`` is old label → new label."""

    kind: Literal["generalise"] = "generalise"
    column: Column
    mapping: dict[str, str] = Field(min_length=1)

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        _require(df, [self.column])
        values = df[self.column]
        keys = list(self.mapping)
        hit = values.isin(keys)
        present = set(values[hit])
        unknown = [k for k in keys if k not in present]
        if unknown:
            values = ", ".join(map(repr, unknown[:5]))
            if len(unknown) > 5:
                raise ValueError(_("column {column} has no value(s) {values} and {more} more")
                                 .format(column=repr(self.column), values=values,
                                         more=len(unknown) - 5))
            raise ValueError(_("column {column} has no value(s) {values}")
                             .format(column=repr(self.column), values=values))
        return df.assign(**{self.column: values.where(~hit, values.map(self.mapping))})

    def describe(self, before: pd.DataFrame | None = None) -> str:
        groups: dict[str, list[str]] = {}
        for old, new in self.mapping.items():
            groups.setdefault(new, []).append(old)
        merges = "; ".join(_("{old} into {new}").format(old=_listing(olds), new=new)
                           for new, olds in groups.items())
        return _("Merged categories of {column}: {merges}.").format(column=self.column,
                                                                    merges=merges)


class ReplaceWith(_Step):
    """Give ``column`` the values of ``by``, a coarser column of the same table."""

    kind: Literal["replace_with"] = "replace_with"
    column: Column
    by: Column

    @model_validator(mode="after")
    def _differs(self) -> ReplaceWith:
        if self.by == self.column:
            raise ValueError(_("{column} cannot be replaced by itself")
                             .format(column=self.column))
        return self

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        _require(df, [self.column, self.by])
        spread = df.groupby(self.column, dropna=False)[self.by].nunique(dropna=False)
        if (spread > 1).any():
            raise ValueError(
                _("{by} is not coarser than {column}: "
                  "some {column} value falls in more than one {by}")
                .format(by=self.by, column=self.column))
        return df.assign(**{self.column: df[self.by]})

    def describe(self, before: pd.DataFrame | None = None) -> str:
        return _("Replaced {column} by {by} (a coarser level).").format(column=self.column,
                                                                         by=self.by)


class Suppress(_Step):
    """Remove ``column`` from the table."""

    kind: Literal["suppress"] = "suppress"
    column: Column

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        _require(df, [self.column])
        return df.drop(columns=[self.column])

    def describe(self, before: pd.DataFrame | None = None) -> str:
        return _("Removed the column {column}.").format(column=self.column)


class DropRecords(_Step):
    """Remove the records whose combination of ``quasi`` is shared by fewer than ``below``.

    A missing value is a category of its own here.
    """

    kind: Literal["drop_records"] = "drop_records"
    quasi: tuple[Column, ...] = Field(min_length=1)
    below: int = Field(default=3, ge=2)

    @field_validator("quasi")
    @classmethod
    def _distinct(cls, quasi: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(quasi)) != len(quasi):
            raise ValueError(_("quasi-identifiers listed more than once"))
        return quasi

    def _small(self, df: pd.DataFrame) -> np.ndarray:
        _require(df, self.quasi)
        ids = df.groupby(list(self.quasi), dropna=False, sort=False).ngroup().to_numpy()
        return np.bincount(ids, minlength=1)[ids] < self.below

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        return df[~self._small(df)].copy()

    def describe(self, before: pd.DataFrame | None = None) -> str:
        columns = _listing(list(self.quasi))
        if before is None:
            return _("Dropped the records whose combination of {columns} is shared by fewer "
                     "than {below} records.").format(columns=columns, below=self.below)
        dropped = int(self._small(before).sum())
        return ngettext("Dropped {n} record whose combination of {columns} is shared by "
                        "fewer than {below} records.",
                        "Dropped {n} records whose combination of {columns} is shared by "
                        "fewer than {below} records.",
                        dropped).format(n=dropped, columns=columns, below=self.below)


Treatment = Annotated[
    Generalise | ReplaceWith | Suppress | DropRecords, Field(discriminator="kind")
]
STEPS: TypeAdapter[list[Treatment]] = TypeAdapter(list[Treatment])


def steps_to_json(steps: Sequence[Treatment]) -> str:
    """The steps as a JSON array."""
    return STEPS.dump_json(list(steps)).decode()


def steps_from_json(text: str | bytes) -> list[Treatment]:
    """Steps read back from :func:`steps_to_json` (raises pydantic's ValidationError)."""
    return STEPS.validate_json(text)


def apply_all(df: pd.DataFrame, steps: Sequence[Treatment]) -> tuple[pd.DataFrame, list[str]]:
    """Apply ``steps`` in order: the treated frame and the sentence describing each step."""
    sentences = []
    for step in steps:
        sentences.append(step.describe(df))
        df = step.apply(df)
    return df, sentences


def merge_mapping(groups: dict[str, list[str]]) -> dict[str, str]:
    """Turn new label → old labels (e.g. :data:`AGE_BANDS`) into the old → new mapping.

    Labels that keep their name are left out.
    """
    group_of: dict[str, str] = {}
    for new, olds in groups.items():
        for old in olds:
            if group_of.setdefault(old, new) != new:
                raise ValueError(_("{label} is in two groups: {first} and {second}")
                                 .format(label=repr(old), first=repr(group_of[old]),
                                         second=repr(new)))
    return {old: new for old, new in group_of.items() if old != new}


def quasi_after(quasi: Sequence[str], steps: Sequence[Treatment]) -> list[str]:
    """The quasi-identifiers still in the table after the suppressions among ``steps``."""
    removed = {step.column for step in steps if isinstance(step, Suppress)}
    return [c for c in quasi if c not in removed]
