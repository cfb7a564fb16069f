"""One error type and one error shape for every shiplab web service behind the hub.

Errors have one shape everywhere: a :class:`WebError` carries the status, a stable code, the sentence for the
person and the detail for the log; :func:`install_error_pages` renders every failure as
``{"error": {"status", "code", "message"}}`` for JSON clients or the service's ``error.html`` for browsers, and
turns a bug into ``500 internal_error`` with a reference that is in the log beside the traceback — no traceback,
token or SQL ever reaches a response. Under the paths a service names as OpenAI-compatible (the gateway's
``/v1/``) the same handler writes OpenAI's error shape instead, ``{"error": {"message", "type", "param", "code"}}``,
and a body that fails validation is a 400 ``invalid_request_error`` naming the field (``param``), as OpenAI's
clients expect.

Each service keeps its own words: its :class:`LoginTexts` (its name in the login's messages), its subclass of
:class:`WebError`, and its own signing purposes, so its cookies mean nothing to the others.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from shiplab.errors import ShiplabError

class WebError(ShiplabError):
    """An expected failure: HTTP status, a stable machine code, and a sentence for the person.

    ``extra``: more facts for a JSON client, put beside ``code`` and ``message`` (the gateway's queue position);
    ``headers``: response headers (``Retry-After``); ``param``: the request field at fault (OpenAI's shape)."""

    def __init__(self, status: int, code: str, message: str, *, log_message: str | None = None,
                 param: str | None = None, extra: dict | None = None, headers: dict | None = None):
        super().__init__(message, log_message=log_message)
        self.status = status
        self.code = code
        self.param = param
        self.extra = extra or {}
        self.headers = headers or {}


HTTP_CODES = {400: "bad_request", 401: "not_logged_in", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid_input",
              500: "internal_error", 502: "bad_gateway", 503: "unavailable"}


OPENAI_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                404: "not_found_error", 429: "rate_limit_error"}


@dataclass(frozen=True)
class ErrorStyle:
    """How a service's errors are written: which paths speak OpenAI's shape, whether a client that says nothing
    (``Accept: */*``) gets JSON, and what a 404 tells the person."""

    openai_paths: tuple[str, ...] = ()
    prefer_json: bool = False
    not_found: Callable[[Request], str] | None = None


def _style(request: Request) -> ErrorStyle:
    return getattr(request.app.state, "error_style", None) or ErrorStyle()


def _path(request: Request) -> str:
    root = request.scope.get("root_path", "")
    return request.url.path[len(root):] if root and request.url.path.startswith(root) else request.url.path


def speaks_openai(request: Request) -> bool:
    """Is this request under one of the service's OpenAI-compatible paths?"""
    return _path(request).startswith(_style(request).openai_paths) if _style(request).openai_paths else False


def wants_json(request: Request) -> bool:
    """``/api/…``, ``*.json`` and OpenAI paths always; otherwise a client that accepts JSON and not HTML (or, for a
    service that prefers JSON, any client that does not ask for HTML)."""
    path = _path(request)
    if path.startswith("/api/") or path.endswith(".json") or speaks_openai(request):
        return True
    accept = request.headers.get("accept", "")
    if _style(request).prefer_json:
        return "text/html" not in accept
    return "text/html" not in accept and "application/json" in accept


def openai_error_type(status: int) -> str:
    return OPENAI_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")


def render_error(request: Request, status: int, code: str, message: str, *, param: str | None = None,
                 extra: dict | None = None, headers: dict | None = None) -> Response:
    """The one rendering of an error: OpenAI's shape, the shared JSON shape, or the service's ``error.html``."""
    if speaks_openai(request):
        body = {"message": message, "type": openai_error_type(status), "param": param, "code": code, **(extra or {})}
        return JSONResponse({"error": body}, status_code=status, headers=headers)
    if wants_json(request):
        return JSONResponse({"error": {"status": status, "code": code, "message": message, **(extra or {})}},
                            status_code=status, headers=headers)
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": status, "code": code, "message": message,
                                "base": request.scope.get("root_path", ""), "user": None}, status_code=status,
        headers=headers)


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    """The sentence for a request that failed validation, and the first field at fault."""
    parts, fields = [], []
    for err in exc.errors()[:10]:
        if err.get("type") == "json_invalid":  # its loc is a character position, not a field
            parts.append("body: not valid JSON")
            continue
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path"))
        fields.append(where)
        parts.append(f"{where or 'request'}: {str(err.get('msg', 'invalid')).removeprefix('Value error, ')}")
    return "the request was not accepted — " + "; ".join(parts) + ".", next((f for f in fields if f), None)


def install_error_pages(app: FastAPI, *, log: logging.Logger, bug_advice: str, style: ErrorStyle | None = None) -> None:
    """Route every failure of ``app`` through :func:`render_error`.

    A :class:`WebError` 401 on a page a browser asked for becomes a redirect to the identity's ``login_path`` (and
    back). ``bug_advice`` ends the 500 message: what the person should do with the reference. ``style``: see
    :class:`ErrorStyle` (the default: no OpenAI paths, JSON only for clients that ask for it)."""
    app.state.error_style = style or ErrorStyle()

    @app.exception_handler(WebError)
    async def _expected(request: Request, exc: WebError):
        login = exc.status == 401 and getattr(getattr(request.app.state, "identity", None), "login_path", None)
        if login and not wants_json(request) and request.method == "GET":
            base = request.scope.get("root_path", "")
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"{base}{login}?next={quote(target, safe='')}", status_code=302)
        if exc.log_message != exc.message:
            log.warning("%s %s: %s", exc.status, exc.code, exc.log_message)
        return render_error(request, exc.status, exc.code, exc.message, param=exc.param, extra=exc.extra,
                            headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        message, param = _validation_message(exc)
        # OpenAI answers a malformed body with 400 invalid_request_error; its clients expect that, not 422
        return render_error(request, 400 if speaks_openai(request) else 422, "invalid_input", message, param=param)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        not_found = _style(request).not_found
        message = {404: not_found(request) if not_found else "there is nothing at this address.",
                   405: f"{request.method} is not allowed here."}.get(exc.status_code, "the request failed.")
        return render_error(request, exc.status_code, HTTP_CODES.get(exc.status_code, "error"), message)

    app.add_middleware(_CatchBugs, log=log, bug_advice=bug_advice)


class _CatchBugs:
    """A bug: log it with a reference, show only the reference.

    Plain ASGI, not ``@app.middleware("http")``: Starlette's BaseHTTPMiddleware wraps ``receive``, and
    ``request.is_disconnected()`` never sees the client go away behind it (the gateway drops abandoned requests)."""

    def __init__(self, app, *, log: logging.Logger, bug_advice: str):
        self.app, self.log, self.bug_advice = app, log, bug_advice

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def sending(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            ref = secrets.token_hex(4)
            self.log.exception("internal error %s on %s %s", ref, scope.get("method"), scope.get("path"))
            if started:  # the answer is half sent: nothing better to do than end the connection
                raise
            response = render_error(Request(scope), 500, "internal_error", f"something went wrong on our side "
                                    f"(reference {ref}); it is logged. {self.bug_advice}")
            await response(scope, receive, send)


