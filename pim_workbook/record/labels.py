"""Readable labels for stored codes, shared by every view.
"""

from __future__ import annotations

import datetime as dt


def label(value: object) -> str:
    """Human label of a stored code (``share_with_conditions`` -> ``Share with conditions``)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]




def human_time(stamp: str) -> str:
    """A stored UTC timestamp as people read it: ``1 December 2026, 05:19 UTC``."""
    try:
        when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(dt.UTC)
    except ValueError:
        return stamp
    return f"{when.day} {when:%B %Y, %H:%M} UTC"


def human_date(stamp: str) -> str:
    """The day of a stored timestamp or date: ``1 December 2026``."""
    return human_time(stamp).split(",")[0]
