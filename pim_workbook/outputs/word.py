"""The Word report: the record as the document partners print, read and sign.

Built only from :func:`pim_workbook.outputs.context.report_context` (the same context as the HTML
view) with python-docx, which is imported only when a document is written. All user text goes
through :func:`_write`, which adds it as plain runs and turns mostly right-to-left text
(Arabic, Hebrew) into right-to-left paragraphs. Headings nest in order (Heading 1 for the title
and each main section, Heading 2 inside), short tables and rows stay on one page, and the
document ends with a signature page, as the printed HTML does.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pim_workbook.i18n import _, direction
from pim_workbook.outputs.context import (
    DIFFERS,
    PAPERS,
    WHOLE_TABLE_ROWS,
    ReportContext,
    StepView,
    page_numbers,
    report_context,
)
from pim_workbook.record.labels import human_date, label
from pim_workbook.store.protocol import WorkbookStore

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

BODY_FONT = "Arial"
RTL_FONT = "DejaVu Sans"  # has Arabic and Hebrew glyphs
INK, ACCENT, FLAG, MUTED = "1F2933", "0B4F71", "B44D12", "616E7C"
HEADER_FILL, DIFFER_FILL, AGREED_FILL = "E4EBF2", "FBE1CC", "F3F6F9"
PAGE_WIDTH_CM = 17.0  # A4 minus 2 cm margins (Letter is wider)
WHOLE_TABLE_CHARS = 2000  # ... unless it holds more text than a page would
WHOLE_ROW_CHARS = 800  # a longer cell may break across pages (Word clips a taller row)
CELL_STYLE = "TableText"  # style id of the "Table Text" paragraph style, set by id (faster)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BIDI_SUCCESSORS = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                    "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def to_docx(store: WorkbookStore, aid: str, path: str | os.PathLike[str], *,
            today: dt.date | None = None, revision: int | None = None,
            paper: str = "a4") -> Path:
    """Write the assessment (or its signed ``revision``) as a Word document on ``paper``;
    returns its path.

    Raises :class:`~pim_workbook.errors.StoreError` for an unknown assessment or revision.
    """
    import docx

    ctx = report_context(store, aid, today, revision, history="summary", paper=paper)
    doc = docx.Document()
    _page_and_styles(doc, ctx)
    _cover(doc, ctx, today or dt.date.today())
    _trust(doc, ctx)
    _principles(doc, ctx)
    _ecosystem(doc, ctx)
    for step in ctx.steps:
        _step(doc, ctx, step)
    _action_plan(doc, ctx)
    _retired(doc, ctx)
    _still_open(doc, ctx)
    _changes(doc, ctx)
    _signatures(doc, ctx)
    _keep_tables_whole(doc)
    if direction() == "rtl":
        _right_to_left(doc)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(target))
    return target


# -- text ----------------------------------------------------------------------------------
def mostly_rtl(text: str) -> bool:
    """True when most letters are right-to-left (Arabic, Hebrew, ...)."""
    rtl = ltr = 0
    for char in text:
        if char.isalpha():
            kind = unicodedata.bidirectional(char)
            rtl += kind in ("R", "AL")
            ltr += kind == "L"
    return rtl > ltr


def _write(par: Paragraph, text: object, *, bold: bool = False, italic: bool = False,
           colour: str | None = None) -> Paragraph:
    """Add text to a paragraph as one plain run (escaped by python-docx), direction-aware."""
    from docx.shared import RGBColor

    clean = _XML_ILLEGAL.sub("", str(text))
    run = par.add_run(clean)
    run.bold, run.italic = bold or None, italic or None
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    if mostly_rtl(clean):
        rpr = run._r.get_or_add_rPr()
        _fonts(rpr, RTL_FONT)
        rpr.get_or_add_rtl()
        if bold:
            rpr.get_or_add_bCs()
        if italic:
            rpr.get_or_add_iCs()
    if mostly_rtl(par.text):
        ppr = par._p.get_or_add_pPr()
        if ppr.find(_qn("w:bidi")) is None:
            ppr.insert_element_before(_el("w:bidi"), *_BIDI_SUCCESSORS)
    return par


def _show(value: object) -> str:
    """A value as text, with an em dash for nothing."""
    return "—" if value is None or value == "" else str(value)


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _el(tag: str, **attrs: str) -> Any:
    """A new WordprocessingML element; ``attrs`` are w: attributes."""
    from docx.oxml import OxmlElement

    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(_qn(f"w:{key}"), value)
    return element


def _fonts(rpr: Any, name: str) -> None:
    """Use ``name`` for all scripts (Latin and complex), dropping theme fonts."""
    fonts = rpr.get_or_add_rFonts()
    for key in list(fonts.attrib):
        if key.lower().endswith("theme"):
            del fonts.attrib[key]
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(_qn(f"w:{attr}"), name)


# -- page and styles -----------------------------------------------------------------------
def _page_and_styles(doc: Document, ctx: ReportContext) -> None:
    """The paper, 2 cm margins, one sans-serif font, calm headings, and the footer of the
    printed HTML: the assessment, its version and hash, "Page X of Y"."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt, RGBColor

    section = doc.sections[0]
    width, height = PAPERS[ctx.paper]
    section.page_width, section.page_height = Cm(width), Cm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    defaults = doc.styles.element.find(_qn("w:docDefaults")).find(_qn("w:rPrDefault"))
    _fonts(defaults.find(_qn("w:rPr")), BODY_FONT)
    sizes = {"Normal": 10, "Subtitle": 12, "Heading 1": 15, "Heading 2": 12.5,
             "Heading 3": 11, "Footer": 8}
    for name, size in sizes.items():
        style = doc.styles[name]
        rpr = style.element.get_or_add_rPr()
        _fonts(rpr, BODY_FONT)
        style.font.size = Pt(size)
        if rpr.find(_qn("w:szCs")) is None:
            rpr.sz.addnext(_el("w:szCs"))
        rpr.find(_qn("w:szCs")).set(_qn("w:val"), str(int(size * 2)))
        colour = ACCENT if name.startswith("Heading") else INK
        style.font.color.rgb = RGBColor.from_string(MUTED if name == "Footer" else colour)
    doc.styles["Normal"].paragraph_format.space_after = Pt(4)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.1
    doc.styles["Heading 1"].paragraph_format.space_before = Pt(16)
    doc.styles["Heading 1"].paragraph_format.space_after = Pt(6)
    doc.styles["Heading 2"].paragraph_format.space_before = Pt(12)
    doc.styles["Heading 2"].paragraph_format.space_after = Pt(4)
    cell_style = doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell_style.base_style = doc.styles["Normal"]
    cell_style.font.size = Pt(9)
    cell_style.paragraph_format.space_after = Pt(2)
    cell_style.paragraph_format.line_spacing = 1.0

    record = ctx.record
    doc.core_properties.title = _XML_ILLEGAL.sub("", record.title)
    doc.core_properties.subject = _("PIM data-sharing assessment {id}").format(id=record.id)
    footer = section.footer.paragraphs[0]
    lead = f"{ctx.footer} · "
    for counter, piece in page_numbers():
        if counter:
            if lead:
                _write(footer, lead)
            _field(footer, "PAGE" if piece == "page" else "NUMPAGES")
        else:
            _write(footer, lead + piece)
        lead = ""


