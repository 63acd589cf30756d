"""Small-cell check of an aggregate table: which counts are too small to publish as they are.

Pure functions on a :class:`pandas.DataFrame`: no widgets, no files, no store. The cell
table names the categories of the chosen columns (it is the table to be shared); the summary
(:meth:`SmallCells.to_dict`) holds counts only.

The table is the full cross-tabulation of record counts over the chosen columns: every
combination of the categories seen in each column, empty combinations included as zeros. A
missing value is a category of its own, labelled ``"(missing)"`` (a value already spelled
that way is counted with the missing ones).

Statuses: ``"flag"`` for counts 1..``flag_max`` (to suppress or aggregate), ``"review"`` for
``flag_max + 1``..``review_max``, ``"ok"`` otherwise. A zero cell is ``"ok"``: there is nobody
to hide, and its value is known to anyone reading the table.

Recoverability. Suppose the flagged cells are suppressed and the marginal totals published,
that is the total of every *line*: all cells sharing the values of every column but one (with
a single column the line is the whole table and its total the grand total). A suppressed cell
whose line holds no other suppressed cell equals that total minus the published cells. A
recovered cell then counts as known, and the check is repeated until nothing more is
recovered. This is the single-suppression check on each line, not a full linear-programming
audit: cells it reports as safe may still be narrowed to a small range, or recovered by
combining several lines.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from math import prod

import numpy as np
import pandas as pd

from pim_workbook.i18n import _

__all__ = ["MISSING", "SmallCells", "small_cells"]

MISSING = "(missing)"
MAX_CELLS = 1_000_000
_RESERVED = ("count", "status", "recoverable")


@dataclass(frozen=True, eq=False)
class SmallCells:
    """The cells of one aggregate table, their status and how many are at risk."""

    by: tuple[str, ...]
    table: pd.DataFrame
    flagged: int
    to_review: int
    recoverable: int
    cells: int
    flag_max: int
    review_max: int

    def to_dict(self) -> dict:
        """JSON-ready summary: column names and counts, never categories of the data."""
        return {
            "by": list(self.by),
            "cells": self.cells,
            "flagged": self.flagged,
            "to_review": self.to_review,
            "recoverable": self.recoverable,
            "flag_max": self.flag_max,
            "review_max": self.review_max,
        }


def _whole(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _validate(df: pd.DataFrame, by: list[str], flag_max: int, review_max: int) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(_("expected a pandas DataFrame, got {type}")
                         .format(type=type(df).__name__))
    if not by:
        raise ValueError(_("no column given: name at least one column to count by"))
    if len(set(by)) != len(by):
        raise ValueError(_("column(s) listed more than once: {columns}").format(
            columns=", ".join(sorted({c for c in by if by.count(c) > 1}))))
    missing = [c for c in by if c not in df.columns]
    if missing:
        raise ValueError(_("missing column(s): {columns}")
                         .format(columns=", ".join(map(str, missing))))
    reserved = [c for c in by if c in _RESERVED]
    if reserved:
        raise ValueError(_("column name(s) reserved for the cell table: {columns}")
                         .format(columns=", ".join(reserved)))
    if not _whole(flag_max) or flag_max < 1:
        raise ValueError(_("flag_max must be a whole number >= 1, got {value}")
                         .format(value=repr(flag_max)))
    if not _whole(review_max) or review_max < flag_max:
        raise ValueError(
            _("review_max must be a whole number >= flag_max ({flag_max}), got {value}")
            .format(flag_max=flag_max, value=repr(review_max)))
    if len(df) == 0:
        raise ValueError(_("the table is empty: no records to count"))


def _categories(column: pd.Series) -> tuple[list, np.ndarray]:
    """The categories of one column (sorted when comparable, missing last) and each row's code."""
    labels = list(pd.unique(column.dropna()))
    with suppress(TypeError):  # mixed types: keep the order of appearance
        labels = sorted(labels)
    if column.isna().any() and MISSING not in labels:
        labels.append(MISSING)
    filled = column.astype(object).where(column.notna(), MISSING)
    position = {label: i for i, label in enumerate(labels)}
    return labels, filled.map(position).to_numpy(dtype=np.int64)


def _recoverable(suppressed: np.ndarray) -> np.ndarray:
    """Suppressed cells found by repeatedly subtracting known cells from a line total."""
    unknown = suppressed.copy()
    found = np.zeros_like(suppressed)
    while True:
        new = np.zeros_like(suppressed)
        for axis in range(suppressed.ndim):
            new |= unknown & (unknown.sum(axis=axis, keepdims=True) == 1)
        if not new.any():
            return found
        found |= new
        unknown &= ~new


def small_cells(
    df: pd.DataFrame, by: list[str] | str, *, flag_max: int = 4, review_max: int = 9
) -> SmallCells:
    """Cross-tabulate record counts of ``df`` over ``by`` and flag the small cells.

    See the module docstring for the statuses and the recoverability check.
    """
    by = [by] if isinstance(by, str) else list(by)
    _validate(df, by, flag_max, review_max)
    levels, codes = zip(*(_categories(df[c]) for c in by), strict=True)
    shape = tuple(len(level) for level in levels)
    size = prod(shape)
    if size > MAX_CELLS:
        raise ValueError(
            _("the table would have {size} cells (more than {limit}): "
              "count by fewer or coarser columns").format(size=size, limit=MAX_CELLS))
    flat = np.ravel_multi_index(codes, shape)
    counts = np.bincount(flat, minlength=size).reshape(shape)

    flag = (counts >= 1) & (counts <= flag_max)
    review = (counts > flag_max) & (counts <= review_max)
    recoverable = _recoverable(flag)

    table = pd.MultiIndex.from_product(levels, names=by).to_frame(index=False)
    table["count"] = counts.ravel()
    table["status"] = np.select([flag.ravel(), review.ravel()], ["flag", "review"], "ok")
    table["recoverable"] = recoverable.ravel()
    return SmallCells(
        by=tuple(by),
        table=table,
        flagged=int(flag.sum()),
        to_review=int(review.sum()),
        recoverable=int(recoverable.sum()),
        cells=size,
        flag_max=int(flag_max),
        review_max=int(review_max),
    )
