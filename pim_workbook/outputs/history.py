"""The history as people read it: sections and fields instead of paths, the person, the
party, on whose behalf, the link's label instead of its id, and old → new.

Answers are saved while people type, so a view merges consecutive saves of one field by one
person within :data:`MERGE_WINDOW` into one entry (first old → last new); the stored rows
are never merged, and the JSON export keeps them exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from pim_workbook.content.framework import Content
from pim_workbook.i18n import N_, _
from pim_workbook.record.labels import human_date, label
from pim_workbook.record.model import Record
from pim_workbook.store.links import Invite
from pim_workbook.store.rows import Change, Revision

MERGE_WINDOW = dt.timedelta(minutes=10)
SHORT = 80  # characters of a value shown before "…"
NAME = 40  # characters of an item's name where it names the place of a change
VIA = {"cli": N_("the command line"), "notebook": N_("a notebook"),
       "import": N_("an import")}
WORKBOOK = N_("the workbook")  # the channel of a change typed outside a link
# The first path segment -> (where it is in the workbook, the noun of one of its items).
ROOTS: dict[str, tuple[str, str]] = {
    "title": (N_("Start"), N_("title")), "purpose": (N_("Start"), N_("purpose")),
    "parties": (N_("Start · Parties"), N_("party")),
    "trust": (N_("Start · Trust statement"), ""),
    "principles": (N_("Principles"), N_("principle")),
    "stakeholders": (N_("Ecosystem · Stakeholders"), N_("stakeholder")),
    "systems": (N_("Ecosystem · Systems"), N_("system")),
    "flows": (N_("Ecosystem · Data flows"), N_("flow")),
    "data_items": (N_("Step 2 · Data items"), N_("data item")),
    "datasets": (N_("Step 2 · Register"), N_("dataset")),
    "arrangement": (N_("Step 2 · Sharing arrangement"), ""),
    "consent": (N_("Step 2 · Consent"), ""), "decision": (N_("Step 2 · Decision"), ""),
    "incidents": (N_("Step 3 · Incidents"), N_("incident")),
    "evaluation": (N_("Step 4 · Evaluation"), ""), "signoffs": (N_("Sign-off"), ""),
    "archived": (N_("Record"), N_("archived")),
}
RECORD = N_("Record")  # the section of a change to a part of the record not listed above
# The section of a change to an answer, and (in a report's summary) of a step's questions.
QUESTION_SECTION = N_("Step {step} · Question {qid}")
QUESTIONS_SECTION = N_("Step {step} · Questions")
_NAME_FIELDS = ("organisation", "name", "title", "who", "text", "description", "signatory",
                "agreed_by", "status")


@dataclass(frozen=True)
class Entry:
    """One line of the readable history (possibly several stored saves merged)."""

    at: str  # of the last save merged here
    who: str
    party: str  # the party's organisation, or "" for joint changes
    on_behalf: bool
    through: str  # "Helping Hands's link (created 1 December 2026)", "the command line"...
    section: str  # "Step 2 · Sharing arrangement"
    what: str  # "access for Cluster IMO · purpose"
    old: str
    new: str
    saves: int  # stored rows merged into this entry
    voids: int | None  # the signed revision this change turned back into a draft

    @property
    def sentence(self) -> str:
        """The entry as one sentence a partner understands."""
        change = f"{_short(self.old)} → {_short(self.new)}" if self.old else _short(self.new)
        if self.on_behalf:
            text = _("{when}: {who} on behalf of {party} changed {section} · {what}: {change}")
        elif self.party:
            text = _("{when}: {who} for {party} changed {section} · {what}: {change}")
        else:
            text = _("{when}: {who} changed {section} · {what}: {change}")
        return text.format(when=human_date(self.at), who=self.who, party=self.party,
                           section=self.section, what=self.what, change=change)


def _short(text: str) -> str:
    return text if len(text) <= SHORT else text[:SHORT - 1].rstrip() + "…"


def _show(value: object) -> str:
    """A stored value as text: an item by its name, a list joined, nothing as an empty
    string."""
    if value is None or value == "":
        return ""
    if isinstance(value, dict):
        named = next((value[k] for k in _NAME_FIELDS if value.get(k)), None)
        return _show(named) if named is not None else \
            "; ".join(f"{label(k)}: {_show(v)}" for k, v in value.items() if v)
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    return label(value) if isinstance(value, bool) else str(value)


def _item_name(record: Record, root: str, item_id: str) -> str:
    items: dict[str, Mapping[str, BaseModel]] = {
        "parties": record.parties, "stakeholders": record.stakeholders,
        "systems": record.systems, "flows": record.flows, "data_items": record.data_items,
        "datasets": record.datasets, "incidents": record.incidents}
    item = items.get(root, {}).get(item_id)
    name = _show(item.model_dump()) if item is not None else ""
    if len(name) > NAME:
        name = name[:NAME - 1].rstrip() + "…"
    return f"{name} ({item_id})" if name else item_id


def place(path: str, record: Record, content: Content) -> tuple[str, str]:
    """(section, field) of a stored path, in the workbook's words."""
    parts = path.split("/")
    root = parts[0]
    if root == "answers" and len(parts) >= 3:
        qid = parts[1]
        step = qid.split(".")[0][1:]
        field = {"agreed": _("agreed answer"), "status": _("status")}.get(parts[2],
                                                                           _("answer"))
        if parts[2] == "parties" and len(parts) > 3:
            field = _("answer of {organisation}").format(organisation=_org(record, parts[3]))
        return _(QUESTION_SECTION).format(step=step, qid=qid), field
    if root in ("actions", "custom_actions") and len(parts) > 1:
        aid = parts[1]
        step = aid[1] if aid.startswith("E") else _custom_step(record, aid)
        return (_("Step {step} · Actions").format(step=step),
                _("action {id}").format(id=aid))
    if root == "arrangement" and len(parts) > 2 and parts[1] == "access":
        grant = record.arrangement.access.get(parts[2])
        who = grant.who if grant is not None else parts[2]
        return _(ROOTS[root][0]), _("access for {who}").format(who=who)
    if root == "principles" and len(parts) > 1:
        title = next((p.title for p in content.principles if p.id == parts[1]), parts[1])
        return _(ROOTS[root][0]), title + (f" · {label(parts[2])}" if len(parts) > 2 else "")
    if root in ("trust", "signoffs") and len(parts) > 1:
        return _(ROOTS[root][0]), _org(record, parts[1])
    section, noun = ROOTS.get(root, (RECORD, root))
    section = _(section)
    if len(parts) == 1:
        return section, (_(noun) if root in ROOTS and noun else noun) or label(root)
    if noun:
        return section, _item_name(record, root, parts[1]) + "".join(
            f" · {label(p)}" for p in parts[2:])
    return section, " · ".join(label(p) for p in parts[1:])


