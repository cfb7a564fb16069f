"""The state folder: everything the hub and its services write at run time (git-ignored).

Layout: ``jupyterhub.sqlite``, ``jupyterhub_cookie_secret``, ``roster.json``, ``secrets/`` (0700: service tokens,
generated once), ``homes/`` (developer mode), ``courses/`` and ``exchange/`` (nbgrader), ``logs/``. The folder
itself is 0711 so participants' accounts can reach the exchange inside it but cannot list it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_NAMES = ("demo-admin-password",)


def ensure_state(state: Path) -> Path:
    """Create the state folder and its private parts; safe to run every time."""
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o711)
    for sub, mode in (("secrets", 0o700), ("logs", 0o700), ("homes", 0o711)):
        d = state / sub
        d.mkdir(exist_ok=True)
        os.chmod(d, mode)
    for name in SECRET_NAMES:
        ensure_secret(state, name)
    return state


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
