"""Readable labels for stored codes, and dates and times in words, shared by every view.

The record keeps ISO dates and UTC timestamps (``2026-12-01T05:19:01.884Z``); a page or a
signed report must read without decoding them. Plain English month names keep this free of
locale data.
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


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def human_date(value: dt.date | str | None, *, time: bool = True) -> str:
    """A date, or a timestamp (in UTC, to the minute unless ``time`` is false), in words.

    ``None`` and empty text give ""; text that is not an ISO date is returned as it is, so
    a report never fails on a value typed before dates were checked.
    """
    if value is None or value == "":
        return ""
    moment: dt.date
    if isinstance(value, dt.date):
        moment = value
    else:
        text = value.strip()
        try:
            moment = (dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text
                      else dt.date.fromisoformat(text))
        except ValueError:
            return value
    if isinstance(moment, dt.datetime) and moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    day = f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    if not isinstance(moment, dt.datetime) or not time:
        return day
    return f"{day}, {moment:%H:%M} UTC"
