"""The instructors' view of everyone's gateway usage: JSON for scripts (and the tracker), one HTML page for people.

``GET /instructor/usage.json`` — :meth:`shiplab.gateway.usage.UsageLog.report` (the shape is documented there):
every participant, per provider, requests and tokens today and in total, refusals by rule.
``GET /instructor/usage`` — the same as a page. Both are for members of the course's instructors group
(:data:`shiplab.roster.ROLE_GROUPS`) only; everyone else gets 403, and a request without identity gets 401
(JSON) or is sent to the hub's login (the page). The JSON is also for the hub services named in ``readers`` — the
shipping tracker, which shows instructors each participant's model use next to their ship plan, calling with its
own hub token (the hub gives it ``access:services!service=gateway`` and nothing else; :func:`shiplab.hub.roles.
service_roles`). Other services, even with access to the gateway, get 403.

Who is asking comes from the hub through a :class:`Viewers` object: in production
:class:`shiplab.gateway.hubauth.HubViewers` (a hub token in ``Authorization``, or a browser session made by OAuth
with the hub at ``/login`` → ``/oauth_callback``); in-process tests pass a table of tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from shiplab.gateway.errors import GatewayError
from shiplab.roster import ROLE_GROUPS

INSTRUCTORS = ROLE_GROUPS["instructor"]

READERS = ("tracker",)


@dataclass(frozen=True)
class Viewer:
    name: str
    groups: frozenset[str]
    kind: str = "user"  # or "service": a hub service calling with its own token


class Viewers(Protocol):
    async def viewer(self, request: Request) -> Viewer | None:
        """Who is asking; None for a browser without a session. Raises GatewayError for a bad token."""

    def login(self, request: Request, next_url: str) -> Response:
        """Send a browser to log in with the hub, coming back to ``next_url``."""

    async def callback(self, request: Request) -> Response:
        """Finish the browser's login (the OAuth callback)."""


def may_read(who: Viewer, group: str = INSTRUCTORS, readers: tuple[str, ...] = READERS) -> bool:
    """May ``who`` read everyone's usage: an instructor, or one of the hub services named in ``readers``?"""
    return who.name in readers if who.kind == "service" else group in who.groups


def forbidden(who: Viewer, request: Request, group: str = INSTRUCTORS,
              readers: tuple[str, ...] = READERS) -> GatewayError:
    if who.kind == "service":
        return GatewayError(403, "not_a_reader", f"the service {who.name!r} may not read the usage log (only "
                                                 f"{', '.join(readers) or 'none'}).")
    return GatewayError(403, "not_an_instructor", f"{who.name} is not in the {group!r} group: only instructors see "
                                                  f"everyone's usage. Your own usage is at {here(request, 'usage')}.")


router = APIRouter()


def _gateway(request: Request):
    return request.app.state.gateway


@router.get("/instructor/usage.json")
async def usage_json(request: Request):
    gw = _gateway(request)
    who = await gw.viewers.viewer(request)
    if who is None:
        raise GatewayError(401, "no_token", "send your hub token (Authorization: Bearer <token>) or open "
                                            "/instructor/usage in a browser to log in.")
    if not may_read(who):
        raise forbidden(who, request)
    return JSONResponse(gw.usage.report(gw.budget))


@router.get("/instructor/usage")
async def usage_page(request: Request):
    gw = _gateway(request)
    who = await gw.viewers.viewer(request)
    if who is None:
        return gw.viewers.login(request, here(request))
    if who.kind != "user" or INSTRUCTORS not in who.groups:  # the page is for people
        raise forbidden(who, request)
    return request.app.state.templates.TemplateResponse(
        request, "instructor_usage.html", {"report": gw.usage.report(gw.budget), "viewer": who.name})


@router.get("/login")
async def login(request: Request):
    return _gateway(request).viewers.login(request, request.query_params.get("next")
                                           or here(request, "instructor/usage"))


@router.get("/oauth_callback")
async def oauth_callback(request: Request):
    return await _gateway(request).viewers.callback(request)


def here(request: Request, tail: str | None = None) -> str:
    """This request's path as the browser sees it (with the service prefix the app is mounted under)."""
    root = request.scope.get("root_path", "").rstrip("/")
    if tail is not None:
        return f"{root}/{tail}"
    return root + request.url.path[len(root):] if request.url.path.startswith(root) else request.url.path
