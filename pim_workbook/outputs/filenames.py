"""Where exports go and what they are called.

One place names every file the workbook writes (exports, reports, the register, treated
data, training results), so that each writer below the exports can use it without
depending on the exports themselves.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pim_workbook.record.model import Record

EXPORTS_ENV = "PIM_WORKBOOK_EXPORTS"


def default_exports_dir() -> Path:
    """``$PIM_WORKBOOK_EXPORTS``, else ``exports/`` in the working folder: where files go
    when no folder is named."""
    return Path(os.environ.get(EXPORTS_ENV) or Path.cwd() / "exports").expanduser().resolve()


def slug(text: str, limit: int = 40) -> str:
    """``text`` as lowercase ASCII words joined by ``-``, safe in a file name on any system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned[:limit].rstrip("-") or "assessment"


def export_name(record: Record, suffix: str) -> str:
    """Stable, collision-free file name: the assessment id plus a slug of its title."""
    return f"{record.id}-{slug(record.title)}{suffix}"


def output_path(folder: str | os.PathLike[str], *names: str) -> Path:
    """``folder/names...``, refused when it would resolve outside ``folder``.

    Every file written under exports/ goes through here: names come from ids and titles,
    and an imported id must never make the workbook write elsewhere.
    """
    base = Path(folder).expanduser().resolve()
    target = base.joinpath(*names).resolve()
    if target == base or not target.is_relative_to(base):
        raise ValueError(f"refused to write {'/'.join(names)!r}: it would not be a file "
                         f"inside {base}")
    return target
