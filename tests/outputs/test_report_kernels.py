"""A batch's reports share one kernel per process, and no kernel outlives its batch."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from pim_workbook.outputs import kernels
from pim_workbook.outputs.jsonfile import import_json
from pim_workbook.outputs.reports import run_batch
from pim_workbook.sample.assessment import build_sample
from pim_workbook.store.core import Store

pytestmark = pytest.mark.slow


@pytest.fixture
def pid_notebook(tmp_path: Path) -> Path:
    """A notebook that prints its kernel's process id, or fails when told to."""
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("fail = False")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell(
        "import os\nassert not fail, 'told to fail'\nprint(os.getpid())")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "pid.ipynb"
    nbformat.write(nb, path)
    return path


def _kernel_pid(source: Path, target: Path, *, reuse: bool = True, fail: bool = False) -> int:
    kernels.run_notebook(source, target, {"fail": fail}, reuse=reuse)
    return int(nbformat.read(target, as_version=4).cells[-1].outputs[0].text)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be read


def _alive(pid: int) -> bool:
    deadline = time.monotonic() + 10  # a kernel told to stop may take a moment
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _running(pid)


def test_reports_share_the_kept_kernel_until_it_is_closed(pid_notebook, tmp_path):
    with kernels.kept_kernel():
        first = _kernel_pid(pid_notebook, tmp_path / "1.ipynb")
        second = _kernel_pid(pid_notebook, tmp_path / "2.ipynb")
        assert first == second
        for name in ("1.ipynb", "2.ipynb"):  # each reads as a run in a fresh kernel
            executed = nbformat.read(tmp_path / name, as_version=4)
            assert [c.execution_count for c in executed.cells] == [1, 2, 3], name
        own = _kernel_pid(pid_notebook, tmp_path / "3.ipynb", reuse=False)
        assert own != first and not _alive(own)
    assert not _alive(first)


def test_a_failed_report_takes_its_kernel_with_it(pid_notebook, tmp_path):
    from papermill.exceptions import PapermillExecutionError

    with kernels.kept_kernel():
        first = _kernel_pid(pid_notebook, tmp_path / "1.ipynb")
        with pytest.raises(PapermillExecutionError, match="told to fail"):
            _kernel_pid(pid_notebook, tmp_path / "2.ipynb", fail=True)
        assert not _alive(first)
        assert _kernel_pid(pid_notebook, tmp_path / "3.ipynb") != first


def test_a_kernel_is_replaced_after_its_reuse_limit(pid_notebook, tmp_path, monkeypatch):
    monkeypatch.setattr(kernels, "REUSE_LIMIT", 2)
    with kernels.kept_kernel():
        pids = [_kernel_pid(pid_notebook, tmp_path / f"{n}.ipynb") for n in range(3)]
    assert pids[0] == pids[1] != pids[2]
    assert not any(_alive(pid) for pid in pids)


def _kernels_in(folder: Path) -> list[int]:
    """Kernel processes whose connection file is in ``folder``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if b"ipykernel" in command and str(folder).encode() in command:
            found.append(int(proc.name))
    return found


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_batch_leaves_no_kernel_behind(jobs, tmp_path, monkeypatch, content,
                                         sample_export):
    db = tmp_path / "r.sqlite"
    with Store(db, content=content) as store:
        import_json(store, sample_export, actor="tests")
        for n in range(2):
            build_sample(store, aid=f"copy{n}")
    runtime = tmp_path / "runtime"  # the batch's kernels put their connection files here
    runtime.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(runtime))  # workers are forked with it
    results = run_batch(["sample", "copy0", "copy1"], jobs=jobs, progress=False, db_path=db,
                        out_dir=tmp_path / "out", formats=["html"])
    assert [r.status for r in results] == ["ok"] * 3, [r.error for r in results]
    html = {r.aid: next(p for p in r.files if p.suffix == ".html").read_text(encoding="utf-8")
            for r in results}
    for aid, page in html.items():  # each report shows its own assessment, not the last one's
        assert f"record of assessment {aid}," in page, aid
    assert len(list((tmp_path / "out" / "audit").glob("*.ipynb"))) == 3
    deadline = time.monotonic() + 15
    while _kernels_in(runtime) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _kernels_in(runtime) == [], f"kernels left by a batch of {jobs} job(s)"
    assert not list(runtime.glob("*.json"))  # shut down, not left to die


def test_a_kernel_that_died_between_reports_is_replaced(pid_notebook, tmp_path):
    import signal

    with kernels.kept_kernel():
        first = _kernel_pid(pid_notebook, tmp_path / "1.ipynb")
        os.kill(first, signal.SIGKILL)
        assert not _alive(first)
        time.sleep(0.5)  # "between reports": its parent may learn of the death a moment later
        assert _kernel_pid(pid_notebook, tmp_path / "2.ipynb") != first
