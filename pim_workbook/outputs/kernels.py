"""The kernels that run report notebooks: one per process, reused by a batch's reports.

A kernel's start and its imports (pandas, matplotlib, the workbook) cost more than running a
report in it, so a batch keeps one kernel per process and papermill runs report after report
in it. Every report is still its own papermill run with its own executed notebook (kept for
audit); the report notebook only displays what its parameters name, so nothing one report
leaves in the kernel changes the next. A kernel is replaced after :data:`REUSE_LIMIT`
reports, bounding its memory, after any report that fails, so a failure never reaches the
next report, and when it died between two reports. ``reuse=False`` gives every report a
kernel of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

REUSE_LIMIT = 20
# the kernel is local and short-lived: keep its start-up notices out of the output
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


class _Kept:
    """A kernel manager kept between reports, and the clients papermill opened on it."""

    def __init__(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        kept = self

        class Manager(AsyncKernelManager):
            def client(self, **kwargs: Any) -> Any:  # an AsyncKernelClient
                client = super().client(**kwargs)
                kept.clients.append(client)
                return client

        self.manager: AsyncKernelManager = Manager(kernel_name="python3")
        self.clients: list[AsyncKernelClient] = []
        self.runs = 0

    def close_clients(self) -> None:
        """papermill leaves the client of a kernel it does not own open: close it."""
        for client in self.clients:
            client.stop_channels()
        self.clients.clear()

    def forget(self) -> None:
        """Empty the kernel's namespace and count its cells from 1 again, so that the next
        report's executed notebook reads as one run in a kernel of its own."""
        from jupyter_core.utils import run_sync

        run_sync(self._reset)()

    async def _reset(self) -> None:
        client = self.manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            await client.execute_interactive("get_ipython().reset(new_session=True)",
                                             silent=True, store_history=False, timeout=60)
        finally:
            self.close_clients()

    def alive(self) -> bool:
        """False once a kernel it started has died (never started: alive, to come)."""
        from jupyter_core.utils import run_sync

        return not self.manager.has_kernel or run_sync(self.manager.is_alive)()

    def shutdown(self) -> None:
        """Close the clients, then end the kernel at once: nothing is left to run in it."""
        from jupyter_core.utils import run_sync

        self.close_clients()
        if self.manager.has_kernel:
            run_sync(self.manager.shutdown_kernel)(now=True)


_kept: _Kept | None = None


def run_notebook(source: Path, target: Path, parameters: dict[str, Any], *,
                 reuse: bool = True) -> None:
    """Run ``source`` with ``parameters`` through papermill into ``target``, in this
    process's kept kernel (``reuse``) or in a kernel of its own."""
    import papermill

    options: dict[str, Any] = {}
    if reuse:
        options["km"] = _kernel().manager
    try:
        papermill.execute_notebook(
            str(source), str(target), kernel_name="python3", progress_bar=False,
            parameters=parameters, cwd=str(source.parent),
            extra_arguments=KERNEL_ARGUMENTS, **options)
    except BaseException:
        if reuse:
            close()  # whatever went wrong stays with this report
        raise
    if reuse:
        assert _kept is not None
        _kept.close_clients()
        _kept.runs += 1
        if _kept.runs >= REUSE_LIMIT:
            close()
        else:
            _kept.forget()


def close() -> None:
    """Shut down this process's kept kernel, if it has one."""
    global _kept
    kept, _kept = _kept, None
    if kept is not None:
        kept.shutdown()


@contextmanager
def kept_kernel() -> Iterator[None]:
    """Reports run in this block share this process's kernel, shut down at its end."""
    try:
        yield
    finally:
        close()


def in_worker() -> None:
    """A batch's worker process: its kernel ends with it (multiprocessing runs this
    finalizer as a worker exits, where atexit handlers never run)."""
    from multiprocessing.util import Finalize

    Finalize(None, close, exitpriority=10)


def _kernel() -> _Kept:
    """This process's kept kernel; a new one if it has none, or if its kernel died."""
    global _kept
    if _kept is not None and not _kept.alive():
        close()
    if _kept is None:
        _kept = _Kept()
    return _kept
