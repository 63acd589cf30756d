"""Where the installed package keeps the files it serves and runs.

The notebooks live in ``notebooks/`` at the top of the repository and are installed as the
``pim_workbook.notebooks`` package, so a wheel, an editable install and a checkout all find
them the same way.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def notebooks_dir() -> Path:
    """The folder of the workbook's notebooks, as installed."""
    return Path(str(files("pim_workbook.notebooks")))


def report_notebook() -> Path:
    """The notebook a report runs through papermill."""
    return notebooks_dir() / "report.ipynb"
