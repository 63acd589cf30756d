"""Trainees' practice copies of the fictional sample assessment.

A trainee rehearses Steps 1 and 2 on a copy of the sample that no real assessment ever sees.
The copies of one training session live in one store file of their own, next to the
workbook's store (``workbook-practice/<session id>.sqlite`` beside ``workbook.sqlite``),
one assessment per trainee whose id is the trainee's: every page of the session opens that
file, and a trainee finds their copy again on the next page. Purging the session removes
the file (:func:`purge`); the server removes them all when it stops
(:func:`remove_all`). File names come only from ids checked here, never from a link.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from pim_workbook.errors import StoreError
from pim_workbook.store.core import Store
from pim_workbook.store.protocol import WorkbookStore

_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]{2,31}")  # as assessment ids: a file name as is


def folder(store_path: Path) -> Path:
    """The folder of a store's practice copies, named after the store file."""
    return store_path.with_name(f"{store_path.stem}-practice")


def copy_path(store_path: Path, training_id: str) -> Path:
    """The practice store of one training session."""
    if not _SAFE_ID.fullmatch(training_id):
        raise StoreError(f"not a training session id: {training_id!r}")
    return folder(store_path) / f"{training_id}.sqlite"


def open_copy(store: WorkbookStore, training_id: str, trainee_id: str) -> tuple[Store, str]:
    """The session's practice store and the id of the trainee's copy in it, made from the
    sample on first use. ``store`` is the workbook's (or a trainee link's view of it)."""
    from pim_workbook.sample.assessment import build_sample

    trainee = store.trainee(trainee_id) if _SAFE_ID.fullmatch(trainee_id) else None
    if trainee is None or trainee.training_id != training_id:
        raise StoreError(f"no trainee {trainee_id!r} in training session {training_id!r}")
    practice = Store(copy_path(store.path, training_id), content=store.content)
    if not practice.exists(trainee_id):
        try:
            build_sample(practice, aid=trainee_id)
        except StoreError:
            if not practice.exists(trainee_id):  # else: another page made it meanwhile
                raise
    return practice, trainee_id


def remove_copies(store_path: Path, training_id: str) -> None:
    """Remove one session's practice store (with SQLite's side files)."""
    path = copy_path(store_path, training_id)
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        path.with_name(name).unlink(missing_ok=True)


def purge(store: WorkbookStore, training_id: str) -> int:
    """Purge a training session: its trainees and answers from the store (``store`` may be
    the facilitator's guarded view of it), then its practice copies; returns how many
    trainees were removed."""
    removed: int = store.purge_training(training_id)
    remove_copies(Path(store.path), training_id)
    return removed


def remove_all(store_path: Path) -> None:
    """Remove every practice copy of a store: for a server that stops."""
    if folder(store_path).exists():
        shutil.rmtree(folder(store_path))
