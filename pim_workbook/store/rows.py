"""What the store returns besides records: history entries, revisions, seals, what
verifying them found, and summaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field
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
    hash: Annotated[str, Field(description=(
        "SHA-256 (hex) of the previous entry's hash and this entry: see the export's "
        "description"))] = ""


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



@dataclass(frozen=True)
class Seal:
    """A store's Ed25519 signature over a point of an assessment's history: a signed
    revision (with its record hash and the history's head when it was frozen), or, with
    ``revision`` None, the head of the history when it was exported."""

    revision: int | None
    head: str
    public_key: str  # base64 of the raw 32-byte key
    signature: str  # base64


Standing = Literal["this store", "trusted", "unknown"]


@dataclass(frozen=True)
class Verification:
    """What checking an assessment's history chain and seals found.

    ``problems`` are one line each; ``signers`` are the fingerprints of the stores whose
    seals the assessment carries, in the order they sealed, each with its standing here.
    """

    problems: tuple[str, ...] = ()
    signers: tuple[tuple[str, Standing], ...] = ()

    @property
    def unknown(self) -> list[str]:
        """Signers this store neither is nor trusts: their seals prove nothing of origin."""
        return [fp for fp, standing in self.signers if standing == "unknown"]

    @property
    def ok(self) -> bool:
        """The chain and every seal verify, and every seal is by a store known here."""
        return not self.problems and not self.unknown

    @property
    def signer(self) -> str | None:
        """The fingerprint of the store that sealed last (None when nothing is sealed)."""
        return self.signers[-1][0] if self.signers else None
