"""What the treatments of a table cost in information, as counts (never rows).

Disclosure risk alone rewards destroying the data; data teams read the information loss
beside it (as in sdcMicro and sdcApp) to choose between treatments. :func:`information_loss`
takes the original table and the table after each treatment step, with the step's kind:

* ``recoded`` -- values of a column were replaced by others (categories merged);
* ``suppressed`` -- values were blanked (non-missing -> missing);
* ``perturbed`` -- values were replaced at random (PRAM);
* ``removed`` -- whole columns were taken out;
* ``dropped`` -- whole records were taken out.

Each stage is compared with the one before it (the first with the original), rows matched by
their index: a treated table keeps the index of the records it keeps. A stage that does more
than its kind says (a ``dropped`` stage that also changes values, say) is refused rather than
counted under the wrong heading. A recoding may also blank values (counted as suppressed) or
fill missing ones (not a loss, not counted).

The optional tabulation compares the counts of every combination of a few columns chosen by
the user (admin1 x sex, say) in the original and the final table, a missing value being its
own cell labelled ``(missing)``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pim_workbook.i18n import _

__all__ = ["KINDS", "MISSING", "Cell", "ColumnLoss", "InformationLoss", "Tabulation",
           "changed_columns", "information_loss"]

KINDS = ("recoded", "suppressed", "perturbed", "removed", "dropped")
MISSING = "(missing)"

Label = str | int | float | bool

# what each kind of stage may do to the values of the columns and records it keeps
_MAY = {"recoded": {"suppressed", "changed", "filled"}, "suppressed": {"suppressed"},
        "perturbed": {"changed"}, "removed": set(), "dropped": set()}


@dataclass(frozen=True)
class ColumnLoss:
    """Values of one original column lost or altered over all stages."""

    suppressed: int
    recoded: int
    perturbed: int
    categories_before: int
    categories_after: int  # 0 once the column is removed


@dataclass(frozen=True)
class Cell:
    """One combination of the tabulated columns, counted in the original and final table."""

    cell: tuple[Label, ...]
    before: int
    after: int


@dataclass(frozen=True)
class Tabulation:
    """Cell counts before and after; ``new_cells`` holds cells with no record before.

    ``largest_relative_change`` is the largest ``|after - before| / before`` over the cells
    with ``before > 0`` (None when there are none): a new cell has no relative change.
    """

    columns: tuple[str, ...]
    cells: tuple[Cell, ...]
    largest_relative_change: float | None
    new_cells: int


@dataclass(frozen=True)
class InformationLoss:
    """Per column counts, records dropped and the optional tabulation."""

    columns: dict[str, ColumnLoss]
    records_dropped: int
    tabulation: Tabulation | None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only, for the record, the command line and the page."""
        tabulation = None
        if self.tabulation is not None:
            tabulation = {
                "columns": list(self.tabulation.columns),
                "largest_relative_change": self.tabulation.largest_relative_change,
                "cells": [{"cell": list(c.cell), "before": c.before, "after": c.after}
                          for c in self.tabulation.cells],
            }
        return {
            "columns": {column: {"suppressed": loss.suppressed, "recoded": loss.recoded,
                                 "perturbed": loss.perturbed,
                                 "categories_before": loss.categories_before,
                                 "categories_after": loss.categories_after}
                        for column, loss in self.columns.items()},
            "records_dropped": self.records_dropped,
            "tabulation": tabulation,
        }


def changed_columns(summary: dict[str, Any]) -> dict[str, dict[str, int]]:
    """The columns of an :meth:`InformationLoss.to_dict` summary that the treatment changed:
    values suppressed, recoded or perturbed, or categories lost (what a reader is shown)."""
    return {column: loss for column, loss in summary["columns"].items()
            if loss["suppressed"] or loss["recoded"] or loss["perturbed"]
            or loss["categories_before"] != loss["categories_after"]}


def information_loss(original: pd.DataFrame, stages: Sequence[tuple[str, pd.DataFrame]], *,
                     tabulate: Sequence[str] | None = None) -> InformationLoss:
    """The cost of the treatments that turned ``original`` into the last of ``stages``.

    ``stages`` lists ``(kind, table after the step)`` in the order the steps were applied;
    ``tabulate`` names the columns whose cell counts to compare (none if empty or None).
    """
    _check_table(original, _("the original table"))
    counts = {column: dict.fromkeys(("suppressed", "recoded", "perturbed"), 0)
              for column in original.columns}
    dropped = 0
    before = original
    for number, stage in enumerate(stages, start=1):
        if not isinstance(stage, tuple | list) or len(stage) != 2:
            raise ValueError(_("stage {number} is not a pair of a kind and a table")
                             .format(number=number))
        kind, after = stage
        if kind not in KINDS:
            raise ValueError(_("stage {number} has kind {kind}; expected one of {kinds}")
                             .format(number=number, kind=repr(kind), kinds=", ".join(KINDS)))
        _check_table(after, _("stage {number} ({kind})").format(number=number, kind=kind))
        dropped += _records_dropped(before, after, number, kind)
        _check_columns(before, after, number, kind)
        kept = before.loc[after.index]
        for column in after.columns:
            change = _compare(kept[column], after[column])
            counts[column]["suppressed"] += change["suppressed"]
            if kind in ("recoded", "perturbed"):
                counts[column][kind] += change["changed"]
            if any(count for what, count in change.items() if what not in _MAY[kind]):
                raise ValueError(
                    _("stage {number} ({kind}) changes values of column {column}; "
                      "give it the kind that says how (recoded, suppressed or perturbed)")
                    .format(number=number, kind=kind, column=column))
        before = after

    columns = {str(column): ColumnLoss(
        suppressed=counts[column]["suppressed"], recoded=counts[column]["recoded"],
        perturbed=counts[column]["perturbed"],
        categories_before=int(original[column].nunique()),
        categories_after=int(before[column].nunique()) if column in before.columns else 0)
        for column in original.columns}
    tabulation = _tabulation(original, before, list(tabulate)) if tabulate else None
    return InformationLoss(columns=columns, records_dropped=dropped, tabulation=tabulation)


