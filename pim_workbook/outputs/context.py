"""What every human-readable view shows (HTML, Markdown, PDF, Word), computed once, as one
typed context: the templates and the Word writer read the same values.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from typing import Any

from pim_workbook.content.framework import Content, Principle, localise
from pim_workbook.content.overlay import translation_notice
from pim_workbook.errors import StoreError
from pim_workbook.i18n import N_, _, current_language, direction
from pim_workbook.outputs.actions import action_rows
from pim_workbook.outputs.history import QUESTION_SECTION, QUESTIONS_SECTION
from pim_workbook.outputs.history import Entry as HistoryEntry
from pim_workbook.outputs.history import entries as readable_history
from pim_workbook.outputs.plots import section_name
from pim_workbook.outputs.register import Entry, evidence_lines
from pim_workbook.outputs.register import entries as register_entries
from pim_workbook.record.hashing import record_hash
from pim_workbook.record.labels import human_date, label
from pim_workbook.record.model import PrincipleCheck, Record
from pim_workbook.record.progress import divergences, progress, retired_answers, signing_parties
from pim_workbook.record.sections import StepSection, sections_of
from pim_workbook.store.integrity import verification_lines
from pim_workbook.store.protocol import WorkbookStore
from pim_workbook.store.rows import Revision

# Paper sizes a report is printed on, in cm (width, height); the keys are CSS page sizes.
PAPERS = {"a4": (21.0, 29.7), "letter": (21.59, 27.94)}
# How much of the history a report carries: a summary by section (the default), that and
# every change as an annex, or nothing.
HISTORY = ("summary", "full", "none")
WHOLE_TABLE_ROWS = 10  # a table of at most this many rows is kept on one printed page
DIFFERS = N_("{id}: answers differ or are missing")  # an open question in the open items
PAGE_NUMBERS = N_("Page {page} of {pages}")  # a printed page's footer, after the footer text


def page_numbers() -> list[tuple[bool, str]]:
    """The "Page X of Y" of a printed page as pieces: (False, text) or (True, counter),
    the counter ``page`` or ``pages``, in the active language's order."""
    pieces = []
    for i, piece in enumerate(re.split(r"\{(pages?)\}", _(PAGE_NUMBERS))):
        if piece:
            pieces.append((i % 2 == 1, piece))
    return pieces


def record_at(store: WorkbookStore, aid: str, revision: int | None = None) -> Record:
    """The current record, or the frozen snapshot of a signed revision."""
    if revision is None:
        return store.get(aid)
    for rev in store.revisions(aid):
        if rev.number == revision:
            return Record.model_validate(rev.record)
    known = ", ".join(str(r.number) for r in store.revisions(aid)) or "none yet"
    raise StoreError(f"assessment {aid} has no signed revision {revision} (revisions: {known})")


@dataclass(frozen=True)
class QuestionView:
    """A question as reports show it: each answering party's answer and the agreed one."""

    id: str
    text: str
    answers: list[tuple[str, str]]  # (organisation, answer), signing parties and any other
    agreed: str
    status: str
    diverges: bool


@dataclass(frozen=True)
class StepView:
    """A step as reports show it: its questions, then the sections it declares."""

    id: str
    number: int
    title: str
    questions: list[QuestionView]
    sections: tuple[StepSection, ...]


@dataclass(frozen=True)
class SignatureView:
    """A signing party's block on the signature page.

    ``name`` and ``title`` are the party's signatory as recorded in the workbook (else
    blank lines are printed to fill in); ``signed`` says so when that sign-off is current.
    """

    organisation: str
    role: str
    name: str
    title: str
    signed: str


@dataclass(frozen=True)
class SectionChanges:
    """One line of a report's summary of changes: a section, how often and by whom it
    changed, and when last."""

    section: str
    changes: int
    people: str
    last: str


