"""The eight PIM principles, checked together.
"""

from __future__ import annotations

from functools import partial
from html import escape
from typing import Any

import ipywidgets as w

from pim_workbook.app.session import Bound, Session
from pim_workbook.app.widgets.controls import (
    choices_of,
    dropdown,
    heading,
    html,
    labelled,
    textarea,
)
from pim_workbook.i18n import _
from pim_workbook.record.model import (
    PrincipleCheck,
    Record,
)


def principles_page(session: Session) -> w.Widget:
    content = session.content
    statuses = choices_of(PrincipleCheck.model_fields["status"].annotation)
    rows: list[w.Widget] = [heading(_("The eight PIM principles")),
                            html(f"<p>{escape(content.principles_introduction)}</p>")]
    for principle in content.principles:
        status = dropdown(statuses)
        note = textarea(_("how the parties meet this principle; what is missing"), rows=2)

        def read(r: Record, pid: str = principle.id) -> PrincipleCheck:
            return r.principles.get(pid) or PrincipleCheck()

        def write(field: str, value: Any, pid: str = principle.id) -> None:
            current = session.record.principles.get(pid) or PrincipleCheck()
            session.store.set(session.aid, f"principles/{pid}",
                              {**current.model_dump(), field: value}, actor=session.actor)

        Bound(session, status, read=partial(lambda read, r: read(r).status, read),
              write=partial(write, "status"))
        Bound(session, note, read=partial(lambda read, r: read(r).note, read),
              write=partial(write, "note"), key=f"principle-{principle.id}")
        rows.append(w.VBox([html(f"<h3>{escape(principle.title)}</h3>"
                                 f"<p>{escape(principle.description)}</p>"),
                            w.HBox([labelled(_("Status"), status), labelled(_("Note"), note)],
                                   layout=w.Layout(width="100%"))]))
    return w.VBox(rows, layout=w.Layout(width="100%"))


