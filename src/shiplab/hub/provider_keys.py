"""External model providers' API keys: from the hub's environment to the gateway, never through a settings file,
a log, a notebook or the hub's database.

JupyterHub starts managed services with a short list of the hub's environment variables, and stores whatever a
service's ``environment`` holds in its database. So at every hub start :func:`store` copies each configured
provider's key (named by ``key_env`` in ``gateway.external_providers``) from the hub's environment into
``<state>/secrets/provider-<KEY_ENV>`` (the secrets folder is 0700, each file 0600), and the gateway reads it with
:func:`load`. A key removed from the environment is removed from the folder at the next start.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PREFIX = "provider-"


def _path(state: Path, key_env: str) -> Path:
    return state / "secrets" / f"{PREFIX}{key_env}"


def store(state: Path, providers: list[dict], environ: Mapping[str, str]) -> list[str]:
    """Copy the providers' keys from ``environ`` into the state's secrets; return the variable names stored."""
    folder = state / "secrets"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    wanted = {p["key_env"] for p in providers}
    stored = []
    for name in sorted(wanted):
        path = _path(state, name)
        value = environ.get(name, "")
        if not value:
            path.unlink(missing_ok=True)
            continue
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(value)
        os.chmod(path, 0o600)
        stored.append(name)
    for old in folder.glob(f"{PREFIX}*"):
        if old.name[len(PREFIX):] not in wanted:
            old.unlink()
    return stored


def load(state: Path, key_env: str, environ: Mapping[str, str] | None = None) -> str:
    """The key: from the environment when set there (a gateway started by hand), else from the state's secrets."""
    environ = os.environ if environ is None else environ
    if environ.get(key_env):
        return environ[key_env]
    try:
        return _path(state, key_env).read_text().strip()
    except FileNotFoundError:
        return ""
