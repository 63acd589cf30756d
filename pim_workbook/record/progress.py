"""Derived views of a record: who signs, progress per section, divergences, status.

Nothing here is stored; every view computes it from the record, so it is never stale.
"""

from __future__ import annotations

import datetime as dt

from pim_workbook.content.framework import Content
from pim_workbook.i18n import N_
from pim_workbook.record.hashing import record_hash
from pim_workbook.record.model import Record
from pim_workbook.record.sections import sections_of


# -- derived views -------------------------------------------------------------------------
def signing_parties(record: Record) -> list[str]:
    """Parties whose signature freezes a revision (donors may sign but need not)."""
    return [pid for pid, p in record.parties.items() if p.role != "donor"]


def progress(record: Record, content: Content) -> dict[str, tuple[int, int]]:
    """Done / total per section of the workbook.

    The section names are keys code looks up (``progress(...)["Step 4"]``), so they stay
    English here; they are marked for the catalogue and translated where they are shown."""
    out: dict[str, tuple[int, int]] = {}
    parties = list(record.parties)
    start = [bool(record.purpose), len(parties) >= 2]
    start += [pid in record.trust for pid in parties]
    out[N_("Start")] = (sum(start), len(start))
    checked = [p.id for p in content.principles if p.id in record.principles
               and record.principles[p.id].status != "not_checked"]
    out[N_("Principles")] = (len(checked), len(content.principles))
    eco = [bool(record.stakeholders), bool(record.systems),
           bool(record.systems) and all(s.data_types for s in record.systems.values())]
    out[N_("Ecosystem")] = (sum(eco), len(eco))
    for step in content.assessment.steps:
        items = [
            q.id in record.answers and record.answers[q.id].status == "agreed"
            for q in step.questions
        ]
        items += [a.id in record.actions for a in (*step.maximise.actions,
                                                   *step.mitigate.actions)]
        for section in sections_of(step.id):
            items += section.done(record)
        out[N_("Step {number}").format(number=step.number)] = (sum(items), len(items))
    signers = signing_parties(record)
    current = record_hash(record)
    signed = [pid for pid in signers
              if pid in record.signoffs and record.signoffs[pid].record_hash == current]
    out[N_("Sign-off")] = (len(signed), len(signers))
    return out


def divergences(record: Record, content: Content) -> list[str]:
    """Question ids where parties' answers differ or a party has not answered.

    Only the signing parties are expected to answer; a donor's answer is shown but not awaited.
    """
    out = []
    answering = signing_parties(record)
    for q in content.questions():
        ans = record.answers.get(q.id)
        if ans is None or ans.status == "agreed":
            continue
        given = [ans.parties.get(pid, "") for pid in answering]
        if any(given) and (not all(given) or len({g.casefold() for g in given}) > 1):
            out.append(q.id)
    return out


def retired_answers(record: Record, content: Content) -> list[str]:
    """Answers kept for questions the current content no longer has."""
    known = {q.id for q in content.questions()}
    return [qid for qid in record.answers if qid not in known]


def status(record: Record, frozen_hash: str | None, today: dt.date | None = None) -> str:
    """The assessment-level status used in lists and filters."""
    today = today or dt.date.today()
    if record.archived:
        return "archived"
    current = record_hash(record)
    if frozen_hash == current:
        review = record.arrangement.next_review
        return "review_due" if review is not None and review <= today else "signed"
    if any(s.record_hash == current for s in record.signoffs.values()):
        return "awaiting_signoff"
    return "draft"


