"""Treatments a user tries on a table before sharing it, and a plain-English record of them.

Each treatment is a small frozen pydantic model with a ``kind`` discriminator, so a list of
steps is stored and reloaded as JSON (:func:`steps_to_json`, :func:`steps_from_json`).

* ``apply(df)`` returns a new frame; the input is never modified.
* ``describe(before=None)`` gives one sentence for the record. It may name columns and
  category labels, never values of the rows. ``before`` is the frame the step is applied to,
  for the steps whose sentence counts what they did.
* ``treat(df)`` does both at once: the steps that search (local suppression) or draw at
  random (PRAM) run once for their table and their sentence.
* ``effect`` says how the step changes values, for the information loss
  (:mod:`pim_workbook.sdc.loss`): recoded, suppressed, perturbed, removed or dropped.

Steps are run in order by :func:`pim_workbook.sdc.recipe.replay`, which gives the treated
frame with the sentence of each step (counts filled in). Every step is deterministic: PRAM
carries its seed, so a list of steps replayed on the same table gives the same table.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Annotated, ClassVar, Literal

import numpy as np
import pandas as pd
from pandas import DataFrame
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
    "LocalSuppression",
    "Pram",
    "ReplaceWith",
    "Suppress",
    "Treatment",
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
    effect: ClassVar[str] = "recoded"

    @abstractmethod
    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        """The treated copy of ``df``."""

    @abstractmethod
    def describe(self, before: pd.DataFrame | None = None) -> str:
        """One sentence for the record; ``before`` is the frame the step is applied to."""

    def treat(self, df: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        """The treated copy of ``df`` and the step's sentence."""
        sentence = self.describe(df)
        return self.apply(df), sentence


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
    effect: ClassVar[str] = "removed"
    column: Column

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        _require(df, [self.column])
        return df.drop(columns=[self.column])

    def describe(self, before: pd.DataFrame | None = None) -> str:
        return _("Removed the column {column}.").format(column=self.column)


class DropRecords(_Step):
    """Remove the records whose combination of ``quasi`` is shared by fewer than ``below``;
    with ``household``, their whole households (a member left behind would still point at
    the household).

    A missing value is a category of its own here.
    """

    kind: Literal["drop_records"] = "drop_records"
    effect: ClassVar[str] = "dropped"
    quasi: tuple[Column, ...] = Field(min_length=1)
    below: int = Field(default=3, ge=2)
    household: Column | None = None

    @field_validator("quasi")
    @classmethod
    def _distinct(cls, quasi: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(quasi)) != len(quasi):
            raise ValueError(_("quasi-identifiers listed more than once"))
        return quasi

    def _small(self, df: pd.DataFrame) -> np.ndarray:
        _require(df, [*self.quasi, *([self.household] if self.household else [])])
        ids = df.groupby(list(self.quasi), dropna=False, sort=False).ngroup().to_numpy()
        small = np.bincount(ids, minlength=1)[ids] < self.below
        if self.household:
            homes = pd.factorize(df[self.household])[0]
            small = np.isin(homes, homes[small])
        return small

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


def _distinct_columns(columns: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(columns)) != len(columns):
        raise ValueError(_("a column is listed more than once: {columns}")
                         .format(columns=", ".join(columns)))
    return columns


def _per_column(counts: dict[str, int]) -> str:
    return ", ".join(f"{column} {count}" for column, count in counts.items() if count) or "0"


