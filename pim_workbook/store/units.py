"""Units: the record stored as values at paths, each write validated against the record
rules and appended to the history in the same transaction.

Concurrent writers: different units never interfere. Two writers on the *same* unit: the
last one wins and both changes stay in the history. A caller that wants to be told instead
passes ``expected_version`` (from :meth:`Units.unit`) and gets a :class:`ConflictError`
when someone else changed the unit first.
"""

from __future__ import annotations

import json
from typing import Any

from pim_workbook.errors import ConflictError, RecordError, StoreError, TextTooLongError
from pim_workbook.i18n import N_, _, format_number
from pim_workbook.record.ids import ITEM_PREFIX
from pim_workbook.record.model import Record
from pim_workbook.record.paths import GUARDED_ROOTS, assemble, split_path, validate_unit
from pim_workbook.record.references import check_references
from pim_workbook.store.chain import head, link, stored_change
from pim_workbook.store.connection import Connection, encode_value, now

TEXT_LIMIT = 20_000  # characters: pages more than long enough, and reports that stay printable

# the refusal of a text over the limit, one whole sentence for each noun the store uses
_TOO_LONG = {
    "a text": N_("a text is limited to {limit} characters (this one has {count}); shorten "
                 "it — nothing was saved"),
    "an answer": N_("an answer is limited to {limit} characters (this one has {count}); "
                    "shorten it — nothing was saved"),
    "a name": N_("a name is limited to {limit} characters (this one has {count}); shorten "
                 "it — nothing was saved"),
    "a title": N_("a title is limited to {limit} characters (this one has {count}); shorten "
                  "it — nothing was saved"),
}


