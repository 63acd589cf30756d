"""The action plan as rows: every Maximise / Mitigate action with its state, as CSV too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pim_workbook.content.framework import Content
from pim_workbook.outputs.spreadsheet import csv_text
from pim_workbook.record.model import Record

# -- CSV -----------------------------------------------------------------------------------
ACTION_COLUMNS = ["id", "step", "kind", "action", "status", "owner", "due", "overdue", "note"]


def action_rows(record: Record, content: Content,
                today: dt.date | None = None) -> list[dict[str, str]]:
    """The action plan: every framework action and every custom action."""
    today = today or dt.date.today()
    rows = []
    for step in content.assessment.steps:
        for kind in ("maximise", "mitigate"):
            for action in getattr(step, kind).actions:
                state = record.actions.get(action.id)
                rows.append(_action_row(action.id, step.id, kind, action.text, state, today))
    for cid, custom in record.custom_actions.items():
        rows.append(_action_row(cid, custom.step, custom.kind, custom.text, custom, today))
    return rows


def _action_row(aid: str, step: str, kind: str, text: str, state: Any,
                today: dt.date) -> dict[str, str]:
    due = state.due if state else None
    done = state is not None and state.status in ("done", "not_applicable")
    return {
        "id": aid, "step": step, "kind": kind, "action": text,
        "status": state.status if state else "not_considered",
        "owner": state.owner if state else "",
        "due": due.isoformat() if due else "",
        "overdue": "yes" if due and due < today and not done else "",
        "note": state.note if state else "",
    }


def actions_csv(record: Record, content: Content, today: dt.date | None = None) -> str:
    """The action plan as CSV, safe to open in a spreadsheet."""
    rows = action_rows(record, content, today)
    return csv_text([ACTION_COLUMNS, *([row[c] for c in ACTION_COLUMNS] for row in rows)])