class LocalSuppression(_Step):
    """Set as few values of the ``keys`` to missing as reach k-anonymity (a missing value
    matching any value), keeping the ``importance`` order's first keys longest; optionally
    within ``strata``, down to a global risk, and consistent within households."""

    kind: Literal["local_suppression"] = "local_suppression"
    effect: ClassVar[str] = "suppressed"
    keys: tuple[Column, ...] = Field(min_length=1)
    k: int = Field(default=3, ge=2)
    importance: tuple[Column, ...] | None = None  # kept longest first; None: sdcMicro's
    strata: Column | None = None
    household: Column | None = None
    max_risk: float | None = Field(default=None, gt=0, le=1)
    weight: Column | None = None

    _keys_distinct = field_validator("keys")(_distinct_columns)

    @model_validator(mode="after")
    def _ordered(self) -> LocalSuppression:
        if self.importance is not None and sorted(self.importance) != sorted(self.keys):
            raise ValueError(_("the importance order must list each key once: {keys}")
                             .format(keys=", ".join(self.keys)))
        return self

    def _run(self, df: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        from pim_workbook.sdc.suppression import local_suppression

        _require(df, [*self.keys, *(c for c in (self.strata, self.household, self.weight)
                                    if c)])
        done = local_suppression(df, list(self.keys), self.k, importance=self.importance,
                                 strata=self.strata, household=self.household,
                                 max_risk=self.max_risk, weight=self.weight)
        sentence = ngettext(
            "Suppressed {total} value in {records} records to reach k = {k} ({columns}; "
            "kept longest: {order}).",
            "Suppressed {total} values in {records} records to reach k = {k} ({columns}; "
            "kept longest: {order}).", done.total).format(
                total=done.total, records=done.records_suppressed, k=self.k,
                columns=_per_column(done.suppressions), order=", ".join(done.importance))
        return done.table, sentence

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        return self._run(df)[0]

    def describe(self, before: pd.DataFrame | None = None) -> str:
        if before is not None:
            return self._run(before)[1]
        return _("Suppressed values of {columns} to reach k = {k}.").format(
            columns=_listing(list(self.keys)), k=self.k)

    def treat(self, df: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        return self._run(df)


class Pram(_Step):
    """Post-randomise ``columns`` (invariant PRAM, sdcMicro's ``pd`` and ``alpha``) with a
    recorded ``seed``, optionally within ``strata``. (Its field ``pd`` is sdcMicro's name,
    which is why pandas' frame is called ``DataFrame`` here.)"""

    kind: Literal["pram"] = "pram"
    effect: ClassVar[str] = "perturbed"
    columns: tuple[Column, ...] = Field(min_length=1)
    pd: float = Field(default=0.8, gt=0, le=1)
    alpha: float = Field(default=0.5, ge=0, le=1)
    seed: int
    strata: Column | None = None

    _columns_distinct = field_validator("columns")(_distinct_columns)

    def _run(self, df: DataFrame) -> tuple[DataFrame, str]:
        from pim_workbook.sdc.pram import pram

        _require(df, [*self.columns, *([self.strata] if self.strata else [])])
        done = pram(df, list(self.columns), pd=self.pd, alpha=self.alpha, seed=self.seed,
                    strata=self.strata)
        total = sum(done.changed.values())
        sentence = ngettext(
            "Post-randomised {columns} (PRAM, pd {pd}, alpha {alpha}, seed {seed}): "
            "{total} value changed ({changed}).",
            "Post-randomised {columns} (PRAM, pd {pd}, alpha {alpha}, seed {seed}): "
            "{total} values changed ({changed}).", total).format(
                columns=_listing(list(self.columns)), pd=self.pd, alpha=self.alpha,
                seed=self.seed, total=total, changed=_per_column(done.changed))
        return done.table, sentence

    def apply(self, df: DataFrame) -> DataFrame:
        return self._run(df)[0]

    def describe(self, before: DataFrame | None = None) -> str:
        if before is not None:
            return self._run(before)[1]
        return _("Post-randomised {columns} (PRAM, pd {pd}, alpha {alpha}, seed {seed}).") \
            .format(columns=_listing(list(self.columns)), pd=self.pd, alpha=self.alpha,
                    seed=self.seed)

    def treat(self, df: DataFrame) -> tuple[DataFrame, str]:
        return self._run(df)


Treatment = Annotated[
    Generalise | ReplaceWith | Suppress | DropRecords | LocalSuppression | Pram,
    Field(discriminator="kind"),
]
STEPS: TypeAdapter[list[Treatment]] = TypeAdapter(list[Treatment])


def steps_to_json(steps: Sequence[Treatment]) -> str:
    """The steps as a JSON array."""
    return STEPS.dump_json(list(steps)).decode()


def steps_from_json(text: str | bytes) -> list[Treatment]:
    """Steps read back from :func:`steps_to_json` (raises pydantic's ValidationError)."""
    return STEPS.validate_json(text)


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