def check_text_lengths(value: Any, noun: str = "a text") -> None:
    """Refuse a value holding a string (at any depth) longer than :data:`TEXT_LIMIT`."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if len(item) > TEXT_LIMIT:
                sentence = _TOO_LONG.get(noun)
                raise TextTooLongError(
                    (_(sentence) if sentence else
                     _("{noun} is limited to {limit} characters (this one has {count}); "
                       "shorten it — nothing was saved"))
                    .format(noun=noun, limit=format_number(TEXT_LIMIT),
                            count=format_number(len(item))))
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)




class Units(Connection):
    """Reading and writing an assessment's units, each write with its history row."""

    def exists(self, aid: str) -> bool:
        return bool(self._db.execute("SELECT 1 FROM assessments WHERE id=?", (aid,)).fetchone())

    def ids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT id FROM assessments ORDER BY created_at")]

    def _header(self, aid: str) -> dict[str, Any]:
        row = self._db.execute(
            "SELECT id, content_version, created_at FROM assessments WHERE id=?", (aid,)
        ).fetchone()
        if row is None:
            raise StoreError(_("no assessment with id {id} (see `pim-workbook list`)")
                             .format(id=repr(aid)))
        return {"id": row[0], "content_version": row[1], "created_at": row[2]}

    def get(self, aid: str) -> Record:
        """The current record of an assessment."""
        header = self._header(aid)
        rows = self._db.execute(
            "SELECT path, value FROM units WHERE assessment_id=? ORDER BY seq", (aid,)
        )
        return assemble(header, [(p, json.loads(v)) for p, v in rows])

    # -- units -------------------------------------------------------------------------
    def unit(self, aid: str, path: str) -> tuple[Any, int]:
        """The stored value of a unit and its version (``(None, 0)`` if never set)."""
        row = self._db.execute(
            "SELECT value, version FROM units WHERE assessment_id=? AND path=?", (aid, path)
        ).fetchone()
        return (json.loads(row[0]), row[1]) if row else (None, 0)

    def set(self, aid: str, path: str, value: Any, *, actor: str, party: str | None = None,
            expected_version: int | None = None, via: str = "",
            language: str | None = None) -> Any:
        """Validate and store one unit; returns the value as stored. For an answer's text,
        ``language`` (the page's) is recorded with it, in the same transaction."""
        parts = split_path(path)
        if parts[0] in GUARDED_ROOTS:
            raise RecordError(_("{path}: use the dedicated operation for {root}")
                              .format(path=path, root=parts[0]))
        clean = validate_unit(path, value)
        typed_in = _typed_in(path) if language and clean else None
        if typed_in:
            validate_unit(typed_in, language)
        with self._write():
            self._check(aid, path, clean)
            self._put(aid, path, clean, actor=actor, party=party or _party_of(path),
                      expected_version=expected_version, via=via)
            if typed_in:
                self._put(aid, typed_in, language, actor=actor,
                          party=party or _party_of(path), via=via)
        return clean

    def update(self, aid: str, path: str, changes: dict[str, Any], *, actor: str,
               party: str | None = None, via: str = "") -> Any:
        """Change some fields of a collection item, keeping the others."""
        with self._write():
            current, _version = self.unit(aid, path)
            if current is None:
                raise StoreError(_("{path}: no such item in assessment {id}")
                                 .format(path=path, id=aid))
            merged = validate_unit(path, {**current, **changes})
            self._check(aid, path, merged)
            self._put(aid, path, merged, actor=actor, party=party, via=via)
        return merged

    def add(self, aid: str, collection: str, value: dict[str, Any], *, actor: str,
            party: str | None = None, via: str = "") -> str:
        """Add an item to a collection (``data_items``, ``incidents``, ...); returns its id."""
        prefix = ITEM_PREFIX.get(collection)
        if prefix is None:
            raise RecordError(_("unknown collection {collection} (one of: {known})")
                              .format(collection=repr(collection),
                                      known=", ".join(ITEM_PREFIX)))
        with self._write() as db:
            taken = {p for (p,) in db.execute(
                "SELECT path FROM units WHERE assessment_id=? AND path LIKE ?",
                (aid, f"{collection}/%"))}
            n = 1
            while f"{collection}/{prefix}{n}" in taken:
                n += 1
            path = f"{collection}/{prefix}{n}"
            clean = validate_unit(path, value)
            self._check(aid, path, clean)
            self._put(aid, path, clean, actor=actor, party=party, via=via)
        return f"{prefix}{n}"

    def remove(self, aid: str, path: str, *, actor: str, party: str | None = None,
               via: str = "") -> None:
        """Remove a collection item (or reset a value to its default)."""
        split_path(path)
        if path.split("/")[0] in GUARDED_ROOTS or path == "title":
            raise RecordError(_("{path}: cannot be removed this way").format(path=path))
        with self._write():
            self._put(aid, path, None, actor=actor, party=party or _party_of(path), via=via)

    def _check(self, aid: str, path: str, value: Any) -> None:
        """The record rules on references, reading the record only when they need it."""
        check_references(path, value, lambda: self.get(aid), self.content,
                         party_ids=lambda: self._party_ids(aid))

    def _party_ids(self, aid: str) -> list[str]:
        self._header(aid)
        return [p.split("/", 1)[1] for (p,) in self._db.execute(
            "SELECT path FROM units WHERE assessment_id=? AND path LIKE 'parties/%' ORDER BY seq",
            (aid,))]

    def _put(self, aid: str, path: str, value: Any, *, actor: str, party: str | None,
             expected_version: int | None = None, via: str = "") -> None:
        """Write one unit and its history row; the caller holds the transaction."""
        if not actor or not actor.strip():
            raise RecordError(_("every change needs the name of who makes it (actor)"))
        check_text_lengths(value, "an answer" if path.startswith("answers/") else "a text")
        check_text_lengths(actor, "a name")
        self._header(aid)
        old, version = self.unit(aid, path)
        if expected_version is not None and expected_version != version:
            raise ConflictError(
                _("{path} was changed by someone else meanwhile (now {value}); reload and "
                  "try again").format(path=path, value=repr(old))
            )
        if old == value and version:
            return
        if value is None:
            if not version:
                return
            self._db.execute("DELETE FROM units WHERE assessment_id=? AND path=?", (aid, path))
        else:
            self._db.execute(
                "INSERT INTO units (assessment_id, path, value) VALUES (?,?,?) "
                "ON CONFLICT (assessment_id, path) DO UPDATE "
                "SET value=excluded.value, version=units.version+1",
                (aid, path, encode_value(value)),
            )
        old_text = None if old is None else encode_value(old)
        new_text = None if value is None else encode_value(value)
        change = stored_change(now(), actor.strip(), party, path, old_text, new_text, via)
        self._db.execute(
            "INSERT INTO history (assessment_id, at, actor, party, path, old, new, via, hash) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            (aid, change.at, change.actor, party, path, old_text, new_text, via,
             link(head(self._db, aid), aid, change)),
        )


def _typed_in(path: str) -> str | None:
    """Where the language of the answer text at ``path`` is kept (none for other units)."""
    parts = path.split("/")
    if parts[0] == "answers" and len(parts) >= 3 and parts[2] in ("parties", "agreed"):
        return "/".join(["typed_in", *parts[1:]])
    return None


def _party_of(path: str) -> str | None:
    """The party a unit belongs to, when its path names one."""
    parts = path.split("/")
    if parts[0] == "answers" and len(parts) == 4 and parts[2] == "parties":
        return parts[3]
    if parts[0] in ("trust", "signoffs") and len(parts) == 2:
        return parts[1]
    return None
