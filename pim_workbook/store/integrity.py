"""Tamper evidence: checking an assessment's history chain and seals, the keys a store
trusts, and the seals an export carries.

A seal proves that what it covers was not changed since a store holding that key sealed it.
Whose key it is, the store cannot know by itself: a seal by a key that is neither this
store's nor trusted here verifies, but is reported as by an unknown store until someone who
compared its fingerprint with that store's says so (:meth:`Integrity.trust`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from pim_workbook.errors import StoreError
from pim_workbook.i18n import N_, _
from pim_workbook.record.hashing import record_hash
from pim_workbook.record.model import Record
from pim_workbook.record.paths import assemble
from pim_workbook.store.assessments import Assessments
from pim_workbook.store.chain import GENESIS, link
from pim_workbook.store.connection import now
from pim_workbook.store.rows import Change, Revision, Seal, Standing, Verification
from pim_workbook.store.seals import (
    fingerprint,
    head_message,
    normal_fingerprint,
    revision_message,
    verify,
)

MAX_SHOWN = 10  # broken history entries listed one by one; the rest are counted


def _plain(text: str) -> str:
    """Text from a record, on one short printable line."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:60]


def _frozen_in(history: Sequence[Change], rev: Revision) -> bool:
    """Whether the history holds the sign-off that froze ``rev`` (with its record hash):
    a revision signed before revisions were sealed is covered by the chain through it."""
    return any(c.path.startswith("signoffs/") and isinstance(c.new, dict)
               and c.new.get("revision") == rev.number
               and c.new.get("record_hash") == rev.record_hash for c in history)


def _replays(record: Record, history: Sequence[Change]) -> bool:
    """Whether the record is what its history makes it: every unit the value last written."""
    units: dict[str, Any] = {}
    for change in history:
        if change.new is None:
            units.pop(change.path, None)
        else:
            units[change.path] = change.new
    header = {"id": record.id, "content_version": record.content_version,
              "created_at": record.created_at}
    try:
        replayed = assemble(header, list(units.items()))
    except (ValidationError, AttributeError, TypeError):  # units that make no record
        return False
    return replayed.model_dump(mode="json") == record.model_dump(mode="json")


def _matches(rev: Revision) -> bool:
    try:
        return record_hash(Record.model_validate(rev.record)) == rev.record_hash
    except ValidationError:
        return False


def check(record: Record, history: Sequence[Change], revisions: Sequence[Revision],
          seals: Sequence[Seal], *, sealed_head: bool) -> list[str]:
    """What does not verify in an assessment's history chain, record, revisions and seals,
    one line each (nothing: they all verify). The chain covers the record through the
    history, which must make it.

    With ``sealed_head`` the history must end where a seal ends it, as an export's does; in
    a store, the changes made since the last seal are the store's own.
    """
    aid, broken = record.id, []
    prev, heads = GENESIS, {GENESIS}
    for n, change in enumerate(history, 1):
        if change.hash != link(prev, aid, change):
            broken.append(_("history entry {n} ({at}, {actor}, {path}) does not match its "
                            "chain hash").format(n=n, at=_plain(change.at),
                                                 actor=_plain(change.actor),
                                                 path=_plain(change.path)))
        prev = change.hash
        heads.add(prev)
    problems = broken[:MAX_SHOWN]
    if len(broken) > MAX_SHOWN:
        problems.append(_("and {count} more history entries do not match their chain hash")
                        .format(count=len(broken) - MAX_SHOWN))
    if not _replays(record, history):
        problems.append(_("the record is not what its history makes it"))
    numbers = {rev.number: rev for rev in revisions}
    sealed = {seal.revision for seal in seals}
    for rev in revisions:
        if not _matches(rev):
            problems.append(_("revision {number} does not match its record hash")
                            .format(number=rev.number))
        if rev.number not in sealed and not _frozen_in(history, rev):
            problems.append(_("revision {number} is not sealed").format(number=rev.number))
    for seal in seals:
        try:
            fp = fingerprint(seal.public_key)
        except ValueError:
            problems.append(_("a seal carries a public key that cannot be read"))
            continue
        if seal.revision is None:
            message = head_message(aid, seal.head)
            changed = _("the seal of the history by {fp} does not verify: what it seals was "
                        "changed")
            elsewhere = _("the seal of the history by {fp} is of a history this record does "
                          "not have")
        elif seal.revision in numbers:
            message = revision_message(aid, seal.revision, numbers[seal.revision].record_hash,
                                       seal.head)
            changed = _("the seal of revision {number} by {fp} does not verify: what it seals "
                        "was changed")
            elsewhere = _("the seal of revision {number} by {fp} is of a history this record "
                          "does not have")
        else:
            problems.append(_("a seal by {fp} names revision {number}, which the record does "
                              "not have").format(fp=fp, number=seal.revision))
            continue
        if not verify(seal.public_key, message, seal.signature):
            problems.append(changed.format(fp=fp, number=seal.revision))
        elif seal.head not in heads:
            problems.append(elsewhere.format(fp=fp, number=seal.revision))
    if sealed_head and not any(seal.head == prev for seal in seals):
        problems.append(_("the end of the history is not sealed"))
    return problems


