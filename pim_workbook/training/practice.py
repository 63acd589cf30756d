"""Trainees' practice copies of the fictional sample assessment.

A trainee rehearses the workbook's pages, Start to Record, as party A on a copy of the
sample that no real assessment ever sees. The copies of one training session live in one
store file of their own, next to the workbook's store (``workbook-practice/<session
id>.sqlite`` beside ``workbook.sqlite``), one assessment per trainee whose id is the
trainee's: a page opened with the trainee link and ``?assessment=<trainee id>`` opens that
copy (:func:`open_copy`), so the links between the workbook's pages lead from one page of
the copy to the next. Purging the session removes the file (:func:`purge`); the server
removes them all when it stops (:func:`remove_all`). File names come only from ids checked
here, never from a link. The copies of a PostgreSQL store's sessions are files too, in the
data folder of the host whose server made them: they are for rehearsing, and live only as
long as that server.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

from pim_workbook.access import Grant, GuardedStore, grant_of
from pim_workbook.errors import AccessDenied, StoreError
from pim_workbook.i18n import _
from pim_workbook.store.core import Store
from pim_workbook.store.dialect import is_postgres, without_password
from pim_workbook.store.protocol import WorkbookStore

_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]{2,31}")  # as assessment ids: a file name as is
PRACTICE_PARTY = "A"  # the sample's provider: the one party a trainee answers as
TITLE_MARK = "PRACTICE COPY – "  # put before the sample's title: every page says it


class PracticeStore(GuardedStore):
    """A trainee's practice copy as its pages see it: one assessment, as party A only.

    The checks of :class:`GuardedStore` run in the kernel on every read and write with this
    fixed grant, so a forged widget message can neither answer for another party nor set
    the agreed (facilitator's) answers; and each of them first asks the workbook's store,
    through the trainee's link, whether the trainee is still in the session, so a revoked
    link or a purged session ends the copy's pages at their next action.
    """

    def __init__(self, workbook: WorkbookStore, practice: Store, trainee_id: str) -> None:
        # not GuardedStore.__init__: the link belongs to the workbook's store, not this one
        link = grant_of(workbook)
        self._workbook, self._store, self._key = workbook, practice, ""
        self.content, self.path = practice.content, practice.path
        self.grant = Grant(link.invite_id if link else "practice", "party", trainee_id,
                           PRACTICE_PARTY)

    def _fresh(self) -> Grant:
        if self._workbook.trainee(str(self.grant.assessment_id)) is None:
            raise AccessDenied(_("this practice copy is gone: the trainer purged the "
                                 "training session"))
        return self.grant


SERVER_ENV = "PIM_WORKBOOK_SERVER"  # the server a page runs under (host:port), set by serve


def folder(store_path: Path | str, server: str | None = None) -> Path:
    """The folder of a store's practice copies, named after the store file; for a
    PostgreSQL store, in this host's data folder, named after the address (less its
    password). Practice copies belong to the server that made them: under ``server`` (else
    ``$PIM_WORKBOOK_SERVER``), each server sharing a store has a folder of its own, so that
    one server stopping never removes another's."""
    server = server if server is not None else os.environ.get(SERVER_ENV, "")
    suffix = f"-{re.sub(r'[^A-Za-z0-9.-]+', '-', server)}" if server else ""
    if is_postgres(store_path):
        from platformdirs import user_data_path

        key = hashlib.sha256(without_password(str(store_path)).encode()).hexdigest()[:16]
        return user_data_path("pim-workbook") / f"postgresql-{key}-practice{suffix}"
    path = Path(store_path)
    return path.with_name(f"{path.stem}-practice{suffix}")


def copy_path(store_path: Path | str, training_id: str) -> Path:
    """The practice store of one training session."""
    if not _SAFE_ID.fullmatch(training_id):
        raise StoreError(f"not a training session id: {training_id!r}")
    return folder(store_path) / f"{training_id}.sqlite"


def open_copy(store: WorkbookStore, training_id: str, trainee_id: str) -> PracticeStore:
    """The trainee's practice copy, made from the sample on first use; its assessment id is
    ``trainee_id``. ``store`` is the workbook's (or a trainee link's view of it)."""
    from pim_workbook.sample.assessment import TITLE, build_sample

    trainee = store.trainee(trainee_id) if _SAFE_ID.fullmatch(trainee_id) else None
    if trainee is None or trainee.training_id != training_id:
        raise AccessDenied(_("no trainee {trainee} in training session {training}: open the "
                             "practice copy from your training page")
                           .format(trainee=repr(trainee_id), training=repr(training_id)))
    practice = Store(copy_path(store.path, training_id), content=store.content)
    if not practice.exists(trainee_id):
        try:
            build_sample(practice, aid=trainee_id)
            practice.set(trainee_id, "title", TITLE_MARK + TITLE, actor="training")
        except StoreError:
            if not practice.exists(trainee_id):  # else: another page made it meanwhile
                raise
    return PracticeStore(store, practice, trainee_id)


def remove_copies(store_path: Path | str, training_id: str) -> None:
    """Remove one session's practice store (with SQLite's side files)."""
    path = copy_path(store_path, training_id)
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        path.with_name(name).unlink(missing_ok=True)


def purge(store: WorkbookStore, training_id: str) -> int:
    """Purge a training session: its trainees and answers from the store (``store`` may be
    the facilitator's guarded view of it), then its practice copies; returns how many
    trainees were removed."""
    removed: int = store.purge_training(training_id)
    remove_copies(store.path, training_id)
    return removed


def remove_all(store_path: Path | str, server: str | None = None) -> None:
    """Remove every practice copy a server made of a store: for a server that stops (or
    starts again after a crash)."""
    if folder(store_path, server).exists():
        shutil.rmtree(folder(store_path, server))
