"""Who is asking: JupyterHub users, through a browser login (OAuth) or a hub token.

The tracker runs as a hub-managed service. The hub gives it ``JUPYTERHUB_API_TOKEN``, ``JUPYTERHUB_API_URL``,
``JUPYTERHUB_CLIENT_ID``, ``JUPYTERHUB_OAUTH_CALLBACK_URL`` and ``JUPYTERHUB_SERVICE_PREFIX``;
:class:`jupyterhub.services.auth.HubOAuth` reads them.

*Browsers* log in with OAuth against the hub, with PKCE (the hub sets ``oauth_require_pkce``): ``/login`` makes a
code verifier and its S256 challenge, keeps the verifier in HubOAuth's server-side state under a random state id,
and sends the browser to the hub with the challenge and the state; the state id also goes into a short-lived
signed cookie. ``/oauth_callback`` accepts the code only if the state in the URL equals the one in that cookie,
then trades code + verifier for a hub token and keeps the token in a signed, HttpOnly, SameSite=Lax cookie.

*Scripts and notebooks* send their hub token: ``Authorization: token <JUPYTERHUB_API_TOKEN>``.

Either way the hub says who the token belongs to and their groups; the role comes from the groups ``instructors``,
``managers`` and ``participants`` (admins by the hub's admin flag) and teams from ``team-<name>`` groups.

Forms are protected by a signed double-submit CSRF token bound to the login cookie (:class:`Csrf`); requests that
carry a token in the ``Authorization`` header need none, because a browser never adds that header by itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode, urlparse

from fastapi import Request
from fastapi.responses import RedirectResponse

from shiplab.tracker.errors import TrackerError

ROLE_BY_GROUP = (("instructors", "instructor"), ("managers", "manager"), ("participants", "participant"))
SESSION_MAX_AGE = 8 * 3600
STATE_MAX_AGE = 600


@dataclass(frozen=True)
class HubUser:
    name: str
    groups: frozenset[str] = frozenset()
    admin: bool = False
    via: str = "cookie"  # "cookie": a browser session (forms need CSRF tokens) | "token": Authorization header
    session: str = ""  # identifies the browser session that CSRF tokens are bound to

    @property
    def role(self) -> str | None:
        """admin > instructor > manager > participant; None for a hub user in none of the groups."""
        if self.admin:
            return "admin"
        for group, role in ROLE_BY_GROUP:
            if group in self.groups:
                return role
        return None

    @property
    def teams(self) -> tuple[str, ...]:
        return tuple(sorted(g.removeprefix("team-") for g in self.groups if g.startswith("team-")))


def user_from_model(model: dict, *, via: str, session: str = "") -> HubUser | None:
    """A :class:`HubUser` from the hub's user model (None for services and other non-users)."""
    if not model or model.get("kind", "user") != "user" or not model.get("name"):
        return None
    return HubUser(name=model["name"], groups=frozenset(model.get("groups") or ()), admin=bool(model.get("admin")),
                   via=via, session=session)


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() in ("token", "bearer") and token.strip():
        return token.strip()
    return None


class Signer:
    """HMAC-SHA256 signatures with a timestamp: ``value.issued.signature`` (values are URL-safe base64)."""

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


class Csrf:
    """Double-submit tokens bound to the browser session: the cookie and the form field must match, and the
    token must be signed for *this* session — a token from another session, or none, is refused."""

    cookie = "shiplab-tracker-csrf"
    field = "_csrf"
    header = "x-csrf-token"

    def __init__(self, key: bytes):
        self.signer = Signer(key, "csrf")

    def token_for(self, request: Request, user: HubUser) -> tuple[str, bool]:
        """The session's token and whether the cookie must be (re)set."""
        current = request.cookies.get(self.cookie)
        if current and self.signer.unsign(current, SESSION_MAX_AGE) == user.session:
            return current, False
        return self.signer.sign(user.session), True

    def check(self, request: Request, user: HubUser, submitted: str | None) -> None:
        if user.via == "token":
            return
        cookie = request.cookies.get(self.cookie)
        submitted = submitted or request.headers.get(self.header)
        if not (cookie and submitted and hmac.compare_digest(cookie, submitted)
                and self.signer.unsign(cookie, SESSION_MAX_AGE) == user.session):
            raise TrackerError(403, "csrf_failed", "this form's security token is missing or out of date. "
                                                   "Reload the page and submit it again.")


class Identity(Protocol):
    """How the app learns who is asking. Tests pass a fake one to ``create_app(identity=...)``."""

    async def identify(self, request: Request) -> HubUser | None: ...


def _is_https(request: Request) -> bool:
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


