"""Every error the tracker shows, in one shape, rendered in one place.

JSON clients (everything under ``/api/``, or a request that does not accept HTML) get::

    {"error": {"status": 403, "code": "not_your_plan", "message": "…what was wrong and how to fix it…"}}

Browsers get the same three facts on an HTML page (``templates/error.html``). Bugs become ``500 internal_error``
with a reference number that is also in the service's log beside the traceback; no traceback, token or SQL ever
reaches a response. The shape and its rendering are shared by the hub's web services
(:mod:`shiplab.web`); the tracker adds its exception type and its advice for a bug.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI

from shiplab.web.errors import WebError, install_error_pages

log = logging.getLogger("shiplab.tracker")


class TrackerError(WebError):
    """An expected failure: HTTP status, a stable machine code, and a sentence for the person."""


def install(app: FastAPI) -> None:
    """Route every failure through :func:`shiplab.web.errors.render_error`."""
    install_error_pages(app, log=log, bug_advice="Try again, and tell your instructor the reference if it persists.")
