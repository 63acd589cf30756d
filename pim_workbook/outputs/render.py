"""The record rendered through the Jinja templates, as HTML (all user text escaped) and
Markdown.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pim_workbook import i18n
from pim_workbook.outputs.context import report_context
from pim_workbook.record.labels import human_date, label
from pim_workbook.store.protocol import WorkbookStore


def _environment(autoescape: bool) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pim_workbook.outputs", "templates"),
        autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"],
    )
    # the active language's catalogue, looked up at render time ({% trans %} and _())
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n._, i18n.ngettext, newstyle=True)
    env.filters["md"] = markdown_escape
    env.filters["label"] = label
    env.filters["human_date"] = human_date
    env.filters["css_string"] = css_string
    return env


def to_html(store: WorkbookStore, aid: str, today: dt.date | None = None, **options: Any) -> str:
    """The record as one self-contained HTML page (all user text escaped).

    ``options`` go to :func:`report_context` (``revision``, ``figures``, ``history``,
    ``paper``).
    """
    return _environment(True).get_template("record.html.j2").render(
        **report_context(store, aid, today, **options).variables())


def report_fragment(store: WorkbookStore, aid: str, today: dt.date | None = None,
                    **options: Any) -> str:
    """The record's HTML without the page around it (its style included), for notebooks."""
    env = _environment(True)
    context = report_context(store, aid, today, **options).variables()
    return (env.get_template("record_style.html.j2").render(**context)
            + env.get_template("record_body.html.j2").render(**context))


def css_string(text: object) -> Any:
    """User text as a quoted CSS string (page footers are CSS ``content``, in a style
    element where HTML escaping does not apply)."""
    from markupsafe import Markup

    escaped = "".join(c if c.isalnum() or c in " .,;:·-_()" else f"\\{ord(c):x} "
                      for c in str(text))
    return Markup(f'"{escaped}"')


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")


def markdown_escape(text: object) -> str:
    """Escape Markdown and HTML syntax so user text renders as typed, on one line."""
    escaped = _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))
    return escaped.replace("\r", "").replace("\n", "<br>")


def to_markdown(store: WorkbookStore, aid: str, today: dt.date | None = None,
                **options: Any) -> str:
    """The record as Markdown; ``options`` as for :func:`to_html`."""
    return _environment(False).get_template("record.md.j2").render(
        **report_context(store, aid, today, **options).variables())


