"""Run the progress board as a hub-managed service: ``python -m shiplab.progress``.

The hub starts it with ``JUPYTERHUB_SERVICE_URL`` (where to listen), ``JUPYTERHUB_SERVICE_PREFIX`` (the path the
proxy forwards, ``/services/progress/``), its API token and the OAuth variables; ``SHIPLAB_SETTINGS`` and
``SHIPLAB_STATE`` say which settings file (``progress.*``, ``course.id``) and state folder to read.
"""

from __future__ import annotations

import logging
import os
import sys
from urllib.parse import urlparse

import uvicorn

from shiplab.errors import ShiplabError
from shiplab.hub.listen import bind_host


def build_app():
    from shiplab import settings
    from shiplab.progress.app import BoardConfig, create_app, mount_at

    flat = settings.load()
    config = BoardConfig.from_settings(flat, settings.state_dir(flat))
    return mount_at(create_app(config), os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="[%(levelname)s %(asctime)s %(name)s] %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # imported by jupyterhub and nbgrader; chatty at INFO
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:8097"))
    try:
        app = build_app()
    except ShiplabError as exc:
        print(f"shiplab progress board: {exc}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
    uvicorn.run(app, host=bind_host(url.hostname), port=url.port or 8097, log_level="warning",
                access_log=False)


if __name__ == "__main__":
    main()
