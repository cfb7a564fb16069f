"""Run the progress board (the hub service ``progress``) as a hub-managed service: ``python -m shiplab.board``.

The hub starts it with ``JUPYTERHUB_SERVICE_URL`` (where to listen), ``JUPYTERHUB_SERVICE_PREFIX`` (the path the
proxy forwards, ``/services/progress/``), its API token and the OAuth variables; ``SHIPLAB_SETTINGS`` and
``SHIPLAB_STATE`` say which settings file (``progress.*``, ``course.id``) and state folder to read.
"""

from __future__ import annotations

from shiplab.web.serve import mount_at, serve, service_prefix


def build_app():
    from shiplab import settings
    from shiplab.board.app import BoardConfig, create_app

    flat = settings.load()
    config = BoardConfig.from_settings(flat, settings.state_dir(flat))
    return mount_at(create_app(config), service_prefix())


def main() -> None:
    serve("progress board", build_app, 8097, log_level="warning")


if __name__ == "__main__":
    main()