@dataclass(frozen=True)
class ReportContext:
    """Everything the human-readable views show (HTML, Markdown, PDF, Word), computed once."""

    record: Record
    content: Content
    status: str
    revision: int | None
    progress: dict[str, tuple[int, int]]
    steps: list[StepView]
    actions: list[dict[str, str]]  # the action plan's rows, as in its CSV
    open_items: list[str]
    figures: dict[str, str]  # name -> PNG data URI
    principles: list[tuple[Principle, PrincipleCheck | None]]
    categories: dict[str, str]  # PIM Matrix category id -> title
    register: list[tuple[Entry, list[str]]]  # each dataset with its evidence lines
    retired: list[str]
    open_questions: list[str]
    history: list[HistoryEntry]  # every change, read as sentences (``history="full"`` only)
    history_summary: list[SectionChanges]  # the changes by section (unless "none")
    revisions: list[Revision]
    paper: str  # a key of PAPERS
    record_hash: str  # what the parties sign
    version: str  # "revision N" when the record is a signed revision, else "draft"
    footer: str  # the assessment, its version and its hash, on every printed page
    notice: str  # whose translation the framework's text is ("" in English)
    signatures: list[SignatureView]  # one per signing party, in order
    non_signing: list[str]  # organisations that need not sign (donors)
    signed_open: list[str]  # the open items the current sign-offs acknowledged
    verification: list[str]  # whether the history chain and seals verify, and who sealed

    def variables(self) -> dict[str, Any]:
        """The context as template variables (one level deep: the values stay typed)."""
        return {f.name: getattr(self, f.name) for f in fields(self)} | {
            "label": label, "whole_table_rows": WHOLE_TABLE_ROWS,
            "section_name": section_name, "page_numbers": page_numbers(),
            "language": current_language(), "direction": direction()}


def check_options(*, paper: str, history: str) -> None:
    """Refuse an unknown paper size or history option in one line, before any work."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper size {paper!r} (one of: {', '.join(PAPERS)})")
    if history not in HISTORY:
        raise ValueError(f"unknown history option {history!r} (one of: {', '.join(HISTORY)})")


def report_context(store: WorkbookStore, aid: str, today: dt.date | None = None,
                   revision: int | None = None, *, figures: bool = False,
                   history: str = "summary", paper: str = "a4") -> ReportContext:
    """Everything the human-readable views show, computed once.

    With ``revision``, the views show that signed revision instead of the current record;
    ``figures`` adds the report's charts (PNG data URIs); ``history`` (one of
    :data:`HISTORY`) how much of the history it carries, a revision's only up to its freeze;
    ``paper`` (a key of :data:`PAPERS`) the page size it is printed on.
    """
    check_options(paper=paper, history=history)
    record = record_at(store, aid, revision)
    content = localise(store.content, current_language())  # the report's language
    open_questions = set(divergences(record, content))
    answering = signing_parties(record)  # donors' columns only where they answered
    steps = []
    for step in content.assessment.steps:
        questions = []
        for q in step.questions:
            ans = record.answers.get(q.id)
            given = ans.parties if ans else {}
            questions.append(QuestionView(
                id=q.id, text=q.text,
                answers=[(p.organisation, given.get(pid, ""))
                         for pid, p in record.parties.items()
                         if pid in answering or pid in given],
                agreed=ans.agreed if ans else "",
                status=ans.status if ans else "not_started",
                diverges=q.id in open_questions))
        steps.append(StepView(step.id, step.number, step.title, questions,
                              sections_of(step.id, reports=True)))
    actions = action_rows(record, content, today)
    sections = progress(record, content)
    revisions = store.revisions(aid)
    current = record_hash(record)
    signed_as = [r.number for r in revisions[-1:] if r.record_hash == current]  # unchanged
    version = (_("revision {number}").format(number=revision or signed_as[0])
               if revision or signed_as else _("draft"))
    changes = _history(store, record, revisions, revision) if history != "none" else []
    signed_open = list(dict.fromkeys(item for s in record.signoffs.values()
                                     if s.record_hash == current for item in s.open_items))
    return ReportContext(
        record=record,
        content=content,
        status=store.status(aid, today) if revision is None else "signed",
        revision=revision,
        progress=sections,
        steps=steps,
        actions=actions,
        open_items=open_items(record, sections, sorted(open_questions), actions),
        figures=report_figures(record, content, actions) if figures else {},
        principles=[(p, record.principles.get(p.id)) for p in content.principles],
        categories={c.id: c.title for c in content.pim_matrix.categories},
        register=[(e, evidence_lines(record.datasets[e.id]))
                  for e in register_entries(record, content)],
        retired=retired_answers(record, content),
        open_questions=sorted(open_questions),
        history=changes if history == "full" else [],
        history_summary=summarise(changes),
        revisions=revisions,
        paper=paper,
        record_hash=current,
        version=version,
        footer=_("Assessment {id} · {version} · content hash {hash}").format(
            id=record.id, version=version, hash=current[:16]),
        notice=translation_notice(),
        signatures=signature_views(record, current),
        non_signing=[p.organisation for pid, p in record.parties.items()
                     if pid not in signing_parties(record)],
        signed_open=signed_open,
        verification=verification_lines(store.verify(aid), aid),
    )


def _history(store: WorkbookStore, record: Record, revisions: list[Revision],
             revision: int | None) -> list[HistoryEntry]:
    """The readable history; a signed revision's only up to its freeze."""
    rows = store.history(record.id)
    if revision is not None:
        frozen = next(r.created_at for r in revisions if r.number == revision)
        rows = [c for c in rows if c.at <= frozen]
        revisions = [r for r in revisions if r.number < revision]
    return readable_history(rows, record, store.content, store.invites(record.id), revisions)


