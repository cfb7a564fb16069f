"""External model providers' API keys: from the hub's environment to the gateway, never through a settings file,
a log, a notebook or the hub's database (see :mod:`shiplab.web.secrets`).

At every hub start :func:`store` copies each configured provider's key (named by ``key_env`` in
``gateway.external_providers``) from the hub's environment into ``<state>/secrets/provider-<KEY_ENV>``, and the
gateway reads it with :func:`load`. A key removed from the environment or the settings is removed at the next start.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from shiplab.web import secrets as service_secrets

PREFIX = "provider-"


def store(state: Path, providers: list[dict], environ: Mapping[str, str]) -> list[str]:
    """Copy the providers' keys from ``environ`` into the state's secrets; return the variable names stored."""
    return service_secrets.store(state, PREFIX, {p["key_env"]: environ.get(p["key_env"], "") for p in providers})


def load(state: Path, key_env: str, environ: Mapping[str, str] | None = None) -> str:
    """The key: from the environment when set there (a gateway started by hand), else from the state's secrets."""
    return service_secrets.load(state, PREFIX, key_env, environ)
