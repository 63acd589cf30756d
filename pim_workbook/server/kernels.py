"""The kernels of a served workbook: refused links, abandoned pages and a cap.

Every page load takes a kernel of its own (about 95 MB). Voila's culler ends a kernel only
after two idle hours, so closed tabs would pile kernels up, and so would requests with a
bogus link if they started one. A link the server refuses (:func:`link_refusal`) gets a
plain page and no kernel (voila_app.py). :class:`WorkbookKernelManager` (Voila's default
manager plus two rules) ends a kernel whose page has not been seen for ``orphan_timeout``
seconds, and refuses new pages past ``max_kernels`` live kernels with a readable "server is
busy" page (HTTP 503).

A page is seen while its connection is open, and while it asks the server about its kernel
(the page template does every 1.5 s, from the moment its first script has arrived): a page
still loading Voila's scripts over a slow link keeps its kernel however long that takes.

Kernels waiting in Voila's preheat pool (``serve --pool-size``) count toward the cap and are
never orphans: no page has asked for them yet. A pool refilled at the cap waits for room
rather than fail, so the pool never empties for good.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from typing import Any
from urllib.parse import parse_qs

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import ApiPath
from tornado import web
from tornado.ioloop import PeriodicCallback
from traitlets import Float, Integer, default
from voila.utils import ENV_VARIABLE

from pim_workbook.access import KEY_PARAM, NO_KEY, check_key
from pim_workbook.errors import AccessDenied
from pim_workbook.i18n import _
from pim_workbook.store.connection import DB_ENV, default_db_path
from pim_workbook.store.core import Store
from pim_workbook.training.practice import remove_all

BUSY = ("The server is busy: too many open pages. Close a workbook tab you no longer use, "
        "or try again in a few minutes.")
_SECRET_PARAMS = re.compile(r"(?<=[?&])(key|token)=[^&\s]*")


class ScrubLinks(logging.Filter):
    """Keeps link keys and Voila's token out of the server's log (Tornado logs the address
    of every failed request, which would otherwise carry a partner's key)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_SECRET_PARAMS.sub(r"\1=[secret]", a) if isinstance(a, str)
                                else a for a in record.args)
        record.msg = _SECRET_PARAMS.sub(r"\1=[secret]", str(record.msg))
        return True


def link_refusal(query_string: str) -> str | None:
    """Why a served page's link is refused, in the active language, or None: no key, one
    that is not valid, revoked or expired, or one for another assessment than the page's
    (the page's own check, made once more by the server before any kernel starts)."""
    query = parse_qs(query_string)
    key = query.get(KEY_PARAM, [""])[0].strip()
    if not key:
        return _(NO_KEY)
    assessment = query.get("assessment", [""])[0].strip()
    with Store() as store:  # the store of $PIM_WORKBOOK_DB, as in the kernels
        try:
            grant = check_key(store, key)
            # a trainee's assessment is their practice copy, which only its page opens
            if assessment and grant.role != "trainee":
                grant.check_opens(assessment)
        except AccessDenied as exc:
            return str(exc)
    return None


class OwnKernelSpecManager(KernelSpecManager):
    """Only this interpreter's kernel: ``python3`` is the ipykernel of the running
    environment, even where another installation registered a ``python3`` of its own
    (whose pages would run that installation's code)."""

    @default("kernel_dirs")
    def _no_kernel_dirs(self) -> list[str]:
        return []


