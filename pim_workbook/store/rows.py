"""What the store returns besides records: history entries, revisions and summaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass as pydantic_dataclass


@pydantic_dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Change:
    """One entry of an assessment's history (also the shape of history in the JSON export)."""

    at: str
    actor: str
    party: str | None
    path: str
    old: Any
    new: Any
    via: str


@dataclass(frozen=True)
class Revision:
    """A frozen, signed snapshot of the record."""

    number: int
    created_at: str
    record_hash: str
    record: dict[str, Any]


@dataclass(frozen=True)
class Summary:
    """What lists and filters show of an assessment."""

    id: str
    title: str
    status: str
    parties: list[str]
    created_at: str
    revision: int
    next_review: str | None
    done: int = 0  # progress: items done of all the workbook's items
    total: int = 0

