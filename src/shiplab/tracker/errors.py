"""Every error the tracker shows, in one shape, rendered in one place.

JSON clients (everything under ``/api/``, or a request that does not accept HTML) get::

    {"error": {"status": 403, "code": "not_your_plan", "message": "…what was wrong and how to fix it…"}}

Browsers get the same three facts on an HTML page. Bugs become ``500 internal_error`` with a reference number that
is also in the service's log beside the traceback; no traceback, token or SQL ever reaches a response.
"""

from __future__ import annotations

import logging
import secrets

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from shiplab.errors import ShiplabError

log = logging.getLogger("shiplab.tracker")

HTTP_CODES = {400: "bad_request", 401: "not_logged_in", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid_input",
              500: "internal_error", 502: "bad_gateway", 503: "unavailable"}


class TrackerError(ShiplabError):
    """An expected failure: HTTP status, a stable machine code, and a sentence for the person."""

    def __init__(self, status: int, code: str, message: str, *, log_message: str | None = None):
        super().__init__(message, log_message=log_message)
        self.status = status
        self.code = code


def wants_json(request: Request) -> bool:
    path = request.url.path[len(request.scope.get("root_path", "")):] if request.scope.get("root_path") else \
        request.url.path
    if path.startswith("/api/") or path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "text/html" not in accept and "application/json" in accept


def render_error(request: Request, status: int, code: str, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": {"status": status, "code": code, "message": message}}, status_code=status)
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html",
                                      {"status": status, "code": code, "message": message,
                                       "base": request.scope.get("root_path", ""), "user": None,
                                       "csrf": ""}, status_code=status)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:10]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path"))
        parts.append(f"{where or 'request'}: {str(err.get('msg', 'invalid')).removeprefix('Value error, ')}")
    return "the request was not accepted — " + "; ".join(parts) + "."


def install(app: FastAPI) -> None:
    """Route every failure through :func:`render_error`."""

    @app.exception_handler(TrackerError)
    async def _tracker(request: Request, exc: TrackerError):
        if exc.status == 401 and not wants_json(request) and request.method == "GET":
            login = getattr(request.app.state.identity, "login_path", None)
            if login:
                base = request.scope.get("root_path", "")
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                from urllib.parse import quote

                return RedirectResponse(f"{base}{login}?next={quote(target, safe='')}", status_code=302)
        return render_error(request, exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return render_error(request, 422, "invalid_input", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = HTTP_CODES.get(exc.status_code, "error")
        message = {404: "there is nothing at this address.",
                   405: f"{request.method} is not allowed here."}.get(exc.status_code, "the request failed.")
        return render_error(request, exc.status_code, code, message)

    @app.middleware("http")
    async def _bugs(request: Request, call_next):
        try:
            return await call_next(request)
        except Exception:  # a bug: log it with a reference, show only the reference
            ref = secrets.token_hex(4)
            log.exception("internal error %s on %s %s", ref, request.method, request.url.path)
            return render_error(request, 500, "internal_error",
                                f"something went wrong on our side (reference {ref}); it is logged. "
                                "Try again, and tell your instructor the reference if it persists.")

