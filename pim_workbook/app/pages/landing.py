"""The landing page: every assessment in the store, with its status and progress."""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

from pim_workbook.access import KEY_PARAM, grant_of
from pim_workbook.app.gate import guarded, not_valid
from pim_workbook.app.nav import PAGES
from pim_workbook.app.session import page_query
from pim_workbook.app.shell import CSS, language_bar, template_words
from pim_workbook.content.framework import localise
from pim_workbook.errors import AccessDenied
from pim_workbook.i18n import _, current_language, format_percent, language_query
from pim_workbook.record.labels import label
from pim_workbook.store.core import Store
from pim_workbook.store.protocol import WorkbookStore


def landing_html(store: WorkbookStore, key: str = "") -> str:
    """HTML listing the assessments the store (or link) shows (all user text escaped)."""
    along = urlencode({**({KEY_PARAM: key} if key else {}), **language_query()})
    carry = f"&{along}" if along else ""  # the link key and the language, on every link
    rows = []
    for summary in store.summaries():
        done, total = summary.done, summary.total
        start = f"{PAGES[0].notebook}?assessment={quote(summary.id)}{carry}"
        rows.append(
            f"<tr><td><code>{escape(summary.id)}</code></td>"
            f'<td><a href="{escape(start)}">{escape(summary.title)}</a></td>'
            f"<td>{escape(', '.join(summary.parties))}</td>"
            f"<td>{escape(label(summary.status))}</td>"
            f'<td><progress max="{total}" value="{done}"></progress> '
            f"{escape(format_percent((round(100 * done / total) if total else 0) / 100))}"
            "</td></tr>")
    headers = "".join(f"<th>{escape(h)}</th>" for h in (
        _("Id"), _("Assessment"), _("Parties"), _("Status"), _("Progress")))
    body = (
        f'<table class="pimw-table"><tr>{headers}</tr>' + "".join(rows) + "</table>"
        if rows else
        '<p class="pimw-hint">' + escape(_(
            "No assessment yet. Run {sample} to load the sample, or {new} to start one.")).format(
            sample="<code>pim-workbook sample</code>", new="<code>pim-workbook new</code>")
        + "</p>"
    )
    title = escape(localise(store.content, current_language()).title)
    first = "?" + carry[1:] if carry else ""
    parts = "".join(f'<li><a href="{p.notebook}{escape(first)}">{escape(_(p.title))}</a></li>'
                    for p in PAGES)
    grant = grant_of(store)
    trainer = new = ""
    if grant is None or grant.is_facilitator:
        new_text = escape(_("+ New assessment"))
        new = (f'<p class="pimw-nav"><a href="{PAGES[0].notebook}{escape(first)}" '
               f'class="pimw-new">{new_text}</a></p>')
        view = escape(_("Core competencies: the trainer's view"), quote=False)
        link = f'<a href="09-training.ipynb{escape(first)}">{view}</a>'
        trainer = ("<h2>" + escape(_("Training")) + "</h2><p>"
                   + escape(_("{link} — training sessions, links for trainees, the group's "
                              "results."), quote=False).format(link=link) + "</p>")
    intro = escape(_("Two or more organisations work through the {title} together and leave "
                     "with one signed record of their decision. Open an assessment to start; "
                     "each page leads to the next.")).format(title=f"<i>{title}</i>")
    name, order = escape(_("PIM Data-Sharing Workbook")), escape(_("The parts, in order"))
    return (f'<style>{CSS}</style>{template_words()}<div class="pimw-page">{language_bar()}'
            f"<h1>{name}</h1><p>{intro}</p>{new}{body}"
            f"<h2>{order}</h2><ol>{parts}</ol>{trainer}</div>")


def show_landing(db_path: str = "") -> None:
    """Display the landing page in a notebook (``db_path`` empty: the default store).

    It is an HTML widget, not a rich output, so its links open in the same tab.
    """
    import ipywidgets as w
    from IPython.display import display

    query = page_query()
    with Store(db_path or None) as store:
        try:
            view = guarded(store, query)
        except AccessDenied as exc:
            display(not_valid(str(exc)))
            return
        display(w.HTML(landing_html(view, query.key), layout=w.Layout(width="100%")))
