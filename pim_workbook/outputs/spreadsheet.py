"""Cells safe to open in a spreadsheet (CSV or formula injection, as OWASP describes it).

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return) as a formula, so text someone typed into an assessment could fetch a web
address or start a program on the computer of whoever opens the export. CSV and HXL files
written for people therefore get a leading ``'`` on such cells, which makes them plain text.
Plain numbers (``-3``, ``-0.5``, ``+1``) stay as they are. JSON exports and files written for
analysis software (a treated microdata file) keep the exact values and do not use this.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def safe_cell(value: object) -> object:
    """``value``, with a leading ``'`` when a spreadsheet would read it as a formula."""
    if (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text, every cell passed through :func:`safe_cell`.

    Rows end in CRLF as RFC 4180 says: with that terminator the csv module also quotes a cell
    holding a carriage return, which a bare ``\\n`` terminator would leave to split the row.
    """
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([safe_cell(v) for v in row]
                                                     for row in rows)
    return out.getvalue()
