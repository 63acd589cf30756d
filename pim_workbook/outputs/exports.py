"""One record, many views: each export format written to a file under ``exports/``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from pim_workbook.outputs.actions import actions_csv
from pim_workbook.outputs.filenames import default_exports_dir, export_name, output_path
from pim_workbook.outputs.jsonfile import to_json
from pim_workbook.outputs.render import to_html, to_markdown
from pim_workbook.store.protocol import WorkbookStore

# -- writing files -------------------------------------------------------------------------
FORMATS = {"json": ".json", "html": ".html", "md": ".md", "csv": "-actions.csv"}


def export(store: WorkbookStore, aid: str, fmt: str, out_dir: str | os.PathLike[str] | None = None,
           today: dt.date | None = None) -> Path:
    """Write one view of an assessment to ``out_dir`` (default ``exports/``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
    record = store.get(aid)
    if fmt == "json":
        text = to_json(store, aid)
    elif fmt == "html":
        text = to_html(store, aid, today)
    elif fmt == "md":
        text = to_markdown(store, aid, today)
    else:
        text = actions_csv(record, store.content, today)
    target = output_path(out_dir or default_exports_dir(), export_name(record, FORMATS[fmt]))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