def _org(record: Record, pid: str) -> str:
    party = record.parties.get(pid)
    return party.organisation if party is not None else _("party {id}").format(id=pid)


def _custom_step(record: Record, cid: str) -> str:
    custom = record.custom_actions.get(cid)
    return custom.step[1] if custom is not None else "?"


def through(via: str, record: Record, invites: Sequence[Invite]) -> tuple[str, bool]:
    """The channel of a change in words, and whether it was typed on a party's behalf."""
    head, _sep, behalf = via.partition("on behalf of ")  # "" when typed outside a link
    head = head.strip()
    if head.startswith("link:"):
        invite = next((i for i in invites if i.id == head[5:]), None)
        if invite is None:
            text = _("a workbook link")
        elif invite.role == "facilitator":
            text = _("the facilitator's link (created {date})").format(
                date=human_date(invite.created_at, time=False))
        else:
            whose = _org(record, invite.party) if invite.party else label(invite.role)
            text = _("{whose}'s link (created {date})").format(
                whose=whose, date=human_date(invite.created_at, time=False))
    else:
        text = _(VIA[head]) if head in VIA else head or _(WORKBOOK)
    return text, bool(behalf)


def entries(changes: Sequence[Change], record: Record, content: Content,
            invites: Sequence[Invite] = (), revisions: Sequence[Revision] = ()) -> list[Entry]:
    """The readable history, oldest first, with consecutive saves of a field merged."""
    merged: list[tuple[Change, Change, int]] = []  # (first, last, saves)
    for change in changes:
        if change.path.startswith("typed_in/"):  # the language of an answer written with it
            continue
        if merged:
            first, last, saves = merged[-1]
            same = (last.path, last.actor, last.party, last.via) == \
                (change.path, change.actor, change.party, change.via)
            if same and _at(change.at) - _at(last.at) <= MERGE_WINDOW:
                merged[-1] = (first, change, saves + 1)
                continue
        merged.append((change, change, 1))
    freezes = sorted((_at(r.created_at), r.number) for r in revisions)
    out = []
    for first, last, saves in merged:
        section, what = place(last.path, record, content)
        channel, behalf = through(last.via, record, invites)
        voided = next((n for at, n in reversed(freezes) if at <= _at(first.at)), None)
        out.append(Entry(at=last.at, who=last.actor, party=_org(record, last.party)
                         if last.party else "", on_behalf=behalf, through=channel,
                         section=section, what=what, old=_show(first.old), new=_show(last.new),
                         saves=saves, voids=voided))
    return _mark_voiding(out)


def _mark_voiding(out: list[Entry]) -> list[Entry]:
    """Keep ``voids`` only on the first change after each freeze: the one that made the
    signed revision a draft again (sign-offs themselves void nothing)."""
    seen: set[int] = set()
    marked = []
    for entry in out:
        voids = entry.voids
        if voids is None or voids in seen or entry.section in (_(ROOTS["signoffs"][0]),
                                                               _(RECORD)):
            voids = None
        else:
            seen.add(voids)
        marked.append(Entry(**{**entry.__dict__, "voids": voids}))
    return marked


def _at(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
