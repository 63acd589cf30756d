"""Partner links as stored: a hashed secret and what it grants (the rules are in
:mod:`pim_workbook.access`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple, dataclass, field, fields
from typing import Literal

from pim_workbook.errors import StoreError
from pim_workbook.i18n import _
from pim_workbook.store.connection import now
from pim_workbook.store.units import Units

Role = Literal["facilitator", "party", "observer", "trainee"]


@dataclass(frozen=True)
class Invite:
    """A stored link: what it grants, its life, and the salted hash that checks its key
    (never the secret itself). The fields are the table's columns, in its order."""

    id: str
    assessment_id: str | None
    role: Role
    party: str | None
    salt: str = field(repr=False)
    secret_hash: str = field(repr=False)
    created_at: str
    created_by: str
    expires_on: str | None
    last_used_at: str | None
    revoked_at: str | None
    training_id: str | None = None

    def state(self, today: dt.date | None = None) -> str:
        """"active", "expired" or "revoked" (``today`` in UTC by default)."""
        if self.revoked_at:
            return "revoked"
        if self.expires_on and dt.date.fromisoformat(self.expires_on) < (
                today or dt.datetime.now(dt.UTC).date()):
            return "expired"
        return "active"


INVITE_COLUMNS = tuple(f.name for f in fields(Invite))
_SELECT = f"SELECT {', '.join(INVITE_COLUMNS)} FROM invites"


class Links(Units):
    """The stored partner links."""

    def add_invite(self, invite: Invite) -> None:
        """Store a link's hashed secret and what it grants."""
        if invite.assessment_id:
            self._header(invite.assessment_id)
        with self._write() as db:
            db.execute(f"INSERT INTO invites ({', '.join(INVITE_COLUMNS)}) VALUES "
                       f"({', '.join('?' * len(INVITE_COLUMNS))})", astuple(invite))

    def invite(self, iid: str) -> Invite | None:
        row = self._db.execute(f"{_SELECT} WHERE id=?", (iid,)).fetchone()
        return Invite(*row) if row else None

    def invites(self, aid: str | None = None) -> list[Invite]:
        """The links of one assessment (or all links), oldest first."""
        where, args = ("WHERE assessment_id=?", (aid,)) if aid else ("", ())
        rows = self._db.execute(f"{_SELECT} {where} ORDER BY created_at, id", args)
        return [Invite(*row) for row in rows]

    def touch_invite(self, iid: str) -> None:
        with self._write() as db:
            db.execute("UPDATE invites SET last_used_at=? WHERE id=?", (now(), iid))

    def revoke_invite(self, iid: str) -> None:
        with self._write() as db:
            changed = db.execute("UPDATE invites SET revoked_at=? WHERE id=? AND revoked_at "
                                 "IS NULL", (now(), iid)).rowcount
            if not changed and self.invite(iid) is None:
                raise StoreError(_("no link with id {id} (pim-workbook invites ID lists them)")
                                 .format(id=repr(iid)))