class Integrity(Assessments):
    """Verifying assessments, trusting other stores' keys, sealing exports."""

    def verify(self, aid: str) -> Verification:
        """Check an assessment's history chain, its record against it, and every seal it
        carries; the result says too whose seals they are."""
        with self._reading():
            seals = self.seals(aid)
            problems = check(self.get(aid), self.history(aid), self.revisions(aid), seals,
                             sealed_head=False)
            reason = self.unverified_import(aid)
            own, trusted = self.public_key(), set(self.trusted())
        if reason is not None:
            problems.insert(0, f"imported, not verified: {reason}")
        signers: dict[str, Standing] = {}
        for seal in seals:
            try:
                fp = fingerprint(seal.public_key)
            except ValueError:  # among the problems
                continue
            signers.setdefault(fp, "this store" if seal.public_key == own else
                               "trusted" if fp in trusted else "unknown")
        return Verification(tuple(problems), tuple(signers.items()))

    def own_fingerprint(self) -> str:
        """This store's fingerprint, to give to the stores that import its exports."""
        return fingerprint(self._key_pair()[1])

    def trusted(self) -> list[str]:
        """Fingerprints of the keys whose seals this store takes as known."""
        return [fp for (fp,) in self._db.execute(
            "SELECT fingerprint FROM trusted_keys ORDER BY trusted_at")]

    def trust(self, text: str, *, actor: str) -> str:
        """Take seals by the key with this fingerprint as known; returns it grouped.

        Do so only once the fingerprint was compared with the one the other store shows,
        through a channel other than the file.
        """
        fp = normal_fingerprint(text)
        own = self.public_key()
        if own is not None and fingerprint(own) == fp:
            raise StoreError(f"{fp} is this store's own key: its seals need no trust")
        with self._write() as db:
            db.execute("INSERT INTO trusted_keys VALUES (?,?,?) ON CONFLICT DO NOTHING",
                       (fp, now(), actor))
        return fp

    def export_seals(self, aid: str, head: str) -> list[Seal]:
        """The seals an export of ``aid`` whose history ends at ``head`` carries: those the
        store holds up to there, and the store's own seal of ``head`` unless one of them
        already ends there (so an unchanged import exports as it came)."""
        with self._reading():
            self._header(aid)
            heads = [h for (h,) in self._db.execute(
                "SELECT hash FROM history WHERE assessment_id=? ORDER BY id", (aid,))]
            held = self.seals(aid)
        if head != GENESIS and head not in heads:
            raise StoreError(f"{aid}: the store's history has no entry {head[:16]}… to seal")
        upto = {GENESIS, *heads[:heads.index(head) + 1]} if head != GENESIS else {GENESIS}
        seals = [seal for seal in held if seal.head in upto]
        if not any(seal.head == head for seal in seals):
            seals.append(self._seal(None, head, head_message(aid, head)))
        return seals


# -- in words ------------------------------------------------------------------------------
def unknown_line(fp: str) -> str:
    """What to do about a seal by a store this one does not know."""
    return _("sealed by an unknown store (fingerprint {fp}): compare it with the fingerprint "
             "that store shows, then `pim-workbook trust {fp}`").format(fp=fp)


def problem_lines(result: Verification) -> list[str]:
    """Why a record does not verify, one line each; empty when it does."""
    return [*result.problems, *(unknown_line(fp) for fp in result.unknown)]


# a sealing store's standing here (the values of Verification.signers), as people read it
STANDINGS = {"this store": N_("this store"), "trusted": N_("trusted"),
             "unknown": N_("unknown")}


def signers_text(result: Verification) -> str:
    """The fingerprints that sealed the record, each with its standing here."""
    return ", ".join(f"{fp} ({_(STANDINGS.get(standing, standing))})"
                     for fp, standing in result.signers)


def verification_lines(result: Verification, aid: str) -> list[str]:
    """Whether the record verifies, and who sealed it: as ``show``, the record page and
    every report say it."""
    if result.problems:
        more = len(result.problems) - 1
        shown = [_("verifies: no — {problem}").format(problem=result.problems[0])
                 + (_(" (and {more} more: pim-workbook verify {id})").format(more=more, id=aid)
                    if more else "")]
    elif result.unknown:
        shown = [_("verifies: not yet — {what}").format(what=unknown_line(result.unknown[0]))]
    elif result.signers:
        shown = [_("verifies: yes — the history chain is intact and every seal holds")]
    else:
        shown = [_("verifies: yes — the history chain is intact; nothing is sealed yet (a "
                   "revision is sealed when signed, the history when exported)")]
    if result.signers:
        shown.append(_("sealed by: {signers}").format(signers=signers_text(result)))
    return shown
