"""Every notebook runs headless on the sample assessment: the pages under nbval, the report
through papermill."""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import papermill
import pytest

from pim_workbook.resources import notebooks_dir
from pim_workbook.outputs.jsonfile import import_json
from pim_workbook.store.core import Store

NOTEBOOKS = sorted(notebooks_dir().glob("*.ipynb"))


@pytest.fixture
def sample_db(tmp_path, content, sample_export):
    path = tmp_path / "sample.sqlite"
    with Store(path, content=content) as store:
        import_json(store, sample_export, actor="tests")
    return path


WIDGET_NOTEBOOKS = [p for p in NOTEBOOKS if p.name != "report.ipynb"]


def test_the_widget_notebooks_pass_nbval_on_a_test_store(sample_db, tmp_path):
    """nbval runs every page's notebook as stored (no outputs to compare: widgets differ on
    every run), in one kernel per notebook, on a test store, never the user's."""
    env = {**os.environ, "PIM_WORKBOOK_DB": str(sample_db),
           "PIM_WORKBOOK_EXPORTS": str(tmp_path / "exports"),
           "QUERY_STRING": "assessment=sample"}  # what Voila would pass the page
    for name in ("PIM_WORKBOOK_REQUIRE_LINK", "PIM_WORKBOOK_DATA_DIR"):
        env.pop(name, None)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-q",
         "-p", "no:cacheprovider", "-p", "no:xdist", "--rootdir", str(tmp_path),
         *map(str, WIDGET_NOTEBOOKS)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    cells = sum(1 for nb in WIDGET_NOTEBOOKS for c in nbformat.read(nb, as_version=4).cells
                if c.cell_type == "code")
    assert f"{cells} passed" in run.stdout


def test_the_report_notebook_runs_through_papermill(sample_db, tmp_path):
    notebook = next(p for p in NOTEBOOKS if p.name == "report.ipynb")
    out = tmp_path / notebook.name
    papermill.execute_notebook(str(notebook), str(out),
                               parameters={"db_path": str(sample_db), "assessment_id": "sample"},
                               cwd=str(notebook.parent), progress_bar=False, kernel_name="python3")
    executed = nbformat.read(out, as_version=4)
    outputs = [o for cell in executed.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"
                or (o.output_type == "stream" and o.name == "stderr")]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "SAMPLE (fictional)" in html and "data:image/png;base64," in html


def test_notebooks_are_thin_and_stored_without_outputs():
    for notebook in NOTEBOOKS:
        nb = nbformat.read(notebook, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code[0].metadata.get("tags") == ["parameters"], notebook.name
        assert all(not c.outputs for c in code), notebook.name
        assert all(len(c.source.splitlines()) <= 6 for c in code), notebook.name
