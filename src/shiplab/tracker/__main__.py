"""Run the tracker as a hub-managed service: ``python -m shiplab.tracker``.

The hub starts it with ``JUPYTERHUB_SERVICE_URL`` (where to listen), ``JUPYTERHUB_SERVICE_PREFIX`` (the path the
proxy forwards, e.g. ``/services/tracker/``) and the OAuth variables :mod:`.auth` reads. Settings come from
``SHIPLAB_TRACKER_*`` variables (:mod:`.settings`), which the hub sets from the ``tracker.*`` settings
(:mod:`.hubservice`). The roster the hub imported (``<state>/roster.json``) becomes the tracker's people and is
enrolled in the configured cohort, or in the demo cohort with ``SHIPLAB_TRACKER_DEMO=1`` (:mod:`.roster_sync`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from fastapi import FastAPI

from shiplab.tracker.app import create_app
from shiplab.tracker.settings import TrackerSettings
from shiplab.web.serve import mount_at, serve, service_prefix

log = logging.getLogger("shiplab.tracker")


def build_app() -> FastAPI:
    from shiplab.tracker.hubservice import SECRETS_PREFIX
    from shiplab.web import secrets as service_secrets

    # the secrets the hub handed over through its state folder (never through its database): into this process's
    # environment, where TrackerSettings and PostgreSQL's client (PGPASSWORD) look
    state = os.environ.get("SHIPLAB_STATE")
    if state:
        service_secrets.export(Path(state), SECRETS_PREFIX)
    settings = TrackerSettings.from_env()
    roster = settings.roster_file()
    if roster is None:
        log.warning("no roster to follow (set SHIPLAB_TRACKER_ROSTER or import one): people appear as they log in")
    app = create_app(settings, roster=roster)
    return mount_at(app, service_prefix())


def main() -> None:
    serve("shipping tracker", build_app, 8096)


if __name__ == "__main__":
    main()
