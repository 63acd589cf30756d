"""Readable labels for stored codes, and dates and times in words, shared by every view.

The record keeps ISO dates and UTC timestamps (``2026-12-01T05:19:01.884Z``); a page or a
signed report must read without decoding them. Plain English month names keep this free of
locale data in English; other languages take their month names and labels from the
interface's catalogue (:mod:`pim_workbook.i18n`), and exports keep the English ones.
"""

from __future__ import annotations

import datetime as dt

from pim_workbook.i18n import N_, _, current_language, format_day

# the stored codes of the record's choice lists (record/vocabulary.py) and the names of its
# fields (the history says which field changed), as people read them
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
    "access": N_("Access"),
    "actions": N_("Actions"),
    "after": N_("After"),
    "aggregation": N_("Aggregation"),
    "agreed_by": N_("Agreed by"),
    "agreed_on": N_("Agreed on"),
    "answers": N_("Answers"),
    "arrangement": N_("Arrangement"),
    "basis": N_("Basis"),
    "before": N_("Before"),
    "below_k": N_("Below k"),
    "below_k_share": N_("Below k share"),
    "benefits_achieved": N_("Benefits achieved"),
    "categories": N_("Categories"),
    "category": N_("Category"),
    "channel": N_("Channel"),
    "checked_at": N_("Checked at"),
    "checked_by": N_("Checked by"),
    "classes": N_("Classes"),
    "collected_from": N_("Collected from"),
    "collected_to": N_("Collected to"),
    "community_feedback": N_("Community feedback"),
    "conditions": N_("Conditions"),
    "consent": N_("Consent"),
    "consent_basis": N_("Consent basis"),
    "contacts": N_("Contacts"),
    "corrective_action": N_("Corrective action"),
    "custom_actions": N_("Custom actions"),
    "data": N_("Data"),
    "data_items": N_("Data items"),
    "data_types": N_("Data types"),
    "datasets": N_("Datasets"),
    "decided_on": N_("Decided on"),
    "decision": N_("Decision"),
    "description": N_("Description"),
    "details": N_("Details"),
    "done_at": N_("Done at"),
    "done_by": N_("Done by"),
    "due": N_("Due"),
    "email": N_("Email"),
    "evaluated_on": N_("Evaluated on"),
    "evaluation": N_("Evaluation"),
    "expected_benefits": N_("Expected benefits"),
    "expected_reidentifications": N_("Expected reidentifications"),
    "file": N_("File"),
    "flows": N_("Flows"),
    "form": N_("Form"),
    "format": N_("Format"),
    "frequency": N_("Frequency"),
    "global_risk": N_("Global risk"),
    "harm": N_("Harm"),
    "harms_of_not_sharing": N_("Harms of not sharing"),
    "holder": N_("Holder"),
    "importance": N_("Importance"),
    "incidents": N_("Incidents"),
    "information": N_("Information"),
    "k": N_("K"),
    "kind": N_("Kind"),
    "l_diversity": N_("L diversity"),
    "licence": N_("Licence"),
    "limitations": N_("Limitations"),
    "max_risk": N_("Max risk"),
    "method": N_("Method"),
    "min_k": N_("Min k"),
    "n": N_("N"),
    "name": N_("Name"),
    "needs_action": N_("Needs action"),
    "next_review": N_("Next review"),
    "note": N_("Note"),
    "occurred_on": N_("Occurred on"),
    "open_items": N_("Open items"),
    "operated_by": N_("Operated by"),
    "organisation": N_("Organisation"),
    "outcome": N_("Outcome"),
    "output": N_("Output"),
    "owner": N_("Owner"),
    "parties": N_("Parties"),
    "party": N_("Party"),
    "personal": N_("Personal"),
    "phone": N_("Phone"),
    "position": N_("Position"),
    "practices": N_("Practices"),
    "principles": N_("Principles"),
    "purpose": N_("Purpose"),
    "purposes": N_("Purposes"),
    "quasi": N_("Quasi"),
    "rationale": N_("Rationale"),
    "recipients": N_("Recipients"),
    "recommendations": N_("Recommendations"),
    "record_hash": N_("Record hash"),
    "red_lines": N_("Red lines"),
    "reported_by": N_("Reported by"),
    "resources": N_("Resources"),
    "retention": N_("Retention"),
    "retention_until": N_("Retention until"),
    "revision": N_("Revision"),
    "risk_bands": N_("Risk bands"),
    "risk_check": N_("Risk check"),
    "risks_mitigated": N_("Risks mitigated"),
    "role": N_("Role"),
    "sample_uniques": N_("Sample uniques"),
    "sensitive": N_("Sensitive"),
    "sensitivity": N_("Sensitivity"),
    "severity": N_("Severity"),
    "shared_as_planned": N_("Shared as planned"),
    "signatory": N_("Signatory"),
    "signed_at": N_("Signed at"),
    "signoffs": N_("Signoffs"),
    "source": N_("Source"),
    "source_system": N_("Source system"),
    "stakeholders": N_("Stakeholders"),
    "status": N_("Status"),
    "step": N_("Step"),
    "steps": N_("Steps"),
    "sufficiency": N_("Sufficiency"),
    "system": N_("System"),
    "systems": N_("Systems"),
    "target": N_("Target"),
    "text": N_("Text"),
    "time_frame": N_("Time frame"),
    "title": N_("Title"),
    "treatments": N_("Treatments"),
    "trust": N_("Trust"),
    "unanticipated": N_("Unanticipated"),
    "used_by": N_("Used by"),
    "weight": N_("Weight"),
    "where": N_("Where"),
    "who": N_("Who"),
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