class HubOAuthIdentity:
    """The real identity: OAuth with PKCE for browsers, hub tokens for scripts, checked with the hub."""

    login_path = "/login"

    def __init__(self, hub_auth, key: bytes, prefix: str = "/"):
        self.hub_auth = hub_auth  # jupyterhub.services.auth.HubOAuth
        self.session_signer = Signer(key, "session")
        self.state_signer = Signer(key, "oauth-state")
        self.prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        self.cookie = f"{hub_auth.oauth_client_id}-session".replace("/", "-")
        self.state_cookie = f"{hub_auth.oauth_client_id}-oauth-state".replace("/", "-")

    async def _user_for_token(self, token: str, *, via: str, session: str = "") -> HubUser | None:
        from tornado.web import HTTPError

        try:
            model = await self.hub_auth.user_for_token(token, use_cache=True, sync=False)
        except HTTPError as exc:
            raise TrackerError(502, "hub_unavailable", "the hub did not answer who you are; try again in a "
                                                       "minute.", log_message=str(exc)) from None
        user = user_from_model(model, via=via, session=session)
        if user and self.hub_auth.access_scopes and not self.hub_auth.check_scopes(self.hub_auth.access_scopes,
                                                                                   model):
            raise TrackerError(403, "no_access", f"the hub has not given {user.name} access to the tracker. "
                                                 "Ask your instructor to add you to the roster.")
        return user

    async def identify(self, request: Request) -> HubUser | None:
        token = bearer_token(request)
        if token:
            user = await self._user_for_token(token, via="token")
            if user is None:
                raise TrackerError(401, "bad_token", "the hub does not know this token (expired or revoked?). "
                                                     "Inside the hub, use the JUPYTERHUB_API_TOKEN variable.")
            return user
        raw = request.cookies.get(self.cookie)
        token = self.session_signer.unsign(raw, SESSION_MAX_AGE)
        if not token:
            return None
        session = hashlib.sha256(raw.encode()).hexdigest()[:32]
        return await self._user_for_token(token, via="cookie", session=session)

    def start_login(self, request: Request, next_url: str | None) -> RedirectResponse:
        """Send the browser to the hub's authorize URL with a PKCE challenge and a fresh state."""
        verifier, challenge, method = self.hub_auth.generate_pkce_code_challenge()
        state = self.hub_auth.generate_state(safe_next(next_url, self.prefix), code_verifier=verifier)
        sep = "&" if "?" in self.hub_auth.login_url else "?"
        target = self.hub_auth.login_url + sep + urlencode(
            {"state": state, "code_challenge": challenge, "code_challenge_method": method})
        resp = RedirectResponse(target, status_code=302)
        resp.set_cookie(self.state_cookie, self.state_signer.sign(state), max_age=STATE_MAX_AGE, httponly=True,
                        samesite="lax", secure=_is_https(request), path=self.prefix)
        return resp

    async def finish_login(self, request: Request) -> RedirectResponse:
        """The OAuth callback: check the state, trade code + verifier for a token, set the session cookie."""
        q = request.query_params
        if q.get("error"):
            reason = (q.get("error_description") or q["error"])[:200]
            raise TrackerError(400, "oauth_error", f"the hub refused the login: {reason}")
        code, state = q.get("code"), q.get("state")
        if not code or not state:
            raise TrackerError(400, "oauth_incomplete", "the login came back without a code or state. "
                                                        "Open the tracker again to log in.")
        cookie_state = self.state_signer.unsign(request.cookies.get(self.state_cookie), STATE_MAX_AGE)
        if not cookie_state or not hmac.compare_digest(cookie_state, state):
            raise TrackerError(403, "oauth_state_mismatch", "this login was not started from this browser, or took "
                                                            "longer than 10 minutes. Open the tracker again.")
        next_url = safe_next(self.hub_auth.get_next_url(state), self.prefix)
        verifier = self.hub_auth.get_code_verifier(state)
        self.hub_auth.clear_oauth_state(state)
        if not verifier:
            raise TrackerError(403, "oauth_state_unknown", "the tracker restarted during your login. "
                                                           "Open the tracker again.")
        from tornado.web import HTTPError

        try:
            token = await self.hub_auth.token_for_code(code, code_verifier=verifier, sync=False)
        except HTTPError as exc:
            raise TrackerError(403, "oauth_refused", "the hub did not accept this login; open the tracker again.",
                               log_message=str(exc)) from None
        if await self._user_for_token(token, via="cookie") is None:
            raise TrackerError(403, "not_a_user", "the hub did not identify a user for this login.")
        resp = RedirectResponse(next_url, status_code=302)
        resp.delete_cookie(self.state_cookie, path=self.prefix)
        resp.set_cookie(self.cookie, self.session_signer.sign(token), max_age=SESSION_MAX_AGE, httponly=True,
                        samesite="lax", secure=_is_https(request), path=self.prefix)
        return resp

    def logout(self, response) -> None:
        response.delete_cookie(self.cookie, path=self.prefix)


class StaticIdentity:
    """Users from a fixed table of tokens, for in-process tests and benchmarks (never used by the service).

    ``Authorization: token <t>`` identifies ``users[t]`` as a script would be; a ``fake-session=<t>`` cookie
    identifies them as a browser would be (with session ``t``, so CSRF tokens are bound to it).
    """

    def __init__(self, users: dict[str, HubUser]):
        self.users = users

    async def identify(self, request: Request) -> HubUser | None:
        token = bearer_token(request)
        via = "token"
        if not token:
            token, via = request.cookies.get("fake-session"), "cookie"
        user = self.users.get(token or "")
        if token and user is None and via == "token":
            raise TrackerError(401, "bad_token", "the hub does not know this token (expired or revoked?).")
        if user is None:
            return None
        return HubUser(user.name, user.groups, user.admin, via=via, session=token if via == "cookie" else "")


def random_token() -> str:
    return secrets.token_urlsafe(24)
