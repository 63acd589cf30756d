"""A disclosure-risk check in progress: the file, the chosen columns, the treatments tried.

:class:`Workspace` is what the Step 2 page drives (and what a script or test drives the same
way): load a table, pick the quasi-identifiers (and a household id), see the risk, try
treatments and compare risk and information loss, then hand the evidence, the recipe and
the treated table to :mod:`pim_workbook.evidence`, which records them. The table itself
stays in memory; only counts, column names and the steps taken reach the store. Nothing here
writes the store.

With a household id, the verdict weighs the household risk (knowing one member identifies
the household) against the risk threshold instead of the individual global risk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pim_workbook.i18n import N_, _
from pim_workbook.record.model import RiskEvidence
from pim_workbook.sdc.microdata import DEFAULT_MAX_RISK, DEFAULT_MIN_K, read_bytes, read_table

if TYPE_CHECKING:
    import pandas as pd

    from pim_workbook.sdc.loss import InformationLoss
    from pim_workbook.sdc.recipe import Recipe, Replayed
    from pim_workbook.sdc.risk import RiskResult
    from pim_workbook.sdc.small_cells import SmallCells
    from pim_workbook.sdc.treatments import Treatment

FIGURES = (  # (label, key of RiskResult.to_dict, how to show it); shown as _(label)
    (N_("Records"), "n", "{:,}"),
    (N_("Smallest group (k)"), "k", "{}"),
    (N_("Combinations"), "classes", "{:,}"),
    (N_("Sample uniques"), "sample_uniques", "{:,}"),
    (N_("Sample uniques (share)"), "below_k_share.2", "{:.1%}"),
    (N_("Records in groups < 3"), "below_k.3", "{:,}"),
    (N_("Records in groups < 3 (share)"), "below_k_share.3", "{:.1%}"),
    (N_("Records in groups < 5"), "below_k.5", "{:,}"),
    (N_("Records in groups < 5 (share)"), "below_k_share.5", "{:.1%}"),
    (N_("Expected re-identifications"), "expected_reidentifications", "{:.1f}"),
    (N_("Global risk"), "global_risk", "{:.2%}"),
)
HOUSEHOLD_FIGURES = (  # shown when a household id is chosen
    (N_("Households"), "households", "{:,}"),
    (N_("Household risk: expected re-identifications"),
     "household_expected_reidentifications", "{:.1f}"),
    (N_("Household risk"), "household_risk", "{:.2%}"),
)


def figure(result: dict[str, Any], key: str) -> Any:
    """A value of a result summary; ``below_k.3`` reaches into ``below_k``."""
    head, _dot, tail = key.partition(".")
    return result[head][tail] if tail else result[head]


@dataclass
class Workspace:
    """One table under examination and the treatments tried on it."""

    table: pd.DataFrame
    file: str
    quasi: list[str] = field(default_factory=list)
    sensitive: list[str] = field(default_factory=list)
    weight: str | None = None
    household: str | None = None
    steps: list[Treatment] = field(default_factory=list)
    min_k: int = DEFAULT_MIN_K
    max_risk: float = DEFAULT_MAX_RISK
    na_values: list[str] = field(default_factory=list)
    tabulate: list[str] = field(default_factory=list)
    _treated: tuple[str, Replayed] | None = field(default=None, repr=False, compare=False)

    # -- loading -----------------------------------------------------------------------
    @classmethod
    def from_path(cls, path: str | Path, *, na_values: list[str] | None = None,
                  **options: Any) -> Workspace:
        """A CSV or Excel file at any path: the host's own scripts, never a page."""
        missing = list(na_values or [])
        return cls(read_table(path, na_values=missing), Path(path).name, na_values=missing,
                   **options)

    @classmethod
    def from_data_folder(cls, path: Path, name: str, *, na_values: list[str] | None = None,
                         **options: Any) -> Workspace:
        """A table of the host's data folder, shown by its ``name`` (never the server's path).

        ``path`` comes from :func:`pim_workbook.app.gate.data_file`, which checks in the
        kernel that the page's link may read the folder, and that the name stays inside it.
        """
        missing = list(na_values or [])
        return cls(read_table(path, shown=name, na_values=missing), name, na_values=missing,
                   **options)

    @classmethod
    def from_upload(cls, data: bytes, name: str, *, na_values: list[str] | None = None,
                    **options: Any) -> Workspace:
        """A small file uploaded through the browser."""
        missing = list(na_values or [])
        return cls(read_bytes(data, name, na_values=missing), Path(name).name,
                   na_values=missing, **options)

    @classmethod
    def from_sample(cls, **options: Any) -> Workspace:
        """The invented protection-monitoring microdata shipped for practice."""
        from pim_workbook.sdc.synthetic import MICRODATA_FILE, synthetic_microdata

        return cls(synthetic_microdata(), MICRODATA_FILE, **options)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.table.columns]

    # -- measuring ---------------------------------------------------------------------
    def _measure(self, table: pd.DataFrame, quasi: list[str], sensitive: list[str],
                 weight: str | None) -> dict[str, Any]:
        """The figures of ``table`` (:meth:`RiskResult.to_dict`), with the household risk
        when a household id is chosen; the verdict then weighs the household risk."""
        from pim_workbook.sdc.risk import household_risk, measure_risk

        result: RiskResult = measure_risk(table, quasi, sensitive=sensitive, weight=weight,
                                          min_k=self.min_k, max_risk=self.max_risk)
        figures = result.to_dict()
        if self.household and self.household in table.columns:
            hh = household_risk(table, quasi, self.household, weight=weight)
            figures.update(household=self.household, households=hh.households,
                           household_expected_reidentifications=hh.expected_reidentifications,
                           household_risk=hh.risk,
                           needs_action=result.k < self.min_k or hh.risk > self.max_risk)
        return figures

    def before(self) -> dict[str, Any]:
        """The risk of the table as loaded."""
        return self._measure(self.table, self.quasi, self.sensitive, self.weight)

    def replayed(self) -> Replayed:
        """The steps run on the table: the treated table, a sentence and a stage per step.

        Kept until the steps change: the page asks for it several times per click, and a
        large table takes a while to treat.
        """
        from pim_workbook.sdc.recipe import replay
        from pim_workbook.sdc.treatments import steps_to_json

        key = steps_to_json(self.steps)
        if self._treated is None or self._treated[0] != key:
            self._treated = (key, replay(self.table, self.steps))
        return self._treated[1]

    def treated(self) -> tuple[pd.DataFrame, list[str]]:
        """The table after the steps, and one sentence per step."""
        done = self.replayed()
        return done.table, done.sentences

    def loss(self) -> InformationLoss:
        """What the steps cost: per column, records dropped, and the chosen tabulation."""
        tabulate = [c for c in self.tabulate if c in self.treated()[0].columns]
        return self.replayed().loss(self.table, tabulate)

    def recipe(self) -> Recipe:
        """The check and its steps as a recipe to replay on the next delivery."""
        from pim_workbook.sdc.recipe import Recipe

        return Recipe(quasi=self.quasi, sensitive=self.sensitive, weight=self.weight,
                      household=self.household, na_values=self.na_values,
                      tabulate=self.tabulate, steps=list(self.steps))

    def follow(self, recipe: Recipe) -> list[str]:
        """Take the columns and steps of ``recipe`` (checked on this table first); returns
        the sentence of each step. The table must have been read with the recipe's
        ``na_values``: what counts as missing changes what the steps do."""
        from pim_workbook.sdc.recipe import replay

        if sorted(recipe.na_values) != sorted(self.na_values):
            raise ValueError(_("the recipe reads {values} as missing, this table was read with "
                               "{read}: read the file again with the recipe's values")
                             .format(values=", ".join(recipe.na_values) or _("empty fields only"),
                                     read=", ".join(self.na_values) or _("empty fields only")))
        named = [*recipe.quasi, *recipe.sensitive, *recipe.tabulate,
                 *(c for c in (recipe.weight, recipe.household) if c)]
        missing = [c for c in dict.fromkeys(named) if c not in self.table.columns]
        if missing:
            raise ValueError(_("the recipe names column(s) this table does not have: {columns}")
                             .format(columns=", ".join(missing)))
        done = replay(self.table, list(recipe.steps))  # a step that does not fit raises here
        self.quasi, self.sensitive = list(recipe.quasi), list(recipe.sensitive)
        self.weight, self.household = recipe.weight, recipe.household
        self.tabulate, self.steps = list(recipe.tabulate), list(recipe.steps)
        self._treated = None
        return done.sentences

    def chosen_in(self, table: pd.DataFrame) -> tuple[list[str], list[str], str | None]:
        """The quasi-identifiers, sensitive columns and weight that ``table`` still has."""
        kept = set(map(str, table.columns))
        return ([c for c in self.quasi if c in kept], [c for c in self.sensitive if c in kept],
                self.weight if self.weight in kept else None)

    def after(self) -> dict[str, Any]:
        """The risk of the treated table, on the quasi-identifiers it still has."""
        table = self.treated()[0]
        quasi, sensitive, weight = self.chosen_in(table)
        if not quasi:
            raise ValueError(_("every quasi-identifier has been suppressed: nothing left to "
                               "measure; undo a step"))
        return self._measure(table, quasi, sensitive, weight)

    def by_combination(self) -> list[tuple[list[str], RiskResult]]:
        """The risk of the treated table for every combination of its quasi-identifiers."""
        from pim_workbook.sdc.risk import measure_by_subset

        table = self.treated()[0]
        quasi, sensitive, weight = self.chosen_in(table)
        return measure_by_subset(table, quasi, sensitive=sensitive, weight=weight,
                                 min_k=self.min_k, max_risk=self.max_risk)

    def riskiest(self, limit: int = 12) -> pd.DataFrame:
        """Combinations of the treated table shared by fewer than ``min_k`` records.

        Only the quasi-identifier values and the count: never a sensitive column.
        """
        table = self.treated()[0]
        quasi = self.chosen_in(table)[0]
        counts = table.groupby(quasi, dropna=False, sort=False).size().rename("records")
        small = counts[counts < self.min_k].sort_values(kind="stable")
        return small.head(limit).reset_index()

    def small_cells(self, by: list[str], flag_max: int = 4, review_max: int = 9) -> SmallCells:
        """The small-cell check of the treated table counted by ``by``."""
        from pim_workbook.sdc.small_cells import small_cells

        table = self.treated()[0]
        return small_cells(table, by, flag_max=flag_max, review_max=review_max)

    # -- treatments --------------------------------------------------------------------
    def add(self, step: Treatment) -> str:
        """Add a step if it applies to the treated table; returns its sentence."""
        column = getattr(step, "column", None)
        if getattr(step, "kind", "") in ("generalise", "replace_with") and \
                column not in self.quasi:
            raise ValueError(_("{column} is not a quasi-identifier: only quasi-identifiers are "
                               "generalised, as their categories are written in the register")
                             .format(column=column))
        sentence = step.treat(self.treated()[0])[1]  # a clear ValueError if it does not fit
        self.steps.append(step)
        return sentence

    def undo(self) -> None:
        if self.steps:
            self.steps.pop()

    # -- evidence ----------------------------------------------------------------------
    def _evidence(self, figures: dict[str, Any], table: pd.DataFrame,
                  actor: str) -> RiskEvidence:
        quasi, sensitive, weight = self.chosen_in(table)
        return evidence(figures, file=self.file, quasi=quasi, sensitive=sensitive,
                        weight=weight, actor=actor)

    def check(self, actor: str) -> RiskEvidence:
        """The risk of the table as loaded, as evidence for the register (counts only)."""
        return self._evidence(self.before(), self.table, actor)

    def treatment(self, actor: str) -> Treated:
        """The treated table with its steps, recipe, information loss and the evidence
        before and after them."""
        if not self.steps:
            raise ValueError(_("no treatment to record: add at least one step first"))
        table, sentences = self.treated()
        return Treated(table, sentences, self.check(actor),
                       self._evidence(self.after(), table, actor), self.recipe(), self.loss())


@dataclass(frozen=True)
class Treated:
    """A treatment ready to record: the table to share and what was done to it."""

    table: pd.DataFrame
    steps: list[str]
    before: RiskEvidence
    after: RiskEvidence
    recipe: Recipe
    loss: InformationLoss


def evidence(result: dict[str, Any], *, file: str, quasi: list[str], sensitive: list[str],
             weight: str | None, actor: str) -> RiskEvidence:
    """Risk-check evidence from a summary of figures (counts only)."""
    return RiskEvidence(
        checked_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        checked_by=actor, file=Path(file).name, quasi=list(quasi),
        sensitive=list(sensitive), weight=weight, **result)
