"""Serving the workbook notebooks with Voila: safe defaults, one store for every kernel."""

from __future__ import annotations

import errno
import ipaddress
import os
import re
import secrets
import socket
import sys
from pathlib import Path

from pim_workbook.access import (
    BASE_URL_SETTING,
    DEFAULT_PORT,
    REQUIRE_ENV,
    TOKEN_SETTING,
    create_invite,
    invites,
    link,
    revoke,
)
from pim_workbook.errors import StoreError
from pim_workbook.outputs.filenames import EXPORTS_ENV
from pim_workbook.resources import notebooks_dir
from pim_workbook.sdc.datafolder import DATA_DIR_ENV
from pim_workbook.store.connection import DB_ENV
from pim_workbook.store.protocol import WorkbookStore
from pim_workbook.training.practice import SERVER_ENV, remove_all

TEMPLATES = Path(__file__).resolve().parents[1] / "share" / "jupyter"  # the "pim" Voila template
SERVE_ACTOR = "pim-workbook serve"
LANDING = "index.ipynb"
CULL_INTERVAL_S = 60
CULL_IDLE_S = 2 * 60 * 60
DEAD_CHECK_S = 1.5  # how often the server looks whether a kernel process died
KERNEL_MANAGER = "WorkbookKernelManager"  # pim_workbook/server/kernels.py
VOILA = "pim_workbook.server.voila_app"  # Voila, compressed and long-cached
POOL_SIZE = 1  # preheated kernels kept waiting per notebook
MAX_KERNELS = 40  # the default of WorkbookKernelManager.max_kernels
# runs once per report, never served to a person; Voila matches the notebook's absolute path
NOT_PREHEATED = r"(.*/)?report\.ipynb$"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_port_free(host: str, port: int) -> None:
    """Refuse a port another server listens on, before any link is issued for it: Voila
    would fail to start, and the running server's facilitator link would be revoked."""
    if not 0 < port < 65536:
        raise StoreError(f"--port {port} is not a port number: give one from 1 to 65535")
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                       flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise StoreError(f"--host {host}: {exc.strerror}") from None
    errors = []
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Tornado binds
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise StoreError(f"port {port} on {host} is already in use (another "
                                     "`pim-workbook serve`?): stop it or pick another "
                                     "--port") from None
                errors.append(exc.strerror)  # "localhost" without IPv6: IPv4 may do
    if len(errors) == len(addresses):
        raise StoreError(f"cannot listen on {host}:{port} ({errors[0]}): check --host")


