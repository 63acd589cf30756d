"""The durable store: one SQLite file (or one PostgreSQL database) holding every
assessment, its history (a hash chain) and its sealed revisions.

Each change is one short write transaction (``BEGIN IMMEDIATE`` on SQLite, an advisory lock
on PostgreSQL): the unit is validated against the record rules, written (UPSERT), and
appended to the history, so it is on disk (WAL, ``synchronous=FULL`` on SQLite; the
server's commit on PostgreSQL) when the call returns. :class:`Store` is composed of one
part per concern, each in its own module.
"""

from __future__ import annotations

from pim_workbook.store.integrity import Integrity
from pim_workbook.store.links import Links
from pim_workbook.store.settings import Settings
from pim_workbook.store.training import Training


class Store(Integrity, Links, Training, Settings):
    """All assessments of one workbook, in one SQLite file or PostgreSQL database."""
