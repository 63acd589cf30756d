"""Partner links: who may open which assessment, and what they may change through it.

A link carries a key ``<invite id>.<secret>`` in its own query parameter (``key``; Voila's
``token`` stays the gate of the whole server). The store keeps only a salted SHA-256 hash of
the secret: the secret is 192 random bits, so a fast hash is enough and checking it on every
write costs nothing.

Roles
    ``facilitator``  every assessment; the only role that sets agreed answers, adds parties,
                     archives, deletes or changes workbook settings.
    ``party``        one assessment; answers, agrees to the trust statement and signs only as
                     its own party, and contributes to the joint sections (data items,
                     register, actions, ...), each change recorded with the party and link.
    ``observer``     one assessment, read-only (a donor, say).
    ``trainee``      one training session: joins it and answers its exercises, nothing else
                     (the trainer's view needs the facilitator's link).

:class:`GuardedStore` is the store as one link sees it. Pages served by Voila get one, so the
check runs in the kernel on every read and write, whatever widget message arrives: a forged
message for another assessment or another party is refused, and a revoked or expired link
stops working at its next action.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import inspect
import os
import secrets
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from pim_workbook.errors import AccessDenied, DataFolderError
from pim_workbook.i18n import N_, _
from pim_workbook.record.model import Record
from pim_workbook.sdc.datafolder import data_dir
from pim_workbook.store.connection import now
from pim_workbook.store.core import Store
from pim_workbook.store.links import Invite, Role
from pim_workbook.store.protocol import WorkbookStore
from pim_workbook.store.rows import Change, Revision, Summary, Verification
from pim_workbook.store.training import TraineeRow, TrainingAnswerRow, TrainingRow

ROLES: tuple[Role, ...] = ("facilitator", "party", "observer", "trainee")
KEY_PARAM = "key"
NO_KEY = N_("this page was opened without its link key: use the whole link you were given")
REQUIRE_ENV = "PIM_WORKBOOK_REQUIRE_LINK"  # set by `serve`: pages need a valid link
BASE_URL_SETTING = "serve_base_url"
TOKEN_SETTING = "voila_token"  # Voila's token, which gates the whole server
DEFAULT_PORT = 8866
SHARED_SETTINGS = frozenset({"risk_min_k", "risk_max_risk"})  # what a party page may read


@dataclass(frozen=True)
class Grant:
    """What a valid link allows."""

    invite_id: str
    role: Role
    assessment_id: str | None
    party: str | None
    training_id: str | None = None

    @property
    def via(self) -> str:
        """How the history names the link a change came through."""
        return f"link:{self.invite_id}"

    @property
    def read_only(self) -> bool:
        return self.role == "observer"

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"

    def may_open(self, aid: str) -> bool:
        return self.is_facilitator or aid == self.assessment_id

    def check_opens(self, aid: str) -> None:
        """Raise AccessDenied, saying so, unless this link opens assessment ``aid``."""
        if not self.may_open(aid):
            raise AccessDenied(_("this link does not open assessment {assessment}")
                               .format(assessment=repr(aid)))


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _hash(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


# -- issuing -------------------------------------------------------------------------------
def create_invite(store: WorkbookStore, *, role: Role, actor: str, assessment_id: str | None = None,
                  party: str | None = None, expires: dt.date | None = None,
                  training_id: str | None = None) -> tuple[Invite, str]:
    """Issue a link; returns it and its key (shown once: only its hash is stored).

    ``party`` is a party id or an organisation name of the assessment (case-insensitive).
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (one of: {', '.join(ROLES)})")
    if role == "facilitator":
        if assessment_id or party:
            raise ValueError("a facilitator link opens every assessment: give no assessment "
                             "or party")
    elif role == "trainee":
        if assessment_id or party or not training_id or store.training(training_id) is None:
            raise ValueError("a trainee link is for one training session: give its id only")
    else:
        if not assessment_id:
            raise ValueError(f"a {role} link is for one assessment: give its id")
        record = store.get(assessment_id)
        if role == "party" or party:  # an observer may be named after a party (a donor)
            party = resolve_party(record, party)
    if expires is not None and expires < _today():
        raise ValueError(f"the expiry date {expires} is already past")
    iid = "l" + secrets.token_hex(5)
    secret = secrets.token_urlsafe(24)
    salt = os.urandom(16).hex()
    invite = Invite(id=iid, assessment_id=assessment_id, role=role, party=party, salt=salt,
                    secret_hash=_hash(salt, secret), created_at=now(), created_by=actor,
                    expires_on=expires.isoformat() if expires else None, last_used_at=None,
                    revoked_at=None, training_id=training_id)
    store.add_invite(invite)
    return invite, f"{iid}.{secret}"


