"""Who is asking: the hub login every shiplab web service behind the hub shares.

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

Errors go through :mod:`shiplab.web.errors`. Each service keeps its own words: its :class:`LoginTexts` (its name in the
login's messages) and its own signing purposes (:func:`derive_key`), so its cookies mean nothing to the others.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlparse

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shiplab.web.errors import WebError

SESSION_MAX_AGE = 8 * 3600
STATE_MAX_AGE = 600


def derive_key(secret: str, purpose: str) -> bytes:
    """A key of its own for ``purpose`` (``shiplab-tracker-cookie``, ``shiplab-gateway-session``, …), derived from
    the service's hub token: a value signed with one purpose's key means nothing under another's."""
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


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