def _check_table(table: object, shown: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ValueError(_("{table} is not a pandas DataFrame but a {type}")
                         .format(table=shown, type=type(table).__name__))
    if table.index.has_duplicates:
        raise ValueError(_("{table} has records with the same index; the stages are matched "
                           "by index, so each record needs its own").format(table=shown))


def _records_dropped(before: pd.DataFrame, after: pd.DataFrame, number: int,
                     kind: str) -> int:
    """How many records of ``before`` ``after`` left out; records appearing are an error."""
    if len(after.index.difference(before.index)):
        raise ValueError(_("stage {number} ({kind}) has records that the table before it "
                           "does not have").format(number=number, kind=kind))
    gone = len(before.index) - len(after.index)
    if gone and kind != "dropped":
        raise ValueError(_("stage {number} ({kind}) drops records; a stage that drops "
                           "records has the kind dropped").format(number=number, kind=kind))
    return gone


def _check_columns(before: pd.DataFrame, after: pd.DataFrame, number: int,
                   kind: str) -> None:
    added = [str(c) for c in after.columns if c not in before.columns]
    if added:
        raise ValueError(_("stage {number} ({kind}) adds column(s) {columns}")
                         .format(number=number, kind=kind, columns=", ".join(added)))
    if kind != "removed" and any(c not in after.columns for c in before.columns):
        raise ValueError(_("stage {number} ({kind}) removes columns; a stage that removes "
                           "columns has the kind removed").format(number=number, kind=kind))


def _compare(old: pd.Series, new: pd.Series) -> dict[str, int]:
    """Values blanked, altered (both present, not equal) and filled, row by row."""
    old_values = old.to_numpy(dtype=object)
    new_values = new.to_numpy(dtype=object)
    old_missing = pd.isna(old_values)
    new_missing = pd.isna(new_values)
    both = ~old_missing & ~new_missing
    changed = np.asarray(old_values[both] != new_values[both], dtype=bool)
    return {"suppressed": int((~old_missing & new_missing).sum()),
            "changed": int(changed.sum()),
            "filled": int((old_missing & ~new_missing).sum())}


def _tabulation(original: pd.DataFrame, final: pd.DataFrame, columns: list[str]) -> Tabulation:
    unknown = [str(c) for c in columns if c not in original.columns]
    if unknown:
        raise ValueError(_("cannot tabulate unknown column(s): {columns}")
                         .format(columns=", ".join(unknown)))
    gone = [str(c) for c in columns if c not in final.columns]
    if gone:
        raise ValueError(_("cannot tabulate {columns}: not in the treated table")
                         .format(columns=", ".join(gone)))
    before, after = _cell_counts(original, columns), _cell_counts(final, columns)
    keys = sorted([*before, *(k for k in after if k not in before)],
                  key=lambda key: tuple(map(str, key)))
    cells = tuple(Cell(cell=tuple(_plain(v) for v in key), before=before.get(key, 0),
                       after=after.get(key, 0)) for key in keys)
    changes = [abs(c.after - c.before) / c.before for c in cells if c.before > 0]
    return Tabulation(columns=tuple(map(str, columns)), cells=cells,
                      largest_relative_change=max(changes) if changes else None,
                      new_cells=sum(1 for c in cells if c.before == 0))


def _cell_counts(table: pd.DataFrame, columns: list[str]) -> dict[tuple[Hashable, ...], int]:
    """Records per combination of ``columns``, a missing value counted as :data:`MISSING`."""
    values = table[columns].astype(object)
    values = values.where(values.notna(), MISSING)
    sizes = values.groupby(columns, sort=False).size()
    return {(key if isinstance(key, tuple) else (key,)): int(size)
            for key, size in sizes.items()}


def _plain(value: Hashable) -> Label:
    """A cell label as a JSON value: numbers and booleans stay so, anything else is text.

    The labels come from columns cast to object, where pandas gives Python numbers.
    """
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)
