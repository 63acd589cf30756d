"""Assessments as a whole: creating, listing, the typed operations the pages use,
archiving, deleting, and loading an imported file.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import string
from collections.abc import Sequence
from typing import Any

from pim_workbook.errors import RecordError, StoreError
from pim_workbook.i18n import _
from pim_workbook.record.hashing import canonical_json
from pim_workbook.record.ids import ASSESSMENT_ID
from pim_workbook.record.paths import validate_unit
from pim_workbook.record.progress import progress, status
from pim_workbook.store.chain import GENESIS, link, stored_change
from pim_workbook.store.connection import encode_value, now
from pim_workbook.store.history import History
from pim_workbook.store.rows import Change, Revision, Seal, Summary

_ID_PATTERN = re.compile(ASSESSMENT_ID)
_ID_ALPHABET = "".join(c for c in string.ascii_lowercase + string.digits if c not in "01lo")



class Assessments(History):
    """Whole assessments and the typed operations the pages and the command use."""

    # -- assessments -------------------------------------------------------------------
    def create(self, title: str, *, actor: str, aid: str | None = None, via: str = "") -> str:
        """Start a new assessment; returns its short stable id (random unless given)."""
        clean = validate_unit("title", title)
        if aid is not None and not _ID_PATTERN.match(aid):
            raise RecordError(_("invalid assessment id {id}: use 3-32 of a-z, 0-9 and '-'")
                              .format(id=repr(aid)))
        with self._write() as db:
            if aid is not None and self.exists(aid):
                raise StoreError(_("an assessment with id {id} already exists")
                                 .format(id=repr(aid)))
            while aid is None:
                candidate = "".join(secrets.choice(_ID_ALPHABET) for _ in range(6))
                if not self.exists(candidate):
                    aid = candidate
            db.execute("INSERT INTO assessments VALUES (?,?,?)",
                       (aid, self.content.version, now()))
            self._put(aid, "title", clean, actor=actor, party=None, via=via)
        return aid

    def summary(self, aid: str, today: dt.date | None = None) -> Summary:
        record = self.get(aid)
        revs = self.revisions(aid)
        frozen = revs[-1].record_hash if revs else None
        sections = progress(record, self.content).values()
        return Summary(
            id=aid, title=record.title, status=status(record, frozen, today),
            parties=[p.organisation for p in record.parties.values()],
            created_at=record.created_at, revision=len(revs),
            next_review=(record.arrangement.next_review.isoformat()
                         if record.arrangement.next_review else None),
            done=sum(d for d, _ in sections), total=sum(t for _, t in sections),
        )

    def summaries(self, today: dt.date | None = None) -> list[Summary]:
        return [self.summary(aid, today) for aid in self.ids()]

    def status(self, aid: str, today: dt.date | None = None) -> str:
        revs = self.revisions(aid)
        return status(self.get(aid), revs[-1].record_hash if revs else None, today)

    # -- typed helpers used by the notebooks and the CLI ---------------------------------
    def add_party(self, aid: str, organisation: str, role: str, *, actor: str,
                  contacts: list[dict[str, str]] | None = None, via: str = "") -> str:
        """Add a party; parties get the letters A, B, C, ... in order."""
        with self._write():
            record = self.get(aid)
            letters = [c for c in string.ascii_uppercase if c not in record.parties]
            if not letters:
                raise RecordError(_("an assessment has at most 26 parties"))
            pid = letters[0]
            value = validate_unit(f"parties/{pid}", {
                "organisation": organisation, "role": role, "contacts": contacts or []})
            self._put(aid, f"parties/{pid}", value, actor=actor, party=pid, via=via)
        return pid

    def update_party(self, aid: str, pid: str, changes: dict[str, Any], *, actor: str,
                     via: str = "") -> None:
        with self._write():
            current, _version = self.unit(aid, f"parties/{pid}")
            if current is None:
                raise RecordError(_("unknown party {party}").format(party=repr(pid)))
            value = validate_unit(f"parties/{pid}", {**current, **changes})
            self._put(aid, f"parties/{pid}", value, actor=actor, party=pid, via=via)

    def answer(self, aid: str, question_id: str, party: str, text: str, *, actor: str,
               expected_version: int | None = None, on_behalf: bool = False,
               via: str = "", language: str | None = None) -> None:
        """One party's answer to a question; moves the question to 'discussing'.

        ``on_behalf``: the facilitator types what the party says (a workshop at one
        keyboard); the history says so.
        """
        if on_behalf:
            via = f"{via} on behalf of {party}".strip()
        self.set(aid, f"answers/{question_id}/parties/{party}", text, actor=actor,
                 party=party, expected_version=expected_version, via=via, language=language)
        current, _version = self.unit(aid, f"answers/{question_id}/status")
        if current in (None, "not_started") and text.strip():
            self.set(aid, f"answers/{question_id}/status", "discussing", actor=actor,
                     party=party, via=via)

    def agree(self, aid: str, question_id: str, text: str, *, actor: str,
              status: str = "agreed", via: str = "") -> None:
        """The joint answer to a question, and its status."""
        self.set(aid, f"answers/{question_id}/agreed", text, actor=actor, via=via)
        self.set(aid, f"answers/{question_id}/status", status, actor=actor, via=via)

    def set_action(self, aid: str, action_id: str, *, actor: str, via: str = "",
                   party: str | None = None, **fields: Any) -> None:
        """Status, owner, due date or note of a framework action."""
        path = f"actions/{action_id}"
        with self._write():
            current, _version = self.unit(aid, path)
            value = validate_unit(path, {**(current or {}), **fields})
            self._check(aid, path, value)
            self._put(aid, path, value, actor=actor, party=party, via=via)

    def agree_trust(self, aid: str, party: str, agreed_by: str, *, actor: str,
                    on: dt.date | str | None = None, via: str = "") -> None:
        self.set(aid, f"trust/{party}",
                 {"agreed_by": agreed_by, "agreed_on": on or dt.date.today()},
                 actor=actor, party=party, via=via)

    # -- lifecycle ---------------------------------------------------------------------
    def archive(self, aid: str, *, actor: str, archived: bool = True, via: str = "") -> None:
        with self._write():
            self._put(aid, "archived", archived, actor=actor, party=None, via=via)

    def delete(self, aid: str, *, confirm: str) -> None:
        """Delete an assessment with its history and revisions; ``confirm`` must be its id."""
        if confirm != aid:
            raise StoreError(_("to delete {id}, confirm with its id").format(id=aid))
        with self._write():
            self._header(aid)
            self._delete(aid)
        self._scrub(("assessments", "units", "history", "revisions", "seals", "imports",
                     "invites"))

    def _delete(self, aid: str) -> None:
        self._db.execute("DELETE FROM assessments WHERE id=?", (aid,))
        self._db.execute("DELETE FROM imports WHERE assessment_id=?", (aid,))

    def load_raw(self, header: dict[str, Any], units: list[tuple[str, Any]],
                 history: list[Change], revisions: list[Revision], *, actor: str,
                 source: str, replace: bool = False, seals: Sequence[Seal] = (),
                 unverified: str | None = None) -> None:
        """Insert an already validated assessment as it was exported (used by import).

        With ``replace``, an assessment with the same id is replaced in the same transaction.
        The history is chained here, as the store chains its own; the seals are kept as
        they came. The import itself is logged in the store's import log, not in the
        record's history, with ``unverified`` saying why it was taken without verifying.
        """
        with self._write() as db:
            if self.exists(header["id"]):
                if not replace:
                    raise StoreError(
                        _("an assessment with id {id} is already in the store ({path}); use "
                          "--replace to overwrite it with the file")
                        .format(id=header["id"], path=self.where))
                self._delete(header["id"])
            db.execute("INSERT INTO assessments VALUES (?,?,?)",
                       (header["id"], header["content_version"], header["created_at"]))
            db.executemany("INSERT INTO units (assessment_id, path, value) VALUES (?,?,?)",
                           [(header["id"], p, encode_value(v)) for p, v in units if v is not None])
            rows, head = [], GENESIS
            for c in history:
                old = None if c.old is None else encode_value(c.old)
                new = None if c.new is None else encode_value(c.new)
                head = link(head, header["id"],
                            stored_change(c.at, c.actor, c.party, c.path, old, new, c.via))
                rows.append((header["id"], c.at, c.actor, c.party, c.path, old, new, c.via,
                             head))
            db.executemany(
                "INSERT INTO history (assessment_id, at, actor, party, path, old, new, via, "
                "hash) VALUES (?,?,?,?,?,?,?,?,?)", rows)
            db.executemany("INSERT INTO revisions VALUES (?,?,?,?,?)",
                           [(header["id"], r.number, r.created_at, r.record_hash,
                             canonical_json(r.record)) for r in revisions])
            for seal in seals:
                self._keep_seal(header["id"], seal)
            db.execute("INSERT INTO imports (assessment_id, at, actor, source, unverified) "
                       "VALUES (?,?,?,?,?)", (header["id"], now(), actor, source, unverified))

    def imports(self) -> list[tuple[str, str, str, str]]:
        return list(self._db.execute(
            "SELECT assessment_id, at, actor, source FROM imports ORDER BY id"))

    def unverified_import(self, aid: str) -> str | None:
        """Why the assessment was imported without verifying it (None: it was verified, or
        it was made in this store)."""
        row = self._db.execute("SELECT unverified FROM imports WHERE assessment_id=? "
                               "ORDER BY id DESC LIMIT 1", (aid,)).fetchone()
        return row[0] if row else None