def _field(par: Paragraph, instruction: str) -> None:
    """A field Word fills in when it lays the page out (PAGE, NUMPAGES)."""
    field = _el("w:fldSimple", instr=instruction)
    field.append(_el("w:r"))
    field[0].append(_el("w:t"))
    field[0][0].text = "1"
    par._p.append(field)


def _status(ctx: ReportContext) -> str:
    text = label(ctx.status)
    return (_("{status} (signed revision {number})").format(status=text, number=ctx.revision)
            if ctx.revision else text)


# -- building blocks -----------------------------------------------------------------------
def _heading(doc: Document, text: str, level: int = 1) -> Paragraph:
    return _write(doc.add_heading("", level), text)


def _para(doc: Document, text: object = "", **fmt: Any) -> Paragraph:
    return _write(doc.add_paragraph(), text, **fmt) if text != "" else doc.add_paragraph()


def _shade(cell: _Cell, fill: str) -> None:
    """Give a table cell a background colour (w:shd)."""
    tcpr = cell._tc.get_or_add_tcPr()
    for old in tcpr.findall(_qn("w:shd")):
        tcpr.remove(old)
    tcpr.append(_el("w:shd", val="clear", color="auto", fill=fill))


def _table(doc: Document, rows: int, widths: Sequence[float]) -> Table:
    """A bordered table with column ``widths`` in cm, its cells in the table text style."""
    from docx.shared import Cm

    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Cm(width)
        for cell in col.cells:
            cell.width = Cm(width)
            cell.paragraphs[0]._p.style = CELL_STYLE
    return table


