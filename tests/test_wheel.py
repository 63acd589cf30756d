"""A real package: the wheel built from the sdist installs into a fresh environment, and from
an empty folder a new user makes the sample, serves it and reports on it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed (dependencies from this one)."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(work / "dist"), str(ROOT)],
                   check=True, capture_output=True)
    assert len(list((work / "dist").glob("*.tar.gz"))) == 1
    wheel = next((work / "dist").glob("*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
                    "--disable-pip-version-check", str(wheel)], check=True)
    return venv


def test_a_new_user_serves_and_reports_from_an_empty_folder(installed, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    # the dependencies come from this environment (--system-site-packages): so do the data
    # files they install outside site-packages, such as Voila's own templates
    env = {**os.environ, "PIM_WORKBOOK_DB": str(folder / "w.sqlite"),
           "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}
    env.pop("PIM_WORKBOOK_EXPORTS", None)
    python, cli = str(installed / "bin" / "python"), str(installed / "bin" / "pim-workbook")

    def run(*args: str) -> str:
        return subprocess.run(args, cwd=folder, env=env, check=True, capture_output=True,
                              text=True).stdout

    where = run(python, "-c", "import pim_workbook.resources as r; print(r.__file__); "
                "print(r.notebooks_dir())").split()
    assert all(Path(p).is_relative_to(installed) for p in where)  # the wheel, not the checkout
    assert run(cli, "--version").strip() == "pim-workbook 0.1.0"
    run(cli, "sample")

    port = _free_port()
    log = folder / "serve.log"  # a file, not a pipe: nobody reads the server's log
    with log.open("w") as out:
        server = subprocess.Popen([cli, "serve", "--port", str(port)], cwd=folder, env=env,
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not (found := re.search(r"(http://\S+)", log.read_text())):
            assert time.monotonic() < deadline and server.poll() is None, log.read_text()
            time.sleep(0.2)
        url = found.group(1)
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url.replace("index.ipynb", "04-step1.ipynb")
                                            + "&assessment=sample", timeout=60) as page:
                    html = page.read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline and server.poll() is None, log.read_text()
                time.sleep(0.5)
        assert "application/vnd.jupyter.widget-view+json" in html  # the page's widgets
        assert "Link not valid" not in html and "Traceback" not in html
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    run(cli, "report", "sample", "--format", "html,docx")
    written = {p.suffix for p in (folder / "exports").glob("sample-*-report.*")}
    assert written == {".html", ".docx"}
