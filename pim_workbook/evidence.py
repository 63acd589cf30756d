"""Disclosure-control evidence in the record: a risk check or a treatment attached to a
dataset of the register (evidence for Step 2, Q3), with the treated file and its
``datapackage.json`` written next to it. The checks themselves are pure
(:mod:`pim_workbook.sdc`); this is where they reach the store.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pim_workbook.i18n import _
from pim_workbook.outputs.filenames import output_path
from pim_workbook.outputs.register import data_file_name, dataset_folder, write_datapackage
from pim_workbook.record.model import RiskEvidence
from pim_workbook.store.protocol import WorkbookStore

if TYPE_CHECKING:
    from pim_workbook.sdc.workspace import Workspace


def pick_dataset(store: WorkbookStore, aid: str, dsid: str | None, title: str, *,
                 actor: str) -> str:
    """The register entry to attach evidence to: ``dsid``, the only one, or a new one."""
    record = store.get(aid)
    if dsid:
        if dsid not in record.datasets:
            raise ValueError(_("assessment {assessment} has no dataset {dataset} "
                               "(datasets: {datasets})")
                             .format(assessment=repr(aid), dataset=repr(dsid),
                                     datasets=", ".join(record.datasets) or _("none yet")))
        return dsid
    if len(record.datasets) == 1:
        return next(iter(record.datasets))
    if record.datasets:
        raise ValueError(_("assessment {assessment} has several datasets ({datasets}): "
                           "name one with --dataset")
                         .format(assessment=repr(aid), datasets=", ".join(record.datasets)))
    return store.add(aid, "datasets", {"title": title}, actor=actor)


def record_check(store: WorkbookStore, aid: str, dsid: str, check: RiskEvidence, *,
                 actor: str, party: str | None = None) -> None:
    """Attach a risk check to a dataset of the register (evidence for Step 2, Q3)."""
    store.update(aid, f"datasets/{dsid}", {"risk_check": check.model_dump(mode="json")},
                 actor=actor, party=party)


def record_workspace_check(store: WorkbookStore, aid: str, dsid: str, work: Workspace, *,
                           actor: str, party: str | None = None) -> RiskEvidence:
    """Attach the risk of a risk check's table, as loaded, to a dataset of the register."""
    check = work.check(actor)
    record_check(store, aid, dsid, check, actor=actor, party=party)
    return check


def record_workspace_treatment(store: WorkbookStore, aid: str, dsid: str, work: Workspace, *,
                               actor: str, out_dir: Path, party: str | None = None) -> Path:
    """Write a risk check's treated table and record its treatment (see
    :func:`record_treatment`); returns the ``datapackage.json`` written next to it."""
    done = work.treatment(actor)
    return record_treatment(store, aid, dsid, done.table, steps=done.steps, before=done.before,
                            after=done.after, actor=actor, out_dir=out_dir, party=party,
                            recipe=done.recipe.model_dump(mode="json"),
                            information_loss=done.loss.to_dict())


def record_treatment(store: WorkbookStore, aid: str, dsid: str, treated: Any, *, steps: list[str],
                     before: RiskEvidence, after: RiskEvidence, actor: str,
                     out_dir: Path, party: str | None = None,
                     recipe: dict[str, Any] | None = None,
                     information_loss: dict[str, Any] | None = None) -> Path:
    """Write the treated table next to its ``datapackage.json`` and record the treatment.

    ``treated`` is the DataFrame to share. The register keeps what was done, by whom and
    when, the figures before and after, the recipe that does it again and its information
    loss (counts per column, the largest change of the chosen tabulation, never its cells);
    never the rows. The values are written exactly as they are, for analysis software: this
    file is not made safe for a spreadsheet.
    """
    record = store.get(aid)
    folder = dataset_folder(out_dir, record, dsid)
    folder.mkdir(parents=True, exist_ok=True)
    name = data_file_name(record.datasets[dsid], new=True)
    treated.to_csv(output_path(folder, name), index=False, lineterminator="\n")
    done = {"done_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "done_by": actor, "steps": steps, "before": before.model_dump(mode="json"),
            "after": after.model_dump(mode="json"), "output": name}
    if recipe is not None:
        done["recipe"] = recipe
    if information_loss is not None:
        tabulation = information_loss.get("tabulation")
        done["information_loss"] = {
            **information_loss, "tabulation": tabulation and {
                "columns": tabulation["columns"],
                "largest_relative_change": tabulation["largest_relative_change"]}}
    treatments = [t.model_dump(mode="json") for t in record.datasets[dsid].treatments]
    store.update(aid, f"datasets/{dsid}", {"treatments": [*treatments, done],
                                           "risk_check": done["after"]},
                 actor=actor, party=party)
    return write_datapackage(store.get(aid), store.content, dsid, folder, name)