def resolve_party(record: Record, party: str | None) -> str:
    """A party id from an id or an organisation name (or a unique part of it)."""
    if not party:
        raise ValueError("name the party: its id (A, B, …) or its organisation")
    if party in record.parties:
        return party
    needle = party.casefold()
    exact = [pid for pid, p in record.parties.items() if p.organisation.casefold() == needle]
    found = exact or [pid for pid, p in record.parties.items()
                      if needle in p.organisation.casefold()]
    if len(found) == 1:
        return found[0]
    known = "; ".join(f"{pid} {p.organisation}" for pid, p in record.parties.items())
    what = "several parties match" if found else "no party matches"
    raise ValueError(f"{what} {party!r} in {record.id} (parties: {known or 'none yet'})")


def invites(store: WorkbookStore, aid: str | None = None) -> list[Invite]:
    """The links of one assessment (``None``: every link, facilitator links included)."""
    if aid:
        store.get(aid)
    return store.invites(aid)


def revoke(store: WorkbookStore, invite_id: str) -> None:
    """End a link at once: its next page load or action is refused."""
    store.revoke_invite(invite_id)


def link(base_url: str, key: str, *, token: str | None = None, page: str = "index.ipynb",
         assessment: str | None = None, lang: str | None = None) -> str:
    """The address to open: ``base_url`` is the server (``http://host:port``); ``lang`` the
    language its pages open in (English without it)."""
    query = {k: v for k, v in (("assessment", assessment), (KEY_PARAM, key),
                                ("token", token), ("lang", lang)) if v and v != "en"}
    return f"{base_url.rstrip('/')}/voila/render/{page}?{urlencode(query)}"


def invitation_link(store: WorkbookStore, key: str, *, page: str, assessment: str | None = None,
                    base: str | None = None, lang: str | None = None) -> str:
    """The link a key is handed out as: on ``base``, else the address the last ``serve``
    used, else the default one; with Voila's token, which gates the whole server."""
    base = base or store.setting(BASE_URL_SETTING) or f"http://127.0.0.1:{DEFAULT_PORT}"
    return link(base, key, token=store.setting(TOKEN_SETTING), page=page,
                assessment=assessment, lang=lang)


# -- checking ------------------------------------------------------------------------------
def check_key(store: Store, key: str, *, touch: bool = False) -> Grant:
    """The grant of a valid, unexpired, unrevoked key; :class:`AccessDenied` otherwise."""
    iid, _dot, secret = (key or "").partition(".")
    invite = store.invite(iid) if iid and secret else None
    if invite is None or not hmac.compare_digest(invite.secret_hash,
                                                 _hash(invite.salt, secret)):
        raise AccessDenied(_("this link is not valid: ask the facilitator for a new one"))
    state = invite.state(_today())
    if state != "active":
        raise AccessDenied(_("this link has been revoked: ask the facilitator for a new one")
                           if state == "revoked" else
                           _("this link has expired: ask the facilitator for a new one"))
    if touch:
        store.touch_invite(iid)
    return Grant(iid, invite.role, invite.assessment_id, invite.party, invite.training_id)


def links_required() -> bool:
    """True in kernels of a server started by ``pim-workbook serve``."""
    return os.environ.get(REQUIRE_ENV) == "1"


# -- files on the server ------------------------------------------------------------------
NOT_ON_SERVER = N_("only the facilitator reads files on the server: upload the file, or give "
                   "a larger one to the facilitator, who puts it in the server's data folder")


def _named_data_folder() -> Path:
    folder = data_dir()
    if folder is None:
        raise DataFolderError(_("this server has no data folder: upload the file, or ask the "
                                "host to start the server with --data-dir"))
    return folder


def data_folder(store: WorkbookStore) -> Path:
    """The folder of server files that a page on ``store`` may read from.

    Through a link, only the facilitator's; a served page with a store of its own (a
    trainee's practice copy) none; the owner working in a notebook of their own, the folder
    the host named.
    """
    if isinstance(store, GuardedStore):
        return store.data_folder()
    if links_required():
        raise AccessDenied(_(NOT_ON_SERVER))
    return _named_data_folder()


# -- the store as one link sees it ---------------------------------------------------------
ON_BEHALF_ONLY = N_("the facilitator records a party's answer only on its behalf: choose "
                    "'On behalf of …' in 'Answering as' first")
_SHARED_WRITES = frozenset({"set", "update", "add", "remove", "set_action"})
_FACILITATOR_ONLY = frozenset({"create", "add_party", "agree", "archive", "delete",
                               "set_setting", "load_raw", "backup", "add_invite",
                               "revoke_invite", "add_training", "purge_training"})
