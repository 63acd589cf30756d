"""Reading the microdata file a team intends to share, and the risk thresholds in force.

The browser upload is for small files only (Voila's upload fails silently around 10 MB);
larger ones are read from the host's data folder (see datafolder.py) or, by the host, from
any path with ``pim-workbook risk FILE``. pandas is imported only when a file is read.

Only empty fields are missing values unless the caller names others: ``NA``, ``n/a``, ``None``
and the like are categories in many survey files (sdcMicro's reference files among them), and
reading them as missing would change the risk figures and the information loss.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pim_workbook.i18n import _

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_MIN_K = 3
DEFAULT_MAX_RISK = 0.03  # HDX treats a global risk above 3 % as needing action
UPLOAD_LIMIT = 8 * 1024 * 1024  # bytes; larger files go to the host's data folder


def _delimiter(head: str) -> str:
    """Comma, semicolon, tab or bar, as the file's first lines show (comma if unsure)."""
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_table(path: str | Path, shown: str | None = None, *,
               na_values: Sequence[str] = ()) -> pd.DataFrame:
    """A CSV or Excel file as a DataFrame; a file that is not a table is a clear error.

    ``shown`` is how messages name the file (a page names it without its folder);
    ``na_values`` are texts read as missing besides empty fields.
    """
    source = Path(path).expanduser()
    shown = shown or str(path)
    if not source.is_file():
        raise OSError(_("{file}: no such file").format(file=shown))
    with source.open("rb") as fh:
        return read_bytes(fh.read(), source.name, shown, na_values=na_values)


def read_bytes(data: bytes, name: str, shown: str | None = None, *,
               na_values: Sequence[str] = ()) -> pd.DataFrame:
    """A table from the bytes of an uploaded CSV or Excel file called ``name``.

    Empty fields, and the texts of ``na_values``, are the only missing values.
    """
    import io

    import pandas as pd

    shown = shown or name
    if isinstance(na_values, str):  # one text, not its letters
        na_values = [na_values]
    missing = {"keep_default_na": False, "na_values": ["", *na_values]}
    try:
        if Path(name).suffix.lower() in (".xlsx", ".xls"):
            table = pd.read_excel(io.BytesIO(data), **missing)
        else:
            head = data[:4096].decode("utf-8", errors="replace")
            table = pd.read_csv(io.BytesIO(data), sep=_delimiter(head), **missing)
    except ImportError as exc:
        raise ValueError(_("{file}: cannot read this kind of file ({reason})")
                         .format(file=shown, reason=exc)) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
            csv.Error, ValueError, OSError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(_("{file} is not a readable table ({reason})")
                         .format(file=shown, reason=message)) from None
    if table.empty:
        raise ValueError(_("{file} has no records").format(file=shown))
    return table
