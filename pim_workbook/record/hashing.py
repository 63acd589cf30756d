"""What parties sign: one canonical serialisation and the hash of a record.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pim_workbook.record.model import Record


def canonical_json(data: Any) -> str:
    """The one serialisation used for exports, snapshots and hashes."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def record_hash(record: Record) -> str:
    """Hash of what parties sign: the whole record except signatures, archiving and the
    languages answers were typed in."""
    data = record.model_dump(mode="json", exclude={"signoffs", "archived", "typed_in"})
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