def _fill(cell: _Cell, value: object, placeholder: str = "—") -> None:
    """Put a value (text, or a list of texts as paragraphs) in an empty cell."""
    items = value if isinstance(value, list) else [value]
    items = [item for item in items if item not in (None, "")]
    if not items:
        _write(cell.paragraphs[0], placeholder, italic=True, colour=MUTED)
        return
    _write(cell.paragraphs[0], items[0])
    for item in items[1:]:
        par = cell.add_paragraph()
        par._p.style = CELL_STYLE
        _write(par, item)


def _grid(doc: Document, header: Sequence[str], rows: Sequence[Sequence[object]],
          widths: Sequence[float] | None = None, placeholder: str = "—") -> Table:
    """A table with a shaded header row (repeated on each page) and one row per item."""
    widths = widths or [PAGE_WIDTH_CM / len(header)] * len(header)
    table = _table(doc, 1 + len(rows), widths)
    table.rows[0]._tr.get_or_add_trPr().append(_el("w:tblHeader"))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _write(cell.paragraphs[0], text, bold=True)
        _shade(cell, HEADER_FILL)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            _fill(cell, value, placeholder)
    return table


def _pairs(doc: Document, pairs: Sequence[tuple[str, object]]) -> Table:
    """A two-column key/value table."""
    table = _table(doc, len(pairs), (4.6, PAGE_WIDTH_CM - 4.6))
    for row, (key, value) in zip(table.rows, pairs, strict=True):
        _write(row.cells[0].paragraphs[0], key, bold=True)
        _shade(row.cells[0], HEADER_FILL)
        _fill(row.cells[1], value)
    return table


def _answers(doc: Document, answers: Sequence[tuple[str, str]], agreed: str, status: str,
             diverges: bool = False) -> None:
    """The parties' answers side by side, then the agreed answer across the whole table."""
    if not answers:
        _para(doc, _("No parties yet."), italic=True, colour=MUTED)
        return
    table = _grid(doc, [org for org, _text in answers], [[text for _org, text in answers]],
                  placeholder=_("no answer yet"))
    if diverges:
        for cell in table.rows[0].cells:
            _shade(cell, DIFFER_FILL)
    for text, placeholder in ((_("Agreed answer · status: {status}").format(
                                  status=label(status)), ""),
                              (agreed, _("not agreed yet"))):
        row = table.add_row()
        cell = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
        cell.paragraphs[0]._p.style = CELL_STYLE
        if placeholder:
            _fill(cell, text, placeholder)
        else:
            _write(cell.paragraphs[0], text, bold=True)
            _shade(cell, AGREED_FILL)
    _para(doc)


