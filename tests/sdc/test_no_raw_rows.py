"""No export, report or log carries raw records: marker values planted in a sensitive column
and a free-text column are searched for in every file written and every line printed."""

from __future__ import annotations

import logging
import subprocess
import zipfile
from pathlib import Path

import pytest

from pim_workbook.cli import main
from pim_workbook.evidence import record_workspace_check, record_workspace_treatment
from pim_workbook.outputs.exports import FORMATS, export
from pim_workbook.outputs.jsonfile import import_json
from pim_workbook.outputs.register import write_register
from pim_workbook.outputs.reports import run_report
from pim_workbook.sdc.synthetic import synthetic_microdata
from pim_workbook.sdc.treatments import AGE_BANDS, DropRecords, Generalise, Suppress, merge_mapping
from pim_workbook.sdc.workspace import Workspace
from pim_workbook.store.core import Store

SENSITIVE_MARKER = "QZXSENSITIVEMARKER"
NOTE_MARKER = "QZXFREETEXTMARKER"
QUASI = ["district", "age_group", "sex", "nationality"]


@pytest.fixture
def microdata(tmp_path: Path) -> Path:
    table = synthetic_microdata(400, seed=3)
    table["notes"] = "household visited"
    # a person nobody else resembles, whose sensitive value and note must never leave
    table.loc[0, ["nationality", "protection_concern", "notes"]] = [
        "Zedlandic", f"{SENSITIVE_MARKER} concern", f"told us {NOTE_MARKER} in confidence"]
    table.loc[1:3, "notes"] = f"follow-up {NOTE_MARKER}"
    path = tmp_path / "interviews.csv"
    table.to_csv(path, index=False)
    return path


def _text(path: Path) -> str:
    if path.suffix == ".pdf":
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace")
                           for n in archive.namelist())
    return path.read_bytes().decode("utf-8", "replace")


@pytest.mark.slow  # runs the report notebook and prints a PDF
def test_markers_never_reach_an_export_a_report_or_a_log(tmp_path, microdata, monkeypatch,
                                                         capsys, caplog, sample_export):
    caplog.set_level(logging.DEBUG)
    db, out = tmp_path / "w.sqlite", tmp_path / "exports"
    monkeypatch.setenv("PIM_WORKBOOK_DB", str(db))
    monkeypatch.setenv("PIM_WORKBOOK_EXPORTS", str(out))
    with Store(db) as store:
        aid = import_json(store, sample_export, actor="tests")
    for extra in (["--json"], []):
        assert main(["risk", str(microdata), "--quasi", ",".join(QUASI), "--sensitive",
                     "protection_concern", "--assessment", aid, "--dataset", "DS2",
                     *extra]) == 0
    with Store(db) as store:
        work = Workspace.from_path(microdata, quasi=QUASI, sensitive=["protection_concern"])
        with pytest.raises(ValueError, match="not a quasi-identifier"):
            work.add(Generalise(column="notes", mapping={"household visited": "visited"}))
        assert "Zedlandic" in set(work.riskiest()["nationality"])  # shown on screen only
        work.add(Generalise(column="age_group", mapping=merge_mapping(AGE_BANDS)))
        work.add(Suppress(column="notes"))
        work.add(DropRecords(quasi=QUASI, below=3))
        record_workspace_check(store, aid, "DS2", work, actor="Analyst")
        package = record_workspace_treatment(store, aid, "DS2", work, actor="Analyst",
                                             out_dir=out)
        for fmt in FORMATS:
            export(store, aid, fmt, out)
        write_register(store, aid, out)
    report = run_report(aid, db_path=db, out_dir=out)
    assert report.status == "ok", report.error
    assert len(list(package.parent.glob("*.csv"))) == 1  # the treated file, searched too

    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != microdata]
    suffixes = {p.suffix for p in written}
    assert {".json", ".html", ".md", ".csv", ".pdf", ".docx", ".ipynb", ".sqlite"} <= suffixes
    printed = capsys.readouterr()
    places = {str(p): _text(p) for p in written}
    places["stdout"], places["stderr"], places["log"] = printed.out, printed.err, caplog.text
    for marker in (SENSITIVE_MARKER, NOTE_MARKER):
        leaks = [where for where, text in places.items() if marker in text]
        assert leaks == [], f"{marker} found in {leaks}"
