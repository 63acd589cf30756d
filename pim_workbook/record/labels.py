"""Readable labels for stored codes, and dates and times in words, shared by every view.

The record keeps ISO dates and UTC timestamps (``2026-12-01T05:19:01.884Z``); a page or a
signed report must read without decoding them. Plain English month names keep this free of
locale data in English; other languages take their month names and labels from the
interface's catalogue (:mod:`pim_workbook.i18n`), and exports keep the English ones.
"""

from __future__ import annotations

import datetime as dt

from pim_workbook.i18n import N_, _, current_language, format_day

# the stored codes of the record's choice lists (record/vocabulary.py), as people read them
LABELS = {
    "agreed": N_("Agreed"),
    "archived": N_("Archived"),
    "awaiting_signoff": N_("Awaiting signoff"),
    "closed": N_("Closed"),
    "critical": N_("Critical"),
    "discussing": N_("Discussing"),
    "do_not_share": N_("Do not share"),
    "done": N_("Done"),
    "donor": N_("Donor"),
    "draft": N_("Draft"),
    "high": N_("High"),
    "in_progress": N_("In progress"),
    "informed_consent": N_("Informed consent"),
    "less_than_sufficient": N_("Less than sufficient"),
    "low": N_("Low"),
    "maximise": N_("Maximise"),
    "met": N_("Met"),
    "mitigate": N_("Mitigate"),
    "moderate": N_("Moderate"),
    "more_than_sufficient": N_("More than sufficient"),
    "nice_to_have": N_("Nice to have"),
    "no": N_("No"),
    "not_applicable": N_("Not applicable"),
    "not_checked": N_("Not checked"),
    "not_met": N_("Not met"),
    "not_obtained": N_("Not obtained"),
    "not_personal_data": N_("Not personal data"),
    "not_started": N_("Not started"),
    "open": N_("Open"),
    "other": N_("Other"),
    "other_legal_basis": N_("Other legal basis"),
    "partly": N_("Partly"),
    "partly_met": N_("Partly met"),
    "planned": N_("Planned"),
    "provider": N_("Provider"),
    "recipient": N_("Recipient"),
    "review_due": N_("Review due"),
    "share": N_("Share"),
    "share_with_conditions": N_("Share with conditions"),
    "signed": N_("Signed"),
    "sufficient": N_("Sufficient"),
    "unknown": N_("Unknown"),
    "yes": N_("Yes"),
}


def label(value: object, *, translate: bool = True) -> str:
    """Human label of a stored code (``share_with_conditions`` -> ``Share with conditions``),
    in the active language unless ``translate`` is false (exports stay English)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        word = N_("yes") if value else N_("no")
        return _(word) if translate else word
    code = str(value)
    if code in LABELS:
        return _(LABELS[code]) if translate else LABELS[code]
    text = code.replace("_", " ")
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
    day = (f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
           if current_language() == "en" else format_day(moment))
    if not isinstance(moment, dt.datetime) or not time:
        return day
    return f"{day}, {moment:%H:%M} UTC"
