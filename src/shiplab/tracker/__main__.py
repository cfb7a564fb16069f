"""Run the tracker as a hub-managed service: ``python -m shiplab.tracker``.

The hub starts it with ``JUPYTERHUB_SERVICE_URL`` (where to listen), ``JUPYTERHUB_SERVICE_PREFIX`` (the path the
proxy forwards, e.g. ``/services/tracker/``) and the OAuth variables :mod:`.auth` reads. Settings come from
``SHIPLAB_TRACKER_*`` variables (:mod:`.settings`), which the hub sets from the ``tracker.*`` settings
(:mod:`.hubservice`). The roster the hub imported (``<state>/roster.json``) becomes the tracker's people and is
enrolled in the configured cohort, or in the demo cohort with ``SHIPLAB_TRACKER_DEMO=1`` (:mod:`.roster_sync`).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

import uvicorn

from shiplab.hub.listen import bind_host
from fastapi import FastAPI

from shiplab.errors import ShiplabError
from shiplab.tracker.app import create_app, mount_at
from shiplab.tracker.settings import TrackerSettings

log = logging.getLogger("shiplab.tracker")


def build_app() -> FastAPI:
    from shiplab.hub import service_secrets
    from shiplab.tracker.hubservice import SECRETS_PREFIX

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
    return mount_at(app, os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(asctime)s %(name)s] %(message)s")
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:8096"))
    try:
        app = build_app()
    except ShiplabError as exc:
        print(f"shiplab tracker: {exc}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
    serve(app, bind_host(url.hostname), url.port or 8096)


def serve(app: FastAPI, host: str, port: int, log_level: str = "info") -> None:
    """Serve ``app`` with uvicorn (the benchmark serves through here too, so it measures what runs).

    Everything made at start-up (modules, the app, the roster's people) is moved out of the garbage collector's
    reach first: a full collection otherwise walks those ~150,000 objects every few seconds under load, holding
    the GIL — each request in flight waited for it, and a check-in holding the writer's turn held up all the
    others (half-second stalls in bench/tracker.py)."""
    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


if __name__ == "__main__":
    main()
