"""Is the record ready to sign? A checklist computed from the record.

Each check names what is still missing and the page where it is fixed, so the record page,
the sign-off and every report of a revision signed with open items say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from pim_workbook.content.framework import Content
from pim_workbook.record.labels import label
from pim_workbook.record.model import Record
from pim_workbook.record.progress import divergences, signing_parties


@dataclass(frozen=True)
class Check:
    """One condition of a complete record: done, or what is missing and where to fix it."""

    key: str
    title: str
    page: str  # the key of the page where it is fixed ("start", "E.2", ...)
    missing: tuple[str, ...]  # empty when done

    @property
    def done(self) -> bool:
        return not self.missing


def _trust(record: Record) -> Check:
    missing = tuple(f"{record.parties[pid].organisation} has not agreed the trust statement"
                    for pid in signing_parties(record) if pid not in record.trust)
    if len(signing_parties(record)) < 2:
        missing += ("at least two signing parties are needed",)
    return Check("trust", "Every signing party agreed the trust statement", "start", missing)


def _answers(record: Record, content: Content) -> list[Check]:
    open_ids = set(divergences(record, content))
    out = []
    for step in content.assessment.steps:
        missing = []
        for q in step.questions:
            ans = record.answers.get(q.id)
            if ans is not None and ans.status in ("agreed", "not_applicable") \
                    and ans.agreed.strip():
                continue
            why = "answers differ or are missing" if q.id in open_ids or ans is None \
                or not any(ans.parties.values()) else "no agreed answer yet"
            missing.append(f"{q.id}: {why}")
        out.append(Check(f"answers-{step.id}",
                         f"Step {step.number}: every question agreed (or not applicable, "
                         "with the reason)", f"E.{step.number}", tuple(missing)))
    return out


def _data_items(record: Record) -> Check:
    missing = tuple(f"{did} {d.name}: no harm level (sensitivity) yet"
                    for did, d in record.data_items.items() if d.sensitivity is None)
    if not record.data_items:
        missing = ("no data item listed yet",)
    return Check("data-items", "Data items listed and classified (personal, sensitive, harm "
                 "level)", "E.2", missing)


def _arrangement(record: Record) -> Check:
    arr = record.arrangement
    fields = [("form", arr.form), ("frequency", arr.frequency), ("channel", arr.channel),
              ("aggregation level", arr.aggregation), ("red lines", arr.red_lines),
              ("retention", arr.retention), ("time frame of use", arr.time_frame)]
    missing = [f"{name}: not filled in" for name, value in fields if not value.strip()]
    if not arr.access:
        missing.append("who has access: nobody listed")
    missing += [f"access for {g.who}: no purpose" for g in arr.access.values()
                if not g.purpose.strip()]
    if arr.next_review is None:
        missing.append("next review: no date")
    return Check("arrangement", "The sharing arrangement is complete", "E.2", tuple(missing))


def _decision(record: Record) -> Check:
    missing = []
    if record.decision.outcome is None:
        missing.append("no decision yet")
    elif not record.decision.rationale.strip():
        missing.append(f"decision '{label(record.decision.outcome)}' has no rationale")
    return Check("decision", "A decision on the sharing, with its rationale", "E.2",
                 tuple(missing))


def _owners(record: Record) -> Check:
    states = {**record.actions, **record.custom_actions}
    missing = tuple(f"{aid}: no owner" for aid, state in states.items()
                    if state.status != "not_applicable" and not state.owner.strip())
    return Check("owners", "Every action taken on has an owner", "E.1", missing)


def readiness(record: Record, content: Content) -> list[Check]:
    """The checklist, in the order of the workbook."""
    return [_trust(record), *_answers(record, content), _data_items(record),
            _arrangement(record), _decision(record), _owners(record)]


def open_items(record: Record, content: Content) -> list[str]:
    """Everything the checklist still finds missing, one line each."""
    return [item for check in readiness(record, content) for item in check.missing]
