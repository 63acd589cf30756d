"""Seals: each store's own Ed25519 key pair, and the signatures it makes with it.

The private key is made on first use and never leaves the store (a table of its own, which
no export reads); the public key travels with every export, named by its fingerprint. A
seal proves that what it covers was not changed since the store holding that key sealed
it — not who typed it, and it is not a legal electronic signature.

``cryptography`` is imported inside the functions that use it, so that opening the
workbook does not load it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

from pim_workbook.errors import StoreError
from pim_workbook.i18n import _
from pim_workbook.store.connection import Connection, now
from pim_workbook.store.rows import Seal

_FINGERPRINT = re.compile(r"[0-9a-f]{16}")


def _grouped(digits: str) -> str:
    """16 hex digits by fours, as people read them out to each other."""
    return " ".join(digits[i:i + 4] for i in range(0, 16, 4))


def fingerprint(public_key: str) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key (given in base64),
    grouped: ``3f2a 9c01 77be 0d42``. Raises ValueError for what is not base64."""
    return _grouped(hashlib.sha256(base64.b64decode(public_key, validate=True)).hexdigest())


def normal_fingerprint(text: str) -> str:
    """A fingerprint as typed (any case, spaced or not) in its grouped form."""
    plain = "".join(text.split()).lower()
    if not _FINGERPRINT.fullmatch(plain):
        raise StoreError(_("{text} is not a fingerprint: give the 16 hex digits the other "
                           "store shows (e.g. 3f2a 9c01 77be 0d42)").format(text=repr(text)))
    return _grouped(plain)


def _message(*parts: str | int) -> bytes:
    return json.dumps(list(parts), separators=(",", ":")).encode("ascii")


def revision_message(aid: str, number: int, record_hash: str, head: str) -> bytes:
    """What a revision's seal signs: the revision and the history that led to it."""
    return _message("pim-workbook revision seal", aid, number, record_hash, head)


def head_message(aid: str, head: str) -> bytes:
    """What an export's seal signs: the assessment's history up to ``head``."""
    return _message("pim-workbook history seal", aid, head)


def verify(public_key: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` (base64) is the signature of ``message`` by ``public_key``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


class Seals(Connection):
    """The store's key pair, made on first use, and the seals made with it."""

    def public_key(self) -> str | None:
        """This store's public key in base64 (None until it has sealed anything)."""
        row = self._db.execute("SELECT public_key FROM store_key").fetchone()
        return row[0] if row else None

    def _key_pair(self) -> tuple[bytes, str]:
        """The raw private key and the public key (base64), made now if the store has none."""
        row = self._db.execute("SELECT private_key, public_key FROM store_key").fetchone()
        if row:
            return bytes(row[0]), row[1]
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        key = Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        insert = ("INSERT INTO store_key (id, private_key, public_key, created_at) "
                  "VALUES (1, ?, ?, ?) ON CONFLICT DO NOTHING",
                  (key.private_bytes_raw(), base64.b64encode(public).decode("ascii"), now()))
        if self._db.in_transaction:
            self._db.execute(*insert)
        else:
            with self._write() as db:
                db.execute(*insert)
        return self._key_pair()  # another process may have made it first

    def _seal(self, revision: int | None, head: str, message: bytes) -> Seal:
        """This store's seal of ``message`` (made with :func:`revision_message` or
        :func:`head_message`)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        private, public = self._key_pair()
        signature = Ed25519PrivateKey.from_private_bytes(private).sign(message)
        return Seal(revision, head, public, base64.b64encode(signature).decode("ascii"))
