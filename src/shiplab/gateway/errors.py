"""The gateway's errors, on the contract every shiplab web service shares (:mod:`shiplab.web`).

A :class:`GatewayError` is a :class:`~shiplab.web.errors.WebError`: status, a stable code, the sentence for the
person, detail for the log. One handler renders them all: under ``/v1/`` in OpenAI's shape
(``{"error": {"message", "type", "param", "code"}}``, plus ``queue_position`` and ``expected_wait_s`` for a
``busy``), elsewhere in the shared shape (``{"error": {"status", "code", "message"}}``) or, for a browser, the page
``templates/error.html``. A bug is a 500 with a reference that is in the log beside the traceback. The gateway is an
API first: a client that does not ask for HTML gets JSON.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request

from shiplab.web.errors import ErrorStyle, WebError, install_error_pages

log = logging.getLogger("shiplab.gateway")


class GatewayError(WebError):
    """An expected failure of the gateway: ``GatewayError(403, "policy_refused", "…")``."""


def not_found(request: Request) -> str:
    root = request.scope.get("root_path", "").rstrip("/")
    return (f"the gateway has nothing at {request.url.path}. It serves {root}/v1/models, {root}/v1/embeddings and "
            f"{root}/v1/chat/completions; what it is, your usage and its policy are on {root}/ .")


STYLE = ErrorStyle(openai_paths=("/v1/",), prefer_json=True, not_found=not_found)


def install(app: FastAPI) -> None:
    """Route every failure of the gateway through the shared handler, in the gateway's style."""
    install_error_pages(app, log=log, style=STYLE,
                        bug_advice="Run the cell again; if it fails again, tell an instructor the reference.")