# -- sections ------------------------------------------------------------------------------
def _cover(doc: Document, ctx: ReportContext, today: dt.date) -> None:
    from docx.shared import Pt

    record = ctx.record
    title = _heading(doc, record.title)
    title.paragraph_format.space_before = Pt(0)
    for run in title.runs:
        run.font.size = Pt(20)  # the cover's title, larger than the sections it heads
    _write(doc.add_paragraph(style="Subtitle"), _("Joint data-sharing assessment under the "
           "PIM Framework for Data Sharing in Practice"))
    _pairs(doc, [(_("Assessment"), record.id), (_("Status"), _status(ctx)),
                 (_("Framework content version"), record.content_version),
                 (_("Created"), human_date(record.created_at, time=False)),
                 (_("Document generated"), human_date(today)),
                 (_("Tamper evidence"), "; ".join(ctx.verification))])
    if ctx.notice:
        _para(doc, ctx.notice)
    if ctx.signed_open:
        _heading(doc, _("Signed with these items open"), 2)
        _para(doc, _("The signatories saw these items open when they signed, and signed all "
                     "the same:"))
        for item in ctx.signed_open:
            _write(doc.add_paragraph(style="List Bullet"), item, colour=FLAG)
    _heading(doc, _("Parties"), 2)
    _grid(doc, [_("Party"), _("Organisation"), _("Role"), _("Contacts")],
          [[pid, p.organisation, label(p.role),
            [", ".join(x for x in (c.name, c.position, c.email) if x) for c in p.contacts]]
           for pid, p in record.parties.items()], widths=(1.4, 6.0, 2.2, 7.4))
    _heading(doc, _("Defined purpose"), 2)
    _pairs(doc, [(_("Purpose"), record.purpose),
                 (_("Expected benefits"), record.expected_benefits),
                 (_("Harms of not sharing"), record.harms_of_not_sharing)])
    _heading(doc, _("Decision"), 2)
    _pairs(doc, [*_decision(record),
                 (_("Next review"), _show(human_date(record.arrangement.next_review)))])
    doc.add_page_break()


def _decision(record: Any) -> list[tuple[str, object]]:
    d = record.decision
    return [(_("Decision"), label(d.outcome)), (_("Rationale"), d.rationale),
            (_("Conditions"), d.conditions),
            (_("Decided on"), _show(human_date(d.decided_on)))]


def _trust(doc: Document, ctx: ReportContext) -> None:
    record = ctx.record
    _heading(doc, _("Trust statement"))
    for text in ctx.content.trust_statement.statement:
        _para(doc, text, italic=True)
    rows = []
    for pid, party in record.parties.items():
        agreed = record.trust.get(pid)
        rows.append([party.organisation, label(party.role),
                     agreed.agreed_by if agreed else _("not yet agreed"),
                     _show(human_date(agreed.agreed_on) if agreed else None)])
    _grid(doc, [_("Party"), _("Role"), _("Agreed by"), _("On")], rows,
          widths=(7.0, 2.4, 5.2, 2.4))


def _principles(doc: Document, ctx: ReportContext) -> None:
    _heading(doc, _("PIM principles"))
    _grid(doc, [_("Principle"), _("Status"), _("Note")],
          [[p.title, label(check.status if check else "not_checked"), check.note if check else ""]
           for p, check in ctx.principles], widths=(4.2, 2.4, 10.4))


def _ecosystem(doc: Document, ctx: ReportContext) -> None:
    from docx.shared import Cm

    record, names = ctx.record, {sid: s.name for sid, s in ctx.record.stakeholders.items()}
    _heading(doc, _("Data ecosystem"))
    _heading(doc, _("Stakeholders"), 2)
    if record.stakeholders:
        _grid(doc, [_("Id"), _("Name"), _("Kind"), _("Information and data held")],
              [[sid, s.name, s.kind, s.information] for sid, s in record.stakeholders.items()],
              widths=(1.2, 4.6, 3.4, 7.8))
    else:
        _para(doc, _("No stakeholders mapped yet."), italic=True, colour=MUTED)
    _heading(doc, _("Systems"), 2)
    if record.systems:
        _grid(doc, [_("Id"), _("System"), _("PIM Matrix category"), _("Operated by"),
                    _("Where"), _("Data produced"), _("Used by")],
              [[yid, y.name, ctx.categories.get(y.category, y.category), y.operated_by,
                y.where, y.data_types, y.used_by] for yid, y in record.systems.items()],
              widths=(1.1, 2.8, 2.5, 2.6, 2.2, 3.2, 2.6))
    else:
        _para(doc, _("No systems mapped yet."), italic=True, colour=MUTED)
    if record.flows:
        _heading(doc, _("Data flows"), 2)
        _grid(doc, [_("From"), _("To"), _("Data"), _("System")],
              [[names.get(f.source, f.source), names.get(f.target, f.target), f.data,
                record.systems[f.system].name if f.system in record.systems else ""]
               for f in record.flows.values()], widths=(3.6, 3.6, 6.4, 3.4))
    if record.stakeholders:
        from pim_workbook.outputs import plots

        picture = plots.png(plots.ecosystem_figure(record, ctx.content))
        doc.add_paragraph().add_run().add_picture(io.BytesIO(picture), width=Cm(16))
        _para(doc, _("Who holds what, and who shares with whom."), italic=True, colour=MUTED)


