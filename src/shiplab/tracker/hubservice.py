"""The tracker as a hub-managed service: its entry in ``c.JupyterHub.services``, made from the ``tracker.*`` settings.

Pure (no imports beyond the standard library, nothing read from disk), so :func:`shiplab.hub.config.apply_config`
stays a pure function and the hub's configuration does not load the web stack.

What the service gets, and why:

- ``url`` and ``oauth_no_confirm``: the hub routes ``/services/tracker/`` to it and is its OAuth provider (login
  with PKCE, ``oauth_require_pkce``); the hub's operator runs it, so people are not asked to "authorize" it.
- ``oauth_client_allowed_scopes``: the login token it receives may only tell who the person is and their groups
  (role and team come from the roster's groups) — never act as them elsewhere.
- One role, with one scope: ``access:services!service=gateway`` (when the gateway is on), to read the gateway's
  usage log for instructors. It learns who someone is with *their* token, and its people come from the roster
  file, not from the hub's API.
- Environment: the ``SHIPLAB_TRACKER_*`` variables :class:`shiplab.tracker.settings.TrackerSettings` reads, none of
  them secret. The secrets (SMTP password, webhook URL, cookie key, ``PGPASSWORD``) are read from the hub's
  environment by the variable names the settings give (:func:`tracker_secrets`) and handed over through the
  state's secrets folder at hub start (:mod:`shiplab.web.secrets`): JupyterHub keeps a service's
  environment in its own database, so they are never put there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

NAME = "tracker"


def tracker_environment(settings: Mapping[str, Any], *, state: Path, public_url: str,
                        environ: Mapping[str, str]) -> dict[str, str]:
    """``SHIPLAB_TRACKER_*`` (and ``PGPASSWORD`` for PostgreSQL) for the tracker process."""
    db_url = settings["tracker.db_url"] or f"sqlite:///{state / 'tracker' / 'tracker.sqlite'}"
    env = {
        "SHIPLAB_TRACKER_DATABASE_URL": db_url,
        "SHIPLAB_TRACKER_BASE_URL": public_url.rstrip("/") + f"/services/{NAME}/",
        "SHIPLAB_TRACKER_ROSTER": str(state / "roster.json"),
        "SHIPLAB_TRACKER_DEMO": "1" if settings["tracker.demo_cohort"] and not settings["tracker.cohort"] else "0",
        "SHIPLAB_TRACKER_TIMEZONE": settings["tracker.timezone"],
        "SHIPLAB_TRACKER_REMINDER_INTERVAL_S": str(settings["tracker.reminder_every"]),
        "SHIPLAB_TRACKER_SMTP_HOST": settings["tracker.smtp_host"],
        "SHIPLAB_TRACKER_SMTP_PORT": str(settings["tracker.smtp_port"]),
        "SHIPLAB_TRACKER_SMTP_FROM": settings["tracker.smtp_from"],
        "SHIPLAB_TRACKER_SMTP_STARTTLS": "1" if settings["tracker.smtp_starttls"] else "0",
        "SHIPLAB_TRACKER_SMTP_USER": settings["tracker.smtp_user"],
        "SHIPLAB_TRACKER_PRODUCTION_ENVIRONMENTS": ",".join(settings["tracker.production_environments"]),
        "SHIPLAB_TRACKER_COUNT_SHIPPED": settings["tracker.count_shipped"],
    }
    if settings["gateway.enabled"]:  # instructors see model use per participant (the gateway's usage log)
        env["SHIPLAB_TRACKER_GATEWAY_URL"] = settings["gateway.url"].rstrip("/") + "/services/gateway/"
    if settings["tracker.cohort"]:
        env.update({"SHIPLAB_TRACKER_COHORT": settings["tracker.cohort"],
                    "SHIPLAB_TRACKER_WORKSHOP_START": settings["tracker.workshop_start"],
                    "SHIPLAB_TRACKER_WORKSHOP_END": settings["tracker.workshop_end"]})
    return env


SECRETS_PREFIX = "tracker-"


def tracker_secrets(settings: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, str]:
    """The tracker's secrets from the hub's environment, by the names it will read them as (empty: not set)."""
    db_url = settings["tracker.db_url"] or "sqlite://"
    return {
        "SHIPLAB_TRACKER_SMTP_PASSWORD": environ.get(settings["tracker.smtp_password_env"], ""),
        "SHIPLAB_TRACKER_WEBHOOK_URL": environ.get(settings["tracker.webhook_url_env"], ""),
        "SHIPLAB_TRACKER_COOKIE_SECRET": environ.get("SHIPLAB_TRACKER_COOKIE_SECRET", ""),
        # a SQLite tracker has no use for the hub's database password
        "PGPASSWORD": "" if db_url.startswith("sqlite") else environ.get("PGPASSWORD", ""),
    }


def tracker_service(settings: Mapping[str, Any], *, python: str, state: Path, public_url: str,
                    environ: Mapping[str, str], base_env: Mapping[str, str]) -> dict:
    """The hub service definition (``c.JupyterHub.services`` entry) of the tracker."""
    return {
        "name": NAME,
        "url": settings["tracker.url"],
        "command": [python, "-m", "shiplab.tracker"],
        "environment": {**base_env, **tracker_environment(settings, state=state, public_url=public_url,
                                                          environ=environ)},
        "oauth_no_confirm": True,
        "oauth_client_allowed_scopes": [f"access:services!service={NAME}", "read:users:name!user",
                                        "read:users:groups!user"],
        "display": True,
        "info": {"description": "Ship plans, check-ins and who shipped within 60 days"},
    }
