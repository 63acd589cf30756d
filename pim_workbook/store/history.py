"""Sign-off, the revisions it freezes and seals, and the history of every change as a hash
chain.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from pim_workbook.errors import StoreError
from pim_workbook.i18n import _, ngettext
from pim_workbook.record.hashing import canonical_json, record_hash
from pim_workbook.record.paths import validate_unit
from pim_workbook.record.progress import signing_parties
from pim_workbook.record.readiness import open_items
from pim_workbook.record.references import check_references
from pim_workbook.store import chain
from pim_workbook.store.connection import decode_value, now
from pim_workbook.store.rows import Change, Revision, Seal
from pim_workbook.store.seals import Seals, revision_message
from pim_workbook.store.units import Units


class History(Units, Seals):
    """Signatures freeze revisions, each sealed; every change is kept in the history."""

    def _migrate(self) -> None:
        if isinstance(self._db, sqlite3.Connection):
            chain.register(self._db)  # the step that chains existing history calls it
        super()._migrate()

    # -- sign-off and revisions --------------------------------------------------------
    def sign(self, aid: str, party: str, signatory: str, *, actor: str, title: str = "",
             acknowledged: Sequence[str] = (), via: str = "") -> int | None:
        """A party's signatory confirms the record as it is now.

        A record with open items (:func:`~pim_workbook.record.readiness.open_items`) is
        signed only when the signatory acknowledged exactly those items: they are kept with
        the signature, so every report of the revision says what was signed open. When the
        last signing party signs the same content, the record is frozen as the next
        numbered revision, whose number is returned, and sealed with the store's key
        together with the head of the history at that moment.
        """
        with self._write() as db:
            record = self.get(aid)
            revs = self.revisions(aid)
            number = len(revs) + 1
            current = record_hash(record)
            if revs and revs[-1].record_hash == current:
                raise StoreError(_("revision {number} is already signed; nothing has "
                                   "changed since").format(number=revs[-1].number))
            still_open = open_items(record, self.content)
            if list(acknowledged) != still_open:
                raise StoreError(
                    ngettext("the record has {n} open item(s) (first: {first}); the signatory "
                             "must see and acknowledge them to sign — nothing was saved",
                             "the record has {n} open item(s) (first: {first}); the signatory "
                             "must see and acknowledge them to sign — nothing was saved",
                             len(still_open)).format(n=len(still_open), first=still_open[0])
                    if still_open else _("the open items acknowledged are no longer open: "
                                         "look at the record again before signing — nothing "
                                         "was saved"))
            path = f"signoffs/{party}"
            value = validate_unit(path, {"signatory": signatory, "title": title,
                                         "signed_at": now(), "revision": number,
                                         "record_hash": current, "open_items": still_open})
            check_references(path, value, lambda: record, self.content)
            self._put(aid, path, value, actor=actor, party=party, via=via)
            record = self.get(aid)
            signers = signing_parties(record)
            if len(signers) < 2:
                return None
            if all(pid in record.signoffs and record.signoffs[pid].record_hash == current
                   for pid in signers):
                snapshot = canonical_json(record.model_dump(mode="json"))
                db.execute("INSERT INTO revisions VALUES (?,?,?,?,?)",
                           (aid, number, now(), current, snapshot))
                head = chain.head(db, aid)
                self._keep_seal(aid, self._seal(number, head,
                                                revision_message(aid, number, current, head)))
                return number
        return None

    def revisions(self, aid: str) -> list[Revision]:
        rows = self._db.execute(
            "SELECT number, created_at, record_hash, snapshot FROM revisions "
            "WHERE assessment_id=? ORDER BY number", (aid,))
        return [Revision(n, c, h, json.loads(s)) for n, c, h, s in rows]

    def last_change(self, aid: str) -> int:
        """A number that grows with every change to the assessment (cheap to poll)."""
        row = self._db.execute("SELECT max(id) FROM history WHERE assessment_id=?",
                               (aid,)).fetchone()
        return row[0] or 0

    def history(self, aid: str) -> list[Change]:
        self._header(aid)
        rows = self._db.execute(
            "SELECT at, actor, party, path, old, new, via, hash FROM history "
            "WHERE assessment_id=? ORDER BY id", (aid,))
        return [Change(at, actor, party, path, decode_value(old), decode_value(new), via, h)
                for at, actor, party, path, old, new, via, h in rows]

    def seals(self, aid: str) -> list[Seal]:
        """The seals the store holds for an assessment (its own and imported), in order."""
        rows = self._db.execute(
            "SELECT revision, head, public_key, signature FROM seals "
            "WHERE assessment_id=? ORDER BY id", (aid,))
        return [Seal(*row) for row in rows]

    def _keep_seal(self, aid: str, seal: Seal) -> None:
        self._db.execute(
            "INSERT INTO seals (assessment_id, revision, head, public_key, signature) "
            "VALUES (?,?,?,?,?)", (aid, seal.revision, seal.head, seal.public_key,
                                   seal.signature))