def _step(doc: Document, ctx: ReportContext, step: StepView) -> None:
    doc.add_page_break()
    _heading(doc, _("Step {number}: {title}").format(number=step.number, title=step.title))
    for q in step.questions:
        par = _write(doc.add_paragraph(), q.id + "  ", bold=True)
        _write(par, q.text).paragraph_format.keep_with_next = True
        if q.diverges:
            flag = _para(doc, _("Answers differ or are missing"), bold=True, colour=FLAG)
            flag.paragraph_format.keep_with_next = True
        _answers(doc, q.answers, q.agreed, q.status, q.diverges)
    for section in step.sections:
        SECTION_WRITERS[section.key](doc, ctx)


def _data_items(doc: Document, ctx: ReportContext) -> None:
    record = ctx.record
    _heading(doc, _("Data items to share"), 2)
    if record.data_items:
        _grid(doc, [_("Id"), _("Data item"), _("Importance"), _("Personal"), _("Sensitive"),
                    _("Sensitivity (harm)"), _("Aggregation")],
              [[did, [d.name, d.description], label(d.importance), label(d.personal),
                label(d.sensitive), label(d.sensitivity), d.aggregation]
               for did, d in record.data_items.items()],
              widths=(1.1, 5.0, 2.0, 1.7, 1.8, 2.0, 3.4))
    else:
        _para(doc, _("No data items listed yet."), italic=True, colour=MUTED)


def _register(doc: Document, ctx: ReportContext) -> None:
    _heading(doc, _("Data-sharing register"), 2)
    if ctx.register:
        _grid(doc, [_("Id"), _("Dataset"), _("From → to"), _("Sensitivity"), _("Personal data"),
                    _("Delete by"), _("Disclosure risk")],
              [[e.id, [e.title, e.data_items], f"{e.owner or '—'} → {e.recipients or '—'}",
                _(e.sensitivity) if e.sensitivity else "—", _(e.personal),
                human_date(e.retention_until) or "—",
                _(e.risk_status) + (f" (k = {e.risk_k})" if e.risk_k else "")]
               for e, _lines in ctx.register],
              widths=(1.1, 4.4, 3.3, 2.1, 1.9, 2.0, 2.2))
        for e, lines in ctx.register:
            if lines:
                _para(doc, _("Disclosure-risk evidence for {id} (Step 2, Q3)").format(id=e.id),
                      bold=True)
                for line in lines:
                    _para(doc, line)
    else:
        _para(doc, _("No dataset in the register yet."), italic=True, colour=MUTED)


def _arrangement(doc: Document, ctx: ReportContext) -> None:
    record = ctx.record
    arr = record.arrangement
    _heading(doc, _("Sharing arrangement"), 2)
    _pairs(doc, [(_("Form"), arr.form), (_("Frequency"), arr.frequency),
                 (_("Channel"), arr.channel), (_("Aggregation level"), arr.aggregation),
                 (_("Who has access, and why"),
                  [f"{x.who}: {x.purpose}" if x.purpose else x.who
                   for x in arr.access.values()]),
                 (_("Actual practices"), arr.practices), (_("Red lines"), arr.red_lines),
                 (_("Retention"), arr.retention), (_("Time frame of use"), arr.time_frame),
                 (_("Next review"), _show(human_date(arr.next_review)))])


def _consent_decision(doc: Document, ctx: ReportContext) -> None:
    record = ctx.record
    _heading(doc, _("Consent"), 2)
    _pairs(doc, [(_("Basis"), label(record.consent.basis)),
                 (_("Details"), record.consent.details),
                 (_("Limitations"), record.consent.limitations)])
    _heading(doc, _("Decision"), 2)
    _pairs(doc, _decision(record))


