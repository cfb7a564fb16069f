"""Run the tracker as a hub-managed service: ``python -m shiplab.tracker``.

The hub starts it with ``JUPYTERHUB_SERVICE_URL`` (where to listen), ``JUPYTERHUB_SERVICE_PREFIX`` (the path the
proxy forwards, e.g. ``/services/tracker/``) and the OAuth variables :mod:`.auth` reads. Settings come from
``SHIPLAB_TRACKER_*`` variables (:mod:`.settings`). With ``SHIPLAB_TRACKER_DEMO=1`` the demo cohort is made from
the roster the hub imported (``<state>/roster.json``).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

import uvicorn
from fastapi import FastAPI

from shiplab.errors import ShiplabError
from shiplab.tracker.app import create_app, mount_at
from shiplab.tracker.settings import TrackerSettings

log = logging.getLogger("shiplab.tracker")


def build_app() -> FastAPI:
    settings = TrackerSettings.from_env()
    app = create_app(settings)
    if settings.demo:
        from shiplab.hub import roster
        from shiplab.tracker.demo import ensure_demo_data

        people = roster.load(Path(os.environ.get("SHIPLAB_STATE", "state")).resolve())
        with app.state.sessions() as session:
            ensure_demo_data(session, people)
    return mount_at(app, os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(asctime)s %(name)s] %(message)s")
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:8096"))
    try:
        app = build_app()
    except ShiplabError as exc:
        print(f"shiplab tracker: {exc}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
    uvicorn.run(app, host=url.hostname or "127.0.0.1", port=url.port or 8096, log_level="info", access_log=False)


if __name__ == "__main__":
    main()
