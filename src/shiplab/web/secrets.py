"""Secrets for the hub's managed services, handed over through the state's secrets folder.

JupyterHub starts a managed service with a short keep-list of the hub's environment variables plus the service's
``environment``, and it stores that ``environment`` in its database, next to its tokens. So a secret a service
needs (an external provider's API key, the tracker's SMTP password, webhook URL, cookie key, database password) is
never put there: at every hub start :func:`store` writes it from the hub's environment into
``<state>/secrets/<prefix><NAME>`` (the folder 0700, each file 0600, the hub's account), and the service reads it
back with :func:`load` or :func:`export`. A secret no longer set is removed at the next start.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path


def folder(state: Path) -> Path:
    return state / "secrets"


def store(state: Path, prefix: str, values: Mapping[str, str]) -> list[str]:
    """Write each non-empty value as ``<prefix><name>``; remove the prefix's other files; return names written."""
    where = folder(state)
    where.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(where, 0o700)
    written = []
    for name, value in sorted(values.items()):
        path = where / f"{prefix}{name}"
        if not value:
            path.unlink(missing_ok=True)
            continue
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(value)
        os.chmod(path, 0o600)
        written.append(name)
    for old in where.glob(f"{prefix}*"):
        if old.name[len(prefix):] not in values:
            old.unlink()
    return written


def load(state: Path, prefix: str, name: str, environ: Mapping[str, str] | None = None) -> str:
    """The secret: from the environment when set there (a service started by hand), else from the state."""
    environ = os.environ if environ is None else environ
    if environ.get(name):
        return environ[name]
    try:
        return (folder(state) / f"{prefix}{name}").read_text().strip()
    except FileNotFoundError:
        return ""


def export(state: Path, prefix: str, environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Put every stored ``<prefix>`` secret into ``environ`` (this process's own) unless already set there."""
    environ = os.environ if environ is None else environ
    done = []
    for path in sorted(folder(state).glob(f"{prefix}*")):
        name = path.name[len(prefix):]
        if not environ.get(name):
            environ[name] = path.read_text().strip()
            done.append(name)
    return done