class WorkbookKernelManager(AsyncMappingKernelManager):
    """Voila's kernel manager, with kernels that end when no page needs them any more."""

    orphan_timeout = Float(120.0, min=0.1, config=True, help="Seconds a kernel stays once its "
                           "page is no longer seen (a closed tab, a page never opened in a "
                           "browser); a page still loading asks about its kernel.")
    max_kernels = Integer(40, min=1, config=True, help="Live kernels at most (pooled ones "
                          "included); past it a new page gets a 'server is busy' page.")
    check_interval = Float(10.0, min=0.1, config=True, help="Seconds between looks for "
                           "kernels without a page.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name in ("tornado.access", "tornado.general", "tornado.application"):
            log = logging.getLogger(name)
            if not any(isinstance(f, ScrubLinks) for f in log.filters):
                log.addFilter(ScrubLinks())
        self._seen: dict[str, float] = {}  # kernel → last time a page held it (or its start)
        self._orphan_check: PeriodicCallback | None = None
        self._stopping = False

    def _live(self) -> int:
        return len(set(self._kernels) | set(self._pending_kernels))

    # jupyter_client types its synchronous start_kernel; jupyter_server's own asynchronous
    # managers override it with a coroutine the same way
    async def start_kernel(self, *, kernel_id: str | None = None,  # type: ignore[override]
                           path: ApiPath | None = None, **kwargs: Any) -> str:
        """Start a page's kernel unless the cap is reached (a pool's kernel waits for room);
        watch it if its link is refused."""
        env = kwargs.get("env") or {}
        pooled = env.get(ENV_VARIABLE.VOILA_PREHEAT) == "True"
        if kernel_id is None or kernel_id not in self:
            if pooled and self._live() >= self.max_kernels:
                self.log.info("Preheated kernel waits: %d live (max_kernels)", self._live())
            while pooled and self._live() >= self.max_kernels and not self._stopping:
                await asyncio.sleep(self.check_interval)
            if self._live() >= self.max_kernels or self._stopping:
                self.log.warning("Refusing a new kernel: %d live (max_kernels)", self._live())
                raise web.HTTPError(503, reason=BUSY)  # the page's words, kept out of logs
        kernel_id = await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        self._seen.setdefault(kernel_id, time.monotonic())
        if self._orphan_check is None:
            self._orphan_check = PeriodicCallback(self.end_orphans, 1000 * self.check_interval)
            self._orphan_check.start()
        return kernel_id

    async def _end(self, kernel_id: str, why: str) -> None:
        self.log.info("Ending kernel %s: %s", kernel_id, why)
        try:
            await self.shutdown_kernel(kernel_id)
        except Exception:  # gone meanwhile, or it would not stop: the next check tries again
            self.log.exception("Could not end kernel %s", kernel_id)

    def kernel_model(self, kernel_id: str) -> dict[str, Any]:
        """What ``GET /api/kernels/<id>`` answers; a page asking is a page alive."""
        model: dict[str, Any] = super().kernel_model(kernel_id)
        self._seen[kernel_id] = time.monotonic()
        return model

    def notify_connect(self, kernel_id: str) -> None:
        """A page connected: the orphan clock starts again from now."""
        super().notify_connect(kernel_id)
        self._seen[kernel_id] = time.monotonic()

    def notify_disconnect(self, kernel_id: str) -> None:
        """A page went away: without another one, the kernel is an orphan from now."""
        super().notify_disconnect(kernel_id)
        self._seen[kernel_id] = time.monotonic()

    async def shutdown_all(self, now: bool = False) -> None:  # type: ignore[override]
        """The server stops: end every kernel, then remove the trainees' practice copies,
        which live only as long as the server that made them."""
        self._stopping = True  # a pool's kernel waiting for room starts no more
        await super().shutdown_all(now=now)
        remove_all(os.environ.get(DB_ENV) or default_db_path())

    def pooled(self) -> set[str]:
        """Kernels waiting in Voila's preheat pool (``VoilaKernelManager._pools``: tasks
        whose result names the kernel), which no page has taken yet."""
        return {task.result()["kernel_id"] for pool in getattr(self, "_pools", {}).values()
                for task in pool
                if task.done() and not task.cancelled() and task.exception() is None}

    def ready_in_pool(self, notebook: str) -> bool:
        """Whether the next kernel of ``notebook``'s pool is started and alive, so that a page
        taking it need not wait for a kernel. One that failed or ended is replaced."""
        pool = getattr(self, "_pools", {}).get(notebook) or []
        if not pool or not pool[0].done():
            return False
        first = pool[0]
        if not first.cancelled() and first.exception() is None \
                and first.result()["kernel_id"] in self:
            return True
        pool.pop(0)
        self.log.warning("Replacing a preheated kernel of %s that failed or ended", notebook)
        refill = getattr(self, "fill_if_needed", None)  # VoilaKernelManager's
        if refill is not None:
            refill(notebook_name=notebook)
        return False

    async def end_orphans(self) -> None:
        """End the kernels whose page has not been seen for ``orphan_timeout`` seconds."""
        now = time.monotonic()
        pooled = self.pooled()
        for kernel_id in list(self._kernels):
            kernel = self._kernels.get(kernel_id)  # one ended while another was ending
            if kernel is None:
                continue
            if (kernel_id in pooled or self._kernel_connections.get(kernel_id, 0) > 0
                    or getattr(kernel, "execution_state", "") in ("starting", "busy")):
                self._seen[kernel_id] = now  # held, waiting for a page, or rendering one
                continue
            # a page the kernel rendered a moment ago may still be on its way to the browser
            last = getattr(kernel, "last_activity", None)
            quiet = (utcnow() - last).total_seconds() if last else self.orphan_timeout
            if min(now - self._seen.setdefault(kernel_id, now), quiet) > self.orphan_timeout:
                await self._end(kernel_id, f"no page connected for {self.orphan_timeout:g} s")
        for gone in set(self._seen) - set(self._kernels) - set(self._pending_kernels):
            del self._seen[gone]
