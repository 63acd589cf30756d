"""Editors built from the record model: section forms, collection tables, the action checklist.

A field is described once (:class:`Field`: caption, kind, where its choices come from); the
widget, its validation and its store path follow from the record model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from html import escape
from typing import Any, get_args

import ipywidgets as w
from pydantic import BaseModel

from pim_workbook.app.session import Bound, Session
from pim_workbook.app.widgets.controls import choices_of, dropdown, html, labelled, text, textarea
from pim_workbook.content.framework import Step
from pim_workbook.record.labels import label
from pim_workbook.record.model import ActionState, Record
from pim_workbook.record.vocabulary import ActionStatus

Choices = Callable[[Session, Record], list[tuple[str, Any]]]


@dataclass(frozen=True)
class Field:
    """How one field of a section or item is edited."""

    name: str
    caption: str
    kind: str = "text"  # text | long | choice | date | check | multi
    hint: str = ""
    choices: Choices | None = None  # default: the Literal values of the field


def _widget(field: Field, model: type[BaseModel], session: Session,
            record: Record) -> w.ValueWidget:
    if field.kind == "long":
        return textarea(rows=3)
    if field.kind == "date":
        return w.DatePicker(layout=w.Layout(width="14rem"))
    if field.kind == "check":
        return w.Checkbox(indent=False)
    options = (field.choices(session, record) if field.choices else
               [(label(v), v) for v in choices_of(model.model_fields[field.name].annotation)])
    if field.kind == "multi":
        return w.SelectMultiple(options=options, rows=min(6, len(options)),
                                layout=w.Layout(width="100%"))
    if field.kind == "choice":
        optional = model.model_fields[field.name].default is None
        widget = dropdown([], optional=optional)
        widget.options = list(widget.options) + options
        return widget
    return text()


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
    if field.kind in ("text", "long"):
        return value or ""
    return value


def _from_widget(field: Field, value: Any) -> Any:
    if field.kind == "multi":
        return list(value)
    if field.kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    return value


# -- sections ------------------------------------------------------------------------------
def section_form(session: Session, section: str, model: type[BaseModel],
                 fields: Sequence[Field],
                 editable: Callable[[], bool] = lambda: True) -> w.VBox:
    """A form for a section of the record (``arrangement``, ``decision``, ...)."""
    rows = []
    for f in fields:
        widget = _widget(f, model, session, session.record)
        Bound(session, widget, read=partial(_read_section, section, f),
              write=partial(_write_section, session, section, f),
              editable=editable, key=f"{section}-{f.name}")
        rows.append(labelled(f.caption, widget, f.hint))
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
        rows.append(labelled(f.caption, widget, f.hint))
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
    picker = w.Dropdown(description=f"Edit {noun}", style={"description_width": "initial"},
                        layout=w.Layout(width="auto", min_width="24rem"))
    new_title = text(f"new {noun}: {fields[0].caption.lower()}")
    add = w.Button(description=f"Add {noun}", icon="plus", button_style="primary")
    remove = w.Button(description=f"Remove this {noun}", icon="trash",
                      button_style="danger")
    form = w.VBox(layout=w.Layout(width="100%"))

    def items(record: Record) -> dict[str, Any]:
        node: Any = record
        for part in collection.split("/"):
            node = getattr(node, part)
        return node

    def item_form(item_id: str, record: Record) -> list[w.Widget]:
        rows = []
        for f in fields:
            widget = _widget(f, model, session, record)
            Bound(session, widget,
                  read=partial(lambda f, r: _to_widget(
                      f, getattr(items(r).get(item_id), f.name, None)), f),
                  write=partial(lambda f, v: store.update(
                      aid, f"{collection}/{item_id}", {f.name: _from_widget(f, v)},
                      actor=session.actor), f),
                  editable=lambda: may_edit() and item_id in items(session.record),
                  key=f"{collection}-{item_id}-{f.name}")
            rows.append(labelled(f.caption, widget, f.hint))
        return rows

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

    def select(_: Any = None) -> None:
        form.children = (item_form(picker.value, session.record) if picker.value else
                         [html(f'<p class="pimw-hint">No {escape(noun)} yet.</p>')])

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
    head = "".join(f"<th>{escape(f.caption)}</th>" for f in shown)
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
    return (f'<table class="pimw-table"><tr><th>Id</th>{head}</tr>{"".join(body)}</table>')


# -- actions -------------------------------------------------------------------------------
ACTION_STATUSES = list(get_args(ActionStatus))


def action_checklist(session: Session, step: Step) -> w.VBox:
    """Every Maximise and Mitigate action of a step: status, owner, due date, note."""
    rows: list[w.Widget] = []
    for kind in ("maximise", "mitigate"):
        actions = getattr(step, kind)
        rows.append(html(f"<h3>{'Maximise' if kind == 'maximise' else 'Mitigate'}: "
                         f"{escape(actions.summary)}</h3>"))
        for action in actions.actions:
            rows.append(_action_row(session, action.id, action.text))
    return w.VBox(rows, layout=w.Layout(width="100%"))


def _action_row(session: Session, action_id: str, caption: str) -> w.VBox:
    aid, store = session.aid, session.store

    def state(record: Record) -> ActionState | None:
        return record.actions.get(action_id)

    status = dropdown(ACTION_STATUSES, optional=True, names={"planned": "Planned"})
    owner = text("owner")
    due = w.DatePicker(layout=w.Layout(width="12rem"))
    note = text("note")
    def write(name: str, value: Any) -> None:
        if name == "status" and value is None:  # "—": back to not considered
            store.remove(aid, f"actions/{action_id}", actor=session.actor)
        else:
            store.set_action(aid, action_id, actor=session.actor, **{name: value})

    for widget, name in ((status, "status"), (owner, "owner"), (due, "due"), (note, "note")):
        Bound(session, widget, read=partial(lambda n, r: _action_value(state(r), n), name),
              write=partial(write, name), key=f"action-{action_id}-{name}")
    owner.layout.width = note.layout.width = "auto"
    row = w.VBox([html(f'<span class="pimw-qid">{escape(action_id)}</span> {escape(caption)}'),
                  w.HBox([labelled("Status", status), labelled("Owner", owner),
                          labelled("Due", due), labelled("Note", note)],
                         layout=w.Layout(width="100%"))])
    row.add_class("pimw-action")
    return row


def _action_value(state: ActionState | None, name: str) -> Any:
    if state is None:
        return None if name in ("status", "due") else ""
    return getattr(state, name)
