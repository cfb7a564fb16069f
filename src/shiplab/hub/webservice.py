"""What every shiplab web service behind the hub shares: who is asking, and what an error looks like.

The shipping tracker, the instructors' progress board and the model gateway's usage view run as hub-managed
services. The hub gives each ``JUPYTERHUB_API_TOKEN``, ``JUPYTERHUB_API_URL``, ``JUPYTERHUB_CLIENT_ID``,
``JUPYTERHUB_OAUTH_CALLBACK_URL`` and ``JUPYTERHUB_SERVICE_PREFIX``; :class:`jupyterhub.services.auth.HubOAuth`
reads them, and :class:`HubLogin` builds both ways in on it:

*Browsers* log in with OAuth against the hub, with PKCE (the hub sets ``oauth_require_pkce``): ``/login`` makes a
code verifier and its S256 challenge, keeps the verifier in HubOAuth's server-side state under a random state id,
and sends the browser to the hub with the challenge and the state; the state id also goes into a short-lived signed
cookie. ``/oauth_callback`` accepts the code only if the state in the URL equals the one in that cookie, then trades
code + verifier for a hub token and keeps the token in a signed, HttpOnly, SameSite=Lax cookie scoped to the
service's path.

*Scripts and notebooks* send their hub token: ``Authorization: token <JUPYTERHUB_API_TOKEN>``.

Either way the hub says whose token it is (name, groups, admin flag) and whether it carries the service's access
scope (``access:services!service=<name>``); the answer is a :class:`HubPerson`. What the groups *mean* stays with
each service: the tracker's roles, the board's instructors-only gate.

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

import base64
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlparse

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from shiplab.errors import ShiplabError

SESSION_MAX_AGE = 8 * 3600
STATE_MAX_AGE = 600


# ---- one error type, one shape

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


# ---- small parts of a login

@dataclass(frozen=True)
class HubPerson:
    """Someone the hub vouched for, as the hub's user model describes them."""

    name: str
    groups: frozenset[str] = frozenset()
    admin: bool = False
    via: str = "cookie"  # "cookie": a browser session (forms need CSRF tokens) | "token": Authorization header
    session: str = ""  # identifies the browser session (the tracker binds CSRF tokens to it)


def person_from_model(model: dict | None, *, via: str = "token", session: str = "",
                      cls: type[HubPerson] = HubPerson) -> HubPerson | None:
    """A ``cls`` from the hub's user model (None for services and other non-users)."""
    if not model or model.get("kind", "user") != "user" or not model.get("name"):
        return None
    return cls(name=model["name"], groups=frozenset(model.get("groups") or ()), admin=bool(model.get("admin")),
               via=via, session=session)


def bearer_token(request: Request) -> str | None:
    """The token of ``Authorization: token <t>`` (or ``Bearer <t>``); None without one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() in ("token", "bearer") and token.strip():
        return token.strip()
    return None


def is_https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


def safe_next(next_url: str | None, default: str) -> str:
    """Only a path on this site (no scheme, no host, no ``//``) may be a redirect target after login."""
    if not next_url:
        return default
    parts = urlparse(next_url)
    if parts.scheme or parts.netloc or not next_url.startswith("/") or next_url.startswith("//") \
            or "\\" in next_url:
        return default
    return next_url


class Signer:
    """HMAC-SHA256 signatures with a timestamp: ``value.issued.signature`` (values are URL-safe base64).

    ``purpose`` is mixed into the key, so a value signed for one purpose (a session) is refused for another (a CSRF
    token, another service's session)."""

    def __init__(self, key: bytes, purpose: str):
        self.key = hmac.new(key, purpose.encode(), hashlib.sha256).digest()

    def _mac(self, payload: str) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.key, payload.encode(), hashlib.sha256).digest()).decode()

    def sign(self, value: str, now: float | None = None) -> str:
        payload = f"{base64.urlsafe_b64encode(value.encode()).decode()}.{int(now or time.time())}"
        return f"{payload}.{self._mac(payload)}"

    def unsign(self, signed: str | None, max_age: int, now: float | None = None) -> str | None:
        """The value, or None if the signature is wrong, the format is bad or it is older than ``max_age``."""
        if not signed or signed.count(".") != 2:
            return None
        payload, _, mac = signed.rpartition(".")
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        value, _, issued = payload.partition(".")
        try:
            if (now or time.time()) - int(issued) > max_age:
                return None
            return base64.urlsafe_b64decode(value.encode()).decode()
        except (ValueError, UnicodeDecodeError):
            return None


