"""Is the record ready to sign? A checklist computed from the record.

Each check names what is still missing and the page where it is fixed, so the record page,
the sign-off and every report of a revision signed with open items say the same thing.
The titles and items are in the active language: a signatory acknowledges the items as the
page shows them, and the sign-off keeps them so.
"""

from __future__ import annotations

from dataclasses import dataclass

from pim_workbook.content.framework import Content
from pim_workbook.i18n import _
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
    missing = tuple(_("{organisation} has not agreed the trust statement")
                    .format(organisation=record.parties[pid].organisation)
                    for pid in signing_parties(record) if pid not in record.trust)
    if len(signing_parties(record)) < 2:
        missing += (_("at least two signing parties are needed"),)
    return Check("trust", _("Every signing party agreed the trust statement"), "start",
                 missing)


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
            why = _("{question}: answers differ or are missing") if q.id in open_ids \
                or ans is None or not any(ans.parties.values()) \
                else _("{question}: no agreed answer yet")
            missing.append(why.format(question=q.id))
        out.append(Check(f"answers-{step.id}",
                         _("Step {number}: every question agreed (or not applicable, with "
                           "the reason)").format(number=step.number),
                         f"E.{step.number}", tuple(missing)))
    return out


def _data_items(record: Record) -> Check:
    missing = tuple(_("{item} {name}: no harm level (sensitivity) yet")
                    .format(item=did, name=d.name)
                    for did, d in record.data_items.items() if d.sensitivity is None)
    if not record.data_items:
        missing = (_("no data item listed yet"),)
    return Check("data-items", _("Data items listed and classified (personal, sensitive, "
                                 "harm level)"), "E.2", missing)


def _arrangement(record: Record) -> Check:
    arr = record.arrangement
    fields = [(_("form: not filled in"), arr.form),
              (_("frequency: not filled in"), arr.frequency),
              (_("channel: not filled in"), arr.channel),
              (_("aggregation level: not filled in"), arr.aggregation),
              (_("red lines: not filled in"), arr.red_lines),
              (_("retention: not filled in"), arr.retention),
              (_("time frame of use: not filled in"), arr.time_frame)]
    missing = [said for said, value in fields if not value.strip()]
    if not arr.access:
        missing.append(_("who has access: nobody listed"))
    missing += [_("access for {who}: no purpose").format(who=g.who)
                for g in arr.access.values() if not g.purpose.strip()]
    if arr.next_review is None:
        missing.append(_("next review: no date"))
    return Check("arrangement", _("The sharing arrangement is complete"), "E.2",
                 tuple(missing))


def _decision(record: Record) -> Check:
    missing = []
    if record.decision.outcome is None:
        missing.append(_("no decision yet"))
    elif not record.decision.rationale.strip():
        missing.append(_("decision '{outcome}' has no rationale")
                       .format(outcome=label(record.decision.outcome)))
    return Check("decision", _("A decision on the sharing, with its rationale"), "E.2",
                 tuple(missing))


def _owners(record: Record) -> Check:
    states = {**record.actions, **record.custom_actions}
    missing = tuple(_("{action}: no owner").format(action=aid)
                    for aid, state in states.items()
                    if state.status != "not_applicable" and not state.owner.strip())
    return Check("owners", _("Every action taken on has an owner"), "E.1", missing)


def readiness(record: Record, content: Content) -> list[Check]:
    """The checklist, in the order of the workbook."""
    return [_trust(record), *_answers(record, content), _data_items(record),
            _arrangement(record), _decision(record), _owners(record)]


def open_items(record: Record, content: Content) -> list[str]:
    """Everything the checklist still finds missing, one line each."""
    return [item for check in readiness(record, content) for item in check.missing]