def summarise(changes: list[HistoryEntry]) -> list[SectionChanges]:
    """The changes by section, in the order sections first changed; a step's questions
    count as one section ("Step 1 · Questions")."""
    by_section: dict[str, list[HistoryEntry]] = {}
    question = re.compile(re.escape(_(QUESTION_SECTION)).replace(r"\{step\}", "(?P<step>.*?)")
                          .replace(r"\{qid\}", ".+"))
    for change in changes:
        asked = question.fullmatch(change.section)
        by_section.setdefault(
            _(QUESTIONS_SECTION).format(step=asked.groupdict().get("step", "")) if asked
            else change.section, []).append(change)
    return [SectionChanges(section, len(group),
                           ", ".join(sorted({c.who for c in group if c.who})),
                           max(c.at for c in group))
            for section, group in by_section.items()]


def signature_views(record: Record, current: str) -> list[SignatureView]:
    """The signature page's blocks: one per signing party, names filled in where known."""
    views = []
    for pid in signing_parties(record):
        party, signoff = record.parties[pid], record.signoffs.get(pid)
        signed = ""
        if signoff is not None and signoff.record_hash == current:
            signed = _("Signed in the workbook on {date} by {signatory}").format(
                date=human_date(signoff.signed_at), signatory=signoff.signatory)
        views.append(SignatureView(
            organisation=party.organisation, role=party.role,
            name=signoff.signatory if signoff else "", title=signoff.title if signoff else "",
            signed=signed))
    return views


def open_items(record: Record, sections: dict[str, tuple[int, int]],
               open_questions: list[str], actions: list[dict[str, str]]) -> list[str]:
    """What still needs doing, in words: the report's closing list."""
    items = [_("{section}: {done} of {total} done").format(
                 section=section_name(name), done=done, total=total)
             for name, (done, total) in sections.items() if done < total]
    items += [_(DIFFERS).format(id=qid) for qid in open_questions]
    items += [_("{id}: overdue since {date} ({owner})").format(
                  id=a["id"], date=human_date(a["due"]), owner=a["owner"] or _("no owner"))
              for a in actions if a["overdue"]]
    if record.decision.outcome is None:
        items.append(_("No decision on the data sharing yet"))
    return items


def report_figures(record: Record, content: Content,
                   actions: list[dict[str, str]]) -> dict[str, str]:
    """The report's charts as PNG data URIs (matplotlib is imported only here)."""
    import base64

    from pim_workbook.outputs import plots

    figures = {
        "progress": plots.progress_figure(record, content),
        "ecosystem": plots.ecosystem_figure(record, content),
        "sensitivity": plots.sensitivity_figure(record, content),
        "actions": plots.actions_figure(actions),
    }
    return {name: "data:image/png;base64," + base64.b64encode(plots.png(fig)).decode()
            for name, fig in figures.items()}


