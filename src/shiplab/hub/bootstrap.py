"""Glue between ``hub_config/jupyterhub_config.py`` and :func:`shiplab.hub.config.apply_config`.

This is the impure part: it reads the settings file, the state folder and the environment, then hands plain values
to the pure function.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from shiplab import settings as settings_mod
from shiplab import roster
from shiplab.hub.config import HubContext, apply_config
from shiplab.settings import spawner_mode
from shiplab.course.formgrader import ensure_course_folders
from shiplab.hub.state import ensure_state, read_secrets
from shiplab.hub.unix import is_root


def proxy_command(repo_root: Path) -> str:
    local = repo_root / "node_modules" / ".bin" / "configurable-http-proxy"
    return str(local) if local.exists() else "configurable-http-proxy"


def context(settings: dict) -> HubContext:
    state = ensure_state(settings_mod.state_dir(settings))
    return HubContext(
        state=state,
        repo_root=settings_mod.REPO_ROOT,
        is_root=is_root(),
        python=sys.executable,
        proxy_command=proxy_command(settings_mod.REPO_ROOT),
        secrets=read_secrets(state),
        environ=dict(os.environ),
        settings_path=settings_mod.settings_path(),
    )


def configure(c) -> dict:
    """Load the settings and roster, and configure the hub on ``c``; return the settings."""
    s = settings_mod.load()
    ctx = context(s)
    if s["gateway.enabled"]:  # provider keys reach the gateway through the state's secrets, not its environment
        from shiplab.web import provider_keys

        provider_keys.store(ctx.state, s["gateway.external_providers"], ctx.environ)
    if s["tracker.enabled"]:  # the tracker's SMTP password, webhook URL, cookie key, PGPASSWORD: the same way
        from shiplab.web import secrets as service_secrets
        from shiplab.tracker.hubservice import SECRETS_PREFIX, tracker_secrets

        service_secrets.store(ctx.state, SECRETS_PREFIX, tracker_secrets(s, ctx.environ))
    as_root = spawner_mode(s, ctx.is_root) == "unix-users"
    ensure_course_folders(ctx.state, s["course.id"], as_root=as_root)
    if as_root:  # participants' accounts share this machine: solutions and hidden tests must be out of their reach
        from shiplab.course.protect import protect_sources
        from shiplab.course.formgrader import ensure_grader_account

        grader = ensure_grader_account()
        protect_sources(ctx.repo_root, grader.pw_gid)
        from shiplab.hub.portguard import guard

        guard(s, ctx.state, grader.pw_uid)  # only root answers on the hub's ports (a restart is no opening)
    apply_config(s, c, ctx, roster.load(ctx.state))
    return s
