"""The data ecosystem: stakeholders, systems and flows along the PIM Matrix.
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any

import ipywidgets as w

from pim_workbook.app.fields import FLOW_FIELDS, STAKEHOLDER_FIELDS, SYSTEM_FIELDS
from pim_workbook.app.session import Session
from pim_workbook.app.shell import Tabs
from pim_workbook.app.widgets.controls import (
    collapsible,
    html,
)
from pim_workbook.app.widgets.editors import (
    collection_editor,
)
from pim_workbook.i18n import N_, _
from pim_workbook.record.model import (
    DataFlow,
    InfoSystem,
    Record,
    Stakeholder,
)


def ecosystem_page(session: Session) -> w.Widget:
    eco, matrix = session.content.ecosystem, session.content.pim_matrix
    questions = "".join(f"<li>{escape(q.text)}</li>" for q in eco.questions)
    cats = "".join(f"<tr><td>{escape(c.title)}</td><td>{escape(c.description)}</td></tr>"
                   for c in matrix.categories)
    intro = html(f"<h2>{escape(eco.title)}</h2><p>{escape(eco.introduction)}</p>"
                 f"<ol>{questions}</ol><p>{escape(eco.recommendation)}</p>")
    wording = escape(_("Description (workbook's wording)"), quote=False)
    headers = "<th>" + escape(_("Category")) + f"</th><th>{wording}</th>"
    categories = collapsible(
        _("PIM Matrix categories"),
        f'<p class="pimw-hint">{escape(matrix.note)}</p><table class="pimw-table">'
        f"<tr>{headers}</tr>{cats}</table>")
    return w.VBox([intro, categories, Tabs([
        (N_("Stakeholders"), lambda: collection_editor(
            session, "stakeholders", Stakeholder, STAKEHOLDER_FIELDS, title_field="name",
            noun=_("stakeholder"))),
        (N_("Systems"), lambda: collection_editor(
            session, "systems", InfoSystem, SYSTEM_FIELDS, title_field="name",
            noun=_("system"),
            defaults=lambda r: {"category": session.content.pim_matrix.categories[0].id})),
        (N_("Data flows"), lambda: collection_editor(
            session, "flows", DataFlow, FLOW_FIELDS, title_field="data", noun=_("flow"),
            defaults=lambda r: dict.fromkeys(("source", "target"),
                                             next(iter(r.stakeholders), "")))),
        (N_("Picture"), lambda: _ecosystem_picture(session)),
    ])])


def _ecosystem_picture(session: Session) -> w.Widget:
    """The picture as an ``<img>`` with its alternative text (an ipywidgets Image has none)."""
    from pim_workbook.outputs.plots import ecosystem_figure, png

    image = html("")
    shown: list[Any] = [None]

    def draw(record: Record) -> None:
        key = (record.stakeholders, record.systems, record.flows)
        if key != shown[0]:
            shown[0] = key
            data = base64.b64encode(png(ecosystem_figure(record, session.content))).decode()
            alt = escape(_("The data ecosystem: stakeholders, their systems and the data "
                           "flows between them, as listed in the other tabs"))
            image.value = (f'<img src="data:image/png;base64,{data}" style="width:100%; '
                           f'max-width:72rem" alt="{alt}">')

    session.on_refresh(draw)
    return image
