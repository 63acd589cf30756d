"""Editors built from the record model: section forms, collection tables, the action checklist.

A field is described once (:class:`Field`: caption, kind, where its choices come from); the
widget, its validation and its store path follow from the record model. The controls suit a
projector and a phone alike: a list of choices is a row of checkboxes (no Ctrl-click), a date
is typed as YYYY-MM-DD whatever the browser's locale, and each action is one line whose
editors open on demand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from html import escape
from typing import Any, get_args

import ipywidgets as w
import traitlets
from pydantic import BaseModel

from pim_workbook.app.session import Bound, Session
from pim_workbook.app.widgets.controls import (
    choices_of,
    dropdown,
    english_original,
    html,
    labelled,
    text,
    textarea,
)
from pim_workbook.content.framework import Step
from pim_workbook.i18n import N_, _, format_number
from pim_workbook.record.labels import label
from pim_workbook.record.model import ActionState, Record
from pim_workbook.record.vocabulary import ActionStatus

Choices = Callable[[Session, Record], list[tuple[str, Any]]]


@dataclass(frozen=True)
class Field:
    """How one field of a section or item is edited."""

    name: str
    caption: str  # marked with N_ (app/fields.py); shown as _(caption)
    kind: str = "text"  # text | long | choice | date | check | multi
    hint: str = ""  # marked with N_ too
    choices: Choices | None = None  # default: the Literal values of the field


class CheckGroup(w.Box, w.ValueWidget):
    """A list of choices as one labelled checkbox each, in a row that wraps.

    A click (or a tap, or the space bar) ticks one choice: nothing needs Ctrl-click, and each
    box carries its own label. ``value`` is the tuple of ticked values in the order of the
    options; values the options do not list (chosen elsewhere after this form was built) are
    kept, after them, so ticking one box never drops them.
    """

    value = traitlets.Tuple()
    disabled = traitlets.Bool(False)

    def __init__(self, options: Sequence[tuple[str, Any]]) -> None:
        self._boxes = {value: w.Checkbox(description=caption, indent=False,
                                         layout=w.Layout(width="auto", max_width="100%"))
                       for caption, value in options}
        self._showing = False
        super().__init__(list(self._boxes.values()),
                         layout=w.Layout(width="100%", flex_flow="row wrap"))
        self.add_class("pimw-checks")
        for box in self._boxes.values():
            box.observe(self._ticked, "value")
        self.observe(self._show, "value")
        self.observe(self._lock, "disabled")

    def _ticked(self, _: Any) -> None:
        if self._showing:
            return
        ticked = [v for v, box in self._boxes.items() if box.value]
        self.value = (*ticked, *(v for v in self.value if v not in self._boxes))

    def _show(self, _: Any) -> None:
        self._showing = True
        try:  # from the value as it is now: a refused tick has already been put back
            for v, box in self._boxes.items():
                box.value = v in self.value
        finally:
            self._showing = False

    def _lock(self, _: Any) -> None:
        for box in self._boxes.values():
            box.disabled = self.disabled


DATE_FORMAT = N_("write the date as YYYY-MM-DD, e.g. 2026-12-31")  # raised as _(DATE_FORMAT)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(typed: str) -> dt.date | None:
    """The date typed in a date box; empty clears it.

    Only YYYY-MM-DD is taken, whatever the browser's locale, so 03/04/2026 is never read as
    the wrong month.
    """
    typed = typed.strip()
    if not typed:
        return None
    if _ISO_DATE.fullmatch(typed):
        try:
            return dt.date.fromisoformat(typed)
        except ValueError:  # 2026-02-30
            pass
    raise ValueError(_(DATE_FORMAT))


def _date_box() -> w.Text:
    """A box for a date typed as YYYY-MM-DD (a browser's date picker shows its locale's)."""
    box = w.Text(placeholder=_("YYYY-MM-DD"), continuous_update=False,
                 layout=w.Layout(width="auto", max_width="100%"))
    box.add_class("pimw-date")
    return box


def _widget(field: Field, model: type[BaseModel], session: Session,
            record: Record) -> w.ValueWidget:
    if field.kind == "long":
        return textarea(rows=3)
    if field.kind == "date":
        return _date_box()
    if field.kind == "check":
        check = w.Checkbox(indent=False)
        check.add_class("pimw-check")
        return check
    options = (field.choices(session, record) if field.choices else
               [(label(v), v) for v in choices_of(model.model_fields[field.name].annotation)])
    if field.kind == "multi":
        return CheckGroup(options)
    if field.kind == "choice":
        optional = model.model_fields[field.name].default is None
        widget = dropdown([], optional=optional)
        widget.options = list(widget.options) + options
        return widget
    return text()


def _field_row(session: Session, field: Field, widget: w.ValueWidget,
               read: Callable[[Record], Any], write: Callable[[Any], None],
               editable: Callable[[], bool], key: str) -> w.VBox:
    """``widget`` under its caption, bound to the store; a date box also says, beside it,
    why a date was not saved."""
    row = labelled(_(field.caption), widget, _(field.hint))
    if field.kind == "date":
        note = _date_note()
        write = _checked_date(note, write)
        row.children = (*row.children, note)
    Bound(session, widget, read=read, write=write, editable=editable, key=key)
    return row


def _date_note() -> w.HTML:
    """The line under a date box that says why a date was not saved (hidden when empty)."""
    note = html("", "pimw-error")
    note.layout.display = "none"
    return note


def _checked_date(note: w.HTML, write: Callable[[Any], None]) -> Callable[[str], None]:
    """``write`` of the date typed, checked in the kernel; a wrong one is said in ``note``
    and raises, so nothing is written and the box keeps the text to be put right."""
    def checked(typed: str) -> None:
        try:
            day = iso_date(typed)
        except ValueError as exc:
            note.value = escape(_("Not saved: {reason}").format(reason=exc))
            note.layout.display = ""
            raise
        note.value, note.layout.display = "", "none"
        write(day)

    return checked


def _read_section(section: str, field: Field, record: Record) -> Any:
    """A field of a section of the record (``section`` empty: of the record itself)."""
    return _to_widget(field, getattr(getattr(record, section) if section else record,
                                     field.name))


def _write_section(session: Session, section: str, field: Field, value: Any) -> None:
    path = f"{section}/{field.name}" if section else field.name
    session.store.set(session.aid, path, _from_widget(field, value), actor=session.actor)


def _to_widget(field: Field, value: Any) -> Any:
    if field.kind == "multi":
        return tuple(value or ())
    if field.kind == "date":
        return value.isoformat() if value else ""
    if field.kind in ("text", "long"):
        return value or ""
    return value


def _from_widget(field: Field, value: Any) -> Any:
    if field.kind == "multi":
        return list(value)
    if field.kind == "date":  # checked by _checked_date on its way here
        return value.isoformat() if value else None
    return value


# -- sections ------------------------------------------------------------------------------
def section_form(session: Session, section: str, model: type[BaseModel],
                 fields: Sequence[Field],
                 editable: Callable[[], bool] = lambda: True) -> w.VBox:
    """A form for a section of the record (``arrangement``, ``decision``, ...)."""
    rows = [_field_row(session, f, _widget(f, model, session, session.record),
                       read=partial(_read_section, section, f),
                       write=partial(_write_section, session, section, f),
                       editable=editable, key=f"{section}-{f.name}") for f in fields]
    box = w.VBox(rows, layout=w.Layout(width="100%"))
    box.add_class("pimw-form")
    return box


def record_fields_form(session: Session, fields: Sequence[Field],
                       editable: Callable[[], bool] = lambda: True) -> w.VBox:
    """A form for top-level text fields of the record (purpose, expected benefits, ...)."""
    rows = []
    for f in fields:
        widget = textarea(rows=3) if f.kind == "long" else text()
        Bound(session, widget, read=partial(_read_section, "", f),
              write=partial(_write_section, session, "", f), editable=editable, key=f.name)
        rows.append(labelled(_(f.caption), widget, _(f.hint)))
    return w.VBox(rows, layout=w.Layout(width="100%"))


# -- collections ---------------------------------------------------------------------------
def collection_editor(session: Session, collection: str, model: type[BaseModel],
                      fields: Sequence[Field],
                      *, title_field: str, noun: str,
                      defaults: Callable[[Record], dict[str, Any]] = lambda r: {},
                      editable: Callable[[], bool] = lambda: True) -> w.VBox:
    """A table of a collection's items, with a form for the selected one.

    New items are created from the first field (which must not be empty) plus ``defaults``
    for the other required fields; each field of the selected item is written on change.
    """
    aid, store = session.aid, session.store

    def may_edit() -> bool:
        return not session.read_only and editable()

    table = html("")
    thing = _(noun)  # callers mark their noun with N_
    picker = w.Dropdown(description=_("Edit {noun}").format(noun=thing),
                        style={"description_width": "initial"},
                        layout=w.Layout(width="auto", min_width="24rem"))
    new_title = text(_("new {noun}: {field}").format(noun=thing,
                                                      field=_(fields[0].caption).lower()))
    add = w.Button(description=_("Add {noun}").format(noun=thing),
                   button_style="primary")
    remove = w.Button(description=_("Remove this {noun}").format(noun=thing),
                      button_style="danger")
    form = w.VBox(layout=w.Layout(width="100%"))

    def items(record: Record) -> dict[str, Any]:
        node: Any = record
        for part in collection.split("/"):
            node = getattr(node, part)
        return node

    def item_form(item_id: str, record: Record) -> list[w.Widget]:
        return [_field_row(
            session, f, _widget(f, model, session, record),
            read=partial(lambda f, r: _to_widget(
                f, getattr(items(r).get(item_id), f.name, None)), f),
            write=partial(lambda f, v: store.update(
                aid, f"{collection}/{item_id}", {f.name: _from_widget(f, v)},
                actor=session.actor), f),
            editable=lambda: may_edit() and item_id in items(session.record),
            key=f"{collection}-{item_id}-{f.name}") for f in fields]

    def draw(record: Record) -> None:
        current = items(record)
        table.value = _table_html(current, fields, model, session, record)
        options = [(f"{iid} · {getattr(item, title_field)}", iid) for iid, item in current.items()]
        if list(picker.options) != options:
            keep = picker.value if picker.value in current else None
            picker.options = options
            picker.value = keep if keep else (options[-1][1] if options else None)
        add.disabled = new_title.disabled = not may_edit()
        remove.disabled = not may_edit() or picker.value is None

    def select(_change: Any = None) -> None:
        none_yet = escape(_("No {noun} yet.").format(noun=thing))
        form.children = (item_form(picker.value, session.record) if picker.value else
                         [html(f'<p class="pimw-hint">{none_yet}</p>')])

    def on_add(_: Any) -> None:
        value = {**defaults(session.record), fields[0].name: new_title.value}
        new_title.value = ""  # cleared before the table redraws, so no typing is lost
        if session.write(lambda: added.append(store.add(aid, collection, value,
                                                        actor=session.actor))):
            picker.value = added[-1]
        else:
            new_title.value = value[fields[0].name]

    def on_remove(_: Any) -> None:
        if picker.value:
            session.write(lambda: store.remove(aid, f"{collection}/{picker.value}",
                                               actor=session.actor))

    added: list[str] = []
    picker.observe(select, "value")
    add.on_click(on_add)
    remove.on_click(on_remove)
    session.on_refresh(draw)
    select()
    box = w.VBox([table, w.HBox([new_title, add]),
                  w.HBox([picker, remove]), form],
                 layout=w.Layout(width="100%"))
    box.add_class("pimw-collection")
    return box


def _table_html(items: dict[str, Any], fields: Sequence[Field], model: type[BaseModel],
                session: Session, record: Record) -> str:
    if not items:
        return ""
    shown = [f for f in fields if f.kind != "long"][:6]
    names: dict[str, dict[Any, str]] = {}
    for f in shown:
        if f.kind in ("choice", "multi") and f.choices:
            names[f.name] = {v: t for t, v in f.choices(session, record)}
    head = "".join(f"<th>{escape(_(f.caption))}</th>" for f in shown)
    body = []
    for iid, item in items.items():
        cells = []
        for f in shown:
            value = getattr(item, f.name)
            lookup = names.get(f.name, {})
            if isinstance(value, list):
                shown_value = ", ".join(lookup.get(v, label(v)) for v in value)
            else:
                shown_value = lookup.get(value, label(value)) if value not in ("", None) \
                    else ""
            cells.append(f"<td>{escape(shown_value)}</td>")
        body.append(f"<tr><td>{escape(iid)}</td>{''.join(cells)}</tr>")
    ident = escape(_("Id"))
    return (f'<table class="pimw-table"><tr><th>{ident}</th>{head}</tr>'
            f'{"".join(body)}</table>')


# -- actions -------------------------------------------------------------------------------
ACTION_STATUSES = list(get_args(ActionStatus))
NOT_CONSIDERED = "not_considered"  # an action with no state in the record
# English names (marked with N_, in LABELS for the codes), shown as _(name)
STATUS_NAMES = {NOT_CONSIDERED: N_("Not considered"),
                **{s: label(s, translate=False) for s in ACTION_STATUSES}}


def action_checklist(session: Session, step: Step) -> w.VBox:
    """Every Maximise and Mitigate action of a step, one line each, with a filter by status.

    A line shows the action's status, its text, owner and due date; its editors (status,
    owner, due date, note) open under it on demand, so the fourteen actions of a step fit on
    one screen. A line whose editors are open stays in view when its status leaves the filter,
    so a change never hides what is being edited.
    """
    show = w.Dropdown(description=_("Show"), style={"description_width": "initial"},
                      layout=w.Layout(width="auto"))
    show.add_class("pimw-action-filter")
    groups: list[tuple[w.VBox, list[_ActionLine]]] = []
    rows: list[w.Widget] = [show]
    for kind in ("maximise", "mitigate"):
        actions = getattr(step, kind)
        lines = [_ActionLine(session, a.id, a.text) for a in actions.actions]
        group = w.VBox(layout=w.Layout(width="100%"))
        group.add_class("pimw-actions")
        groups.append((group, lines))
        kind_name = _("Maximise") if kind == "maximise" else _("Mitigate")
        rows += [html(f"<h3>{escape(kind_name)}: {escape(actions.summary)}</h3>"), group]

    counting = False  # new counts in the filter's options are no new choice of filter

    def draw(record: Record) -> None:
        nonlocal counting
        counts = dict.fromkeys(STATUS_NAMES, 0)
        for _group, lines in groups:
            for line in lines:
                counts[line.status(record)] += 1
        options = [(_("All actions ({count})").format(
            count=format_number(sum(counts.values()))), "")] + [
            (f"{_(name)} ({format_number(counts[key])})", key)
            for key, name in STATUS_NAMES.items()]
        if list(show.options) != options:
            keep, counting = show.value, True
            try:
                show.options = options
                show.value = keep or ""
            finally:
                counting = False
        for group, lines in groups:
            shown = [line.box for line in lines
                     if line.is_open or show.value in ("", line.status(record))]
            none = escape(_("None with this status."))
            group.children = shown or [html(f'<p class="pimw-hint">{none}</p>')]

    def refilter(_: Any) -> None:
        if counting:
            return
        for _group, lines in groups:
            for line in lines:
                if show.value not in ("", line.status(session.record)):
                    line.close()
        draw(session.record)

    session.on_refresh(draw)
    show.observe(refilter, "value")
    for _group, lines in groups:  # a line closed outside the filter leaves the list
        for line in lines:
            line.toggle.observe(lambda _: draw(session.record), "value")
    box = w.VBox(rows, layout=w.Layout(width="100%"))
    box.add_class("pimw-checklist-actions")
    return box


class _ActionLine:
    """One action: a line with its status, text, owner and due date, and a toggle that opens
    its editors under it (built the first time they are opened)."""

    def __init__(self, session: Session, action_id: str, caption: str) -> None:
        self.session, self.action_id, self.caption = session, action_id, caption
        self.summary = w.HTML(layout=w.Layout(flex="1 1 0%", min_width="0", width="auto"))
        self.summary.add_class("pimw-action-summary")
        self.toggle = w.ToggleButton(description=_("Details"),
                                     tooltip=_("Status, owner, due date and note of {action}")
                                     .format(action=action_id),
                                     layout=w.Layout(width="auto", flex="0 0 auto"))
        line = w.HBox([self.toggle, self.summary], layout=w.Layout(width="100%",
                                                                   align_items="center"))
        line.add_class("pimw-action-line")
        self.details: w.VBox | None = None
        self.box = w.VBox([line], layout=w.Layout(width="100%"))
        self.box.add_class("pimw-action")
        self.box.add_class(f"pimw-action-{action_id.replace('.', '-')}")
        self.toggle.observe(self._toggled, "value")
        session.on_refresh(self._draw)

    @property
    def is_open(self) -> bool:
        return bool(self.toggle.value)

    def close(self) -> None:
        self.toggle.value = False

    def status(self, record: Record) -> str:
        state = record.actions.get(self.action_id)
        return state.status if state is not None else NOT_CONSIDERED

    def _draw(self, record: Record) -> None:
        state = record.actions.get(self.action_id)
        status = self.status(record)
        extra = []
        if state is not None and state.owner:
            extra.append(escape(state.owner))
        if state is not None and state.due:
            extra.append(escape(_("due {date}").format(date=state.due.isoformat())))
        parts = [
            f'<span class="pimw-badge pimw-mark pimw-mark-{status.replace("_", "-")}">'
            f"{escape(_(STATUS_NAMES[status]))}</span>",
            f'<span class="pimw-qid">{escape(self.action_id)}</span>',
            f'<span class="pimw-action-text" title="{escape(self.caption)}">'
            f"{escape(self.caption)}</span>"]
        if extra:
            parts.append(f'<span class="pimw-action-meta">· {" · ".join(extra)}</span>')
        self.summary.value = f'<div class="pimw-action-head">{" ".join(parts)}</div>'

    def _toggled(self, _change: Any) -> None:
        if self.is_open:
            if self.details is None:
                self.details = _action_editors(self.session, self.action_id, self.caption)
            self.box.children = (self.box.children[0], self.details)
        else:
            self.box.children = (self.box.children[0],)
        self.toggle.description = _("Hide") if self.is_open else _("Details")


def _action_editors(session: Session, action_id: str, caption: str) -> w.VBox:
    """The full text of an action and its status, owner, due date and note, each written on
    change like every box of the workbook."""
    aid, store = session.aid, session.store

    def state(record: Record) -> ActionState | None:
        return record.actions.get(action_id)

    status = dropdown(ACTION_STATUSES, optional=True, names={"planned": _("Planned")})
    owner = text(_("owner"))
    due = _date_box()
    note = text(_("note"))
    due_note = _date_note()

    def write(name: str, value: Any) -> None:
        if name == "status" and value is None:  # "—": back to not considered
            store.remove(aid, f"actions/{action_id}", actor=session.actor)
        else:
            store.set_action(aid, action_id, actor=session.actor, **{name: value})

    writers: dict[str, Callable[[Any], None]] = {
        name: partial(write, name) for name in ("status", "owner", "note")}
    writers["due"] = _checked_date(due_note, partial(write, "due"))
    for widget, name in ((status, "status"), (owner, "owner"), (due, "due"), (note, "note")):
        Bound(session, widget, read=partial(lambda n, r: _action_value(state(r), n), name),
              write=writers[name], key=f"action-{action_id}-{name}")
    cells = [labelled(_("Status"), status), labelled(_("Owner"), owner),
             labelled(_("Due"), due), labelled(_("Note"), note)]
    cells[2].children = (*cells[2].children, due_note)
    for cell, grow in zip(cells, ("0 1 auto", "1 1 14rem", "0 1 auto", "2 1 18rem"),
                          strict=True):
        cell.layout = w.Layout(flex=grow, width="auto", min_width="10rem", max_width="100%")
    fields = w.Box(cells, layout=w.Layout(width="100%", flex_flow="row wrap"))
    fields.add_class("pimw-action-fields")
    english = session.store.content.action(action_id).text  # the store's content: English
    details = w.VBox([html(f'<p class="pimw-action-full">{escape(caption)}</p>'
                           + english_original(f"<p>{escape(english)}</p>")), fields],
                     layout=w.Layout(width="100%"))
    details.add_class("pimw-action-details")
    return details


def _action_value(state: ActionState | None, name: str) -> Any:
    if state is None:
        return None if name == "status" else ""
    if name == "due":
        return state.due.isoformat() if state.due else ""
    return getattr(state, name)
