"""Every error the board shows, in one shape, rendered in one place.

JSON clients (``/api/…``, ``*.json``, or ``Accept: application/json``) get
``{"error": {"status": 403, "code": "not_an_instructor", "message": "…"}}``; browsers get the same three facts on a
page. Bugs become ``500 internal_error`` with a reference that is also in the log beside the traceback; no
traceback, token or path ever reaches a response.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from shiplab.errors import ShiplabError

log = logging.getLogger("shiplab.progress")
HTTP_CODES = {400: "bad_request", 401: "not_logged_in", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 422: "invalid_input", 500: "internal_error", 502: "bad_gateway"}


class BoardError(ShiplabError):
    """An expected failure: HTTP status, a stable machine code, and a sentence for the person."""

    def __init__(self, status: int, code: str, message: str, *, log_message: str | None = None):
        super().__init__(message, log_message=log_message)
        self.status = status
        self.code = code


def _path(request: Request) -> str:
    root = request.scope.get("root_path", "")
    return request.url.path[len(root):] if root and request.url.path.startswith(root) else request.url.path


def wants_json(request: Request) -> bool:
    path = _path(request)
    if path.startswith("/api/") or path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "text/html" not in accept and "application/json" in accept


def render_error(request: Request, status: int, code: str, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": {"status": status, "code": code, "message": message}}, status_code=status)
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": status, "code": code, "message": message,
                                "base": request.scope.get("root_path", ""), "user": None}, status_code=status)


def install(app: FastAPI) -> None:
    """Route every failure through :func:`render_error`."""

    @app.exception_handler(BoardError)
    async def _board(request: Request, exc: BoardError):
        if exc.status == 401 and not wants_json(request) and request.method == "GET" \
                and getattr(request.app.state.identity, "login_path", None):
            base = request.scope.get("root_path", "")
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"{base}{request.app.state.identity.login_path}?next={quote(target, safe='')}",
                                    status_code=302)
        if exc.log_message != exc.message:
            log.warning("%s %s: %s", exc.status, exc.code, exc.log_message)
        return render_error(request, exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors()[:10]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path"))
            parts.append(f"{where or 'request'}: {str(err.get('msg', 'invalid')).removeprefix('Value error, ')}")
        return render_error(request, 422, "invalid_input", "the request was not accepted — " + "; ".join(parts) + ".")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        message = {404: "there is nothing at this address.",
                   405: f"{request.method} is not allowed here."}.get(exc.status_code, "the request failed.")
        return render_error(request, exc.status_code, HTTP_CODES.get(exc.status_code, "error"), message)

    @app.middleware("http")
    async def _bugs(request: Request, call_next):
        try:
            return await call_next(request)
        except Exception:  # a bug: log it with a reference, show only the reference
            ref = secrets.token_hex(4)
            log.exception("internal error %s on %s %s", ref, request.method, request.url.path)
            return render_error(request, 500, "internal_error",
                                f"something went wrong on our side (reference {ref}); it is logged. Reload the page, "
                                "and tell the hub's operator the reference if it persists.")
