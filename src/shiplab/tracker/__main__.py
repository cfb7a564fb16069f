"""Run the tracker as a hub-managed service: ``python -m shiplab.tracker``.

The hub starts it with ``JUPYTERHUB_SERVICE_URL`` (where to listen), ``JUPYTERHUB_SERVICE_PREFIX`` (the path the
proxy forwards, e.g. ``/services/tracker/``), the OAuth variables :mod:`.auth` reads, and — like every shiplab
service — ``SHIPLAB_SETTINGS`` and ``SHIPLAB_STATE``: the tracker reads its ``tracker.*`` settings from that settings
file (:meth:`.settings.TrackerSettings.from_settings`) and its secrets from the state's secrets folder, where the hub
put them (:mod:`.hubservice`). The roster the hub imported (``<state>/roster.json``) becomes the tracker's people and
is enrolled in ``tracker.cohort``, or in the demo cohort with ``tracker.demo_cohort`` (:mod:`.roster_sync`).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI

from shiplab.tracker.app import create_app
from shiplab.tracker.settings import TrackerSettings
from shiplab.web.serve import mount_at, serve, service_prefix

log = logging.getLogger("shiplab.tracker")


def build_app() -> FastAPI:
    from shiplab import settings as settings_mod
    from shiplab.tracker.hubservice import SECRETS_PREFIX
    from shiplab.web import secrets as service_secrets

    flat = settings_mod.load()
    state = settings_mod.state_dir(flat)
    # the secrets the hub handed over through its state folder (never through its database): into this process's
    # environment, where TrackerSettings and PostgreSQL's client (PGPASSWORD) look
    service_secrets.export(state, SECRETS_PREFIX)
    settings = TrackerSettings.from_settings(flat, state)
    roster = settings.roster_file()
    if roster is None or not roster.exists():  # followed once `shiplab roster import` writes it
        log.warning("no roster at %s yet (import one): people appear as they log in", roster)
    app = create_app(settings, roster=roster)
    return mount_at(app, service_prefix())


def main() -> None:
    serve("shipping tracker", build_app, 8096)


if __name__ == "__main__":
    main()
