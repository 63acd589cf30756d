"""Voila as the workbook serves it: compressed responses, static files cached for good.

Voila 0.5 sends its 5 MB of JavaScript uncompressed, and asks the browser to check every
file again on each page (about 90 requests on a second page); on a slow link that is most
of the wait. :class:`WorkbookVoila` is Voila with three changes:

* Tornado's gzip for every compressible response, and per-message deflate on the kernel's
  WebSocket (widget state is verbose JSON). ``--Voila.tornado_settings`` cannot switch the
  gzip on: Voila applies it after the Tornado application exists, and Tornado reads
  ``compress_response`` only when the application is made.
* A year's ``Cache-Control: immutable`` for files whose address changes with their content:
  a ``?v=`` hash, a content hash in the file name (lab extensions, fonts), or Voila's own
  scripts under ``/voila/static/v-<digest>/``, a digest of the files served there. Those
  scripts load each other by bare names (``4371.voila.js``), so their folder carries the
  version: the page's ``fullStaticUrl`` points there. Anything else keeps Voila's headers.
* ``jupyterlab_pygments`` (code highlighting) is not loaded: pages show no code.

With ``serve --pool-size N``, Voila keeps N kernels per notebook that have run their
notebook up to ``wait_for_page()`` (imports and content loaded) and wait there for a page's
request. :class:`WorkbookPage` answers a link the server refuses with a plain "Link not
valid" page and starts no kernel for it, so bogus links neither drain the pool nor cost a
kernel; every page that does start still runs its own access check on its own query.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.utils import url_path_join
from tornado import web
from voila import __version__ as voila_version
from voila.app import Voila
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from pim_workbook.access import links_required
from pim_workbook.app.gate import refusal
from pim_workbook.i18n import _, direction, known, use_language
from pim_workbook.server.kernels import link_refusal

YEAR_S = 365 * 24 * 3600
_HASHED_NAME = re.compile(r"(?:^|[._-])[0-9a-f]{16,}(?:[._-]|$)")  # 84.09c61a35dce1705f.js


def static_version(folders: list[str]) -> str:
    """A digest of every file under ``folders`` (name, size, time) and of Voila's version:
    it changes whenever a file Voila serves under ``/voila/static/`` could have."""
    digest = hashlib.sha256(voila_version.encode())
    for folder in folders:
        root = Path(folder)
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                stat = path.stat()
                digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0"
                              f"{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


class _Immutable(web.StaticFileHandler):
    """A static file handler that lets browsers keep versioned files for a year, unasked."""

    def set_headers(self) -> None:
        super().set_headers()
        if self.versioned():
            self.set_header("Cache-Control", f"public, max-age={YEAR_S}, immutable")
            self.clear_header("Expires")

    def versioned(self) -> bool:
        """Whether the file's address changes with its content."""
        return "v" in self.request.arguments or bool(
            _HASHED_NAME.search(os.path.basename(self.path or "")))


class TemplateFiles(_Immutable, TemplateStaticFileHandler):
    """``/voila/templates/<template>/static/``: CSS and scripts with ``?v=``, hashed fonts."""


class LabExtensionFiles(_Immutable, FileFindHandler):
    """``/voila/labextensions/``: webpack chunks named by their content hash (jupyter_server
    marks them all ``no-cache``)."""


class VersionedStaticFiles(_Immutable, MultiStaticFileHandler):
    """``/voila/static/v-<digest>/``: Voila's scripts, in a folder named for this version."""

    def versioned(self) -> bool:
        return True


class WorkbookPage(TornadoVoilaHandler):
    """Voila's page handler: a link the server refuses gets a plain page and no kernel; an
    accepted one a preheated kernel when one is started (else a kernel of its own)."""

    @web.authenticated
    async def get(self, path: str | None = None) -> None:
        if links_required():
            lang = self.get_query_argument("lang", "")
            with use_language(lang if known(lang) else "en") as spoken:
                # no await inside: the language is the process's while the message is made
                reason = link_refusal(self.request.query)
                if reason is not None:
                    self.refuse(reason, spoken)
                    return
        self.preheated = bool(path) and bool(self.kernel_manager.ready_in_pool(path))
        await super().get(path)

    def refuse(self, reason: str, language: str) -> None:
        """A whole page saying why the link is refused, without Voila's scripts or a kernel."""
        self.set_status(403)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(f'<!DOCTYPE html><html lang="{language}" dir="{direction(language)}">'
                    '<head><meta charset="utf-8"><meta name="viewport" '
                    'content="width=device-width, initial-scale=1">'
                    f"<title>{escape(_('Link not valid'))}</title></head>"
                    f"<body><main>{refusal(reason)}</main></body></html>")

    def should_use_rendered_notebook(self, *args: Any) -> bool:
        return self.preheated and bool(super().should_use_rendered_notebook(*args))


class WorkbookVoila(Voila):
    """Voila with compressed responses and versioned, long-cached static files."""

    def initialize(self, argv: list[str] | None = None) -> None:
        super().initialize(argv)
        self.static_digest = static_version(self.static_paths)
        self.voila_configuration.page_config_hook = _versioned_static(
            self.static_digest, self.voila_configuration.page_config_hook)
        self.voila_configuration.extension_denylist = [
            *self.voila_configuration.extension_denylist, "jupyterlab_pygments"]

    def init_settings(self) -> dict[str, Any]:
        return {**super().init_settings(), "compress_response": True,
                "websocket_compression_options": {}}

    def init_handlers(self) -> list[Any]:
        swap = {TemplateStaticFileHandler: TemplateFiles, FileFindHandler: LabExtensionFiles,
                TornadoVoilaHandler: WorkbookPage}
        handlers = [(route[0], swap.get(route[1], route[1]), *route[2:])
                    for route in super().init_handlers()]
        versioned = (url_path_join(self.server_url, rf"/voila/static/v-{self.static_digest}/(.*)"),
                     VersionedStaticFiles, {"paths": self.static_paths})
        return [versioned, *handlers]  # before Voila's own /voila/static/(.*)


def _versioned_static(digest: str, configured: Callable[..., dict[str, Any]] | None
                      ) -> Callable[..., dict[str, Any]]:
    """A page-config hook that points a page's scripts at the versioned static folder (after
    any hook configured)."""

    def hook(page_config: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if configured is not None:
            page_config = configured(page_config, **kwargs)
        page_config["fullStaticUrl"] = url_path_join(kwargs["base_url"],
                                                     f"voila/static/v-{digest}")
        return page_config

    return hook


main = WorkbookVoila.launch_instance

if __name__ == "__main__":
    main()
