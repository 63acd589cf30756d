"""Readable labels for stored codes, shared by every view.
"""

from __future__ import annotations


def label(value: object) -> str:
    """Human label of a stored code (``share_with_conditions`` -> ``Share with conditions``)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


