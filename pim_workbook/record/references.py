"""Reference rules: a unit may only point at parties, items and systems the record has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pim_workbook.content.framework import Content
from pim_workbook.errors import RecordError
from pim_workbook.i18n import N_, _
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

    def need_party(pid: str | None) -> None:
        if pid is None:
            return
        known = list(party_ids()) if party_ids else list(record().parties)
        if pid not in known:
            raise RecordError(_("{path}: unknown party {id} (parties: {known})")
                              .format(path=path, id=repr(pid),
                                      known=", ".join(known) or _("none yet")))

    if root == "answers":
        qid = parts[1]
        if qid not in {q.id for q in content.questions()}:
            raise RecordError(_("{path}: unknown question id {id}")
                              .format(path=path, id=repr(qid)))
        if len(parts) == 4:
            need_party(parts[3])
    elif root in ("trust", "signoffs"):
        need_party(parts[1])
    elif root == "principles":
        if parts[1] not in {p.id for p in content.principles}:
            raise RecordError(_("{path}: unknown principle {id}")
                              .format(path=path, id=repr(parts[1])))
    elif root == "actions":
        if parts[1] not in {a.id for a in content.actions()}:
            raise RecordError(_("{path}: unknown action id {id}")
                              .format(path=path, id=repr(parts[1])))
    elif root == "systems" and value is not None:
        if value.get("holder") and value["holder"] not in record().stakeholders:
            raise RecordError(_("{path}: unknown stakeholder {id} as holder")
                              .format(path=path, id=repr(value["holder"])))
        cats = [c.id for c in content.pim_matrix.categories]
        if value["category"] not in cats:
            raise RecordError(
                _("{path}: unknown PIM Matrix category {id} (one of: {known})")
                .format(path=path, id=repr(value["category"]), known=", ".join(cats))
            )
    elif root == "stakeholders" and value is not None:
        need_party(value.get("party"))
    elif root == "flows" and value is not None:
        for end, message in (("source", N_("{path}: unknown stakeholder {id} as source")),
                             ("target", N_("{path}: unknown stakeholder {id} as target"))):
            if value[end] not in record().stakeholders:
                raise RecordError(_(message).format(path=path, id=repr(value[end])))
        if value.get("system") and value["system"] not in record().systems:
            raise RecordError(_("{path}: unknown system {id}")
                              .format(path=path, id=repr(value["system"])))
    elif root == "data_items" and value is not None:
        for field, choices, message in (
                ("categories", "data_categories",
                 N_("{path}: unknown categorie {id} (one of: {known})")),
                ("purposes", "purposes", N_("{path}: unknown purpose {id} (one of: {known})"))):
            known = content.choice_ids(choices)
            for cid in value[field]:
                if cid not in known:
                    raise RecordError(
                        _(message).format(path=path, id=repr(cid), known=", ".join(known))
                    )
    elif root == "datasets" and value is not None:
        _check_dataset(path, value, record())
    elif root == "incidents" and value is not None:
        need_party(value.get("reported_by"))


def _check_dataset(path: str, value: dict[str, Any], record: Record) -> None:
    refs = (("data_items", record.data_items,
             N_("{path}: unknown data item {id} in data_items (known: {known})")),
            ("recipients", record.parties,
             N_("{path}: unknown party {id} in recipients (known: {known})")),
            ("access", record.arrangement.access,
             N_("{path}: unknown access grant {id} in access (known: {known})")))
    for field, known, message in refs:
        for ref in value[field]:
            if ref not in known:
                raise RecordError(_(message).format(
                    path=path, id=repr(ref), known=", ".join(known) or _("none yet")))
    if value.get("owner") and value["owner"] not in record.parties:
        raise RecordError(_("{path}: unknown party {id} as owner")
                          .format(path=path, id=repr(value["owner"])))
    if value.get("source_system") and value["source_system"] not in record.systems:
        raise RecordError(_("{path}: unknown system {id} as source")
                          .format(path=path, id=repr(value["source_system"])))


# -- assembling ----------------------------------------------------------------------------
