"""Every notebook runs headless through papermill on the sample assessment."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

from pim_workbook.sample import build_sample
from pim_workbook.store import Store

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


@pytest.fixture
def sample_db(tmp_path, content):
    path = tmp_path / "sample.sqlite"
    with Store(path, content=content) as store:
        build_sample(store)
    return path


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_on_the_sample(notebook, sample_db, tmp_path):
    out = tmp_path / notebook.name
    parameters = {"db_path": str(sample_db)}
    if notebook.name not in ("index.ipynb", "09-training.ipynb"):
        parameters["assessment_id"] = "sample"
    papermill.execute_notebook(str(notebook), str(out), parameters=parameters,
                               cwd=str(notebook.parent), progress_bar=False, kernel_name="python3")
    executed = nbformat.read(out, as_version=4)
    outputs = [o for cell in executed.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type in ("error", "stream")
                and (o.output_type == "error" or o.name == "stderr")]
    data = [o.get("data", {}) for o in outputs]
    if notebook.name == "report.ipynb":  # a report is static: HTML and embedded charts
        html = "".join(d.get("text/html", "") for d in data)
        assert "SAMPLE (fictional)" in html and "data:image/png;base64," in html
    else:
        assert any("application/vnd.jupyter.widget-view+json" in d for d in data)


def test_notebooks_are_thin_and_stored_without_outputs():
    for notebook in NOTEBOOKS:
        nb = nbformat.read(notebook, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code[0].metadata.get("tags") == ["parameters"], notebook.name
        assert all(not c.outputs for c in code), notebook.name
        assert all(len(c.source.splitlines()) <= 6 for c in code), notebook.name
