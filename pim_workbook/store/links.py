"""Partner links as stored: a hashed secret and what it grants (the rules are in
:mod:`pim_workbook.access`).
"""

from __future__ import annotations

from typing import Any

from pim_workbook.errors import StoreError
from pim_workbook.store.connection import now
from pim_workbook.store.units import Units

INVITE_COLUMNS = ("id", "assessment_id", "role", "party", "salt", "secret_hash", "created_at",
                  "created_by", "expires_on", "last_used_at", "revoked_at", "training_id")




class Links(Units):
    """The stored partner links."""

    def add_invite(self, row: dict[str, Any]) -> None:
        """Store a link's hashed secret and what it grants (never the secret itself)."""
        if row.get("assessment_id"):
            self._header(row["assessment_id"])
        with self._write() as db:
            db.execute(f"INSERT INTO invites ({', '.join(row)}) VALUES "
                       f"({', '.join('?' * len(row))})", tuple(row.values()))

    def invite(self, iid: str) -> dict[str, Any] | None:
        row = self._db.execute(f"SELECT {', '.join(INVITE_COLUMNS)} FROM invites WHERE id=?",
                               (iid,)).fetchone()
        return dict(zip(INVITE_COLUMNS, row, strict=True)) if row else None

    def invites(self, aid: str | None = None) -> list[dict[str, Any]]:
        """The links of one assessment (or all links), oldest first."""
        where, args = ("WHERE assessment_id=?", (aid,)) if aid else ("", ())
        rows = self._db.execute(f"SELECT {', '.join(INVITE_COLUMNS)} FROM invites {where} "
                                "ORDER BY created_at, id", args)
        return [dict(zip(INVITE_COLUMNS, row, strict=True)) for row in rows]

    def touch_invite(self, iid: str) -> None:
        with self._write() as db:
            db.execute("UPDATE invites SET last_used_at=? WHERE id=?", (now(), iid))

    def revoke_invite(self, iid: str) -> None:
        with self._write() as db:
            changed = db.execute("UPDATE invites SET revoked_at=? WHERE id=? AND revoked_at "
                                 "IS NULL", (now(), iid)).rowcount
            if not changed and self.invite(iid) is None:
                raise StoreError(f"no link with id {iid!r} (pim-workbook invites ID lists them)")

