"""Step 2 panes: the data-sharing register, and the disclosure-risk check of a dataset.

The risk pane drives a :class:`~pim_workbook.sdc.workspace.Workspace`: load a file, choose the
quasi-identifiers (and a household id), see who could be singled out, try treatments (local
suppression, PRAM, recoding…) and read the risk and the information loss before and after,
save the treatment as a recipe or follow one saved before, then record the check and the
treatment in the register. pandas is imported only when a file is loaded, so the page opens
without it.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from pim_workbook.app.gate import data_file
from pim_workbook.app.session import Session
from pim_workbook.app.widgets.controls import heading, html, labelled, link_button, text
from pim_workbook.errors import WorkbookError
from pim_workbook.i18n import _, format_number, format_percent
from pim_workbook.record.labels import label
from pim_workbook.record.model import Record
from pim_workbook.sdc.microdata import UPLOAD_LIMIT
from pim_workbook.store.settings import set_thresholds, thresholds

if TYPE_CHECKING:
    from pim_workbook.sdc.workspace import Workspace

NONE = "—"


def _table(rows: list[list[str]], head: list[str], css: str = "pimw-table") -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<table class="{css}"><tr>{cells}</tr>{body}</table>'


def _field(caption: str, widget: w.Widget, hint: str = "") -> w.VBox:
    """A labelled control that takes only the width it needs, for rows of controls."""
    box = labelled(caption, widget, hint)
    box.layout = w.Layout(width="auto")
    return box


def _row(*children: w.Widget) -> w.HBox:
    """Controls side by side, buttons aligned with the bottom of the boxes."""
    return w.HBox(list(children), layout=w.Layout(align_items="flex-end", flex_flow="row wrap"))


# -- register ------------------------------------------------------------------------------
def register_summary(session: Session) -> w.VBox:
    """The register as it will be exported, and a button that writes and checks it."""
    from pim_workbook.outputs.register import entries

    table = html("")
    result = html("")
    button = w.Button(description=_("Export the register (HXL, JSON, datapackage.json)"),
                      button_style="primary")

    def draw(record: Record) -> None:
        rows = [[e.id, e.title, label(e.sensitivity) if e.sensitivity else NONE, _(e.personal),
                 e.recipients or NONE,
                 _(e.risk_status) + (f" (k={e.risk_k})" if e.risk_k else ""),
                 e.treatment or NONE] for e in entries(record, session.content)]
        table.value = _table(rows, [_("Id"), _("Dataset"), _("Sensitivity"),
                                    _("Personal data"), _("Recipients"), _("Disclosure risk"),
                                    _("Treatment")]) \
            if rows else ('<p class="pimw-hint">' + escape(_("No dataset in the register yet."))
                          + "</p>")

    def on_export(_click: Any) -> None:
        import base64

        from pim_workbook.outputs.filenames import default_exports_dir
        from pim_workbook.outputs.register import check_file, write_register

        def run() -> None:
            folder = default_exports_dir()
            lines = []
            for path in write_register(session.store, session.aid, folder):
                problems = check_file(path)
                verdict = ('<span class="pimw-ok">' + escape(_("valid")) + "</span>"
                           if not problems else
                           '<span class="pimw-error">' + escape("; ".join(problems))
                           + "</span>")
                name = str(path.relative_to(folder))
                data = base64.b64encode(path.read_bytes()).decode()
                lines.append(f'<li><a download="{escape(path.name)}" href="data:text/plain;'
                             f'base64,{data}">{escape(name)}</a> {verdict}</li>')
            written = escape(_("Written to {folder}")).format(folder=escape(str(folder)))
            result.value = f"<ul>{''.join(lines)}</ul>" f'<p class="pimw-hint">{written}</p>'
        session.write(run)

    button.on_click(on_export)
    session.on_refresh(draw)
    return w.VBox([table, w.HBox([button]), result], layout=w.Layout(width="100%"))


# -- disclosure risk -----------------------------------------------------------------------
class RiskPane:
    """The widgets of the disclosure-risk check; each button is a method tests can call."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.work: Workspace | None = None
        self.message = html("")
        # 1. the file
        self.sample_button = w.Button(description=_("Use the sample microdata"))
        self.server_file = w.Dropdown(layout=w.Layout(width="32rem"))
        self.server_file.add_class("pimw-risk-server-file")
        self.list_button = w.Button(description=_("Look again"))
        self.read_button = w.Button(description=_("Read the file"))
        self.server_hint = html("")
        self.upload = w.FileUpload(accept=".csv,.xlsx,.xls", multiple=False,
                                   description=_("Upload a small file"))
        self.na_values = text(_("e.g. NA, n/a, -99"), width="16rem")
        self.loaded = html("")
        # 2. the columns and thresholds
        self.quasi = w.SelectMultiple(rows=8, layout=w.Layout(width="20rem"))
        self.sensitive = w.SelectMultiple(rows=8, layout=w.Layout(width="20rem"))
        self.weight = w.Dropdown(layout=w.Layout(width="16rem"))
        self.household = w.Dropdown(layout=w.Layout(width="16rem"))
        min_k, max_risk = thresholds(session.store)
        self.min_k = w.BoundedIntText(value=min_k, min=1, max=1000,
                                      layout=w.Layout(width="8rem"))
        self.max_risk = w.BoundedFloatText(value=round(100 * max_risk, 3), min=0, max=100,
                                           step=0.5, layout=w.Layout(width="8rem"))
        self.check_button = w.Button(description=_("Check the risk"),
                                     button_style="primary")
        # 3. the result
        self.result = html("")
        self.riskiest = html("")
        self.drivers_button = w.Button(
            description=_("Which quasi-identifiers drive the risk?"))
        self.drivers = html("")
        # 4. treatments
        self.merge_column = w.Dropdown(layout=w.Layout(width="16rem"))
        self.merge_values = w.SelectMultiple(rows=7, layout=w.Layout(width="20rem"))
        self.merge_label = text(_("new category, e.g. 18-59"), width="16rem")
        self.merge_button = w.Button(description=_("Merge into one category"))
        self.bands_button = w.Button(description=_("Age groups into 0-17 / 18-59 / 60+"))
        self.replace_column = w.Dropdown(layout=w.Layout(width="16rem"))
        self.replace_by = w.Dropdown(layout=w.Layout(width="16rem"))
        self.replace_button = w.Button(description=_("Replace by the coarser column"))
        self.suppress_column = w.Dropdown(layout=w.Layout(width="16rem"))
        self.suppress_button = w.Button(description=_("Remove the column"))
        self.drop_button = w.Button()  # its words name the k in force
        self.undo_button = w.Button(description=_("Undo the last step"))
        self.keep = text(_("default: fewest categories kept longest"), width="24rem")
        self.keep_households = w.Checkbox(description=_("Keep households together"),
                                          indent=False)
        self.local_button = w.Button()  # its words name the k in force
        self.pram_columns = w.SelectMultiple(rows=4, layout=w.Layout(width="16rem"))
        self.pram_pd = w.BoundedFloatText(value=0.8, min=0.01, max=1, step=0.05,
                                          layout=w.Layout(width="9rem"))
        self.pram_alpha = w.BoundedFloatText(value=0.5, min=0, max=1, step=0.1,
                                             layout=w.Layout(width="6rem"))
        self.pram_seed = w.IntText(value=secrets.randbelow(100_000),
                                   layout=w.Layout(width="8rem"))
        self.pram_button = w.Button(description=_("Post-randomise (PRAM)"))
        self.tabulate = w.SelectMultiple(rows=4, layout=w.Layout(width="16rem"))
        self.loss_button = w.Button(description=_("Compare the information kept"))
        self.steps = html("")
        self.steps.add_class("pimw-risk-steps")
        self.loss = html("")
        self.recipe_link = html("")
        self.recipe_upload = w.FileUpload(accept=".json", multiple=False,
                                          description=_("Follow a saved recipe"))
        # 5. small cells
        self.cells_by = w.SelectMultiple(rows=6, layout=w.Layout(width="20rem"))
        self.cells_button = w.Button(description=_("Check small cells"))
        self.cells = html("")
        # 6. recording
        self.dataset = w.Dropdown(layout=w.Layout(width="32rem"))
        self.record_check_button = w.Button(description=_("Record the check as evidence"))
        self.record_treatment_button = w.Button(
            description=_("Record the treatment and write the file"),
            button_style="success")
        self.recorded = html("")
        for name in ("quasi", "sensitive", "weight", "household", "merge_column",
                     "merge_values", "replace_column", "replace_by", "suppress_column",
                     "cells_by", "dataset", "keep", "keep_households", "pram_columns",
                     "pram_seed", "tabulate", "na_values"):
            getattr(self, name).add_class(f"pimw-risk-{name.replace('_', '-')}")
        self.server_row = _row()
        self.list_server_files()
        self._wire()
        self._draw_drop()
        session.on_refresh(self._draw_datasets)
        self._enable()

    # -- wiring ------------------------------------------------------------------------
    def _wire(self) -> None:
        clicks: list[tuple[w.Button, Callable[[], None]]] = [
            (self.sample_button, self.use_sample), (self.read_button, self.read_server_file),
            (self.list_button, self.list_server_files),
            (self.check_button, self.check), (self.drivers_button, self.show_drivers),
            (self.merge_button, self.merge),
            (self.bands_button, self.age_bands), (self.replace_button, self.replace),
            (self.suppress_button, self.suppress), (self.drop_button, self.drop),
            (self.undo_button, self.undo), (self.cells_button, self.check_cells),
            (self.local_button, self.local_suppression), (self.pram_button, self.pram),
            (self.loss_button, self.show_loss),
            (self.record_check_button, self.record_check),
            (self.record_treatment_button, self.record_treatment)]
        for button, act in clicks:
            button.on_click(lambda _, act=act: self._attempt(act))
        self.upload.observe(lambda _: self._attempt(self.read_upload), "value")
        self.recipe_upload.observe(lambda _: self._attempt(self.follow_upload), "value")
        self.household.observe(lambda _: self._enable(), "value")
        self.session.party_picker.observe(lambda _: self._enable(), "value")
        self.merge_column.observe(lambda _: self._draw_merge_values(), "value")
        self.quasi.observe(lambda _: self._draw_quasi_choices(), "value")
        self.min_k.observe(lambda _: self._save_thresholds(), "value")
        self.max_risk.observe(lambda _: self._save_thresholds(), "value")

    def _attempt(self, act: Callable[[], None]) -> None:
        self.message.value = ""
        try:
            act()
        except (WorkbookError, ValueError, OSError) as exc:
            self.message.value = f'<p class="pimw-error">{escape(str(exc))}</p>'

    def _enable(self) -> None:
        ready = self.work is not None
        has_dataset = self.dataset.value is not None and not self.session.read_only
        self.min_k.disabled = self.max_risk.disabled = not self.session.is_facilitator
        for widget in (self.check_button, self.drivers_button, self.merge_button, self.bands_button,
                       self.replace_button, self.suppress_button, self.drop_button,
                       self.cells_button, self.local_button, self.pram_button,
                       self.loss_button, self.recipe_upload):
            widget.disabled = not ready
        self.keep_households.disabled = self.household.value in (None, NONE)
        self.undo_button.disabled = not (ready and self.work and self.work.steps)
        self.record_check_button.disabled = not (ready and has_dataset)
        self.record_treatment_button.disabled = not (ready and has_dataset and self.work
                                                     and self.work.steps)

    def _draw_datasets(self, record: Record) -> None:
        options = [(f"{dsid} · {ds.title}", dsid) for dsid, ds in record.datasets.items()]
        if list(self.dataset.options) != options:
            keep = self.dataset.value if self.dataset.value in record.datasets else None
            self.dataset.options = options
            self.dataset.value = keep or (options[-1][1] if options else None)
        self._enable()

    def _draw_drop(self) -> None:
        self.drop_button.description = _("Drop records in groups smaller than {k}").format(
            k=self.min_k.value)
        self.local_button.description = _("Suppress values to reach k = {k}").format(
            k=max(2, self.min_k.value))

    def _save_thresholds(self) -> None:
        self._draw_drop()
        if not self.session.is_facilitator:
            return
        self.session.write(lambda: set_thresholds(self.session.store, self.min_k.value,
                                                  self.max_risk.value / 100))
        if self.work is not None:
            self.work.min_k, self.work.max_risk = self.min_k.value, self.max_risk.value / 100

    # -- 1. loading --------------------------------------------------------------------
    def _loaded(self, work: Workspace) -> None:
        work.min_k, work.max_risk = self.min_k.value, self.max_risk.value / 100
        self.work = work
        columns = work.columns
        said = escape(_("{file}: {records} records, {columns} columns.")).format(
            file=escape(work.file), records=format_number(len(work.table)),
            columns=len(columns))
        self.loaded.value = f'<p class="pimw-ok">{said}</p>'
        self.quasi.options = self.sensitive.options = self.cells_by.options = columns
        self.pram_columns.options = self.tabulate.options = columns
        self.weight.options = self.household.options = [NONE, *columns]
        self.weight.value = self.household.value = NONE
        for dropdown in (self.replace_by, self.suppress_column):
            dropdown.options = columns
        self._draw_quasi_choices()
        self.result.value = self.riskiest.value = self.steps.value = self.cells.value = ""
        self.drivers.value = self.loss.value = self.recipe_link.value = ""
        self._enable()

    def use_sample(self) -> None:
        from pim_workbook.sdc.workspace import Workspace

        self._loaded(Workspace.from_sample())

    def list_server_files(self) -> None:
        """Offer the tables of the host's data folder (the facilitator's link only)."""
        from pim_workbook.access import data_folder
        from pim_workbook.errors import AccessDenied, DataFolderError
        from pim_workbook.sdc.datafolder import tables

        self.server_file.options = []
        try:
            names = tables(data_folder(self.session.store))
        except AccessDenied:  # a partner's page: the upload's hint says what to do
            self.server_row.children = ()
            return
        except DataFolderError as exc:
            self.server_hint.value = f'<span class="pimw-hint">{escape(str(exc))}</span>'
            self.server_row.children = (self.server_hint,)
            return
        self.server_file.options = names
        self.server_file.value = names[0] if names else None
        hint = "" if names else _("it has no CSV or Excel file yet")
        self.server_row.children = (
            _field(_("Or a file of the server's data folder"), self.server_file, hint),
            self.read_button, self.list_button)

    def read_server_file(self) -> None:
        from pim_workbook.sdc.workspace import Workspace

        if not self.server_file.value:
            raise ValueError(_("choose a file of the data folder first"))
        name = self.server_file.value
        self._loaded(Workspace.from_data_folder(data_file(self.session.store, name), name,
                                                na_values=self._missing()))

    def read_upload(self) -> None:
        from pim_workbook.sdc.workspace import Workspace

        if not self.upload.value:
            return
        upload = self.upload.value[0]
        data = bytes(upload["content"])
        if len(data) > UPLOAD_LIMIT:
            raise ValueError(_("{file} is larger than {limit} MB: give it to the facilitator, "
                               "who puts it in the server's data folder")
                             .format(file=upload["name"], limit=UPLOAD_LIMIT // 2**20))
        self._loaded(Workspace.from_upload(data, upload["name"], na_values=self._missing()))

    def _missing(self) -> list[str]:
        """The values read as missing besides empty fields (typed, comma-separated)."""
        return [v.strip() for v in self.na_values.value.split(",") if v.strip()]

    # -- 2-3. checking -----------------------------------------------------------------
    def _require(self) -> Workspace:
        if self.work is None:
            raise ValueError(_("load a file first"))
        if not self.quasi.value:
            raise ValueError(_("choose the quasi-identifiers: the columns someone could know "
                               "about a person (place, age group, sex, nationality…)"))
        self.work.quasi = list(self.quasi.value)
        self.work.sensitive = [c for c in self.sensitive.value if c not in self.work.quasi]
        self.work.weight = None if self.weight.value in (None, NONE) else self.weight.value
        self.work.household = (None if self.household.value in (None, NONE)
                               else self.household.value)
        self.work.tabulate = list(self.tabulate.value)
        return self.work

    def check(self) -> None:
        """Measure the risk before and after the steps tried so far, side by side."""
        from pim_workbook.sdc.workspace import FIGURES, HOUSEHOLD_FIGURES, figure

        work = self._require()
        before = work.before()
        after = work.after() if work.steps else None
        rows = []
        shown_figures = FIGURES + (HOUSEHOLD_FIGURES if "household_risk" in before else ())
        for caption, key, shown in shown_figures:
            row = [_(caption), shown.format(figure(before, key))]
            if after is not None:
                row.append(shown.format(figure(after, key)))
            rows.append(row)
        for column in work.sensitive:
            row = [_("l-diversity of {column}").format(column=column),
                   str(before["l_diversity"][column])]
            if after is not None:
                row.append(str(after["l_diversity"].get(column, NONE)))
            rows.append(row)
        for band, count in before["risk_bands"].items():
            row = [_("Records with individual risk {band}").format(band=_(band)),
                   format_number(count)]
            if after is not None:
                row.append(format_number(after["risk_bands"][band]))
            rows.append(row)
        head = [_("Figure"), _("Before")] + ([_("After the steps")] if after is not None
                                            else [])
        latest = after or before
        limit = escape(format_percent(work.max_risk, 1))
        if "household_risk" in latest:
            needs = _("Needs action: the target is k ≥ {k} and a household risk of at most "
                      "{risk}")
            within = _("Within the thresholds (k ≥ {k}, household risk ≤ {risk})")
        else:
            needs = _("Needs action: the target is k ≥ {k} and a global risk of at most "
                      "{risk}")
            within = _("Within the thresholds (k ≥ {k}, global risk ≤ {risk})")
        verdict = (
            '<p class="pimw-badge pimw-diverge">'
            + escape(needs).format(k=work.min_k, risk=limit) + "</p>"
            if latest["needs_action"] else
            '<p class="pimw-badge pimw-agreed">'
            + escape(within).format(k=work.min_k, risk=limit) + "</p>")
        self.result.value = verdict + _table(rows, head, "pimw-table pimw-figures")
        risky = work.riskiest()
        if len(risky):
            self.riskiest.value = (
                "<h4>" + escape(_("Combinations shared by fewer than {k} records"))
                .format(k=work.min_k) + "</h4>"
                '<p class="pimw-hint">'
                + escape(_("Someone who knows these facts about a person could single them "
                           "out. Only the quasi-identifiers are shown.")) + "</p>"
                + _table(risky.astype(str).to_numpy().tolist(), list(map(str, risky.columns))))
        else:
            self.riskiest.value = ""
        self._enable()

    def show_drivers(self) -> None:
        """k and global risk for every combination of the quasi-identifiers."""
        work = self._require()
        rows = [[", ".join(cols), str(r.k), format_number(r.sample_uniques),
                 format_number(r.below_k["3"]), format_percent(r.global_risk, 2),
                 str(min(r.l_diversity.values())) if r.l_diversity else "—"]
                for cols, r in work.by_combination()]
        self.drivers.value = (
            '<p class="pimw-hint">'
            + escape(_("Adding a quasi-identifier can only make groups smaller: the first "
                       "combination where k drops below the target shows what to "
                       "generalise.")) + "</p>"
            + _table(rows, [_("Quasi-identifiers"), "k", _("Sample uniques"),
                            _("In groups < 3"), _("Global risk"), _("Smallest l")]))

    # -- 4. treatments -----------------------------------------------------------------
    def _draw_quasi_choices(self) -> None:
        """Only quasi-identifiers are generalised: their categories go into the register."""
        for dropdown in (self.merge_column, self.replace_column):
            keep = dropdown.value
            dropdown.options = list(self.quasi.value)
            dropdown.value = keep if keep in self.quasi.value else None
        self._draw_merge_values()

    def _draw_merge_values(self) -> None:
        if self.work is None or self.merge_column.value is None:
            self.merge_values.options = []
            return
        table, _ = self.work.treated()
        column = self.merge_column.value
        values = (sorted(map(str, table[column].dropna().unique()))
                  if column in table.columns else [])
        self.merge_values.options = values

    def _add(self, step: Any) -> None:
        work = self._require()
        work.add(step)
        self._draw_steps()
        self.check()

    def _draw_steps(self) -> None:
        assert self.work is not None
        _, sentences = self.work.treated()
        self.steps.value = ("<ol>" + "".join(f"<li>{escape(s)}</li>" for s in sentences)
                            + "</ol>") if sentences else ""
        self._draw_recipe()
        self._draw_merge_values()
        self.loss.value = ""
        if sentences:
            self.show_loss()
        self._enable()

    def _draw_recipe(self) -> None:
        """A one-click download of the steps as a recipe, to replay on the next delivery."""
        from pim_workbook.sdc.recipe import recipe_json

        assert self.work is not None
        if not self.work.steps:
            self.recipe_link.value = ""
            return
        data = base64.b64encode(recipe_json(self.work.recipe()).encode()).decode()
        name = f"{Path(self.work.file).stem}-recipe.json"
        self.recipe_link.value = link_button(f"data:application/json;base64,{data}",
                                             _("Save the recipe"), download=name)

    def local_suppression(self) -> None:
        from pim_workbook.sdc.treatments import LocalSuppression

        work = self._require()
        quasi = work.chosen_in(work.treated()[0])[0]
        keep = [c.strip() for c in self.keep.value.split(",") if c.strip()]
        self._add(LocalSuppression(
            keys=tuple(quasi), k=max(2, work.min_k), importance=tuple(keep) if keep else None,
            household=work.household if self.keep_households.value else None,
            weight=work.weight))

    def pram(self) -> None:
        from pim_workbook.sdc.treatments import Pram

        if not self.pram_columns.value:
            raise ValueError(_("choose the column(s) to post-randomise, typically a sensitive "
                               "one"))
        self._add(Pram(columns=tuple(self.pram_columns.value), pd=self.pram_pd.value,
                       alpha=self.pram_alpha.value, seed=self.pram_seed.value))

    def show_loss(self) -> None:
        """Per column, what the steps suppressed, recoded and perturbed, and how far the
        chosen tabulation moved: the price of the risk shown beside it."""
        work = self._require()
        if not work.steps:
            raise ValueError(_("no treatment yet: add a step first"))
        from pim_workbook.sdc.loss import changed_columns

        loss = work.loss().to_dict()
        rows = [[column, format_number(c["suppressed"]), format_number(c["recoded"]),
                 format_number(c["perturbed"]),
                 f'{c["categories_before"]} → {c["categories_after"]}']
                for column, c in changed_columns(loss).items()]
        said = escape(_("Records dropped: {count}.")).format(
            count=format_number(loss["records_dropped"]))
        parts = ["<h4>" + escape(_("Information loss")) + "</h4>",
                 _table(rows, [_("Column"), _("Suppressed"), _("Recoded"), _("Perturbed"),
                               _("Categories before → after")]) if rows else "",
                 f"<p>{said}</p>"]
        tabulation = loss["tabulation"]
        if tabulation:
            change = tabulation["largest_relative_change"]
            parts.append("<p>" + escape(_("Table of {columns}: largest relative change "
                                          "{change}.")).format(
                columns=escape(" × ".join(tabulation["columns"])),
                change=NONE if change is None else format_percent(change, 1)) + "</p>")
            cells = [[" · ".join(map(str, c["cell"])), format_number(c["before"]),
                      format_number(c["after"])] for c in tabulation["cells"][:20]]
            parts.append(_table(cells, [_("Cell"), _("Before"), _("After")]))
        self.loss.value = "".join(parts)

    def follow_upload(self) -> None:
        """Take the columns and steps of a recipe saved before (checked on this table)."""
        from pim_workbook.sdc.recipe import parse_recipe

        if not self.recipe_upload.value or self.work is None:
            return
        upload = self.recipe_upload.value[0]
        recipe = parse_recipe(bytes(upload["content"]), upload["name"])
        self.work.follow(recipe)
        self.quasi.value = tuple(recipe.quasi)
        self.sensitive.value = tuple(recipe.sensitive)
        self.weight.value = recipe.weight or NONE
        self.household.value = recipe.household or NONE
        self.tabulate.value = tuple(recipe.tabulate)
        self._draw_steps()
        self.check()

    def merge(self) -> None:
        from pim_workbook.sdc.treatments import Generalise

        label = self.merge_label.value.strip()
        if len(self.merge_values.value) < 1 or not label:
            raise ValueError(_("choose the categories to merge and type the new category"))
        self._add(Generalise(column=self.merge_column.value,
                             mapping={v: label for v in self.merge_values.value}))
        self.merge_label.value = ""

    def age_bands(self) -> None:
        from pim_workbook.sdc.treatments import AGE_BANDS, Generalise, merge_mapping

        column = self.merge_column.value
        if column is None:
            raise ValueError(_("choose the age-group column first"))
        self._add(Generalise(column=column, mapping=merge_mapping(AGE_BANDS)))

    def replace(self) -> None:
        from pim_workbook.sdc.treatments import ReplaceWith

        self._add(ReplaceWith(column=self.replace_column.value, by=self.replace_by.value))

    def suppress(self) -> None:
        from pim_workbook.sdc.treatments import Suppress

        self._add(Suppress(column=self.suppress_column.value))

    def drop(self) -> None:
        from pim_workbook.sdc.treatments import DropRecords

        work = self._require()
        quasi, _, _ = work.chosen_in(work.treated()[0])
        self._add(DropRecords(quasi=tuple(quasi), below=max(2, work.min_k),
                              household=work.household))

    def undo(self) -> None:
        if self.work is not None:
            self.work.undo()
            self._draw_steps()
            if self.result.value:
                self.check()

    # -- 5. small cells ----------------------------------------------------------------
    def check_cells(self) -> None:
        work = self._require()
        if not self.cells_by.value:
            raise ValueError(_("choose the columns the published table is counted by"))
        cells = work.small_cells(list(self.cells_by.value))
        flagged = cells.table[cells.table["status"] != "ok"]
        summary = "<p>" + escape(_(
            "{cells} cells: {flagged} with 1–{flag_max} records (suppress or merge), "
            "{to_review} with {review_min}–{review_max} (review); {recoverable} suppressed "
            "cells could be worked out from the row and column totals.")).format(
                cells=format_number(cells.cells), flagged=f"<b>{cells.flagged}</b>",
                flag_max=cells.flag_max, to_review=f"<b>{cells.to_review}</b>",
                review_min=cells.flag_max + 1, review_max=cells.review_max,
                recoverable=f"<b>{cells.recoverable}</b>") + "</p>"
        shown = flagged.head(20).astype(str).to_numpy().tolist()
        self.cells.value = summary + (_table(shown, list(map(str, flagged.columns)))
                                      if shown else "")

    # -- 6. recording ------------------------------------------------------------------
    def record_check(self) -> None:
        work = self._require()
        dsid = self.dataset.value
        from pim_workbook.evidence import record_workspace_check

        if self.session.write(lambda: record_workspace_check(
                self.session.store, self.session.aid, dsid, work, actor=self.session.actor,
                party=self.session.party or None)):
            said = escape(_("The check of {file} is recorded in the register as evidence "
                            "for {dataset}.")).format(file=escape(work.file), dataset=dsid)
            self.recorded.value = f'<p class="pimw-ok">{said}</p>'

    def record_treatment(self) -> None:
        from pim_workbook.evidence import record_workspace_treatment
        from pim_workbook.outputs.filenames import default_exports_dir

        work = self._require()
        dsid = self.dataset.value
        written: list[Path] = []
        if self.session.write(lambda: written.append(record_workspace_treatment(
                self.session.store, self.session.aid, dsid, work, actor=self.session.actor,
                out_dir=default_exports_dir(), party=self.session.party or None))):
            folder = written[0].parent
            said = escape(_("Treatment recorded for {dataset}. The treated file and its "
                            "datapackage.json are in {folder}.")).format(
                dataset=dsid, folder=f"<code>{escape(str(folder))}</code>")
            self.recorded.value = f'<p class="pimw-ok">{said}</p>'

    # -- layout ------------------------------------------------------------------------
    def widget(self) -> w.VBox:
        return w.VBox([
            heading(_("Could someone be singled out?")),
            html('<p class="pimw-hint">'
                 + escape(_("Pseudonymised or aggregated data may still identify people, "
                            "depending on the location and the number of records. Check the "
                            "file you intend to share before it leaves the building."))
                 + "</p>"),
            heading(_("1. The file"), 3),
            _row(self.sample_button),
            _row(self.upload, html(
                '<span class="pimw-hint">'
                + escape(_("up to {limit} MB; give a larger file to the facilitator, who "
                           "puts it in the server's data folder"), quote=False)
                .format(limit=UPLOAD_LIMIT // 2**20) + "</span>")),
            self.server_row,
            _row(_field(_("Also read as missing"), self.na_values,
                        _("besides empty fields; before reading the file"))),
            self.loaded,
            heading(_("2. The columns"), 3),
            _row(_field(_("Quasi-identifiers"), self.quasi,
                        _("what someone could know about a person")),
                 _field(_("Sensitive columns"), self.sensitive,
                        _("what must not be learnt about them")),
                 _field(_("Sampling weight"), self.weight, _("if the file is a sample")),
                 _field(_("Household id"), self.household,
                        _("knowing one member identifies the household"))),
            _row(_field(_("Target k"), self.min_k),
                 _field(_("Global risk threshold (%)"), self.max_risk), self.check_button),
            self.message,
            heading(_("3. The risk"), 3), self.result, self.riskiest,
            _row(self.drivers_button), self.drivers,
            heading(_("4. Try a treatment"), 3),
            html('<p class="pimw-hint">'
                 + escape(_("Each step applies to the table as the previous steps left it; "
                            "before and after are shown side by side. Only "
                            "quasi-identifiers are generalised.")) + "</p>"),
            _row(_field(_("Merge categories of"), self.merge_column),
                 _field(_("Categories"), self.merge_values),
                 _field(_("into"), self.merge_label), self.merge_button),
            _row(self.bands_button),
            _row(_field(_("Replace"), self.replace_column),
                 _field(_("by the coarser"), self.replace_by), self.replace_button),
            _row(_field(_("Remove the column"), self.suppress_column), self.suppress_button),
            _row(_field(_("Keep longest (importance order)"), self.keep,
                        _("quasi-identifiers, comma-separated, the one to keep longest "
                          "first")), self.keep_households, self.local_button),
            _row(_field(_("PRAM on"), self.pram_columns),
                 _field(_("Stays at least (pd)"), self.pram_pd),
                 _field(_("alpha"), self.pram_alpha), _field(_("Seed"), self.pram_seed),
                 self.pram_button),
            _row(self.drop_button, self.undo_button),
            self.steps,
            _row(_field(_("Compare the table of"), self.tabulate), self.loss_button),
            self.loss,
            _row(self.recipe_link, self.recipe_upload),
            heading(_("5. Small cells in a published table"), 3),
            _row(_field(_("Counted by"), self.cells_by), self.cells_button),
            self.cells,
            heading(_("6. Record it in the register"), 3),
            _row(_field(_("Dataset in the register"), self.dataset)),
            _row(self.record_check_button, self.record_treatment_button),
            self.recorded,
        ], layout=w.Layout(width="100%"))


def risk_pane(session: Session) -> w.VBox:
    """The disclosure-risk check pane of Step 2."""
    return RiskPane(session).widget()
