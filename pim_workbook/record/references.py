"""Reference rules: a unit may only point at parties, items and systems the record has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pim_workbook.content.framework import Content
from pim_workbook.errors import RecordError
from pim_workbook.record.model import Record


def check_references(path: str, value: Any, load: Callable[[], Record],
                     content: Content,
                     party_ids: Callable[[], Iterable[str]] | None = None) -> None:
    """Check that the ids a unit names exist (parties, questions, actions, categories).

    ``load`` gives the current record; it is called only for paths that name its items, so
    the most frequent writes (answers to known questions, actions) check against the content
    alone, and ``party_ids`` (when given) answers "which parties exist" without it.
    """
    parts = path.split("/")
    root = parts[0]
    loaded: list[Record] = []

    def record() -> Record:
        if not loaded:
            loaded.append(load())
        return loaded[0]

    def need_party(pid: str | None, what: str = "party") -> None:
        if pid is None:
            return
        known = list(party_ids()) if party_ids else list(record().parties)
        if pid not in known:
            raise RecordError(f"{path}: unknown {what} {pid!r} "
                              f"(parties: {', '.join(known) or 'none yet'})")

    if root == "answers":
        qid = parts[1]
        if qid not in {q.id for q in content.questions()}:
            raise RecordError(f"{path}: unknown question id {qid!r}")
        if len(parts) == 4:
            need_party(parts[3])
    elif root in ("trust", "signoffs"):
        need_party(parts[1])
    elif root == "principles":
        if parts[1] not in {p.id for p in content.principles}:
            raise RecordError(f"{path}: unknown principle {parts[1]!r}")
    elif root == "actions":
        if parts[1] not in {a.id for a in content.actions()}:
            raise RecordError(f"{path}: unknown action id {parts[1]!r}")
    elif root == "systems" and value is not None:
        if value.get("holder") and value["holder"] not in record().stakeholders:
            raise RecordError(f"{path}: unknown stakeholder {value['holder']!r} as holder")
        cats = [c.id for c in content.pim_matrix.categories]
        if value["category"] not in cats:
            raise RecordError(
                f"{path}: unknown PIM Matrix category {value['category']!r} "
                f"(one of: {', '.join(cats)})"
            )
    elif root == "stakeholders" and value is not None:
        need_party(value.get("party"))
    elif root == "flows" and value is not None:
        for end in ("source", "target"):
            if value[end] not in record().stakeholders:
                raise RecordError(f"{path}: unknown stakeholder {value[end]!r} as {end}")
        if value.get("system") and value["system"] not in record().systems:
            raise RecordError(f"{path}: unknown system {value['system']!r}")
    elif root == "data_items" and value is not None:
        for field, choices in (("categories", "data_categories"), ("purposes", "purposes")):
            known = content.choice_ids(choices)
            for cid in value[field]:
                if cid not in known:
                    raise RecordError(
                        f"{path}: unknown {field[:-1]} {cid!r} (one of: {', '.join(known)})"
                    )
    elif root == "datasets" and value is not None:
        _check_dataset(path, value, record())
    elif root == "incidents" and value is not None:
        need_party(value.get("reported_by"))


def _check_dataset(path: str, value: dict[str, Any], record: Record) -> None:
    refs = (("data_items", "data item", record.data_items),
            ("recipients", "party", record.parties),
            ("access", "access grant", record.arrangement.access))
    for field, what, known in refs:
        for ref in value[field]:
            if ref not in known:
                raise RecordError(f"{path}: unknown {what} {ref!r} in {field} "
                                  f"(known: {', '.join(known) or 'none yet'})")
    if value.get("owner") and value["owner"] not in record.parties:
        raise RecordError(f"{path}: unknown party {value['owner']!r} as owner")
    if value.get("source_system") and value["source_system"] not in record.systems:
        raise RecordError(f"{path}: unknown system {value['source_system']!r} as source")


# -- assembling ----------------------------------------------------------------------------