# ---- the login

@dataclass(frozen=True)
class LoginTexts:
    """The sentences of a service's login that are its own."""

    noun: str  # what people call the service: "Open the tracker again."
    no_access: str  # the hub refused {name} the service's access scope
    bad_token: str = "the hub does not know this token (expired or revoked?)."


class HubLogin:
    """OAuth with PKCE for browsers, hub tokens for scripts, both checked with the hub.

    ``session_purpose``/``state_purpose`` sign the two cookies; they are part of each service's cookie format (a
    change logs everyone out). ``person`` is the class people are made of (a :class:`HubPerson`), ``error`` the
    exception a refusal raises (called as ``error(status, code, message, log_message=...)``), and ``admit`` decides
    whom a finished login lets in — by default anyone the hub knows as a user."""

    login_path = "/login"

    def __init__(self, hub_auth, key: bytes, prefix: str = "/", *, texts: LoginTexts,
                 session_purpose: str = "session", state_purpose: str = "oauth-state",
                 person: type[HubPerson] = HubPerson, error: Callable[..., Exception] = WebError,
                 admit: Callable[[HubPerson | None], object] | None = None):
        self.hub_auth = hub_auth  # jupyterhub.services.auth.HubOAuth
        self.texts = texts
        self.session_signer = Signer(key, session_purpose)
        self.state_signer = Signer(key, state_purpose)
        self.person = person
        self.error = error
        self.admit = admit or self._must_be_a_user
        self.prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        self.cookie = f"{hub_auth.oauth_client_id}-session".replace("/", "-")
        self.state_cookie = f"{hub_auth.oauth_client_id}-oauth-state".replace("/", "-")

    def _must_be_a_user(self, person: HubPerson | None) -> None:
        if person is None:
            raise self.error(403, "not_a_user", "the hub did not identify a user for this login.")

    async def hub_model(self, token: str) -> dict | None:
        """The hub's model of the token's owner (a user or a service); None if the hub does not know the token."""
        from tornado.web import HTTPError

        try:
            return await self.hub_auth.user_for_token(token, use_cache=True, sync=False)
        except HTTPError as exc:
            raise self.error(502, "hub_unavailable", "the hub did not answer who you are; try again in a minute.",
                             log_message=str(exc)) from None

    def has_access(self, model: dict) -> bool:
        """Does the model carry this service's access scope (always, where the service asks for none)?"""
        scopes = self.hub_auth.access_scopes
        return not scopes or bool(self.hub_auth.check_scopes(scopes, model))

    async def _person_for_token(self, token: str, *, via: str, session: str = "") -> HubPerson | None:
        model = await self.hub_model(token)
        person = person_from_model(model, via=via, session=session, cls=self.person)
        if person and not self.has_access(model):
            raise self.error(403, "no_access", self.texts.no_access.format(name=person.name))
        return person

    async def identify(self, request: Request) -> HubPerson | None:
        """Who is asking: from the ``Authorization`` header, else from the session cookie; None without either."""
        token = bearer_token(request)
        if token:
            person = await self._person_for_token(token, via="token")
            if person is None:
                raise self.error(401, "bad_token", self.texts.bad_token)
            return person
        raw = request.cookies.get(self.cookie)
        token = self.session_signer.unsign(raw, SESSION_MAX_AGE)
        if not token:
            return None
        session = hashlib.sha256(raw.encode()).hexdigest()[:32]
        return await self._person_for_token(token, via="cookie", session=session)

    def start_login(self, request: Request, next_url: str | None) -> RedirectResponse:
        """Send the browser to the hub's authorize URL with a PKCE challenge and a fresh state."""
        verifier, challenge, method = self.hub_auth.generate_pkce_code_challenge()
        state = self.hub_auth.generate_state(safe_next(next_url, self.prefix), code_verifier=verifier)
        sep = "&" if "?" in self.hub_auth.login_url else "?"
        target = self.hub_auth.login_url + sep + urlencode(
            {"state": state, "code_challenge": challenge, "code_challenge_method": method})
        resp = RedirectResponse(target, status_code=302)
        resp.set_cookie(self.state_cookie, self.state_signer.sign(state), max_age=STATE_MAX_AGE, httponly=True,
                        samesite="lax", secure=is_https(request), path=self.prefix)
        return resp

    async def finish_login(self, request: Request) -> RedirectResponse:
        """The OAuth callback: check the state, trade code + verifier for a token, set the session cookie."""
        noun = self.texts.noun
        q = request.query_params
        if q.get("error"):
            reason = (q.get("error_description") or q["error"])[:200]
            raise self.error(400, "oauth_error", f"the hub refused the login: {reason}")
        code, state = q.get("code"), q.get("state")
        if not code or not state:
            raise self.error(400, "oauth_incomplete", "the login came back without a code or state. "
                                                      f"Open the {noun} again to log in.")
        cookie_state = self.state_signer.unsign(request.cookies.get(self.state_cookie), STATE_MAX_AGE)
        if not cookie_state or not hmac.compare_digest(cookie_state, state):
            raise self.error(403, "oauth_state_mismatch", "this login was not started from this browser, or took "
                                                          f"longer than 10 minutes. Open the {noun} again.")
        next_url = safe_next(self.hub_auth.get_next_url(state), self.prefix)
        verifier = self.hub_auth.get_code_verifier(state)
        self.hub_auth.clear_oauth_state(state)
        if not verifier:
            raise self.error(403, "oauth_state_unknown", f"the {noun} restarted during your login. "
                                                         f"Open the {noun} again.")
        from tornado.web import HTTPError

        try:
            token = await self.hub_auth.token_for_code(code, code_verifier=verifier, sync=False)
        except HTTPError as exc:
            raise self.error(403, "oauth_refused", f"the hub did not accept this login; open the {noun} again.",
                             log_message=str(exc)) from None
        self.admit(await self._person_for_token(token, via="cookie"))
        resp = RedirectResponse(next_url, status_code=302)
        resp.delete_cookie(self.state_cookie, path=self.prefix)
        resp.set_cookie(self.cookie, self.session_signer.sign(token), max_age=SESSION_MAX_AGE, httponly=True,
                        samesite="lax", secure=is_https(request), path=self.prefix)
        return resp

    def logout(self, response: Response) -> None:
        response.delete_cookie(self.cookie, path=self.prefix)


def login_routes(texts: LoginTexts, error: Callable[..., Exception] = WebError) -> APIRouter:
    """``/login`` and ``/oauth_callback`` for an app whose ``app.state.identity`` is a :class:`HubLogin` (404 with
    an identity that has no login, e.g. a table of tokens in tests)."""
    router = APIRouter(include_in_schema=False)

    def login_of(request: Request):
        identity = request.app.state.identity
        if not hasattr(identity, "start_login"):
            raise error(404, "no_login", f"this {texts.noun} is not connected to a hub login.")
        return identity

    @router.get("/login")
    def login(request: Request, next: str | None = None):
        return login_of(request).start_login(request, next)

    @router.get("/oauth_callback")
    async def oauth_callback(request: Request):
        return await login_of(request).finish_login(request)

    return router
