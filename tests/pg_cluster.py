"""A throw-away PostgreSQL cluster for the tests that run on both stores.

Each test session starts one (an xdist worker is a session of its own) the first time a
test asks for a PostgreSQL store, in a folder of its own under the system's temporary
folder, owned by the ``postgres`` user when the tests run as root (PostgreSQL refuses to run
as root): ``initdb`` with trust authentication for local connections, ``pg_ctl start`` on
a free high port with its socket in that folder, and no durability (``fsync=off``): the
data lives as long as the session, which stops the cluster and removes the folder.

Without PostgreSQL's programs or psycopg the PostgreSQL tests fail, saying how to install
them: they are never skipped.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

INSTALL = "run scripts/install-test-deps.sh"
PASSWORD = "pw-never-shown"  # in every test address; trust authentication ignores it


def _bin_dir() -> Path | None:
    """The folder of PostgreSQL's server programs: on PATH, else Debian's newest."""
    found = shutil.which("initdb")
    if found:  # the programs' own folder, not that of a link to one of them
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                      else 0)
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster: its folder, port, and the programs that control it."""

    folder: Path
    port: int
    bin_dir: Path

    def run(self, *argv: str) -> None:
        """A PostgreSQL program, as the ``postgres`` user when the tests run as root."""
        command = [str(self.bin_dir / argv[0]), *argv[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def address(self, database: str, *, password: bool = True) -> str:
        """A store address of one database, over TCP on the loopback (with a password
        that trust authentication ignores, so that messages can be checked for it)."""
        secret = f":{PASSWORD}" if password else ""
        return f"postgresql://postgres{secret}@127.0.0.1:{self.port}/{database}"

    @classmethod
    def start(cls) -> Cluster:
        """A new cluster, running; RuntimeError (one line) if it cannot be."""
        if importlib.util.find_spec("psycopg") is None:
            raise RuntimeError(f"psycopg is not installed: {INSTALL}")
        bin_dir = _bin_dir()
        if bin_dir is None:
            raise RuntimeError(f"PostgreSQL is not installed: {INSTALL}")
        folder = Path(tempfile.mkdtemp(prefix="pim-workbook-pg-"))
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(folder, user.pw_uid, user.pw_gid)
        cluster = cls(folder, _free_port(), bin_dir)
        try:
            cluster.run("initdb", "-D", str(folder / "data"), "-A", "trust", "-U", "postgres",
                        "-E", "UTF8", "--no-locale", "--no-sync")
            cluster.run("pg_ctl", "-D", str(folder / "data"), "-l", str(folder / "log"),
                        "-w", "-o", f"-p {cluster.port} -k {folder} -h 127.0.0.1 "
                        "-c fsync=off -c full_page_writes=off -c synchronous_commit=off",
                        "start")
        except (subprocess.CalledProcessError, OSError) as exc:
            shutil.rmtree(folder, ignore_errors=True)
            detail = exc.stderr.strip() if isinstance(exc, subprocess.CalledProcessError) \
                else str(exc)
            raise RuntimeError(f"PostgreSQL did not start ({detail}): {INSTALL}") from None
        return cluster

    def stop(self) -> None:
        try:
            self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w",
                     "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self, name: str) -> str:
        """A new database of the cluster; returns its address."""
        import psycopg

        with psycopg.connect(self.address("postgres"), autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')
        return self.address(name)

    def empty(self, name: str) -> None:
        """Make a database as new: end its other connections, drop its tables."""
        import psycopg

        with psycopg.connect(self.address(name), autocommit=True) as db:
            db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            db.execute("DROP SCHEMA public CASCADE")
            db.execute("CREATE SCHEMA public")