def _incidents(doc: Document, ctx: ReportContext) -> None:
    record = ctx.record
    _heading(doc, _("Incident and harm log"), 2)
    if record.incidents:
        _grid(doc, [_("Id"), _("Date"), _("What happened"), _("Harm"), _("Severity"),
                    _("Corrective action"), _("Status")],
              [[iid, human_date(i.occurred_on), i.description, i.harm, label(i.severity),
                i.corrective_action, label(i.status)] for iid, i in record.incidents.items()],
              widths=(1.0, 2.1, 3.9, 3.3, 1.7, 3.4, 1.6))
    else:
        _para(doc, _("No incidents recorded."), italic=True, colour=MUTED)


def _evaluation(doc: Document, ctx: ReportContext) -> None:
    record = ctx.record
    ev = record.evaluation
    _heading(doc, _("Evaluation"), 2)
    _pairs(doc, [(_("Information shared was"), label(ev.sufficiency)),
                 (_("Intended benefits achieved"), label(ev.benefits_achieved)),
                 (_("Shared as planned"), label(ev.shared_as_planned)),
                 (_("Risks mitigated effectively"), label(ev.risks_mitigated)),
                 (_("Unanticipated benefits or risks"), ev.unanticipated),
                 (_("Resources"), ev.resources),
                 (_("Feedback from affected populations"), ev.community_feedback),
                 (_("Recommendations"), ev.recommendations),
                 (_("Evaluated on"), _show(human_date(ev.evaluated_on)))])


# The writer of each section of :mod:`pim_workbook.record.sections` a report shows, by key.
SECTION_WRITERS: dict[str, Callable[[Document, ReportContext], None]] = {
    "data_items": _data_items, "register": _register, "arrangement": _arrangement,
    "consent_decision": _consent_decision, "incidents": _incidents,
    "evaluation": _evaluation,
}


def _action_plan(doc: Document, ctx: ReportContext) -> None:
    from docx.shared import RGBColor

    doc.add_page_break()
    _heading(doc, _("Action plan"))
    actions = ctx.actions
    table = _grid(doc, [_("Id"), _("Action"), _("Status"), _("Owner"), _("Due"), _("Note")],
                  [[a["id"], a["action"], label(a["status"]), a["owner"],
                    _("{date} (overdue)").format(date=human_date(a["due"])) if a["overdue"]
                    else human_date(a["due"]), a["note"]]
                   for a in actions], widths=(2.5, 5.6, 1.9, 2.3, 1.9, 2.8))
    for row, action in zip(table.rows[1:], actions, strict=True):
        if action["overdue"]:
            for run in row.cells[4].paragraphs[0].runs:
                run.bold, run.font.color.rgb = True, RGBColor.from_string(FLAG)


def _retired(doc: Document, ctx: ReportContext) -> None:
    if not ctx.retired:
        return
    record = ctx.record
    _heading(doc, _("Answers to questions no longer in the framework content"))
    for qid in ctx.retired:
        ans = record.answers[qid]
        _para(doc, qid, bold=True).paragraph_format.keep_with_next = True
        orgs = {pid: p.organisation for pid, p in record.parties.items()}
        _answers(doc, [(orgs.get(pid, pid), text) for pid, text in ans.parties.items()],
                 ans.agreed, ans.status)


def _still_open(doc: Document, ctx: ReportContext) -> None:
    _heading(doc, _("Still open"))
    questions = [q for step in ctx.steps for q in step.questions if q.diverges]
    for q in questions:
        par = _write(doc.add_paragraph(style="List Bullet"), q.id + ": ", bold=True)
        _write(par, _("{question} (answers differ or are missing)").format(question=q.text))
    shown = {_(DIFFERS).format(id=q.id) for q in questions}
    others = [item for item in ctx.open_items if item not in shown]
    for item in others:
        _write(doc.add_paragraph(style="List Bullet"), item)
    if not questions and not others:
        _para(doc, _("Nothing is open."))


def _changes(doc: Document, ctx: ReportContext) -> None:
    """The summary of changes by section (the full log stays in the HTML and PDF annex)."""
    if not ctx.history_summary:
        return
    _heading(doc, _("Changes up to signed revision {number}").format(number=ctx.revision)
             if ctx.revision else _("Changes"))
    _grid(doc, [_("Section"), _("Changes"), _("By"), _("Last")],
          [[s.section, str(s.changes), s.people, human_date(s.last)]
           for s in ctx.history_summary], widths=(5.0, 2.0, 6.5, 3.5))


