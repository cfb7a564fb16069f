"""How every shiplab web service starts under the hub: ``python -m shiplab.<service>`` calls :func:`serve`.

The hub starts a service with ``JUPYTERHUB_SERVICE_URL`` (where to listen: :func:`shiplab.web.listen.bind_host`) and
``JUPYTERHUB_SERVICE_PREFIX`` (the path the proxy forwards, e.g. ``/services/tracker/``: :func:`mount_at`). A
service that cannot start (a broken settings file, a policy that does not parse) says why in one sentence on
stderr and exits with its error's code (:class:`shiplab.errors.Exit`), never with a traceback.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable
from urllib.parse import urlparse

from fastapi import FastAPI

from shiplab.errors import Exit, ShiplabError
from shiplab.web.listen import bind_host, holder_said

LOG_FORMAT = "[%(levelname)s %(asctime)s %(name)s] %(message)s"


def mount_at(app: FastAPI, prefix: str) -> FastAPI:
    """``app`` served under ``prefix`` (the hub's ``/services/<name>/``), its lifespan kept."""
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    if not prefix:
        return app
    outer = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=app.router.lifespan_context)
    outer.mount(prefix, app)
    return outer


def service_prefix() -> str:
    return os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")


def run(app: FastAPI, host: str, port: int, log_level: str = "info") -> None:
    """Serve ``app`` with uvicorn (the benchmarks serve through here too, so they measure what runs).

    Everything made at start-up (modules, the app, the roster's people) is moved out of the garbage collector's
    reach first: a full collection otherwise walks those ~150,000 objects every few seconds under load, holding
    the GIL — each request in flight waited for it (half-second stalls in bench/tracker.py)."""
    import uvicorn

    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


def serve(name: str, build_app: Callable[[], FastAPI], default_port: int, *, log_level: str = "info") -> None:
    """``name`` as a person says it ("model gateway"). Log as the hub does, build the app (mounted at the service prefix by ``build_app``), and serve it where the
    hub's service URL says — ``default_port`` on loopback when started by hand."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # imported by jupyterhub and nbgrader; chatty at INFO
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", f"http://127.0.0.1:{default_port}"))
    port = url.port or default_port
    holder = holder_said(port)
    if holder:  # the hub restarts a service that exits; each try says who is in the way
        print(f"the {name} cannot start: port {port} is held by the account {holder}, not by the hub — a "
              f"participant's process may be waiting to stand in for it (stop it: `fuser -k {port}/tcp`).",
              file=sys.stderr)
        raise SystemExit(Exit.REFUSED)
    try:
        app = build_app()
    except ShiplabError as exc:
        print(f"the {name} cannot start: {exc}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
    run(app, bind_host(url.hostname), port, log_level)
