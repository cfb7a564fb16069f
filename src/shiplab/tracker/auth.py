"""Who is asking the tracker: JupyterHub users, through a browser login (OAuth) or a hub token.

The login itself — OAuth with PKCE for browsers, ``Authorization: token <JUPYTERHUB_API_TOKEN>`` for scripts and
notebooks, the signed session cookie — is the one every shiplab web service uses (:mod:`shiplab.web`);
:class:`HubOAuthIdentity` gives it the tracker's words and its cookie signing purposes.

The hub says who the token belongs to and their groups; the role comes from the groups ``instructors``,
``managers`` and ``participants`` (admins by the hub's admin flag) and teams from ``team-<name>`` groups
(:class:`HubUser`).

Forms are protected by a signed double-submit CSRF token bound to the login cookie (:class:`Csrf`); requests that
carry a token in the ``Authorization`` header need none, because a browser never adds that header by itself.
"""

from __future__ import annotations

import hmac
from typing import Protocol

from fastapi import Request

from shiplab.web.login import SESSION_MAX_AGE, HubLogin, HubPerson, LoginTexts, Signer, bearer_token
from shiplab.tracker.errors import TrackerError

ROLE_BY_GROUP = (("instructors", "instructor"), ("managers", "manager"), ("participants", "participant"))
LOGIN_TEXTS = LoginTexts(
    noun="tracker",
    no_access="the hub has not given {name} access to the tracker. Ask your instructor to add you to the roster.",
    bad_token="the hub does not know this token (expired or revoked?). "
              "Inside the hub, use the JUPYTERHUB_API_TOKEN variable.")


class HubUser(HubPerson):
    """A hub user with the tracker's reading of their groups: a role and teams."""

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


class HubOAuthIdentity(HubLogin):
    """The real identity: the shared hub login (:class:`shiplab.web.login.HubLogin`) in the tracker's words,
    making tracker users (:class:`HubUser`). The signing purposes are the tracker's cookie format since its first
    release: changing them would log everyone out."""

    def __init__(self, hub_auth, key: bytes, prefix: str = "/"):
        super().__init__(hub_auth, key, prefix, texts=LOGIN_TEXTS, session_purpose="session",
                         state_purpose="oauth-state", person=HubUser, error=TrackerError)


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
