"""Every error the board shows, in one shape, rendered in one place.

JSON clients (``/api/…``, ``*.json``, or ``Accept: application/json``) get
``{"error": {"status": 403, "code": "not_an_instructor", "message": "…"}}``; browsers get the same three facts on a
page (``templates/error.html``). Bugs become ``500 internal_error`` with a reference that is also in the log beside
the traceback; no traceback, token or path ever reaches a response. The shape and its rendering are shared by the
hub's web services (:mod:`shiplab.web`); the board adds its exception type and its advice for a bug.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI

from shiplab.web.errors import WebError, install_error_pages

log = logging.getLogger("shiplab.board")


class BoardError(WebError):
    """An expected failure: HTTP status, a stable machine code, and a sentence for the person."""


def install(app: FastAPI) -> None:
    """Route every failure through :func:`shiplab.web.errors.render_error`."""
    install_error_pages(app, log=log, bug_advice="Reload the page, and tell the hub's operator the reference if it "
                                                 "persists.")
