"""A question card: the question, its guidance, each party's answer side by side, the agreed
answer and its status, with a visible mark where the parties diverge or have not answered."""

from __future__ import annotations

from html import escape
from typing import get_args

import ipywidgets as w

from pim_workbook.app.session import Bound, Session
from pim_workbook.app.widgets.controls import (
    bullets_html,
    collapsible,
    definitions_html,
    dropdown,
    english_original,
    html,
    labelled,
    textarea,
)
from pim_workbook.content.framework import Content, Question
from pim_workbook.i18n import N_, _, record_language
from pim_workbook.record.model import QuestionAnswer, Record
from pim_workbook.record.progress import divergences, signing_parties
from pim_workbook.record.vocabulary import AnswerStatus

STATUSES = list(get_args(AnswerStatus))


def guidance_html(question: Question, english: Question | None = None) -> str:
    """The guidance of ``question``; with ``english`` (the same question in English, on a
    page in another language), its English original on demand."""
    parts = []
    for g in question.guidance:
        if g.title:
            what = _("What to do: {title}").format(title=g.title)
            parts.append(f"<h4>{escape(what)}</h4>")
        if g.intro:
            parts.append(f"<p>{escape(g.intro)}</p>")
        parts.append(bullets_html(g.bullets))
    if question.note:
        parts.append(f'<p class="pimw-hint">{escape(question.note)}</p>')
    if english is not None:
        parts.append(english_original(guidance_html(english)))
    return "".join(parts)


def question_state(record: Record, content: Content, qid: str) -> tuple[str, str]:
    """A question's state, as its tab and its badge show it: (css name, words).

    The words are English (compared in code), marked with N_ and translated where shown."""
    ans = _answer(record, qid)
    if ans.status == "agreed":
        return "agreed", N_("agreed")
    if qid in divergences(record, content):
        waiting = any(not ans.parties.get(p) for p in signing_parties(record))
        return "diverge", N_("waiting") if waiting else N_("answers differ")
    started = any(ans.parties.values()) or ans.agreed
    return "open", N_("to agree") if started else N_("not started")


def question_card(session: Session, question: Question) -> w.VBox:
    """The whole card; every box writes to the store the moment it changes.

    Laid out to fit a projector's screen: the question and its state, the guidance and the
    definitions as drawers that open beside the answers, the parties' answers side by side
    (one under the other on a phone), then the agreed answer next to its status."""
    aid, store = session.aid, session.store
    qid = question.id
    mark = html("")
    english = store.content.question(qid)  # the store's content is the English one
    head = html(f'<h3 class="pimw-question">{escape(question.text)}</h3>'
                + english_original(f"<p>{escape(english.text)}</p>"))
    helps: list[w.Widget] = []
    if question.guidance or question.note:
        helps.append(collapsible(_("What to do (guidance)"), guidance_html(question, english),
                                 drawer=True))
    if question.definitions:
        helps.append(collapsible(_("Definitions (Annex)"),
                                 definitions_html(session.content, question.definitions),
                                 drawer=True))
    extras: list[w.Widget] = []
    if helps:
        row = w.HBox(helps)
        row.add_class("pimw-helprow")
        extras.append(row)

    answers = w.HBox(layout=w.Layout(width="100%"))
    answers.add_class("pimw-answers")
    boxes: dict[str, w.Widget] = {}

    def party_box(pid: str) -> w.Widget:
        box = textarea(_("Answer of party {party}").format(party=pid), rows=5)
        box.add_class(f"pimw-answer-{pid}")
        Bound(session, box,
              read=lambda r: _answer(r, qid).parties.get(pid, ""),
              write=lambda v: store.answer(aid, qid, pid, v, actor=session.actor,
                                           on_behalf=session.on_behalf,
                                           language=record_language()),
              editable=lambda: session.can_answer_for(pid), key=f"{qid}-{pid}")
        org = session.record.parties[pid].organisation
        return labelled(f"{pid} · {org}", box)

    def draw_parties(record: Record) -> None:
        wanted = [pid for pid in record.parties
                  if pid in signing_parties(record) or pid in _answer(record, qid).parties]
        for pid in wanted:
            if pid not in boxes:
                boxes[pid] = party_box(pid)
        shown = tuple(boxes[pid] for pid in wanted)
        if answers.children != shown:
            answers.children = shown

    agreed = textarea(_("The answer both (all) parties agree on"), rows=3)
    agreed.add_class("pimw-agreed-answer")
    Bound(session, agreed, read=lambda r: _answer(r, qid).agreed,
          write=lambda v: store.set(aid, f"answers/{qid}/agreed", v, actor=session.actor,
                                    language=record_language()),
          editable=lambda: session.is_facilitator, key=f"{qid}-agreed")
    status = dropdown(STATUSES)
    Bound(session, status, read=lambda r: _answer(r, qid).status,
          write=lambda v: store.set(aid, f"answers/{qid}/status", v, actor=session.actor),
          editable=lambda: session.is_facilitator)

    def draw_mark(record: Record) -> None:
        css, words = question_state(record, session.content, qid)
        ans = _answer(record, qid)
        missing = [record.parties[p].organisation for p in signing_parties(record)
                   if not ans.parties.get(p)]
        shown = _(words)
        text = _("Waiting for: {parties}").format(parties=", ".join(missing)) \
            if words == "waiting" else shown[:1].upper() + shown[1:]
        badge = {"agreed": "pimw-agreed", "diverge": "pimw-diverge"}.get(css, "")
        mark.value = (f'<div class="pimw-qhead"><span class="pimw-qid">{escape(qid)}</span>'
                      f'<span class="pimw-badge {badge}" role="status">{escape(text)}</span>'
                      "</div>")

    if question.evidence == "disclosure_risk":
        extras.append(_risk_evidence(session))
    session.on_refresh(draw_parties)
    session.on_refresh(draw_mark)
    joint = w.HBox([labelled(_("Agreed answer (facilitator)"), agreed),
                    labelled(_("Status"), status)])
    joint.add_class("pimw-joint")
    card = w.VBox([mark, head, *extras, answers, joint], layout=w.Layout(width="100%"))
    card.add_class("pimw-card")
    return card


def _risk_evidence(session: Session) -> w.HTML:
    """The disclosure-risk checks recorded in the register, as evidence for the answer."""
    from pim_workbook.outputs.register import evidence_lines, risk_status

    box = html("", "pimw-joint")

    def draw(record: Record) -> None:
        items = []
        for dsid, ds in record.datasets.items():
            lines = evidence_lines(ds) or [_("not checked yet (Disclosure risk pane)")]
            items.append(f"<li><b>{escape(dsid)} · {escape(ds.title)}</b> — "
                         f"{escape(_(risk_status(ds.risk_check)))}<ul>"
                         + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul></li>")
        evidence = escape(_("Evidence: disclosure-risk checks of the register's datasets"),
                          quote=False)
        none_yet = escape(_("No dataset in the register yet."))
        box.value = (f"<h4>{evidence}</h4>"
                     + (f"<ul>{''.join(items)}</ul>" if items else
                        f'<p class="pimw-hint">{none_yet}</p>'))

    session.on_refresh(draw)
    return box


def _answer(record: Record, qid: str) -> QuestionAnswer:
    return record.answers.get(qid) or QuestionAnswer()
