"""The host's data folder: the only server files a page may read.

Partners load a table by upload. A file too large for that goes to the facilitator, who puts
it in the folder the host named when starting the server (``serve --data-dir`` or
``PIM_WORKBOOK_DATA_DIR``; no page can change it). A page offers a list of that folder's
tables, never a path box, and every name it sends back is resolved and checked to lie inside
the folder: no ``..``, no absolute path, no symbolic link that leads out.
"""

from __future__ import annotations

import os
from pathlib import Path

from pim_workbook.errors import DataFolderError
from pim_workbook.i18n import _

DATA_DIR_ENV = "PIM_WORKBOOK_DATA_DIR"
TABLE_SUFFIXES = (".csv", ".xlsx", ".xls")


def data_dir() -> Path | None:
    """The folder the host named for this server, or None when there is none."""
    named = os.environ.get(DATA_DIR_ENV, "").strip()
    if not named:
        return None
    folder = Path(named).expanduser().resolve()
    return folder if folder.is_dir() else None


def tables(folder: Path) -> list[str]:
    """The CSV and Excel files directly in ``folder`` that resolve inside it, by name."""
    names = []
    for entry in folder.iterdir():
        try:
            resolve(folder, entry.name)
        except DataFolderError:
            continue
        names.append(entry.name)
    return sorted(names, key=str.lower)


def resolve(folder: Path, name: str) -> Path:
    """The file called ``name`` in ``folder``, refused unless it is a table inside it."""
    if (not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name
            or Path(name).is_absolute()):
        raise DataFolderError(_("{name} is not a file name of the data folder: choose a file "
                                "from the list").format(name=repr(name)))
    if Path(name).suffix.lower() not in TABLE_SUFFIXES:
        raise DataFolderError(_("{name}: only CSV and Excel files are read ({suffixes})")
                              .format(name=name, suffixes=", ".join(TABLE_SUFFIXES)))
    root = folder.resolve()
    try:
        target = (root / name).resolve(strict=True)
    except (OSError, RuntimeError):
        raise DataFolderError(_("{name}: no such file in the data folder")
                              .format(name=name)) from None
    if target.parent != root or not target.is_file():
        raise DataFolderError(_("{name}: not a file inside the data folder (a link that "
                                "leads out of it is not followed)").format(name=name))
    return target
