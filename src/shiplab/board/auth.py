"""Who is looking: hub users, through a browser login (OAuth with PKCE) or a hub token — and only instructors.

The login is the one every shiplab web service uses (:mod:`shiplab.web`): ``/login`` keeps a PKCE
verifier in HubOAuth's server-side state under a random state id that also goes into a short-lived signed cookie;
``/oauth_callback`` accepts the code only with the matching state, trades code + verifier for a hub token and keeps
it in a signed, HttpOnly, SameSite=Lax cookie scoped to the service's path. Scripts send
``Authorization: token <hub token>``. :class:`HubIdentity` gives it the board's words and signing purposes.

Two gates: the hub lets only holders of ``access:services!service=progress`` (the instructors' role) through its
OAuth page or accept a token for the service, and :func:`require_instructor` then checks the person is in the
roster's instructors group — a manager or participant gets 403 either way. The board changes nothing, so it has
no forms and needs no CSRF tokens; its responses are never cached.
"""

from __future__ import annotations

from typing import Protocol

from fastapi import Request

from shiplab.roster import ROLE_GROUPS
from shiplab.web.login import HubLogin, HubPerson, LoginTexts, bearer_token, derive_key
from shiplab.board.errors import BoardError

LOGIN_TEXTS = LoginTexts(noun="board", no_access="the hub has not given {name} access to the progress board; it is "
                                                  "for the course's instructors.")


class Viewer(HubPerson):
    """Someone looking at the board, as the hub describes them (name and groups)."""


def require_instructor(viewer: Viewer | None) -> Viewer:
    if viewer is None:
        raise BoardError(401, "not_logged_in", "log in through the hub first, or send your hub token as "
                                               "'Authorization: token <JUPYTERHUB_API_TOKEN>'.")
    if ROLE_GROUPS["instructor"] not in viewer.groups:
        raise BoardError(403, "not_an_instructor", f"the progress board is for the course's instructors; "
                                                   f"{viewer.name} is not one of them.")
    return viewer


class Identity(Protocol):
    async def identify(self, request: Request) -> Viewer | None: ...


async def instructor(request: Request) -> Viewer:
    """The person asking, who must be one of the course's instructors (the app's identity says who it is)."""
    return require_instructor(await request.app.state.identity.identify(request))


class HubIdentity(HubLogin):
    """The real identity: the shared hub login (:class:`shiplab.web.login.HubLogin`) in the board's words,
    letting only instructors finish a login. Its own signing purposes keep the board's cookies apart from other
    services' (and changing them would log everyone out)."""

    def __init__(self, hub_auth, key: bytes, prefix: str = "/"):
        super().__init__(hub_auth, key, prefix, texts=LOGIN_TEXTS, session_purpose="progress-session",
                         state_purpose="progress-oauth-state", person=Viewer, error=BoardError,
                         admit=require_instructor)


class TokenTable:
    """Viewers from a fixed table of tokens (``Authorization: token <t>``), for in-process tests and the
    benchmark; never used by the service."""

    def __init__(self, viewers: dict[str, Viewer]):
        self.viewers = viewers

    async def identify(self, request: Request) -> Viewer | None:
        token = bearer_token(request)
        if token and token not in self.viewers:
            raise BoardError(401, "bad_token", "the hub does not know this token (expired or revoked?).")
        return self.viewers.get(token or "")


def signing_key(hub_token: str) -> bytes:
    """The key for the board's cookies, derived from the service's hub token (new at every hub start)."""
    if not hub_token:
        from shiplab.errors import SettingsError

        raise SettingsError("the progress board has no key to sign cookies with.",
                            hint="run it as a hub service (`shiplab up`): the hub sets JUPYTERHUB_API_TOKEN.")
    return derive_key(hub_token, "shiplab-progress-cookie")
