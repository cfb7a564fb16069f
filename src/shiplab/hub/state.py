"""The state folder: everything the hub and its services write at run time (git-ignored).

Layout: ``jupyterhub.sqlite``, ``jupyterhub_cookie_secret``, ``roster.json``, ``secrets/`` (0700: service tokens,
generated once), ``homes/`` (developer mode), ``courses/`` and ``exchange/`` (nbgrader), ``logs/``, and one folder
per service: ``tracker/``, ``gateway/``, ``grading/``. The folder itself is 0711 so participants' accounts can reach
the exchange inside it but cannot list it.

Nothing else in it is anyone's but the hub's: every file the hub or a service keeps here is 0600 and every service
folder 0700 (the services run as the hub's account). SQLite gives a database's ``-wal`` and ``-shm`` files the mode
of the database file, so the hub's database is created empty with 0600 before the hub first opens it
(:func:`ensure_private_sqlite`, when the hub's database is SQLite in here). Only
``courses/`` (0711: the grader account reaches its own 0700 course folder), ``exchange/`` (nbgrader's modes, see
:mod:`shiplab.course.exchange`) and ``homes/`` are meant for other accounts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_NAMES = ("demo-admin-password",)
PRIVATE_FOLDERS = ("secrets", "logs", "tracker", "gateway", "grading")  # the hub's and its services' own
PRIVATE_FILES = ("jupyterhub.sqlite", "jupyterhub.sqlite-wal", "jupyterhub.sqlite-shm", "jupyterhub_cookie_secret",
                 "roster.json", "jupyterhub.pid")


def ensure_state(state: Path) -> Path:
    """Create the state folder and its private parts, and take back any read access others have to them; safe to
    run every time."""
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o711)
    for sub in PRIVATE_FOLDERS:
        d = state / sub
        d.mkdir(exist_ok=True)
        _make_private(d)
    d = state / "homes"
    d.mkdir(exist_ok=True)
    os.chmod(d, 0o711)
    for name in PRIVATE_FILES:
        path = state / name
        if path.is_file() and not path.is_symlink():
            os.chmod(path, 0o600)
    for name in SECRET_NAMES:
        ensure_secret(state, name)
    return state


def ensure_private_sqlite(path: Path) -> Path:
    """The SQLite file ``path`` exists and is 0600 before anyone opens it: empty is a valid database, and SQLite
    gives its -wal and -shm files the mode of the database file."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
    elif path.is_file() and not path.is_symlink():
        os.chmod(path, 0o600)
    return path


def _make_private(folder: Path) -> None:
    """``folder`` and everything in it: folders 0700, files 0600 (links are left alone, never followed)."""
    os.chmod(folder, 0o700)
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs:
            if not os.path.islink(os.path.join(root, name)):
                os.chmod(os.path.join(root, name), 0o700)
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, 0o600)


def ensure_secret(state: Path, name: str, nbytes: int = 32) -> str:
    """Return the secret ``name``, generating it (0600) the first time."""
    path = state / "secrets" / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value


def read_secrets(state: Path) -> dict[str, str]:
    d = state / "secrets"
    return {p.name: p.read_text().strip() for p in d.iterdir() if p.is_file()} if d.is_dir() else {}
