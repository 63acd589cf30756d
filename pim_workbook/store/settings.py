"""Workbook-wide settings (disclosure thresholds, the served base URL).
"""

from __future__ import annotations

from pim_workbook.store.connection import Connection


class Settings(Connection):
    """Workbook-wide settings, one value per key."""

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute("INSERT INTO settings VALUES (?,?) ON CONFLICT(key) DO UPDATE "
                       "SET value=excluded.value", (key, value))