# what a link other than the facilitator's is told when it tries one of those operations
_FACILITATOR_ONLY_SAID = {
    "create": N_("only the facilitator can create"),
    "add_party": N_("only the facilitator can add party"),
    "agree": N_("only the facilitator can agree"),
    "archive": N_("only the facilitator can archive"),
    "delete": N_("only the facilitator can delete"),
    "set_setting": N_("only the facilitator can set setting"),
    "load_raw": N_("only the facilitator can load raw"),
    "backup": N_("only the facilitator can backup"),
    "add_invite": N_("only the facilitator can add invite"),
    "revoke_invite": N_("only the facilitator can revoke invite"),
    "add_training": N_("only the facilitator can add training"),
    "purge_training": N_("only the facilitator can purge training"),
}


class GuardedStore:
    """A :class:`Store` seen through one link: only what the link allows gets through.

    Every read checks the assessment; every write re-checks the link itself (so revoking it
    takes effect at once), the assessment, the role and the party, and records the party and
    the link in the history. Each operation is spelt out: what is not here does not exist
    through a link.
    """

    def __init__(self, store: Store, key: str) -> None:
        self._store = store
        self._key = key
        self.grant = check_key(store, key, touch=True)
        self.content = store.content
        self.path = store.path

    def _fresh(self) -> Grant:
        self.grant = check_key(self._store, self._key)
        return self.grant

    def _need_assessment(self, aid: str, grant: Grant | None = None) -> None:
        (grant or self.grant).check_opens(aid)

    def _open(self, aid: str) -> None:
        """A read of one assessment: the link, checked afresh, must open it."""
        self._need_assessment(aid, self._fresh())

    def _need_facilitator(self) -> None:
        if not self._fresh().is_facilitator:
            raise AccessDenied(_("only the facilitator's link shows this"))

    # -- reading one assessment
    def exists(self, aid: str) -> bool:
        self._open(aid)
        return self._store.exists(aid)

    def get(self, aid: str) -> Record:
        self._open(aid)
        return self._store.get(aid)

    def summary(self, aid: str, today: dt.date | None = None) -> Summary:
        self._open(aid)
        return self._store.summary(aid, today)

    def status(self, aid: str, today: dt.date | None = None) -> str:
        self._open(aid)
        return self._store.status(aid, today)

    def unit(self, aid: str, path: str) -> tuple[Any, int]:
        self._open(aid)
        return self._store.unit(aid, path)

    def revisions(self, aid: str) -> list[Revision]:
        self._open(aid)
        return self._store.revisions(aid)

    def last_change(self, aid: str) -> int:
        self._open(aid)
        return self._store.last_change(aid)

    def history(self, aid: str) -> list[Change]:
        self._open(aid)
        return self._store.history(aid)

    def verify(self, aid: str) -> Verification:
        self._open(aid)
        return self._store.verify(aid)

    # -- what only the facilitator reads
    def trainings(self) -> list[TrainingRow]:
        self._need_facilitator()
        return self._store.trainings()

    def trainees(self, training_id: str) -> list[TraineeRow]:
        self._need_facilitator()
        return self._store.trainees(training_id)

    def invites(self, aid: str | None = None) -> list[Invite]:
        """Every link for the facilitator; for others, the links of an assessment they may
        open and the facilitator's, without their salted hashes (the history names the
        link of each change by them)."""
        grant = self._fresh()
        if grant.is_facilitator:
            return self._store.invites(aid)
        if aid is None:
            raise AccessDenied(_("only the facilitator sees every link"))
        self._need_assessment(aid, grant)
        return [replace(i, salt="", secret_hash="") for i in self._store.invites(None)
                if i.assessment_id == aid or i.role == "facilitator"]

    # -- the joint sections: a party writes them as itself
    def set(self, aid: str, path: str, value: Any, **kwargs: Any) -> int:
        return self._write("set", self._store.set, (aid, path, value), kwargs)

    def update(self, aid: str, path: str, changes: dict[str, Any], **kwargs: Any) -> int:
        return self._write("update", self._store.update, (aid, path, changes), kwargs)

    def add(self, aid: str, collection: str, value: dict[str, Any], **kwargs: Any) -> str:
        return self._write("add", self._store.add, (aid, collection, value), kwargs)

    def remove(self, aid: str, path: str, **kwargs: Any) -> None:
        return self._write("remove", self._store.remove, (aid, path), kwargs)

    def set_action(self, aid: str, action_id: str, **kwargs: Any) -> None:
        return self._write("set_action", self._store.set_action, (aid, action_id), kwargs)

    # -- the facilitator's operations
    def create(self, title: str, **kwargs: Any) -> str:
        return self._write("create", self._store.create, (title,), kwargs)

    def add_party(self, aid: str, organisation: str, role: str, **kwargs: Any) -> str:
        return self._write("add_party", self._store.add_party, (aid, organisation, role),
                           kwargs)

    def agree(self, aid: str, question_id: str, text: str, **kwargs: Any) -> None:
        return self._write("agree", self._store.agree, (aid, question_id, text), kwargs)

    def archive(self, aid: str, **kwargs: Any) -> None:
        return self._write("archive", self._store.archive, (aid,), kwargs)

    def delete(self, aid: str, **kwargs: Any) -> None:
        return self._write("delete", self._store.delete, (aid,), kwargs)

    def set_setting(self, key: str, value: str) -> None:
        return self._write("set_setting", self._store.set_setting, (key, value), {})

    def load_raw(self, *args: Any, **kwargs: Any) -> None:
        return self._write("load_raw", self._store.load_raw, args, kwargs)

    def backup(self, dest: str | os.PathLike[str]) -> Path:
        return self._write("backup", self._store.backup, (dest,), {})

    def add_invite(self, invite: Invite) -> None:
        return self._write("add_invite", self._store.add_invite, (invite,), {})

    def revoke_invite(self, iid: str) -> None:
        return self._write("revoke_invite", self._store.revoke_invite, (iid,), {})

    def add_training(self, tid: str, title: str, **kwargs: Any) -> None:
        return self._write("add_training", self._store.add_training, (tid, title), kwargs)

    def purge_training(self, training_id: str) -> int:
        return self._write("purge_training", self._store.purge_training, (training_id,), {})

    def ids(self) -> list[str]:
        ids = self._store.ids()
        return ids if self.grant.is_facilitator else [i for i in ids
                                                      if i == self.grant.assessment_id]

    def summaries(self, today: dt.date | None = None) -> list[Summary]:
        return [s for s in self._store.summaries(today) if self.grant.may_open(s.id)]

    # -- a trainee's session
    def _need_training(self, training_id: str) -> Grant:
        grant = self._fresh()
        if not grant.is_facilitator and (grant.role != "trainee" or
                                         training_id != grant.training_id):
            raise AccessDenied(_("this link does not open that training session"))
        return grant

    def training(self, training_id: str) -> TrainingRow | None:
        self._need_training(training_id)
        return self._store.training(training_id)

    def trainee(self, trainee_id: str) -> TraineeRow | None:
        row = self._store.trainee(trainee_id)
        if row is not None:
            self._need_training(row.training_id)
        return row

    def add_trainee(self, training_id: str, trainee_id: str, pseudonym: str) -> None:
        self._need_training(training_id)
        self._store.add_trainee(training_id, trainee_id, pseudonym)

    def training_answers(self, training_id: str, trainee_id: str | None = None
                         ) -> list[TrainingAnswerRow]:
        """A trainee sees only their own answers; the facilitator sees everyone's."""
        grant = self._need_training(training_id)
        if not grant.is_facilitator:
            trainee = self._store.trainee(trainee_id) if trainee_id is not None else None
            if trainee is None or trainee.training_id != training_id:
                raise AccessDenied(_("a trainee sees only their own answers"))
        return self._store.training_answers(training_id, trainee_id)

    def put_training_answer(self, trainee_id: str, exercise_id: str, chosen: list[str],
                            correct: bool, credit: float) -> bool:
        if self.trainee(trainee_id) is None:
            raise AccessDenied(_("unknown trainee for this link"))
        return self._store.put_training_answer(trainee_id, exercise_id, chosen, correct,
                                               credit)

    def data_folder(self) -> Path:
        """The host's data folder, for the facilitator's link only (checked afresh)."""
        if not self._fresh().is_facilitator:
            raise AccessDenied(_(NOT_ON_SERVER))
        return _named_data_folder()

    def setting(self, key: str, default: str | None = None) -> str | None:
        if not self.grant.is_facilitator and key not in SHARED_SETTINGS:
            raise AccessDenied(_("the setting {setting} is not available through this link")
                               .format(setting=repr(key)))
        return self._store.setting(key, default)

    # -- writing
    def _write(self, name: str, method: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
               as_party: tuple[str, str] | None = None) -> Any:
        """Run one write if the link allows it; ``as_party`` is (the party the operation
        names, the refusal, a message marked with ``N_`` whose ``{party}`` is the link's
        party) for the operations a party may do only for itself."""
        grant = self._fresh()
        if grant.read_only:
            raise AccessDenied(_("this link is read-only: it can change nothing"))
        if as_party and not grant.is_facilitator and as_party[0] != grant.party:
            raise AccessDenied(_(as_party[1]).format(party=grant.party))
        if grant.is_facilitator:
            if name in _SHARED_WRITES and name != "set_action":
                self._check_facilitator_path(args, kwargs)
            if "via" in inspect.signature(method).parameters:
                kwargs["via"] = grant.via
            return method(*args, **kwargs)
        if name in _FACILITATOR_ONLY:
            raise AccessDenied(_(_FACILITATOR_ONLY_SAID[name]))
        aid = args[0] if args else kwargs.get("aid", "")
        self._need_assessment(aid, grant)
        if name in _SHARED_WRITES:
            if name != "set_action":
                self._check_path(args, kwargs, grant)
            kwargs["party"] = grant.party
        kwargs["via"] = grant.via
        return method(*args, **kwargs)

    @staticmethod
    def _path(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        return str(args[1] if len(args) > 1 else kwargs.get("path")
                   or kwargs.get("collection", ""))

    @classmethod
    def _check_facilitator_path(cls, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """A party's own answer is written by the party, or visibly on its behalf."""
        parts = cls._path(args, kwargs).split("/")
        if parts[0] == "answers" and len(parts) >= 3 and parts[2] == "parties":
            raise AccessDenied(_(ON_BEHALF_ONLY))

    @classmethod
    def _check_path(cls, args: tuple[Any, ...], kwargs: dict[str, Any], grant: Grant) -> None:
        path = cls._path(args, kwargs)
        parts = path.split("/")
        if parts[0] == "answers" and len(parts) >= 3:
            if parts[2] in ("agreed", "status"):
                raise AccessDenied(_("only the facilitator sets the agreed answer and its "
                                     "status"))
            if parts[2] == "parties" and (len(parts) < 4 or parts[3] != grant.party):
                raise AccessDenied(_("party {party} answers only as itself")
                                   .format(party=grant.party))
        if parts[0] in ("trust", "signoffs", "parties") and (len(parts) < 2 or
                                                            parts[1] != grant.party):
            raise AccessDenied(_("party {party} acts only as itself").format(party=grant.party))

    # the dedicated operations that name a party
    def answer(self, aid: str, question_id: str, party: str, text: str, *,
               on_behalf: bool = False, **kwargs: Any) -> None:
        """A party answers as itself; the facilitator only visibly on a party's behalf."""
        grant = self._fresh()
        if grant.is_facilitator and not on_behalf:
            raise AccessDenied(_(ON_BEHALF_ONLY))
        if on_behalf and not grant.is_facilitator:
            raise AccessDenied(_("only the facilitator records an answer on a party's behalf"))
        write = partial(self._store.answer, on_behalf=on_behalf)
        return self._write("answer", write, (aid, question_id, party, text),
                           kwargs, as_party=(party, N_("party {party} answers only as itself")))

    def agree_trust(self, aid: str, party: str, agreed_by: str, **kwargs: Any) -> None:
        self._need_own_link(party, N_("party {party} agrees to the trust statement only "
                                      "through its own link, never on its behalf"))
        return self._write("agree_trust", self._store.agree_trust, (aid, party, agreed_by),
                           kwargs, as_party=(party, N_("party {party} agrees to the trust "
                                                       "statement only for itself")))

    def sign(self, aid: str, party: str, signatory: str, **kwargs: Any) -> int | None:
        self._need_own_link(party, N_("party {party} signs only through its own link, never "
                                      "on its behalf"))
        return self._write("sign", self._store.sign, (aid, party, signatory), kwargs,
                           as_party=(party, N_("party {party} signs only for itself")))

    def _need_own_link(self, party: str, does: str) -> None:
        """Agreeing to trust and signing are a party's own acts: never on its behalf.
        ``does`` is the refusal, marked with ``N_``, whose ``{party}`` is ``party``."""
        if self._fresh().is_facilitator:
            raise AccessDenied(_(does).format(party=party))

    def update_party(self, aid: str, pid: str, changes: dict[str, Any], **kwargs: Any) -> None:
        return self._write("update_party", self._store.update_party, (aid, pid, changes),
                           kwargs, as_party=(pid, N_("party {party} edits only its own "
                                                     "organisation's details")))


def grant_of(store: WorkbookStore) -> Grant | None:
    """What the page's link grants, or None for the store itself (no link: a notebook in
    JupyterLab, papermill, the command line)."""
    return store.grant if isinstance(store, GuardedStore) else None
