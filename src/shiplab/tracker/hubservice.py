"""The tracker as a hub-managed service: its entry in ``c.JupyterHub.services``, and the secrets it is handed.

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
- Environment: ``SHIPLAB_SETTINGS`` and ``SHIPLAB_STATE``, as every shiplab service gets: the tracker reads the
  ``tracker.*`` settings from the settings file itself (:meth:`shiplab.tracker.settings.TrackerSettings.from_settings`),
  so there is one settings source, checked once. The secrets (SMTP password, webhook URL, cookie key,
  ``PGPASSWORD``) are read from the hub's environment by the variable names the settings give
  (:func:`tracker_secrets`) and handed over through the state's secrets folder at hub start
  (:mod:`shiplab.web.secrets`), under the names in :data:`SECRETS`: JupyterHub keeps a service's environment in
  its own database, so they are never put there.
"""

from __future__ import annotations

from typing import Any, Mapping

NAME = "tracker"
SECRETS_PREFIX = "tracker-"
# the tracker's secrets, field -> the variable the tracker reads it from (after the secrets folder is exported)
SECRETS = {"smtp_password": "SHIPLAB_TRACKER_SMTP_PASSWORD", "webhook_url": "SHIPLAB_TRACKER_WEBHOOK_URL",
           "cookie_secret": "SHIPLAB_TRACKER_COOKIE_SECRET"}


def tracker_secrets(settings: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, str]:
    """The tracker's secrets from the hub's environment, by the names it will read them as (empty: not set)."""
    db_url = settings["tracker.db_url"] or "sqlite://"
    return {
        SECRETS["smtp_password"]: environ.get(settings["tracker.smtp_password_env"], ""),
        SECRETS["webhook_url"]: environ.get(settings["tracker.webhook_url_env"], ""),
        SECRETS["cookie_secret"]: environ.get(SECRETS["cookie_secret"], ""),
        # a SQLite tracker has no use for the hub's database password
        "PGPASSWORD": "" if db_url.startswith("sqlite") else environ.get("PGPASSWORD", ""),
    }


def tracker_service(settings: Mapping[str, Any], *, python: str, base_env: Mapping[str, str]) -> dict:
    """The hub service definition (``c.JupyterHub.services`` entry) of the tracker; ``base_env`` is what every
    shiplab service gets (``SHIPLAB_SETTINGS``, ``SHIPLAB_STATE``)."""
    return {
        "name": NAME,
        "url": settings["tracker.url"],
        "command": [python, "-m", "shiplab.tracker"],
        "environment": dict(base_env),
        "oauth_no_confirm": True,
        "oauth_client_allowed_scopes": [f"access:services!service={NAME}", "read:users:name!user",
                                        "read:users:groups!user"],
        "display": True,
        "info": {"description": "Ship plans, check-ins and who shipped within 60 days"},
    }