def _signatures(doc: Document, ctx: ReportContext) -> None:
    """The signature page: one block per signing party (names filled in where the workbook
    has them), each kept on one page; a current sign-off in the workbook is noted."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.shared import Cm

    record = ctx.record
    _heading(doc, _("Signatures")).paragraph_format.page_break_before = True
    if ctx.revision:
        confirms = _("By signing, each party confirms that this document (signed revision "
                     "{number} of assessment {id}, content hash {hash}) records the "
                     "assessment as jointly agreed.")
    else:
        confirms = _("By signing, each party confirms that this document (this record of "
                     "assessment {id}, content hash {hash}) records the assessment as jointly "
                     "agreed.")
    _para(doc, confirms.format(number=ctx.revision, id=record.id, hash=ctx.record_hash[:16]))
    if ctx.non_signing:
        _para(doc, _("Donors need not sign: {donors}.").format(
            donors="; ".join(ctx.non_signing)), italic=True, colour=MUTED)
    if not ctx.signatures:
        _para(doc, _("No signing parties yet."), italic=True, colour=MUTED)
    for block in ctx.signatures:
        head = _heading(doc, block.organisation, 2)
        _write(head, f"  ({label(block.role)})", colour=MUTED)
        head.paragraph_format.space_before = Cm(0.8)
        if block.signed:
            _para(doc, block.signed, italic=True).paragraph_format.keep_with_next = True
        table = _table(doc, 4, (3.0, 10.0))
        table.style = doc.styles["Normal Table"]
        lines = ((_("Name"), block.name, 0.9), (_("Title"), block.title, 0.9),
                 (_("Signature"), "", 1.8), (_("Date"), "", 0.9))
        for row, (key, value, height) in zip(table.rows, lines, strict=True):
            row.height = Cm(height)
            _write(row.cells[0].paragraphs[0], key, colour=MUTED)
            if value:
                _write(row.cells[1].paragraphs[0], value)
            for cell in row.cells:
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            borders = _el("w:tcBorders")
            borders.append(_el("w:bottom", val="single", sz="6", space="0", color=INK))
            row.cells[1]._tc.get_or_add_tcPr().insert_element_before(
                borders, "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                "w:vAlign", "w:hideMark")


def _right_to_left(doc: Document) -> None:
    """An Arabic report read right to left: every paragraph (footer included) and the
    section are bidirectional, every table's columns run from the right. Word lays out the
    Arabic and the English inside each paragraph itself."""
    from docx.oxml.ns import qn

    parts = [doc.element.body, *(s.footer._element for s in doc.sections)]
    for part in parts:
        for p in part.iter(qn("w:p")):
            p.get_or_add_pPr().insert_element_before(
                _el("w:bidi"), "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    for table in doc.tables:
        table._tbl.tblPr.insert_element_before(
            _el("w:bidiVisual"), "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW",
            "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
            "w:tblCellMar", "w:tblLook",
            "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    for section in doc.sections:
        section._sectPr.insert_element_before(_el("w:bidi"), "w:rtlGutter", "w:docGrid",
                                              "w:printerSettings", "w:sectPrChange")


def _keep_tables_whole(doc: Document) -> None:
    """Rows never split across pages, and short tables stay on one page, as when printed
    from HTML; a row with more text than a page may still break (Word would clip it)."""
    for table in doc.tables:
        rows = [(row, [cell.text for cell in row.cells]) for row in table.rows]
        for row, texts in rows:
            if max(map(len, texts)) <= WHOLE_ROW_CHARS:
                row._tr.get_or_add_trPr().insert_element_before(
                    _el("w:cantSplit"), "w:trHeight", "w:tblHeader", "w:tblCellSpacing",
                    "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
        if len(rows) > WHOLE_TABLE_ROWS or sum(len(t) for _row, texts in rows
                                               for t in texts) > WHOLE_TABLE_CHARS:
            continue
        for row, _texts in rows[:-1]:
            for cell in row.cells:
                for par in cell.paragraphs:
                    par.paragraph_format.keep_with_next = True
