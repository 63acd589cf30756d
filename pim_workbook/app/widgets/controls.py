"""Small widget builders shared by every view (labels, inputs, choice lists)."""

from __future__ import annotations

import typing
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

import ipywidgets as w
from ipywidgets.widgets.widget_description import DescriptionWidget

from pim_workbook.content.framework import Bullet, Content
from pim_workbook.i18n import _, current_language
from pim_workbook.record.labels import label
from pim_workbook.record.model import Record

if TYPE_CHECKING:
    from pim_workbook.app.session import Session

FULL = w.Layout(width="100%")


def html(text: str, css: str = "") -> w.HTML:
    """Trusted markup built by the workbook (user text must be escaped by the caller)."""
    widget = w.HTML(value=text, layout=w.Layout(width="100%"))
    if css:
        widget.add_class(css)
    return widget


def heading(text: str, level: int = 2) -> w.HTML:
    return html(f"<h{level}>{escape(text)}</h{level}>")


def textarea(placeholder: str = "", rows: int = 4) -> w.Textarea:
    return w.Textarea(placeholder=placeholder, rows=rows, continuous_update=False,
                      layout=FULL)


def text(placeholder: str = "", width: str = "") -> w.Text:
    """A one-line box, the page's width (boxes share one layout: change a box's size
    through ``width``, never through its ``layout``, which would resize them all)."""
    layout = w.Layout(width=width, max_width="100%") if width else FULL
    return w.Text(placeholder=placeholder, continuous_update=False, layout=layout)


def labelled(caption: str, widget: w.Widget, hint: str = "") -> w.VBox:
    """``widget`` under its caption. A control that can carry a label gets it as its own
    (a ``<label for>`` screen readers announce), shown above it; a hint goes underneath."""
    parts: list[w.Widget] = []
    if isinstance(widget, DescriptionWidget) and not widget.description:
        widget.description = caption
        widget.add_class("pimw-above")
    else:
        parts.append(html(f"<b>{escape(caption)}</b>", "pimw-label"))
    parts.append(widget)
    if hint:
        parts.append(html(f'<span class="pimw-hint">{escape(hint)}</span>'))
    return w.VBox(parts, layout=FULL)


def choices_of(annotation: Any) -> list[str]:
    """The values of a Literal (or Optional Literal) type."""
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return list(typing.get_args(arg))
    return []


def dropdown(values: list[str], *, optional: bool = False,
             names: dict[str, str] | None = None) -> w.Dropdown:
    names = names or {}
    options: list[tuple[str, Any]] = [("—", None)] if optional else []
    options += [(names.get(v, label(v)), v) for v in values]
    return w.Dropdown(options=options, layout=w.Layout(width="auto", min_width="18rem"))


def bullets_html(items: list[Bullet]) -> str:
    if not items:
        return ""
    inner = "".join(f"<li>{escape(b.text)}{bullets_html(b.items)}</li>" for b in items)
    return f"<ul>{inner}</ul>"


def definitions_html(content: Content, ids: list[str]) -> str:
    out = []
    for did in ids:
        d = content.definition(did)
        body = "".join(f"<p>{escape(p)}</p>" for p in d.paragraphs)
        if d.bullets:
            body += "<ul>" + "".join(f"<li>{escape(b)}</li>" for b in d.bullets) + "</ul>"
        out.append(f"<h4>{escape(d.question)}</h4>{body}")
    return "".join(out)


def english_original(original_html: str) -> str:
    """On a page in another language, the English wording behind a disclosure, so that a
    team can check a translation; nothing on an English page."""
    if current_language() == "en" or not original_html:
        return ""
    show = escape(_("Show the English original"))
    return (f'<details class="pimw-original" lang="en" dir="ltr"><summary>{show}</summary>'
            f"{original_html}</details>")


def collapsible(title: str, body: str, *, drawer: bool = False) -> w.HTML:
    """Trusted HTML behind its title, as a native disclosure: opened and closed by keyboard,
    announced as expanded or collapsed. A ``drawer`` opens beside the page on a wide screen,
    so what it explains stays in view."""
    css = "pimw-details pimw-drawer" if drawer else "pimw-details"
    widget = html(f'<details class="{css}"><summary>{escape(title)}</summary>'
                  f'<div class="pimw-details-body">{body}</div></details>')
    if drawer:  # its title only takes room in the page
        widget.layout.width = "auto"
    return widget


def per_party(session: Session, which: Callable[[Record], list[str]],
              make: Callable[[str], w.Widget]) -> w.VBox:
    """One row per party (of those ``which`` picks); rows for new parties appear on refresh."""
    box = w.VBox()
    built: dict[str, w.Widget] = {}

    def draw(record: Record) -> None:
        for pid in which(record):
            if pid not in built:
                built[pid] = make(pid)
        box.children = tuple(built[pid] for pid in which(record))

    session.on_refresh(draw)
    return box


def party_action(session: Session, pid: str, *, placeholder: str, button: str,
                 state: Callable[[Record], str], act: Callable[[str], Any]) -> w.VBox:
    """A party's line (``state`` as HTML), a name box and a button that calls ``act(name)``."""
    status = html("")
    name = text(placeholder)
    go = w.Button(description=button, button_style="success")

    def draw(record: Record) -> None:
        status.value = state(record)
        go.disabled = name.disabled = not session.can_sign_for(pid)

    go.on_click(lambda _: session.write(lambda: act(name.value)))
    session.on_refresh(draw)
    return w.VBox([status, w.HBox([name, go])])


def link_button(href: str, caption: str, *, download: str = "",
                new_tab: bool = False) -> str:
    """A link that looks and sits like the page's primary buttons: what a click on it does
    (download a file, open a page) happens in the browser at once, without the kernel."""
    extra = f' download="{escape(download)}"' if download else ""
    if new_tab:
        extra += ' target="_blank" rel="noopener"'
    return (f'<a href="{escape(href)}"{extra} class="jupyter-button widget-button mod-primary '
            'pimw-link-button" style="display:inline-flex; align-items:center; gap:.5rem; '
            'text-decoration:none; box-sizing:border-box; max-width:100%">'
            f'{escape(caption)}</a>')
