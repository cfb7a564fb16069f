"""Who is looking: hub users, through a browser login (OAuth with PKCE) or a hub token — and only instructors.

The login follows the tracker's (:mod:`shiplab.tracker.auth`, whose :class:`Signer` and :func:`safe_next` are
reused): ``/login`` keeps a PKCE verifier in HubOAuth's server-side state under a random state id that also goes into
a short-lived signed cookie; ``/oauth_callback`` accepts the code only with the matching state, trades code +
verifier for a hub token and keeps it in a signed, HttpOnly, SameSite=Lax cookie scoped to the service's path.
Scripts send ``Authorization: token <hub token>``.

Two gates: the hub lets only holders of ``access:services!service=progress`` (the instructors' role) through its
OAuth page or accept a token for the service, and :func:`require_instructor` then checks the person is in the
roster's instructors group — a manager or participant gets 403 either way. The board changes nothing, so it has
no forms and needs no CSRF tokens; its responses are never cached.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse

from shiplab.hub.roster import ROLE_GROUPS
from shiplab.progress.errors import BoardError
from shiplab.tracker.auth import Signer, safe_next

SESSION_MAX_AGE = 8 * 3600
STATE_MAX_AGE = 600


@dataclass(frozen=True)
class Viewer:
    name: str
    groups: frozenset[str] = frozenset()


def require_instructor(viewer: Viewer | None) -> Viewer:
    if viewer is None:
        raise BoardError(401, "not_logged_in", "log in through the hub first, or send your hub token as "
                                               "'Authorization: token <JUPYTERHUB_API_TOKEN>'.")
    if ROLE_GROUPS["instructor"] not in viewer.groups:
        raise BoardError(403, "not_an_instructor", f"the progress board is for the course's instructors; "
                                                   f"{viewer.name} is not one of them.")
    return viewer


def viewer_from_model(model: dict | None) -> Viewer | None:
    if not model or model.get("kind", "user") != "user" or not model.get("name"):
        return None
    return Viewer(model["name"], frozenset(model.get("groups") or ()))


def _token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() in ("token", "bearer") and token.strip() else None


def _https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


class Identity(Protocol):
    async def identify(self, request: Request) -> Viewer | None: ...


class HubIdentity:
    """The real identity: OAuth with PKCE for browsers, hub tokens for scripts, both checked with the hub."""

    login_path = "/login"

    def __init__(self, hub_auth, key: bytes, prefix: str = "/"):
        self.hub_auth = hub_auth  # jupyterhub.services.auth.HubOAuth
        self.session_signer = Signer(key, "progress-session")
        self.state_signer = Signer(key, "progress-oauth-state")
        self.prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        self.cookie = f"{hub_auth.oauth_client_id}-session".replace("/", "-")
        self.state_cookie = f"{hub_auth.oauth_client_id}-oauth-state".replace("/", "-")

    async def _viewer(self, token: str) -> Viewer | None:
        from tornado.web import HTTPError

        try:
            model = await self.hub_auth.user_for_token(token, use_cache=True, sync=False)
        except HTTPError as exc:
            raise BoardError(502, "hub_unavailable", "the hub did not answer who you are; try again in a minute.",
                             log_message=str(exc)) from None
        viewer = viewer_from_model(model)
        if viewer and self.hub_auth.access_scopes and not self.hub_auth.check_scopes(self.hub_auth.access_scopes,
                                                                                     model):
            raise BoardError(403, "no_access", f"the hub has not given {viewer.name} access to the progress board; "
                                               "it is for the course's instructors.")
        return viewer

    async def identify(self, request: Request) -> Viewer | None:
        token = _token(request)
        if token:
            viewer = await self._viewer(token)
            if viewer is None:
                raise BoardError(401, "bad_token", "the hub does not know this token (expired or revoked?).")
            return viewer
        token = self.session_signer.unsign(request.cookies.get(self.cookie), SESSION_MAX_AGE)
        return await self._viewer(token) if token else None

    def start_login(self, request: Request, next_url: str | None) -> RedirectResponse:
        verifier, challenge, method = self.hub_auth.generate_pkce_code_challenge()
        state = self.hub_auth.generate_state(safe_next(next_url, self.prefix), code_verifier=verifier)
        sep = "&" if "?" in self.hub_auth.login_url else "?"
        target = self.hub_auth.login_url + sep + urlencode(
            {"state": state, "code_challenge": challenge, "code_challenge_method": method})
        resp = RedirectResponse(target, status_code=302)
        resp.set_cookie(self.state_cookie, self.state_signer.sign(state), max_age=STATE_MAX_AGE, httponly=True,
                        samesite="lax", secure=_https(request), path=self.prefix)
        return resp

    async def finish_login(self, request: Request) -> RedirectResponse:
        q = request.query_params
        if q.get("error"):
            raise BoardError(400, "oauth_error", f"the hub refused the login: "
                                                 f"{(q.get('error_description') or q['error'])[:200]}")
        code, state = q.get("code"), q.get("state")
        if not code or not state:
            raise BoardError(400, "oauth_incomplete", "the login came back without a code or state. "
                                                      "Open the board again to log in.")
        cookie_state = self.state_signer.unsign(request.cookies.get(self.state_cookie), STATE_MAX_AGE)
        if not cookie_state or not hmac.compare_digest(cookie_state, state):
            raise BoardError(403, "oauth_state_mismatch", "this login was not started from this browser, or took "
                                                          "longer than 10 minutes. Open the board again.")
        next_url = safe_next(self.hub_auth.get_next_url(state), self.prefix)
        verifier = self.hub_auth.get_code_verifier(state)
        self.hub_auth.clear_oauth_state(state)
        if not verifier:
            raise BoardError(403, "oauth_state_unknown", "the board restarted during your login. Open it again.")
        from tornado.web import HTTPError

        try:
            token = await self.hub_auth.token_for_code(code, code_verifier=verifier, sync=False)
        except HTTPError as exc:
            raise BoardError(403, "oauth_refused", "the hub did not accept this login; open the board again.",
                             log_message=str(exc)) from None
        require_instructor(await self._viewer(token))
        resp = RedirectResponse(next_url, status_code=302)
        resp.delete_cookie(self.state_cookie, path=self.prefix)
        resp.set_cookie(self.cookie, self.session_signer.sign(token), max_age=SESSION_MAX_AGE, httponly=True,
                        samesite="lax", secure=_https(request), path=self.prefix)
        return resp


class TokenTable:
    """Viewers from a fixed table of tokens (``Authorization: token <t>``), for in-process tests and the
    benchmark; never used by the service."""

    def __init__(self, viewers: dict[str, Viewer]):
        self.viewers = viewers

    async def identify(self, request: Request) -> Viewer | None:
        token = _token(request)
        if token and token not in self.viewers:
            raise BoardError(401, "bad_token", "the hub does not know this token (expired or revoked?).")
        return self.viewers.get(token or "")


def signing_key(hub_token: str) -> bytes:
    """The key for the board's cookies, derived from the service's hub token (new at every hub start)."""
    if not hub_token:
        from shiplab.errors import SettingsError

        raise SettingsError("the progress board has no key to sign cookies with.",
                            hint="run it as a hub service (`shiplab up`): the hub sets JUPYTERHUB_API_TOKEN.")
    return hmac.new(hub_token.encode(), b"shiplab-progress-cookie", hashlib.sha256).digest()