def serve_command(store: WorkbookStore, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                  notebooks: str | None = None, use_token: bool = True,
                  allow_remote: bool = False, content: str | None = None,
                  orphan_timeout: float | None = None, max_kernels: int | None = None,
                  data_dir: str | None = None, pool_size: int | None = None,
                  public_url: str | None = None) -> tuple[list[str], dict[str, str], str]:
    """The Voila command line, its environment and the URL to open.

    Voila is this interpreter's own (``python -m pim_workbook.server.voila_app``: Voila
    with compressed, long-cached responses) and so are its kernels (the ipykernel of this
    environment, whatever kernel specs other installations left), so pages never run
    another installation's code. ``orphan_timeout`` and ``max_kernels``
    override the defaults of :class:`pim_workbook.server.kernels.WorkbookKernelManager`.
    ``data_dir`` (else ``$PIM_WORKBOOK_DATA_DIR``) is the only folder of server files a page
    may read, and only through the facilitator's link (see datafolder.py). ``pool_size``
    (default :data:`POOL_SIZE`) kernels per notebook, the report's aside, are kept preheated
    so that pages open at once; they count toward ``max_kernels`` and must leave room under
    it for pages.

    Several servers may share one store (PostgreSQL, behind one proxy): each keeps its own
    facilitator link and practice copies (named for its host and port), and ``public_url``
    is the one address partners reach, which ``invite`` writes into links.
    """
    folder = Path(notebooks).resolve() if notebooks else notebooks_dir()
    if not (folder / LANDING).is_file():
        raise StoreError(f"no workbook notebooks in {folder} (expected {LANDING}); "
                         "pass --notebooks DIR")
    if not _is_loopback(host) and not allow_remote:
        raise StoreError(f"refusing to serve on {host}: partners' data would be reachable "
                         "from the network. Put a TLS reverse proxy in front and pass "
                         "--allow-remote if that is what you want")
    if not _is_loopback(host) and not use_token:
        raise StoreError("a non-loopback server needs Voila's token: drop --no-token")
    if orphan_timeout is not None and orphan_timeout <= 0:
        raise StoreError(f"--orphan-timeout {orphan_timeout:g}: give a number of seconds "
                         "above 0")
    if max_kernels is not None and max_kernels < 1:
        raise StoreError(f"--max-kernels {max_kernels}: give at least 1")
    pool_size = POOL_SIZE if pool_size is None else pool_size
    if pool_size < 0:
        raise StoreError(f"--pool-size {pool_size}: give 0 (no preheated kernels) or more")
    if public_url is not None and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?",
                                                   public_url):
        raise StoreError(f"--public-url {public_url}: give the address partners open, "
                         "e.g. https://workbook.example.org")
    preheated = [p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
                 and not re.match(NOT_PREHEATED, p.relative_to(folder).as_posix())]
    cap = max_kernels or MAX_KERNELS
    if pool_size * len(preheated) >= cap:
        raise StoreError(f"--pool-size {pool_size} keeps {pool_size * len(preheated)} kernels "
                         f"waiting ({len(preheated)} notebooks), leaving no room under "
                         f"--max-kernels {cap}: lower --pool-size or raise --max-kernels")
    named = data_dir or os.environ.get(DATA_DIR_ENV, "").strip()
    option = "--data-dir" if data_dir else f"${DATA_DIR_ENV}"
    if named and not Path(named).expanduser().is_dir():
        raise StoreError(f"{option} {named}: no such folder; create it and put the tables "
                         "to check in it")
    check_port_free(host, port)
    argv = [
        sys.executable, "-m", VOILA, str(folder), "--no-browser", f"--port={port}",
        "--Voila.port_retries=0", f"--Voila.ip={host}",
        "--show_tracebacks=False", "--strip_sources=True", "--template=pim",
        "--VoilaConfiguration.allow_template_override=NO",  # no ?template= around the guard
        "--VoilaConfiguration.allow_theme_override=NO",
        # a crashed kernel is not restarted under the same id: a new kernel would hold no
        # page, so the kernel ends and the page says so (see the pim template)
        "--KernelRestarter.restart_limit=0", f"--KernelRestarter.time_to_dead={DEAD_CHECK_S}",
        "--VoilaConfiguration.kernel_spec_manager_class="
        "pim_workbook.server.kernels.OwnKernelSpecManager",
        f"--VoilaConfiguration.multi_kernel_manager_class=pim_workbook.server.kernels.{KERNEL_MANAGER}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_S}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_S}",
        "--MappingKernelManager.cull_connected=True",  # an open but idle page too
    ]
    if orphan_timeout is not None:
        argv.append(f"--{KERNEL_MANAGER}.orphan_timeout={orphan_timeout:g}")
    if max_kernels is not None:
        argv.append(f"--{KERNEL_MANAGER}.max_kernels={max_kernels}")
    if pool_size:
        argv += ["--VoilaConfiguration.preheat_kernel=True",
                 f"--VoilaConfiguration.default_pool_size={pool_size}",
                 f"--VoilaKernelManager.preheat_denylist={NOT_PREHEATED}"]
    token = ""
    if use_token:
        token = store.setting(TOKEN_SETTING) or ""
        if not token:
            token = secrets.token_urlsafe(24)
            store.set_setting(TOKEN_SETTING, token)
        argv.append(f"--token={token}")
    else:
        argv.append("--token=")
    env = dict(os.environ)
    env[DB_ENV] = str(store.path)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(TEMPLATES),
                                                        env.get("JUPYTER_PATH")]))
    env[EXPORTS_ENV] = env.get(EXPORTS_ENV) or str(
        (Path.cwd() / "exports").resolve())
    if content:
        env["PIM_WORKBOOK_CONTENT"] = str(Path(content).resolve())
    if named:
        env[DATA_DIR_ENV] = str(Path(named).expanduser().resolve())
    # where a preheated kernel asks Voila for its page's request (Voila assumes 127.0.0.1)
    env["VOILA_APP_IP"] = "127.0.0.1" if host in ("0.0.0.0", "::") else \
        f"[{host}]" if ":" in host else host
    env[REQUIRE_ENV] = "1"  # every served page needs a link (see access.py)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    server = f"{shown}:{port}"
    env[SERVER_ENV] = server
    remove_all(store.path, server)  # practice copies this server left when it was killed
    base = f"http://{shown}:{port}"
    store.set_setting(BASE_URL_SETTING, public_url.rstrip("/") if public_url else base)
    url = link(base, facilitator_key(store, server), token=token if use_token else None)
    return argv, env, url


def facilitator_key(store: WorkbookStore, server: str) -> str:
    """A new facilitator link for this run of the server at ``server`` (host:port); the
    link of its previous run ends, other servers' links stay."""
    actor = f"{SERVE_ACTOR} {server}"
    for invite in invites(store):
        if invite.role == "facilitator" and invite.created_by in (actor, SERVE_ACTOR) \
                and invite.state() == "active":
            revoke(store, invite.id)
    _, key = create_invite(store, role="facilitator", actor=actor)
    return key
