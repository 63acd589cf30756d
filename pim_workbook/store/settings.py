"""Workbook-wide settings: the disclosure-risk thresholds in force, the served base URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pim_workbook.i18n import _
from pim_workbook.sdc.microdata import DEFAULT_MAX_RISK, DEFAULT_MIN_K
from pim_workbook.store.connection import Connection

if TYPE_CHECKING:
    from pim_workbook.store.protocol import WorkbookStore


class Settings(Connection):
    """Workbook-wide settings, one value per key."""

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute("INSERT INTO settings VALUES (?,?) ON CONFLICT(key) DO UPDATE "
                       "SET value=excluded.value", (key, value))


MIN_K_SETTING = "risk_min_k"
MAX_RISK_SETTING = "risk_max_risk"


def thresholds(store: WorkbookStore | None) -> tuple[int, float]:
    """The target k and the global-risk threshold: the store's settings, else the defaults."""
    if store is None:
        return DEFAULT_MIN_K, DEFAULT_MAX_RISK
    return (int(store.setting(MIN_K_SETTING) or DEFAULT_MIN_K),
            float(store.setting(MAX_RISK_SETTING) or DEFAULT_MAX_RISK))


def set_thresholds(store: WorkbookStore, min_k: int | None = None,
                   max_risk: float | None = None) -> None:
    """Change the target k and/or the global-risk threshold (a fraction in [0, 1])."""
    if min_k is not None:
        if isinstance(min_k, bool) or int(min_k) != min_k or min_k < 1:
            raise ValueError(_("the target k must be a whole number >= 1, got {value}")
                             .format(value=repr(min_k)))
        store.set_setting(MIN_K_SETTING, str(int(min_k)))
    if max_risk is not None:
        if not 0 <= float(max_risk) <= 1:
            raise ValueError(_("the global-risk threshold is a fraction between 0 and 1 "
                               "(0.03 means 3 %), got {value}").format(value=repr(max_risk)))
        store.set_setting(MAX_RISK_SETTING, repr(float(max_risk)))
